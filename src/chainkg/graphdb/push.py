"""Write the chain graph into Neo4j: schema, then batched ``UNWIND $rows … MERGE``.

Every node is merged on ``(label, id)`` and every relationship on its two ends and its
type, and ``SET x = row.props`` replaces all properties, so pushing twice leaves the same
graph and a push that died half-way converges when run again. Labels and relationship
types come only from the fixed whitelists below, never from data; values are always
parameters.

Each push stamps what it writes with a fresh ``chainkg_push`` token. ``prune`` (run only
after every batch of a push has been written) deletes the chainkg nodes and relationships
that do not carry the token: what is no longer in the files. A push that crashed leaves
a mix of tokens; the next complete push stamps every current row again, so its prune
removes exactly the stale rest. ``wipe`` and ``prune`` delete with
``CALL { … } IN TRANSACTIONS`` so no transaction grows with the data (the server's
per-transaction memory limit stays untouched at a million companies).

``workers`` sessions write at the same time (``WORKERS``, 2, by default): first every node
batch, then the relationship batches in rounds in which no two writers touch the same
node (``block_rounds``), so they neither wait for each other's locks nor deadlock; if
another client's transactions do deadlock with ours, the driver retries the failed one
(a TransientError). Progress is reported from the calling thread; an exception there or
in a writer stops the others after their current batch.

Each Segment also gets a status label (:Strong/:Weak/:Missing/:Broken) and each local
Company a :Local label, because Browser styles (.grass) can colour by label but not by
property value.
"""

from __future__ import annotations

import queue
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from chainkg.analysis.diagnosis import SegmentDiagnosis
from chainkg.analysis.prospects import Prospect
from chainkg.graph.taxonomy import COMPANY_RELATION_TYPES, LABELS
from chainkg.graphdb.connection import QueryRunner
from chainkg.graphdb.queries import schema_statements
from chainkg.graphdb.rows import LOCAL_LABEL, STATUS_NODE_LABELS, FrameRows, NodeRow, RelRow, dataset_rows
from chainkg.model.errors import Neo4jError
from chainkg.model.records import DataSet

__all__ = [
    "PUSH_PROPERTY",
    "REL_SCHEMA",
    "REL_TYPES",
    "STATUS_NODE_LABELS",
    "WORKERS",
    "NodeGroup",
    "RelGroup",
    "block_rounds",
    "dataset_groups",
    "group_nodes",
    "group_rels",
    "node_query",
    "prune",
    "push",
    "push_groups",
    "rel_query",
    "server_counts",
    "wipe",
    "write_groups",
]

REL_TYPES = ("IN_FIELD", "IN_CHAIN", "PART_OF", "FEEDS", "OPERATES_IN", "LOCATED_IN", "BY",
             "TARGETS", "IN_PARK", "HOSTS", *COMPANY_RELATION_TYPES)
# Every (type, source label, target label) chainkg writes: what prune looks at.
REL_SCHEMA = (
    ("IN_FIELD", "Chain", "Field"), ("IN_CHAIN", "Segment", "Chain"), ("PART_OF", "Segment", "Segment"),
    ("FEEDS", "Segment", "Segment"), ("OPERATES_IN", "Company", "Segment"), ("LOCATED_IN", "Company", "Region"),
    ("PARTNERS_WITH", "Region", "Company"), ("BY", "Project", "Company"), ("TARGETS", "Project", "Segment"),
    ("IN_PARK", "Project", "Park"), ("HOSTS", "Park", "Chain"), ("HOSTS", "Park", "Segment"),
    *((t, "Company", "Company") for t in COMPANY_RELATION_TYPES),
)
# The property that tells which push wrote a node or relationship last.
PUSH_PROPERTY = "chainkg_push"
# Labels a node may get besides its own, per label: all are removed before the right one is set.
EXTRA_LABELS = {"Segment": tuple(STATUS_NODE_LABELS.values()), "Company": (LOCAL_LABEL,)}
# Delete order of wipe: companies first, so the taxonomy nodes have few relationships left.
_WIPE_ORDER = ("Company", "Project", "Segment", "Chain", "Field", "Region", "Park")

Progress = Callable[[int, int], None]
# Concurrent writers of a push: one transaction each, so a server with two cores runs two
# batches at once while the client packs the next ones.
WORKERS = 2


