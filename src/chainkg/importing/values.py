"""Cell values of an export turned into the contract's values, each with what went wrong.

Every parser takes the cell text and returns ``(value, problem)``: a problem is a Chinese
sentence for the report; the value is None (or empty) when the cell cannot be used.
Placeholders exports use for "no data" (``-``, ``--``, ``暂无`` …) count as empty.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from chainkg.dataset.normalize import halfwidth, split_list
from chainkg.dataset.uscc import uscc_problem

__all__ = [
    "EXCHANGE_NAMES",
    "INACTIVE_STATUSES",
    "Listing",
    "is_empty",
    "is_inactive",
    "parse_capital",
    "parse_date",
    "parse_employees",
    "parse_industry_code",
    "parse_listing",
    "parse_number",
    "parse_ownership",
    "parse_revenue",
    "parse_tags",
    "parse_uscc",
]

INACTIVE_STATUSES = ("注销", "吊销", "停业", "清算")
_PLACEHOLDERS = {"", "-", "--", "---", "—", "——", "/", "无", "暂无", "未公开", "null", "none", "n/a", "nan"}


def is_empty(text: str) -> bool:
    """True for an empty cell or a placeholder such as ``-`` or ``暂无``."""
    return text.strip().lower() in _PLACEHOLDERS


def is_inactive(status: str) -> bool:
    """注销、吊销、停业、清算 (also inside 吊销，未注销 or 清算中) mean the firm cannot be a target.

    >>> is_inactive("存续（在营、开业、在册）"), is_inactive("吊销，未注销")
    (False, True)
    """
    return any(word in status for word in INACTIVE_STATUSES)


def parse_uscc(text: str) -> tuple[str | None, str | None]:
    """An upper-case USCC with a correct check digit, or None and why it was dropped."""
    if is_empty(text):
        return None, None
    code = halfwidth(text).strip().upper()
    problem = uscc_problem(code)
    if problem:
        return None, f"统一社会信用代码「{text}」无效（{problem}），已去掉代码、保留该行"
    return code, None


_NUMBER = re.compile(r"^[+]?\d+(\.\d+)?$")


def parse_number(text: str) -> float | None:
    """'1,234.5' → 1234.5; None when the text is not a plain non-negative number."""
    cleaned = halfwidth(text).replace(",", "").replace("，", "").strip()
    return float(cleaned) if _NUMBER.match(cleaned) else None


def _amount(pattern: re.Pattern[str], text: str, label: str,
            example: str) -> tuple[re.Match[str] | None, float | None, str | None]:
    """(match, number in group 1, problem) of an amount cell; no match for an empty or unreadable cell."""
    if is_empty(text):
        return None, None, None
    match = pattern.match(halfwidth(text).strip())
    amount = parse_number(match.group(1)) if match else None
    if match is None or amount is None:
        return None, None, f"{label}「{text}」不是金额（应如 {example}）"
    return match, amount, None


_CAPITAL = re.compile(r"^([\d.,，]+)\s*(亿|万)?\s*(元)?\s*(.*)$")
_RMB = {"", "人民币", "元人民币", "(人民币)", "（人民币）", "rmb", "cny"}


def parse_capital(text: str) -> tuple[float | None, str | None]:
    """注册资本 in 万元人民币: '5000万元人民币' → 5000.0, '1.2亿' → 12000.0, '300' → 300.0 (万元 assumed).

    Foreign-currency capital is not converted (no rate would be right for every date).

    >>> parse_capital("5000万元人民币"), parse_capital("1.2亿元"), parse_capital("100万美元")[0]
    ((5000.0, None), (12000.0, None), None)
    """
    match, amount, problem = _amount(_CAPITAL, text, "注册资本", "5000万元人民币")
    if match is None or amount is None:
        return None, problem
    unit, currency = match.group(2), match.group(4).strip().lower()
    if currency not in _RMB:
        return None, f"注册资本「{text}」不是人民币，未换算，已留空"
    return round(amount * 10000 if unit == "亿" else amount, 4), None


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(\s.*)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(text: str, label: str = "成立日期") -> tuple[str | None, str | None]:
    """'2010/1/5', '2010年1月5日', '20100105', '2010-01-05 00:00:00' → '2010-01-05'.

    >>> parse_date("2010年1月5日")
    ('2010-01-05', None)
    """
    if is_empty(text):
        return None, None
    cleaned = halfwidth(text).strip()
    match = _DATE.match(cleaned) or _COMPACT_DATE.match(cleaned)
    if match:
        year, month, day = (int(g) for g in match.groups()[:3])
        if 1800 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}", None
    return None, f"{label}「{text}」不是日期（应如 2010-01-05）"


_REVENUE = re.compile(r"^([\d.,，]+)\s*(亿元|万元|亿|万|元)?$")
_UNIT_FACTORS = {"元": 0.0001, "万元": 1.0, "亿元": 10000.0}


def parse_revenue(text: str, column_unit: str = "万元") -> tuple[float | None, str | None]:
    """营业收入 in 万元: '12.5亿元' → 125000.0, '3000万' → 3000.0; a bare number is in the column's unit.

    The unit comes from the header (营业收入（元）, 营业收入(亿元)); 万元 when the header names none.

    >>> parse_revenue("12.5亿元"), parse_revenue("450000000", "元"), parse_revenue("3000"), parse_revenue("50000元")
    ((125000.0, None), (45000.0, None), (3000.0, None), (5.0, None))
    """
    match, amount, problem = _amount(_REVENUE, text, "营业收入", "3000万元、12.5亿元")
    if match is None or amount is None:
        return None, problem
    unit = {"亿": "亿元", "万": "万元"}.get(match.group(2) or "", match.group(2) or column_unit)
    factor = _UNIT_FACTORS.get(unit, 1.0)
    return round(amount * factor, 4), None


def parse_employees(text: str) -> tuple[int | None, str | None]:
    """参保人数: '120' → 120, '1,024人' → 1024."""
    if is_empty(text):
        return None, None
    number = parse_number(halfwidth(text).strip().removesuffix("人"))
    if number is None or not number.is_integer():
        return None, f"参保人数「{text}」不是整数"
    return int(number), None


# GB/T 4754-2017 大类 (two digits) → 门类 letter.
_SECTION_BY_DIVISION = (
    (1, 5, "A"), (6, 12, "B"), (13, 43, "C"), (44, 46, "D"), (47, 50, "E"), (51, 52, "F"),
    (53, 60, "G"), (61, 62, "H"), (63, 65, "I"), (66, 69, "J"), (70, 70, "K"), (71, 72, "L"),
    (73, 75, "M"), (76, 79, "N"), (80, 82, "O"), (83, 83, "P"), (84, 85, "Q"), (86, 90, "R"),
    (91, 96, "S"), (97, 97, "T"),
)
# GB/T 4754-2017 门类 names → letter, for exports that give names without codes.
SECTION_NAMES = {
    "农、林、牧、渔业": "A", "采矿业": "B", "制造业": "C", "电力、热力、燃气及水生产和供应业": "D",
    "建筑业": "E", "批发和零售业": "F", "交通运输、仓储和邮政业": "G", "住宿和餐饮业": "H",
    "信息传输、软件和信息技术服务业": "I", "金融业": "J", "房地产业": "K", "租赁和商务服务业": "L",
    "科学研究和技术服务业": "M", "水利、环境和公共设施管理业": "N", "居民服务、修理和其他服务业": "O",
    "教育": "P", "卫生和社会工作": "Q", "文化、体育和娱乐业": "R", "公共管理、社会保障和社会组织": "S",
    "国际组织": "T",
}


def section_of(division: int) -> str | None:
    """The 门类 letter of a 大类 number: 34 → 'C'."""
    return next((letter for low, high, letter in _SECTION_BY_DIVISION if low <= division <= high), None)


# GB/T 4754-2017 大类 names → number, for exports that give the industry as words
# (国标行业: 专用设备制造业, or 制造业-专用设备制造业) instead of codes.
DIVISION_NAMES = {
    "农业": 1, "林业": 2, "畜牧业": 3, "渔业": 4, "农、林、牧、渔专业及辅助性活动": 5,
    "煤炭开采和洗选业": 6, "石油和天然气开采业": 7, "黑色金属矿采选业": 8, "有色金属矿采选业": 9,
    "非金属矿采选业": 10, "开采专业及辅助性活动": 11, "其他采矿业": 12, "农副食品加工业": 13, "食品制造业": 14,
    "酒、饮料和精制茶制造业": 15, "烟草制品业": 16, "纺织业": 17, "纺织服装、服饰业": 18,
    "皮革、毛皮、羽毛及其制品和制鞋业": 19, "木材加工和木、竹、藤、棕、草制品业": 20, "家具制造业": 21,
    "造纸和纸制品业": 22, "印刷和记录媒介复制业": 23, "文教、工美、体育和娱乐用品制造业": 24,
    "石油、煤炭及其他燃料加工业": 25, "化学原料和化学制品制造业": 26, "医药制造业": 27, "化学纤维制造业": 28,
    "橡胶和塑料制品业": 29, "非金属矿物制品业": 30, "黑色金属冶炼和压延加工业": 31,
    "有色金属冶炼和压延加工业": 32, "金属制品业": 33, "通用设备制造业": 34, "专用设备制造业": 35,
    "汽车制造业": 36, "铁路、船舶、航空航天和其他运输设备制造业": 37, "电气机械和器材制造业": 38,
    "计算机、通信和其他电子设备制造业": 39, "仪器仪表制造业": 40, "其他制造业": 41, "废弃资源综合利用业": 42,
    "金属制品、机械和设备修理业": 43, "电力、热力生产和供应业": 44, "燃气生产和供应业": 45,
    "水的生产和供应业": 46, "房屋建筑业": 47, "土木工程建筑业": 48, "建筑安装业": 49,
    "建筑装饰、装修和其他建筑业": 50, "批发业": 51, "零售业": 52, "铁路运输业": 53, "道路运输业": 54,
    "水上运输业": 55, "航空运输业": 56, "管道运输业": 57, "多式联运和运输代理业": 58, "装卸搬运和仓储业": 59,
    "邮政业": 60, "住宿业": 61, "餐饮业": 62, "电信、广播电视和卫星传输服务": 63, "互联网和相关服务": 64,
    "软件和信息技术服务业": 65, "货币金融服务": 66, "资本市场服务": 67, "保险业": 68, "其他金融业": 69,
    "房地产业": 70, "租赁业": 71, "商务服务业": 72, "研究和试验发展": 73, "专业技术服务业": 74,
    "科技推广和应用服务业": 75, "水利管理业": 76, "生态保护和环境治理业": 77, "公共设施管理业": 78,
    "土地管理业": 79, "居民服务业": 80, "机动车、电子产品和日用产品修理业": 81, "其他服务业": 82, "教育": 83,
    "卫生": 84, "社会工作": 85, "新闻和出版业": 86, "广播、电视、电影和录音制作业": 87, "文化艺术业": 88,
    "体育": 89, "娱乐业": 90, "中国共产党机关": 91, "国家机构": 92, "人民政协、民主党派": 93, "社会保障": 94,
    "群众团体、社会团体和其他成员组织": 95, "基层群众自治组织及其他组织": 96,
}
# GB/T 4754-2017 中类/小类 names → code, for the classes the bundled chains' ``industry_codes`` use and a few
# neighbours the labelled test export needs (工业机器人制造 → C3491). Names as the standard prints them.
SUBCLASS_NAMES = {
    "谷物种植": "A011", "猪的饲养": "A0313", "家禽饲养": "A032", "种子种苗培育活动": "A0511", "铜矿采选": "B0911",
    "饲料加工": "C132", "露天游乐场所游乐设备制造": "C2461", "游艺用品及室内游艺器材制造": "C2462",
    "原油加工及石油制品制造": "C2511", "有机化学原料制造": "C2614", "涂料制造": "C2641",
    "油墨及类似产品制造": "C2642", "化学药品原料药制造": "C2710", "兽用药品制造": "C2750", "涤纶纤维制造": "C2822",
    "水泥制造": "C3011", "砼结构构件制造": "C3022", "防水建筑材料制造": "C3033", "隔热和隔音材料制造": "C3034",
    "平板玻璃制造": "C3041", "玻璃纤维及制品制造": "C3061", "玻璃纤维增强塑料制品制造": "C3062",
    "耐火陶瓷制品及其他耐火材料制造": "C3089", "炼铁": "C3110", "炼钢": "C3120", "铜冶炼": "C3211",
    "铜压延加工": "C3251", "铝压延加工": "C3252", "锅炉及辅助设备制造": "C3411", "金属切削机床制造": "C3421",
    "滚动轴承制造": "C3451", "齿轮及齿轮减、变速箱制造": "C3453", "工业机器人制造": "C3491",
    "特殊作业机器人制造": "C3492", "矿山机械制造": "C3511", "拖拉机制造": "C3571", "机械化农业及园艺机具制造": "C3572",
    "农林牧渔机械配件制造": "C3576", "环境保护专用设备制造": "C3591", "汽柴油车整车制造": "C3611",
    "新能源车整车制造": "C3612", "高铁车组制造": "C3711", "铁路机车车辆制造": "C3712", "飞机制造": "C3741",
    "航天器及运载火箭制造": "C3742", "微特电机及组件制造": "C3812", "电线、电缆制造": "C3831", "光纤制造": "C3832",
    "光缆制造": "C3833", "锂离子电池制造": "C3841", "信息安全设备制造": "C3915", "可穿戴智能设备制造": "C3961",
    "服务消费机器人制造": "C3964", "半导体分立器件制造": "C3972", "集成电路制造": "C3973", "光电子器件制造": "C3976",
    "金属废料和碎屑加工处理": "C4210", "旅游饭店": "H6110", "民宿服务": "H6130", "露营地服务": "H6140",
    "卫星传输服务": "I633", "互联网数据服务": "I6450", "基础软件开发": "I6511", "应用软件开发": "I6513",
    "信息系统集成服务": "I6531", "节能技术推广服务": "M7514", "环境治理业": "N772", "游乐园": "R9020",
}
_CODE = re.compile(r"(?<![A-Za-z0-9])([A-T])?\s?(\d{2,4})(?![0-9])")
_NAME_PARTS = re.compile(r"\s*(?:[-－—>＞/|｜·]|\s)\s*")
_NAME_PUNCTUATION = re.compile(r"[、，,\s]|^[A-T](?=[^A-Za-z0-9])")  # C制造业 → 制造业


def _name_key(text: str) -> str:
    return _NAME_PUNCTUATION.sub("", text)


# Names compared without their 、 and spaces: 计算机通信和其他电子设备制造业 is 计算机、通信和…
_INDUSTRY_BY_NAME: dict[str, str] = {
    **{_name_key(name): letter for name, letter in SECTION_NAMES.items()},
    **{_name_key(name): f"{section_of(number)}{number:02d}" for name, number in DIVISION_NAMES.items()},
    **{_name_key(name): code for name, code in SUBCLASS_NAMES.items()},
}


def _more_specific(best: str | None, code: str) -> str:
    if best is None or (len(code) > len(best) and code.startswith(best[:1])):
        return code
    return best


def parse_industry_code(texts: list[str]) -> str | None:
    """The most specific GB/T 4754-2017 code in the industry cells, with its 门类 letter; else from 门类, 大类
    or 小类 names.

    >>> parse_industry_code(["制造业", "通用设备制造业(C34)", "C3491 工业机器人制造"])
    'C3491'
    >>> parse_industry_code(["3491"]), parse_industry_code(["制造业"]), parse_industry_code(["制造业-专用设备制造业"])
    ('C3491', 'C', 'C35')
    >>> parse_industry_code(["制造业-通用设备制造业-工业机器人制造"])
    'C3491'
    """
    best: str | None = None
    for text in texts:
        for letter, digits in _CODE.findall(halfwidth(text)):
            section = section_of(int(digits[:2]))
            if section is not None and (not letter or letter == section):
                best = _more_specific(best, section + digits)
    if best is not None:
        return best
    for text in texts:
        for part in _NAME_PARTS.split(halfwidth(text).strip()):
            code = _INDUSTRY_BY_NAME.get(_name_key(part))
            if code is not None:
                best = _more_specific(best, code)
    return best


_LISTING = (
    (re.compile(r"^(\d{6})\.?(SH|SS)$"), "SH"), (re.compile(r"^(SH|SS)\.?(\d{6})$"), "SH"),
    (re.compile(r"^(\d{6})\.?SZ$"), "SZ"), (re.compile(r"^SZ\.?(\d{6})$"), "SZ"),
    (re.compile(r"^(\d{6})\.?BJ$"), "BJ"), (re.compile(r"^BJ\.?(\d{6})$"), "BJ"),
    (re.compile(r"^(\d{6})\.?(NQ|OC|NEEQ)$"), "NQ"),
    (re.compile(r"^(\d{4,5})\.?HK$"), "HK"), (re.compile(r"^HK\.?(\d{4,5})$"), "HK"),
)
_BARE_CODE = re.compile(r"^\d{1,6}$")
# Bare six-digit codes by their first digits (exchange numbering rules): 60/68/90 上交所 (主板/科创板/B 股),
# 00/30/20 深交所 (主板/创业板/B 股), 92 and the 4/8 codes carried over from 新三板 北交所.
_PREFIXES = (("60", "SH"), ("68", "SH"), ("90", "SH"), ("00", "SZ"), ("30", "SZ"), ("20", "SZ"),
             ("92", "BJ"), ("4", "BJ"), ("8", "BJ"))
# Words of an exchange / board column, most specific first (上海证券交易所 before 证券交易所).
_EXCHANGE_WORDS = (
    ("上海证券交易所", "SH"), ("上交所", "SH"), ("沪市", "SH"), ("科创板", "SH"),
    ("深圳证券交易所", "SZ"), ("深交所", "SZ"), ("深市", "SZ"), ("创业板", "SZ"), ("中小板", "SZ"),
    ("北京证券交易所", "BJ"), ("北交所", "BJ"), ("北证", "BJ"),
    ("香港联合交易所", "HK"), ("香港交易所", "HK"), ("港交所", "HK"), ("联交所", "HK"), ("港股", "HK"),
    ("全国中小企业股份转让系统", "NQ"), ("新三板", "NQ"),
)
EXCHANGE_NAMES = {"SH": "上海证券交易所", "SZ": "深圳证券交易所", "BJ": "北京证券交易所", "HK": "香港联合交易所",
                  "NQ": "全国中小企业股份转让系统"}
_LISTED_WORDS = ("A股", "B股", "H股", "港股", "美股", "新三板", "科创板", "创业板", "北交所", "主板", "中概股", "上市",
                 "交易所", "北证", "沪市", "深市")
_NOT_LISTED_WORDS = ("未上市", "非上市", "退市", "终止上市", "暂停上市")


class Listing(NamedTuple):
    """What the listing cells of a row say: codes in the contract's form, listed or not, and what was unclear."""

    codes: tuple[str, ...]
    listed: bool
    problems: tuple[str, ...]


