"""Company names: one spelling per registered name, and a looser key for near-duplicates.

Registered names (营业执照) use full-width brackets: ``洛阳某某（集团）有限公司``. Exports and
hand-typed lists mix in half-width brackets, full-width digits and stray spaces, so two
spellings of one name are folded into one by ``clean_name``. ``near_key`` goes further —
it drops legal-form suffixes and a leading province or city — and is only ever used to
*report* possible duplicates for a person to decide.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import NamedTuple

from chainkg.dataset.normalize import CITIES, PROVINCES, halfwidth
from chainkg.importing.places import divisions

__all__ = ["NearName", "clean_name", "match_key", "near_key", "near_name", "strip_stock_marks"]

_BRACKETS = str.maketrans({"(": "（", ")": "）", "[": "（", "]": "）", "【": "（", "】": "）"})
_SPACES = re.compile(r"\s+")
# A space matters only between two Latin letters/digits ("ABB Robotics"); elsewhere it is noise.
_NOISE_SPACE = re.compile(r"(?<![A-Za-z0-9&.]) | (?![A-Za-z0-9&])")

# Legal-form endings, longest first so 股份有限公司 goes before 有限公司.
_SUFFIXES = (
    "股份有限公司", "有限责任公司", "集团有限公司", "集团股份公司", "有限公司", "股份公司", "责任公司",
    "（集团）", "（中国）", "集团", "股份", "公司", "总公司", "分公司", "厂",
    # generic 行业 words between the 字号 and the legal form: 某某科技 and 某某 are near
    "科技", "技术", "实业", "控股", "发展",
)
_BRACKETED = re.compile(r"（[^（）]*）")


def clean_name(name: str) -> str:
    """The canonical spelling of a company name.

    >>> clean_name(" 洛阳某某(集团)有限公司 ")
    '洛阳某某（集团）有限公司'
    >>> clean_name("ＡＢＢ 机器人 （上海）有限公司")
    'ABB机器人（上海）有限公司'
    """
    text = _SPACES.sub(" ", halfwidth(name)).strip().translate(_BRACKETS)
    return _NOISE_SPACE.sub("", text)


def match_key(name: str) -> str:
    """The key names are matched on: ``clean_name`` after NFKC (full-width ＆ and －) and case folding.

    >>> match_key("Tcl中环（集团）") == match_key("ＴＣＬ中环(集团)")
    True
    """
    return clean_name(unicodedata.normalize("NFKC", name)).casefold()


# Risk-warning and trading marks before A-share short names: *ST, ST, S*ST, XD, XR, DR; N and C on the
# first trading days.
_STOCK_MARKS = re.compile(r"^(?:\*?S?\*?ST|XD|XR|DR|[NC](?=[\u4e00-\u9fff]))")


def strip_stock_marks(short_name: str) -> str:
    """'*ST示例' → '示例', 'N示例' → '示例': the marks are a status, not part of the name."""
    return _STOCK_MARKS.sub("", short_name) or short_name


# Industry words that, with a place in front, make up a whole name (重庆银行, 南京钢铁): after them the
# place is the distinctive part, not noise.
_GENERIC = (
    "农村商业银行", "农村信用合作联社", "商业银行", "农商银行", "银行", "证券", "保险", "信托", "期货", "燃气",
    "钢铁", "出版传媒", "出版", "传媒", "文化", "旅游", "投资", "建设", "建工", "城投", "城建", "交通", "高速",
    "港口", "港务", "机场", "航空", "地铁", "轨道交通", "公交", "水务", "电力", "能源", "热力", "环保", "国资",
    "产业", "医药", "药业", "化工", "电子", "机械", "汽车", "食品", "纺织", "物流", "信息", "软件", "智能",
    "新材料", "材料", "装备", "重工", "矿业", "煤业", "有色", "国际", "工业", "商贸", "贸易", "百货", "商业",
    "置业", "地产", "房地产", "路桥", "水泥", "建材", "广电", "报业", "科技", "技术", "实业", "控股", "发展",
)
_ALL_GENERIC = re.compile("^(?:" + "|".join(sorted(map(re.escape, _GENERIC), key=len, reverse=True)) + ")+$")


class NearName(NamedTuple):
    """A name reduced to its distinctive part, and the place its stripped prefix named."""

    key: str
    province: str
    city: str

    def near(self, other: NearName) -> bool:
        """Same distinctive part, and no two different places (重庆银行 is not 江苏银行)."""
        return (self.key == other.key
                and (not self.province or not other.province or self.province == other.province)
                and (not self.city or not other.city or self.city == other.city))


@functools.cache
def _place_prefixes() -> tuple[dict[str, str], dict[str, tuple[str, str]], tuple[int, ...]]:
    """Province prefixes (full and short → province), city prefixes (→ province, city), lengths to try."""
    table = divisions()
    provinces = {**{p: p for p in PROVINCES}, **{short: full for full, short in PROVINCES.items()}}
    cities: dict[str, tuple[str, str]] = {}
    known = {**table.city_province, **{c: p for p, cs in CITIES.items() for c in cs}}
    for city, province in known.items():
        cities.setdefault(city, (province, city))
        if city.endswith("市") and len(city) >= 3:
            cities.setdefault(city.removesuffix("市"), (province, city))
    lengths = tuple(sorted({len(p) for p in (*provinces, *cities)}, reverse=True))
    return provinces, cities, lengths


def near_name(name: str) -> NearName:
    """The near-duplicate key of a name and the place of the prefix it dropped.

    >>> near_name("河南洛阳某某科技有限公司")
    NearName(key='某某', province='河南省', city='洛阳市')
    >>> near_name("重庆银行股份有限公司")  # the rest is generic: the place stays in the key
    NearName(key='重庆银行', province='', city='')
    """
    key = clean_name(name)
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix) + 1:
                key, changed = key[: -len(suffix)], True
        stripped = _BRACKETED.sub("", key)
        if stripped != key and len(stripped) >= 2:
            key, changed = stripped, True
    provinces, cities, lengths = _place_prefixes()
    rest, province, city = key, "", ""
    for length in lengths:  # 河南省 before 河南
        if rest[:length] in provinces and len(rest) - length >= 2:
            rest, province = rest[length:], provinces[rest[:length]]
            break
    for length in lengths:
        found = cities.get(rest[:length])
        if found and len(rest) - length >= 2 and province in ("", found[0]):
            rest, (province, city) = rest[length:], found
            break
    if rest == key or _ALL_GENERIC.match(rest):
        return NearName(key, "", "")
    return NearName(rest, province, city)


def near_key(name: str) -> str:
    """A key equal for names that differ only in legal form, a bracketed part or a place prefix.

    >>> near_key("洛阳中信重工机械股份有限公司") == near_key("中信重工机械有限公司")
    True
    >>> near_key("河南某某科技（集团）有限公司")
    '某某'
    """
    return near_name(name).key
