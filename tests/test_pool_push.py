"""The Neo4j commands' analysis on the pool path equals the graph path it replaced.

``chainkg neo4j push``/``import-files``/``export-cypher`` used to load every company into
networkx and rank every candidate with ``ranking.rank``; they now diagnose and score on the
company tables. The diagnosis, every candidate's score and rank, and every pushed row must be
exactly what the old path gives, on the tiny, bundled and a synthetic data set.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainkg.analysis.pool_rank import exact_scores
from chainkg.cli.main import app
from chainkg.dataset.load import load_scoring, load_valid
from chainkg.graph.pool_graph import pool_graph
from chainkg.graphdb.bulk import write_import_files
from chainkg.graphdb.cypher_export import export_statements
from chainkg.graphdb.groups import pool_groups
from chainkg.graphdb.push import NodeGroup, RelGroup, dataset_groups
from chainkg.graphdb.rows import FrameRows
from conftest import BUNDLED, TINY, Edit, synthetic_data
from oracle import build_graph, diagnose, graph_groups, rank
from test_bad_data import CASES, CORPUS, build

Groups = tuple[list[NodeGroup], list[RelGroup]]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_data(tmp_path_factory, 2_000, 11)


@pytest.fixture(scope="module", params=["tiny", "bundled", "synthetic"])
def data(request: pytest.FixtureRequest, synthetic: Path) -> Path:
    return {"tiny": TINY, "bundled": BUNDLED, "synthetic": synthetic}[request.param]


def test_exact_scores_are_rank_on_the_full_graph(data: Path) -> None:
    dataset = load_valid(data)[0]
    settings = load_scoring(data)
    g = build_graph(dataset)
    diagnosis = diagnose(g, settings.diagnosis)
    expected = [(p.company_id, p.score, p.rank) for p in rank(g, diagnosis, settings.rank)]
    pg = pool_graph(dataset)
    assert [d.model_dump() for d in diagnose(pg, settings.diagnosis)] == [d.model_dump() for d in diagnosis]
    found = exact_scores(pg, diagnosis, settings.rank).drop("idx")
    assert list(found.iter_rows()) == expected
    assert len(expected) > 0


def _old_and_new(data: Path) -> tuple[Groups, Groups, Groups]:
    """dataset_groups and graph_groups as the commands made them before, and pool_groups."""
    dataset = load_valid(data)[0]
    settings = load_scoring(data)
    g = build_graph(dataset)
    diagnosis = diagnose(g, settings.diagnosis)
    prospects = rank(g, diagnosis, settings.rank)
    pg = pool_graph(dataset)
    new = pool_groups(dataset, pg, diagnose(pg, settings.diagnosis), exact_scores(pg, diagnosis, settings.rank))
    return dataset_groups(dataset, diagnosis, prospects), graph_groups(g, diagnosis, prospects), new


def _plain(groups: Groups) -> tuple[list[object], list[object]]:
    nodes, rels = groups
    return ([(n.label, n.extra, list(n.rows)) for n in nodes], [(r.rel_type, r.source, r.target, list(r.rows))
                                                                for r in rels])


def _by_key(groups: Groups) -> tuple[dict[object, object], dict[object, object]]:
    nodes, rels = groups
    return ({(g.label, g.extra, r["id"]): r["props"] for g in nodes for r in g.rows},
            {(g.rel_type, g.source, g.target, r["source"], r["target"]): r["props"] for g in rels for r in g.rows})


def _check_rows(data: Path) -> Groups:
    old, graph, new = _old_and_new(data)
    # The same groups in the same order, the same rows in the same order; lists, never tuples.
    assert _plain(new) == _plain(old)
    assert repr(_plain(new)) == repr(_plain(old))  # also the key order and list-not-tuple
    assert _by_key(new) == _by_key(graph)
    assert any(isinstance(g.rows, FrameRows) for g in new[0])
    return new


def test_pool_groups_are_the_dataset_groups(data: Path) -> None:
    new = _check_rows(data)
    assert sum(len(n.rows) for n in new[0]) == build_graph(load_valid(data)[0]).number_of_nodes()


def test_pool_groups_keep_the_last_of_a_repeated_relation(edit: Edit) -> None:
    # A repeated relation is a warning; the later row wins, at the place of the first.
    data = edit("relations.csv", "out-friend,COOPERATES_WITH,out-partner,,test",
                "out-friend,COOPERATES_WITH,out-partner,,test\nout-integrator,SUPPLIES,loc-anchor,第二次,test")
    _nodes, rels = _check_rows(data)
    supplies = next(r for r in rels if r.rel_type == "SUPPLIES")
    assert [row["props"]["note"] for row in supplies.rows] == ["第二次"]


def test_import_files_and_cypher_script_are_unchanged(data: Path, tmp_path: Path) -> None:
    """The importer's files and the .cypher script, byte for byte, as from the old rows."""
    old, graph, new = _old_and_new(data)
    write_import_files(*old, tmp_path / "old", "token")
    write_import_files(*new, tmp_path / "new", "token")
    files = sorted(p.name for p in (tmp_path / "old").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "new").iterdir())
    for name in files:
        old_text = (tmp_path / "old" / name).read_text(encoding="utf-8").replace(str(tmp_path / "old"), "DIR")
        assert (tmp_path / "new" / name).read_text(encoding="utf-8").replace(str(tmp_path / "new"), "DIR") == old_text
    # The script follows the push's groups (graph_groups sorted nodes by key: the order, and the
    # order of keys in a literal, differ; the statements' nodes and properties are the same).
    assert list(export_statements(*new)) == list(export_statements(*old))
    assert len(list(export_statements(*new))) == len(list(export_statements(*graph)))


def test_frame_rows_behave_like_a_list(data: Path) -> None:
    _old, _graph, (nodes, _rels) = _old_and_new(data)
    rows = next(g.rows for g in nodes if isinstance(g.rows, FrameRows))
    plain = list(rows)
    assert len(rows) == len(plain) and rows[0] == plain[0] and rows[-1] == plain[-1]
    assert rows[1:3] == plain[1:3] and rows[::2] == plain[::2] and rows[5:2] == []
    with pytest.raises(IndexError):
        rows[len(plain)]


ERROR_CASES = [c for c in CASES if "exit: 2" in (CORPUS / c / "case.yaml").read_text(encoding="utf-8")]


@pytest.mark.parametrize("case", ERROR_CASES)
def test_bad_input_stops_the_neo4j_commands_as_it_stops_rank(case: str, tmp_path: Path) -> None:
    """Same one-line errors (file, line, field) and exit code as ``rank``; nothing written."""
    data = tmp_path / "data"
    assert build(case, data)["exit"] == 2
    expected = CliRunner().invoke(app, ["rank", "--data", str(data)])
    out = tmp_path / "out"
    for command in (["neo4j", "import-files", "-o", str(out)], ["neo4j", "export-cypher", "-o", str(out)]):
        result = CliRunner().invoke(app, [*command, "--data", str(data)])
        assert (result.exit_code, result.stdout, result.stderr) == (2, "", expected.stderr), command
        assert not out.exists()
    # push connects first (a server it cannot reach or log in to is reported before the analysis);
    # with a server, the data's errors: tests/integration/test_pool_push.py.
    result = CliRunner().invoke(app, ["neo4j", "push", "--uri", "bolt://127.0.0.1:9", "--password", "x",
                                      "--data", str(data)])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("错误：连不上 Neo4j 服务器（bolt://127.0.0.1:9）")
