"""One test per validation rule: each asserts the file, line, field and message."""

from __future__ import annotations

from pathlib import Path

import pytest

from chainkg.dataset.load import load_dataset, load_scoring
from chainkg.model.errors import ConfigError, DataError
from chainkg.model.issues import DataIssue


def only_issues(data_dir: Path, level: str = "error") -> list[DataIssue]:
    _dataset, issues = load_dataset(data_dir)
    return [i for i in issues if i.level == level]


def test_tiny_data_is_clean(tiny_dir: Path) -> None:
    assert load_dataset(tiny_dir)[1] == []


# (file, old text, new text, expected file, line, field, message fragment)
CASES = [
    ("companies.csv", "loc-small,本地小厂,,,河南省,洛阳市,测试区,private",
     "loc-small,本地小厂,,,河南省,洛阳市,测试区,privte",
     "companies.csv", 3, "ownership", "取值「privte」无效"),
    ("companies.csv", "out-fab,外地晶圆厂", "Out_Fab,外地晶圆厂",
     "companies.csv", 8, "id", "「Out_Fab」不是合法的 id"),
    ("companies.csv", "loc-small,本地小厂", "loc-anchor,本地小厂",
     "companies.csv", 3, "id", "企业 id「loc-anchor」重复（第一次出现在第 2 行）"),
    ("companies.csv", "上市,test,\nloc-small", "上市,,\nloc-small",
     "companies.csv", 2, "source", "缺少必填值"),
    ("companies.csv", "SH:688017", "SH:68801",
     "companies.csv", 6, "listed", "上市代码「SH:68801」格式无效：SH 的代码应为6 位数字"),
    ("companies.csv", "SH:688017", "NASDAQ:ABC",
     "companies.csv", 6, "listed", "上市代码「NASDAQ:ABC」格式无效：应为 交易所:代码"),
    ("companies.csv", "loc-small,本地小厂,,,", "loc-small,本地小厂,,91350100M000100Y44,",
     "companies.csv", 3, "uscc", "校验位应为 3，实际为 4"),
    ("companies.csv", "medium,高新技术企业", "huge,高新技术企业",
     "companies.csv", 10, "scale", "取值「huge」无效"),
    ("company_segments.csv", "out-fab,chip-fab", "out-fabb,chip-fab",
     "company_segments.csv", 9, "company_id", "企业「out-fabb」不存在"),
    ("company_segments.csv", "out-fab,chip-fab", "out-fab,chip-fob",
     "company_segments.csv", 9, "segment_id", "环节「chip-fob」不存在"),
    ("company_segments.csv", "out-small,robot-integration", "out-small,robot-reducer",
     "company_segments.csv", 8, "segment_id", "企业「out-small」与环节「robot-reducer」的对应重复（第一次出现在第 7 行）"),
    ("company_segments.csv", "out-fab,chip-fab,core", "out-fab,chip-fab,main",
     "company_segments.csv", 9, "role", "取值「main」无效"),
    ("relations.csv", "out-integrator,SUPPLIES", "out-integrator,SELLS_TO",
     "relations.csv", 2, "type", "取值「SELLS_TO」无效"),
    ("relations.csv", "SUPPLIES,loc-anchor", "SUPPLIES,loc-nobody",
     "relations.csv", 2, "to_id", "企业「loc-nobody」不存在"),
    ("relations.csv", "SUPPLIES,loc-anchor", "SUPPLIES,out-integrator",
     "relations.csv", 2, "to_id", "关系的两端是同一家企业"),
    ("projects.csv", "p-lead,线索项目,out-fab,chip-fab,,contacted", "p-lead,线索项目,out-fab,chip-fab,,talking",
     "projects.csv", 3, "stage", "取值「talking」无效"),
    ("projects.csv", "signed,12.5", "signed,-3",
     "projects.csv", 2, "amount_yi", "取值 -3 超出范围：应不小于 0"),
    ("projects.csv", "signed,12.5", "signed,十二",
     "projects.csv", 2, "amount_yi", "「十二」不是数字"),
    ("projects.csv", "robot-integration,park-a", "robot-integration,park-b",
     "projects.csv", 2, "park_id", "园区「park-b」不存在"),
    ("projects.csv", "out-signed,robot-integration", "out-signed,robot-integration|robot-nothing",
     "projects.csv", 2, "segment_ids", "环节「robot-nothing」不存在"),
    ("chains.yaml", "    field: info\n", "    field: inf\n",
     "chains.yaml", 18, "field", "领域「inf」不存在"),
    ("chains.yaml", "    chain: chip\n    stage: upstream", "    chain: chips\n    stage: upstream",
     "chains.yaml", 66, "chain", "产业链「chips」不存在"),
    ("chains.yaml", "    stage: midstream\n    feeds: [robot-integration]",
     "    stage: middle\n    feeds: [robot-integration]",
     "chains.yaml", 47, "stage", "取值「middle」无效"),
    ("chains.yaml", "    weight: 1.0\n    source: test\n  - id: robot-servo",
     "    weight: 1.5\n    source: test\n  - id: robot-servo",
     "chains.yaml", 34, "weight", "取值 1.5 超出范围：应不大于 1.0"),
    ("chains.yaml", "feeds: [robot-auto]", "feeds: [robot-car]",
     "chains.yaml", 55, "feeds", "供给对象环节「robot-car」不存在"),
    ("chains.yaml", "    parent: robot-parts\n    feeds: [robot-body]\n    weight: 1.0",
     "    parent: chip-fab\n    feeds: [robot-body]\n    weight: 1.0",
     "chains.yaml", 32, "parent", "上级环节「chip-fab」属于产业链「chip」"),
    ("chains.yaml", "    parent: robot-parts\n    feeds: [robot-body]\n    weight: 1.0",
     "    parent: robot-nothing\n    feeds: [robot-body]\n    weight: 1.0",
     "chains.yaml", 32, "parent", "上级环节「robot-nothing」不存在"),
    ("chains.yaml", "    priority: 0.5\n", "    priority: 0.5\n    colour: red\n",
     "chains.yaml", 20, "colour", "未知字段（是否拼写错误？）"),
    ("region.yaml", "  - company: out-partner", "  - company: out-nobody",
     "region.yaml", 14, "partners.0.company", "战略合作伙伴「out-nobody」不存在"),
    ("region.yaml", "also_local: [loc-zone]", "also_local: [loc-nowhere]",
     "region.yaml", 6, "also_local", "企业「loc-nowhere」不存在"),
    ("region.yaml", "    value: 4\n", "    value: four\n",
     "region.yaml", 22, "targets.0.value", "「four」不是数字"),
]


