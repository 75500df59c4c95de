"""Segment rules: which segments an imported company belongs to, the evidence for each, and how strong it is.

A segment's rule is its ``keywords``, ``exclude_keywords`` and ``industry_codes`` in chains.yaml, plus the
crosswalk of short industry words (``crosswalk.csv``: 申万2021 level-3 names, words in company names). A
company matches a segment when its 国标行业 code starts with one of the segment's codes, when its 申万 industry
maps to it, or when a keyword occurs in its 企业名称, 所属行业, 主营产品 or 经营范围 — unless an exclude keyword of
that segment occurs in the same texts.

Where the evidence comes from decides the role. The industry (code, name or 申万 class), the company
name, the 主营产品 and the first three items of a 经营范围 group (not counting a maker's 销售 items) are
*strong*: role ``core``. A later item of the scope (the long tail) and an item that only sells are
*weak*: role ``secondary``, and the assignment is flagged for review — so is one that rests on a
single generic keyword (two characters, or an abbreviation such as PLC). The 经营范围 is read without
the registry's boilerplate (``scope``); a firm that makes something has its 销售-only items ignored
(it sells what it makes, and resells other things), a firm that makes nothing keeps its first 销售
items as weak evidence. A weak match in a chain where the company has no strong evidence, while it
has strong evidence in another chain, is set aside (reported, not written): the firm's main line is
known and the late item is a side line.

Plain substring search misfires on Chinese ("电机" inside "机电机械设备"), so by default a
keyword counts only where it does not cut across a word boundary of the jieba segmentation
of its clause: it must either cover whole words or lie inside one word (伺服电机 is an 电机).
A keyword that lies inside a longer keyword found at the same place counts only as the longer one
(机器人系统集成 is not 系统集成, 机床主轴轴承 is not 机床). Clauses repeat across a whole export (the 经营范围
wording is standardised), so their segmentation is cached. A company matched to a segment and to one of its
sub-segments keeps only the sub-segment, with the parent's evidence (the parent counts its children anyway).
"""

from __future__ import annotations

import functools
import logging
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from chainkg.importing.crosswalk import crosswalk, industry_parts, shenwan_key
from chainkg.importing.scope import makes_things, scope_items, sells_only
from chainkg.model.records import Segment

__all__ = ["INDUSTRY", "NAME", "PRODUCTS", "SCOPE", "Assignment", "SegmentMatch", "SegmentRules", "word_boundaries"]

# The labels of the texts a company is matched on (the evidence names them).
SCOPE, INDUSTRY, PRODUCTS, NAME = "经营范围", "所属行业", "主营产品", "企业名称"
_LATE = 3  # items from the fourth on of a 经营范围 group are its long tail
_TRADING_NAME = re.compile(r"销售|贸易|商贸|经贸|经销|进出口|供应链")

_CLAUSE = re.compile(r"[，,。；;、：:（）()\[\]【】“”\"'\s/|]+")


@dataclass(frozen=True)
class SegmentMatch:
    """One segment a company was assigned to, why, and with which role."""

    segment_id: str
    role: str
    evidence: tuple[str, ...]
    keywords: tuple[str, ...]
    # why a person should review it: 仅销售条目, 经营范围后列条目, 贸易企业名称, 批发零售行业, 仅一个宽泛关键词「…」
    weak: tuple[str, ...] = ()

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


class _Hit(NamedTuple):
    said: str  # the evidence, e.g. 经营范围含「减速机」
    keyword: str | None  # the keyword that fired (None for codes, 申万 names and name words)
    strong: bool
    weak: str | None = None  # why it is weak: 仅销售条目 / 经营范围后列条目 / 贸易企业名称 / 批发零售行业


class Assignment(NamedTuple):
    """The segments a company is assigned to, and the weak matches set aside (reported, not written)."""

    matches: list[SegmentMatch]
    set_aside: list[SegmentMatch]


@dataclass
class _Found:
    hits: dict[str, list[_Hit]] = field(default_factory=dict)

    def add(self, segment_ids: Iterable[str], hit: _Hit) -> None:
        for segment_id in segment_ids:
            self.hits.setdefault(segment_id, []).append(hit)


