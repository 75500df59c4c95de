"""Cell values of an export turned into the contract's values, each with what went wrong.

Every parser takes the cell text and returns ``(value, problem)``: a problem is a Chinese
sentence for the report; the value is None (or empty) when the cell cannot be used.
Placeholders exports use for "no data" (``-``, ``--``, ``暂无`` …) count as empty.
"""

from __future__ import annotations

import re

from chainkg.normalize import halfwidth, split_list
from chainkg.uscc import uscc_problem

__all__ = [
    "INACTIVE_STATUSES",
    "is_empty",
    "is_inactive",
    "parse_capital",
    "parse_date",
    "parse_employees",
    "parse_industry_code",
    "parse_listing",
    "parse_number",
    "parse_ownership",
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


_CAPITAL = re.compile(r"^([\d.,，]+)\s*(亿|万)?\s*(元)?\s*(.*)$")
_RMB = {"", "人民币", "元人民币", "(人民币)", "（人民币）", "rmb", "cny"}


def parse_capital(text: str) -> tuple[float | None, str | None]:
    """注册资本 in 万元人民币: '5000万元人民币' → 5000.0, '1.2亿' → 12000.0, '300' → 300.0 (万元 assumed).

    Foreign-currency capital is not converted (no rate would be right for every date).

    >>> parse_capital("5000万元人民币"), parse_capital("1.2亿元"), parse_capital("100万美元")[0]
    ((5000.0, None), (12000.0, None), None)
    """
    if is_empty(text):
        return None, None
    match = _CAPITAL.match(halfwidth(text).strip())
    amount = parse_number(match.group(1)) if match else None
    if match is None or amount is None:
        return None, f"注册资本「{text}」不是金额（应如 5000万元人民币）"
    unit, currency = match.group(2), match.group(4).strip().lower()
    if currency not in _RMB:
        return None, f"注册资本「{text}」不是人民币，未换算，已留空"
    return round(amount * 10000 if unit == "亿" else amount, 4), None


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(\s.*)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(text: str) -> tuple[str | None, str | None]:
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
    return None, f"成立日期「{text}」不是日期（应如 2010-01-05）"


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
_CODE = re.compile(r"(?<![A-Za-z0-9])([A-T])?\s?(\d{2,4})(?![0-9])")


def section_of(division: int) -> str | None:
    """The 门类 letter of a 大类 number: 34 → 'C'."""
    return next((letter for low, high, letter in _SECTION_BY_DIVISION if low <= division <= high), None)


def parse_industry_code(texts: list[str]) -> str | None:
    """The most specific GB/T 4754-2017 code in the industry cells, with its 门类 letter.

    >>> parse_industry_code(["制造业", "通用设备制造业(C34)", "C3491 工业机器人制造"])
    'C3491'
    >>> parse_industry_code(["3491"]), parse_industry_code(["制造业"])
    ('C3491', 'C')
    """
    best: str | None = None
    for text in texts:
        cleaned = halfwidth(text)
        for letter, digits in _CODE.findall(cleaned):
            section = section_of(int(digits[:2]))
            if section is None or (letter and letter != section):
                continue
            code = section + digits
            if best is None or (len(code) > len(best) and code.startswith(best[:1])):
                best = code
        if best is None:
            name = cleaned.strip()
            best = SECTION_NAMES.get(name)
    return best


_LISTING = (
    (re.compile(r"^(\d{6})\.?(SH|SS)$"), "SH"), (re.compile(r"^(SH|SS)\.?(\d{6})$"), "SH"),
    (re.compile(r"^(\d{6})\.?SZ$"), "SZ"), (re.compile(r"^SZ\.?(\d{6})$"), "SZ"),
    (re.compile(r"^(\d{6})\.?BJ$"), "BJ"), (re.compile(r"^BJ\.?(\d{6})$"), "BJ"),
    (re.compile(r"^(\d{6})\.?(NQ|OC|NEEQ)$"), "NQ"),
    (re.compile(r"^(\d{4,5})\.?HK$"), "HK"), (re.compile(r"^HK\.?(\d{4,5})$"), "HK"),
)


_LISTED_WORDS = ("A股", "B股", "H股", "港股", "美股", "新三板", "科创板", "创业板", "北交所", "主板", "中概股", "上市")
_NOT_LISTED_WORDS = ("未上市", "非上市", "退市", "终止上市", "暂停上市")


def _says_listed(text: str) -> bool:
    """'A股（正常上市）' and '港股' say listed; '未上市' and '已退市' do not."""
    return any(w in text for w in _LISTED_WORDS) and not any(w in text for w in _NOT_LISTED_WORDS)


def parse_listing(texts: list[str]) -> tuple[tuple[str, ...], bool]:
    """Stock codes in the contract's form (``SH:600028``) and whether the cells say it is listed.

    >>> parse_listing(["A股", "600028.SH|00386.HK"])
    (('SH:600028', 'HK:00386'), True)
    >>> parse_listing(["A股（正常上市）"]), parse_listing(["未上市"]), parse_listing(["已退市"])
    (((), True), ((), False), ((), False))
    """
    codes: list[str] = []
    listed = False
    for text in texts:
        for part in split_list(halfwidth(text).upper().replace(" ", "")):
            for pattern, exchange in _LISTING:
                match = pattern.match(part)
                if match:
                    number = next(g for g in match.groups() if g.isdigit())
                    codes.append(f"{exchange}:{number.zfill(5) if exchange == 'HK' else number}")
                    break
            else:
                listed = listed or _says_listed(part)
    return tuple(dict.fromkeys(codes)), listed or bool(codes)


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
