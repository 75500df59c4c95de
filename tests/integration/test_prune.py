"""wipe, prune and re-push against the real server at a few thousand rows: exact counts every time."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from tests.conftest import BUNDLED, TINY
from tests.integration.conftest import counts_of, synthetic, without
from typer.testing import CliRunner

from chainkg.cli.neo4j import neo4j_app
from chainkg.dataset.load import load_valid
from chainkg.graphdb import Neo4jRunner, push, server_counts, wipe
from chainkg.graphdb.push import PUSH_PROPERTY
from chainkg.model.records import DataSet
from oracle import build_graph

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def big() -> DataSet:
    # 3,000 synthetic companies on the bundled taxonomy: ~6k segment links, 4k relations.
    return synthetic(load_valid(BUNDLED)[0], companies=3000, relations=4000)


def _tokens(runner: Neo4jRunner) -> set[str | None]:
    nodes = runner.run(f"MATCH (n) RETURN DISTINCT n.{PUSH_PROPERTY} AS t")
    rels = runner.run(f"MATCH ()-[r]->() RETURN DISTINCT r.{PUSH_PROPERTY} AS t")
    return {r["t"] for r in nodes + rels}


def test_push_wipe_repush_leave_exact_counts(runner: Neo4jRunner, big: DataSet) -> None:
    expected = counts_of(big)
    assert sum(expected["relationships"].values()) > 10000
    assert push(runner, big, [], [], batch_size=700) == expected
    assert push(runner, big, [], [], batch_size=2000) == expected
    assert wipe(runner, batch_size=300) == sum(expected["nodes"].values())
    assert server_counts(runner) == {"nodes": {}, "relationships": {}}
    assert push(runner, big, [], [], batch_size=5000) == expected


def test_prune_removes_exactly_what_left_the_files(runner: Neo4jRunner, big: DataSet) -> None:
    push(runner, big, [], [], batch_size=1000)
    gone = {f"synth-{i:05d}" for i in range(0, 3000, 7)}
    smaller = without(big, gone, relations=500)
    before = counts_of(big)
    after = counts_of(smaller)
    # Without --prune the stale rows stay; with it the server equals the files.
    assert push(runner, smaller, [], [], batch_size=1000) == before
    assert push(runner, smaller, [], [], batch_size=1000, prune_stale=True) == after
    assert before["nodes"]["Company"] - after["nodes"]["Company"] == len(gone)
    assert runner.run("MATCH (c:Company) WHERE c.id IN $gone RETURN count(c) AS n", {"gone": sorted(gone)}) == [
        {"n": 0}]
    assert len(_tokens(runner)) == 1  # everything left carries the last push's token
    # Relations dropped from the files between two companies that stay are gone too.
    dropped = [r for r in big.relations[:500] if r.from_id not in gone and r.to_id not in gone]
    assert len(dropped) > 300
    rows = runner.run("UNWIND $rels AS d MATCH (:Company {id: d.a})-[r]->(:Company {id: d.b}) "
                      "WHERE type(r) = d.type RETURN count(r) AS n",
                      {"rels": [{"a": r.from_id, "b": r.to_id, "type": r.type} for r in dropped]})
    assert rows == [{"n": 0}]


def test_repush_with_prune_after_a_crash_converges(runner: Neo4jRunner, big: DataSet) -> None:
    push(runner, big, [], [], batch_size=1000)
    smaller = without(big, {f"synth-{i:05d}" for i in range(1, 3000, 5)}, relations=300)
    calls: list[int] = []

    def crash_half_way(done: int, total: int) -> None:
        calls.append(done)
        if done > total // 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        push(runner, smaller, [], [], batch_size=1000, progress=crash_half_way, prune_stale=True)
    assert server_counts(runner) != counts_of(smaller)  # the crash left old and new rows mixed
    assert push(runner, smaller, [], [], batch_size=1000, prune_stale=True) == counts_of(smaller)
    # Running it once more changes nothing.
    assert push(runner, smaller, [], [], batch_size=1000, prune_stale=True) == counts_of(smaller)


def test_prune_keeps_nodes_without_chainkg_labels(runner: Neo4jRunner) -> None:
    tiny = load_valid(TINY)[0]
    push(runner, tiny, [], [])
    runner.write("CREATE (:NotOurs {id: 'keep'})-[:LINKS]->(:NotOurs {id: 'keep2'})")
    try:
        assert push(runner, without(tiny, {"out-reducer"}), [], [], prune_stale=True) == counts_of(
            without(tiny, {"out-reducer"}))
        assert runner.run("MATCH (n:NotOurs)-[r:LINKS]->() RETURN n.id AS id") == [{"id": "keep"}]
    finally:
        runner.write("MATCH (n:NotOurs) DETACH DELETE n")


def _counted(counts: Counter[str]) -> str:
    return f"{counts.total()}（{'，'.join(f'{k} {v}' for k, v in sorted(counts.items()))}）"


def test_cli_push_prune_says_what_it_deleted_and_leaves_no_stale_warning(runner: Neo4jRunner, tiny_dir: Path) -> None:
    cli = CliRunner()
    assert cli.invoke(neo4j_app, ["push", "--data", str(BUNDLED)]).exit_code == 0
    result = cli.invoke(neo4j_app, ["push", "--data", str(tiny_dir), "--prune"])
    assert result.exit_code == 0, result.output
    assert "节点 28（Chain 2，Company 11，Field 2，Park 1，Project 2，Region 1，Segment 9）" in result.output
    assert "不属于本数据集" not in result.stderr
    # What the bundled graph has and the tiny one has not, per label and per relationship type.
    bundled, tiny = build_graph(load_valid(BUNDLED)[0]), build_graph(load_valid(tiny_dir)[0])
    nodes = Counter(bundled.nodes[n]["label"] for n in set(bundled.nodes) - set(tiny.nodes))
    rels = Counter(k for _u, _v, k in set(bundled.edges(keys=True)) - set(tiny.edges(keys=True)))
    assert nodes["Company"] > 700 and rels["OPERATES_IN"] > 1000
    assert f"--prune：已删除数据文件中已没有的节点 {_counted(nodes)}，关系 {_counted(rels)}\n" in result.stderr
    again = cli.invoke(neo4j_app, ["push", "--data", str(tiny_dir), "--prune"])
    assert "--prune：已删除数据文件中已没有的节点 0，关系 0\n" in again.stderr
