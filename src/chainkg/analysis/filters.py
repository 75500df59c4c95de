"""Resolving what a user types on the command line to the ids the analysis filters on.

Every value may be an id or the Chinese label the tool itself prints (缺链, 上游, a chain's
name), lists may use ASCII or full-width separators, and a value that matches nothing is
an error naming the allowed values or the closest ones ("did you mean"), never an empty
table.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
import polars as pl

from chainkg.analysis.diagnosis import STATUS_LABELS
from chainkg.dataset.normalize import PROVINCES, normalize_place, split_list
from chainkg.graph.taxonomy import nodes_of
from chainkg.model.errors import ConfigError, NotFoundError
from chainkg.model.records import STAGES

__all__ = [
    "STAGE_NAMES",
    "Choices",
    "chain_choices",
    "company_by_key",
    "field_choices",
    "find_company",
    "make_choices",
    "province_choices",
    "resolve",
    "resolve_one",
    "resolve_provinces",
    "segment_choices",
    "split_values",
    "stage_choices",
    "status_choices",
    "unknown_company",
]

STAGE_NAMES = {"upstream": "上游", "midstream": "中游", "downstream": "下游"}
_LIST_LIMIT = 12  # above this many allowed values, show the closest ones and point to `chainkg ls`


@dataclass(frozen=True)
class Choices:
    """The values an option accepts: canonical value → its label, and every accepted spelling."""

    option: str
    labels: Mapping[str, str]
    spellings: Mapping[str, frozenset[str]]
    listing: str = ""  # the command that lists them all, for long lists

    def lookup(self, text: str) -> list[str]:
        key = text.strip().casefold()
        return sorted(value for value, names in self.spellings.items() if key in names)


def _choices(option: str, items: Iterable[tuple[str, str, Iterable[str]]], listing: str = "") -> Choices:
    labels: dict[str, str] = {}
    spellings: dict[str, frozenset[str]] = {}
    for value, label, extra in items:
        labels[value] = label
        spellings[value] = frozenset(s.casefold() for s in (value, label, *extra) if s)
    return Choices(option, labels, spellings, listing)


def split_values(values: Sequence[str] | None) -> list[str] | None:
    """Option values as a flat list: ["a,b", "c；d"] → ["a", "b", "c", "d"]; nothing → None."""
    if not values:
        return None
    return [part for v in values for part in split_list(v)] or None


def resolve(values: Sequence[str] | None, choices: Choices) -> list[str] | None:
    """The canonical values for what the user typed; ConfigError (exit 2) for unknown ones.

    >>> resolve(["缺链，broken"], status_choices())
    ['missing', 'broken']
    """
    parts = split_values(values)
    if parts is None:
        return None
    result: list[str] = []
    for part in parts:
        found = choices.lookup(part)
        if not found:
            raise ConfigError(_unknown(part, choices))
        result.extend(v for v in found if v not in result)
    return result


def _unknown(text: str, choices: Choices) -> str:
    head = f"{choices.option} 没有「{text}」" if choices.option.startswith("-") else f"{choices.option}「{text}」不存在"
    shown = [f"{v}（{label}）" if label and label != v else v for v, label in choices.labels.items()]
    if len(shown) <= _LIST_LIMIT:
        return f"{head}；允许的取值：{'、'.join(shown)}"
    names = {s: v for v, spell in choices.spellings.items() for s in spell}
    close = difflib.get_close_matches(text.casefold(), list(names), n=3, cutoff=0.6)
    wanted = list(dict.fromkeys(names[c] for c in close))
    hint = "；是不是 " + "、".join(
        f"{v}（{choices.labels[v]}）" if choices.labels[v] else v for v in wanted) + "？" if wanted else ""
    more = f"{'' if hint else '；'}全部取值见 {choices.listing}" if choices.listing else ""
    return head + hint + more


def resolve_one(text: str, choices: Choices, what: str | None = None) -> str:
    """The one canonical value ``text`` is (an id or a label), for a parameter that takes one;
    ``what`` (产业链, 领域) names it in the errors instead of the option.

    >>> resolve_one("机器人", make_choices("产业链", [("robot", "机器人"), ("chip", "芯片")]))
    'robot'
    >>> resolve_one("机器人", make_choices("--chain", [("robot", "机器人")]), "产业链")
    'robot'
    """
    if what is not None:
        choices = dataclasses.replace(choices, option=what)
    found = choices.lookup(text)
    if not found:
        raise ConfigError(_unknown(text.strip(), choices))
    if len(found) > 1:
        shown = "、".join(f"{v}（{choices.labels[v]}）" for v in found)
        raise ConfigError(f"{choices.option}「{text.strip()}」对应多个：{shown}；请用 id")
    return found[0]


def make_choices(option: str, items: Iterable[tuple[str, str]], listing: str = "") -> Choices:
    """Choices from (id, name) pairs, e.g. read from a Neo4j server.

    >>> resolve(["机器人"], make_choices("--chain", [("robot", "机器人")]))
    ['robot']
    """
    return _choices(option, ((value, name, ()) for value, name in items), listing)


def status_choices() -> Choices:
    """strong/weak/missing/broken, or 强链/弱链/缺链/断链."""
    return _choices("--status", ((k, v, ()) for k, v in STATUS_LABELS.items()))


def stage_choices() -> Choices:
    """upstream/midstream/downstream, or 上游/中游/下游."""
    return _choices("--stage", ((s, STAGE_NAMES[s], ()) for s in STAGES))


def field_choices(g: nx.MultiDiGraph) -> Choices:
    return _choices("--field", ((a["id"], a["name"], ()) for _k, a in sorted(nodes_of(g, "Field"))),
                    "chainkg ls fields")


def chain_choices(g: nx.MultiDiGraph) -> Choices:
    return _choices("--chain", ((a["id"], a["name"], ()) for _k, a in sorted(nodes_of(g, "Chain"))),
                    "chainkg ls chains")


def segment_choices(g: nx.MultiDiGraph) -> Choices:
    return _choices("--segment", ((a["id"], a["name"], ()) for _k, a in sorted(nodes_of(g, "Segment"))),
                    "chainkg ls segments")


def province_choices() -> Choices:
    """Every provincial-level division, by official name or short form (江苏 = 江苏省)."""
    return _choices("--province", ((p, "", (short,)) for p, short in PROVINCES.items()))


def resolve_provinces(values: Sequence[str] | None) -> list[str] | None:
    """Provinces by full or short name; an unknown one is an error listing the right forms."""
    parts = split_values(values)
    if parts is None:
        return None
    choices = province_choices()
    result = []
    for part in parts:
        name = normalize_place(part, "", "").province
        if not choices.lookup(name):
            raise ConfigError(f"--province 没有「{part}」；请写省级行政区的名称，如 江苏省 或 江苏")
        result.append(name)
    return result


def find_company(companies: pl.DataFrame, text: str) -> str:
    """A company's id (``companies``: id, name, aliases) from its id, its exact name or one of
    its aliases; else NotFoundError. An alias shared by several companies is an error that lists them.

    Only the rows that could match are read: the table may hold a million companies.
    """
    wanted = text.strip()
    c = pl.col
    matches = companies.filter((c("id") == wanted) | (c("name") == wanted) | c("aliases").list.contains(wanted))
    found = company_by_key(text, matches.select("id", "name", "aliases").iter_rows())
    if found is None:
        # The hint needs every name only when none contains what was typed (unknown_company).
        near = companies.filter(c("id").str.contains(wanted, literal=True)
                                | c("name").str.contains(wanted, literal=True))
        pairs = (near if near.height else companies).select("id", "name")
        raise NotFoundError(unknown_company(text, pairs.iter_rows()))
    return found


def company_by_key(text: str, companies: Iterable[tuple[str, str, Iterable[str]]]) -> str | None:
    """The id of the company ``text`` names among (id, name, aliases): by id, else by a unique
    full name, else by a unique alias; None when none matches, NotFoundError when several do.

    >>> company_by_key("链主", [("a", "本地链主", ["链主"]), ("b", "链主", [])])
    'b'
    """
    wanted = text.strip()
    rows = [(c, name, tuple(aliases)) for c, name, aliases in companies]
    if any(c == wanted for c, _name, _aliases in rows):
        return wanted
    by_name = sorted(c for c, name, _aliases in rows if name == wanted)
    if len(by_name) == 1:
        return by_name[0]
    by_alias = sorted(c for c, _name, aliases in rows if wanted in aliases)
    if len(by_alias) == 1:
        return by_alias[0]
    if by_name or by_alias:
        raise NotFoundError(f"「{text}」对应多家企业：{'、'.join(by_name or by_alias)}；请用企业 id")
    return None


def unknown_company(text: str, companies: Iterable[tuple[str, str]]) -> str:
    """The message for a company ``text`` does not name, with the closest of (id, name) as a hint.

    Names or ids containing ``text`` come first; only without any is every name compared, so
    ``companies`` may be just those containing it when there are some.
    """
    wanted = text.strip()
    pairs = sorted(companies)  # a name shared by several companies points to the same one wherever they come from
    names = {name: c for c, name in pairs} | {c: c for c, _name in pairs}
    close = [n for n in sorted(names) if wanted and wanted in n][:3]
    close = close or difflib.get_close_matches(wanted, list(names), n=3, cutoff=0.5)
    hint = f"；是不是 {'、'.join(f'{c}（{names[c]}）' if c != names[c] else c for c in close)}？" if close else ""
    return f"企业「{text}」不存在（可用企业 id、全称或简称；全部企业见 chainkg ls companies）{hint}"
