"""Progress by kind of target (chainkg.analysis.targets), each rule on a case worked by hand in the comment beside it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from chainkg.analysis.targets import assess, elapsed_share
from chainkg.cli.main import app
from chainkg.dataset.load import default_data_dir, load_dataset, load_valid
from chainkg.model.records import Target
from chainkg.model.target_kinds import kind_of
from conftest import Edit

MAR31, JUN15, JUN30, SEP30, OCT31, DEC31 = (date(2022, 3, 31), date(2022, 6, 15), date(2022, 6, 30),
                                             date(2022, 9, 30), date(2022, 10, 31), date(2022, 12, 31))
JUL15 = date(2022, 7, 15)  # the report date while 2022 is open
NEXT_YEAR = date(2023, 1, 20)  # the report date once 2022 is over


def _target(**fields: Any) -> Target:
    base: dict[str, Any] = {"id": "t", "name": "t", "metric": "m", "source": "s", "year": 2022, "comparison": ">="}
    return Target(**{**base, **fields})


GDP = _target(value=800, unit="亿元", baseline=698, baseline_year=2021, kind="level", period="ytd")
IVA = _target(value=11, unit="%", baseline=11.6, baseline_year=2021, kind="growth", comparison="=")
FAI = _target(value=11, unit="%", baseline=11.5, baseline_year=2021, kind="growth", comparison="=")


def _old_progress(target: Target, actual: float) -> float:
    """What the report showed before: (actual − baseline) / (target − baseline) for every target."""
    start = target.baseline or 0.0
    return round((actual - start) / (target.value - start), 4)


# --- The three figures of issue #19 ---

def test_gdp_year_to_date_runs_from_zero_against_time_not_from_last_years_total() -> None:
    assert _old_progress(GDP, 402) == -2.902  # (402 − 698) / (800 − 698): the −290 % the report showed
    a = assess(GDP, 402, JUN30, JUL15)
    # 402 / 800 = 0.5025; 30 June is 6 of 12 months = 0.5; 0.5025 ≥ 0.5.
    assert (a.progress, a.expected, a.gap, a.status) == (0.5025, 0.5, 398.0, "on_track")
    assert a.note == "时间进度50%，完成进度50.3%：时间过半、任务过半"


def test_a_growth_rate_is_compared_with_the_target_rate() -> None:
    assert _old_progress(IVA, 8.2) == 5.6667  # (8.2 − 11.6) / (11 − 11.6): the 567 %
    a = assess(IVA, 8.2, JUN30, JUL15)
    # 11 − 8.2 = 2.8 percentage points short; no completion ratio for a rate.
    assert (a.progress, a.expected, a.gap, a.gap_unit, a.status) == (None, None, 2.8, "个百分点", "lagging")
    assert a.note == "增速8.2%，低于目标11%，差2.8个百分点"
    seven = _target(value=7, unit="%", kind="growth", comparison="=")
    assert (assess(seven, 8.2, JUN30, JUL15).status, assess(seven, 8.2, JUN30, JUL15).gap) == ("reached", 0.0)


def test_a_growth_rate_above_target_is_reached_with_no_negative_progress() -> None:
    assert _old_progress(FAI, 13.1) == -3.2  # (13.1 − 11.5) / (11 − 11.5): the −320 % beside ✓已达成
    a = assess(FAI, 13.1, JUN30, JUL15)
    assert (a.progress, a.gap, a.status) == (None, 0.0, "reached")
    assert a.note == "增速13.1%，高于目标11%（超出2.1个百分点）"  # 13.1 − 11 = 2.1


# --- Time elapsed (序时进度), by months ---

@pytest.mark.parametrize(("first", "last", "as_of", "share"), [
    (2022, 2022, JUN30, 0.5),  # 6 / 12: 时间过半 on 30 June
    (2022, 2022, MAR31, 0.25),  # 3 / 12
    (2022, 2022, JUN15, 0.4583),  # (5 + 15/30) / 12
    (2024, 2024, date(2024, 2, 15), 0.1264),  # (1 + 15/29) / 12 in a leap year
    (2022, 2025, DEC31, 0.25),  # 12 / 48
    (2022, 2022, date(2021, 12, 31), 0.0),  # before the period: 0
    (2022, 2022, date(2023, 2, 1), 1.0),  # after it: 1
])
def test_elapsed_share(first: int, last: int, as_of: date, share: float) -> None:
    assert elapsed_share(first, last, as_of) == share


# --- level / count, year-to-date (年内累计) ---

@pytest.mark.parametrize(("actual", "as_of", "progress", "expected", "status", "words"), [
    (380, JUN30, 0.475, 0.5, "half_lagging", "时间过半、任务未过半"),  # 380/800 < 6/12
    (180, MAR31, 0.225, 0.25, "lagging", "滞后序时进度2.5个百分点"),  # 180/800 = 22.5 % < 25 %
    (200, MAR31, 0.25, 0.25, "on_track", "不慢于序时进度"),  # 200/800 = 3/12
    (560, SEP30, 0.7, 0.75, "lagging", "滞后序时进度5个百分点"),  # past half the task, behind 9/12
    (640, SEP30, 0.8, 0.75, "on_track", "时间过半、任务过半"),
])
def test_year_to_date_against_time_elapsed(
    actual: float, as_of: date, progress: float, expected: float, status: str, words: str,
) -> None:
    a = assess(GDP, actual, as_of, JUL15 if as_of <= JUL15 else as_of)
    assert (a.progress, a.expected, a.status) == (progress, expected, status)
    assert a.note.endswith(words)


def test_year_to_date_over_target_is_reached_and_clamped_for_display() -> None:
    a = assess(GDP, 820, OCT31, OCT31)  # 820 / 800 = 1.025
    assert (a.status, a.progress, a.progress_shown, a.gap) == ("reached", 1.025, 1.0, 0.0)
    assert a.note.endswith("超额完成（102.5%）")


def test_year_over_without_the_target_is_behind_and_says_how_old_the_data_is() -> None:
    stale = assess(GDP, 700, JUN30, NEXT_YEAR)
    assert stale.status == "behind" and stale.note.endswith("2022年已过，最新数据截至2022-06-30")
    final = assess(GDP, 790, DEC31, NEXT_YEAR)
    assert (final.status, final.gap, final.progress) == ("behind", 10.0, 0.9875)
    assert "最新数据" not in final.note


def test_a_cap_on_a_running_total() -> None:
    cap = _target(value=100, unit="万吨", kind="level", period="ytd", comparison="<=")
    assert assess(cap, 40, JUN30, JUL15).status == "on_track"  # 40 % used by half-time
    faster = assess(cap, 60, JUN30, JUL15)  # 60 % used by half-time
    assert (faster.status, faster.note) == ("lagging", "时间进度50%，已用60%：快于序时进度")
    assert (assess(cap, 110, JUN30, JUL15).status, assess(cap, 110, JUN30, JUL15).gap) == ("behind", 10.0)
    assert assess(cap, 95, DEC31, NEXT_YEAR).status == "reached"  # only the year's end tells


# --- level / count, cumulative over years (多年累计) ---

@pytest.mark.parametrize(("actual", "as_of", "progress", "expected", "status"), [
    (45, date(2023, 12, 31), 0.45, 0.5, "half_lagging"),  # 45/100 by 24 of 48 months
    (30, DEC31, 0.3, 0.25, "on_track"),  # 30/100 by 12 of 48 months
])
def test_cumulative_runs_from_the_year_after_the_baseline(
    actual: float, as_of: date, progress: float, expected: float, status: str,
) -> None:
    plan = _target(value=100, unit="个", year=2025, baseline_year=2021, kind="count", period="cumulative")
    a = assess(plan, actual, as_of, as_of)
    assert (a.progress, a.expected, a.status) == (progress, expected, status)


# --- level / count at a point in time (时点值) ---

def test_a_point_level_runs_from_its_baseline_against_the_years_since() -> None:
    economy = _target(value=1500, unit="亿元", year=2025, baseline=698, baseline_year=2021, kind="level",
                      period="point", comparison="=")
    a = assess(economy, 800, DEC31, NEXT_YEAR)
    # (800 − 698) / (1500 − 698) = 102 / 802 = 0.1272 against 12 of 48 months = 0.25.
    assert (a.progress, a.expected, a.status, a.gap) == (0.1272, 0.25, "lagging", 700.0)
    below = assess(economy, 650, DEC31, NEXT_YEAR)  # (650 − 698) / 802 = −0.0599
    assert (below.progress, below.progress_shown, below.status) == (-0.0599, 0.0, "lagging")
    assert below.note.endswith("低于基期值698亿元（按基期计为-6%）")


def test_a_point_level_without_baseline_has_a_completion_but_no_pace() -> None:
    hitech = _target(value=400, unit="家", kind="count", period="point")
    a = assess(hitech, 350, JUN30, JUL15)  # 350 / 400
    assert (a.progress, a.expected, a.status, a.gap) == (0.875, None, "open", 50.0)
    assert a.note == "完成87.5%；无基期值，不计序时进度"


# --- shares (比重), in percentage points ---

@pytest.mark.parametrize(("actual", "progress", "status", "gap"), [
    (13.3, 0.2273, "lagging", 1.7),  # (13.3 − 12.8) / (15 − 12.8) = 0.5 / 2.2, behind 12 of 48 months
    (13.5, 0.3182, "on_track", 1.5),  # 0.7 / 2.2
])
def test_a_share_runs_from_its_baseline_in_points(actual: float, progress: float, status: str, gap: float) -> None:
    share = _target(value=15, unit="%", year=2025, baseline=12.8, baseline_year=2021, kind="share", comparison="=")
    a = assess(share, actual, DEC31, NEXT_YEAR)
    assert (a.progress, a.expected, a.status, a.gap, a.gap_unit) == (progress, 0.25, status, gap, "个百分点")


def test_a_share_under_its_baseline() -> None:
    coverage = _target(value=100, unit="%", baseline=60, baseline_year=2021, kind="share", comparison="=")
    a = assess(coverage, 50, JUN30, JUL15)  # (50 − 60) / (100 − 60) = −0.25 at half-time
    assert (a.progress, a.progress_shown, a.expected, a.status) == (-0.25, 0.0, 0.5, "half_lagging")
    assert a.note == "时间进度50%，完成进度0%：时间过半、任务未过半；低于基期值60%（按基期计为-25%）"


@pytest.mark.parametrize(("comparison", "value", "actual", "today", "status", "gap", "note"), [
    (">=", 5, 4.2, JUL15, "lagging", 0.8, "低于目标5%，差0.8个百分点"),  # 研发经费投入强度
    (">=", 5, 5.1, JUL15, "reached", 0.0, ""),
    ("<=", 5.5, 5.2, JUL15, "reached", 0.0, ""),  # 失业率控制在5.5%以内
    ("<=", 5.5, 5.8, JUL15, "lagging", 0.3, "高于上限5.5%，超出0.3个百分点"),
    ("<=", 5.5, 5.8, NEXT_YEAR, "behind", 0.3, "高于上限5.5%，超出0.3个百分点；2022年已过，最新数据截至2022-06-30"),
])
def test_a_share_without_baseline_is_compared_directly(
    comparison: str, value: float, actual: float, today: date, status: str, gap: float, note: str,
) -> None:
    a = assess(_target(value=value, unit="%", kind="share", comparison=comparison), actual, JUN30, today)
    assert (a.progress, a.status, a.gap, a.note) == (None, status, gap, note)


# --- Unknown kinds: compared with the target only ---

def test_empty_kind_is_read_from_an_unambiguous_unit_only() -> None:
    assert kind_of(_target(value=4, unit="个")) == ("count", True)
    assert kind_of(_target(value=4, unit="亿元")) == ("level", True)
    assert kind_of(_target(value=4, unit="%")) == (None, False)  # growth or share?
    assert kind_of(_target(value=4, unit="%", kind="share")) == ("share", False)


def test_unknown_kind_or_period_gives_no_ratio_and_no_pace() -> None:
    rate = assess(_target(value=5, unit="%"), 3, JUN30, JUL15)
    assert (rate.kind, rate.progress, rate.expected, rate.status) == (None, None, None, "open")
    assert rate.note == "目标类型未标注，只与目标值比较"
    # 个 says count, but not whether it accumulates: a baseline is not used as a start.
    count = assess(_target(value=93, unit="个", baseline=88, baseline_year=2021), 40, JUN30, JUL15)
    assert (count.kind, count.kind_inferred, count.progress, count.status) == ("count", True, None, "open")
    assert count.note == "累计方式（时点、年内累计或多年累计）未标注，只与目标值比较"
    assert assess(_target(value=93, unit="个"), 93, JUN30, JUL15).status == "reached"


def test_no_actual_is_no_data() -> None:
    a = assess(GDP, None, None, JUL15)
    assert (a.status, a.gap, a.progress, a.note) == ("no_data", None, None, "")


def test_a_falling_share_and_a_growth_cap_read_in_their_direction() -> None:
    jobless = _target(value=5.5, unit="%", baseline=6, baseline_year=2021, kind="share", comparison="<=")
    a = assess(jobless, 6.2, JUN30, JUL15)  # (6.2 − 6) / (5.5 − 6) = −0.4: worse than the baseline
    assert (a.progress, a.status, a.gap) == (-0.4, "half_lagging", 0.7)
    assert a.note.endswith("；高于基期值6%（按基期计为-40%）")
    assert assess(jobless, 5.75, JUN30, JUL15).progress == 0.5  # half way down from 6 to 5.5
    cap = _target(value=3, unit="%", kind="growth", comparison="<=")  # e.g. 能耗增速不高于3%
    assert assess(cap, 3.5, JUN30, JUL15).note == "增速3.5%，高于上限3%，超出0.5个百分点"
    assert (assess(cap, 2.5, JUN30, JUL15).note, assess(cap, 2.5, JUN30, JUL15).status) == (
        "增速2.5%，低于上限3%", "reached")


def test_target_equal_to_its_baseline_has_no_ratio() -> None:
    flat = _target(value=60, unit="%", baseline=60, baseline_year=2021, kind="share")
    assert (assess(flat, 61, JUN30, JUL15).progress, assess(flat, 61, JUN30, JUL15).status) == (None, "reached")


# --- The data: kinds in region.yaml, bad input with file, line and field ---

def test_bundled_targets_state_their_kind() -> None:
    targets = {t.id: t for t in load_valid(default_data_dir())[0].region.targets}
    assert all(t.kind is not None for t in targets.values())
    assert all(t.unit == "%" for t in targets.values() if t.kind in ("growth", "share"))
    assert {t.id for t in targets.values() if t.kind in ("level", "count") and t.period is None} == {
        "tech-smes-2022", "specialized-smes-2022", "soe-credit-rating-2022", "resettlement-housing-projects-2022"}
    assert (targets["gdp-2022"].kind, targets["gdp-2022"].period) == ("level", "ytd")
    assert (targets["economy-total-2025"].kind, targets["economy-total-2025"].period) == ("level", "point")
    assert targets["industrial-value-added-growth-2022"].kind == "growth"


def _errors(data_dir: Path) -> list[str]:
    return [str(i) for i in load_dataset(data_dir)[1] if i.level == "error"]


TINY_TARGET = '    comparison: ">="\n    source: test\n'  # tests/data/tiny/region.yaml: the target ends on line 26


@pytest.mark.parametrize(("extra", "error"), [
    ("    kind: rate\n",
     "错误 region.yaml:27 [targets.0.kind]: 取值「rate」无效，允许的取值：level, count, growth, share"),
    ("    kind: growth\n    period: ytd\n",
     "错误 region.yaml:28 [targets.0.period]: 增速、比重类目标不分时点或累计，period 应留空"),
    ("    kind: count\n    period: cumulative\n",
     "错误 region.yaml:28 [targets.0.period]: 多年累计（cumulative）从 baseline_year 的次年起算，请填 baseline_year"),
    ("    baseline: 1\n    baseline_year: 2022\n",
     "错误 region.yaml:28 [targets.0.baseline_year]: 基期年份 2022 应早于目标年份 2022"),
])
def test_target_kind_errors_name_line_and_field(edit: Edit, extra: str, error: str) -> None:
    data_dir = edit("region.yaml", TINY_TARGET, TINY_TARGET + extra)
    assert _errors(data_dir) == [error]


def test_a_misspelt_kind_fails_validate_with_exit_2(edit: Edit) -> None:
    data_dir = edit("region.yaml", TINY_TARGET, TINY_TARGET + "    kind: 增速\n")
    result = CliRunner().invoke(app, ["validate", "--data", str(data_dir), "--format", "csv"])
    assert result.exit_code == 2
    assert result.output.splitlines()[1:] == [
        'error,region.yaml,27,targets.0.kind,"取值「增速」无效，允许的取值：level, count, growth, share"']


def test_year_to_date_needs_a_year(edit: Edit) -> None:
    edit("region.yaml", "    unit: 个\n    year: 2022\n", "    unit: 个\n")
    data_dir = edit("region.yaml", TINY_TARGET, TINY_TARGET + "    kind: count\n    period: ytd\n")
    assert _errors(data_dir) == ["错误 region.yaml:27 [targets.0.period]: 年内累计、多年累计的目标需填 year（目标年份）"]


def test_progress_dated_before_a_running_targets_year_exits_2(edit: Edit, tmp_path: Path) -> None:
    data_dir = edit("region.yaml", TINY_TARGET, TINY_TARGET + "    kind: count\n    period: ytd\n")
    (data_dir / "progress.csv").write_text(
        "target_id,value,as_of,source\nsigned-big,2,2022-06-30,x\nsigned-big,5,2021-12-31,x\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["report", "--data", str(data_dir), "-o", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == (
        "错误 progress.csv:3 [as_of]: 截至日期 2021-12-31 早于目标「signed-big」的累计起点 2022-01-01")
    assert not (tmp_path / "r.xlsx").exists()
