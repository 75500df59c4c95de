"""What the chain maps show, as data: 现状图, 远景图 and the 3+1+1 overview.

Pure functions from the graph and the analysis results to small models; drawing them is
``render_map``'s job. The 远景图 uses the public analysis functions only: ``rank`` picks
the top prospects of the chain, ``what_if`` says what the chain becomes if they all land.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import networkx as nx
import polars as pl
from pydantic import BaseModel

from chainkg.analysis.diagnosis import STATUS_LABELS, SegmentDiagnosis
from chainkg.analysis.prospects import Prospect, RankFilter
from chainkg.analysis.shortlist import prepare, rank
from chainkg.analysis.whatif import WhatIf, what_if
from chainkg.graph.pool_graph import PoolGraph
from chainkg.graph.taxonomy import node_id, nodes_of
from chainkg.model.errors import NotFoundError
from chainkg.model.scoring import Scoring

__all__ = [
    "STAGE_NAMES",
    "ChainMap",
    "MapBox",
    "MapTarget",
    "Overview",
    "OverviewChain",
    "OverviewField",
    "chain_map",
    "chain_maps",
    "chains_of_field",
    "overview",
    "vision_map",
]

STAGE_NAMES = {"upstream": "上游", "midstream": "中游", "downstream": "下游"}
_SCALE_ORDER = {"large": 0, "medium": 1, "small": 2, "micro": 3, "unknown": 4}
# How far a status is from a local supply: 缺链 and 断链 both mean no local firm in the segment.
_GAP_DEPTH = {"strong": 0, "weak": 1, "missing": 2, "broken": 2}


class MapTarget(BaseModel):
    """A prospect drawn into a gap box on the 远景图."""

    rank: int
    company_id: str
    company: str


class MapBox(BaseModel):
    """One segment's box: its status, up to the first local firms, candidates, targets."""

    segment_id: str
    name: str
    stage: str
    parent_id: str | None
    status: str
    status_before: str | None = None  # 远景图: the status today when the landing improves it
    # 远景图: still no local firm, but the landing puts local firms on both sides of it (the
    # diagnosis calls that 断链). Drawn with today's status and a note, never as a worse box.
    between_landed: bool = False
    severity: float
    local_firms: list[str]  # names of the local firms operating directly in this segment
    candidate_count: int
    candidates: list[str] = []  # names of the outside firms counted in candidate_count, large first
    targets: list[MapTarget] = []

    @property
    def status_label(self) -> str:
        """强链 / 弱链 / 缺链 / 断链."""
        return STATUS_LABELS[self.status]


class ChainMap(BaseModel):
    """A chain's boxes and FEEDS arrows, for one picture."""

    chain_id: str
    chain: str
    field_id: str
    field: str
    vision: bool
    as_of: date
    boxes: list[MapBox]
    edges: list[tuple[str, str]]  # FEEDS (source segment id, target segment id)
    severity_before: float | None = None  # 远景图: total severity of the chain today / after
    severity_after: float | None = None


class OverviewChain(BaseModel):
    """One chain of the overview with its segments counted by status."""

    chain_id: str
    chain: str
    counts: dict[str, int]


class OverviewField(BaseModel):
    """One field (领域) of the overview."""

    field_id: str
    field: str
    chains: list[OverviewChain]


class Overview(BaseModel):
    """The whole 3+1+1: fields → chains with strong/weak/missing/broken counts."""

    region: str
    as_of: date
    fields: list[OverviewField]


def _require_chain(g: nx.MultiDiGraph, chain_id: str) -> None:
    if node_id("Chain", chain_id) not in g:
        known = "、".join(sorted(a["id"] for _k, a in nodes_of(g, "Chain")))
        raise NotFoundError(f"产业链「{chain_id}」不存在；已有：{known}")


