"""Concurrent writers of push against the real server: the same graph as one writer, exactly."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from neo4j import exceptions as neo4j_exc
from tests.conftest import BUNDLED
from tests.integration.conftest import counts_of, synthetic, without

from chainkg.dataset.load import load_valid
from chainkg.graphdb import Neo4jRunner, server_counts
from chainkg.graphdb.push import dataset_groups, push, push_groups, rel_query
from chainkg.model.records import DataSet

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def big() -> DataSet:
    # 2,000 synthetic companies on the bundled taxonomy: ~4k segment links, 3k relations.
    return synthetic(load_valid(BUNDLED)[0], companies=2000, relations=3000, seed=11)


def _dump(runner: Neo4jRunner) -> tuple[list[Any], list[Any]]:
    """Every chainkg node (labels, properties) and relationship (ends, type, properties), sorted."""
    nodes = runner.run("MATCH (n) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props")
    rels = runner.run("MATCH (a)-[r]->(b) RETURN a.id AS a, labels(a) AS la, type(r) AS t, b.id AS b, "
                      "labels(b) AS lb, properties(r) AS props")

    def key(row: dict[str, Any]) -> str:
        return repr(sorted((k, sorted(v.items()) if isinstance(v, dict) else sorted(v) if isinstance(v, list) else v)
                           for k, v in row.items()))

    return sorted(nodes, key=key), sorted(rels, key=key)


def test_concurrent_push_writes_the_same_graph_as_one_writer(runner: Neo4jRunner, big: DataSet) -> None:
    expected = counts_of(big)
    nodes, rels = dataset_groups(big, [], [])
    assert push_groups(runner, nodes, rels, batch_size=1000, token="t", workers=1) == expected
    one_writer = _dump(runner)
    for workers in (2, 3):
        runner.write_batched("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 1000 ROWS")
        # Small batches: many concurrent transactions on the same dense segment nodes' blocks.
        assert push_groups(runner, nodes, rels, batch_size=97, token="t", workers=workers) == expected
        assert _dump(runner) == one_writer
        # Pushing again (everything exists) changes nothing, whatever the number of writers.
        assert push_groups(runner, nodes, rels, batch_size=500, token="t", workers=workers) == expected
        assert _dump(runner) == one_writer


def test_concurrent_progress_counts_every_row_once(runner: Neo4jRunner, big: DataSet) -> None:
    nodes, rels = dataset_groups(big, [], [])
    total = sum(len(g.rows) for g in nodes) + sum(len(g.rows) for g in rels)
    calls: list[tuple[int, int, str]] = []
    push_groups(runner, nodes, rels, batch_size=250,
                progress=lambda done, all_rows: calls.append((done, all_rows, threading.current_thread().name)))
    assert {t for _d, t, _n in calls} == {total}
    done = [d for d, _t, _n in calls]
    assert done == sorted(set(done)) and done[-1] == total
    assert all(0 < b - a <= 250 for a, b in zip([0, *done], done, strict=False))
    # Called from the thread that pushes, not from a writer: a progress bar needs no lock.
    assert {n for _d, _t, n in calls} == {threading.current_thread().name}


def test_concurrent_push_crashed_half_way_then_push_and_prune_is_exact(runner: Neo4jRunner, big: DataSet) -> None:
    push(runner, big, [], [], batch_size=500)
    smaller = without(big, {f"synth-{i:05d}" for i in range(1, 2000, 4)}, relations=400)
    before = threading.active_count()

    def crash_half_way(done: int, total: int) -> None:
        if done > total // 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        push(runner, smaller, [], [], batch_size=300, progress=crash_half_way, prune_stale=True)
    assert threading.active_count() == before  # every writer stopped before the interrupt went on
    assert server_counts(runner) != counts_of(smaller)  # old and new rows mixed, nothing pruned
    assert push(runner, smaller, [], [], batch_size=300, prune_stale=True) == counts_of(smaller)
    after_crash = _dump(runner)
    runner.write_batched("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 1000 ROWS")
    nodes, rels = dataset_groups(smaller, [], [])
    push_groups(runner, nodes, rels, batch_size=300, workers=1)

    def without_token(dump: tuple[list[Any], list[Any]]) -> list[Any]:
        return [{**row, "props": {k: v for k, v in row["props"].items() if k != "chainkg_push"}}
                for part in dump for row in part]

    assert without_token(after_crash) == without_token(_dump(runner))


def test_writer_error_stops_the_push_with_one_line_message(runner: Neo4jRunner, big: DataSet) -> None:
    nodes, rels = dataset_groups(big, [], [])
    # A relationship row whose property the server refuses (a map): the writer's error ends the push.
    bad = rels[-1].rows[-1]
    rels[-1].rows[-1] = {**bad, "props": {"note": {"nested": 1}}}
    try:
        with pytest.raises(Exception, match="Neo4j 报错") as caught:
            push_groups(runner, nodes, rels, batch_size=200)
    finally:
        rels[-1].rows[-1] = bad
    assert "\n" not in str(caught.value)
    # Every node was written before the relationships; the server still answers.
    assert server_counts(runner)["nodes"] == counts_of(big)["nodes"]


def test_deadlock_is_a_retryable_transient_error(runner: Neo4jRunner) -> None:
    """Why concurrent writers stay exact even if transactions deadlock: the driver retries them.

    Two explicit transactions lock two nodes in opposite orders; the server detects the
    deadlock and fails one with a TransientError, which managed transactions (``write``) retry.
    """
    runner.write("CREATE (:Company {id: 'dl-a'}), (:Company {id: 'dl-b'})")
    driver = runner.driver
    with driver.session(database=runner.database) as s1, driver.session(database=runner.database) as s2:
        tx1, tx2 = s1.begin_transaction(), s2.begin_transaction()
        tx1.run("MATCH (n:Company {id: 'dl-a'}) SET n.x = 1").consume()
        tx2.run("MATCH (n:Company {id: 'dl-b'}) SET n.x = 2").consume()
        errors: list[BaseException] = []

        def second_lock(tx: Any, node: str) -> None:
            try:
                tx.run("MATCH (n:Company {id: $id}) SET n.y = 1", {"id": node}).consume()
            except neo4j_exc.Neo4jError as exc:
                errors.append(exc)

        thread = threading.Thread(target=second_lock, args=(tx1, "dl-b"))
        thread.start()
        second_lock(tx2, "dl-a")
        if not errors:  # tx2 won: tx1's thread is the one that failed
            tx2.commit()
        thread.join()
        assert len(errors) == 1
        assert isinstance(errors[0], neo4j_exc.TransientError) and errors[0].is_retryable()
        assert errors[0].code == "Neo.TransientError.Transaction.DeadlockDetected"
        for tx in (tx1, tx2):
            if not tx.closed():
                tx.close()


def test_overlapping_concurrent_merges_are_retried_to_an_exact_result(runner: Neo4jRunner) -> None:
    """Writers whose batches do share nodes (not what push does) still end exact: waits and retries."""
    ids = [f"ov-{i:03d}" for i in range(60)]
    runner.write("UNWIND $ids AS id CREATE (:Company {id: id})", {"ids": ids})
    rows = [{"source": a, "target": b, "props": {}} for a in ids for b in ids[:20] if a != b]
    query = rel_query("SUPPLIES", "Company", "Company")
    errors: list[BaseException] = []

    def write(batch: list[dict[str, Any]]) -> None:
        try:
            for start in range(0, len(batch), 100):
                runner.write(query, {"rows": batch[start:start + 100], "push": "ov"})
        except BaseException as exc:  # pragma: no cover - the assertion below shows it
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(order,)) for order in (rows, rows[::-1])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert runner.run("MATCH (:Company)-[r:SUPPLIES]->(:Company) RETURN count(r) AS n") == [{"n": len(rows)}]
