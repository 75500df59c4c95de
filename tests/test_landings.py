"""``chainkg evaluate --landings FILE``: reading the file and replaying each landing (chainkg.analysis.landings)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainkg.analysis.backtest import replay, without_engagement
from chainkg.analysis.landings import landings_backtest, read_landings
from chainkg.cli.main import app
from chainkg.dataset.load import load_scoring, load_valid
from chainkg.graph.pool_graph import pool_graph
from chainkg.model.errors import DataError

runner = CliRunner()
HEADER = "firm,date,segment,source\n"


def _file(tmp_path: Path, rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "landings.csv"
    path.write_text(header + rows, encoding="utf-8")
    return path


def _report(data_dir: Path, path: Path):  # type: ignore[no-untyped-def]
    data = load_valid(data_dir)[0]
    return landings_backtest(data, load_scoring(data_dir), read_landings(path, data))


def test_firms_by_id_name_or_alias_dates_as_precise_as_the_source(tiny_dir: Path, tmp_path: Path) -> None:
    path = _file(tmp_path, "out-signed,2023-05-01,系统集成,区政府公告\n已签约企业,2023年5月,,公告\n"
                           "链主,2023,,公告\n", header="企业,日期,环节,来源\n")
    landings = read_landings(path, load_valid(tiny_dir)[0])
    assert [(x.company_id, x.replayed, x.segment_id, x.line) for x in landings] == [
        ("out-signed", date(2023, 4, 30), "robot-integration", 2),
        ("out-signed", date(2023, 4, 30), None, 3),
        ("loc-anchor", date(2022, 12, 31), None, 4)]


def test_bad_rows_are_errors_with_line_and_field(tiny_dir: Path, tmp_path: Path) -> None:
    path = _file(tmp_path, "out-signed,2023-13-01,,公告\nout-fab,2023,不存在的环节,公告\nout-fab,2023,,\n,2023,,公告\n")
    with pytest.raises(DataError) as caught:
        read_landings(path, load_valid(tiny_dir)[0])
    assert [(i.line, i.field) for i in caught.value.issues] == [
        (2, "date"), (3, "segment"), (4, "source"), (5, "firm")]
    result = runner.invoke(app, ["evaluate", "--data", str(tiny_dir), "--landings", str(path)])
    assert result.exit_code == 2
    assert "错误 landings.csv:2 [date]: 日期「2023-13-01」无法识别" in result.stderr
    assert "Traceback" not in result.output


def test_a_missing_column_or_file_is_an_error(tiny_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["evaluate", "--data", str(tiny_dir), "--landings",
                                 str(_file(tmp_path, "out-fab,2023\n", header="firm,date\n"))])
    assert result.exit_code == 2
    assert "source" in result.stderr
    result = runner.invoke(app, ["evaluate", "--data", str(tiny_dir), "--landings", str(tmp_path / "none.csv")])
    assert result.exit_code == 2
    assert "none.csv" in result.stderr


def test_each_landing_is_replayed_the_day_before_without_its_engagement(tiny_dir: Path, tmp_path: Path) -> None:
    report = _report(tiny_dir, _file(tmp_path, "out-signed,2023-05-01,,公告\n"))
    ranking, legacy, capability, random = report.methods
    assert [(c.position, c.candidates) for c in legacy.cases] == [(2.0, 7)]
    # As in the engaged back-test (tests/test_backtest.py): out-signed, its project gone, is
    # second of 7 candidates by score and fourth by capability alone.
    assert [(c.position, c.candidates, c.percentile) for c in ranking.cases] == [(2.0, 7, 28.6)]
    assert [(c.position, c.percentile) for c in capability.cases] == [(4.0, 57.1)]
    assert [(c.position, c.percentile) for c in random.cases] == [(4.0, 57.1)]
    assert report.landings is not None and report.landings.ranked == 1
    landing = ranking.cases[0].landing
    assert landing is not None and landing.replayed == date(2023, 4, 30)
    assert (landing.intent, landing.segment_filled) == (0.0, None)


def test_facts_dated_after_the_landing_do_not_help_it(edit, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data_dir = edit("relations.csv", "from_id,type,to_id,note,source\n", "from_id,type,to_id,note,source,since\n"
                    "out-signed,SUPPLIES,loc-anchor,,公开信息,2024\n")
    data, scoring = load_valid(data_dir)[0], load_scoring(data_dir)
    early, late = (_report(data_dir, _file(tmp_path, f"out-signed,{day},,公告\n")).methods[0].cases[0]
                   for day in ("2023-05-01", "2025-05-01"))
    # Before 2024 the supply link to the local anchor did not exist: the same place as without it.
    assert (early.position, early.candidates) == (2.0, 7)
    expected = replay(without_engagement(pool_graph(data), "out-signed"), "out-signed", scoring, date(2025, 4, 30))
    assert (late.position, late.candidates) == expected.positions["ranking"] == (1.0, 7)


def test_misses_are_reported_by_reason(edit, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # robot-body is strong (本地链主): a firm only there fills no gap.
    data_dir = edit("company_segments.csv", "out-fab,chip-fab,core", "out-fab,robot-body,core")
    path = _file(tmp_path, "某外地公司,2023,,公告\n本地小厂,2023,,公告\nout-fab,2023-03-01,,公告\nout-signed,2023,,公告\n")
    report = _report(data_dir, path)
    assert report.landings is not None
    assert report.landings.model_dump(include={"ranked", "not_in_data", "local", "unborn", "no_gap"}) == {
        "ranked": 1, "not_in_data": 1, "local": 1, "unborn": 0, "no_gap": 1}
    assert report.engaged == 4
    for method in report.methods:
        assert [c.percentile for c in method.cases][:3] == [100.0, 100.0, 100.0]
        assert method.ranked == 1
    assert [c.landing.status for c in report.methods[0].cases if c.landing] == [
        "not_in_data", "local", "no_gap", "ranked"]


def test_a_firm_founded_after_the_landing_day_is_reported_so(tmp_path: Path, tiny_copy: Path) -> None:
    text = (tiny_copy / "companies.csv").read_text(encoding="utf-8")
    text = text.replace("source,note\n", "source,note,founded\n", 1).replace("\n", ",\n").replace("note,\n", "note\n")
    text = text.replace("out-signed,已签约企业,,,河南省,郑州市,,private,,medium,,test,,",
                        "out-signed,已签约企业,,,河南省,郑州市,,private,,medium,,test,,2024-01-01")
    (tiny_copy / "companies.csv").write_text(text, encoding="utf-8")
    report = _report(tiny_copy, _file(tmp_path, "out-signed,2023-05-01,,公告\n"))
    assert report.landings is not None and report.landings.unborn == 1


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_evaluate_landings_outputs(tiny_dir: Path, tmp_path: Path, fmt: str) -> None:
    path = _file(tmp_path, "out-signed,2023-05-01,robot-integration,区政府公告\n某外地公司,2023,,公告\n")
    result = runner.invoke(app, ["evaluate", "--data", str(tiny_dir), "--landings", str(path), "-f", fmt],
                           terminal_width=200)
    assert result.exit_code == 0, result.output
    if fmt == "json":
        report = json.loads(result.stdout)
        assert (report["engaged"], report["landings"]["not_in_data"]) == (2, 1)
        assert report["methods"][0]["cases"][0]["landing"]["replayed"] == "2023-04-30"
    elif fmt == "csv":
        lines = result.stdout.splitlines()
        assert lines[0] == "方法,行,企业id,企业,落地日期,回放日期,环节,状态,名次,候选数,百分位,近期动向,环节是其缺口,来源"
        assert ("chainkg 排序（新：当前设置）,2,out-signed,已签约企业,2023-05-01,2023-04-30,robot-integration,"
                "进入排序,2.0,7,28.6,0.0,是,区政府公告") in lines
        assert ("chainkg 排序（新：当前设置）,3,,某外地公司,2023,2022-12-31,,不在候选库（数据中没有这家企业）,,0,100.0,,,"
                "公告") in lines
    else:
        assert "回测：2条真实落地" in "".join(result.stdout.split())  # the title may wrap
        assert "不在候选库（数据中没有这家企业）1" in "".join(result.stdout.split())


def test_landings_and_as_of_do_not_go_together(tiny_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["evaluate", "--data", str(tiny_dir), "--as-of", "2023-01-01",
                                 "--landings", str(_file(tmp_path, "out-fab,2023,,公告\n"))])
    assert result.exit_code == 2
    assert "不能与 --as-of 同用" in result.stderr


ROOT = Path(__file__).resolve().parents[1]
README_METHODS = {
    "new ranking (scoring.yaml)": "ranking", "old ranking (before #11)": "legacy",
    "capability only (famous names)": "capability", "random order (expected)": "random",
}


def test_readme_landings_table_is_what_the_example_file_measures_on_the_bundled_data() -> None:
    from conftest import BUNDLED

    table = (ROOT / "README.md").read_text(encoding="utf-8").split("<!-- landings:start -->")[1]
    rows = [[cell.strip() for cell in line.strip("|").split("|")]
            for line in table.split("<!-- landings:end -->")[0].strip().splitlines()[2:]]
    report = _report(BUNDLED, ROOT / "examples" / "landings.csv")
    measured = {
        m.method: [f"{m.median_percentile:.1f}", f"{m.top5_hits:g}/{report.engaged}",
                   f"{m.top10_hits:g}/{report.engaged}", f"{m.ranked}/{report.engaged}"]
        for m in report.methods
    }
    assert {README_METHODS[row[0]]: row[1:] for row in rows} == measured
    assert report.landings is not None
    assert report.landings.model_dump() == {"ranked": 3, "not_in_data": 0, "local": 1, "unborn": 0, "no_gap": 1,
                                            "with_intent": 0, "segment_given": 2, "segment_filled": 2}


def test_every_example_landing_quotes_its_source() -> None:
    text = (ROOT / "examples" / "landings.csv").read_text(encoding="utf-8")
    rows = text.splitlines()[1:]
    assert rows and all("讲话" in row and "“" in row for row in rows)


def test_intent_and_the_named_segment_on_the_replay_day(tiny_copy: Path, tmp_path: Path) -> None:
    (tiny_copy / "signals.csv").write_text("company,date,kind,note,source,url\nout-signed,2023-03-01,扩产,,test,\n",
                                           encoding="utf-8")
    path = _file(tmp_path, "out-signed,2023-05-01,robot-integration,公告\nout-signed,2023-02-01,robot-servo,公告\n"
                           "out-reducer,2023-05-01,robot-parts,公告\n")
    report = _report(tiny_copy, path)
    infos = [c.landing for c in report.methods[0].cases if c.landing is not None]
    # The March signal counts for the May landing, not for the February one.
    assert infos[0].intent is not None and infos[0].intent > 0
    assert infos[1].intent == 0.0
    # robot-parts is the parent of robot-reducer, the gap out-reducer fills.
    assert [i.segment_filled for i in infos] == [True, False, True]
    assert report.landings is not None
    assert (report.landings.with_intent, report.landings.segment_given, report.landings.segment_filled) == (1, 3, 2)


def test_a_file_with_only_its_header_is_an_error(tiny_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["evaluate", "--data", str(tiny_dir), "--landings", str(_file(tmp_path, ""))])
    assert result.exit_code == 2
    assert "landings.csv:1: 文件只有表头，没有数据行" in result.stderr


def test_an_alias_of_several_firms_is_an_error(edit, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data_dir = edit("companies.csv", "out-small,外地小减速器,,", "out-small,外地小减速器,链主,")
    result = runner.invoke(app, ["evaluate", "--data", str(data_dir), "--landings",
                                 str(_file(tmp_path, "链主,2023,,公告\n"))])
    assert result.exit_code == 2
    assert "landings.csv:2 [firm]: 「链主」对应多家企业：loc-anchor、out-small；请用企业 id" in result.stderr


def test_readme_landings_prose_quotes_the_measured_places_and_counts() -> None:
    from conftest import BUNDLED

    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    report = _report(BUNDLED, ROOT / "examples" / "landings.csv")
    new, old = ({c.company_id: c for c in m.cases} for m in report.methods[:2])

    def place(case) -> str:  # type: ignore[no-untyped-def]
        return f"{case.position:.0f}th of {case.candidates}"

    assert f"三六零 is the one hit** ({place(new['qihoo360'])}, top 10 %; the old weights put it " \
           f"{old['qihoo360'].position:.0f}th)" in text
    assert f"东旭 ({place(new['dongxu-group'])}) and 河南信产投 ({new['henan-xinchantou'].position:.0f}th)" in text
    data = load_valid(BUNDLED)[0]
    counts = (f"only {sum(1 for r in data.relations if r.since)} of {len(data.relations)} relations carry `since`, "
              f"{sum(1 for p in data.projects if p.year)} of {len(data.projects)} projects a `year`, "
              f"{sum(1 for c in data.companies if c.listed_since)} companies `listed_since` and "
              f"{'none' if not any(c.founded for c in data.companies) else 'some'} `founded`")
    assert counts in text


def test_landings_on_dated_entangled_data_equal_the_record_by_record_replay() -> None:
    """Statuses, positions, intent and filled segments of landings on many days (interleaved, some
    the same day, firms unborn then, local, engaged partners with seed relations) equal the replay
    as first written: records filtered one by one, every candidate and rank(…, focus=…) per landing."""
    import random

    from chainkg.analysis.landings import Landing
    from conftest import BUNDLED
    from oracle import straightforward_landings
    from test_as_of import _dated
    from test_leave_one_out import entangled

    data = _dated(3, entangled(load_valid(BUNDLED)[0], 6, companies=200, relations=800))
    scoring = load_scoring(BUNDLED)
    rng = random.Random(6)
    local = next(c.id for c in data.companies if data.is_local(c))
    firms = [*rng.sample([c.id for c in data.companies if not data.is_local(c)], 14), "no-such-firm", local]
    days = [date(2022, 1, 1), date(2023, 7, 1), date(2024, 1, 1), date(2026, 1, 1)]
    segments = [s.id for s in data.segments]
    own = {link.company_id: link.segment_id for link in data.company_segments}
    landings = [Landing(line=i + 2, firm=firm, date=day.isoformat(), replayed=day - timedelta(days=1), status="",
                        segment_id=rng.choice((None, own.get(firm), rng.choice(segments))), source="test",
                        company_id=firm if firm != "no-such-firm" else None)
                for i, (firm, day) in enumerate((f, rng.choice(days)) for f in firms + firms[:5])]
    found = landings_backtest(data, scoring, landings)
    assert found == straightforward_landings(data, scoring, landings)
    counts = found.landings
    assert counts is not None and counts.unborn and counts.ranked and counts.local and counts.not_in_data
    assert 0 < counts.segment_filled < counts.segment_given
