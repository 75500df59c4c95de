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

from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx
from pydantic import BaseModel

from chainkg.analysis.diagnosis import GAP_STATUSES, SegmentDiagnosis
from chainkg.analysis.placement import KIND_NAMES, Placement
from chainkg.graph.taxonomy import node_id
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
    "capability_component",
    "channel_usage",
    "company_kind",
    "feed_edges",
    "gap_reasons",
    "gap_segments",
    "geography_component",
    "points_of",
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


def score_of(components: dict[str, Component]) -> float:
    """The weighted sum of a prospect's (rounded) components; ``Prospect.score`` is it rounded to 4 places."""
    return sum(c.value * c.weight for c in components.values())


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


def filter_values(values: Collection[str] | None) -> list[str] | None:
    """Split comma lists from the CLI: ["a,b", "c"] → ["a", "b", "c"]; empty → None."""
    if not values:
        return None
    return [part.strip() for v in values for part in v.split(",") if part.strip()]