@dataclass
class NodeGroup:
    """Nodes of one label (and one extra label) written by the same query."""

    label: str
    extra: str | None
    # A list, or rows made batch by batch from a table (chainkg.graphdb.rows.FrameRows).
    rows: Sequence[dict[str, Any]] = field(default_factory=list)


@dataclass
class RelGroup:
    """Relationships of one type between the same two labels."""

    rel_type: str
    source: str
    target: str
    rows: Sequence[dict[str, Any]] = field(default_factory=list)


def _checked(name: str, allowed: Iterable[str]) -> str:
    # The only names ever formatted into Cypher: refuse anything outside our whitelists.
    if name not in allowed:
        raise ValueError(f"not a chainkg label or relationship type: {name!r}")
    return name


def node_query(label: str, extra: str | None) -> str:
    """The MERGE query for one NodeGroup; rows are ``{id, props}``.

    The same ``SET`` is written as ``ON CREATE`` and ``ON MATCH``: a plain ``SET n = …``
    after the MERGE makes the planner buffer every row first (an Eager operator, since the
    map could change the ``id`` the MERGE reads); inside the MERGE it does not.

    >>> print(node_query("Park", None))
    UNWIND $rows AS row
    MERGE (n:Park {id: row.id})
    ON CREATE SET n = row.props, n.chainkg_push = $push
    ON MATCH SET n = row.props, n.chainkg_push = $push
    RETURN count(n) AS written
    """
    label = _checked(label, LABELS)
    set_props = f"SET n = row.props, n.{PUSH_PROPERTY} = $push"
    lines = ["UNWIND $rows AS row", f"MERGE (n:{label} {{id: row.id}})", f"ON CREATE {set_props}",
             f"ON MATCH {set_props}"]
    extras = EXTRA_LABELS.get(label, ())
    if extras:
        lines.append("REMOVE n:" + ":".join(extras))
    if extra is not None:
        lines.append(f"SET n:{_checked(extra, extras)}")
    lines.append("RETURN count(n) AS written")
    return "\n".join(lines)


def rel_query(rel_type: str, source: str, target: str) -> str:
    """The MERGE query for one RelGroup; rows are ``{source, target, props}``."""
    rel_type = _checked(rel_type, REL_TYPES)
    return "\n".join([
        "UNWIND $rows AS row",
        f"MATCH (a:{_checked(source, LABELS)} {{id: row.source}})",
        f"MATCH (b:{_checked(target, LABELS)} {{id: row.target}})",
        f"MERGE (a)-[r:{rel_type}]->(b)",
        f"SET r = row.props, r.{PUSH_PROPERTY} = $push",
        "RETURN count(r) AS written",
    ])


def dataset_groups(
    data: DataSet, diagnosis: list[SegmentDiagnosis], prospects: list[Prospect],
) -> tuple[list[NodeGroup], list[RelGroup]]:
    """The write groups of a validated data set, with the analysis results added as node properties.

    Segments get ``status``, ``status_label``, ``severity``, ``strength``; ranked companies
    ``score`` and ``rank``; every company keeps ``is_local`` and ``is_partner``. A
    relationship given twice (same ends and type) is written once, the later row winning.
    (tests/oracle.py ``graph_groups`` writes the same groups from its all-networkx graph.)
    """
    node_rows, rel_rows = dataset_rows(data, diagnosis, prospects)
    return group_nodes(node_rows), group_rels(rel_rows)


def group_nodes(rows: Iterable[NodeRow]) -> list[NodeGroup]:
    """Node rows into one group per (label, extra label), groups in order of first appearance."""
    groups: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
    for label, extra, row in rows:
        groups.setdefault((label, extra), []).append(row)
    return [NodeGroup(label, extra, group) for (label, extra), group in groups.items()]


def group_rels(rows: Iterable[RelRow]) -> list[RelGroup]:
    """Relationship rows into one group per (type, source label, target label).

    A relationship given twice (same ends and type) is written once: the later row, at the
    place of the first (as the graph keeps it).
    """
    groups: dict[tuple[str, str, str], dict[tuple[str, str], dict[str, Any]]] = {}
    for rel_type, source, target, row in rows:
        groups.setdefault((rel_type, source, target), {})[(row["source"], row["target"])] = row
    return [RelGroup(*key, rows=list(group.values())) for key, group in groups.items()]


