"""Prospect ranking: which outside companies to approach, and why, component by component.

``rank(graph, diagnosis, settings, ...)`` is pure. Every component is in [0, 1] and comes
with its reasons in the team's words; the score is their weighted sum (weights in
scoring.yaml), shown as 0–100 points with a tier. Ties are broken by company id, so the
output is deterministic; signals age to an explicit day (``today``, default the data's
as-of date), never to the clock when the data have signals.

Components: the five base ones the Neo4j backend also computes (``COMPONENTS``: gap_fit,
capability, chain_pull, partner_proximity, geography) and issue #11's intent (signals.csv)
and attainability (``SHORTLIST_COMPONENTS``). A filter chooses candidates and never changes a
score: gap_fit counts every gap. Each prospect has a kind (target / deepen / platform), a
primary gap (what ``per_gap`` variety counts) and one headline; channels run only through
relations that are a way in (``way_in``).

Cost: one multi-source BFS over company relations (for the approach channel) plus one
pass over each candidate's edges: linear in the graph.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx
from pydantic import BaseModel

from chainkg.analysis.diagnosis import GAP_STATUSES, SegmentDiagnosis
from chainkg.analysis.placement import KIND_NAMES, Placement, graph_placements
from chainkg.graph.taxonomy import COMPANY_RELATION_TYPES, node_id, nodes_of
from chainkg.model.records import PROJECT_STAGES
from chainkg.model.scoring import RankSettings, TierSettings

__all__ = [
    "COMPONENTS",
    "COMPONENT_LABELS",
    "KIND_LABELS",
    "LANDED_STAGES",
    "PLATFORM_OWNERSHIPS",
    "SHORTLIST_COMPONENTS",
    "TIER_LABELS",
    "Channel",
    "Component",
    "Prospect",
    "RankContext",
    "RankFilter",
    "attainability_component",
    "capability_component",
    "channel_usage",
    "company_kind",
    "feed_edges",
    "find_channels",
    "gap_reasons",
    "gap_segments",
    "geography_component",
    "intent_component",
    "points_of",
    "prepare",
    "primary_gap",
    "score_company",
    "score_of",
    "tier_of",
    "way_in",
]

# The five base components, which the Neo4j backend also computes (chainkg.graphdb.backend);
# SHORTLIST_COMPONENTS adds issue #11's, computed by the embedded path only (README "Back-end parity").
COMPONENTS = ("gap_fit", "capability", "chain_pull", "partner_proximity", "geography")
SHORTLIST_COMPONENTS = (*COMPONENTS, "intent", "attainability")
COMPONENT_LABELS = {
    "gap_fit": "补链契合", "capability": "企业实力", "chain_pull": "链主带动",
    "partner_proximity": "对接渠道", "geography": "地缘", "intent": "近期动向", "attainability": "招得来",
}
# Universities, institutes and funds are platforms and channels (平台与渠道), not investment targets.
PLATFORM_OWNERSHIPS = ("institute", "university", "fund")
# Firms listed apart from the targets (chainkg.analysis.placement): 配套对接, 本市协作, 集团渠道.
KIND_LABELS = KIND_NAMES
TIER_LABELS = {"A": "A 重点对接", "B": "B 跟踪", "C": "C 储备"}
# Relation types through which a channel may run anywhere on its path; a supplier or customer
# link is a way in only next to the local firm or partner itself (see ``way_in``).
WAY_IN_TYPES = ("SUBSIDIARY_OF", "INVESTS_IN", "PARTNERS_WITH", "COOPERATES_WITH")
SUPPLY_TYPES = ("SUPPLIES", "CUSTOMER_OF")
# Stages at which a company has already landed: not a prospect any more.
LANDED_STAGES = ("signed", "under_construction", "operating")
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
    """A ranked outside company. ``components`` holds the values; ``details`` the reasons.

    ``score`` is the weighted sum of the components; ``points`` the same on 0–100 (divided by
    the sum of the weights) and ``tier`` its band. ``kind``: target (招商目标), deepen (an
    existing strategic partner: 深化合作) or platform (university, institute, fund: 平台与渠道).
    ``primary_gap`` is the most severe gap it fills (what ``per_gap`` variety counts).
    """

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
    points: int = 0
    tier: str = "C"
    kind: str = "target"
    headline: str = ""
    primary_gap: str | None = None
    connects: list[str] = []
    kind_reason: str = ""  # why the firm is listed apart, or the group to approach it through


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
    kinds: list[str] | None = None  # KIND_LABELS' keys; None = all
    exclude_partners: bool = False  # leave existing strategic partners (深化合作) out


def way_in(kind: str, u_anchor: bool, v_anchor: bool) -> bool:
    """Whether a relation can carry an introduction: any ownership/investment/partnership
    link, and a supplier or customer link only when one end is a local firm or partner
    (two firms sharing a customer do not introduce each other)."""
    return kind in WAY_IN_TYPES or (kind in SUPPLY_TYPES and (u_anchor or v_anchor))


def _company_adjacency(g: nx.MultiDiGraph, mode: str = "way_in") -> dict[str, list[tuple[str, str]]]:
    """Undirected company-relation adjacency: node → [(neighbour, relation type)]."""
    adjacency: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for u, v, k in g.edges(keys=True):
        if k in COMPANY_RELATION_TYPES and _both_companies(g, u, v):
            if mode == "way_in" and not way_in(k, _anchor(g, u), _anchor(g, v)):
                continue
            adjacency[u].append((v, k))
            adjacency[v].append((u, k))
    for neighbours in adjacency.values():
        neighbours.sort()  # deterministic BFS order
    return adjacency


def _both_companies(g: nx.MultiDiGraph, u: str, v: str) -> bool:
    # (:Region)-[:PARTNERS_WITH]->(:Company) shares its type with company relations.
    return bool(g.nodes[u]["label"] == "Company" == g.nodes[v]["label"])


def _anchor(g: nx.MultiDiGraph, key: str) -> bool:
    return bool(g.nodes[key]["is_local"] or g.nodes[key]["is_partner"])


def find_channels(g: nx.MultiDiGraph, max_hops: int, mode: str = "way_in") -> dict[str, Channel]:
    """The nearest local firm or strategic partner of every company (multi-source BFS).

    ``mode`` "way_in" walks only relations that are a way in (``way_in``); "any" walks all.
    """
    adjacency = _company_adjacency(g, mode)
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


def pipeline_stages(g: nx.MultiDiGraph) -> dict[str, str]:
    """The most advanced pipeline stage of each company that has projects."""
    stages: dict[str, str] = {}
    for u, v, k in g.edges(keys=True):
        if k == "BY":
            stage = g.nodes[u]["stage"]
            if v not in stages or PROJECT_STAGES.index(stage) > PROJECT_STAGES.index(stages[v]):
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
    for seg in segments:
        for need in (ctx.needs or {}).get(g.nodes[seg]["id"], ()):
            relation = max(relation, pull.anchor_need)
            note = f"（{need['note']}）" if need["note"] else ""
            reasons.append(f"以商招商：本地链主「{need['company_name']}」外购「{g.nodes[seg]['name']}」{note}")
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


def intent_component(
    signals: list[dict[str, Any]], today: date, settings: RankSettings,
) -> tuple[float, list[str]]:
    """Who is moving now: each signal counts its kind's weight halved every half-life of age.

    Noisy-or over the signals (a second signal adds, never subtracts); signals dated after
    ``today`` are not known yet and are left out.
    """
    intent = settings.intent
    remaining, reasons = 1.0, []
    for signal in signals:  # newest first (graph._add_signals_and_needs)
        age = (today - signal["date"]).days
        if age < 0:
            continue
        value = intent.kinds.get(signal["kind"], 0.0) * 0.5 ** (age / intent.half_life_days)
        remaining *= 1.0 - value
        note = f"：{signal['note']}" if signal["note"] else ""
        reasons.append(f"近期动向：{signal['date'].isoformat()} {signal['kind']}{note}"
                       f"（{age} 天前，计 {value:.2f}；来源：{signal['source']}）")
    if not reasons:
        reasons.append("近期动向：数据中没有融资、扩产、新设基地等公开动向")
    return 1.0 - remaining, reasons


def _footprint(g: nx.MultiDiGraph, key: str, home: str, neighbours: Collection[str]) -> tuple[str | None, str]:
    """The closest place the company already is: its seat, a subsidiary or a firm it invests in."""
    company = g.nodes[key]
    places = [(company["province"], f"总部/注册地在{company['province']}")]
    for u, _v, k in g.in_edges(key, keys=True):
        if k == "SUBSIDIARY_OF" and g.nodes[u]["label"] == "Company":
            places.append((g.nodes[u]["province"], f"子公司「{g.nodes[u]['name']}」在{g.nodes[u]['province']}"))
    for _u, v, k in g.out_edges(key, keys=True):
        if k == "INVESTS_IN" and g.nodes[v]["label"] == "Company":
            places.append((g.nodes[v]["province"], f"投资的「{g.nodes[v]['name']}」在{g.nodes[v]['province']}"))
    for level in ("same_province", "neighbour_province"):
        for province, why in sorted(places):
            if province and (province == home if level == "same_province" else province in neighbours):
                return level, why
    return None, ""


def attainability_component(
    g: nx.MultiDiGraph, key: str, home: str, settings: RankSettings,
) -> tuple[float, list[str]]:
    """How likely the firm is to set up here (招得来): footprint, size, specialist (README)."""
    att = settings.attainability
    company = g.nodes[key]
    parts: list[tuple[float, float]] = []
    reasons: list[str] = []
    level, why = _footprint(g, key, home, settings.geography.neighbours)
    parts.append((att.footprint_part, att.footprint.get(level, 0.0) if level else 0.0))
    if level == "same_province":
        reasons.append(f"招得来：已在本省有落脚点（{why}）")
    elif level == "neighbour_province":
        reasons.append(f"招得来：已在邻省有落脚点（{why}）")
    else:
        reasons.append("招得来：本省及邻省都没有已知的落脚点")
    is_subsidiary = any(k == "SUBSIDIARY_OF" for _u, _v, k in g.out_edges(key, keys=True))
    scale = company["scale"]
    if company["ownership"] == "central_soe" and scale == "large" and not is_subsidiary:
        parts.append((att.size_part, att.central_soe_headquarters))
        reasons.append("招得来：央企集团总部，整体迁入少见，宜对接其子公司或具体项目")
    elif scale in att.size:
        parts.append((att.size_part, att.size[scale]))
        sub = "（子公司，项目可独立决策）" if is_subsidiary else ""
        reasons.append(f"招得来：{SCALE_LABELS[scale]}企业{sub}，计 {att.size[scale]:.1f}")
    else:
        reasons.append("招得来：规模未知，不计入")
    specialist = max((att.specialist[t] for t in company["tags"] if t in att.specialist), default=0.0)
    parts.append((att.specialist_part, specialist))
    tags = [t for t in company["tags"] if t in att.specialist]
    if tags:
        reasons.append(f"招得来：{'、'.join(tags)}，成长型专精企业常在外地新设产线")
    total = sum(w for w, _v in parts)
    return (sum(w * v for w, v in parts) / total if total else 0.0), reasons


def company_kind(company: dict[str, Any]) -> str:
    """target, deepen (an existing strategic partner) or platform (university, institute, fund)."""
    if company["ownership"] in PLATFORM_OWNERSHIPS:
        return "platform"
    return "deepen" if company["is_partner"] else "target"


def points_of(score: float, settings: RankSettings) -> int:
    """The 0–100 score: the weighted sum over the sum of the weights."""
    total = sum(settings.weights.model_dump().values())
    return round(100 * score / total) if total else 0


def tier_of(points: float, tiers: TierSettings) -> str:
    return "A" if points >= tiers.a else "B" if points >= tiers.b else "C"


def channel_usage(channel: Channel, prospect: str) -> str:
    """How the team would use a channel: who introduces whom, starting from the district's side."""
    names = list(reversed(channel.path))  # target … prospect
    kinds = list(reversed(channel.relations))
    steps = [f"请{channel.target_kind}「{names[0]}」"]
    for i in range(1, len(names)):
        link = RELATION_LABELS.get(kinds[i - 1], kinds[i - 1])
        steps.append(f"凭{link}关系引荐「{names[i]}」")
    return "用法：" + "，".join(steps) + f"；由此约见「{prospect}」的决策人。"


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
    gaps: dict[str, SegmentDiagnosis]  # the gaps this ranking lists candidates for, by segment id
    feeds: dict[str, list[tuple[str, str]]]  # segment key → the FEEDS edges touching it, sorted
    channels: dict[str, Channel]
    home: str  # the region's province
    # Every gap (a filter chooses candidates, never changes their score), by segment id.
    all_gaps: dict[str, SegmentDiagnosis] | None = None
    signals: dict[str, list[dict[str, Any]]] | None = None  # company id → signals, newest first
    needs: dict[str, list[dict[str, Any]]] | None = None  # segment id → anchor needs
    today: date | None = None  # the day intent ages signals to
    placements: dict[str, Placement] | None = None  # company id → its list (chainkg.analysis.placement)


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


