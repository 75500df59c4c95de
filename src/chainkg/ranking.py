"""Prospect ranking: which outside companies to approach, and why, component by component.

``rank(graph, diagnosis, settings, ...)`` is pure. Every component is in [0, 1] and comes
with its reasons in the team's words; the score is their weighted sum (weights in
scoring.yaml). Ties are broken by company id, so the output is deterministic.

Cost: one multi-source BFS over company relations (for the approach channel) plus one
pass over each candidate's edges: linear in the graph.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import networkx as nx
from pydantic import BaseModel

from chainkg.diagnosis import GAP_STATUSES, SegmentDiagnosis
from chainkg.graph import COMPANY_RELATION_TYPES, node_id, nodes_of
from chainkg.pool_graph import PoolGraph
from chainkg.scoring import RankSettings

__all__ = [
    "COMPONENTS",
    "COMPONENT_LABELS",
    "LANDED_STAGES",
    "Channel",
    "Component",
    "Prospect",
    "RankContext",
    "RankFilter",
    "capability_component",
    "evaluate",
    "feed_edges",
    "find_channels",
    "gap_reasons",
    "gap_segments",
    "geography_component",
    "prepare",
    "rank",
]

COMPONENTS = ("gap_fit", "capability", "chain_pull", "partner_proximity", "geography")
COMPONENT_LABELS = {
    "gap_fit": "补链契合", "capability": "企业实力", "chain_pull": "链主带动",
    "partner_proximity": "对接渠道", "geography": "地缘",
}
# Stages at which a company has already landed: not a prospect any more.
LANDED_STAGES = ("signed", "under_construction", "operating")
STAGE_ORDER = ("lead", "contacted", "negotiating", "signed", "under_construction", "operating")
STAGE_LABELS = {
    "lead": "线索", "contacted": "接洽", "negotiating": "在谈", "signed": "签约",
    "under_construction": "在建", "operating": "投产",
}
SCALE_LABELS = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}
OWNERSHIP_LABELS = {
    "central_soe": "央企", "local_soe": "地方国企", "private": "民营", "foreign": "外资",
    "mixed": "混合所有制", "institute": "科研院所", "university": "高校", "fund": "基金",
}
RELATION_LABELS = {
    "SUPPLIES": "供货", "CUSTOMER_OF": "客户", "SUBSIDIARY_OF": "隶属",
    "INVESTS_IN": "投资", "PARTNERS_WITH": "合作伙伴", "COOPERATES_WITH": "合作",
}


class Component(BaseModel):
    """One scoring component: its value in [0,1], its weight, and the facts behind it."""

    value: float
    weight: float
    reasons: list[str]


class Prospect(BaseModel):
    """A ranked outside company. ``components`` holds the values; ``details`` the reasons."""

    rank: int
    company_id: str
    company: str
    province: str
    city: str
    score: float
    components: dict[str, float]
    fills: list[str]
    reasons: list[str]
    pipeline_stage: str | None
    details: dict[str, Component]


class Channel(BaseModel):
    """A path through company relations to a local firm or strategic partner."""

    hops: int
    target_id: str
    target: str
    target_kind: str  # "本地企业" or "战略伙伴"
    path: list[str]  # company names, from the prospect to the target
    relations: list[str]  # relation types along the path


class RankFilter(BaseModel):
    """Which gaps and companies a ranking considers (all None = everything)."""

    fields: list[str] | None = None
    chains: list[str] | None = None
    segments: list[str] | None = None
    provinces: list[str] | None = None
    include_pipeline: bool = False


def _company_adjacency(g: nx.MultiDiGraph) -> dict[str, list[tuple[str, str]]]:
    """Undirected company-relation adjacency: node → [(neighbour, relation type)]."""
    adjacency: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for u, v, k in g.edges(keys=True):
        if k in COMPANY_RELATION_TYPES and _both_companies(g, u, v):
            adjacency[u].append((v, k))
            adjacency[v].append((u, k))
    for neighbours in adjacency.values():
        neighbours.sort()  # deterministic BFS order
    return adjacency


def _both_companies(g: nx.MultiDiGraph, u: str, v: str) -> bool:
    # (:Region)-[:PARTNERS_WITH]->(:Company) shares its type with company relations.
    return bool(g.nodes[u]["label"] == "Company" == g.nodes[v]["label"])


def find_channels(g: nx.MultiDiGraph, max_hops: int) -> dict[str, Channel]:
    """The nearest local firm or strategic partner of every company (multi-source BFS)."""
    adjacency = _company_adjacency(g)
    anchors = sorted(k for k, a in nodes_of(g, "Company") if a["is_local"] or a["is_partner"])
    previous: dict[str, tuple[str, str] | None] = {a: None for a in anchors}
    origin = {a: a for a in anchors}
    distance = {a: 0 for a in anchors}
    queue = deque(anchors)
    while queue:
        node = queue.popleft()
        if distance[node] >= max_hops:
            continue
        for neighbour, kind in adjacency.get(node, ()):
            if neighbour not in distance:
                distance[neighbour] = distance[node] + 1
                previous[neighbour] = (node, kind)
                origin[neighbour] = origin[node]
                queue.append(neighbour)
    channels: dict[str, Channel] = {}
    for node, hops in distance.items():
        path, relations, step = [g.nodes[node]["name"]], [], previous[node]
        while step is not None:
            path.append(g.nodes[step[0]]["name"])
            relations.append(step[1])
            step = previous[step[0]]
        target = g.nodes[origin[node]]
        channels[node] = Channel(
            hops=hops, target_id=target["id"], target=target["name"],
            target_kind="本地企业" if target["is_local"] else "战略伙伴",
            path=path, relations=relations,
        )
    return channels


def _pipeline_stages(g: nx.MultiDiGraph) -> dict[str, str]:
    """The most advanced pipeline stage of each company that has projects."""
    stages: dict[str, str] = {}
    for u, v, k in g.edges(keys=True):
        if k == "BY":
            stage = g.nodes[u]["stage"]
            if v not in stages or STAGE_ORDER.index(stage) > STAGE_ORDER.index(stages[v]):
                stages[v] = stage
    return stages


def _gap_fit(
    g: nx.MultiDiGraph, fills: list[tuple[SegmentDiagnosis, str]], settings: RankSettings,
) -> tuple[float, list[str]]:
    # Noisy-or: each gap closes part of what is left, so two severe gaps beat one and
    # adding a gap can never lower the value.
    remaining, reasons = 1.0, []
    for diag, role in sorted(fills, key=lambda f: (-f[0].severity, f[0].segment_id)):
        remaining *= 1.0 - diag.severity * settings.role_fit.get(role, 0.0)
        reasons += gap_reasons(diag, role, lambda s: str(g.nodes[node_id("Segment", s)]["name"]))
    return 1.0 - remaining, reasons


def gap_reasons(diag: SegmentDiagnosis, role: str, segment_name: Callable[[str], str]) -> list[str]:
    """补链/强链 (and 延链) sentences for one filled gap; shared with the Neo4j backend."""
    verb = "强链：增强弱链" if diag.status == "weak" else f"补链：填补{diag.status_label}"
    role_note = "" if role == "core" else "（非主营）"
    reasons = [f"{verb}「{diag.segment}」（{diag.chain}，严重度{diag.severity:.2f}）{role_note}"]
    if diag.extends:
        strong = "、".join(segment_name(s) for s in diag.extends)
        reasons.append(f"延链：「{diag.segment}」与本区强链「{strong}」相邻")
    return reasons


def capability_component(company: dict[str, Any], settings: RankSettings) -> tuple[float, list[str]]:
    cap = settings.capability
    parts: list[tuple[float, float]] = []
    reasons: list[str] = []
    if company["scale"] in cap.scale:
        parts.append((cap.scale_part, cap.scale[company["scale"]]))
        reasons.append(f"规模：{SCALE_LABELS[company['scale']]}企业")
    else:
        reasons.append("规模未知，不计入")
    listed = company["listed"]
    parts.append((cap.listed_part, 1.0 if listed else 0.0))
    reasons.append(f"上市：{'、'.join(listed)}" if listed else "未上市")
    tag_scores = [(cap.tags[t], t) for t in company["tags"] if t in cap.tags]
    best = max(tag_scores, default=(0.0, ""))
    parts.append((cap.tags_part, best[0]))
    if tag_scores:
        reasons.append("资质：" + "、".join(t for _s, t in sorted(tag_scores, reverse=True)))
    if company["ownership"]:
        parts.append((cap.ownership_part, cap.ownership.get(company["ownership"], 0.0)))
        reasons.append(f"性质：{OWNERSHIP_LABELS.get(company['ownership'], company['ownership'])}")
    else:
        reasons.append("企业性质未知，不计入")
    # Missing evidence (unknown scale) drops out of the mean instead of counting as zero.
    total = sum(w for w, _v in parts)
    return (sum(w * v for w, v in parts) / total if total else 0.0), reasons


def _chain_pull(
    g: nx.MultiDiGraph, key: str, segments: list[str], ctx: RankContext, settings: RankSettings,
) -> tuple[float, list[str]]:
    pull = settings.chain_pull
    relation, reasons = 0.0, []
    for u, v, kind in sorted(
        (u, v, k) for u, v, k in g.out_edges(key, keys=True) if k in COMPANY_RELATION_TYPES
    ) + sorted((u, v, k) for u, v, k in g.in_edges(key, keys=True) if k in COMPANY_RELATION_TYPES):
        other = v if u == key else u
        if not _both_companies(g, u, v) or not g.nodes[other]["is_local"]:
            continue
        name = g.nodes[other]["name"]
        supplies_local = (u == key and kind == "SUPPLIES") or (u == other and kind == "CUSTOMER_OF")
        buys_local = (u == key and kind == "CUSTOMER_OF") or (u == other and kind == "SUPPLIES")
        if supplies_local:
            relation = max(relation, pull.supply_relation)
            reasons.append(f"链主带动：向本地企业「{name}」供货")
        elif buys_local:
            relation = max(relation, pull.supply_relation)
            reasons.append(f"链主带动：采购本地企业「{name}」的产品")
        else:
            relation = max(relation, pull.other_relation)
            reasons.append(f"链主带动：与本地企业「{name}」有{RELATION_LABELS[kind]}关系")
    weight = 0.0
    seen: set[str] = set()
    for seg in segments:
        own = g.nodes[seg]
        for u, v in ctx.feeds.get(seg, ()):
            other = v if u == seg else u
            diag = ctx.status.get(g.nodes[other]["id"])
            if diag is None or diag.status not in ("strong", "weak") or other in seen:
                continue
            seen.add(other)
            weight += pull.strong_neighbour if diag.status == "strong" else pull.weak_neighbour
            if u == seg:
                reasons.append(f"本地需求：其「{own['name']}」供给本区{diag.status_label}「{diag.segment}」")
            else:
                reasons.append(f"本地配套：本区{diag.status_label}「{diag.segment}」供给其「{own['name']}」")
    feed = 1.0 - 0.5 ** weight
    return 1.0 - (1.0 - relation) * (1.0 - feed), reasons


def _proximity(key: str, company: dict[str, Any], channels: dict[str, Channel]) -> tuple[float, list[str]]:
    if company["is_partner"]:
        return 1.0, ["对接渠道：本身是本区战略合作伙伴"]
    channel = channels.get(key)
    if channel is None or channel.hops == 0:
        return 0.0, ["对接渠道：数据中没有到本地企业或战略伙伴的关系路径"]
    via = " → ".join(channel.path)
    return 1.0 / channel.hops, [
        f"对接渠道：经{channel.target_kind}「{channel.target}」{channel.hops}跳（{via}）"
    ]


def geography_component(company: dict[str, Any], home: str, settings: RankSettings) -> tuple[float, list[str]]:
    province = company["province"]
    geo = settings.geography
    if not province:
        return 0.0, ["地缘：省份未知"]
    if province == home:
        return geo.same_province, [f"地缘：同省（{province}）"]
    if province in geo.neighbours:
        return geo.neighbour_province, [f"地缘：邻省（{province}）"]
    return 0.0, [f"地缘：外省（{province}）"]


def gap_segments(diagnosis: list[SegmentDiagnosis], flt: RankFilter) -> dict[str, SegmentDiagnosis]:
    """The gaps a ranking fills under a filter; a named segment includes its sub-segments."""
    wanted_segments: set[str] | None = None
    if flt.segments:
        # A named segment includes its sub-segments.
        wanted_segments = set(flt.segments)
        parent_of = {r.segment_id: r.parent_id for r in diagnosis}
        for seg_id in parent_of:
            ancestor: str | None = seg_id
            while ancestor is not None:
                if ancestor in flt.segments:
                    wanted_segments.add(seg_id)
                    break
                ancestor = parent_of.get(ancestor)
    gaps = {}
    for d in diagnosis:
        if d.status not in GAP_STATUSES:
            continue
        if flt.fields and d.field_id not in flt.fields:
            continue
        if flt.chains and d.chain_id not in flt.chains:
            continue
        if wanted_segments is not None and d.segment_id not in wanted_segments:
            continue
        gaps[d.segment_id] = d
    return gaps


@dataclass(frozen=True)
class RankContext:
    """What every candidate's evaluation reads, computed once per ranking (keeps rank linear)."""

    status: dict[str, SegmentDiagnosis]  # every segment's diagnosis, by segment id
    gaps: dict[str, SegmentDiagnosis]  # the gaps this ranking fills, by segment id
    feeds: dict[str, list[tuple[str, str]]]  # segment key → the FEEDS edges touching it, sorted
    channels: dict[str, Channel]
    home: str  # the region's province


