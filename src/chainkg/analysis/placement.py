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

``pool_placements`` decides every firm's list in one pass of column expressions over the
tables (linear in the links and relations); the Chinese reason is written only for the firms
a command shows (``Placements.of``), by ``group_reason`` and ``supply_reason`` on their own
records. The record-by-record reference is ``oracle.placements`` (tests/oracle.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx
import polars as pl

from chainkg.graph.taxonomy import nodes_of

if TYPE_CHECKING:
    from chainkg.graph.pool_graph import PoolGraph

__all__ = [
    "HOSTING_LABELS",
    "KIND_NAMES",
    "PLATFORM_OWNERSHIPS",
    "Placement",
    "Placements",
    "company_kind",
    "group_reason",
    "pool_placements",
    "same_city_reason",
    "segment_limits",
    "segment_suppliers",
    "supply_reason",
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


def company_kind(company: Mapping[str, Any]) -> str:
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


def segment_suppliers(taxonomy: nx.MultiDiGraph) -> dict[str, frozenset[str]]:
    """Segment id → the segments that feed it (FEEDS predecessors)."""
    ids = {key: a["id"] for key, a in nodes_of(taxonomy, "Segment")}
    found: dict[str, set[str]] = defaultdict(set)
    for u, v, k in taxonomy.edges(keys=True):
        if k == "FEEDS":
            found[ids[v]].add(ids[u])
    return {s: frozenset(f) for s, f in found.items()}


def same_city_reason(city: str) -> str:
    return f"同在{city}：市内企业的搬迁或扩产不计入招商引资（市外资金），列为本市协作"


def group_reason(subs: Iterable[tuple[str, bool, list[str]]], own: Collection[str], names: Mapping[str, str]) -> str:
    """Why a group is a channel rather than a target ('' if it is not one).

    ``subs``: its subsidiaries as (name, is_local, gap segments it fills), in id order;
    ``own``: the gap segments the group itself fills; ``names``: segment id → name.
    """
    subs = list(subs)
    local = [name for name, is_local, _fills in subs if is_local]
    if local:
        return (f"其下属「{'、'.join(local)}」是本地企业：经本地企业对接集团的新项目（以商招商），"
                "集团总部不单列为招商目标")
    for name, _is_local, fills in subs:
        shared = sorted(s for s in fills if s in own)
        if shared:
            return (f"其下属「{name}」同样填补「{'、'.join(names[s] for s in shared)}」："
                    "由承接单位对接，集团作为对接渠道")
    return ""


def supply_reason(fills: list[tuple[str, str]], limits: Mapping[str, str],
                  suppliers: Mapping[str, frozenset[str]], names: Mapping[str, str]) -> str:
    """Why a firm is a supply partner: no main-business gap the district can host; '' if it has one.

    ``fills``: the (gap segment id, role) pairs of the firm. A hostable segment fed only by the
    firm's own unhostable ones is made out of that process (an IDM's memory chips come only out
    of its fab): it does not count as hostable for the firm.
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


class Placements:
    """Every outside firm linked to a gap or to a group, with its list (``kinds``: idx, id, kind).

    The reasons, and the group to approach a firm through, are looked up only when asked
    for (``of``), for the firms asked about.
    """

    def __init__(self, pg: PoolGraph, gap_ids: Collection[str], by_row: pl.Series, city: str,
                 ownership: pl.DataFrame) -> None:
        self._pg = pg
        self._gaps = frozenset(gap_ids)
        self._by_row = by_row  # the kind of the company at each row of pg.companies (null: not placed)
        self.kinds = (pg.companies.select("idx", "id", by_row.alias("kind")).filter(pl.col("kind").is_not_null()))
        self._city = city
        self._ownership = ownership  # sub, group: the SUBSIDIARY_OF pairs as row numbers, once each

    def in_lists(self, kinds: Collection[str]) -> pl.Series:
        """One flag per row of the companies table: placed in one of these lists."""
        return self._by_row.is_in(list(kinds)).fill_null(False)

    def get(self, company_id: str) -> Placement | None:
        """One firm's placement with its reason (None: not an outside firm linked to a gap or a group)."""
        return self.of([company_id]).get(company_id)

    def of(self, company_ids: Iterable[str]) -> dict[str, Placement]:
        """The placements of these firms, with their reasons (firms without one are left out)."""
        rows = self.kinds.filter(pl.col("id").is_in(list(company_ids)))
        need = {r["id"]: r for r in rows.iter_rows(named=True)}
        grouped = [r["idx"] for r in need.values() if r["kind"] == "group"]
        supplied = [r["idx"] for r in need.values() if r["kind"] == "supply"]
        reasons: dict[int, str] = {}
        if grouped or supplied:
            taxonomy = self._pg.taxonomy
            names = {a["id"]: a["name"] for _k, a in nodes_of(taxonomy, "Segment")}
            subs = self._subsidiaries(grouped)
            fills = self._fills([*grouped, *supplied, *(s for rows_ in subs.values() for s, _n, _l in rows_)])
            for group in grouped:
                reasons[group] = group_reason(((name, local, [s for s, _r in fills.get(sub, [])])
                                               for sub, name, local in subs.get(group, [])),
                                              {s for s, _r in fills.get(group, [])}, names)
            limits, suppliers = segment_limits(taxonomy), segment_suppliers(taxonomy)
            for idx in supplied:
                reasons[idx] = supply_reason(fills.get(idx, []), limits, suppliers, names)
        via = self._groups_to_approach([r["idx"] for r in need.values() if r["kind"] != "platform"])
        placed = {}
        for cid, r in need.items():
            reason = same_city_reason(self._city) if r["kind"] == "same_city" else reasons.get(r["idx"], "")
            placed[cid] = Placement(r["kind"], reason, via.get(r["idx"]))
        return placed

    def as_dict(self) -> dict[str, Placement]:
        """Every placement with its reason (for checks against the reference; slow at scale)."""
        return self.of(self.kinds.get_column("id").to_list())

    def _fills(self, rows: list[int]) -> dict[int, list[tuple[str, str]]]:
        """Company row → its (gap segment id, role) pairs, in the table's order."""
        links = self._pg.company_segments.filter(
            pl.col("company_idx").is_in(pl.Series(rows, dtype=pl.UInt32).implode())
            & pl.col("segment_id").is_in(list(self._gaps)))
        fills: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for idx, sid, role in links.select("company_idx", "segment_id", "role").iter_rows():
            fills[idx].append((sid, role or "core"))
        return fills

    def _groups_to_approach(self, rows: list[int]) -> dict[int, str]:
        """Company row → the name of its parent by SUBSIDIARY_OF (the first by id), when that is an outside firm."""
        companies = self._pg.companies
        pairs = self._ownership.filter(pl.col("sub").is_in(pl.Series(rows, dtype=pl.UInt32).implode()))
        parents = (pairs.with_columns(companies.get_column("id").gather(pairs.get_column("group")).alias("group_id"))
                   .sort("sub", "group_id").group_by("sub", maintain_order=True).first())
        outside = ~companies.get_column("is_local").gather(parents.get_column("group"))
        names = companies.get_column("name").gather(parents.get_column("group"))
        return {sub: name for sub, name, keep in zip(parents.get_column("sub").to_list(), names.to_list(),
                                                     outside.to_list(), strict=True) if keep}

    def _subsidiaries(self, groups: list[int]) -> dict[int, list[tuple[int, str, bool]]]:
        """Group row → its subsidiaries as (row, name, is_local), in id order."""
        companies = self._pg.companies
        pairs = self._ownership.filter(pl.col("group").is_in(pl.Series(groups, dtype=pl.UInt32).implode()))
        pairs = pairs.with_columns(
            *(companies.get_column(c).gather(pairs.get_column("sub")).alias(c) for c in ("id", "name", "is_local"))
        ).sort("group", "id")
        subs: dict[int, list[tuple[int, str, bool]]] = defaultdict(list)
        for sub, group, _id, name, local in pairs.iter_rows():
            subs[group].append((sub, name, local))
        return subs


def pool_placements(pg: PoolGraph, gap_ids: Collection[str]) -> Placements:
    """The list of every outside firm linked to a gap or a group, decided on the tables at once.

    The rules, in order (see the module docstring): platform, same_city, group (a local
    subsidiary, or a subsidiary sharing one of the group's gap segments), supply (gaps only in
    segments the district cannot host, none as main business in one it can make), else target
    or deepen. Companies are their row numbers (``idx``) throughout: integer joins.
    """
    c = pl.col
    gaps = list(gap_ids)
    city = str(pg.taxonomy.nodes[pg.taxonomy.graph["region"]].get("city") or "")
    limits = segment_limits(pg.taxonomy)
    links = pg.company_segments
    fills = (links.filter(c("segment_id").is_in(gaps))
             .select(c("company_idx").alias("idx"), c("segment_id").alias("s"),
                     c("role").fill_null("core").alias("role"))
             .with_columns(c("s").replace_strict(limits, default="", return_dtype=pl.String).alias("limit")))
    pairs = (pg.relations.filter(c("type") == "SUBSIDIARY_OF")
             .select(c("from_idx").alias("sub"), c("to_idx").alias("group")).unique())
    companies = pg.companies
    local = companies.get_column("is_local")

    # group: a local subsidiary, or a subsidiary filling one of the group's own gap segments.
    local_sub = pairs.filter(local.gather(pairs.get_column("sub")))
    shared = (pairs.join(fills.select(c("idx").alias("sub"), "s"), on="sub")
              .join(fills.select(c("idx").alias("group"), "s"), on=["group", "s"], how="semi"))
    groups = pl.concat([local_sub.get_column("group"), shared.get_column("group")]).unique()

    # supply: some gap segment it fills is blocked, and no core gap segment is made here —
    # hostable and not fed only by segments the firm itself fills blocked.
    blocked = fills.filter(c("limit") != "").select("idx", "s").unique()
    feeds = pl.DataFrame([(s, f) for s, fed in segment_suppliers(pg.taxonomy).items() for f in sorted(fed)],
                         schema={"s": pl.String, "fed": pl.String}, orient="row")
    fed_count = feeds.group_by("s").agg(pl.len().alias("fed_n"))
    # (only firms with a blocked gap can be supply partners)
    core_here = (fills.filter((c("role") == "core") & (c("limit") == ""))
                 .join(blocked.select("idx").unique(), on="idx", how="semi").select("idx", "s").unique())
    fed_blocked = (core_here.join(feeds, on="s")
                   .join(blocked.select("idx", c("s").alias("fed")), on=["idx", "fed"], how="semi")
                   .group_by("idx", "s").agg(pl.len().alias("blocked_n")))
    made_here = (core_here.join(fed_count, on="s", how="left").join(fed_blocked, on=["idx", "s"], how="left")
                 .filter(c("fed_n").is_null() | (c("blocked_n").fill_null(0) < c("fed_n")))
                 .get_column("idx"))
    supply = blocked.get_column("idx").unique().filter(~blocked.get_column("idx").unique().is_in(made_here.implode()))

    # Every firm linked to a gap or named by a SUBSIDIARY_OF relation, flagged by rule.
    n = companies.height
    member = _mark(n, fills.get_column("idx"), pairs.get_column("sub"), pairs.get_column("group"))
    frame = companies.select("idx", "id", "city", "is_local", "is_partner", "ownership").with_columns(
        member.alias("member"), _mark(n, groups).alias("is_group"), _mark(n, supply).alias("is_supply"))
    kind = (pl.when(c("ownership").is_in(PLATFORM_OWNERSHIPS)).then(pl.lit("platform"))
            .when(pl.lit(bool(city)) & (c("city") == city)).then(pl.lit("same_city"))
            .when(c("is_group")).then(pl.lit("group"))
            .when(c("is_supply")).then(pl.lit("supply"))
            .when(c("is_partner")).then(pl.lit("deepen"))
            .otherwise(pl.lit("target")))
    by_row = frame.select(pl.when(c("member") & ~c("is_local")).then(kind).alias("kind")).to_series()
    return Placements(pg, gaps, by_row, city, pairs)


def _mark(n: int, *rows: pl.Series) -> pl.Series:
    """n flags, True at these row numbers."""
    flags = pl.repeat(False, n, dtype=pl.Boolean, eager=True)
    for r in rows:
        flags = flags.scatter(r, True)
    return flags
