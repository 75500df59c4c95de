"""Scoring settings (graph_data/scoring.yaml): every weight the diagnosis and ranking use.

The defaults below are the documented ones (README, "Scoring"); a data set may override
any subset in its own scoring.yaml. Unknown keys are errors, so a typo cannot silently
leave a default in force.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "LEGACY_RANK",
    "AttainabilitySettings",
    "DiagnosisSettings",
    "IntentSettings",
    "RankSettings",
    "Scoring",
    "SeveritySettings",
    "TierSettings",
]

NonNegative = Annotated[float, Field(ge=0)]
Unit = Annotated[float, Field(ge=0, le=1)]


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SeveritySettings(_Settings):
    """severity = status_factor × (weight·w + priority·p + dependence·d) — see the README."""

    segment_weight: NonNegative = 0.45
    chain_priority: NonNegative = 0.35
    dependence: NonNegative = 0.20
    # d / (d + half): this many dependent local firms give half the dependence term.
    dependence_half: Annotated[float, Field(gt=0)] = 3.0
    broken: Unit = 1.0
    missing: Unit = 0.8
    # A weak segment scales from weak_max (almost no strength) down to weak_min (at threshold).
    weak_max: Unit = 0.6
    weak_min: Unit = 0.3


class DiagnosisSettings(_Settings):
    """How local presence turns into strength and status."""

    role: dict[str, NonNegative] = {"core": 1.0, "secondary": 0.5}
    scale: dict[str, NonNegative] = {
        "large": 1.0, "medium": 0.6, "small": 0.3, "micro": 0.1, "unknown": 0.3,
    }
    strong_threshold: Annotated[float, Field(gt=0)] = 1.0
    severity: SeveritySettings = SeveritySettings()


class ComponentWeights(_Settings):
    """Weights of the components; the reasoning behind each is in README "Scoring"."""

    gap_fit: NonNegative = 0.30
    capability: NonNegative = 0.10
    chain_pull: NonNegative = 0.15
    partner_proximity: NonNegative = 0.10
    geography: NonNegative = 0.05
    intent: NonNegative = 0.15
    attainability: NonNegative = 0.15


class CapabilitySettings(_Settings):
    """capability = weighted mean of the signals known for a company (unknown ones drop out)."""

    scale_part: NonNegative = 0.40
    listed_part: NonNegative = 0.25
    tags_part: NonNegative = 0.25
    ownership_part: NonNegative = 0.10
    scale: dict[str, Unit] = {"large": 1.0, "medium": 0.7, "small": 0.4, "micro": 0.2}
    tags: dict[str, Unit] = {
        "小巨人": 1.0, "独角兽": 1.0, "专精特新": 0.7, "高新技术企业": 0.4,
    }
    ownership: dict[str, Unit] = {
        "central_soe": 1.0, "local_soe": 0.7, "private": 0.8, "foreign": 0.8, "mixed": 0.8,
        "institute": 0.6, "university": 0.5, "fund": 0.4,
    }


class ChainPullSettings(_Settings):
    supply_relation: Unit = 1.0  # it supplies a local firm, or buys from one
    other_relation: Unit = 0.6  # partners / cooperates / invests / subsidiary with a local firm
    strong_neighbour: NonNegative = 1.0  # a FEEDS neighbour segment that is 强链
    weak_neighbour: NonNegative = 0.5  # a FEEDS neighbour segment that is 弱链
    anchor_need: Unit = 1.0  # a local anchor buys this company's segment from outside (anchor_needs.csv)


class GeographySettings(_Settings):
    same_province: Unit = 1.0
    neighbour_province: Unit = 0.6
    # Provinces next to the region's (河南省 by default data); edit for another region.
    neighbours: tuple[str, ...] = ("河北省", "山西省", "山东省", "安徽省", "湖北省", "陕西省")


class IntentSettings(_Settings):
    """intent = 1 − Π(1 − kind weight × 0.5^(age / half_life)) over a company's signals."""

    half_life_days: Annotated[float, Field(gt=0)] = 365.0
    kinds: dict[str, Unit] = {
        "扩产": 1.0, "新设基地": 1.0, "上市募投": 0.8, "对外投资": 0.8, "融资": 0.6, "招聘扩张": 0.4,
    }


class AttainabilitySettings(_Settings):
    """attainability (招得来) = weighted mean of footprint, size and specialist (see README)."""

    footprint_part: NonNegative = 0.40
    size_part: NonNegative = 0.40
    specialist_part: NonNegative = 0.20
    # Its own seat or a subsidiary / investee already in the province, or in a neighbouring one.
    footprint: dict[str, Unit] = {"same_province": 1.0, "neighbour_province": 0.6}
    # Relative to a district: a mid-sized firm's next plant is within reach, a giant's is rarer.
    size: dict[str, Unit] = {"large": 0.5, "medium": 0.8, "small": 1.0, "micro": 0.7}
    central_soe_headquarters: Unit = 0.2  # a large central SOE that is no one's subsidiary
    specialist: dict[str, Unit] = {"小巨人": 1.0, "专精特新": 0.8, "独角兽": 0.6}


class TierSettings(_Settings):
    """Tiers on the 0–100 score: A 重点对接 ≥ a, B 跟踪 ≥ b, else C 储备."""

    a: Annotated[float, Field(ge=0, le=100)] = 55.0
    b: Annotated[float, Field(ge=0, le=100)] = 40.0


class RankSettings(_Settings):
    weights: ComponentWeights = ComponentWeights()
    role_fit: dict[str, Unit] = {"core": 1.0, "secondary": 0.6}
    capability: CapabilitySettings = CapabilitySettings()
    chain_pull: ChainPullSettings = ChainPullSettings()
    max_hops: Annotated[int, Field(ge=1, le=6)] = 3
    # way_in: supplier/customer links only next to a local firm or partner; any: every relation.
    channels: Literal["way_in", "any"] = "way_in"
    geography: GeographySettings = GeographySettings()
    intent: IntentSettings = IntentSettings()
    attainability: AttainabilitySettings = AttainabilitySettings()
    tiers: TierSettings = TierSettings()
    per_gap: Annotated[int, Field(ge=1)] = 3  # default list: the best few per most severe gap


# The ranking before issue #11 (five components, any relation as a channel, no anchor
# needs): what ``chainkg evaluate`` compares the current settings with.
LEGACY_RANK = RankSettings(
    weights=ComponentWeights(gap_fit=0.40, capability=0.20, chain_pull=0.20, partner_proximity=0.10,
                             geography=0.10, intent=0.0, attainability=0.0),
    chain_pull=ChainPullSettings(anchor_need=0.0), channels="any",
)


class Scoring(_Settings):
    """All settings; ``Scoring()`` is the documented default."""

    diagnosis: DiagnosisSettings = DiagnosisSettings()
    rank: RankSettings = RankSettings()
