"""chainkg.dataset.normalize: list splitting, half-width conversion, place names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chainkg.dataset.normalize import (
    CITIES,
    LIST_SEPARATORS,
    PROVINCES,
    NormalizedPlace,
    halfwidth,
    normalize_place,
    short_province,
    split_list,
)


@pytest.mark.parametrize(("text", "expected"), [
    ("专精特新，小巨人", ("专精特新", "小巨人")),
    ("上市|央企", ("上市", "央企")),
    ("a, b ;c；d、e", ("a", "b", "c", "d", "e")),
    ("  ", ()),
    ("", ()),
    ("|,，", ()),
    ("中国一拖|一拖|一拖股份", ("中国一拖", "一拖", "一拖股份")),
    (" 单独 ", ("单独",)),
])
def test_split_list(text: str, expected: tuple[str, ...]) -> None:
    assert split_list(text) == expected


@given(st.lists(st.text(alphabet=st.characters(blacklist_characters=LIST_SEPARATORS,
                                               blacklist_categories=("Z", "Cc")), min_size=1), max_size=5),
       st.sampled_from(list(LIST_SEPARATORS)))
def test_split_list_round_trips_joined_parts(parts: list[str], sep: str) -> None:
    assert split_list(sep.join(parts)) == tuple(p.strip() for p in parts if p.strip())


@pytest.mark.parametrize(("text", "expected"), [
    ("６０１０３８", "601038"),
    ("ＳＨ", "SH"),
    ("ａｂｃ", "abc"),
    ("本地　小厂", "本地 小厂"),
    ("，；：", "，；："),  # full-width punctuation is Chinese text, not ASCII: kept
    ("洛阳市", "洛阳市"),
])
def test_halfwidth(text: str, expected: str) -> None:
    assert halfwidth(text) == expected


@pytest.mark.parametrize(("given_", "expected"), [
    (("河南", "洛阳", "涧西"), ("河南省", "洛阳市", "涧西区")),
    (("河南省", "洛阳市", "涧西区"), ("河南省", "洛阳市", "涧西区")),
    (("河南", "洛阳", "瀍河"), ("河南省", "洛阳市", "瀍河回族区")),
    (("北京", "北京", ""), ("北京市", "北京市", "")),
    (("北京市", "", ""), ("北京市", "", "")),
    (("广西", "玉林", ""), ("广西壮族自治区", "玉林市", "")),
    (("内蒙古", "呼和浩特", ""), ("内蒙古自治区", "呼和浩特市", "")),
    (("", "", ""), ("", "", "")),
    (("", "苏州", ""), ("", "苏州市", "")),
    (("江苏省", "宿迁市", ""), ("江苏省", "宿迁市", "")),  # official suffix, not in the table: accepted
    (("河南省", "洛阳市", "本区"), ("河南省", "洛阳市", "本区")),
    (("河南省", "洛阳市", "嵩县"), ("河南省", "洛阳市", "嵩县")),
    ((" 河南 ", "洛阳\u3000", ""), ("河南省", "洛阳市", "")),
])
def test_normalize_place_completes_short_forms(given_: tuple[str, str, str], expected: tuple[str, str, str]) -> None:
    result = normalize_place(*given_)
    assert (result.province, result.city, result.district) == expected
    assert result.problems == []


@pytest.mark.parametrize(("given_", "problems"), [
    (("江苏", "", ""), []),
    (("豫", "", ""), ["省份「豫」不是省级行政区的名称（应写全称，如 河南省、广西壮族自治区）"]),
    (("河南省", "洛城", ""), ["城市「洛城」不是地级行政区的名称（应写全称，如 洛阳市）"]),
    (("河南省", "洛阳市", "涧东"), ["区县「涧东」不是县级行政区的名称（应写全称，如 涧西区、新安县）"]),
    (("Henan", "Luoyang", ""), ["省份「Henan」不是省级行政区的名称（应写全称，如 河南省、广西壮族自治区）",
                                 "城市「Luoyang」不是地级行政区的名称（应写全称，如 洛阳市）"]),
])
def test_normalize_place_reports_unknown_names(given_: tuple[str, str, str], problems: list[str]) -> None:
    result = normalize_place(*given_)
    assert result.problems == problems


def test_unknown_names_come_back_as_written() -> None:
    assert normalize_place("豫", "洛城", "涧东")[:3] == ("豫", "洛城", "涧东")


def test_result_unpacks_as_a_tuple() -> None:
    province, city, district, problems = normalize_place("河南", "洛阳", "")
    assert (province, city, district, problems) == ("河南省", "洛阳市", "", [])
    assert isinstance(normalize_place("", ""), NormalizedPlace)


def test_tables_are_complete_and_consistent() -> None:
    assert len(PROVINCES) == 34
    assert set(CITIES) <= set(PROVINCES)
    assert all(c.endswith(("市", "州", "盟", "地区")) for cities in CITIES.values() for c in cities)
    assert short_province("河南省") == "河南"
    assert short_province("火星") == "火星"


@given(st.text(max_size=8), st.text(max_size=8), st.text(max_size=8))
def test_normalize_place_is_idempotent(p: str, c: str, d: str) -> None:
    once = normalize_place(p, c, d)
    twice = normalize_place(once.province, once.city, once.district)
    assert twice[:3] == once[:3]


def test_docstring_examples() -> None:
    import doctest

    import chainkg.dataset.normalize

    result = doctest.testmod(chainkg.dataset.normalize)
    assert result.failed == 0 and result.attempted >= 7
