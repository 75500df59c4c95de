"""Company names: one spelling per registered name, and a looser key for near-duplicates.

Registered names (营业执照) use full-width brackets: ``洛阳某某（集团）有限公司``. Exports and
hand-typed lists mix in half-width brackets, full-width digits and stray spaces, so two
spellings of one name are folded into one by ``clean_name``. ``near_key`` goes further —
it drops legal-form suffixes and a leading province or city — and is only ever used to
*report* possible duplicates for a person to decide.
"""

from __future__ import annotations

import re

from chainkg.normalize import CITIES, PROVINCES, halfwidth

__all__ = ["clean_name", "near_key"]

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
_PLACES = frozenset(
    {*PROVINCES, *PROVINCES.values(),
     *(c for cities in CITIES.values() for c in cities),
     *(c.removesuffix("市") for cities in CITIES.values() for c in cities if len(c) > 2)},
)
_PLACE_LENGTHS = sorted({len(p) for p in _PLACES}, reverse=True)  # longest prefix first: 河南省 before 河南
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


def near_key(name: str) -> str:
    """A key equal for names that differ only in legal form, a bracketed part or a place prefix.

    >>> near_key("洛阳中信重工机械股份有限公司") == near_key("中信重工机械有限公司")
    True
    >>> near_key("河南某某科技（集团）有限公司")
    '某某'
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
    for _level in ("province", "city"):  # 河南洛阳某某 → 某某
        for length in _PLACE_LENGTHS:
            if key[:length] in _PLACES and len(key) - length >= 2:
                key = key[length:]
                break
    return key
