"""The chain taxonomy graph: one networkx.MultiDiGraph whose labels and types are Neo4j's.

Nodes are keyed ``"Label:id"`` so ids of different kinds never collide; every node has
``label`` and ``id`` attributes plus its record's fields. Edges are keyed by their type
(so a relation given twice is stored once) and carry a ``type`` attribute.

    (:Chain)-[:IN_FIELD]->(:Field)            (:Segment)-[:IN_CHAIN]->(:Chain)
    (:Segment)-[:PART_OF]->(:Segment)         (:Segment)-[:FEEDS]->(:Segment)
    (:Company)-[:OPERATES_IN {role}]->(:Segment)
    (:Company)-[:LOCATED_IN]->(:Region)       (:Region)-[:PARTNERS_WITH]->(:Company)
    (:Company)-[:SUPPLIES|CUSTOMER_OF|SUBSIDIARY_OF|INVESTS_IN|PARTNERS_WITH|COOPERATES_WITH]->(:Company)
    (:Project)-[:BY]->(:Company)  (:Project)-[:TARGETS]->(:Segment)  (:Project)-[:IN_PARK]->(:Park)
    (:Park)-[:HOSTS]->(:Chain|:Segment)       (what a park hosts, from region.yaml)

``build_taxonomy`` holds fields, chains, segments, the region, parks and projects; companies and
the edges that touch them are the PoolGraph's tables (chainkg.graph.pool_graph) and are written to
Neo4j with the shape above (chainkg.graphdb). Building is one pass over each record list.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import networkx as nx

from chainkg.model.records import RELATION_TYPES, DataSet

__all__ = [
    "COMPANY_RELATION_TYPES",
    "LABELS",
    "build_taxonomy",
    "edges_of_type",
    "node_id",
    "nodes_of",
    "record_props",
]

LABELS = ("Field", "Chain", "Segment", "Company", "Region", "Park", "Project")
COMPANY_RELATION_TYPES = RELATION_TYPES


def node_id(label: str, record_id: str) -> str:
    """The graph key of a record: ``node_id("Company", "yituo") == "Company:yituo"``."""
    return f"{label}:{record_id}"


def record_props(record: Any, exclude: set[str] | None = None) -> dict[str, Any]:
    """A record's fields as node properties (tuples as lists)."""
    data: dict[str, Any] = record.model_dump(exclude=exclude or set())
    return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}


def data_as_of_text(as_of: date | str | None) -> str:
    """How outputs say when the data was last checked (region.yaml ``as_of``)."""
    if as_of is None:
        return "数据截至日期未注明（region.yaml 的 as_of）"
    return f"数据截至 {as_of if isinstance(as_of, str) else as_of.isoformat()}"


def build_taxonomy(data: DataSet) -> nx.MultiDiGraph:
    """The graph without companies and the edges that touch them: what ``PoolGraph`` holds."""
    g = nx.MultiDiGraph()
    region = data.region
    region_key = node_id("Region", region.id)
    g.graph["region"] = region_key
    g.graph["targets"] = [record_props(t) for t in region.targets]
    _add_signals_and_needs(g, data)
    g.graph["channels"] = [record_props(c) for c in region.channels]
    g.graph["data_as_of"] = region.as_of
    # mode="json": as_of (a date) as its ISO text, as graphdb.rows writes it for Neo4j
    g.add_node(region_key, label="Region",
               **region.model_dump(mode="json", exclude={"parks", "partners", "targets", "channels"}))

    for f in data.fields:
        g.add_node(node_id("Field", f.id), label="Field", **record_props(f))
    chains = {c.id: c for c in data.chains}
    for c in data.chains:
        g.add_node(node_id("Chain", c.id), label="Chain", **record_props(c))
        g.add_edge(node_id("Chain", c.id), node_id("Field", c.field), key="IN_FIELD",
                   type="IN_FIELD")
    for s in data.segments:
        chain = chains[s.chain]
        key = node_id("Segment", s.id)
        # Denormalised field id and priority: every analysis needs them per segment.
        g.add_node(key, label="Segment", field=chain.field, priority=chain.priority,
                   **record_props(s, {"feeds"}))
        g.add_edge(key, node_id("Chain", s.chain), key="IN_CHAIN", type="IN_CHAIN")
        if s.parent:
            g.add_edge(key, node_id("Segment", s.parent), key="PART_OF", type="PART_OF")
        for target in s.feeds:
            g.add_edge(key, node_id("Segment", target), key="FEEDS", type="FEEDS")

    for park in region.parks:
        g.add_node(node_id("Park", park.id), label="Park", **record_props(park))
        for label, hosted in (("Chain", park.chains), ("Segment", park.segments)):
            for record_id in hosted:
                g.add_edge(node_id("Park", park.id), node_id(label, record_id), key="HOSTS", type="HOSTS")

    _add_projects(g, data)
    return g


def _add_signals_and_needs(g: nx.MultiDiGraph, data: DataSet) -> None:
    """Graph attributes the ranking reads: signals by company id, anchor needs by segment id.

    ``as_of`` is the data's as-of date, the latest signal's (None without signals): the
    default "today" of the intent component, so a ranking does not change with the clock.
    """
    signals: dict[str, list[dict[str, Any]]] = {}
    for signal in sorted(data.signals, key=lambda s: (s.company, s.date, s.kind, s.note), reverse=True):
        signals.setdefault(signal.company, []).append(signal.model_dump())
    g.graph["signals"] = signals
    g.graph["as_of"] = max((s.date for s in data.signals), default=None)
    needs: dict[str, list[dict[str, Any]]] = {}
    if data.anchor_needs:
        names = data.pool.companies.filter(
            data.pool.companies.get_column("id").is_in([n.company for n in data.anchor_needs])
        ).select("id", "name").rows()
        name_of = dict(names)
        for need in sorted(data.anchor_needs, key=lambda n: (n.segment, n.company)):
            needs.setdefault(need.segment, []).append(
                {**need.model_dump(), "company_name": name_of.get(need.company, need.company)})
    g.graph["anchor_needs"] = needs


def _add_projects(g: nx.MultiDiGraph, data: DataSet) -> None:
    for project in data.projects:
        key = node_id("Project", project.id)
        g.add_node(key, label="Project", **record_props(project, {"segment_ids"}))
        for seg_id in project.segment_ids:
            g.add_edge(key, node_id("Segment", seg_id), key="TARGETS", type="TARGETS")
        if project.park_id:
            g.add_edge(key, node_id("Park", project.park_id), key="IN_PARK", type="IN_PARK")


def nodes_of(g: nx.MultiDiGraph, label: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(key, attributes) of every node with this label."""
    for key, attrs in g.nodes(data=True):
        if attrs.get("label") == label:
            yield key, attrs


def edges_of_type(
    g: nx.MultiDiGraph, edge_type: str,
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(source, target, attributes) of every edge of this type."""
    for u, v, attrs in g.edges(data=True):
        if attrs.get("type") == edge_type:
            yield u, v, attrs