def _says_listed(text: str) -> bool:
    """'A股（正常上市）' and '港股' say listed; '未上市' and '已退市' do not."""
    return any(w in text for w in _LISTED_WORDS) and not any(w in text for w in _NOT_LISTED_WORDS)


def _exchange_of(text: str) -> str | None:
    return next((exchange for word, exchange in _EXCHANGE_WORDS if word in text), None)


def _bare_code(number: str, hints: dict[str, str], problems: list[str]) -> str | None:
    """A bare code with the exchange its prefix gives it, checked against the row's exchange column.

    ``hints`` maps the exchanges the row's other cells name to the word that named them.
    """
    if len(number) < 6:  # a HK code, or an A-share code whose leading zeros Excel dropped
        a_shares = [ex for ex in hints if ex in {"SH", "SZ", "BJ"}]
        if "HK" in hints:
            return f"HK:{number.zfill(5)}"
        if len(a_shares) != 1:
            problems.append(f"股票代码「{number}」不足 6 位且没有交易所，无法判断（Excel 可能去掉了开头的 0）")
            return None
        number = number.zfill(6)
    if "NQ" in hints and number.startswith(("4", "8")):
        return f"NQ:{number}"
    by_prefix = next((ex for prefix, ex in _PREFIXES if number.startswith(prefix)), None)
    if by_prefix is None:
        problems.append(f"股票代码「{number}」不是沪深北交易所股票代码的开头（60/68/00/30/4/8/92），未写入")
        return None
    named = {ex: word for ex, word in hints.items() if ex in {"SH", "SZ", "BJ"}}
    if named and by_prefix not in named:
        said = "、".join(named.values())
        problems.append(f"股票代码「{number}」按代码规则属{EXCHANGE_NAMES[by_prefix]}，与「{said}」不符，未写入")
        return None
    return f"{by_prefix}:{number}"


