"""Write the chain graph into Neo4j: schema, then batched ``UNWIND $rows … MERGE``.

Every node is merged on ``(label, id)`` and every relationship on its two ends and its
type, and ``SET x = row.props`` replaces all properties, so pushing twice leaves the same
graph and a push that died half-way converges when run again. Labels and relationship
types come only from the fixed whitelists below, never from data; values are always
parameters.

Each Segment also gets a status label (:Strong/:Weak/:Missing/:Broken) and each local
Company a :Local label, because Browser styles (.grass) can colour by label but not by
property value.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from chainkg.diagnosis import STATUS_LABELS, SegmentDiagnosis
from chainkg.errors import Neo4jError
from chainkg.graph import COMPANY_RELATION_TYPES, LABELS
from chainkg.graphdb.connection import QueryRunner
from chainkg.graphdb.queries import schema_statements
from chainkg.ranking import Prospect

__all__ = [
    "REL_TYPES",
    "STATUS_NODE_LABELS",
    "NodeGroup",
    "RelGroup",
    "graph_groups",
    "node_query",
    "push",
    "rel_query",
    "server_counts",
    "wipe",
]

REL_TYPES = ("IN_FIELD", "IN_CHAIN", "PART_OF", "FEEDS", "OPERATES_IN", "LOCATED_IN", "BY",
             "TARGETS", "IN_PARK", *COMPANY_RELATION_TYPES)
STATUS_NODE_LABELS = {"strong": "Strong", "weak": "Weak", "missing": "Missing", "broken": "Broken"}
LOCAL_LABEL = "Local"
# Labels a node may get besides its own, per label: all are removed before the right one is set.
EXTRA_LABELS = {"Segment": tuple(STATUS_NODE_LABELS.values()), "Company": (LOCAL_LABEL,)}

Progress = Callable[[int, int], None]


@dataclass
class NodeGroup:
    """Nodes of one label (and one extra label) written by the same query."""

    label: str
    extra: str | None
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class RelGroup:
    """Relationships of one type between the same two labels."""

    rel_type: str
    source: str
    target: str
    rows: list[dict[str, Any]] = field(default_factory=list)


def _checked(name: str, allowed: Iterable[str]) -> str:
    # The only names ever formatted into Cypher: refuse anything outside our whitelists.
    if name not in allowed:
        raise ValueError(f"not a chainkg label or relationship type: {name!r}")
    return name


def node_query(label: str, extra: str | None) -> str:
    """The MERGE query for one NodeGroup; rows are ``{id, props}``.

    >>> print(node_query("Park", None))
    UNWIND $rows AS row
    MERGE (n:Park {id: row.id})
    SET n = row.props
    RETURN count(n) AS written
    """
    label = _checked(label, LABELS)
    lines = ["UNWIND $rows AS row", f"MERGE (n:{label} {{id: row.id}})", "SET n = row.props"]
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
        "SET r = row.props",
        "RETURN count(r) AS written",
    ])


def _props(attrs: dict[str, Any], drop: tuple[str, ...]) -> dict[str, Any]:
    """Neo4j properties: None omitted, tuples as lists, our bookkeeping keys dropped."""
    return {k: list(v) if isinstance(v, tuple | list) else v
            for k, v in attrs.items() if v is not None and k not in drop}


def graph_groups(
    g: nx.MultiDiGraph, diagnosis: list[SegmentDiagnosis], prospects: list[Prospect],
) -> tuple[list[NodeGroup], list[RelGroup]]:
    """The graph as write groups, with the analysis results added as node properties.

    Segments get ``status``, ``status_label``, ``severity``, ``strength``; ranked companies
    ``score`` and ``rank``; every company keeps ``is_local`` and ``is_partner``.
    """
    by_segment = {d.segment_id: d for d in diagnosis}
    by_company = {p.company_id: p for p in prospects}
    nodes: dict[tuple[str, str | None], NodeGroup] = {}
    for _key, attrs in sorted(g.nodes(data=True), key=lambda item: str(item[0])):
        label = attrs["label"]
        props = _props(attrs, ("label",))
        extra: str | None = None
        if label == "Segment" and attrs["id"] in by_segment:
            d = by_segment[attrs["id"]]
            props.update(status=d.status, status_label=STATUS_LABELS[d.status],
                         severity=d.severity, strength=d.strength)
            extra = STATUS_NODE_LABELS[d.status]
        elif label == "Company":
            p = by_company.get(attrs["id"])
            if p is not None:
                props.update(score=p.score, rank=p.rank)
            extra = LOCAL_LABEL if attrs.get("is_local") else None
        group = nodes.setdefault((label, extra), NodeGroup(label, extra))
        group.rows.append({"id": attrs["id"], "props": props})
    rels: dict[tuple[str, str, str], RelGroup] = {}
    for u, v, key, attrs in sorted(g.edges(keys=True, data=True), key=lambda e: (e[2], e[0], e[1])):
        su, sv = g.nodes[u], g.nodes[v]
        rkey = (key, su["label"], sv["label"])
        group_r = rels.setdefault(rkey, RelGroup(*rkey))
        group_r.rows.append({"source": su["id"], "target": sv["id"],
                             "props": _props(attrs, ("type",))})
    return list(nodes.values()), list(rels.values())


def _batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def push(
    runner: QueryRunner, g: nx.MultiDiGraph, diagnosis: list[SegmentDiagnosis],
    prospects: list[Prospect], batch_size: int = 1000, progress: Progress | None = None,
) -> dict[str, dict[str, int]]:
    """Create the schema, merge every node then every relationship; return server counts.

    ``progress(done, total)`` is called after each batch (rows written so far, all rows).
    """
    if batch_size < 1:
        raise Neo4jError("批大小必须至少为 1（--batch-size）")
    for statement in schema_statements():
        runner.write(statement)
    node_groups, rel_groups = graph_groups(g, diagnosis, prospects)
    work = [(node_query(n.label, n.extra), n.rows) for n in node_groups]
    work += [(rel_query(r.rel_type, r.source, r.target), r.rows) for r in rel_groups]
    total = sum(len(rows) for _q, rows in work)
    done = 0
    for query, rows in work:
        for batch in _batches(rows, batch_size):
            runner.write(query, {"rows": batch})
            done += len(batch)
            if progress is not None:
                progress(done, total)
    return server_counts(runner)


def server_counts(runner: QueryRunner) -> dict[str, dict[str, int]]:
    """Nodes per chainkg label and relationships per type among chainkg nodes (as graph_stats)."""
    nodes: dict[str, int] = {}
    for label in LABELS:
        rows = runner.run(f"MATCH (n:{label}) RETURN count(n) AS n")
        if rows[0]["n"]:
            nodes[label] = rows[0]["n"]
    any_label = "|".join(LABELS)
    rels: dict[str, int] = defaultdict(int)
    for row in runner.run(f"MATCH (:{any_label})-[r]->(:{any_label}) RETURN type(r) AS type, count(r) AS n"):
        rels[row["type"]] += row["n"]
    return {"nodes": dict(sorted(nodes.items())), "relationships": dict(sorted(rels.items()))}


def wipe(runner: QueryRunner, batch_size: int = 10000) -> int:
    """Delete every node with a chainkg label (and its relationships), in batches; return the count."""
    deleted = 0
    for label in LABELS:
        while True:
            rows = runner.write(f"MATCH (n:{label}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n",
                                {"limit": batch_size})
            deleted += rows[0]["n"] if rows else 0
            if not rows or rows[0]["n"] == 0:
                break
    return deleted
