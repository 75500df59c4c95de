"""Segment rules: which segments an imported company belongs to, and the evidence for each.

A segment's rule is its ``keywords``, ``exclude_keywords`` and ``industry_codes`` in
chains.yaml. A company matches a segment when its 国标行业 code starts with one of the
segment's codes (role ``core``: the registered industry *is* the segment), or when its
经营范围 / 所属行业 / 主营产品 text contains a keyword (role ``secondary``) — unless an
exclude keyword of that segment occurs in the same texts.

Plain substring search misfires on Chinese ("电机" inside "机电机械设备"), so by default a
keyword counts only where it does not cut across a word boundary of the jieba segmentation
of its clause: it must either cover whole words or lie inside one word (伺服电机 is an 电机).
Clauses repeat across a whole export (the 经营范围 wording is standardised), so their
segmentation is cached. A company matched to a segment and to one of its sub-segments keeps
only the sub-segment (the parent counts its children anyway).
"""

from __future__ import annotations

import functools
import logging
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from chainkg.models import Segment

__all__ = ["SegmentMatch", "SegmentRules", "word_boundaries"]

_CLAUSE = re.compile(r"[，,。；;、：:（）()\[\]【】“”\"'\s/|]+")


@dataclass(frozen=True)
class SegmentMatch:
    """One segment a company was assigned to, why, and with which role."""

    segment_id: str
    role: str
    evidence: tuple[str, ...]
    keywords: tuple[str, ...]

    @property
    def source(self) -> str:
        """The company_segments.csv source: ``导入规则: 经营范围含「减速器」``."""
        return "导入规则: " + "；".join(self.evidence)


@functools.cache
def _tokenizer() -> object:
    # jieba 0.42 imports pkg_resources (deprecated by newer setuptools) and logs while it loads its
    # dictionary (about a second): silence both, and pay the cost only when rules are used.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba

        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
    return tokenizer


@functools.lru_cache(maxsize=50_000)
def word_boundaries(clause: str) -> frozenset[int]:
    """Offsets in ``clause`` where jieba puts a word boundary (0 and len included).

    >>> sorted(word_boundaries("电机械设备"))
    [0, 1, 5]
    """
    offsets = {0}
    position = 0
    for word in _tokenizer().lcut(clause, HMM=False):  # type: ignore[attr-defined]
        position += len(word)
        offsets.add(position)
    return frozenset(offsets)


def _fits_words(clause: str, start: int, end: int) -> bool:
    bounds = word_boundaries(clause)
    if start in bounds and end in bounds:
        return True
    return not any(start < b < end for b in bounds)  # inside one word


class SegmentRules:
    """The keyword and industry-code rules of every segment, indexed for fast matching."""

    def __init__(self, segments: Sequence[Segment], segmenter: bool = True) -> None:
        self.segmenter = segmenter
        self.parents = {s.id: s.parent for s in segments}
        self.names = {s.id: s.name for s in segments}
        self.codes = [(code, s.id) for s in segments for code in s.industry_codes]
        self._keywords: dict[str, list[str]] = {}  # keyword → segment ids
        self._excludes: dict[str, list[str]] = {}
        for s in segments:
            for word in s.keywords:
                self._keywords.setdefault(word, []).append(s.id)
            for word in s.exclude_keywords:
                self._excludes.setdefault(word, []).append(s.id)
        self._by_first = _index(self._keywords)
        self._exclude_by_first = _index(self._excludes)

    @property
    def empty(self) -> bool:
        """True when no segment has a rule (nothing can be assigned)."""
        return not self._keywords and not self.codes

    def find(self, text: str, excludes: bool = False) -> list[str]:
        """The keywords (or exclude keywords) occurring in ``text``, in order of first occurrence.

        >>> from chainkg.models import Segment
        >>> seg = Segment(id="m", name="电机", chain="c", stage="upstream", source="s", keywords=("电机",))
        >>> SegmentRules([seg]).find("机电机械设备销售；伺服电机制造")
        ['电机']
        >>> SegmentRules([seg], segmenter=False).find("机电机械设备销售")
        ['电机']
        >>> SegmentRules([seg]).find("机电机械设备销售")
        []
        """
        index = self._exclude_by_first if excludes else self._by_first
        found: dict[str, None] = {}
        for clause in _CLAUSE.split(text):
            for start, char in enumerate(clause):
                for word in index.get(char, ()):
                    if word in found or not clause.startswith(word, start):
                        continue
                    if not self.segmenter or _fits_words(clause, start, start + len(word)):
                        found[word] = None
        return list(found)

    def match(self, texts: Iterable[tuple[str, str]], industry_code: str | None) -> list[SegmentMatch]:
        """The segments of one company from its labelled texts, e.g. ``[("经营范围", "…")]``."""
        evidence: dict[str, list[str]] = {}
        keywords: dict[str, list[str]] = {}
        core: set[str] = set()
        excluded: set[str] = set()
        if industry_code:
            for code, segment_id in self.codes:
                if industry_code.startswith(code):
                    said = f"国标行业为 {code}" if code == industry_code else f"国标行业「{industry_code}」属于 {code}"
                    evidence.setdefault(segment_id, []).append(said)
                    core.add(segment_id)
        for label, text in texts:
            if not text:
                continue
            for word in self.find(text, excludes=True):
                excluded.update(self._excludes[word])
            for word in self.find(text):
                for segment_id in self._keywords[word]:
                    evidence.setdefault(segment_id, []).append(f"{label}含「{word}」")
                    keywords.setdefault(segment_id, [])
                    if word not in keywords[segment_id]:
                        keywords[segment_id].append(word)
        for segment_id, words in keywords.items():  # 减速器 adds nothing when 谐波减速器 fired
            redundant = {w for w in words if any(w != other and w in other for other in words)}
            keywords[segment_id] = [w for w in words if w not in redundant]
            evidence[segment_id] = [e for e in evidence[segment_id]
                                    if not any(e.endswith(f"含「{w}」") for w in redundant)]
        chosen = [s for s in evidence if s not in excluded]
        chosen = self._most_specific(chosen)
        return [SegmentMatch(segment_id=s, role="core" if s in core else "secondary",
                             evidence=tuple(dict.fromkeys(evidence[s])),
                             keywords=tuple(keywords.get(s, ())))
                for s in chosen]

    def excluded_by(self, texts: Iterable[tuple[str, str]]) -> list[str]:
        """The exclude keywords that occur in the texts (for the report)."""
        return list(dict.fromkeys(w for _label, text in texts if text for w in self.find(text, excludes=True)))

    def _most_specific(self, segment_ids: list[str]) -> list[str]:
        ancestors: set[str] = set()
        for segment_id in segment_ids:
            parent = self.parents.get(segment_id)
            while parent:
                ancestors.add(parent)
                parent = self.parents.get(parent)
        return [s for s in segment_ids if s not in ancestors]


def _index(words: dict[str, list[str]]) -> dict[str, list[str]]:
    by_first: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):
        by_first.setdefault(word[0], []).append(word)
    return by_first