# One writer's work in a round, in the order it writes it: (query, rows, start, stop), the
# batch rows[start:stop]. The batch is sliced only when it is written, so rows that make
# their dicts slice by slice never have them all in memory at once.
Job = list[tuple[str, Sequence[dict[str, Any]], int, int]]


def _spans(query: str, rows: Sequence[dict[str, Any]], size: int) -> Job:
    return [(query, rows, start, min(start + size, len(rows))) for start in range(0, len(rows), size)]


def block_rounds(workers: int) -> list[list[list[tuple[int, int]]]]:
    """Rounds of block pairs for ``workers`` concurrent writers over ``2 * workers`` node blocks.

    Round r gives writer w a list of pairs (i, j); within a round no block appears in the
    pairs of two writers, and every pair (i, j) with i <= j appears exactly once overall
    (a round-robin tournament, then the pairs (i, i) in a last round).

    >>> block_rounds(2)
    [[[(0, 3)], [(1, 2)]], [[(0, 2)], [(1, 3)]], [[(0, 1)], [(2, 3)]], [[(0, 0), (1, 1)], [(2, 2), (3, 3)]]]
    """
    k = 2 * workers
    circle = list(range(k))
    rounds = []
    for _ in range(k - 1):
        rounds.append([[tuple(sorted((circle[w], circle[k - 1 - w])))] for w in range(workers)])
        circle = [circle[0], circle[-1], *circle[1:-1]]
    rounds.append([[(2 * w, 2 * w), (2 * w + 1, 2 * w + 1)] for w in range(workers)])
    return rounds  # type: ignore[return-value]


def _node_rounds(node_groups: list[NodeGroup], batch_size: int, workers: int) -> list[list[Job]]:
    """One round: the node batches dealt in turn to the writers (two batches never hold the same node)."""
    jobs: list[Job] = [[] for _ in range(workers)]
    turn = 0
    for group in node_groups:
        for span in _spans(node_query(group.label, group.extra), group.rows, batch_size):
            jobs[turn % workers].append(span)
            turn += 1
    return [jobs]


def _rel_rounds(rel_groups: list[RelGroup], batch_size: int, workers: int) -> list[list[Job]]:
    """Relationship batches in rounds in which no two writers ever touch the same node.

    Creating a relationship locks both its end nodes until the transaction commits. Every
    node id falls into one of ``2 * workers`` blocks and every relationship into the pair of
    its ends' blocks; the writers of a round get pairs with no block in common
    (``block_rounds``), so their transactions neither wait for each other nor deadlock.
    """
    if workers == 1:
        return [[[span for g in rel_groups for span in _spans(rel_query(g.rel_type, g.source, g.target), g.rows,
                                                               batch_size)]]]
    k = 2 * workers
    rounds = block_rounds(workers)
    buckets = [_by_block_pair(group.rows, k) for group in rel_groups]
    result: list[list[Job]] = []
    for pairs_of in rounds:
        jobs: list[Job] = []
        for pairs in pairs_of:
            job: Job = []
            for group, by_pair in zip(rel_groups, buckets, strict=True):
                query = rel_query(group.rel_type, group.source, group.target)
                for pair in pairs:
                    job += _spans(query, by_pair.get(pair, ()), batch_size)
            jobs.append(job)
        result.append(jobs)
    return result


def _by_block_pair(rows: Sequence[dict[str, Any]], k: int) -> dict[tuple[int, int], Sequence[dict[str, Any]]]:
    """The rows by the (smaller, larger) blocks of their two ends, each part in the rows' order.

    A node's block is the polars hash of its id modulo ``k``: the same for every group, so a
    node is in one block throughout the push. Rows made from a table (FrameRows) are split
    by row number, without making their dicts.
    """
    import polars as pl

    if isinstance(rows, FrameRows):
        source, target = rows.key_column("source"), rows.key_column("target")
    else:
        source = pl.Series([row["source"] for row in rows], dtype=pl.String)
        target = pl.Series([row["target"] for row in rows], dtype=pl.String)
    a, b = (ids.hash(seed=0) % k for ids in (source, target))
    pairs = pl.DataFrame({"a": a, "b": b}).select(low=pl.min_horizontal("a", "b"), high=pl.max_horizontal("a", "b"))
    parts: dict[tuple[int, int], Sequence[dict[str, Any]]] = {}
    for low, high in pairs.unique(maintain_order=True).sort("low", "high").iter_rows():
        positions = (pairs.get_column("low").eq(low) & pairs.get_column("high").eq(high)).arg_true()
        if isinstance(rows, FrameRows):
            parts[(low, high)] = rows.select(positions)
        else:
            parts[(low, high)] = [rows[i] for i in positions.to_list()]
    return parts


