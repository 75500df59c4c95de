"""What a ranking gives: prospects with their components, channels, filters, and the label tables.

Components: the five base ones the Neo4j backend also computes (``COMPONENTS``: gap_fit,
capability, chain_pull, partner_proximity, geography) and issue #11's intent (signals.csv)
and attainability (``SHORTLIST_COMPONENTS``). Each prospect has a kind (target / deepen /
platform), a primary gap (what ``per_gap`` variety counts) and one headline. The labels are
the Chinese words every output uses.
"""

from __future__ import annotations

from pydantic import BaseModel

from chainkg.analysis.placement import KIND_NAMES

__all__ = [
    "COMPONENTS",
    "COMPONENT_LABELS",
    "KIND_LABELS",
    "LANDED_STAGES",
    "OWNERSHIP_LABELS",
    "RELATION_LABELS",
    "SCALE_LABELS",
    "SHORTLIST_COMPONENTS",
    "STAGE_LABELS",
    "SUPPLY_TYPES",
    "TIER_LABELS",
    "WAY_IN_TYPES",
    "Channel",
    "Component",
    "Prospect",
    "RankFilter",
]

# The five base components, which the Neo4j backend also computes (chainkg.graphdb.backend);
# SHORTLIST_COMPONENTS adds issue #11's, computed by the embedded path only (README "Back-end parity").
COMPONENTS = ("gap_fit", "capability", "chain_pull", "partner_proximity", "geography")
SHORTLIST_COMPONENTS = (*COMPONENTS, "intent", "attainability")
COMPONENT_LABELS = {
    "gap_fit": "补链契合", "capability": "企业实力", "chain_pull": "链主带动",
    "partner_proximity": "对接渠道", "geography": "地缘", "intent": "近期动向", "attainability": "招得来",
}
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