@pytest.mark.parametrize(("name", "old", "new", "file", "line", "field", "message"), CASES,
                         ids=[f"{c[4]}-{c[5]}" for c in CASES])
def test_validation_rule(edit, name, old, new, file, line, field, message) -> None:  # type: ignore[no-untyped-def]
    errors = only_issues(edit(name, old, new))
    assert any(
        e.file == file and e.line == line and e.field == field and message in e.message
        for e in errors
    ), "\n".join(str(e) for e in errors)


def test_every_problem_is_reported_not_just_the_first(edit) -> None:  # type: ignore[no-untyped-def]
    edit("companies.csv", "private,,small", "privte,,small")
    data = edit("relations.csv", "SUPPLIES,loc-anchor", "SUPPLIES,loc-nobody")
    errors = only_issues(data)
    assert {(e.file, e.field) for e in errors} == {("companies.csv", "ownership"), ("relations.csv", "to_id")}


def test_parent_cycle_is_an_error(edit) -> None:  # type: ignore[no-untyped-def]
    data = edit("chains.yaml", "  - id: robot-parts\n    name: 核心零部件\n    chain: robot\n",
                "  - id: robot-parts\n    name: 核心零部件\n    chain: robot\n    parent: robot-reducer\n")
    errors = only_issues(data)
    assert any(e.field == "parent" and "上级环节形成循环" in e.message for e in errors)


def test_feeds_cycle_is_a_warning_not_an_error(edit) -> None:  # type: ignore[no-untyped-def]
    data = edit("chains.yaml", "    weight: 0.4\n", "    feeds: [robot-body]\n    weight: 0.4\n")
    assert only_issues(data) == []
    warnings = only_issues(data, "warning")
    assert len(warnings) == 1
    assert warnings[0].file == "chains.yaml" and warnings[0].field == "feeds"
    assert "供给关系形成循环" in warnings[0].message


