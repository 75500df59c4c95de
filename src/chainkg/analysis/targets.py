"""Progress against a quantified target, by kind of target: the maths of the report's 年度目标.

A target's ``kind`` says what its number measures, and so how progress is counted; for a
``level`` or ``count`` its ``period`` says how the actual accumulates:

========================  ==========================================================================
kind · period             completion (完成进度) and time elapsed (时间进度/序时进度)
========================  ==========================================================================
level/count · ytd         actual / target; the year runs 1 January → 31 December of ``year``
                          (GDP, 完成投资, 新签约项目, 城镇新增就业: values reported 1–N月 累计)
level/count · cumulative  actual / target; the period runs from 1 January after ``baseline_year``
                          to 31 December of ``year`` (a “十四五”累计 total)
level/count · point       (actual − baseline) / (target − baseline), the period running from the end
                          of ``baseline_year``; without a baseline actual / target (达成率), no pace
                          (高新技术企业总数, 2025年经济总量: a value at a date)
growth                    no ratio: the rate is compared with the target rate (8.2 % against 7 % is
                          reached); the gap is in 个百分点
share                     like a point level, in 个百分点: from the baseline when there is one,
                          else compared with the target directly
========================  ==========================================================================

The baseline of a ``ytd`` or ``cumulative`` target (last year's total) is context, not the start:
progress always runs from 0. An empty ``kind`` is read from the unit when that is unambiguous
(个/家/人/万人… → count, 亿元/万元/元 → level; % may be a growth rate or a share, so it stays
empty: chainkg.model.target_kinds, which the data checks share); a target whose kind, or whose
level/count period, is still unknown is only compared with its value — no ratio and no time
check, rather than a guessed one.

Time elapsed counts months: a month-end date completes its month, another date counts the days
of its month so far; 30 June is half a year (时间过半).

Status: ✓ 已达成 when the comparison holds at the as-of date; ✗ 未达成 once the target's year is
over (at the report date) without it; otherwise, where time elapsed is known, … 进度正常 when
completion keeps up with it, ⚠ 时间过半任务未过半 when half the time is gone and not half the
task, ⚠ 进度滞后 when it lags in another way; a growth rate or share short of its target is
⚠ 进度滞后 too; other targets, without a pace, are … 进行中. A cap on a running total (``<=``
with ytd/cumulative) is reached only when its period is over, is 未达成 as soon as it is
exceeded, and lags when it is used up faster than time. Completion is kept raw; it is shown
clamped to 0–100 %, with the note giving the raw value when it lies outside.

The three figures issue #19 found wrong (baseline 698, target 800 亿元; growth targets of 11 %
with baselines 11.6 % and 11.5 %):

>>> from chainkg.model.records import Target
>>> jun30, jul15 = date(2022, 6, 30), date(2022, 7, 15)
>>> gdp = Target(id="gdp", name="GDP", metric="gdp", value=800, unit="亿元", year=2022, comparison=">=",
...              baseline=698, baseline_year=2021, kind="level", period="ytd", source="s")
>>> a = assess(gdp, 402, jun30, jul15)
>>> (a.progress, a.expected, a.status, a.note)
(0.5025, 0.5, 'on_track', '时间进度50%，完成进度50.3%：时间过半、任务过半')
>>> iva = Target(id="iva", name="规上工业增加值增长11%", metric="m", value=11, unit="%", year=2022,
...              baseline=11.6, baseline_year=2021, kind="growth", source="s")
>>> a = assess(iva, 8.2, jun30, jul15)
>>> (a.progress, a.gap, a.gap_unit, a.status, a.note)
(None, 2.8, '个百分点', 'lagging', '增速8.2%，低于目标11%，差2.8个百分点')
>>> fai = iva.model_copy(update={"baseline": 11.5})
>>> a = assess(fai, 13.1, jun30, jul15)
>>> (a.progress, a.gap, a.status, a.note)
(None, 0.0, 'reached', '增速13.1%，高于目标11%（超出2.1个百分点）')
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

from chainkg.model.records import Target
from chainkg.model.target_kinds import kind_of, period_start

__all__ = [
    "COMPARISON_LABELS",
    "KIND_LABELS",
    "PERIOD_LABELS",
    "TARGET_STATUS_LABELS",
    "Assessment",
    "TargetStatus",
    "assess",
    "elapsed_share",
]

TargetStatus = Literal["reached", "on_track", "half_lagging", "lagging", "open", "behind", "no_data"]
TARGET_STATUS_LABELS: dict[str, str] = {
    "reached": "✓ 已达成", "on_track": "… 进度正常", "half_lagging": "⚠ 时间过半任务未过半",
    "lagging": "⚠ 进度滞后", "open": "… 进行中", "behind": "✗ 未达成", "no_data": "— 无数据",
}
COMPARISON_LABELS = {">=": "不低于", "<=": "不高于", "=": "达到"}
KIND_LABELS = {"level": "总量", "count": "个数", "growth": "增速", "share": "比重"}
PERIOD_LABELS = {"point": "时点", "ytd": "年内累计", "cumulative": "多年累计"}

_RUNNING = ("ytd", "cumulative")


class Assessment(BaseModel):
    """A target's actual read by its kind: gap, completion, time elapsed, status and why."""

    model_config = ConfigDict(frozen=True)

    kind: str | None  # the target's kind, or the one read from its unit
    kind_inferred: bool  # kind came from the unit, not the data
    period: str | None  # for level/count only
    gap: float | None  # still missing to the target (over the cap for <=); 0 when reached
    gap_unit: str  # the target's unit, 个百分点 for growth rates and shares in %
    progress: float | None  # completion, raw (may be < 0 or > 1); None where it means nothing
    expected: float | None  # share of the period elapsed at the as-of date (序时进度)
    status: TargetStatus
    note: str  # the check in words, for the reader

    @property
    def progress_shown(self) -> float | None:
        """Completion clamped to 0–100 % for display; ``progress`` keeps the raw value."""
        return None if self.progress is None else min(max(self.progress, 0.0), 1.0)


