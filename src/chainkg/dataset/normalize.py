"""Small, pure normalisations of what people type into the data files.

Spreadsheets edited with a Chinese input method carry full-width digits and separators
(``专精特新，小巨人``), and place names are often written short (``洛阳`` for ``洛阳市``).
These functions undo what can be undone safely and report the rest as problems; they
never guess. The API is stable (other modules and the importer rely on it).

Place names: a deliberately small table instead of a dependency. The complete list of
the 34 provincial-level divisions, and the prefecture-level cities (and the districts of
洛阳市, the district's own city) that chainkg's data uses, with names as published in the
Ministry of Civil Affairs' 《中华人民共和国县以上行政区划代码》 (民政部, 2023). A city with
an official suffix (市/州/盟/地区) that is not in the table is accepted as written; a name
without a suffix that the table does not know is reported.

>>> split_list("专精特新，小巨人|上市")
('专精特新', '小巨人', '上市')
>>> halfwidth("ＳＨ：６０１０３８")
'SH：601038'
>>> normalize_place("河南", "洛阳", "涧西")[:3]
('河南省', '洛阳市', '涧西区')
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

__all__ = [
    "CITIES",
    "DISTRICTS",
    "LIST_SEPARATORS",
    "PROVINCES",
    "NormalizedPlace",
    "halfwidth",
    "normalize_place",
    "short_province",
    "split_list",
]

# ASCII | and , ; plus the full-width ，；、 an IME produces.
LIST_SEPARATORS = "|,，、;；"
_SPLIT = re.compile("[" + re.escape(LIST_SEPARATORS) + "]")

# Full-width ASCII letters and digits (U+FF10–FF19, FF21–FF3A, FF41–FF5A) and the ideographic space.
_HALFWIDTH = {**{c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)},
              **{c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)},
              **{c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)},
              0x3000: 0x20}

# The 34 provincial-level divisions (民政部 2023), official name → short form.
PROVINCES: dict[str, str] = {
    "北京市": "北京", "天津市": "天津", "河北省": "河北", "山西省": "山西", "内蒙古自治区": "内蒙古",
    "辽宁省": "辽宁", "吉林省": "吉林", "黑龙江省": "黑龙江", "上海市": "上海", "江苏省": "江苏",
    "浙江省": "浙江", "安徽省": "安徽", "福建省": "福建", "江西省": "江西", "山东省": "山东",
    "河南省": "河南", "湖北省": "湖北", "湖南省": "湖南", "广东省": "广东", "广西壮族自治区": "广西",
    "海南省": "海南", "重庆市": "重庆", "四川省": "四川", "贵州省": "贵州", "云南省": "云南",
    "西藏自治区": "西藏", "陕西省": "陕西", "甘肃省": "甘肃", "青海省": "青海",
    "宁夏回族自治区": "宁夏", "新疆维吾尔自治区": "新疆", "台湾省": "台湾",
    "香港特别行政区": "香港", "澳门特别行政区": "澳门",
}
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")

# Prefecture-level cities by province: those the bundled data uses, and all of 河南省.
CITIES: dict[str, tuple[str, ...]] = {
    "河南省": ("郑州市", "开封市", "洛阳市", "平顶山市", "安阳市", "鹤壁市", "新乡市", "焦作市", "濮阳市",
              "许昌市", "漯河市", "三门峡市", "南阳市", "商丘市", "信阳市", "周口市", "驻马店市", "济源市"),
    "云南省": ("昆明市", "玉溪市"),
    "内蒙古自治区": ("呼和浩特市",),
    "吉林省": ("长春市",),
    "四川省": ("成都市", "德阳市", "绵阳市"),
    "宁夏回族自治区": ("银川市", "石嘴山市"),
    "安徽省": ("合肥市", "芜湖市", "蚌埠市", "铜陵市", "滁州市", "池州市"),
    "山东省": ("济南市", "青岛市", "淄博市", "东营市", "烟台市", "潍坊市", "济宁市", "泰安市", "威海市",
              "德州市", "滨州市"),
    "山西省": ("太原市",),
    "广东省": ("广州市", "深圳市", "珠海市", "汕头市", "佛山市", "惠州市", "梅州市", "东莞市", "中山市",
              "云浮市"),
    "广西壮族自治区": ("玉林市",),
    "新疆维吾尔自治区": ("乌鲁木齐市", "石河子市"),
    "江苏省": ("南京市", "无锡市", "徐州市", "常州市", "苏州市", "南通市", "连云港市", "扬州市", "镇江市"),
    "河北省": ("石家庄市", "唐山市", "邯郸市", "保定市", "廊坊市"),
    "浙江省": ("杭州市", "宁波市", "温州市", "嘉兴市", "湖州市", "绍兴市", "衢州市", "舟山市", "台州市",
              "丽水市"),
    "海南省": ("海口市",),
    "湖北省": ("武汉市", "黄石市", "襄阳市", "孝感市", "荆州市"),
    "湖南省": ("长沙市", "株洲市", "湘潭市", "益阳市"),
    "甘肃省": ("兰州市", "金昌市"),
    "福建省": ("福州市", "厦门市", "莆田市", "泉州市", "南平市", "龙岩市", "宁德市"),
    "贵州省": ("贵阳市",),
    "辽宁省": ("沈阳市", "大连市", "鞍山市", "抚顺市", "锦州市"),
    "陕西省": ("西安市", "宝鸡市"),
    "青海省": ("西宁市",),
    "黑龙江省": ("哈尔滨市", "齐齐哈尔市", "佳木斯市"),
    **{m: (m,) for m in _MUNICIPALITIES},
}

# Districts and counties of 洛阳市, the city of the district this tool was built for.
DISTRICTS: dict[str, tuple[str, ...]] = {
    "洛阳市": ("老城区", "西工区", "瀍河回族区", "涧西区", "偃师区", "孟津区", "洛龙区", "新安县", "栾川县",
              "嵩县", "汝阳县", "宜阳县", "洛宁县", "伊川县"),
}

_CITY_SUFFIXES = ("市", "州", "盟", "地区")
_DISTRICT_SUFFIXES = ("区", "县", "市", "旗")


class NormalizedPlace(NamedTuple):
    """Official province, city and district names, and what could not be normalised."""

    province: str
    city: str
    district: str
    problems: list[str]


def split_list(text: str) -> tuple[str, ...]:
    """Split a list cell on any of ``| , ， 、 ; ；``, strip each part, drop empty parts.

    >>> split_list(" 上市 |央企,, ")
    ('上市', '央企')
    """
    parts = _SPLIT.split(text) if _SPLIT.search(text) else (text,)
    return tuple(part for part in map(str.strip, parts) if part)


def halfwidth(text: str) -> str:
    """Full-width ASCII digits and letters, and the ideographic space, to their ASCII forms.

    >>> halfwidth("６０１０３８　ＡＢｃ")
    '601038 ABc'
    """
    if text.isascii():  # the common case: nothing to convert
        return text
    return text.translate(_HALFWIDTH)


def short_province(name: str) -> str:
    """河南省 → 河南; a name that is not a province comes back unchanged."""
    return PROVINCES.get(name, name)


_PROVINCE_BY_SHORT = {short: full for full, short in PROVINCES.items()}
_CITY_BY_SHORT: dict[str, dict[str, str]] = {
    province: {city.removesuffix("市"): city for city in cities} for province, cities in CITIES.items()
}


def _district_short(name: str) -> str:
    """涧西区 → 涧西, 瀍河回族区 → 瀍河; one-character stems (嵩县) keep their suffix: too ambiguous."""
    stem = name.removesuffix("回族区") if name.endswith("回族区") else name[:-1]
    return stem if len(stem) >= 2 else name


_DISTRICT_BY_SHORT: dict[str, dict[str, str]] = {
    city: {_district_short(d): d for d in districts} for city, districts in DISTRICTS.items()
}


def _province(name: str, problems: list[str]) -> str:
    if not name or name in PROVINCES:
        return name
    if name in _PROVINCE_BY_SHORT:
        return _PROVINCE_BY_SHORT[name]
    problems.append(f"省份「{name}」不是省级行政区的名称（应写全称，如 河南省、广西壮族自治区）")
    return name


def _city(province: str, name: str, problems: list[str]) -> str:
    if not name:
        return name
    if province in _MUNICIPALITIES and name == province.removesuffix("市"):
        return province
    known = _CITY_BY_SHORT.get(province, {})
    if name in known:
        return known[name]
    if not province:  # no province: look the short form up in every province
        matches = {c for cities in _CITY_BY_SHORT.values() for s, c in cities.items() if s == name}
        if len(matches) == 1:
            return matches.pop()
    if name in known.values() or name.endswith(_CITY_SUFFIXES):
        return name
    problems.append(f"城市「{name}」不是地级行政区的名称（应写全称，如 洛阳市）")
    return name


def _district(city: str, name: str, problems: list[str]) -> str:
    if not name:
        return name
    known = _DISTRICT_BY_SHORT.get(city, {})
    if name in known:
        return known[name]
    if name.endswith(_DISTRICT_SUFFIXES):
        return name
    problems.append(f"区县「{name}」不是县级行政区的名称（应写全称，如 涧西区、新安县）")
    return name


def normalize_place(province: str, city: str, district: str = "") -> NormalizedPlace:
    """Official names for a (province, city, district), and the problems of what stays unknown.

    Short forms the table knows are completed (``河南`` → ``河南省``, ``洛阳`` → ``洛阳市``,
    ``涧西`` → ``涧西区``); empty parts stay empty; anything unknown is returned as given
    (half-width, stripped) with a problem in Chinese.

    >>> normalize_place("北京", "北京", "")
    NormalizedPlace(province='北京市', city='北京市', district='', problems=[])
    >>> normalize_place("河南省", "洛城", "").problems
    ['城市「洛城」不是地级行政区的名称（应写全称，如 洛阳市）']
    """
    p, c, d, problems = _normalize_place(province, city, district)
    return NormalizedPlace(p, c, d, list(problems))


@functools.lru_cache(maxsize=8192)
def _normalize_place(province: str, city: str, district: str) -> tuple[str, str, str, tuple[str, ...]]:
    # Cached: a data set has few distinct places, so a million rows cost a few thousand look-ups.
    problems: list[str] = []
    p = _province(halfwidth(province).strip(), problems)
    c = _city(p, halfwidth(city).strip(), problems)
    d = _district(c, halfwidth(district).strip(), problems)
    return p, c, d, tuple(problems)
