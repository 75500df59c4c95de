"""The push rows straight from the validated DataSet, one small function per node or relationship group.

The company pool's rows (companies, OPERATES_IN, LOCATED_IN, company relations: millions at
scale) come from its polars tables as ``FrameRows``: a sequence that makes the row dicts of
a slice only when that slice is asked for, so a push holds one batch of dicts at a time
(``company_parts`` and the ``*_frame`` functions; chainkg.graphdb.groups puts them together).

``dataset_groups`` gives exactly what tests/oracle.py's ``graph_groups`` gives for its
``build_graph(data)`` (same labels, types, ids and properties; a test keeps them equal),
without building the networkx graph: at a million companies that graph costs a minute and
gigabytes, while these rows are one pass over each record list. Each ``_*_rows`` function
reads one part of the data set, so the company part can be swapped for a columnar table
without touching the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, overload

from chainkg.analysis.diagnosis import STATUS_LABELS, SegmentDiagnosis
from chainkg.analysis.prospects import Prospect
from chainkg.model.records import Company, DataSet, Project

if TYPE_CHECKING:
    import polars as pl

    from chainkg.graph.pool_graph import PoolGraph

__all__ = ["LOCAL_LABEL", "STATUS_NODE_LABELS", "FrameRows", "NodeRow", "RelRow", "company_parts", "dataset_rows",
           "operates_frame", "relation_frames"]

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


def taxonomy_rows(data: DataSet, diagnosis: list[SegmentDiagnosis]) -> Iterator[NodeRow]:
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


def region_rows(data: DataSet) -> Iterator[NodeRow]:
    """The region and its parks."""
    region = data.region
    # mode="json": as_of (a date) goes as its ISO text, which every driver and Cypher literal takes
    props = region.model_dump(mode="json", exclude={"parks", "partners", "targets", "channels"})
    yield _node("Region", None, region.id, props)
    for park in region.parks:
        yield _node("Park", None, park.id, park.model_dump())


def project_rows(projects: Iterable[Project]) -> Iterator[NodeRow]:
    for project in projects:
        yield _node("Project", None, project.id, project.model_dump(exclude={"segment_ids"}))


def taxonomy_rels(data: DataSet) -> Iterator[RelRow]:
    for c in data.chains:
        yield _rel("IN_FIELD", "Chain", "Field", c.id, c.field)
    for s in data.segments:
        yield _rel("IN_CHAIN", "Segment", "Chain", s.id, s.chain)
        if s.parent:
            yield _rel("PART_OF", "Segment", "Segment", s.id, s.parent)
        for target in s.feeds:
            yield _rel("FEEDS", "Segment", "Segment", s.id, target)


def _located_rels(data: DataSet) -> Iterator[RelRow]:
    """LOCATED_IN of the local companies."""
    for c in data.companies:
        if data.is_local(c):
            yield _rel("LOCATED_IN", "Company", "Region", c.id, data.region.id)


def region_rels(data: DataSet) -> Iterator[RelRow]:
    """The region's PARTNERS_WITH its strategic partners and the parks' HOSTS."""
    region = data.region
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


def project_rels(projects: Iterable[Project]) -> Iterator[RelRow]:
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
    nodes = (row for part in (taxonomy_rows(data, diagnosis), _company_rows(data, prospects),
                              region_rows(data), project_rows(data.projects)) for row in part)
    rels = (row for part in (taxonomy_rels(data), _located_rels(data), region_rels(data), _operates_rels(data),
                             _relation_rels(data), project_rels(data.projects)) for row in part)
    return nodes, rels


# Rows made per slice when a FrameRows is iterated whole.
_CHUNK = 10_000


class FrameRows(Sequence[dict[str, Any]]):
    """Push rows of a polars frame, made slice by slice (a batch of dicts at a time).

    The first ``keys`` columns are the row's keys (``id``, or ``source`` and ``target``);
    every other column is a property, left out where null (as ``_clean`` leaves out None).
    ``rows`` (row numbers of ``frame``, default all) picks and orders the rows without
    copying the frame. ``rows[a:b]`` makes that batch's dicts; iterating makes them
    ``_CHUNK`` at a time.
    """

    def __init__(self, frame: pl.DataFrame, keys: tuple[str, ...], rows: pl.Series | None = None) -> None:
        self.frame = frame
        self.keys = keys
        self.rows = rows

    def __len__(self) -> int:
        return self.frame.height if self.rows is None else self.rows.len()

    def _slice(self, start: int, length: int) -> pl.DataFrame:
        if self.rows is None:
            return self.frame.slice(start, length)
        return self.frame[self.rows.slice(start, length)]

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                return [self[i] for i in range(start, stop, step)]
            return self._rows(self._slice(start, max(stop - start, 0)))
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        return self._rows(self._slice(index % len(self), 1))[0]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for start in range(0, len(self), _CHUNK):
            yield from self[start:start + _CHUNK]

    def _rows(self, frame: pl.DataFrame) -> list[dict[str, Any]]:
        n = len(self.keys)
        names = frame.columns[n:]
        return [{**dict(zip(self.keys, row[:n], strict=True)),
                 "props": {k: v for k, v in zip(names, row[n:], strict=True) if v is not None}}
                for row in frame.iter_rows()]

    def key_column(self, name: str) -> pl.Series:
        """One key column (``id``, ``source`` or ``target``) of these rows, in their order, as text."""
        import polars as pl

        column = self.frame.to_series(self.keys.index(name))  # the key columns come first, in keys' order
        if self.rows is not None:
            column = column.gather(self.rows)
        return column.cast(pl.String)

    def select(self, positions: pl.Series) -> FrameRows:
        """The rows at ``positions`` (of this sequence), still made batch by batch."""
        rows = positions if self.rows is None else self.rows.gather(positions)
        return FrameRows(self.frame, self.keys, rows)

    def kinds(self) -> dict[str, str]:
        """Property → the bulk importer's type, in the order the rows first show each property
        (what chainkg.graphdb.bulk finds by reading every row, without making the rows)."""
        names = self.frame.columns[len(self.keys):]
        if not names or not len(self):
            return {}
        first = []
        for i, name in enumerate(names):
            given = self.frame.get_column(name).is_not_null()
            if self.rows is not None:
                given = given.gather(self.rows)
            if given.any():
                first.append((given.arg_max() or 0, i, name))
        first.sort()
        return {name: _kind(self.frame.schema[name]) for _r, _i, name in first}


def _kind(dtype: Any) -> str:
    """The offline importer's type of a polars column (as chainkg.graphdb.bulk types a value)."""
    import polars as pl

    if dtype == pl.Boolean:
        return "boolean"
    if dtype.is_integer():
        return "long"
    if dtype.is_float():
        return "double"
    if isinstance(dtype, pl.List):
        return "string[]"
    return "string"