def _chain_firms(pg: PoolGraph, segment_ids: set[str]) -> pl.DataFrame:
    """The links of these segments with each firm's id, name, scale order and whether it is local."""
    links = pg.company_segments.filter(pl.col("segment_id").is_in(sorted(segment_ids)))
    index = links.get_column("company_idx")
    order = pl.col("scale").replace_strict(_SCALE_ORDER, default=9, return_dtype=pl.Int64).fill_null(9)
    return links.select("segment_id", "role").with_columns(
        pg.companies.get_column(c).gather(index) for c in ("id", "name", "scale", "is_local")
    ).with_columns(order.alias("order"))


def _local_firms(firms: pl.DataFrame, segment_id: str) -> list[str]:
    """Local firms operating directly in a segment: core before secondary, large before small."""
    rows = firms.filter((pl.col("segment_id") == segment_id) & pl.col("is_local"))
    ordered = sorted(((0 if role == "core" else 1, order), c, name)
                     for role, order, c, name in rows.select("role", "order", "id", "name").iter_rows())
    return [name for _o, _id, name in ordered]


def _candidates(firms: pl.DataFrame, segment_ids: set[str]) -> list[str]:
    """Outside firms operating in any of these segments (a segment and its sub-segments), large first."""
    rows = firms.filter(pl.col("segment_id").is_in(sorted(segment_ids)) & ~pl.col("is_local"))
    found = {c: (order, name) for c, order, name in rows.select("id", "order", "name").iter_rows()}
    return [name for _order, name in sorted(found.values())]


def chain_map(
    pg: PoolGraph, diagnosis: list[SegmentDiagnosis], chain_id: str, as_of: date,
) -> ChainMap:
    """The 现状图 of one chain: every segment with today's status, every FEEDS arrow."""
    g = pg.taxonomy
    _require_chain(g, chain_id)
    chain = g.nodes[node_id("Chain", chain_id)]
    rows = sorted((d for d in diagnosis if d.chain_id == chain_id), key=lambda d: d.segment_id)
    ids = {d.segment_id for d in rows}
    # Keep the data file's order of segments: it is the order the team wrote the chain in.
    order = {a["id"]: i for i, (_k, a) in enumerate(nodes_of(g, "Segment"))}
    rows.sort(key=lambda d: order[d.segment_id])
    subtree: dict[str, set[str]] = {d.segment_id: {d.segment_id} for d in rows}
    for d in rows:
        parent = d.parent_id
        while parent in subtree:
            subtree[parent].add(d.segment_id)
            parent = next(r.parent_id for r in rows if r.segment_id == parent)
    firms = _chain_firms(pg, ids)
    boxes = [
        MapBox(segment_id=d.segment_id, name=d.segment, stage=d.stage, parent_id=d.parent_id,
               status=d.status, severity=d.severity,
               local_firms=_local_firms(firms, d.segment_id),
               candidate_count=d.candidate_count, candidates=_candidates(firms, subtree[d.segment_id]))
        for d in rows
    ]
    edges = sorted(
        (g.nodes[u]["id"], g.nodes[v]["id"]) for u, v, k in g.edges(keys=True)
        if k == "FEEDS" and g.nodes[u]["id"] in ids and g.nodes[v]["id"] in ids
    )
    return ChainMap(chain_id=chain_id, chain=chain["name"], field_id=chain["field"],
                    field=g.nodes[node_id("Field", chain["field"])]["name"], vision=False,
                    as_of=as_of, boxes=boxes, edges=edges)


