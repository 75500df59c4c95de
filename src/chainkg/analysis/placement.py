"""Which scored prospects are investment targets (招商目标), and which are listed apart.

Scores never change here; only the list a firm appears in (README "Scoring"). In order:

- platform (平台与渠道): universities, institutes, funds — ``company_kind``, as before;
- same_city (本市协作): a firm of the district's own city. 招商引资 counts investment from
  outside the city (市外资金); a move or expansion inside the city is cooperation, not 招商;
- group (集团渠道): a group headquarters with a subsidiary that is a local firm, or that fills
  one of the group's own gaps: the subsidiary is the unit to approach and the group its channel
  (the subsidiary's line then says 对接渠道：经集团「…」);
- supply (配套对接): a firm that fills gaps only in segments the district cannot host
  (``Segment.hosting``: heavy_process, land_bound, market) — or only as a side business
  (非主营), or only in segments fed by nothing but its own unhostable ones (an IDM's memory
  chips come out of its own fab). The gap stays a gap; the firm is a supply or purchase partner (以商招商).

``placements`` is the one definition, over plain records: both engines (the networkx graph
and the PoolGraph tables) collect the same records and call it. Linear in the records.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx

from chainkg.graph.taxonomy import nodes_of

if TYPE_CHECKING:
    from chainkg.graph.pool_graph import PoolGraph

__all__ = [
    "HOSTING_LABELS",
    "KIND_NAMES",
    "PLATFORM_OWNERSHIPS",
    "Placement",
    "company_kind",
    "placements",
    "pool_placements",
    "segment_limits",
]

# Every list a firm can appear in, with its label (prospects.KIND_LABELS); the last three are apart from the targets.
KIND_NAMES = {"target": "招商目标", "deepen": "深化合作", "platform": "平台与渠道",
              "supply": "配套对接", "same_city": "本市协作", "group": "集团渠道"}
HOSTING_LABELS = {
    "heavy_process": "是受准入限制的重化工序（化工园区、国家或省级核准、产能置换）",
    "land_bound": "依附土地或矿产资源",
    "market": "是本链产品的下游用户（客户），不是生产环节",
}


@dataclass(frozen=True)
class Placement:
    """The list a firm appears in, why (Chinese; empty for a plain target), and the group to
    approach it through (its parent's name, when the parent is an outside firm)."""

    kind: str
    reason: str = ""
    group: str | None = None


# Universities, institutes and funds are platforms and channels (平台与渠道), not investment targets.
PLATFORM_OWNERSHIPS = ("institute", "university", "fund")


def company_kind(company: dict[str, Any]) -> str:
    """target, deepen (an existing strategic partner) or platform (university, institute, fund)."""
    if company["ownership"] in PLATFORM_OWNERSHIPS:
        return "platform"
    return "deepen" if company["is_partner"] else "target"


def segment_limits(taxonomy: nx.MultiDiGraph) -> dict[str, str]:
    """Segment id → why the district cannot host its production ('' = it can).

    A segment's ``hosting`` (heavy_process, land_bound, market) limits it, unless a park of
    region.yaml names the segment itself (``segments``: a park built for it); a park hosting
    the whole chain (an innovation community, a 智慧岛) does not lift the limit.
    """
    hosted = {v for _u, v, k in taxonomy.edges(keys=True) if k == "HOSTS"}
    limits = {}
    for key, a in nodes_of(taxonomy, "Segment"):
        limit = str(a.get("hosting") or "")
        limits[a["id"]] = "" if key in hosted or limit == "production" else limit
    return limits


def _suppliers(taxonomy: nx.MultiDiGraph) -> dict[str, frozenset[str]]:
    """Segment id → the segments that feed it (FEEDS predecessors)."""
    ids = {key: a["id"] for key, a in nodes_of(taxonomy, "Segment")}
    found: dict[str, set[str]] = defaultdict(set)
    for u, v, k in taxonomy.edges(keys=True):
        if k == "FEEDS":
            found[ids[v]].add(ids[u])
    return {s: frozenset(f) for s, f in found.items()}


def placements(
    companies: Mapping[str, Mapping[str, Any]],
    base: Mapping[str, str],
    fills: Mapping[str, list[tuple[str, str]]],
    parents: Iterable[tuple[str, str]],
    taxonomy: nx.MultiDiGraph,
    city: str,
) -> dict[str, Placement]:
    """The placement of every company of ``base`` (id → target / deepen / platform).

    ``companies``: id → name, city, is_local (every company named here or in ``parents``);
    ``fills``: id → [(gap segment id, role)]; ``parents``: (subsidiary id, group id) pairs of
    SUBSIDIARY_OF; ``city``: the district's city (region.yaml).
    """
    limits = segment_limits(taxonomy)
    suppliers = _suppliers(taxonomy)
    names = {a["id"]: a["name"] for _k, a in nodes_of(taxonomy, "Segment")}
    children: dict[str, list[str]] = defaultdict(list)
    parent_of: dict[str, str] = {}
    for sub, group in sorted(parents):
        children[group].append(sub)
        parent_of.setdefault(sub, group)
    placed = {}
    for cid, kind in base.items():
        company = companies[cid]
        parent = parent_of.get(cid, "")
        via = (companies[parent]["name"] if parent in companies and not companies[parent]["is_local"]
               else None)
        if kind == "platform":
            placed[cid] = Placement(kind)
        elif city and company.get("city") == city:
            placed[cid] = Placement("same_city", f"同在{city}：市内企业的搬迁或扩产不计入招商引资"
                                    "（市外资金），列为本市协作", via)
        elif reason := _group_reason(cid, children.get(cid, []), companies, fills, names):
            placed[cid] = Placement("group", reason, via)
        elif reason := _supply_reason(fills.get(cid, []), limits, suppliers, names):
            placed[cid] = Placement("supply", reason, via)
        else:
            placed[cid] = Placement(kind, "", via)
    return placed


def _group_reason(cid: str, subs: list[str], companies: Mapping[str, Mapping[str, Any]],
                  fills: Mapping[str, list[tuple[str, str]]], names: Mapping[str, str]) -> str:
    """Why a group is a channel rather than a target: a local subsidiary, or one fitting its gap."""
    local = [companies[s]["name"] for s in subs if s in companies and companies[s]["is_local"]]
    if local:
        return (f"其下属「{'、'.join(local)}」是本地企业：经本地企业对接集团的新项目（以商招商），"
                "集团总部不单列为招商目标")
    own = {s for s, _r in fills.get(cid, [])}
    for sub in subs:
        shared = sorted(s for s, _r in fills.get(sub, []) if s in own)
        if shared and sub in companies:
            return (f"其下属「{companies[sub]['name']}」同样填补「{'、'.join(names[s] for s in shared)}」："
                    "由承接单位对接，集团作为对接渠道")
    return ""


def _supply_reason(fills: list[tuple[str, str]], limits: Mapping[str, str],
                   suppliers: Mapping[str, frozenset[str]], names: Mapping[str, str]) -> str:
    """Why a firm is a supply partner: no main-business gap the district can host; '' if it has one.

    A hostable segment fed only by the firm's own unhostable ones is made out of that process
    (an IDM's memory chips come only out of its fab): it does not count as hostable for the firm.
    """
    blocked = sorted(s for s, _r in fills if limits.get(s))
    if not blocked:
        return ""
    def made_here(segment: str) -> bool:
        fed = suppliers.get(segment, frozenset())
        return not limits.get(segment) and not (fed and fed <= set(blocked))

    if any(role == "core" and made_here(s) for s, role in fills):
        return ""
    by_limit: dict[str, list[str]] = defaultdict(list)
    for s in blocked:
        by_limit[limits[s]].append(names[s])
    why = "；".join(f"「{'、'.join(segs)}」{HOSTING_LABELS[limit]}" for limit, segs in by_limit.items())
    rest = sorted(s for s, _r in fills if not limits.get(s))
    side = f"；其「{'、'.join(names[s] for s in rest)}」为非主营或出自上述工序" if rest else ""
    return (f"本区不能承接其所补环节的生产：{why}{side}（依据的公开规定见各环节的 hosting_source）。"
            "宜签采购、供货协议（配套对接、以商招商）")


def pool_placements(pg: PoolGraph, gap_ids: Collection[str]) -> dict[str, Placement]:
    """``placements`` of the outside companies of a PoolGraph linked to a gap or a group, by id."""
    import polars as pl

    links = pg.company_segments.filter(pl.col("segment_id").is_in(list(gap_ids)))
    fills: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for cid, sid, role in links.select("company_id", "segment_id", "role").iter_rows():
        fills[cid].append((sid, role or "core"))
    subsidiary = pg.relations.filter(pl.col("type") == "SUBSIDIARY_OF")
    parents = list(subsidiary.select("from_id", "to_id").iter_rows())
    ids = set(fills) | {i for pair in parents for i in pair}
    rows = pg.companies.filter(pl.col("id").is_in(list(ids))).select(
        "id", "name", "city", "is_local", "is_partner", "ownership")
    companies = {r["id"]: r for r in rows.iter_rows(named=True)}
    base = {cid: company_kind(a) for cid, a in companies.items() if not a["is_local"]}
    return placements(companies, base, fills, parents, pg.taxonomy, _city(pg.taxonomy))


def _city(g: nx.MultiDiGraph) -> str:
    return str(g.nodes[g.graph["region"]].get("city") or "")
