"""scripts/benchmark.py --neo4j's worker against the real server: every stage, exact counts, one table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.conftest import benchmark_module

from chainkg.cli.neo4j import _analyse
from chainkg.dataset.load import load_scoring, load_valid
from chainkg.graphdb import Neo4jRunner, server_counts

pytestmark = pytest.mark.neo4j


def test_neo4j_stages_of_one_size_in_a_fresh_process(runner: Neo4jRunner, tmp_path: Path) -> None:
    bench: Any = benchmark_module()
    data_dir, counts = bench.ensure_data(1_500, tmp_path, 3)
    rows = bench._neo4j_worker(data_dir)  # the same subprocess `--neo4j` runs per size
    stages = [r["stage"] for r in rows]
    assert stages == ["push_rows", "push", "naive", "repush", "prune", "wipe", "diagnose_server",
                      "rank_server", "client_peak"]
    push = rows[1]
    # The rank stages pushed the data set again: the server holds every relationship the push counted.
    relationships = server_counts(runner)["relationships"]
    assert push["rows"] == sum(relationships.values()) > counts["company_segments"] + counts["relations"]
    assert relationships["OPERATES_IN"] == counts["company_segments"]
    assert "counts exact" in rows[4]["note"] and all(r["companies"] == 1_500 for r in rows)
    table = bench._neo4j_stages_module().markdown(rows)
    assert table.count("\n") == len(rows) + 1 and "| 1,500 | push |" in table


def test_neo4j_stages_push_the_rows_of_the_push_command(runner: Neo4jRunner, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The benchmark writes what ``chainkg neo4j push`` writes, made the same way: from the pool's
    tables batch by batch, never as company records (those took 12 GB at 1M)."""
    bench: Any = benchmark_module()
    stages = bench._neo4j_stages_module()
    data_dir, counts = bench.ensure_data(1_500, tmp_path, 3)
    _pg, nodes, rels = stages._push_rows(load_valid(data_dir)[0], load_scoring(data_dir))
    command = _analyse(data_dir)
    assert [(g.label, g.extra, list(g.rows)) for g in nodes] == [(g.label, g.extra, list(g.rows)) for g in command.nodes]
    assert [(g.rel_type, g.source, g.target, list(g.rows)) for g in rels] == [
        (g.rel_type, g.source, g.target, list(g.rows)) for g in command.rels]
    loaded = []

    def spy(path: Path) -> Any:
        loaded.append(load_valid(path)[0])
        return loaded[-1], []

    monkeypatch.setattr(stages, "load_valid", spy)
    rows = stages.run_neo4j_stages(data_dir, runner, naive_sample=100)
    assert not {"companies", "company_segments", "relations"} & set(vars(loaded[0]))  # no records made
    prune = next(r for r in rows if r["stage"] == "prune")
    assert "counts exact" in prune["note"]
    # The rank stages pushed the rows again: with the diagnosis and every candidate's score, as the command.
    on_server = runner.run("MATCH (c:Company) RETURN count(c.score) AS scored, count(c) AS companies")[0]
    assert on_server == {"scored": sum(1 for g in nodes if g.label == "Company" for r in g.rows if "score" in r["props"]),
                         "companies": counts["companies"]}
    assert on_server["scored"] > 0
    diagnosed = sum(1 for g in nodes if g.label == "Segment" for r in g.rows if "status" in r["props"])
    assert runner.run("MATCH (s:Segment) RETURN count(s.status) AS n")[0]["n"] == diagnosed > 0
