"""Scoring settings (graph_data/scoring.yaml): every weight the diagnosis and ranking use.

The defaults below are the documented ones (README, "Scoring"); a data set may override
any subset in its own scoring.yaml. Unknown keys are errors, so a typo cannot silently
leave a default in force.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DiagnosisSettings", "RankSettings", "Scoring", "SeveritySettings"]

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
    gap_fit: NonNegative = 0.40
    capability: NonNegative = 0.20
    chain_pull: NonNegative = 0.20
    partner_proximity: NonNegative = 0.10
    geography: NonNegative = 0.10


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


class GeographySettings(_Settings):
    same_province: Unit = 1.0
    neighbour_province: Unit = 0.6
    # Provinces next to the region's (河南省 by default data); edit for another region.
    neighbours: tuple[str, ...] = ("河北省", "山西省", "山东省", "安徽省", "湖北省", "陕西省")


class RankSettings(_Settings):
    weights: ComponentWeights = ComponentWeights()
    role_fit: dict[str, Unit] = {"core": 1.0, "secondary": 0.6}
    capability: CapabilitySettings = CapabilitySettings()
    chain_pull: ChainPullSettings = ChainPullSettings()
    max_hops: Annotated[int, Field(ge=1, le=6)] = 3
    geography: GeographySettings = GeographySettings()


class Scoring(_Settings):
    """All settings; ``Scoring()`` is the documented default."""

    diagnosis: DiagnosisSettings = DiagnosisSettings()
    rank: RankSettings = RankSettings()