def company_parts(pg: PoolGraph, scores: pl.DataFrame) -> list[tuple[str | None, FrameRows]]:
    """The Company rows of ``_company_rows`` as (extra label, rows): local ones (:Local) and the
    rest, each in file order, the group of the first company first. ``scores`` (idx, score,
    rank) are the ranked candidates' row, score and rank."""
    import polars as pl

    companies = pg.companies
    n = companies.height
    if n == 0:
        return []
    # Score and rank by row number (scatter, no join): the frame shares every other column.
    where = scores.get_column("idx")
    frame = companies.select(
        pl.col("id").alias("__id"), "is_local", "is_partner", *Company.model_fields,
        pl.repeat(None, n, dtype=pl.Float64, eager=True).scatter(where, scores.get_column("score")).alias("score"),
        pl.repeat(None, n, dtype=pl.Int64, eager=True).scatter(where, scores.get_column("rank")).alias("rank"))
    local = frame.get_column("is_local")
    parts = [(LOCAL_LABEL, FrameRows(frame, ("id",), local.arg_true())),
             (None, FrameRows(frame, ("id",), (~local).arg_true()))]
    if not local[0]:
        parts.reverse()
    return [(extra, rows) for extra, rows in parts if len(rows)]


def _kept_rows(frame: pl.DataFrame, keys: list[str]) -> pl.Series | None:
    """Row numbers with one row per key: the last one given, at the place of the first (as a
    dict keeps it); None when no key repeats (every row, in order)."""
    import polars as pl

    if not frame.select(pl.struct(keys).is_duplicated().any()).item():
        return None
    return (frame.select(keys).with_row_index("__row").group_by(keys, maintain_order=True)
            .agg(pl.col("__row").last()).get_column("__row"))


def located_frame(data: DataSet, pg: PoolGraph) -> FrameRows:
    """LOCATED_IN (Company → Region) of the local companies (``_located_rels``)."""
    import polars as pl

    frame = pg.companies.filter(pl.col("is_local")).select(
        pl.col("id").alias("source"), pl.lit(data.region.id).alias("target"))
    return FrameRows(frame, ("source", "target"))


def operates_frame(pg: PoolGraph) -> FrameRows:
    """OPERATES_IN (Company → Segment) with role, products and source (``_operates_rels``)."""
    frame = pg.company_segments.select("company_id", "segment_id", "role", "products", "source")
    return FrameRows(frame, ("source", "target"), _kept_rows(frame, ["company_id", "segment_id"]))


def relation_frames(pg: PoolGraph) -> list[tuple[str, FrameRows]]:
    """Company → company relations per type, types in order of first appearance (``_relation_rels``).

    Each type's rows are row numbers into one shared frame: the relations are not copied.
    """
    relations = pg.relations
    frame = relations.select("from_id", "to_id", "note", "since", "source")
    types = relations.get_column("type")
    kept = _kept_rows(relations, ["type", "from_id", "to_id"])
    parts = []
    for rel_type in types.unique(maintain_order=True).to_list():
        wanted = types == rel_type
        rows = wanted.arg_true() if kept is None else kept.filter(wanted.gather(kept))
        parts.append((str(rel_type), FrameRows(frame, ("source", "target"), rows)))
    return parts
