"""The push rows straight from the validated DataSet, one small function per node or relationship group.

``dataset_groups`` gives exactly what ``chainkg.graphdb.push.graph_groups`` gives for
``build_graph(data)`` (same labels, types, ids and properties; a test keeps them equal),
without building the networkx graph: at a million companies that graph costs a minute and
gigabytes, while these rows are one pass over each record list. Each ``_*_rows`` function
reads one part of the data set, so the company part can be swapped for a columnar table
without touching the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from chainkg.diagnosis import STATUS_LABELS, SegmentDiagnosis
from chainkg.models import DataSet, Project
from chainkg.ranking import Prospect

__all__ = ["LOCAL_LABEL", "STATUS_NODE_LABELS", "NodeRow", "RelRow", "dataset_rows"]

STATUS_NODE_LABELS = {"strong": "Strong", "weak": "Weak", "missing": "Missing", "broken": "Broken"}
LOCAL_LABEL = "Local"

# (label, extra label or None, {id, props})
NodeRow = tuple[str, str | None, dict[str, Any]]
# (type, source label, target label, {source, target, props})
RelRow = tuple[str, str, str, dict[str, Any]]


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Neo4j properties: None omitted, tuples as lists (as the graph path does)."""
    return {k: list(v) if isinstance(v, tuple | list) else v for k, v in data.items() if v is not None}


def _node(label: str, extra: str | None, record_id: str, props: dict[str, Any]) -> NodeRow:
    return label, extra, {"id": record_id, "props": _clean(props)}


def _rel(rel_type: str, source: str, target: str, source_id: str, target_id: str,
         props: dict[str, Any] | None = None) -> RelRow:
    return rel_type, source, target, {"source": source_id, "target": target_id, "props": _clean(props or {})}


def _taxonomy_rows(data: DataSet, diagnosis: list[SegmentDiagnosis]) -> Iterator[NodeRow]:
    """Fields, chains and segments (segments with their diagnosis status and status label)."""
    for f in data.fields:
        yield _node("Field", None, f.id, f.model_dump())
    chains = {c.id: c for c in data.chains}
    for c in data.chains:
        yield _node("Chain", None, c.id, c.model_dump())
    by_segment = {d.segment_id: d for d in diagnosis}
    for s in data.segments:
        chain = chains[s.chain]
        props = {"field": chain.field, "priority": chain.priority, **s.model_dump(exclude={"feeds"})}
        d = by_segment.get(s.id)
        extra = None
        if d is not None:
            props.update(status=d.status, status_label=STATUS_LABELS[d.status], severity=d.severity,
                         strength=d.strength)
            extra = STATUS_NODE_LABELS[d.status]
        yield _node("Segment", extra, s.id, props)


def _company_rows(data: DataSet, prospects: list[Prospect]) -> Iterator[NodeRow]:
    """Every company with is_local, is_partner and (if ranked) score and rank; local ones get :Local."""
    partners = {p.company for p in data.region.partners}
    by_company = {p.company_id: p for p in prospects}
    for c in data.companies:
        is_local = data.is_local(c)
        props = {"is_local": is_local, "is_partner": c.id in partners, **c.model_dump()}
        p = by_company.get(c.id)
        if p is not None:
            props.update(score=p.score, rank=p.rank)
        yield _node("Company", LOCAL_LABEL if is_local else None, c.id, props)


def _region_rows(data: DataSet) -> Iterator[NodeRow]:
    """The region and its parks."""
    region = data.region
    yield _node("Region", None, region.id, region.model_dump(exclude={"parks", "partners", "targets", "channels"}))
    for park in region.parks:
        yield _node("Park", None, park.id, park.model_dump())


def _project_rows(projects: Iterable[Project]) -> Iterator[NodeRow]:
    for project in projects:
        yield _node("Project", None, project.id, project.model_dump(exclude={"segment_ids"}))


def _taxonomy_rels(data: DataSet) -> Iterator[RelRow]:
    for c in data.chains:
        yield _rel("IN_FIELD", "Chain", "Field", c.id, c.field)
    for s in data.segments:
        yield _rel("IN_CHAIN", "Segment", "Chain", s.id, s.chain)
        if s.parent:
            yield _rel("PART_OF", "Segment", "Segment", s.id, s.parent)
        for target in s.feeds:
            yield _rel("FEEDS", "Segment", "Segment", s.id, target)


def _region_rels(data: DataSet) -> Iterator[RelRow]:
    """LOCATED_IN of the local companies and the region's PARTNERS_WITH its strategic partners."""
    region = data.region
    for c in data.companies:
        if data.is_local(c):
            yield _rel("LOCATED_IN", "Company", "Region", c.id, region.id)
    for p in region.partners:
        yield _rel("PARTNERS_WITH", "Region", "Company", region.id, p.company,
                   {"agreement": p.agreement, "year": p.year, "source": p.source})
    for park in region.parks:
        for chain_id in park.chains:
            yield _rel("HOSTS", "Park", "Chain", park.id, chain_id)
        for segment_id in park.segments:
            yield _rel("HOSTS", "Park", "Segment", park.id, segment_id)


def _operates_rels(data: DataSet) -> Iterator[RelRow]:
    for cs in data.company_segments:
        yield _rel("OPERATES_IN", "Company", "Segment", cs.company_id, cs.segment_id,
                   {"role": cs.role, "products": cs.products, "source": cs.source})


def _relation_rels(data: DataSet) -> Iterator[RelRow]:
    for r in data.relations:
        yield _rel(r.type, "Company", "Company", r.from_id, r.to_id, {"note": r.note, "since": r.since,
                                                                                      "source": r.source})


def _project_rels(projects: Iterable[Project]) -> Iterator[RelRow]:
    for project in projects:
        if project.company_id:
            yield _rel("BY", "Project", "Company", project.id, project.company_id)
        for seg_id in project.segment_ids:
            yield _rel("TARGETS", "Project", "Segment", project.id, seg_id)
        if project.park_id:
            yield _rel("IN_PARK", "Project", "Park", project.id, project.park_id)


def dataset_rows(
    data: DataSet, diagnosis: list[SegmentDiagnosis], prospects: list[Prospect],
) -> tuple[Iterator[NodeRow], Iterator[RelRow]]:
    """Every node row, then every relationship row, of a validated data set."""
    nodes = (row for part in (_taxonomy_rows(data, diagnosis), _company_rows(data, prospects),
                              _region_rows(data), _project_rows(data.projects)) for row in part)
    rels = (row for part in (_taxonomy_rels(data), _region_rels(data), _operates_rels(data),
                             _relation_rels(data), _project_rels(data.projects)) for row in part)
    return nodes, rels
