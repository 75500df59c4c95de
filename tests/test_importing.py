"""chainkg import companies: hand-made exports (XLSX, GB18030 CSV, UTF-16 text) into a copy of tiny/."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainkg.cli.main import app
from chainkg.dataset.load import load_valid
from chainkg.importing import import_companies, writing
from chainkg.model.errors import ImportFileError
from import_helpers import HEADER, row, rules_data, snapshot, uscc, write_text, write_xlsx

runner = CliRunner()
CODE_A = uscc("91410300MA0000001")  # 17 characters + check digit
CODE_B = uscc("91320500MA0000002")
CODE_C = uscc("91420100MA0000003")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return rules_data(tmp_path / "data")


def rows_of(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def company(data: Path, company_id: str) -> dict[str, str]:
    return next(r for r in rows_of(data / "companies.csv") if r["id"] == company_id)


def segments_of(data: Path, company_id: str) -> list[tuple[str, str, str, str]]:
    return [(r["segment_id"], r["role"], r["products"], r["source"])
            for r in rows_of(data / "company_segments.csv") if r["company_id"] == company_id]


REDUCER = row("洛阳精工减速机(集团)有限公司", 统一社会信用代码=CODE_A, 登记状态="存续（在营、开业、在册）",
              法定代表人="张三", 注册资本="5000万元人民币", 成立日期="2010/1/5", 所属省份="河南", 所属城市="洛阳",
              所属区县="涧西", 企业地址="洛阳市涧西区某路１号", 企业类型="有限责任公司（自然人投资或控股）",
              国标行业="制造业-通用设备制造业-C3453 齿轮及齿轮减速、变速箱制造", 参保人数=320,
              经营范围="一般项目：减速机、齿轮箱的研发、制造；机械零件销售。", 企业标签='专精特新"小巨人"；高新技术企业',
              联系电话="0379-12345678")
ROBOT = row("苏州某某机器人股份有限公司", 统一社会信用代码=CODE_B, 登记状态="在业", 注册资本="1.2亿元",
            成立日期="2015年3月1日", 所属省份="江苏省", 所属城市="苏州市", 国标行业="C3491", 参保人数=1500,
            股票代码="688001.SH", 经营范围="工业机器人制造；伺服电机及控制系统研发")


def test_xlsx_columns_recognised_values_normalised_and_unknown_columns_listed(data: Path, tmp_path: Path) -> None:
    export = write_xlsx(tmp_path / "企查查导出.xlsx", [REDUCER, ROBOT])
    report = import_companies(export, data)
    assert report.header_row == 2 and report.encoding == "xlsx" and report.rows == 2
    assert set(report.columns) == {
        "name", "uscc", "former_names", "status", "legal_rep", "registered_capital", "founded", "province", "city",
        "district", "address", "company_type", "industry", "employees", "listing", "business_scope", "tags"}
    assert report.unknown_columns == ["联系电话"]
    assert [n.company_id for n in report.new] == [f"uscc-{CODE_A.lower()}", f"uscc-{CODE_B.lower()}"]
    reducer = company(data, f"uscc-{CODE_A.lower()}")
    assert reducer == {
        "id": f"uscc-{CODE_A.lower()}", "name": "洛阳精工减速机（集团）有限公司", "aliases": "", "uscc": CODE_A,
        "province": "河南省", "city": "洛阳市", "district": "涧西区", "ownership": "private", "listed": "",
        "scale": "unknown", "tags": "小巨人|高新技术企业", "source": "导入: 企查查导出.xlsx", "note": "法定代表人：张三",
        "registered_capital": "5000", "founded": "2010-01-05", "employees": "320", "industry_code": "C3453",
        "status": "存续（在营、开业、在册）", "address": "洛阳市涧西区某路1号",
    }
    robot = company(data, f"uscc-{CODE_B.lower()}")
    assert (robot["registered_capital"], robot["founded"], robot["listed"], robot["tags"], robot["scale"]) == (
        "12000", "2015-03-01", "SH:688001", "上市", "unknown")
    assert report.written and load_valid(data)[1] == []


def test_scale_follows_the_nbs_rule_only_with_its_inputs(data: Path, tmp_path: Path) -> None:
    header = [*HEADER, "营业收入"]
    rows = [
        [*row("大型测试制造有限公司", 国标行业="C3491", 参保人数=1200), "50000万元"],  # both bounds of large
        [*row("中型测试制造有限公司", 国标行业="C3491", 参保人数=1200), "1500"],  # revenue only small → small
        [*row("微型测试制造有限公司", 国标行业="C3491", 参保人数=15), ""],  # below 20 people decides micro
        [*row("未知规模制造有限公司", 国标行业="C3491", 参保人数=500), ""],  # no revenue: cannot apply the rule
    ]
    import_companies(write_xlsx(tmp_path / "scale.xlsx", rows, header), data)
    scales = {r["name"]: r["scale"] for r in rows_of(data / "companies.csv") if r["source"].startswith("导入")}
    assert scales == {"大型测试制造有限公司": "large", "中型测试制造有限公司": "small",
                      "微型测试制造有限公司": "micro", "未知规模制造有限公司": "unknown"}


@pytest.mark.parametrize(("encoding", "delimiter", "suffix"), [
    ("gb18030", ",", ".csv"), ("utf-8-sig", ",", ".csv"), ("utf-8", ",", ".csv"), ("utf-16", "\t", ".txt"),
])
def test_text_exports_in_every_encoding_excel_saves(data: Path, tmp_path: Path, encoding: str, delimiter: str,
                                                    suffix: str) -> None:
    export = write_text(tmp_path / f"export{suffix}", [REDUCER, ROBOT], encoding, delimiter)
    report = import_companies(export, data)
    expected = {"utf-8-sig": "utf-8-sig", "utf-16": "utf-16"}.get(encoding, encoding)
    assert report.encoding == expected and report.header_row == 1
    assert [n.name for n in report.new] == ["洛阳精工减速机（集团）有限公司", "苏州某某机器人股份有限公司"]
    assert company(data, f"uscc-{CODE_A.lower()}")["district"] == "涧西区"


def test_inactive_rows_are_skipped_and_counted(data: Path, tmp_path: Path) -> None:
    rows = [row("已注销测试有限公司", 登记状态="注销", 成立日期="不详"),  # not checked: skipped
            row("吊销测试有限公司", 登记状态="吊销，未注销"),
            row("停业测试有限公司", 登记状态="停业"), row("清算测试有限公司", 登记状态="清算中"),
            row("在营测试有限公司", 登记状态="存续")]
    report = import_companies(write_xlsx(tmp_path / "e.xlsx", rows), data)
    assert [(n.row, n.name, n.detail) for n in report.skipped] == [
        (3, "已注销测试有限公司", "注销"), (4, "吊销测试有限公司", "吊销，未注销"),
        (5, "停业测试有限公司", "停业"), (6, "清算测试有限公司", "清算中")]
    assert [n.name for n in report.new] == ["在营测试有限公司"]


def test_bad_uscc_is_reported_and_the_row_kept_without_the_code(data: Path, tmp_path: Path) -> None:
    bad = CODE_C[:-1] + ("0" if CODE_C[-1] != "0" else "1")
    report = import_companies(write_xlsx(tmp_path / "e.xlsx", [row("坏代码测试有限公司", 统一社会信用代码=bad)]), data)
    assert [n.detail for n in report.problems] == [
        f"统一社会信用代码「{bad}」无效（校验位应为 {CODE_C[-1]}，实际为 {bad[-1]}），已去掉代码、保留该行"]
    new_id = report.new[0].company_id
    assert new_id is not None and new_id.startswith("name-") and company(data, new_id)["uscc"] == ""


def test_duplicates_by_uscc_by_name_and_by_former_name(data: Path, tmp_path: Path) -> None:
    rows = [
        REDUCER,
        row("洛阳精工传动有限公司", 统一社会信用代码=CODE_A),  # same USCC as row 3, renamed
        row("洛阳精工减速机（集团）有限公司"),  # same name as row 3 (brackets folded)
        row("外地小减速器"),  # same name as an existing hand-entered company
        row("新名字科技有限公司", 曾用名="本地小厂；更早的名字有限公司"),  # former name of an existing company
        row("链主"),  # an alias of an existing company
    ]
    report = import_companies(write_xlsx(tmp_path / "e.xlsx", rows), data)
    assert [(n.row, n.company_id, n.detail) for n in report.duplicates] == [
        (4, f"uscc-{CODE_A.lower()}", "与文件第 3 行统一社会信用代码相同，未重复导入"),
        (5, f"uscc-{CODE_A.lower()}", "与文件第 3 行名称相同，未重复导入"),
        (6, "out-small", "与已有企业「外地小减速器」名称相同，无变化"),
        (8, "loc-anchor", "与已有企业「本地链主」名称相同，无变化"),
    ]
    assert [(n.row, n.company_id) for n in report.updated] == [(7, "loc-small")]
    assert len(report.new) == 1
    # A hand-entered record only gets its empty fields filled: aliases were empty, name and source stay.
    small = company(data, "loc-small")
    assert (small["name"], small["aliases"], small["source"]) == ("本地小厂", "新名字科技有限公司|更早的名字有限公司", "test")
    assert segments_of(data, "loc-small") == [("robot-auto", "core", "", "test")]


def test_near_duplicates_are_reported_and_never_merged(data: Path, tmp_path: Path) -> None:
    rows = [row("河南外地集成商有限公司"), row("精工传动股份有限公司"), row("洛阳精工传动有限公司")]
    report = import_companies(write_xlsx(tmp_path / "e.xlsx", rows), data)
    assert [(n.row, n.detail) for n in report.near_duplicates] == [
        (3, "与已有企业「外地集成商」（out-integrator）名称相近，已作为新企业导入，请人工判断是否同一家"),
        (5, f"与文件第 4 行「精工传动股份有限公司」（{report.new[1].company_id}）名称相近，已作为新企业导入，请人工判断是否同一家"),
    ]
    assert len(report.new) == 3 and report.duplicates == []


def test_segments_by_industry_code_name_and_first_items_are_core_with_evidence(data: Path, tmp_path: Path) -> None:
    import_companies(write_xlsx(tmp_path / "e.xlsx", [REDUCER, ROBOT]), data)
    assert segments_of(data, f"uscc-{CODE_A.lower()}") == [
        ("robot-reducer", "core", "减速机", "导入规则: 国标行业为 C3453；经营范围含「减速机」；企业名称含「减速机」"),
    ]
    # 工业机器人 by code; 伺服电机 (both 伺服 and 电机 of robot-servo) in the second item: core too.
    assert segments_of(data, f"uscc-{CODE_B.lower()}") == [
        ("robot-body", "core", "工业机器人", "导入规则: 国标行业为 C3491；经营范围含「工业机器人」"),
        ("robot-servo", "core", "伺服、电机", "导入规则: 经营范围含「伺服」；经营范围含「电机」"),
    ]


def test_a_sub_segment_match_replaces_its_parent(data: Path, tmp_path: Path) -> None:
    rows = [row("零部件测试有限公司", 经营范围="机器人零部件：减速器")]
    import_companies(write_xlsx(tmp_path / "e.xlsx", rows), data)
    report_id = rows_of(data / "companies.csv")[-1]["id"]
    assert [s[0] for s in segments_of(data, report_id)] == ["robot-reducer"]


def test_word_segmentation_stops_substring_misfires(data: Path, tmp_path: Path) -> None:
    rows = [row("机电测试有限公司", 经营范围="机电机械设备销售")]
    report = import_companies(write_xlsx(tmp_path / "e.xlsx", rows), data, dry_run=True)
    assert [n.detail for n in report.unmatched] == ["经营范围：机电机械设备销售"]
    # Without the segmenter (mapping: segmenter: false) plain substring matching finds 电机 in 机电机械.
    mapping = tmp_path / "map.yaml"
    mapping.write_text("segmenter: false\n", encoding="utf-8")
    report = import_companies(write_xlsx(tmp_path / "e.xlsx", rows), data, mapping_file=mapping)
    assert report.unmatched == []
    new_id = report.new[0].company_id
    assert new_id is not None
    assert segments_of(data, new_id) == [("robot-servo", "secondary", "电机", "导入规则: 经营范围（仅销售）含「电机」")]


def test_exclude_keywords_keep_a_company_out(data: Path, tmp_path: Path) -> None:
    rows = [row("电动车测试有限公司", 经营范围="电动车及电机销售")]
    report = import_companies(write_xlsx(tmp_path / "e.xlsx", rows), data)
    assert [(n.name, n.detail) for n in report.unmatched] == [("电动车测试有限公司", "排除词生效：电动车")]


def test_over_matched_companies_are_reported_with_their_keywords_and_not_assigned(data: Path, tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("max_segments: 2\n", encoding="utf-8")
    rows = [row("什么都做有限公司", 经营范围="减速器、伺服电机、硅片、晶圆、系统集成")]
    report = import_companies(write_xlsx(tmp_path / "e.xlsx", rows), data, mapping_file=mapping)
    assert [n.detail for n in report.over_matched] == [
        "5 个环节（上限 2）：robot-reducer「减速器」；robot-servo「伺服、电机」；chip-wafer「硅片」（仅一个宽泛关键词「硅片」）；"
        "chip-fab「晶圆」（仅一个宽泛关键词「晶圆」）；robot-integration「系统集成」"]
    new_id = report.new[0].company_id
    assert new_id is not None and segments_of(data, new_id) == []


def test_custom_mapping_for_another_layout(data: Path, tmp_path: Path) -> None:
    header = ["序号", "单位全称XX", "人数", "主要业务", "备注"]
    export = write_xlsx(tmp_path / "partner.xlsx", [[1, "伙伴推荐减速器有限公司", "12", "谐波减速器", "朋友推荐"]],
                        header, title=False, sheet="名单")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("sheet: 名单\nheader_row: 1\ncolumns:\n  单位全称XX: name\n  人数: employees\n"
                       "  主要业务: products\n  序号: ignore\n  地区: province\n", encoding="utf-8")
    report = import_companies(export, data, mapping_file=mapping)
    assert [(n.row, n.detail) for n in report.problems] == [(1, "映射文件中的列「地区」在表头中找不到")]
    assert report.columns == {"name": ["单位全称XX"], "employees": ["人数"], "products": ["主要业务"]}
    assert report.unknown_columns == ["备注"]
    new_id = report.new[0].company_id
    assert new_id is not None and company(data, new_id)["employees"] == "12"
    assert segments_of(data, new_id) == [
        ("robot-reducer", "core", "减速器", "导入规则: 主营产品含「减速器」；企业名称含「减速器」")]


def test_bad_mapping_file_is_an_error_with_its_line(data: Path, tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  单位: nmae\nheader_row: 0\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        import_companies(write_xlsx(tmp_path / "e.xlsx", [REDUCER]), data, mapping_file=mapping)
    assert [str(i) for i in caught.value.issues] == [
        "错误 map.yaml:2 [单位]: 字段「nmae」不存在；可用字段：name, uscc, former_names, aliases, status, legal_rep, "
        "registered_capital, founded, province, city, district, address, company_type, industry, employees, revenue, "
        "listing, listing_date, business_scope, tags, products, ignore",
        "错误 map.yaml:3 [header_row]: 「0」应为正整数",
    ]


def test_dry_run_leaves_every_file_byte_identical(data: Path, tmp_path: Path) -> None:
    before = snapshot(data)
    report = import_companies(write_xlsx(tmp_path / "e.xlsx", [REDUCER, ROBOT]), data, dry_run=True)
    assert snapshot(data) == before
    assert report.dry_run and not report.written and len(report.new) == 2 and report.segment_rows_added == 3
    assert report.summary().endswith("这是试运行（--dry-run），没有写入任何文件。")


def test_reimport_changes_nothing(data: Path, tmp_path: Path) -> None:
    export = write_xlsx(tmp_path / "e.xlsx", [REDUCER, ROBOT, row("机电测试有限公司", 经营范围="机电机械设备销售")])
    import_companies(export, data)
    after_first = snapshot(data)
    report = import_companies(export, data)
    assert snapshot(data) == after_first
    assert (len(report.new), len(report.updated), len(report.duplicates), report.written) == (0, 0, 3, False)
    assert report.segment_rows_added == report.segment_rows_removed == 0


def test_tuned_keywords_replace_the_rule_rows_on_reimport(data: Path, tmp_path: Path) -> None:
    export = write_xlsx(tmp_path / "e.xlsx", [ROBOT])
    import_companies(export, data)
    chains = data / "chains.yaml"
    chains.write_text(chains.read_text(encoding="utf-8").replace("keywords: [伺服, 电机]", "keywords: [伺服]"),
                      encoding="utf-8")
    report = import_companies(export, data)
    assert (report.segment_rows_added, report.segment_rows_removed) == (1, 1)
    assert segments_of(data, f"uscc-{CODE_B.lower()}")[1] == (
        "robot-servo", "core", "伺服", "导入规则: 经营范围含「伺服」")


def test_existing_rows_line_endings_and_quoting_are_kept(data: Path, tmp_path: Path) -> None:
    path = data / "companies.csv"
    original = path.read_text(encoding="utf-8").replace(
        "out-friend,伙伴的朋友,,,浙江省,杭州市,,private,,small,,test,",
        'out-friend,伙伴的朋友,,,浙江省,杭州市,,private,,small,,test,"手写备注，含逗号\n和换行"').replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + original.encode("utf-8"))
    import_companies(write_xlsx(tmp_path / "e.xlsx", [row("只有名字有限公司")]), data)
    new = path.read_bytes()
    assert new.startswith(b"\xef\xbb\xbf" + original.encode("utf-8"))  # no new column needed: pure append
    assert new.endswith("导入: e.xlsx,\r\n".encode())
    import_companies(write_xlsx(tmp_path / "e2.xlsx", [REDUCER]), data)  # now columns are added
    lines = path.read_bytes().decode("utf-8-sig").split("\r\n")
    assert lines[0] == ("id,name,aliases,uscc,province,city,district,ownership,listed,scale,tags,source,note,"
                        "registered_capital,founded,employees,industry_code,status,address")
    assert lines[1] == "loc-anchor,本地链主,链主,,河南省,洛阳市,测试区,central_soe,SH:601038,large,上市,test,,,,,,,"
    assert '"手写备注，含逗号\r\n和换行",,,,,,' in path.read_bytes().decode("utf-8-sig")
    assert load_valid(data)[1] == []


def test_a_crash_between_the_two_renames_leaves_the_old_files(data: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(data)
    real_replace = writing.os.replace
    calls: list[str] = []

    def replace_then_crash(src: str, dst: str) -> None:
        calls.append(str(dst))
        if len(calls) == 2:  # companies.csv is already swapped in; the process "dies" here
            raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr(writing.os, "replace", replace_then_crash)
    with pytest.raises(OSError, match="disk full"):
        import_companies(write_xlsx(tmp_path / "e.xlsx", [REDUCER]), data)
    monkeypatch.setattr(writing.os, "replace", real_replace)
    writing.recover(data)  # the backups are put back
    assert snapshot(data) == before


def test_an_interrupted_commit_is_rolled_back_by_the_next_import(data: Path, tmp_path: Path) -> None:
    before = snapshot(data)
    contents = {"companies.csv": b"half,written\n", "company_segments.csv": before["company_segments.csv"]}
    for name in contents:
        (data / f".{name}.import-old").write_bytes(before[name])
    (data / writing.JOURNAL).write_text(json.dumps(list(contents)), encoding="utf-8")
    (data / "companies.csv").write_bytes(contents["companies.csv"])  # died after the first rename
    report = import_companies(write_xlsx(tmp_path / "e.xlsx", [REDUCER]), data)
    assert report.recovered and report.written
    old_ids = [r["id"] for r in csv.DictReader(io.StringIO(before["companies.csv"].decode()))]
    assert [r["id"] for r in rows_of(data / "companies.csv")] == [*old_ids, f"uscc-{CODE_A.lower()}"]
    assert sorted(p.name for p in data.iterdir()) == sorted(before)


def test_no_name_column_is_an_error(data: Path, tmp_path: Path) -> None:
    export = write_xlsx(tmp_path / "e.xlsx", [["a", "b"]], ["编号", "电话"])
    with pytest.raises(ImportFileError) as caught:
        import_companies(export, data)
    assert [str(i) for i in caught.value.issues] == [
        "错误 e.xlsx: 前 20 行中找不到企业名称列（企业名称、公司名称、名称、企业名 等）；"
        "请用 --mapping 指定列，见 README「Importing companies」"]


def test_cli_bad_rows_are_reported_with_row_and_column_exit_2_and_nothing_written(data: Path, tmp_path: Path) -> None:
    before = snapshot(data)
    rows = [REDUCER, row("坏日期有限公司", 成立日期="明年", 参保人数="很多")]
    result = runner.invoke(app, ["import", "companies", str(write_xlsx(tmp_path / "e.xlsx", rows)), "--data", str(data)])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "错误 e.xlsx:4 [成立日期]: 成立日期「明年」不是日期（应如 2010-01-05）",
        "错误 e.xlsx:4 [参保人数]: 参保人数「很多」不是整数",
        "错误：导入文件有 2 处错误，未写入任何文件；请修正后重新导入（或用 --mapping 指定列）",
    ]
    assert snapshot(data) == before


def test_cli_unreadable_files_exit_2(data: Path, tmp_path: Path) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    binary = tmp_path / "binary.csv"
    binary.write_bytes("企业名称\n".encode() + b"\xff\xfe\x80\x81\n")
    for path, message in ((fake, "错误：导入文件有 1 处错误"), (binary, "错误：导入文件有 1 处错误")):
        result = runner.invoke(app, ["import", "companies", str(path), "--data", str(data)])
        assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.stderr
    result = runner.invoke(app, ["import", "companies", str(binary), "--data", str(data)])
    assert result.stderr.splitlines()[0] == ("错误 binary.csv:2: 文件编码无法识别（不是 UTF-8、GB18030 或 UTF-16）；"
                                             "请在 Excel/WPS 中另存为「CSV UTF-8（逗号分隔）」后再导入")


def test_cli_dry_run_report_then_import_then_validate_gaps_and_rank(data: Path, tmp_path: Path) -> None:
    export = str(write_xlsx(tmp_path / "e.xlsx", [REDUCER, ROBOT, row("吊销测试有限公司", 登记状态="吊销")]))
    result = runner.invoke(app, ["import", "companies", export, "--data", str(data), "--dry-run"])
    assert result.exit_code == 0, result.stderr
    assert "未识别（未导入）" in result.stdout and "联系电话" in result.stdout
    assert result.stdout.strip().splitlines()[-1].endswith("这是试运行（--dry-run），没有写入任何文件。")
    result = runner.invoke(app, ["import", "companies", export, "--data", str(data), "--format", "json"])
    report = json.loads(result.stdout)
    assert report["written"] is True and len(report["new"]) == 2 and len(report["skipped"]) == 1
    assert runner.invoke(app, ["validate", "--data", str(data)]).stdout.strip().endswith("0 个错误，0 个警告，校验通过")
    gaps = json.loads(runner.invoke(app, ["gaps", "--data", str(data), "--format", "json"]).stdout)
    reducer_gap = next(g for g in gaps if g["segment_id"] == "robot-reducer")
    assert (reducer_gap["local_companies"], reducer_gap["candidate_count"]) == ([], 3)  # 涧西区 is not 测试区
    ranked = json.loads(runner.invoke(app, ["rank", "--data", str(data), "--top", "0", "--format", "json"]).stdout)
    imported = {p["company_id"]: p for p in ranked if p["company_id"].startswith("uscc-")}
    assert set(imported) == {f"uscc-{CODE_A.lower()}", f"uscc-{CODE_B.lower()}"}
    assert "补链：填补缺链「减速器」（机器人，严重度" in imported[f"uscc-{CODE_A.lower()}"]["reasons"][0]


@pytest.mark.parametrize("module", ["columns", "names", "places", "values", "scale", "rules", "scope", "crosswalk"])
def test_docstring_examples(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"chainkg.importing.{module}"))
    assert result.failed == 0 and result.attempted > 0


def test_missing_sheet_foreign_capital_and_unknown_place(data: Path, tmp_path: Path) -> None:
    export = write_xlsx(tmp_path / "e.xlsx", [row("外资测试有限公司", 注册资本="100万美元", 所属省份="火星")], sheet="企业")
    with pytest.raises(ImportFileError) as caught:
        import_companies(export, data, sheet="名单")
    assert str(caught.value.issues[0]) == "错误 e.xlsx: 工作表「名单」不存在；已有：企业"
    report = import_companies(export, data, sheet="企业")
    assert [n.detail for n in report.problems] == [
        "注册资本「100万美元」不是人民币，未换算，已留空",
        "省份「火星」不是省级行政区的名称（应写全称，如 河南省、广西壮族自治区）"]


def test_import_companies_has_help() -> None:
    result = runner.invoke(app, ["import", "companies", "--help"])
    assert result.exit_code == 0
    assert all(option in result.stdout for option in ("--mapping", "--sheet", "--dry-run", "--data"))


def test_progress_bar_on_a_terminal(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    from chainkg.cli import importing as import_cli

    screen = io.StringIO()
    monkeypatch.setattr(import_cli, "err", Console(file=screen, force_terminal=True, width=100))
    export = write_text(tmp_path / "e.csv", [REDUCER, ROBOT], "utf-8")
    result = runner.invoke(app, ["import", "companies", str(export), "--data", str(data), "--dry-run"])
    assert result.exit_code == 0, result.stderr
    assert "读取 e.csv" in screen.getvalue() and "100%" in screen.getvalue()