def test_same_name_twice_is_a_warning(edit) -> None:  # type: ignore[no-untyped-def]
    data = edit("companies.csv", "out-friend,伙伴的朋友", "out-friend,伙伴公司")
    warnings = only_issues(data, "warning")
    assert [(w.file, w.line, w.field) for w in warnings] == [("companies.csv", 12, "name")]


def test_missing_column_names_it(edit) -> None:  # type: ignore[no-untyped-def]
    data = edit("company_segments.csv", "company_id,segment_id,role", "company,segment_id,role")
    errors = only_issues(data)
    assert [(e.file, e.line, e.field) for e in errors] == [("company_segments.csv", 1, "company_id")]
    assert errors[0].message == "表头缺少列「company_id」"


def test_unknown_column_is_a_warning(edit) -> None:  # type: ignore[no-untyped-def]
    data = edit("relations.csv", "from_id,type,to_id,note,source", "from_id,type,to_id,note,source,备注2")
    warnings = only_issues(data, "warning")
    assert [(w.file, w.line, w.field) for w in warnings] == [("relations.csv", 1, "备注2")]


def test_too_many_values_in_a_row(edit) -> None:  # type: ignore[no-untyped-def]
    data = edit("relations.csv", "供应集成服务,test", "供应,集成服务,test")
    errors = only_issues(data)
    assert [(e.file, e.line) for e in errors] == [("relations.csv", 2)]
    assert "多于表头的 5 列" in errors[0].message


def test_yaml_syntax_error_has_a_line(edit) -> None:  # type: ignore[no-untyped-def]
    data = edit("chains.yaml", "    name: 信息\n", "    name: [信息\n")
    errors = only_issues(data)
    assert errors[0].file == "chains.yaml" and errors[0].line is not None
    assert errors[0].message.startswith("YAML 语法错误")


def test_missing_file(tiny_copy: Path) -> None:
    (tiny_copy / "projects.csv").unlink()
    errors = only_issues(tiny_copy)
    assert [(e.file, e.message) for e in errors] == [("projects.csv", "文件不存在")]


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="数据目录不存在"):
        load_dataset(tmp_path / "nowhere")


def test_bad_scoring_file_names_line_and_field(tiny_copy: Path) -> None:
    (tiny_copy / "scoring.yaml").write_text("rank:\n  weights:\n    gap_fit: -1\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_scoring(tiny_copy)
    [issue] = info.value.issues
    assert (issue.file, issue.line, issue.field) == ("scoring.yaml", 3, "rank.weights.gap_fit")
    assert "应不小于 0" in issue.message


def test_partial_scoring_map_keeps_the_other_defaults(tiny_copy: Path) -> None:
    (tiny_copy / "scoring.yaml").write_text("diagnosis:\n  scale: {large: 2.0}\n", encoding="utf-8")
    scoring = load_scoring(tiny_copy)
    assert scoring.diagnosis.scale == {"large": 2.0, "medium": 0.6, "small": 0.3, "micro": 0.1, "unknown": 0.3}


def test_misspelt_scoring_key_is_an_error(tiny_copy: Path) -> None:
    (tiny_copy / "scoring.yaml").write_text("rank:\n  wieghts: {gap_fit: 1}\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_scoring(tiny_copy)
    [issue] = info.value.issues
    assert (issue.line, issue.field, issue.message) == (2, "rank.wieghts", "未知字段（是否拼写错误？）")



def test_a_record_that_failed_to_parse_is_reported_once(edit) -> None:  # type: ignore[no-untyped-def]
    # The partner's row and a parent segment are invalid while region.yaml and a child segment
    # still name them. Only the bad records are reported: a second "does not exist" for each
    # reference would send the user to the wrong file.
    edit("companies.csv", "out-partner,伙伴公司,,,北京市,北京市,,private", "out-partner,伙伴公司,,,北京市,北京市,,privte")
    data = edit("chains.yaml", "    weight: 0.8\n    source: test\n  - id: robot-reducer",
                "    weight: heavy\n    source: test\n  - id: robot-reducer")
    errors = only_issues(data)
    assert sorted((e.file, e.field) for e in errors) == [("chains.yaml", "weight"), ("companies.csv", "ownership")], \
        "\n".join(str(e) for e in errors)