def as_of(g: nx.MultiDiGraph, today: date | None) -> date:
    """The day signals age to: the given one, else the data's as-of date, else the clock's."""
    return today or g.graph.get("as_of") or date.today()


def prepare(
    g: nx.MultiDiGraph, diagnosis: list[SegmentDiagnosis], settings: RankSettings,
    flt: RankFilter | None = None, today: date | None = None,
) -> RankContext:
    """The shared inputs of ``score_company`` for one ranking."""
    return RankContext(
        status={d.segment_id: d for d in diagnosis},
        gaps=gap_segments(diagnosis, flt or RankFilter()),
        feeds=feed_edges(g),
        channels=find_channels(g, settings.max_hops, settings.channels),
        home=g.nodes[g.graph["region"]]["province"],
        all_gaps=gap_segments(diagnosis, RankFilter()),
        signals=g.graph.get("signals", {}), needs=g.graph.get("anchor_needs", {}), today=as_of(g, today),
        placements=graph_placements(g, gap_segments(diagnosis, RankFilter())),
    )


def score_company(
    g: nx.MultiDiGraph, key: str, ctx: RankContext, settings: RankSettings,
) -> tuple[dict[str, Component], list[str]]:
    """Every component of one company's score, and the gap segments it fills."""
    company = g.nodes[key]
    segments = sorted(v for _u, v, k in g.out_edges(key, keys=True) if k == "OPERATES_IN")
    roles = {v: g.edges[key, v, "OPERATES_IN"].get("role", "core") for v in segments}
    gaps = ctx.all_gaps if ctx.all_gaps is not None else ctx.gaps
    fills = [(gaps[g.nodes[s]["id"]], roles[s]) for s in segments if g.nodes[s]["id"] in gaps]
    w = settings.weights
    today = ctx.today or as_of(g, None)
    values = {
        "gap_fit": _gap_fit(g, fills, settings),
        "capability": capability_component(company, settings),
        "chain_pull": _chain_pull(g, key, segments, ctx, settings),
        "partner_proximity": _proximity(key, company, ctx.channels),
        "geography": geography_component(company, ctx.home, settings),
        "intent": intent_component((ctx.signals or {}).get(company["id"], []), today, settings),
        "attainability": attainability_component(g, key, ctx.home, settings),
    }
    components = {
        name: Component(value=round(value, 4), weight=getattr(w, name), reasons=reasons)
        for name, (value, reasons) in values.items()
    }
    return components, sorted(d.segment_id for d, _r in fills)