def vision_map(
    pg: PoolGraph, diagnosis: list[SegmentDiagnosis], chain_id: str, as_of: date,
    prospects: list[Prospect], landing: WhatIf,
) -> ChainMap:
    """The 远景图: the 现状图 with ``prospects`` in the gaps they fill and ``landing``'s statuses.

    A box shows its status after the landing only where that is better than today (a landing
    adds local firms, it never takes a segment's own firms away); a gap that stays empty keeps
    today's status and is marked ``between_landed`` when the landing surrounds it.

    ``prospects`` come from ``rank`` (filtered to the chain), ``landing`` from ``what_if``
    with the same companies.
    """
    today = chain_map(pg, diagnosis, chain_id, as_of)
    after = {c.segment_id: c for c in landing.changes}
    targets: dict[str, list[MapTarget]] = defaultdict(list)
    for p in prospects:
        for seg_id in p.fills:
            targets[seg_id].append(MapTarget(rank=p.rank, company_id=p.company_id, company=p.company))
    boxes = []
    for box in today.boxes:
        change = after.get(box.segment_id)
        update: dict[str, object] = {"targets": targets.get(box.segment_id, [])}
        if change is not None:
            update["severity"] = change.severity_after
            if _GAP_DEPTH[change.status_after] < _GAP_DEPTH[box.status]:
                update.update(status=change.status_after, status_before=box.status)
            elif change.status_after == "broken" and box.status == "missing":
                # The diagnosis rule (no local firm, local firms up- and downstream = 断链) turns a gap
                # next to a landed target into 断链: the gap is more urgent, the chain no worse.
                update["between_landed"] = True
        boxes.append(box.model_copy(update=update))
    return today.model_copy(update={
        "vision": True, "boxes": boxes,
        "severity_before": round(sum(b.severity for b in today.boxes), 4),
        "severity_after": round(sum(b.severity for b in boxes), 4),
    })


def chain_maps(
    pg: PoolGraph, diagnosis: list[SegmentDiagnosis], chain_ids: list[str], as_of: date,
    scoring: Scoring, vision_top: int | None = None,
) -> list[ChainMap]:
    """现状图 of each chain, or with ``vision_top`` the 远景图 with each chain's top prospects landed."""
    if vision_top is None:
        return [chain_map(pg, diagnosis, cid, as_of) for cid in chain_ids]
    maps = []
    prepared = prepare(pg, diagnosis, scoring.rank)  # once for every chain's list
    for cid in chain_ids:
        _require_chain(pg.taxonomy, cid)
        # Investment targets only (issue #11): platforms and channels do not land as firms.
        targets = RankFilter(chains=[cid], kinds=["target", "deepen"])
        prospects = rank(pg, diagnosis, scoring.rank, targets, vision_top, prepared=prepared)
        landing = what_if(pg, [p.company_id for p in prospects], scoring.diagnosis)
        maps.append(vision_map(pg, diagnosis, cid, as_of, prospects, landing))
    return maps


def chains_of_field(g: nx.MultiDiGraph, field_id: str) -> list[str]:
    """The chain ids of a field, in data-file order; NotFoundError for an unknown or empty field."""
    fields = {a["id"] for _k, a in nodes_of(g, "Field")}
    if field_id not in fields:
        raise NotFoundError(f"领域「{field_id}」不存在；已有：{'、'.join(sorted(fields))}")
    chains = [a["id"] for _k, a in nodes_of(g, "Chain") if a["field"] == field_id]
    if not chains:
        raise NotFoundError(f"领域「{field_id}」下没有产业链（见 chains.yaml 的 chains），无图可画")
    return chains


def overview(g: nx.MultiDiGraph, diagnosis: list[SegmentDiagnosis], as_of: date) -> Overview:
    """Fields → chains, each chain with its segments counted by status (sub-segments included)."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATUS_LABELS, 0))
    for d in diagnosis:
        counts[d.chain_id][d.status] += 1
    fields = []
    for _k, f in nodes_of(g, "Field"):
        chains = [OverviewChain(chain_id=c["id"], chain=c["name"], counts=counts[c["id"]])
                  for _kc, c in nodes_of(g, "Chain") if c["field"] == f["id"]]
        fields.append(OverviewField(field_id=f["id"], field=f["name"], chains=chains))
    region = g.nodes[g.graph["region"]]["name"]
    return Overview(region=region, as_of=as_of, fields=fields)
