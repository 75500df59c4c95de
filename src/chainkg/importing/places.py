"""Where a company is when the export's place columns are empty: from its address, else from its USCC.

Characters 3–8 of an 18-character 统一社会信用代码 are the administrative-division code of the
registering authority (GB 32100-2015), numbered as GB/T 2260: two digits for the province, four
for the prefecture-level city. ``divisions.csv`` (next to this module; its header says where the
names come from) holds the 34 provinces and the 333 prefecture-level divisions. A firm registered
by a provincial authority (``410000``) only gets its province; ``100000`` (national) gives nothing.
A firm that moved keeps the code of its first registration, so the columns and the address win.

Addresses are read from their beginning only, and only with full names or a short province name
followed by one of its cities (``江苏苏州…``): ``河北区…`` (a district of 天津) is not 河北省.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import NamedTuple

from chainkg.dataset.normalize import DISTRICTS, PROVINCES, halfwidth

__all__ = ["Divisions", "divisions", "place_from_address", "place_from_uscc"]

_TABLE = Path(__file__).with_name("divisions.csv")
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
# 中国（上海）自由贸易试验区…: the bracket names the place.
_FREE_TRADE_ZONE = re.compile(r"^中国[（(]([^（）()]+)[）)]")


class Divisions(NamedTuple):
    """The division table, indexed the ways the importer looks it up."""

    provinces: dict[str, str]  # two-digit code → province
    cities: dict[str, str]  # four-digit code → prefecture-level city
    city_province: dict[str, str]  # city → its province
    short_cities: dict[str, str]  # 苏州 → 苏州市 (cities ending in 市, stem of two or more characters)


@functools.cache
def divisions() -> Divisions:
    """The bundled table of provinces and prefecture-level cities (read once)."""
    provinces: dict[str, str] = {}
    cities: dict[str, str] = {}
    for line in _TABLE.read_text(encoding="utf-8").splitlines():
        code, _, name = line.partition(",")
        if code.isdigit():
            (provinces if len(code) == 2 else cities)[code] = name
    city_province = {name: provinces[code[:2]] for code, name in cities.items()}
    short = {name.removesuffix("市"): name for name in cities.values() if name.endswith("市") and len(name) >= 3}
    return Divisions(provinces, cities, city_province, short)


def place_from_uscc(uscc: str) -> tuple[str, str]:
    """(province, city) of the division code inside a USCC; empty where the code does not say.

    >>> place_from_uscc("91410300MA0000001X"), place_from_uscc("91310000MA0000001X")
    (('河南省', '洛阳市'), ('上海市', '上海市'))
    """
    table = divisions()
    province = table.provinces.get(uscc[2:4], "") if len(uscc) == 18 else ""
    if not province:
        return "", ""
    if province in _MUNICIPALITIES:
        return province, province
    return province, table.cities.get(uscc[2:6], "") if uscc[4:6] != "00" else ""


def _prefix(text: str, names: dict[str, str]) -> tuple[str, str] | None:
    """(matched text, value) for the longest key of ``names`` that starts ``text``."""
    for length in range(min(len(text), 12), 1, -1):
        if text[:length] in names:
            return text[:length], names[text[:length]]
    return None


@functools.cache
def _lookups() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    table = divisions()
    full_provinces = {name: name for name in table.provinces.values()}
    short_provinces = {short: full for full, short in PROVINCES.items()}
    full_cities = {name: name for name in table.cities.values()}
    return full_provinces, short_provinces, full_cities


def place_from_address(address: str) -> tuple[str, str, str]:
    """(province, city, district) read from the start of an address; empty parts where it does not say.

    >>> place_from_address("江苏省苏州市工业园区星湖街328号"), place_from_address("洛阳市涧西区某路")
    (('江苏省', '苏州市', ''), ('河南省', '洛阳市', '涧西区'))
    """
    table = divisions()
    full_provinces, short_provinces, full_cities = _lookups()
    text = re.sub(r"\s+", "", halfwidth(address))
    zone = _FREE_TRADE_ZONE.match(text)
    if zone:
        text = zone.group(1) + text[zone.end():]
    text = text.removeprefix("中国")
    province = city = ""
    found = _prefix(text, full_provinces)
    if found is None and (city_found := _prefix(text, full_cities)) is not None:
        city = city_found[1]
        province, text = table.city_province[city], text[len(city_found[0]):]
    elif found is not None:
        province, text = found[1], text[len(found[0]):]
    elif (short := _prefix(text, short_provinces)) is not None:
        rest = text[len(short[0]):]
        # a short province name counts only before one of its cities (河北区 is in 天津)
        if short[1] in _MUNICIPALITIES or _city_at(rest, short[1]) is not None:
            province, text = short[1], rest
    if province and not city:
        if province in _MUNICIPALITIES:
            city = province
            text = text.removeprefix(province).removeprefix(province.removesuffix("市"))
        elif (city_found := _city_at(text, province)) is not None:
            city, text = city_found[1], text[len(city_found[0]):]
    district = next((d for d in DISTRICTS.get(city, ()) if text.startswith(d)), "")
    return province, city, district


def _city_at(text: str, province: str) -> tuple[str, str] | None:
    """A city of ``province`` at the start of ``text``, by its full name or its stem (苏州 for 苏州市)."""
    table = divisions()
    _full_provinces, _short_provinces, full_cities = _lookups()
    for names in (full_cities, table.short_cities):
        found = _prefix(text, names)
        if found is not None and table.city_province.get(found[1]) == province:
            return found
    return None