def feed_edges(g: nx.MultiDiGraph) -> dict[str, list[tuple[str, str]]]:
    """Segment key → the FEEDS edges touching it, sorted."""
    feeds: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for u, v, k in g.edges(keys=True):
        if k == "FEEDS":
            feeds[u].append((u, v))
            feeds[v].append((u, v))
    for edges in feeds.values():
        edges.sort()
    return dict(feeds)


def prepare(
    g: nx.MultiDiGraph, diagnosis: list[SegmentDiagnosis], settings: RankSettings,
    flt: RankFilter | None = None,
) -> RankContext:
    """The shared inputs of ``evaluate`` for one ranking."""
    return RankContext(
        status={d.segment_id: d for d in diagnosis},
        gaps=gap_segments(diagnosis, flt or RankFilter()),
        feeds=feed_edges(g),
        channels=find_channels(g, settings.max_hops),
        home=g.nodes[g.graph["region"]]["province"],
    )


def evaluate(
    g: nx.MultiDiGraph, key: str, ctx: RankContext, settings: RankSettings,
) -> tuple[dict[str, Component], list[str]]:
    """Every component of one company's score, and the gap segments it fills."""
    company = g.nodes[key]
    segments = sorted(v for _u, v, k in g.out_edges(key, keys=True) if k == "OPERATES_IN")
    roles = {v: g.edges[key, v, "OPERATES_IN"].get("role", "core") for v in segments}
    fills = [(ctx.gaps[g.nodes[s]["id"]], roles[s]) for s in segments if g.nodes[s]["id"] in ctx.gaps]
    w = settings.weights
    values = {
        "gap_fit": _gap_fit(g, fills, settings),
        "capability": capability_component(company, settings),
        "chain_pull": _chain_pull(g, key, segments, ctx, settings),
        "partner_proximity": _proximity(key, company, ctx.channels),
        "geography": geography_component(company, ctx.home, settings),
    }
    components = {
        name: Component(value=round(value, 4), weight=getattr(w, name), reasons=reasons)
        for name, (value, reasons) in values.items()
    }
    return components, sorted(d.segment_id for d, _r in fills)