class _Writers:
    """Runs the jobs of a round on concurrent writers; progress is reported from the calling thread."""

    def __init__(self, runner: QueryRunner, token: str, total: int, progress: Progress | None) -> None:
        self.runner, self.token, self.total, self.progress = runner, token, total, progress
        self.done = 0

    def _write(self, query: str, rows: Sequence[dict[str, Any]], start: int, stop: int) -> int:
        self.runner.write(query, {"rows": list(rows[start:stop]), "push": self.token})
        return stop - start

    def _advance(self, count: int) -> None:
        self.done += count
        if self.progress is not None:
            self.progress(self.done, self.total)

    def run(self, jobs: list[Job]) -> None:
        jobs = [job for job in jobs if job]
        if len(jobs) == 1:
            for span in jobs[0]:
                self._advance(self._write(*span))
            return
        # Each writer puts the size of every committed batch, then None when it stops (or its
        # exception). On any failure, or an exception from progress (Ctrl-C), the others stop
        # after the batch they are writing: a stopped push is finished by pushing again.
        events: queue.Queue[int | BaseException | None] = queue.Queue()
        stop = threading.Event()

        def work(job: Job) -> None:
            try:
                for span in job:
                    if stop.is_set():
                        break
                    events.put(self._write(*span))
            except BaseException as exc:  # handed to the calling thread, which re-raises it
                events.put(exc)
            finally:
                events.put(None)

        threads = [threading.Thread(target=work, args=(job,), name=f"chainkg-push-{i}", daemon=True)
                   for i, job in enumerate(jobs)]
        for thread in threads:
            thread.start()
        try:
            running = len(threads)
            while running:
                event = events.get()
                if event is None:
                    running -= 1
                elif isinstance(event, BaseException):
                    raise event
                else:
                    self._advance(event)
        finally:
            stop.set()
            for thread in threads:
                thread.join()


def push(
    runner: QueryRunner, data: DataSet, diagnosis: list[SegmentDiagnosis], prospects: list[Prospect],
    batch_size: int = 10000, progress: Progress | None = None, prune_stale: bool = False, workers: int = WORKERS,
) -> dict[str, dict[str, int]]:
    """Push a validated data set with its analysis results; return the server counts.

    ``progress(done, total)`` is called after each batch (rows written so far, all rows).
    With ``prune_stale`` the chainkg nodes and relationships that are not in ``data``
    are deleted afterwards, so the server holds exactly the data set.
    """
    node_groups, rel_groups = dataset_groups(data, diagnosis, prospects)
    return push_groups(runner, node_groups, rel_groups, batch_size, progress, prune_stale, workers=workers)


def push_groups(
    runner: QueryRunner, node_groups: list[NodeGroup], rel_groups: list[RelGroup], batch_size: int = 10000,
    progress: Progress | None = None, prune_stale: bool = False, token: str | None = None, workers: int = WORKERS,
) -> dict[str, dict[str, int]]:
    """``write_groups``, then (with ``prune_stale``) ``prune``; return the server counts."""
    token = write_groups(runner, node_groups, rel_groups, batch_size, progress, token, workers)
    if prune_stale:
        prune(runner, token, batch_size)
    return server_counts(runner)


