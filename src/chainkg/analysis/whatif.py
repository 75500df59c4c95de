"""What-if: how the diagnosis changes if some outside companies landed in the district."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

from chainkg.analysis.diagnosis import STATUS_LABELS, SegmentDiagnosis, diagnose
from chainkg.model.errors import NotFoundError
from chainkg.model.scoring import DiagnosisSettings

if TYPE_CHECKING:
    from chainkg.graph.pool_graph import PoolGraph

__all__ = ["ChainCompleteness", "SegmentChange", "WhatIf", "what_if"]


class SegmentChange(BaseModel):
    """One segment whose status or severity the landing would change."""

    segment_id: str
    segment: str
    chain: str
    status_before: str
    status_after: str
    severity_before: float
    severity_after: float
    change: str  # 补链 / 强链 / 断链修复 / 严重度下降 …


class ChainCompleteness(BaseModel):
    """How many of a chain's segments the district can supply locally (强链 or 弱链)."""

    chain_id: str
    chain: str
    segments: int
    before: int
    after: int


class WhatIf(BaseModel):
    """The landing's effect: changed segments, chain completeness, the severity removed in total."""

    companies: list[str]
    changes: list[SegmentChange]
    names: list[str] = []  # the companies' Chinese names
    chains: list[ChainCompleteness] = []
    gaps_closed: int
    turned_strong: int
    severity_before: float
    severity_after: float
    severity_removed: float


LOCAL_STATUSES = ("strong", "weak")  # the district can supply the segment locally


def _describe(before: SegmentDiagnosis, after: SegmentDiagnosis) -> str:
    if before.status in ("missing", "broken") and after.status == "strong":
        return f"补链并成为强链（{STATUS_LABELS[before.status]}→强链）"
    if before.status in ("missing", "broken") and after.status == "weak":
        return f"补链（{STATUS_LABELS[before.status]}→弱链）"
    if before.status == "weak" and after.status == "strong":
        return "强链（弱链→强链）"
    if before.status == "broken" and after.status == "missing":
        return "断链变缺链（上下游不再被切断）"
    if before.status != after.status:
        return f"{STATUS_LABELS[before.status]}→{STATUS_LABELS[after.status]}"
    if after.severity > before.severity:
        return "缺口更紧迫（下游依赖它的本地企业增加）"
    return "严重度下降（本地强度提高）"


def what_if(
    pg: PoolGraph, company_ids: list[str], settings: DiagnosisSettings | None = None,
) -> WhatIf:
    """Diagnose again with these companies counted as local (a flag on the company table);
    report the differences."""
    names = pg.company_names(company_ids)
    for company_id in company_ids:
        if company_id not in names:
            raise NotFoundError(f"企业「{company_id}」不存在（见 companies.csv 的 id 列）")
    before = {d.segment_id: d for d in diagnose(pg, settings)}
    after = {d.segment_id: d for d in diagnose(pg.landed(company_ids), settings)}
    changes = [
        SegmentChange(
            segment_id=s, segment=b.segment, chain=b.chain, status_before=b.status,
            status_after=after[s].status, severity_before=b.severity,
            severity_after=after[s].severity, change=_describe(b, after[s]),
        )
        for s, b in before.items()
        if b.status != after[s].status or b.severity != after[s].severity
    ]
    changes.sort(key=lambda c: (c.severity_after - c.severity_before, c.segment_id))
    chains = []
    for chain_id in sorted({before[c.segment_id].chain_id for c in changes}):
        rows = [s for s, d in before.items() if d.chain_id == chain_id]
        chains.append(ChainCompleteness(
            chain_id=chain_id, chain=before[rows[0]].chain, segments=len(rows),
            before=sum(1 for s in rows if before[s].status in LOCAL_STATUSES),
            after=sum(1 for s in rows if after[s].status in LOCAL_STATUSES)))
    total_before = round(sum(d.severity for d in before.values()), 4)
    total_after = round(sum(d.severity for d in after.values()), 4)
    return WhatIf(
        companies=company_ids, changes=changes, chains=chains, names=[names[c] for c in company_ids],
        gaps_closed=sum(1 for c in changes if c.status_before in ("missing", "broken")
                        and c.status_after in ("weak", "strong")),
        turned_strong=sum(1 for c in changes if c.status_after == "strong"
                          and c.status_before != "strong"),
        severity_before=total_before, severity_after=total_after,
        severity_removed=round(total_before - total_after, 4),
    )
