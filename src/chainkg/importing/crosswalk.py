"""The crosswalk of short industry words (申万2021 level-3 names, words in company names) to segments.

The table is ``crosswalk.csv`` next to this module; its header says where the names come from.
"""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path
from typing import NamedTuple

__all__ = ["Crosswalk", "crosswalk", "industry_parts", "shenwan_key"]

_TABLE = Path(__file__).with_name("crosswalk.csv")
_PARTS = re.compile(r"\s*(?:[-－—>＞/|｜·,，;；]|\s)\s*")
_LEVEL_MARK = re.compile(r"[ⅠⅡⅢ]+$|(?<=[\u4e00-\u9fff])I{1,3}$")


class Crosswalk(NamedTuple):
    """申万2021 level-3 names → segment ids (empty: known, no chain); company-name words → segment ids."""

    shenwan: dict[str, tuple[str, ...]]
    name_words: dict[str, tuple[str, ...]]


@functools.cache
def crosswalk() -> Crosswalk:
    """The bundled table (read once)."""
    shenwan: dict[str, tuple[str, ...]] = {}
    name_words: dict[str, tuple[str, ...]] = {}
    lines = [line for line in _TABLE.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    for row in csv.DictReader(lines):
        segments = tuple(s for s in row["segments"].split("|") if s)
        (shenwan if row["kind"] == "申万2021" else name_words)[row["word"]] = segments
    return Crosswalk(shenwan, name_words)


def shenwan_key(name: str) -> str:
    """动物保健Ⅲ → 动物保健: SW2021 marks a level that repeats its parent's name with Ⅱ/Ⅲ.

    >>> shenwan_key("动物保健Ⅲ"), shenwan_key("军工电子II"), shenwan_key("IT服务Ⅱ")
    ('动物保健', '军工电子', 'IT服务')
    """
    return _LEVEL_MARK.sub("", name.strip())


def industry_parts(text: str) -> list[str]:
    """The levels of an industry cell: 机械设备-自动化设备-机器人 → its three names."""
    return [p for p in _PARTS.split(text.strip()) if p]