def write_groups(
    runner: QueryRunner, node_groups: list[NodeGroup], rel_groups: list[RelGroup], batch_size: int = 10000,
    progress: Progress | None = None, token: str | None = None, workers: int = WORKERS,
) -> str:
    """Create the schema, merge every node then every relationship in batches; return the push's token.

    ``token`` (default: a fresh random one) is what this push stamps on every row.
    ``workers`` writers (sessions, each its own transactions) write at the same time: nodes
    first, all of them, then relationships in rounds in which no two writers touch the same
    node (``_rel_rounds``). The result is the same for any number of writers.
    """
    if batch_size < 1:
        raise Neo4jError("批大小必须至少为 1（--batch-size）")
    if workers < 1:
        raise Neo4jError("并发写入数必须至少为 1（--workers）")
    for statement in schema_statements():
        runner.write(statement)
    token = token or uuid.uuid4().hex
    total = sum(len(g.rows) for g in node_groups) + sum(len(g.rows) for g in rel_groups)
    writers = _Writers(runner, token, total, progress)
    # Every node exists before the first relationship names it.
    for jobs in _node_rounds(node_groups, batch_size, workers) + _rel_rounds(rel_groups, batch_size, workers):
        writers.run(jobs)
    return token


def _delete_in_batches(runner: QueryRunner, match: str, variable: str, delete: str, batch_size: int,
                       params: dict[str, Any] | None = None) -> int:
    # CALL { … } IN TRANSACTIONS commits every batch_size rows: memory stays flat however
    # much is deleted, and a run cut short is finished by running it again.
    rows = runner.write_batched(
        f"{match} CALL ({variable}) {{ {delete} }} IN TRANSACTIONS OF {int(batch_size)} ROWS "
        "RETURN count(*) AS n", params or {})
    return int(rows[0]["n"]) if rows else 0


def prune(runner: QueryRunner, token: str, batch_size: int = 10000) -> dict[str, dict[str, int]]:
    """Delete the chainkg relationships, then nodes, not written by the push ``token``.

    Returns what was deleted as ``server_counts`` counts it: nodes per label, relationships
    per type (only those with deletions). Relationships go first, so a stale node has
    (almost) nothing left to detach.
    """
    stale = f"x.{PUSH_PROPERTY} IS NULL OR x.{PUSH_PROPERTY} <> $push"
    rels: dict[str, int] = defaultdict(int)
    for rel_type, source, target in REL_SCHEMA:
        deleted = _delete_in_batches(
            runner, f"MATCH (:{_checked(source, LABELS)})-[x:{_checked(rel_type, REL_TYPES)}]->"
            f"(:{_checked(target, LABELS)}) WHERE {stale}", "x", "DELETE x", batch_size, {"push": token})
        if deleted:
            rels[rel_type] += deleted
    nodes: dict[str, int] = {}
    for label in _WIPE_ORDER:
        deleted = _delete_in_batches(runner, f"MATCH (x:{_checked(label, LABELS)}) WHERE {stale}", "x",
                                     "DETACH DELETE x", batch_size, {"push": token})
        if deleted:
            nodes[label] = deleted
    return {"nodes": dict(sorted(nodes.items())), "relationships": dict(sorted(rels.items()))}


def server_counts(runner: QueryRunner) -> dict[str, dict[str, int]]:
    """Nodes per chainkg label and relationships per type among chainkg nodes (as graph_stats)."""
    nodes: dict[str, int] = {}
    for label in LABELS:
        rows = runner.run(f"MATCH (n:{label}) RETURN count(n) AS n")
        if rows[0]["n"]:
            nodes[label] = rows[0]["n"]
    rels: dict[str, int] = defaultdict(int)
    # Counted per (type, source label, target label) of the schema: each is a count-store
    # lookup or one scan of that type, not a scan of every relationship of the database.
    for rel_type, source, target in REL_SCHEMA:
        rows = runner.run(f"MATCH (:{source})-[r:{rel_type}]->(:{target}) RETURN count(r) AS n")
        if rows and rows[0]["n"]:
            rels[rel_type] += rows[0]["n"]
    return {"nodes": dict(sorted(nodes.items())), "relationships": dict(sorted(rels.items()))}


def wipe(runner: QueryRunner, batch_size: int = 1000) -> int:
    """Delete every node with a chainkg label (and its relationships), in batches; return the count.

    Companies go first: after them the segments have only their taxonomy relationships left,
    so no batch holds a segment with hundreds of thousands of relationships.
    """
    deleted = 0
    for label in _WIPE_ORDER:
        deleted += _delete_in_batches(runner, f"MATCH (x:{_checked(label, LABELS)})", "x", "DETACH DELETE x",
                                      batch_size)
    return deleted