def score_of(components: dict[str, Component]) -> float:
    """The weighted sum of a prospect's (rounded) components; ``Prospect.score`` is it rounded to 4 places."""
    return sum(c.value * c.weight for c in components.values())


def primary_gap(fills: list[str], gaps: dict[str, SegmentDiagnosis], roles: dict[str, str],
                settings: RankSettings) -> str | None:
    """The gap of ``gaps`` a company fills best: highest severity × role fit, ties by segment id."""
    best = [(-gaps[s].severity * settings.role_fit.get(roles.get(s, "core"), 0.0), s) for s in fills if s in gaps]
    return min(best)[1] if best else None


def _latest_signal(company_id: str, ctx: RankContext) -> dict[str, Any] | None:
    """The newest signal known on the ranking's day (signals are stored newest first)."""
    today = ctx.today or date.today()
    return next((s for s in (ctx.signals or {}).get(company_id, ()) if s["date"] <= today), None)


def headline(prospect: Prospect, ctx: RankContext) -> str:
    """One sentence a leader reads: the gap it closes, and why now or through whom."""
    parts = []
    if prospect.primary_gap is not None:
        diag = ctx.status[prospect.primary_gap]
        verb = "强" if diag.status == "weak" else "补"
        parts.append(f"{verb}{diag.chain}「{diag.segment}」{diag.status_label}")
    pull = prospect.details["chain_pull"].reasons
    need = next((r for r in pull if r.startswith("以商招商")), None)
    intent = prospect.details["intent"]
    if need:
        parts.append(need.split("（")[0])
    elif intent.value > 0 and (signal := _latest_signal(prospect.company_id, ctx)) is not None:
        parts.append(f"近期动向 {signal['date'].isoformat()} {signal['kind']}")
    elif prospect.kind == "deepen":
        parts.append("已是战略伙伴，可深化合作")
    elif prospect.components["partner_proximity"] > 0 and (
            channel := ctx.channels.get(node_id("Company", prospect.company_id))) is not None and channel.hops > 0:
        parts.append(f"可经{channel.target_kind}「{channel.target}」引荐")
    return "；".join(parts)