def elapsed_share(first_year: int, last_year: int, as_of: date) -> float:
    """Share of 1 January ``first_year`` → 31 December ``last_year`` gone at ``as_of``, by months.

    A month-end date completes its month; another date counts its month's days so far.

    >>> elapsed_share(2022, 2022, date(2022, 6, 30)), elapsed_share(2022, 2022, date(2022, 3, 31))
    (0.5, 0.25)
    >>> round(elapsed_share(2022, 2022, date(2022, 6, 15)), 4)  # (5 + 15/30) / 12
    0.4583
    >>> elapsed_share(2022, 2025, date(2022, 12, 31)), elapsed_share(2022, 2022, date(2023, 2, 1))
    (0.25, 1.0)
    """
    months = (as_of.year - first_year) * 12 + as_of.month - 1
    months_f = months + as_of.day / calendar.monthrange(as_of.year, as_of.month)[1]
    total = (last_year - first_year + 1) * 12
    return round(min(max(months_f / total, 0.0), 1.0), 4)


def _pct(x: float) -> str:
    """A share as a percentage to 0.1, half up as a reader rounds (0.5025 → 50.3%), no trailing .0."""
    shown = (Decimal(str(x)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{shown:f}".removesuffix(".0") + "%"


def _n(x: float) -> str:
    return f"{x:,.4g}"


def _completion(target: Target, kind: str | None, actual: float) -> float | None:
    """Completion by kind (see the module docstring), rounded to 4 places; None where undefined."""
    if kind in ("level", "count") and target.period in _RUNNING:
        return round(actual / target.value, 4) if target.value else None
    from_baseline = kind == "share" or (kind in ("level", "count") and target.period == "point")
    if from_baseline and target.baseline is not None:
        span = target.value - target.baseline
        return round((actual - target.baseline) / span, 4) if span else None
    if kind in ("level", "count") and target.period == "point" and target.comparison != "<=" and target.value:
        return round(actual / target.value, 4)  # 达成率 of a level without a baseline
    return None


def _pace_words(progress: float, expected: float) -> str:
    words = f"时间进度{_pct(expected)}，完成进度{_pct(progress)}："
    if progress >= expected:
        return words + ("时间过半、任务过半" if expected >= 0.5 else "不慢于序时进度")
    if expected >= 0.5 and progress < 0.5:
        return words + "时间过半、任务未过半"
    return words + f"滞后序时进度{_pct(expected - progress).removesuffix('%')}个百分点"


def _status(
    kind: str | None, reached: bool, closed: bool, over_cap: bool, running_cap: bool,
    progress: float | None, expected: float | None,
) -> TargetStatus:
    if over_cap:
        return "behind"
    if reached:
        return "reached"
    if closed:
        return "behind"
    if expected is not None and progress is not None:
        if progress <= expected if running_cap else progress >= expected:
            return "on_track"
        return "half_lagging" if not running_cap and expected >= 0.5 and progress < 0.5 else "lagging"
    return "lagging" if kind in ("growth", "share") else "open"  # a rate short of its target lags


def _note(
    target: Target, kind: str | None, period: str | None, actual: float, gap: float, gap_unit: str,
    progress: float | None, expected: float | None,
) -> list[str]:
    """What the reader is told: the pace, or the comparison that stands in for it."""
    up = target.comparison != "<="
    aim = f"{'目标' if up else '上限'}{_n(target.value)}{target.unit}"
    diff = actual - target.value
    shortfall = f"，{'差' if up else '超出'}{_n(gap)}{gap_unit}" if gap else ""
    if kind == "growth":
        word = "高于" if diff > 0 else "低于" if diff < 0 else "等于"
        over = f"（超出{_n(round(diff, 4))}{gap_unit}）" if up and diff > 0 else ""
        return [f"增速{_n(actual)}{target.unit}，{word}{aim}{shortfall}{over}"]
    if kind is None or (kind in ("level", "count") and period is None):
        return [f"{'目标类型' if kind is None else '累计方式（时点、年内累计或多年累计）'}未标注，只与目标值比较"]
    if expected is not None and progress is not None:
        if not up and period in _RUNNING:
            faster = "：快于序时进度" if progress > expected else ""
            return [f"时间进度{_pct(expected)}，已用{_pct(progress)}{faster}"]
        return [_pace_words(min(max(progress, 0.0), 1.0), expected)]  # the raw value is noted after
    if kind == "share" and gap:
        return [f"{'低于' if up else '高于'}{aim}{shortfall}"]
    if progress is not None and kind in ("level", "count"):
        return [f"完成{_pct(progress)}；无基期值，不计序时进度"]
    return []


def assess(target: Target, actual: float | None, as_of: date | None, today: date) -> Assessment:
    """Read ``actual`` (the value at ``as_of``) against ``target`` on ``today``, the report date."""
    kind, inferred = kind_of(target)
    period = target.period if kind in ("level", "count") else None
    gap_unit = "个百分点" if kind in ("growth", "share") and target.unit == "%" else target.unit
    if actual is None or as_of is None:
        return Assessment(kind=kind, kind_inferred=inferred, period=period, gap=None, gap_unit=gap_unit,
                          progress=None, expected=None, status="no_data", note="")
    up = target.comparison != "<="
    diff = actual - target.value
    gap = round(max(-diff if up else diff, 0.0), 4)
    closed = target.year is not None and today > date(target.year, 12, 31)
    progress = _completion(target, kind, actual)
    start = period_start(target)
    expected = None if start is None or target.year is None or progress is None \
        else elapsed_share(start, target.year, as_of)
    running_cap = not up and period in _RUNNING
    # A cap on a running total is met only when its period is over, and missed once exceeded.
    reached = (closed and diff <= 0) if running_cap else (diff >= 0 if up else diff <= 0)
    status = _status(kind, reached, closed, running_cap and diff > 0, running_cap, progress, expected)

    notes = _note(target, kind, period, actual, gap, gap_unit, progress, expected)
    if progress is not None and progress < 0 and target.baseline is not None:
        side = "低于" if target.value > target.baseline else "高于"
        notes.append(f"{side}基期值{_n(target.baseline)}{target.unit}（按基期计为{_pct(progress)}）")
    elif progress is not None and progress > 1 and not running_cap:
        notes.append(f"超额完成（{_pct(progress)}）")
    if closed and target.year is not None and as_of < date(target.year, 12, 31) and status != "reached":
        notes.append(f"{target.year}年已过，最新数据截至{as_of.isoformat()}")
    return Assessment(kind=kind, kind_inferred=inferred, period=period, gap=gap, gap_unit=gap_unit,
                      progress=progress, expected=expected, status=status, note="；".join(notes))
