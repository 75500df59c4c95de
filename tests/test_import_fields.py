"""chainkg import companies, issue #18 items 1 and 3: what the score needs survives an import, and the
de-duplication recognises renamed firms without crying wolf over 重庆银行 and 江苏银行.

Exports are hand-made in the two layouts real exports use: an A-share list (公司全称/证券简称 or
股票简称/股票代码/交易所/上市板块/上市日期/申万行业) and an enterprise-registry export (企业名称/统一社会信用代码/
经营范围/国标行业/参保人数/注册资本/营业收入/所属省份/所属城市/所属区县/注册地址/曾用名).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from chainkg.dataset.load import load_valid
from chainkg.importing import import_companies
from chainkg.importing.names import near_name
from chainkg.importing.places import place_from_address, place_from_uscc
from chainkg.importing.scale import nbs_scale
from chainkg.importing.values import parse_industry_code, parse_listing
from import_helpers import rules_data, uscc, write_text, write_xlsx

A_SHARE = ["公司全称", "证券简称", "股票代码", "交易所", "上市板块", "上市日期", "申万行业"]
REGISTRY = ["企业名称", "统一社会信用代码", "经营范围", "国标行业", "参保人数", "注册资本", "营业收入", "所属省份",
            "所属城市", "所属区县", "注册地址", "曾用名"]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return rules_data(tmp_path / "data")


def companies(data: Path) -> dict[str, dict[str, str]]:
    rows = csv.DictReader(io.StringIO((data / "companies.csv").read_text(encoding="utf-8")))
    return {r["name"]: r for r in rows}


def registry_row(name: str, **values: object) -> list[object]:
    return [name, *[values.get(column, "") for column in REGISTRY[1:]]]


# --- item 1: listing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("short_header", ["证券简称", "股票简称"])
def test_an_a_share_list_keeps_codes_listing_tag_and_short_names(data: Path, tmp_path: Path,
                                                                 short_header: str) -> None:
    header = [short_header if h == "证券简称" else h for h in A_SHARE]
    rows = [
        ["示例白酒股份有限公司", "示例白酒", "600519", "上海证券交易所", "主板", "2001-08-27", "食品饮料"],
        ["示例银行股份有限公司", "示例银行", "000001", "深圳证券交易所", "主板", "1991-04-03", "银行"],
        ["示例电池股份有限公司", "示例电池", "300750", "深圳证券交易所", "创业板", "2018-06-11", "电力设备"],
        ["示例芯片股份有限公司", "示例芯片", "688981", "上海证券交易所", "科创板", "2020-07-16", "电子"],
        ["示例精密股份有限公司", "示例精密", "920001", "北京证券交易所", "北证", "2021-11-15", "机械设备"],
    ]
    report = import_companies(write_text(tmp_path / "a股.csv", rows, "utf-8-sig", header=header), data)
    imported = companies(data)
    assert [(imported[r[0]]["listed"], imported[r[0]]["tags"], imported[r[0]]["aliases"]) for r in rows] == [
        ("SH:600519", "上市", "示例白酒"), ("SZ:000001", "上市", "示例银行"), ("SZ:300750", "上市", "示例电池"),
        ("SH:688981", "上市", "示例芯片"), ("BJ:920001", "上市", "示例精密")]
    assert report.columns["aliases"] == [short_header]
    assert report.listing_dates == {report.new[0].company_id: "2001-08-27", report.new[1].company_id: "1991-04-03",
                                    report.new[2].company_id: "2018-06-11", report.new[3].company_id: "2020-07-16",
                                    report.new[4].company_id: "2021-11-15"}
    assert report.unread_counts()["listing"] == 0
    assert load_valid(data)[1] == []


@pytest.mark.parametrize(("cells", "codes"), [
    (["600519"], ("SH:600519",)), (["688981"], ("SH:688981",)), (["000001"], ("SZ:000001",)),
    (["300750"], ("SZ:300750",)), (["830799"], ("BJ:830799",)), (["430047"], ("BJ:430047",)),
    (["920001"], ("BJ:920001",)), (["600519.SH"], ("SH:600519",)), (["SH600519"], ("SH:600519",)),
    (["sh600519"], ("SH:600519",)), (["６００５１９"], ("SH:600519",)), (["000001.SZ"], ("SZ:000001",)),
    (["00700", "香港联合交易所"], ("HK:00700",)), (["700", "港交所"], ("HK:00700",)),
    (["2415", "深圳证券交易所"], ("SZ:002415",)),  # Excel dropped the leading zeros of 002415
    (["430047", "新三板"], ("NQ:430047",)),
])
def test_listing_codes_in_every_common_form(cells: list[str], codes: tuple[str, ...]) -> None:
    listing = parse_listing(cells)
    assert (listing.codes, listing.listed, listing.problems) == (codes, True, ())


@pytest.mark.parametrize(("cells", "problem"), [
    (["2415"], "股票代码「2415」不足 6 位且没有交易所，无法判断（Excel 可能去掉了开头的 0）"),
    (["600519", "深圳证券交易所"], "股票代码「600519」按代码规则属上海证券交易所，与「深圳证券交易所」不符，未写入"),
    (["123456"], "股票代码「123456」不是沪深北交易所股票代码的开头（60/68/00/30/4/8/92），未写入"),
    (["上海证券交易所"], "有上市信息但没有股票代码（评分的「上市」一项需要代码）"),
    (["正常交易中的某种状态"], "上市信息「正常交易中的某种状态」无法识别"),
])
def test_unreadable_listing_is_explained(cells: list[str], problem: str) -> None:
    assert parse_listing(cells).problems == (problem,)


def test_not_listed_is_read_without_a_warning() -> None:
    listing = parse_listing(["未上市"])
    assert (listing.codes, listing.listed, listing.problems) == ((), False, ())


def test_every_row_whose_listing_place_or_size_cannot_be_read_is_warned_and_counted(data: Path,
                                                                                    tmp_path: Path) -> None:
    rows = [
        ["示例一号股份有限公司", "示例一号", "2415", "", "", "", ""],  # no exchange for a short code
        ["示例二号股份有限公司", "示例二号", "600519", "深圳证券交易所", "", "", ""],  # contradiction
        ["示例三号股份有限公司", "示例三号", "600000", "上海证券交易所", "主板", "去年", ""],  # bad date: a problem
    ]
    report = import_companies(write_text(tmp_path / "a.csv", rows, "utf-8", header=A_SHARE), data, dry_run=True)
    assert [(n.row, n.detail) for n in report.unread] == [
        (2, "上市：股票代码「2415」不足 6 位且没有交易所，无法判断（Excel 可能去掉了开头的 0）；地点：没有省份/城市列、"
            "地址或统一社会信用代码可读；规模：没有国标行业"),
        (3, "上市：股票代码「600519」按代码规则属上海证券交易所，与「深圳证券交易所」不符，未写入；"
            "地点：没有省份/城市列、地址或统一社会信用代码可读；规模：没有国标行业"),
        (4, "地点：没有省份/城市列、地址或统一社会信用代码可读；规模：没有国标行业"),
    ]
    assert [(n.row, n.detail) for n in report.problems] == [(4, "上市日期「去年」不是日期（应如 2010-01-05），已略过")]
    assert report.unread_counts() == {"listing": 2, "place": 3, "scale": 3}
    assert "未能读出：上市 2 行、地点 3 行、规模 3 行" in report.summary()


# --- item 1: place ----------------------------------------------------------------------------------------


def test_place_from_columns_else_address_else_uscc(data: Path, tmp_path: Path) -> None:
    rows = [
        registry_row("列有地点有限公司", 所属省份="江苏", 所属城市="无锡", 统一社会信用代码=uscc("91410300MA0000A01")),
        registry_row("地址有地点有限公司", 注册地址="江苏省苏州市工业园区星湖街328号"),
        registry_row("直辖市地址有限公司", 注册地址="上海市浦东新区张江路1号"),
        registry_row("自贸区地址有限公司", 注册地址="中国（上海）自由贸易试验区某路1号"),
        registry_row("地级市开头有限公司", 注册地址="洛阳市涧西区某路2号"),
        registry_row("只有省份列有限公司", 所属省份="江苏省", 注册地址="江苏省南京市玄武区某路3号"),
        registry_row("代码有地点有限公司", 统一社会信用代码=uscc("91320500MA0000A02")),
        registry_row("北京代码有限公司", 统一社会信用代码=uscc("91110108MA0000A03")),
        registry_row("省级登记有限公司", 统一社会信用代码=uscc("91410000MA0000A04")),
        registry_row("全国登记有限公司", 统一社会信用代码=uscc("91100000MA0000A05")),
    ]
    report = import_companies(write_xlsx(tmp_path / "r.xlsx", rows, REGISTRY), data)
    imported = companies(data)
    assert {r[0]: (imported[r[0]]["province"], imported[r[0]]["city"], imported[r[0]]["district"]) for r in rows} == {
        "列有地点有限公司": ("江苏省", "无锡市", ""),  # the columns win over the USCC's 洛阳
        "地址有地点有限公司": ("江苏省", "苏州市", ""),
        "直辖市地址有限公司": ("上海市", "上海市", ""),
        "自贸区地址有限公司": ("上海市", "上海市", ""),
        "地级市开头有限公司": ("河南省", "洛阳市", "涧西区"),
        "只有省份列有限公司": ("江苏省", "南京市", ""),
        "代码有地点有限公司": ("江苏省", "苏州市", ""),
        "北京代码有限公司": ("北京市", "北京市", ""),
        "省级登记有限公司": ("河南省", "", ""),
        "全国登记有限公司": ("", "", ""),
    }
    place_notes = [n.name for n in report.unread if "地点" in n.detail]
    assert place_notes == ["全国登记有限公司"]
    assert report.place_sources == {"地址": 5, "统一社会信用代码": 3}
    assert load_valid(data)[1] == []


def test_place_helpers() -> None:
    assert place_from_address("吉林省吉林市船营区某路") == ("吉林省", "吉林市", "")
    assert place_from_address("吉林市船营区某路") == ("吉林省", "吉林市", "")
    assert place_from_address("广西南宁市青秀区") == ("广西壮族自治区", "南宁市", "")
    assert place_from_address("苏州工业园区某路") == ("", "", "")  # a short city name alone is too weak
    assert place_from_address("某某路1号") == ("", "", "")
    assert place_from_uscc(uscc("91440300MA0000A06")) == ("广东省", "深圳市")
    assert place_from_uscc(uscc("91500000MA0000A07")) == ("重庆市", "重庆市")
    assert place_from_uscc(uscc("91371200MA0000A08")) == ("山东省", "")  # 莱芜市, merged into 济南 in 2019


# --- item 1: size -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("texts", "code"), [
    (["专用设备制造业"], "C35"),
    (["制造业-计算机、通信和其他电子设备制造业"], "C39"),
    (["制造业 > 汽车制造业"], "C36"),
    (["软件和信息技术服务业"], "I65"),
    (["C 制造业"], "C"),
    (["批发和零售业", "批发业"], "F51"),
])
def test_industry_names_map_to_codes(texts: list[str], code: str) -> None:
    assert parse_industry_code(texts) == code


@pytest.mark.parametrize(("code", "employees", "revenue", "scale"), [
    ("P8331", 500, 50000.0, "unknown"),  # 教育 is outside the NBS rule
    ("Q8411", 500, 50000.0, "unknown"),  # 卫生 too
    ("Q8510", 150, None, "medium"),  # 社会工作 is an 其他未列明行业: staff only
    ("K7020", 1200, 6000.0, "large"),  # 物业管理
    ("K7010", 1200, 6000.0, "unknown"),  # 房地产开发经营 needs 资产总额
    ("G5411", 400, 5000.0, "medium"),  # 道路运输
    ("G5920", 150, 5000.0, "medium"),  # 仓储
    ("G5910", 400, 5000.0, "medium"),  # 装卸搬运 is 交通运输业
    ("G5310", 5000, 1e6, "unknown"),  # 铁路运输 is excluded
    ("G6010", 400, 2500.0, "medium"),  # 邮政
])
def test_scale_covers_the_whole_nbs_table(code: str, employees: int, revenue: float | None, scale: str) -> None:
    assert nbs_scale(code, employees, revenue) == scale


def test_size_from_industry_names_and_revenue_in_yi_or_yuan(data: Path, tmp_path: Path) -> None:
    header = [*REGISTRY[:6], "营业收入（元）", *REGISTRY[7:]]
    rows = [
        registry_row("名称行业大型有限公司", 国标行业="专用设备制造业", 参保人数=1200, 营业收入="450000000"),
        registry_row("亿元中型有限公司", 国标行业="通用设备制造业", 参保人数=400, 营业收入="2.5亿"),
    ]
    import_companies(write_xlsx(tmp_path / "r.xlsx", rows, header), data)
    imported = companies(data)
    assert (imported["名称行业大型有限公司"]["scale"], imported["名称行业大型有限公司"]["industry_code"]) == ("large", "C35")
    # 营业收入（元） says 元: 2.5亿 is read as written, the unit of the column does not apply to 亿
    assert imported["亿元中型有限公司"]["scale"] == "medium"


def test_revenue_in_yi_without_a_unit_column(data: Path, tmp_path: Path) -> None:
    rows = [registry_row("亿元大型有限公司", 国标行业="C3491", 参保人数=1500, 营业收入="12.5亿元")]
    report = import_companies(write_xlsx(tmp_path / "r.xlsx", rows, REGISTRY), data)
    assert companies(data)["亿元大型有限公司"]["scale"] == "large"
    assert report.unread_counts()["scale"] == 0


# --- item 3: de-duplication -------------------------------------------------------------------------------


def test_a_renamed_listed_firm_matches_by_code_and_keeps_its_other_name(data: Path, tmp_path: Path) -> None:
    # tiny/: loc-anchor 本地链主 (SH:601038, hand-entered) and out-reducer 外地减速器 (SH:688017)
    rows = [["洛阳新名智能装备股份有限公司", "新名智能", "601038", "上海证券交易所", "主板", "", ""],
            ["苏州减速科技股份有限公司", "外地减速器", "", "", "", "", ""]]  # its 证券简称 is an existing name
    report = import_companies(write_text(tmp_path / "a.csv", rows, "utf-8", header=A_SHARE), data)
    assert [(n.company_id, n.detail.split("；")[0]) for n in report.updated] == [
        ("loc-anchor", "与「本地链主」股票代码 SH:601038 相同"),
        ("out-reducer", "与「外地减速器」简称「外地减速器」相同")]
    assert report.new == [] and report.near_duplicates == []
    anchor = companies(data)["本地链主"]  # a hand-entered record keeps its name; the new one joins the aliases
    assert anchor["aliases"] == "链主|洛阳新名智能装备股份有限公司|新名智能"


def test_a_renamed_imported_firm_takes_the_new_name_and_keeps_the_old_as_alias(data: Path, tmp_path: Path) -> None:
    first = [["示例北人机器人系统股份有限公司", "示例北人", "688218", "上海证券交易所", "科创板", "", ""]]
    import_companies(write_text(tmp_path / "old.csv", first, "utf-8", header=A_SHARE), data)
    second = [["示例北人智能制造科技股份有限公司", "示例北人", "688218.SH", "", "", "", ""]]
    report = import_companies(write_text(tmp_path / "new.csv", second, "utf-8", header=A_SHARE), data)
    assert report.new == [] and len(report.updated) == 1
    renamed = companies(data)["示例北人智能制造科技股份有限公司"]
    assert (renamed["listed"], renamed["aliases"]) == ("SH:688218", "示例北人|示例北人机器人系统股份有限公司")
    again = import_companies(write_text(tmp_path / "new.csv", second, "utf-8", header=A_SHARE), data)
    assert (again.new, again.updated, again.written) == ([], [], False)  # idempotent


def test_same_code_twice_in_one_file_is_a_duplicate(data: Path, tmp_path: Path) -> None:
    rows = [["示例甲股份有限公司", "示例甲", "600100", "", "", "", ""],
            ["示例甲新名股份有限公司", "", "SH600100", "", "", "", ""]]
    report = import_companies(write_text(tmp_path / "a.csv", rows, "utf-8", header=A_SHARE), data, dry_run=True)
    assert [n.detail for n in report.duplicates] == ["与文件第 2 行股票代码 SH:600100 相同，未重复导入"]


def test_place_prefix_and_generic_tail_alone_are_not_near_duplicates(data: Path, tmp_path: Path) -> None:
    rows = [registry_row(name) for name in (
        "重庆银行股份有限公司", "江苏银行股份有限公司", "重庆钢铁股份有限公司", "南京钢铁股份有限公司",
        "深圳燃气集团股份有限公司", "重庆燃气集团股份有限公司", "重庆农村商业银行股份有限公司",
        "江苏农村商业银行股份有限公司", "湖南出版传媒股份有限公司", "江西出版传媒股份有限公司")]
    report = import_companies(write_xlsx(tmp_path / "r.xlsx", rows, REGISTRY), data, dry_run=True)
    assert report.near_duplicates == [] and len(report.new) == 10


def test_genuine_near_duplicates_are_still_flagged(data: Path, tmp_path: Path) -> None:
    rows = [registry_row(name) for name in (
        "示例谐波传动科技（苏州）有限公司", "苏州示例谐波传动有限公司", "示例华菱钢铁股份有限公司",
        "湖南示例华菱钢铁集团有限公司", "重庆示例银行股份有限公司", "示例银行有限公司")]
    report = import_companies(write_xlsx(tmp_path / "r.xlsx", rows, REGISTRY), data, dry_run=True)
    assert [(n.row, n.detail.split("」")[0]) for n in report.near_duplicates] == [
        (4, "与文件第 3 行「示例谐波传动科技（苏州）有限公司"), (6, "与文件第 5 行「示例华菱钢铁股份有限公司"),
        (8, "与文件第 7 行「重庆示例银行股份有限公司")]


@pytest.mark.parametrize(("a", "b", "near"), [
    ("重庆银行股份有限公司", "江苏银行股份有限公司", False),
    ("北京银行", "上海银行", False),
    # pairs of the bundled companies the old key flagged: the same trade, different places
    ("无锡机床股份有限公司", "上海机床厂有限公司", False),
    ("哈尔滨轴承集团有限公司", "洛阳轴承集团股份有限公司", False),
    ("江西铜业股份有限公司", "云南铜业股份有限公司", False),
    ("河南某某科技（集团）有限公司", "某某有限公司", True),
    ("河南洛阳某某有限公司", "洛阳某某科技有限公司", True),
    ("洛阳中信重工机械股份有限公司", "中信重工机械有限公司", True),
    ("重庆示例银行股份有限公司", "示例银行有限公司", True),
])
def test_near_names_share_the_distinctive_part_and_no_two_places(a: str, b: str, near: bool) -> None:
    assert near_name(a).near(near_name(b)) is near


def test_a_matched_record_that_already_has_place_and_size_is_not_warned_about(data: Path, tmp_path: Path) -> None:
    # out-reducer (外地减速器) has 江苏省/苏州市 and scale large; the row only brings its code
    rows = [["外地减速器", "", "688017", "", "", "", ""]]
    report = import_companies(write_text(tmp_path / "a.csv", rows, "utf-8", header=A_SHARE), data, dry_run=True)
    assert [n.company_id for n in report.duplicates] == ["out-reducer"]
    assert report.unread == [] and report.unread_counts() == {"listing": 0, "place": 0, "scale": 0}


def test_a_hand_entered_record_gets_no_second_spelling_of_a_name(data: Path, tmp_path: Path) -> None:
    path = data / "companies.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("loc-small,本地小厂,,", "loc-small,本地小厂,本地小厂(集团)有限公司,"),
                    encoding="utf-8")
    rows = [registry_row("本地小厂（集团）有限公司", 曾用名="本地小厂")]
    report = import_companies(write_xlsx(tmp_path / "r.xlsx", rows, REGISTRY), data)
    assert [(n.company_id, n.detail) for n in report.duplicates] == [
        ("loc-small", "与已有企业「本地小厂」名称相同，无变化")]
    assert companies(data)["本地小厂"]["aliases"] == "本地小厂(集团)有限公司"


def test_cli_counts_where_places_came_from(data: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from chainkg.cli.main import app

    rows = [registry_row("地址有地点有限公司", 注册地址="江苏省苏州市工业园区星湖街328号"),
            registry_row("代码有地点有限公司", 统一社会信用代码=uscc("91320500MA0000A02"))]
    export = write_xlsx(tmp_path / "r.xlsx", rows, REGISTRY)
    result = CliRunner().invoke(app, ["import", "companies", str(export), "--data", str(data), "--dry-run"])
    assert result.exit_code == 0, result.stderr
    assert "地点取自：地址 / 统一社会信用代码" in result.stdout and "1 / 1" in result.stdout