def platform_connects(g: nx.MultiDiGraph, key: str) -> list[str]:
    """What a platform connects to: its relations, local firms and partners first."""
    lines = []
    for u, v, k in sorted([*g.out_edges(key, keys=True), *g.in_edges(key, keys=True)]):
        if k in RELATION_LABELS and _both_companies(g, u, v):
            other = v if u == key else u
            mark = "本地" if g.nodes[other]["is_local"] else "伙伴" if g.nodes[other]["is_partner"] else "外地"
            lines.append((0 if mark != "外地" else 1, f"{RELATION_LABELS[k]}：{g.nodes[other]['name']}（{mark}）"))
    return [text for _o, text in sorted(lines)]


def select_variety(prospects: list[Prospect], per_gap: int) -> list[Prospect]:
    """Best first, at most ``per_gap`` firms per primary gap (the rest stay in ``--flat``)."""
    taken: dict[str | None, int] = defaultdict(int)
    kept = []
    for p in prospects:
        if taken[p.primary_gap] < per_gap:
            taken[p.primary_gap] += 1
            kept.append(p)
    return kept


def filter_values(values: Collection[str] | None) -> list[str] | None:
    """Split comma lists from the CLI: ["a,b", "c"] → ["a", "b", "c"]; empty → None."""
    if not values:
        return None
    return [part.strip() for v in values for part in v.split(",") if part.strip()]
