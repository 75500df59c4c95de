"""Component values with their reasons where both engines share them: capability and geography
(one company's fields), and the 补链/强链 sentences of a filled gap. The embedded ranking takes
their reasons (its values are pool_rank's columns); the Neo4j backend (chainkg.graphdb.backend)
both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chainkg.analysis.diagnosis import SegmentDiagnosis
from chainkg.analysis.prospects import OWNERSHIP_LABELS, SCALE_LABELS
from chainkg.model.scoring import RankSettings

__all__ = ["capability_component", "gap_reasons", "geography_component"]


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
    """Scale, listing, qualifications and ownership: a weighted mean of what is known."""
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


def geography_component(company: dict[str, Any], home: str, settings: RankSettings) -> tuple[float, list[str]]:
    """Same province, a neighbour province, or farther."""
    province = company["province"]
    geo = settings.geography
    if not province:
        return 0.0, ["地缘：省份未知"]
    if province == home:
        return geo.same_province, [f"地缘：同省（{province}）"]
    if province in geo.neighbours:
        return geo.neighbour_province, [f"地缘：邻省（{province}）"]
    return 0.0, [f"地缘：外省（{province}）"]
