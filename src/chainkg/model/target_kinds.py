"""What a target's number is: its kind (read from the unit when the data leave it empty) and its period's first year.

The data checks (chainkg.dataset.checks) and the progress maths (chainkg.analysis.targets)
both need these two rules, so they live here, below both.
"""

from __future__ import annotations

from chainkg.model.records import Target

__all__ = ["AMOUNT_UNITS", "COUNT_UNITS", "kind_of", "period_start"]

# Units that say what a target counts; % is left out: a growth rate or a share.
COUNT_UNITS = frozenset({"个", "家", "项", "人", "万人", "户", "件", "座", "所", "套"})
AMOUNT_UNITS = frozenset({"亿元", "万元", "元", "万美元", "亿美元"})


def kind_of(target: Target) -> tuple[str | None, bool]:
    """The target's kind and whether it was read from the unit.

    >>> t = Target(id="t", name="t", metric="m", value=4, unit="个", source="s")
    >>> kind_of(t), kind_of(t.model_copy(update={"unit": "%"})), kind_of(t.model_copy(update={"kind": "share"}))
    (('count', True), (None, False), ('share', False))
    """
    if target.kind is not None:
        return target.kind, False
    if target.unit in COUNT_UNITS:
        return "count", True
    if target.unit in AMOUNT_UNITS:
        return "level", True
    return None, False


def period_start(target: Target) -> int | None:
    """The first year of the period over which the target's actual runs, if it has one.

    ytd: the target's year; cumulative: the year after ``baseline_year``; point with a
    baseline: likewise the year after ``baseline_year``; None where no pace applies.
    """
    kind, _ = kind_of(target)
    if target.year is None or kind is None:
        return None
    if kind in ("level", "count") and target.period == "ytd":
        return target.year
    pace_from_baseline = (kind == "share" or (kind in ("level", "count") and target.period == "point")) \
        and target.baseline is not None
    if (target.period == "cumulative" and kind in ("level", "count")) or pace_from_baseline:
        return None if target.baseline_year is None else target.baseline_year + 1
    return None
