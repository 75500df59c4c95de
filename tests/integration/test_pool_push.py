"""``chainkg neo4j push`` on the pool path leaves the server exactly as the graph path did.

The command now diagnoses and scores on the company tables and writes the company rows
batch by batch from them (chainkg.graphdb.groups); here its result on the real server is
compared, node by node and relationship by relationship with every property, with a push
of ``build_graph``'s graph ranked by ``shortlist.rank`` (what the command pushed before), written from
the oracle's ``graph_groups``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from chainkg.cli.main import app
from chainkg.cli.neo4j import neo4j_app
from chainkg.dataset.load import load_scoring, load_valid
from chainkg.graphdb import Neo4jRunner, push_groups, server_counts, wipe
from conftest import BUNDLED, synthetic_data
from oracle import build_graph, diagnose, graph_groups, rank
from test_bad_data import CASES, CORPUS, build

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_data(tmp_path_factory, 1_200, 5)


def _snapshot(runner: Neo4jRunner) -> tuple[list[Any], list[Any]]:
    """Every chainkg node (labels, properties) and relationship (type, ends, properties), sorted."""
    nodes = runner.run("MATCH (n) WHERE n.chainkg_push IS NOT NULL "
                       "RETURN labels(n) AS labels, properties(n) AS props")
    rels = runner.run("MATCH (a)-[r]->(b) WHERE r.chainkg_push IS NOT NULL "
                      "RETURN type(r) AS type, labels(a) AS a, a.id AS source, labels(b) AS b, b.id AS target, "
                      "properties(r) AS props")
    for row in [*nodes, *rels]:
        row["props"].pop("chainkg_push")
    key = repr
    return sorted(nodes, key=key), sorted(rels, key=key)


@pytest.mark.parametrize("which", ["bundled", "synthetic"])
def test_cli_push_equals_the_graph_push(runner: Neo4jRunner, synthetic: Path, which: str) -> None:
    data = {"bundled": BUNDLED, "synthetic": synthetic}[which]
    result = CliRunner().invoke(neo4j_app, ["push", "--data", str(data), "--batch-size", "97"])
    assert result.exit_code == 0, result.output
    new = _snapshot(runner)
    new_counts = server_counts(runner)
    wipe(runner)
    dataset = load_valid(data)[0]
    scoring = load_scoring(data)
    g = build_graph(dataset)
    diagnosis = diagnose(g, scoring.diagnosis)
    # The oracle's groups of its graph, written by the same push_groups.
    assert push_groups(runner, *graph_groups(g, diagnosis, rank(g, diagnosis, scoring.rank))) == new_counts
    old = _snapshot(runner)
    assert new == old
    assert len(new[0]) == g.number_of_nodes() and len(new[1]) == g.number_of_edges()
    scored = [n for n in new[0] if "Company" in n["labels"] and "rank" in n["props"]]
    assert sorted(n["props"]["rank"] for n in scored) == list(range(1, len(scored) + 1))


ERROR_CASES = [c for c in CASES if "exit: 2" in (CORPUS / c / "case.yaml").read_text(encoding="utf-8")]


@pytest.mark.parametrize("case", ERROR_CASES)
def test_bad_input_stops_push_as_it_stops_rank(runner: Neo4jRunner, case: str, tmp_path: Path) -> None:
    """Logged in, push reports the data's errors as ``rank`` does (file, line, field) and writes nothing."""
    data = tmp_path / "data"
    assert build(case, data)["exit"] == 2
    expected = CliRunner().invoke(app, ["rank", "--data", str(data)])
    result = CliRunner().invoke(neo4j_app, ["push", "--data", str(data)])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", expected.stderr)
    assert server_counts(runner) == {"nodes": {}, "relationships": {}}