def parse_listing(texts: list[str]) -> Listing:
    """Stock codes in the contract's form (``SH:600028``) from any common spelling, and whether listed.

    Bare codes take the exchange of the row's exchange/board column, else of their prefix.

    >>> parse_listing(["A股", "600028.SH|00386.HK"])
    Listing(codes=('SH:600028', 'HK:00386'), listed=True, problems=())
    >>> parse_listing(["600519"]).codes, parse_listing(["sh600519"]).codes, parse_listing(["2415", "深交所"]).codes
    (('SH:600519',), ('SH:600519',), ('SZ:002415',))
    >>> parse_listing(["A股（正常上市）"]).listed, parse_listing(["未上市"]).listed, parse_listing(["已退市"]).listed
    (True, False, False)
    """
    parts = [part for text in texts for part in split_list(halfwidth(text).upper().replace(" ", ""))
             if not is_empty(part)]
    hints: dict[str, str] = {}
    for part in parts:
        exchange = _exchange_of(part)
        if exchange is not None:
            hints.setdefault(exchange, part)
    codes: list[str] = []
    problems: list[str] = []
    listed = not_listed = False
    for part in parts:
        match = next(((m, ex) for pattern, ex in _LISTING if (m := pattern.match(part))), None)
        if match is not None:
            number = next(g for g in match[0].groups() if g.isdigit())
            codes.append(f"{match[1]}:{number.zfill(5) if match[1] == 'HK' else number}")
        elif _BARE_CODE.match(part):
            code = _bare_code(part, hints, problems)
            if code is not None:
                codes.append(code)
        elif _exchange_of(part) or _says_listed(part):
            listed = True
        elif any(w in part for w in _NOT_LISTED_WORDS):
            not_listed = True
        else:
            problems.append(f"上市信息「{part}」无法识别")
    if listed and not codes and not problems and not not_listed:
        problems.append("有上市信息但没有股票代码（评分的「上市」一项需要代码）")
    return Listing(tuple(dict.fromkeys(codes)), listed or bool(codes), tuple(problems))


