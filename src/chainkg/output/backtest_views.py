"""Views of the back-test (`chainkg evaluate`): a summary per method and a row per engaged firm."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from chainkg.analysis.backtest import BacktestReport, LandingCounts, LandingInfo
from chainkg.analysis.landings import STATUS_LABELS
from chainkg.analysis.prospects import STAGE_LABELS

__all__ = ["CASE_HEADERS", "LANDING_HEADERS", "backtest_tables", "case_rows", "headers"]

CASE_HEADERS = ["方法", "企业id", "企业", "招商进度", "名次", "候选数", "百分位"]
LANDING_HEADERS = ["方法", "行", "企业id", "企业", "落地日期", "回放日期", "环节", "状态", "名次", "候选数",
                   "百分位", "近期动向", "环节是其缺口", "来源"]


def _summary_table(report: BacktestReport) -> Table:
    title = (f"回测：本区实际对接的 {report.engaged} 家外地企业，在去掉对接记录后排第几（百分位越小越好）"
             if report.landings is None else
             f"回测：{report.engaged} 条真实落地，按落地前一天的数据、去掉该企业的对接记录后排第几（百分位越小越好）")
    table = Table(title=title, caption=None if report.landings is None else _status_counts(report.landings))
    table.add_column("方法")
    table.add_column("百分位中位数", justify="right")
    table.add_column("前 5% 命中", justify="right")
    table.add_column("前 10% 命中", justify="right")
    table.add_column("进入排序", justify="right")
    for m in report.methods:
        table.add_row(m.label, f"{m.median_percentile:.1f}", f"{m.top5_hits:g}/{report.engaged}",
                      f"{m.top10_hits:g}/{report.engaged}", f"{m.ranked}/{report.engaged}")
    return table


def _status_counts(counts: LandingCounts) -> str:
    parts = [f"{label} {getattr(counts, s)}" for s, label in STATUS_LABELS.items() if getattr(counts, s)]
    parts.append(f"进入排序的 {counts.ranked} 家中近期动向得分大于 0 的 {counts.with_intent} 家")
    if counts.segment_given:
        parts.append(f"所列环节是其当时填补的缺口 {counts.segment_filled}/{counts.segment_given}")
    return "；".join(parts)


def _landing_cell(landing: LandingInfo) -> str:
    """Date, status and, when ranked, its intent and whether it fills the file's segment."""
    lines = [landing.date, f"[dim]{STATUS_LABELS[landing.status]}[/]"]
    if landing.intent is not None:
        lines.append(f"[dim]近期动向 {landing.intent:g}[/]")
    if landing.segment_filled is not None:
        lines.append(f"[dim]所列环节{'是' if landing.segment_filled else '不是'}其填补的缺口[/]")
    return "\n".join(lines)


def _cases_table(report: BacktestReport) -> Table:
    by_method = {m.method: m for m in report.methods}
    ranking, legacy, capability = by_method["ranking"], by_method["legacy"], by_method["capability"]
    table = Table(title="逐家企业（名次为并列时取中间位置；未进入排序 = 不填补任何缺口）")
    second = "招商进度" if report.landings is None else "落地日期 / 状态"
    for header in ("企业", second, "新排序名次", "百分位", "旧排序名次", "百分位", "只按实力名次", "百分位"):
        table.add_column(header, justify="left" if header in ("企业", second) else "right")
    for ours, old, theirs in zip(ranking.cases, legacy.cases, capability.cases, strict=True):
        landing = ours.landing
        table.add_row(f"{ours.company}\n[dim]{ours.company_id or '—'}[/]",
                      STAGE_LABELS[ours.stage] if landing is None
                      else _landing_cell(landing),
                      _place(ours.position, ours.candidates), f"{ours.percentile:.1f}",
                      _place(old.position, old.candidates), f"{old.percentile:.1f}",
                      _place(theirs.position, theirs.candidates), f"{theirs.percentile:.1f}")
    return table


def _yes_no(value: bool | None) -> str:
    return "" if value is None else "是" if value else "否"


def _place(position: float | None, candidates: int) -> str:
    return "未进入排序" if position is None else f"{position:g}/{candidates}"


def backtest_tables(report: BacktestReport) -> list[Table]:
    """The summary per method, then one row per engaged firm."""
    return [_summary_table(report), _cases_table(report)]


def headers(report: BacktestReport) -> list[str]:
    """The CSV header of ``case_rows``: CASE_HEADERS, or LANDING_HEADERS for a landings file."""
    return CASE_HEADERS if report.landings is None else LANDING_HEADERS


def case_rows(report: BacktestReport) -> list[list[Any]]:
    """Rows for ``headers(report)``: every method's position of every engaged (or landed) firm."""
    if report.landings is not None:
        return [
            [m.label, c.landing.line, c.company_id, c.company, c.landing.date, c.landing.replayed.isoformat(),
             c.landing.segment_id or "", STATUS_LABELS[c.landing.status],
             "" if c.position is None else c.position, c.candidates, c.percentile,
             "" if c.landing.intent is None else c.landing.intent, _yes_no(c.landing.segment_filled),
             c.landing.source]
            for m in report.methods for c in m.cases if c.landing is not None
        ]
    return [
        [m.label, c.company_id, c.company, STAGE_LABELS[c.stage],
         "" if c.position is None else c.position, c.candidates, c.percentile]
        for m in report.methods for c in m.cases
    ]
