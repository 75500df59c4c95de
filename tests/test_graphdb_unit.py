"""chainkg.graphdb without a server: a recording QueryRunner checks query building and batching."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from tests.conftest import BUNDLED, TINY

from chainkg.dataset.load import load_valid
from chainkg.graphdb import (
    ConnectionSettings,
    cypher_literal,
    export_statements,
    list_queries,
    load_query,
    push,
    settings_from,
    write_cypher_script,
)
from chainkg.graphdb.bulk import write_import_files
from chainkg.graphdb.cypher_export import cypher_name
from chainkg.graphdb.push import (
    REL_SCHEMA,
    NodeGroup,
    RelGroup,
    block_rounds,
    dataset_groups,
    node_query,
    push_groups,
    rel_query,
    wipe,
)
from chainkg.graphdb.queries import param_example, param_label, param_range, schema_statements
from chainkg.model.errors import Neo4jError, NotFoundError, OutputExistsError
from chainkg.model.records import DataSet
from oracle import build_graph, diagnose, graph_groups, rank


class RecordingRunner:
    """A QueryRunner that records every call and answers counts with zero."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    def run(self, query: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        self.calls.append(("read", query, dict(params or {})))
        return [] if "type(r)" in query else [{"n": 0}]

    def write(self, query: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        self.calls.append(("write", query, dict(params or {})))
        return [{"written": len((params or {}).get("rows", []))}]

    def write_batched(self, query: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        self.calls.append(("batched", query, dict(params or {})))
        return [{"n": 0}]


def test_push_batches_parameterised_merges(tiny_graph: nx.MultiDiGraph, tiny_data: DataSet) -> None:
    runner = RecordingRunner()
    diagnosis = diagnose(tiny_graph)
    push(runner, tiny_data, diagnosis, rank(tiny_graph, diagnosis), batch_size=5)
    schema = [q for kind, q, p in runner.calls if kind == "write" and "rows" not in p]
    data = [(q, p["rows"]) for kind, q, p in runner.calls if kind == "write" and "rows" in p]
    assert len(schema) == len(schema_statements()) == 12
    assert all(len(rows) <= 5 for _q, rows in data)
    assert sum(len(rows) for _q, rows in data) == 28 + 44
    # values never appear in query text: only $rows
    assert all("UNWIND $rows AS row" in q and "外地" not in q for q, _rows in data)
    nodes_first = [("MERGE (n:" in q) for q, _rows in data]
    assert nodes_first == sorted(nodes_first, reverse=True)


def test_node_rows_carry_analysis_and_omit_none(tiny_graph: nx.MultiDiGraph, tiny_data: DataSet) -> None:
    runner = RecordingRunner()
    diagnosis = diagnose(tiny_graph)
    push(runner, tiny_data, diagnosis, rank(tiny_graph, diagnosis), batch_size=100)
    rows = {r["id"]: (q, r["props"]) for _k, q, p in runner.calls for r in p.get("rows", []) if "id" in r}
    query, segment = rows["robot-auto"]
    assert "SET n:Weak" in query and segment["status"] == "weak" and segment["severity"] == 0.2703
    assert "parent" not in segment and "label" not in segment
    _q, company = rows["out-integrator"]
    assert company["rank"] == 1 and company["is_local"] is False and company["listed"] == []
    assert "uscc" not in company


def test_queries_use_whitelisted_names_only() -> None:
    assert "SET n:Local" in node_query("Company", "Local")
    with pytest.raises(ValueError, match="not a chainkg label"):
        node_query("Company) DETACH DELETE (n", None)
    with pytest.raises(ValueError, match="not a chainkg label or relationship type: 'HACK'"):
        rel_query("HACK", "Company", "Company")
    with pytest.raises(ValueError):
        node_query("Segment", "Local")
    with pytest.raises(Neo4jError, match="批大小必须至少为 1"):
        push(RecordingRunner(), load_valid(TINY)[0], [], [], batch_size=0)


@pytest.mark.parametrize(("value", "literal"), [
    ("plain", "'plain'"),
    ("it's", r"'it\'s'"),
    ("back\\slash", r"'back\\slash'"),
    ('"{braces}" $x', "'\"{braces}\" $x'"),
    ("line\nbreak\ttab\u2028", r"'line\nbreak\ttab\u2028'"),
    ("🤖机器人", "'🤖机器人'"),
    (True, "true"), (3, "3"), (0.25, "0.25"),
    (["a", 1], "['a', 1]"),
    ({"name": "x", "odd key": 1}, "{name: 'x', `odd key`: 1}"),
])
def test_cypher_literal(value: Any, literal: str) -> None:
    assert cypher_literal(value) == literal


def test_cypher_literal_refuses_what_cypher_cannot_hold() -> None:
    with pytest.raises(ValueError, match="no literal"):
        cypher_literal(float("nan"))
    with pytest.raises(TypeError):
        cypher_literal(object())
    assert cypher_name("we`ird") == "`we``ird`"


def test_export_statements_one_per_line(tiny_graph: nx.MultiDiGraph, tiny_data: DataSet) -> None:
    diagnosis = diagnose(tiny_graph)
    lines = list(export_statements(*dataset_groups(tiny_data, diagnosis, rank(tiny_graph, diagnosis))))
    statements = [line for line in lines if not line.startswith("//")]
    assert len(statements) == 12 + 28 + 44
    assert all(s.endswith(";") and "\n" not in s and "$" not in s.split("{", 1)[0] for s in statements)
    assert any(s.startswith("MERGE (n:Segment {id: 'robot-auto'})") and s.endswith("SET n:Weak;")
               for s in statements)


def test_write_cypher_script_refuses_overwrite(tiny_data: DataSet, tmp_path: Path) -> None:
    target = tmp_path / "g.cypher"
    groups = dataset_groups(tiny_data, [], [])
    assert write_cypher_script(target, *groups) == 12 + 28 + 44
    with pytest.raises(OutputExistsError, match="文件已存在"):
        write_cypher_script(target, *groups)
    write_cypher_script(target, *groups, force=True)
    assert target.read_text(encoding="utf-8").count(";\n") == 12 + 28 + 44


def test_settings_from_environment_and_options() -> None:
    env = {"NEO4J_URI": "bolt://h:7687", "NEO4J_USERNAME": "u", "NEO4J_PASSWORD": "secret",
           "NEO4J_DATABASE": "db"}
    assert settings_from(environ=env) == ConnectionSettings("bolt://h:7687", "u", "secret", "db")
    assert settings_from(uri="neo4j://x", password="p", environ=env).uri == "neo4j://x"
    assert "secret" not in repr(settings_from(environ=env))
    with pytest.raises(Neo4jError, match=r"^未指定 Neo4j 地址"):
        settings_from(environ={})
    with pytest.raises(Neo4jError, match=r"^未指定 Neo4j 密码"):
        settings_from(environ={"NEO4J_URI": "bolt://h"})


def test_named_queries_have_headers_and_parameters() -> None:
    names = {q.name for q in list_queries()}
    assert {"chain_map", "field_gaps", "segment_prospects", "company_paths", "partner_footprint",
            "pipeline_by_stage", "backend_diagnosis", "backend_rank"} <= names
    assert all(q.description for q in list_queries())
    assert list(load_query("company_paths").params) == ["company", "max_hops"]
    with pytest.raises(NotFoundError, match="没有名为「nope」的查询"):
        load_query("nope")


def test_every_header_example_is_an_id_of_the_bundled_data() -> None:
    """The examples a query's header gives ("chain id, e.g. robotics") exist in graph_data/, so they cannot drift."""
    g = build_graph(load_valid(BUNDLED)[0])
    ids = {(a["label"], a["id"]) for _k, a in g.nodes(data=True)}
    named = [(q.name, p, param_label(d), param_example(d)) for q in list_queries() for p, d in q.params.items()
             if param_label(d) or param_example(d)]
    assert {(q, p) for q, p, _l, _e in named} >= {("chain_map", "chain"), ("field_gaps", "field"),
                                                  ("segment_prospects", "segment"), ("company_paths", "company")}
    for query, param, label, example in named:
        assert label and example, f"{query}: ${param} names a node but gives no example id, or the reverse"
        assert (label, example) in ids, f"{query}: the example {example} of ${param} is no {label} of graph_data/"


def test_parameter_descriptions() -> None:
    assert param_label("company id, e.g. sinomach") == "Company"
    assert param_label("company ids of one chunk") is None
    assert param_example("segment id, e.g. robotics-core-parts") == "robotics-core-parts"
    assert param_range("longest path to report (default 3, from 1 to 6)") == (1, 6)
    assert param_range("longest path to report (default 3)") is None


def _by_key(groups: tuple[list[NodeGroup], list[RelGroup]]) -> tuple[dict[Any, Any], dict[Any, Any]]:
    nodes, rels = groups
    return ({(g.label, g.extra, r["id"]): r["props"] for g in nodes for r in g.rows},
            {(g.rel_type, g.source, g.target, r["source"], r["target"]): r["props"] for g in rels for r in g.rows})


@pytest.mark.parametrize("data", [TINY, BUNDLED], ids=["tiny", "bundled"])
def test_dataset_groups_equal_graph_groups(data: Path) -> None:
    dataset = load_valid(data)[0]
    g = build_graph(dataset)
    diagnosis = diagnose(g)
    prospects = rank(g, diagnosis)
    from_graph = graph_groups(g, diagnosis, prospects)
    from_data = dataset_groups(dataset, diagnosis, prospects)
    assert _by_key(from_data) == _by_key(from_graph)
    assert sum(len(n.rows) for n in from_data[0]) == g.number_of_nodes()
    assert sum(len(r.rows) for r in from_data[1]) == g.number_of_edges()


def test_push_prune_and_wipe_delete_in_server_side_batches(tiny_data: DataSet) -> None:
    runner = RecordingRunner()
    push(runner, tiny_data, [], [], batch_size=5, prune_stale=True)
    tokens = {p["push"] for kind, _q, p in runner.calls if kind == "write" and "rows" in p}
    assert len(tokens) == 1 and len(tokens.pop()) == 32
    batched = [(q, p) for kind, q, p in runner.calls if kind == "batched"]
    assert len(batched) == len(REL_SCHEMA) + 7
    assert all("IN TRANSACTIONS OF 5 ROWS" in q and "$push" in q for q, _p in batched)
    assert batched[0][0].startswith("MATCH (:Chain)-[x:IN_FIELD]->(:Field) WHERE x.chainkg_push IS NULL")
    runner = RecordingRunner()
    wipe(runner, batch_size=300)
    assert runner.calls[0][1] == (
        "MATCH (x:Company) CALL (x) { DETACH DELETE x } IN TRANSACTIONS OF 300 ROWS RETURN count(*) AS n")


def test_import_files_have_typed_headers_and_quoted_values(tmp_path: Path) -> None:
    dataset = load_valid(TINY)[0]
    nodes, rels = dataset_groups(dataset, [], [])
    args = write_import_files(nodes, rels, tmp_path, "tok")
    assert args[:2] == ["--array-delimiter=|", "--multiline-fields=true"]
    assert (tmp_path / "import.args").read_text(encoding="utf-8").splitlines() == args
    assert len(args) == 2 + len(nodes) + len(rels)
    local = next(a.split("=", 1)[1] for a in args if a.endswith("Company.csv") and "Local" in Path(
        a.split("=", 1)[1]).read_text(encoding="utf-8"))
    header, first = Path(local).read_text(encoding="utf-8").splitlines()[:2]
    assert header.startswith('"id:ID(Company)","is_local:boolean","is_partner:boolean","name:string"')
    assert header.endswith('"chainkg_push:string",":LABEL"')
    # Strings quoted (an empty note is "" and stays an empty string), lists joined by "|".
    assert first == ('"loc-anchor",true,false,"本地链主","链主","河南省","洛阳市","测试区","central_soe",'
                     '"SH:601038","large","上市","test","","","","","",,"tok","Company|Local"')
    # note, status, address, country, china_entity; listed_since: an empty list is no value
    segments = next(tmp_path.glob("relationships-*-OPERATES_IN.csv")).read_text(encoding="utf-8").splitlines()
    assert segments[0] == ('":START_ID(Company)",":END_ID(Segment)","role:string","products:string",'
                           '"source:string","chainkg_push:string",":TYPE"')
    assert len(segments) == 1 + sum(len(r.rows) for r in rels if r.rel_type == "OPERATES_IN")


def test_cli_import_files_writes_the_importer_files(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from chainkg.cli.neo4j import neo4j_app

    result = CliRunner().invoke(neo4j_app, ["import-files", "--data", str(TINY), "-o", str(tmp_path / "imp")])
    assert result.exit_code == 0, result.output
    assert f"已写入 {tmp_path / 'imp'}（节点 28，关系 44）；导入：scripts/neo4j-server import" in result.stderr
    args = (tmp_path / "imp" / "import.args").read_text(encoding="utf-8").splitlines()
    # 11 node groups (segments by status, companies local or not) and 12 relationship groups.
    assert len(args) == 2 + 11 + 12 and all(Path(a.split("=", 1)[1]).is_file() for a in args[2:])


def test_bfs_levels_from_every_anchor_at_once() -> None:
    from chainkg.graphdb.backend import bfs_levels

    # a - b - c - d - e, with x beside c and y unreachable; anchors a and e.
    edges = {("a", "b"), ("b", "c"), ("c", "d"), ("d", "e"), ("c", "x"), ("y", "y")}
    calls: list[list[str]] = []

    def neighbours(frontier: Sequence[str]) -> list[str]:
        calls.append(list(frontier))
        return [v for u, w in edges for s, v in ((u, w), (w, u)) if s in frontier]

    assert bfs_levels(["e", "a"], neighbours, 6) == {"a": 0, "e": 0, "b": 1, "d": 1, "c": 2, "x": 3}
    # One call per level, each with that level's new nodes, sorted; none once a level is empty.
    assert calls == [["a", "e"], ["b", "d"], ["c"], ["x"]]
    assert bfs_levels(["a", "e"], neighbours, 1) == {"a": 0, "e": 0, "b": 1, "d": 1}
    assert bfs_levels([], neighbours, 3) == {}
    # A neighbour reported twice, or an anchor reported again, keeps its first distance.
    assert bfs_levels(["a"], lambda f: ["b", "b", "a"] if f == ["a"] else ["a", "b"], 3) == {"a": 0, "b": 1}


@pytest.mark.parametrize("workers", [1, 2, 3, 4])
def test_block_rounds_never_give_two_writers_the_same_block(workers: int) -> None:
    rounds = block_rounds(workers)
    pairs = [pair for jobs in rounds for job in jobs for pair in job]
    k = 2 * workers
    assert sorted(pairs) == [(i, j) for i in range(k) for j in range(i, k)]  # each pair exactly once
    for jobs in rounds:
        assert len(jobs) == workers
        blocks = [{b for pair in job for b in pair} for job in jobs]
        assert sum(len(b) for b in blocks) == len(set().union(*blocks))


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_concurrent_push_writes_every_row_once_nodes_first(tiny_data: DataSet, workers: int) -> None:
    runner = RecordingRunner()
    nodes, rels = dataset_groups(tiny_data, [], [])
    done: list[int] = []
    push_groups(runner, nodes, rels, batch_size=3, progress=lambda d, _t: done.append(d), workers=workers)
    data = [(q, p["rows"]) for kind, q, p in runner.calls if kind == "write" and "rows" in p]
    written = sorted(repr(sorted(row.items())) for _q, rows in data for row in rows)
    assert written == sorted(repr(sorted(row.items())) for g in [*nodes, *rels] for row in g.rows)
    nodes_first = [("MERGE (n:" in q) for q, _rows in data]
    assert nodes_first == sorted(nodes_first, reverse=True)
    assert done[-1] == len(written) == 28 + 44
    with pytest.raises(Neo4jError, match="并发写入数"):
        push_groups(runner, nodes, rels, workers=0)


def test_block_pairs_of_table_rows_equal_those_of_the_same_rows_as_dicts() -> None:
    import polars as pl

    from chainkg.graphdb.push import _by_block_pair
    from chainkg.graphdb.rows import FrameRows

    # Key columns are taken by position (a table's own names may differ, e.g. company_id).
    frame = pl.DataFrame({"from": [f"c{i}" for i in range(40)], "to": [f"c{(i * 7) % 13}" for i in range(40)],
                          "note": [None if i % 3 else f"n{i}" for i in range(40)]})
    table = FrameRows(frame, ("source", "target"), pl.Series(list(range(39, -1, -2)), dtype=pl.UInt32))
    as_dicts = list(table)
    from_table, from_dicts = _by_block_pair(table, 4), _by_block_pair(as_dicts, 4)
    assert list(from_table) == list(from_dicts)
    assert all(isinstance(part, FrameRows) for part in from_table.values())  # split without making dicts
    assert {pair: list(part) for pair, part in from_table.items()} == from_dicts
    # Every row once, each part in the rows' order, pairs (smaller block, larger block).
    assert sorted(r["source"] for part in from_dicts.values() for r in part) == sorted(r["source"] for r in as_dicts)
    for (low, high), part in from_dicts.items():
        assert low <= high
        assert [as_dicts.index(r) for r in part] == sorted(as_dicts.index(r) for r in part)
