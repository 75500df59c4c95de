"""Silent data mistakes (issue 8): what loading normalises, and what it warns about."""

from __future__ import annotations

from pathlib import Path

from chainkg.dataset.hygiene import normalize_row
from chainkg.dataset.load import load_dataset, load_valid
from chainkg.model.issues import DataIssue, summarise_follow_on, unreadable_files
from conftest import TINY, Edit
from oracle import build_graph, diagnose


def _locals(data_dir: Path) -> list[str]:
    data = load_valid(data_dir)[0]
    return sorted(c.id for c in data.companies if data.is_local(c))


def test_short_city_name_keeps_a_local_firm_local(edit: Edit) -> None:
    data = edit("companies.csv", "loc-small,本地小厂,,,河南省,洛阳市,测试区", "loc-small,本地小厂,,,河南,洛阳,测试区")
    assert load_dataset(data)[1] == []
    assert _locals(data) == _locals(TINY) == ["loc-anchor", "loc-small", "loc-wafer", "loc-zone"]
    before = {d.segment_id: d.status for d in diagnose(build_graph(load_valid(TINY)[0]))}
    after = {d.segment_id: d.status for d in diagnose(build_graph(load_valid(data)[0]))}
    assert before == after


def test_short_names_in_region_yaml_are_completed(edit: Edit) -> None:
    edit("region.yaml", "province: 河南省\ncity: 洛阳市", "province: 河南\ncity: 洛阳")
    data = load_valid(edit("companies.csv", "loc-anchor,本地链主,链主,,河南省,洛阳市", "loc-anchor,本地链主,链主,,河南省,洛阳"))
    assert (data[0].region.province, data[0].region.city) == ("河南省", "洛阳市")
    assert data[1] == []


def test_full_width_separators_split_tags(edit: Edit) -> None:
    data = edit("companies.csv", "large,上市|小巨人", "large,上市，小巨人")
    dataset, issues = load_dataset(data)
    assert issues == []
    assert dataset is not None
    assert next(c for c in dataset.companies if c.id == "out-reducer").tags == ("上市", "小巨人")


def test_unknown_tag_is_a_warning_not_an_error(edit: Edit) -> None:
    data = edit("companies.csv", "large,上市|小巨人", "large,上市|小巨人企业")
    assert load_dataset(data)[1] == [DataIssue(
        level="warning", file="companies.csv", line=6, field="tags",
        message="标签「小巨人企业」评分不认得，不计分（评分认得：专精特新、小巨人、独角兽、高新技术企业；"
                "说明性标签：上市、央企、国企、地方国企、民企、外资、合资）；是否写错？")]


def test_tags_in_scoring_yaml_are_known(edit: Edit) -> None:
    data = edit("companies.csv", "large,上市|小巨人", "large,上市|瞪羚企业")
    (data / "scoring.yaml").write_text("rank:\n  capability:\n    tags:\n      瞪羚企业: 0.6\n", encoding="utf-8")
    assert load_dataset(data)[1] == []


def test_local_looking_firm_that_is_not_local_is_a_warning(edit: Edit) -> None:
    data = edit("companies.csv", "loc-small,本地小厂,,,河南省,洛阳市,测试区", "loc-small,本地小厂,,,河南省,洛阳市,测试")
    assert load_dataset(data)[1] == [DataIssue(
        level="warning", file="companies.csv", line=3, field="district",
        message="区县「测试」不是县级行政区的名称（应写全称，如 涧西区、新安县）"), DataIssue(
        level="warning", file="companies.csv", line=3, field="district",
        message="企业「loc-small」所在区县「测试」像是本区「测试区」，但不算本地企业"
                "（本地企业须写 河南省,洛阳市,测试区，或列入 region.yaml 的 also_local）")]


def test_unknown_province_is_a_warning(edit: Edit) -> None:
    data = edit("companies.csv", "out-small,外地小减速器,,,湖北省", "out-small,外地小减速器,,,鄂")
    assert load_dataset(data)[1] == [DataIssue(
        level="warning", file="companies.csv", line=7, field="province",
        message="省份「鄂」不是省级行政区的名称（应写全称，如 河南省、广西壮族自治区）")]


def test_normalize_row_drops_empty_cells_and_half_widths_codes() -> None:
    raw, problems = normalize_row({"id": "a", "listed": "ＳＨ:６０１０３８；HK:00038", "uscc": "９１", "note": ""},
                                  place=False)
    assert raw == {"id": "a", "listed": ["SH:601038", "HK:00038"], "uscc": "91"}
    assert problems == []


def test_summarise_follow_on_keeps_unrelated_errors() -> None:
    root = DataIssue(level="error", file="chains.yaml", line=3, message="YAML 语法错误：x（检查缩进和冒号）")
    follow = DataIssue(level="error", file="company_segments.csv", line=2, field="segment_id",
                       message="环节「s」不存在（见 chains.yaml）")
    other = DataIssue(level="error", file="companies.csv", line=4, field="scale", message="取值「huge」无效")
    warning = DataIssue(level="warning", file="companies.csv", line=5, field="tags", message="标签")
    assert unreadable_files([follow, root, other]) == ["chains.yaml"]
    assert summarise_follow_on([root, other, follow, follow, warning]) == [
        root,
        DataIssue(level="error", file="chains.yaml",
                  message="另有 2 处错误因 chains.yaml 无法读取而无法检查；修正它后重新运行 chainkg validate"),
        other, warning]
    assert summarise_follow_on([other, warning]) == [other, warning]