class SegmentRules:
    """The keyword and industry-code rules of every segment, indexed for fast matching."""

    def __init__(self, segments: Sequence[Segment], segmenter: bool = True) -> None:
        self.segmenter = segmenter
        self.parents = {s.id: s.parent for s in segments}
        self.names = {s.id: s.name for s in segments}
        self.chains = {s.id: s.chain for s in segments}
        self.codes = [(code, s.id) for s in segments for code in s.industry_codes]
        self._keywords: dict[str, list[str]] = {}  # keyword → segment ids
        self._excludes: dict[str, list[str]] = {}
        for s in segments:
            for word in s.keywords:
                self._keywords.setdefault(word, []).append(s.id)
            for word in s.exclude_keywords:
                self._excludes.setdefault(word, []).append(s.id)
        table = crosswalk()  # entries for segments this data set does not have are left out
        self.shenwan = {name: tuple(i for i in ids if i in self.names) for name, ids in table.shenwan.items()}
        self._name_words = {w: [i for i in ids if i in self.names] for w, ids in table.name_words.items()}
        self._by_first = _index(self._keywords)
        self._exclude_by_first = _index(self._excludes)
        self._name_by_first = _index({w: ids for w, ids in self._name_words.items() if ids})

    @property
    def empty(self) -> bool:
        """True when no segment has a rule (nothing can be assigned)."""
        return not self._keywords and not self.codes

    def find(self, text: str, excludes: bool = False) -> list[str]:
        """The keywords (or exclude keywords) occurring in ``text``, in order of first occurrence.

        A keyword lying inside a longer keyword found at the same place is not counted.

        >>> from chainkg.model.records import Segment
        >>> seg = Segment(id="m", name="电机", chain="c", stage="upstream", source="s", keywords=("电机",))
        >>> SegmentRules([seg]).find("机电机械设备销售；伺服电机制造")
        ['电机']
        >>> SegmentRules([seg], segmenter=False).find("机电机械设备销售")
        ['电机']
        >>> SegmentRules([seg]).find("机电机械设备销售")
        []
        >>> both = Segment(id="s", name="伺服", chain="c", stage="upstream", source="s", keywords=("伺服电机",))
        >>> SegmentRules([seg, both]).find("伺服电机制造")
        ['伺服电机']
        """
        return self._find(text, self._exclude_by_first if excludes else self._by_first)

    def _find(self, text: str, index: dict[str, list[str]]) -> list[str]:
        found: dict[str, None] = {}
        for clause in _CLAUSE.split(text):
            spans: list[tuple[int, int, str]] = []
            for start, char in enumerate(clause):
                for word in index.get(char, ()):
                    if not clause.startswith(word, start):
                        continue
                    if not self.segmenter or _fits_words(clause, start, start + len(word)):
                        spans.append((start, start + len(word), word))
            for start, end, word in spans:
                if not any(s <= start and end <= e and e - s > end - start for s, e, _w in spans):
                    found[word] = None
        return list(found)

    def match(self, texts: Iterable[tuple[str, str]], industry_code: str | None) -> list[SegmentMatch]:
        """The segments of one company from its labelled texts, e.g. ``[("经营范围", "…")]``."""
        return self.assign(texts, industry_code).matches

    def assign(self, texts: Iterable[tuple[str, str]], industry_code: str | None) -> Assignment:
        """The segments of one company, and the weak matches set aside because its main line is elsewhere."""
        found = _Found()
        if industry_code:
            for code, segment_id in self.codes:
                if industry_code.startswith(code):
                    said = f"国标行业为 {code}" if code == industry_code else f"国标行业「{industry_code}」属于 {code}"
                    found.add([segment_id], _Hit(said, None, True))
        cleaned = self._read(list(texts), found)
        excluded = {s for word in self._find(cleaned, self._exclude_by_first) for s in self._excludes[word]}
        hits = {s: _without_redundant(h) for s, h in found.hits.items() if s not in excluded}
        chosen = self._most_specific(hits)
        strong_chains = {self.chains[s] for s in chosen if any(h.strong for h in hits[s])}
        matches: list[SegmentMatch] = []
        set_aside: list[SegmentMatch] = []
        for segment_id in chosen:
            match = _segment_match(segment_id, hits[segment_id])
            aside = match.role != "core" and strong_chains and self.chains[segment_id] not in strong_chains
            (set_aside if aside else matches).append(match)
        return Assignment(matches, set_aside)

    def _read(self, texts: list[tuple[str, str]], found: _Found) -> str:
        """Collect the hits of every text into ``found``; return the texts as read (for the exclude keywords)."""
        read: list[str] = []
        for label, text in texts:
            if not text:
                continue
            if label == SCOPE:
                items = scope_items(text)
                own_line = makes_things(items)
                rank = 0  # the item's place in its group, counting only items that are read
                for item in items:
                    read.append(item.text)
                    rank = 0 if item.position == 0 else rank
                    if item.sales_only and own_line:
                        continue  # what a maker sells on
                    rank += 1
                    late = rank > _LATE
                    if item.sales_only and late:
                        continue  # a trader's long tail
                    weak = "仅销售条目" if item.sales_only else "经营范围后列条目" if late else None
                    where = "（仅销售）" if item.sales_only else f"（第 {rank} 项）" if late else ""
                    for word in self.find(item.text):
                        found.add(self._keywords[word], _Hit(f"{label}{where}含「{word}」", word, weak is None, weak))
                continue
            weak = None
            if label == INDUSTRY:
                rest: list[str] = []
                for part in industry_parts(text):
                    segment_ids = self.shenwan.get(shenwan_key(part))
                    if segment_ids is None:
                        rest.append(part)
                    else:  # a known 申万 class: the crosswalk says it all (also when it maps to no chain)
                        found.add(segment_ids, _Hit(f"申万行业「{shenwan_key(part)}」", None, True))
                text = " ".join(rest)
                # A trade class (农业机械批发) says what the firm sells, as a 销售 item does.
                weak = "批发零售行业" if rest and sells_only(rest[-1]) else None
            elif label == NAME and _TRADING_NAME.search(text):
                weak = "贸易企业名称"  # …轴承销售有限公司 says what it sells, as a 销售 item does
            read.append(text)
            for word in self.find(text):
                found.add(self._keywords[word], _Hit(f"{label}含「{word}」", word, weak is None, weak))
            if label == NAME:
                for word in self._find(text, self._name_by_first):
                    found.add(self._name_words[word], _Hit(f"{label}含「{word}」", None, weak is None, weak))
        return "；".join(read)

    def excluded_by(self, texts: Iterable[tuple[str, str]]) -> list[str]:
        """The exclude keywords that occur in the texts as matching reads them (for the report)."""
        return self._find(self._read(list(texts), _Found()), self._exclude_by_first)

    def _ancestors(self, segment_id: str) -> list[str]:
        ancestors: list[str] = []
        parent = self.parents.get(segment_id)
        while parent:
            ancestors.append(parent)
            parent = self.parents.get(parent)
        return ancestors

    def _most_specific(self, hits: dict[str, list[_Hit]]) -> list[str]:
        """The matched segments without those whose sub-segment matched too; a sub-segment takes their hits."""
        ancestors = {a for s in hits for a in self._ancestors(s)}
        kept = [s for s in hits if s not in ancestors]
        for segment_id in kept:
            for ancestor in self._ancestors(segment_id):
                hits[segment_id] = hits[segment_id] + [h for h in hits.get(ancestor, ()) if h not in hits[segment_id]]
        return kept