def rank(
    g: nx.MultiDiGraph | PoolGraph,
    diagnosis: list[SegmentDiagnosis],
    settings: RankSettings | None = None,
    flt: RankFilter | None = None,
    top: int | None = None,
) -> list[Prospect]:
    """Rank the outside companies that fill the district's gaps; best first, ties by id.

    ``g`` is build_graph's networkx graph or a PoolGraph; both give the same prospects.
    """
    settings = settings or RankSettings()
    flt = flt or RankFilter()
    if isinstance(g, PoolGraph):
        # Companies are tables: pre-score them all, evaluate the possible top exactly.
        from chainkg.pool_rank import rank_view

        g, ctx, candidates, stages = rank_view(g, diagnosis, settings, flt, top)
    else:
        ctx = prepare(g, diagnosis, settings, flt)
        gap_keys = {node_id("Segment", s) for s in ctx.gaps}
        candidates = sorted({
            u for u, v, k in g.edges(keys=True)
            if k == "OPERATES_IN" and v in gap_keys and not g.nodes[u]["is_local"]
        })
        stages = _pipeline_stages(g)
    prospects: list[Prospect] = []
    for key in candidates:
        company = g.nodes[key]
        stage = stages.get(key)
        if stage in LANDED_STAGES and not flt.include_pipeline:
            continue
        if flt.provinces and company["province"] not in flt.provinces:
            continue
        components, fills = evaluate(g, key, ctx, settings)
        score = sum(c.value * c.weight for c in components.values())
        reasons = [r for c in components.values() for r in c.reasons]
        if stage:
            reasons.append(f"招商进度：已在项目库中（{STAGE_LABELS[stage]}）")
        prospects.append(Prospect(
            rank=0, company_id=company["id"], company=company["name"],
            province=company["province"], city=company["city"], score=round(score, 4),
            components={n: c.value for n, c in components.items()}, fills=fills,
            reasons=reasons, pipeline_stage=stage, details=components,
        ))
    prospects.sort(key=lambda p: (-p.score, p.company_id))
    if top is not None:
        prospects = prospects[:top]
    return [p.model_copy(update={"rank": i}) for i, p in enumerate(prospects, start=1)]


def filter_values(values: Collection[str] | None) -> list[str] | None:
    """Split comma lists from the CLI: ["a,b", "c"] → ["a", "b", "c"]; empty → None."""
    if not values:
        return None
    return [part.strip() for v in values for part in v.split(",") if part.strip()]