# Qualification tags in the words scoring.yaml knows (小巨人 / 专精特新 / 高新技术企业 …).
_TAG_CANONICAL = (
    (re.compile(r"小巨人"), "小巨人"),
    (re.compile(r"专精特新"), "专精特新"),
    (re.compile(r"高新技术企业|^高企$|高新企业"), "高新技术企业"),
    (re.compile(r"独角兽"), "独角兽"),
    (re.compile(r"瞪羚"), "瞪羚"),
    (re.compile(r"科技型中小企业"), "科技型中小企业"),
)


def parse_tags(texts: list[str]) -> tuple[str, ...]:
    """Tags split on | , ， 、 ; ； with qualification names folded to one spelling.

    >>> parse_tags(['专精特新"小巨人"企业；高新技术企业', "瞪羚企业|独角兽"])
    ('小巨人', '高新技术企业', '瞪羚', '独角兽')
    """
    tags: list[str] = []
    for text in texts:
        for part in split_list(halfwidth(text)):
            tag = next((name for pattern, name in _TAG_CANONICAL if pattern.search(part)),
                       part.replace('"', "").replace("“", "").replace("”", ""))
            tags.append(tag)
    return tuple(dict.fromkeys(t for t in tags if t and not is_empty(t)))


def parse_ownership(company_type: str) -> str | None:
    """企业类型 → ownership, only where the type says it: 外商/台港澳 → foreign, 自然人/私营 → private.

    State ownership is left empty: the type does not say whether it is central or local.
    """
    if any(w in company_type for w in ("外商", "外国", "台港澳", "中外合资", "中外合作", "港澳台")):
        return "foreign"
    if any(w in company_type for w in ("自然人", "私营", "个人独资", "个体")):
        return "private"
    return None