def _without_redundant(hits: list[_Hit]) -> list[_Hit]:
    """减速器 adds nothing when 谐波减速器 fired for the same segment."""
    words = {h.keyword for h in hits if h.keyword}
    return [h for h in hits if not h.keyword or not any(h.keyword != w and h.keyword in w for w in words)]


def _generic(word: str) -> bool:
    """Two characters (轴承, 涂料) or an abbreviation (PLC, CMP): a single such keyword is thin evidence."""
    return len(word) <= 2 or word.isascii()


def _segment_match(segment_id: str, hits: list[_Hit]) -> SegmentMatch:
    strong = any(h.strong for h in hits)
    keywords = tuple(dict.fromkeys(h.keyword for h in hits if h.keyword))
    weak: list[str] = []
    if not strong:
        weak = list(dict.fromkeys(h.weak for h in hits if h.weak))
    elif len(keywords) == 1 and all(h.keyword for h in hits) and _generic(keywords[0]):
        weak = [f"仅一个宽泛关键词「{keywords[0]}」"]
    return SegmentMatch(segment_id=segment_id, role="core" if strong else "secondary",
                        evidence=tuple(dict.fromkeys(h.said for h in hits)), keywords=keywords, weak=tuple(weak))


def _index(words: dict[str, list[str]]) -> dict[str, list[str]]:
    by_first: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):
        by_first.setdefault(word[0], []).append(word)
    return by_first
