"""Leave-one-out positions of many firms at once: every candidate scored once, then per firm only
the rows its engagement changes (what ``chainkg evaluate`` replays, chainkg.analysis.backtest).

Removing a firm X's engagement (``backtest.without_engagement``: X no partner, its seed relations
and its pipeline stage gone) leaves every other firm's score alone except through:

- the diagnosis: it reads partners only for ``partner_companies``, which no score reads (status,
  severity and so the gaps depend on local firms alone), so the full data's diagnosis serves;
- the channels: hops from the local firms and partners (``pool_rank.channel_table``). Every
  step removed touches X (its seed relations; with ``way_in``, its supplier links once it is no
  partner) and X is the only anchor removed, so only firms whose shortest
  channels run through X can lose hops: X's descendants in the BFS's level graph (steps from
  level h to h + 1, up to ``max_hops``). Their new hops start from their neighbours outside that
  set, whose hops stay, and spread inside it;
- X's own row (chain pull, partner proximity, attainability, and whether it is a candidate at
  all: its stage is gone) and the attainability of the firms at the other end of its seed relations.

Those rows are scored again by ``pool_rank.candidate_scores`` on one small stacked table (each
case's rows with every company they touch, as a block of its own). A second block of the same
rows on the unchanged data must reproduce the full scores exactly, else the case is left to the
caller's full recomputation. A position is counted against the full scores, sorted once: the
middle of a tie, as ``backtest.replay`` counts it.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

import polars as pl

from chainkg.analysis.diagnosis import SegmentDiagnosis
from chainkg.analysis.pool_rank import candidate_scores, channel_relations, channel_table, gap_candidates, way_in_mask
from chainkg.analysis.prospects import RankFilter
from chainkg.analysis.ranking import gap_segments
from chainkg.graph.pool_graph import PoolGraph
from chainkg.model.scoring import RankSettings

__all__ = ["METHODS", "Positions", "leave_one_out"]

# method → (the settings it ranks with, the column it orders by); "random" follows from "ranking".
METHODS = {"ranking": ("current", "score"), "legacy": ("legacy", "score"), "capability": ("current", "capability")}
Positions = dict[str, tuple[float | None, int]]  # method → (position, number of candidates)
Values = dict[str, float] | None  # VALUES of a row as a candidate; None: no candidate
Changes = dict[int, tuple[Values, Values]]  # company row → its values on the full data, on the case's
VALUES = ("score", "capability")


@dataclass(frozen=True)
class _Full:
    """One settings' ranking of the full data."""

    settings: RankSettings
    scores: pl.DataFrame  # idx, score, capability, candidate: every candidate and the cases' landed firms
    hops: pl.Series  # by company row; null beyond max_hops
    ordered: dict[str, pl.Series]  # value column → the candidates' values sorted ascending


def leave_one_out(pg: PoolGraph, diagnosis: list[SegmentDiagnosis], settings: dict[str, RankSettings],
                  company_ids: Sequence[str], today: date | None = None) -> list[Positions | None]:
    """Per company, its positions under every method (METHODS and "random") on ``pg`` without its
    engagement; None where the fast path cannot vouch for the result (a local firm, an unknown id, a
    case whose unchanged copy does not reproduce the full scores).

    ``settings``: the "current" and the "legacy" ranking settings; ``diagnosis``: ``pg``'s own.
    """
    all_gaps = gap_segments(diagnosis, RankFilter())
    status = {d.segment_id: d for d in diagnosis}
    home = pg.home_province
    candidates = gap_candidates(pg, list(all_gaps), RankFilter())
    xs = (pl.DataFrame({"id": list(company_ids)}, schema={"id": pl.String}).with_row_index("case")
          .join(pg.companies.filter(~pl.col("is_local")).select("id", "idx"), on="id", how="left",
                maintain_order="left")
          .select("case", pl.col("idx").alias("x")))  # a local firm would stay an anchor: not covered here
    ok = set(xs.filter(pl.col("x").is_not_null()).get_column("case").to_list())
    xs = xs.filter(pl.col("x").is_not_null())
    x_of = dict(xs.iter_rows())
    found: dict[int, Positions] = {case: {} for case in ok}
    # The firms a case is about are scored on the full data too, landed or not, so that the
    # check below covers their own rows; only the candidates count for positions.
    landed = gap_candidates(_only(pg, xs.get_column("x")), list(all_gaps), RankFilter(include_pipeline=True))
    landed = pg.companies[landed.get_column("orig")]
    scored = pl.concat([candidates, landed.join(_at(candidates, ("idx",), landed.get_column("idx")).select("idx"),
                                                on="idx", how="anti")])

    def ranked_with(name: str) -> tuple[dict[int, Positions], set[int]]:
        """The methods ranked with one settings: case → method → position, and the cases vouched for."""
        full = _full(pg, scored, candidates.height, settings[name], all_gaps, status, home, today)
        rows, removed = _affected(pg, full, xs)
        values, good = _rescored(pg, full, rows, removed, all_gaps, status, home, today)
        return {case: {method: _position(full, values.get(case, {}), x_of[case], column)
                       for method, (wanted, column) in METHODS.items() if wanted == name} for case in good}, good

    # The two settings share nothing but the inputs: on two threads (polars runs outside the GIL).
    with ThreadPoolExecutor(max_workers=2) as pool:
        for found_here, good in pool.map(ranked_with, list(settings)):
            ok &= good
            for case in ok:
                found[case].update(found_here[case])
    results: list[Positions | None] = [None] * len(company_ids)
    for case in ok:
        positions = found[case]
        score, n = positions["ranking"]
        # A uniformly random order puts a firm at (N + 1) / 2 on average.
        positions["random"] = ((n + 1) / 2 if score is not None else None, n)
        results[case] = positions
    return results


def _full(pg: PoolGraph, scored: pl.DataFrame, candidates: int, settings: RankSettings,
          all_gaps: dict[str, SegmentDiagnosis], status: dict[str, SegmentDiagnosis], home: str,
          today: date | None) -> _Full:
    """The full data's ranking under ``settings``: ``scored`` is the candidates (its first rows) and the
    cases' landed firms."""
    table = channel_table(pg, settings.max_hops, settings.channels)
    landed = scored.get_column("idx").slice(candidates).implode()
    scores = candidate_scores(pg, scored, all_gaps, status, table, home, settings, None, today).select(
        "idx", *VALUES, (~pl.col("idx").is_in(landed)).alias("candidate"))
    hops = pl.repeat(None, pg.companies.height, dtype=pl.Int64, eager=True).scatter(
        table.get_column("node"), table.get_column("hops"))
    counted = scores.filter(pl.col("candidate"))
    return _Full(settings, scores, hops, {v: counted.get_column(v).sort() for v in VALUES})


def _steps(pg: PoolGraph, mode: str, rows: pl.Series) -> pl.DataFrame:
    """a, b (company rows, a one of ``rows``): the relations ``pool_rank.channel_table`` walks in ``mode``
    (every one, or with ``way_in`` a supplier/customer link only next to a local firm or partner)."""
    relations = channel_relations(pg, mode, _at(pg.relations, ("from_idx", "to_idx"), rows))
    one_way = relations.select(pl.col("from_idx").alias("a"), pl.col("to_idx").alias("b"))
    both = pl.concat([one_way, one_way.select(pl.col("b").alias("a"), pl.col("a").alias("b"))])
    return both.filter(pl.col("a").is_in(rows.unique().implode()))


def _affected(pg: PoolGraph, full: _Full, xs: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(case, orig, hops, is_x): the rows each case scores again with their hops on the case's data;
    (case, rel): the relation rows each case drops (X's seed relations)."""
    c = pl.col
    hops, max_hops = full.hops, full.settings.max_hops
    # X's descendants in the BFS level graph: the only firms whose channels can run through X.
    frontier = xs.filter(hops.gather(xs.get_column("x")).is_not_null()).select("case", c("x").alias("node"))
    reached = xs.select("case", c("x").alias("node"))
    for _level in range(max_hops):
        step = frontier.join(_steps(pg, full.settings.channels, frontier.get_column("node")),
                             left_on="node", right_on="a")
        step = step.filter(hops.gather(step.get_column("b")) == hops.gather(step.get_column("node")) + 1)
        frontier = step.select("case", c("b").alias("node")).unique().join(reached, on=["case", "node"], how="anti")
        if frontier.height == 0:
            break
        reached = pl.concat([reached, frontier])
    # The relations at X: its seed ones go; the others stay, and are channel steps by the rule with X
    # no partner any more (a supplier link of X only next to a local firm or partner at its other end).
    rel = _at(pg.relations.with_row_index("rel"), ("from_idx", "to_idx"), xs.get_column("x")).select(
        "rel", "from_idx", "to_idx", "type", "source")
    at_x = pl.concat([
        xs.join(rel, left_on="x", right_on="from_idx").select("case", "x", "rel", "type", "source",
                                                              c("to_idx").alias("other")),
        xs.join(rel, left_on="x", right_on="to_idx").select("case", "x", "rel", "type", "source",
                                                            c("from_idx").alias("other")),
    ]).unique(["case", "rel"], maintain_order=True)
    removed = at_x.filter(c("source") == "seed").select("case", "rel")
    kept = at_x.filter((c("source") != "seed") & (c("other") != c("x")))
    if full.settings.channels == "way_in":
        anchor = pg.companies.get_column("is_local") | pg.companies.get_column("is_partner")
        x_anchor = pg.companies.get_column("is_local").gather(kept.get_column("x"))
        kept = kept.filter(way_in_mask(kept.get_column("type"), x_anchor | anchor.gather(kept.get_column("other"))))
    inside = reached.with_columns(pl.lit(True).alias("inside"))
    steps = (reached.join(xs, on="case").join(_steps(pg, full.settings.channels, reached.get_column("node")),
                                              left_on="node", right_on="a")
             .filter((c("node") != c("x")) & (c("b") != c("x"))).select("case", "node", "b"))
    steps = pl.concat([
        steps,
        kept.select("case", c("x").alias("node"), c("other").alias("b")),
        kept.select("case", c("other").alias("node"), c("x").alias("b")).join(reached, on=["case", "node"]),
    ])
    steps = (steps.join(inside.select("case", c("node").alias("b"), "inside"), on=["case", "b"], how="left")
             .with_columns(c("inside").fill_null(False)))
    steps = steps.with_columns(hops.gather(steps.get_column("b")).alias("hops_b"))
    new_hops = _spread(reached, steps, max_hops).join(xs, on="case")
    before = hops.gather(new_hops.get_column("orig"))
    changed = new_hops.filter(new_hops.get_column("hops").ne_missing(before) | (c("orig") == c("x")))
    # The other ends of X's seed relations: their footprint may change; their hops as reached or as they were.
    seed_ends = (at_x.filter(c("source") == "seed").select("case", c("other").alias("orig"))
                 .join(new_hops.select("case", "orig", c("hops").alias("new"), pl.lit(True).alias("reached")),
                       on=["case", "orig"], how="left"))
    seed_ends = seed_ends.with_columns(hops.gather(seed_ends.get_column("orig")).alias("old")).select(
        "case", "orig", pl.when(c("reached")).then(c("new")).otherwise(c("old")).alias("hops"))
    rows = (pl.concat([changed.select("case", "orig", "hops"), seed_ends])
            .unique(["case", "orig"], keep="first", maintain_order=True)
            .join(xs, on="case").with_columns((c("orig") == c("x")).alias("is_x")).drop("x"))
    return rows, removed


def _spread(reached: pl.DataFrame, steps: pl.DataFrame, max_hops: int) -> pl.DataFrame:
    """case, orig, hops: the reached firms' hops on the case's data (null beyond ``max_hops``): from
    their neighbours outside the reached set (hops unchanged), spread inside it (a few firms a case)."""
    best: dict[tuple[int, int], int] = {}
    inner: dict[tuple[int, int], list[int]] = {}
    for case, node, b, is_inside, hops_b in steps.select("case", "node", "b", "inside", "hops_b").iter_rows():
        if is_inside:
            inner.setdefault((case, node), []).append(b)
        elif hops_b is not None and hops_b + 1 < best.get((case, node), max_hops + 1):
            best[(case, node)] = hops_b + 1
    changed = True
    while changed:  # relax until stable (Bellman-Ford on unit steps)
        changed = False
        for (case, node), others in inner.items():
            for b in others:
                through = best.get((case, b))
                if through is not None and through + 1 < best.get((case, node), max_hops + 1):
                    best[(case, node)] = through + 1
                    changed = True
    cases, nodes = reached.get_column("case").to_list(), reached.get_column("node").to_list()
    return pl.DataFrame({"case": cases, "orig": nodes,
                         "hops": [best.get((case, node)) for case, node in zip(cases, nodes, strict=True)]},
                        schema={"case": pl.UInt32, "orig": pl.UInt32, "hops": pl.Int64})


def _rescored(pg: PoolGraph, full: _Full, rows: pl.DataFrame, removed: pl.DataFrame,
              all_gaps: dict[str, SegmentDiagnosis], status: dict[str, SegmentDiagnosis], home: str,
              today: date | None) -> tuple[dict[int, Changes], set[int]]:
    """case → orig → (its values as a candidate on the full data, on the case's data; None: no
    candidate there), and the cases whose copy on the full data reproduces the full scores.

    Block 2·case is the case's rows on the full data, block 2·case + 1 on the case's data.
    """
    c = pl.col
    blocks = pl.concat([
        rows.with_columns((c("case") * 2).alias("block"), hops=full.hops.gather(rows.get_column("orig"))),
        rows.with_columns((c("case") * 2 + 1).alias("block")),
    ]).with_columns(c("block").cast(pl.UInt32))
    full_rows = _at(full.scores, ("idx",), blocks.get_column("orig")).rename({"idx": "orig"})
    blocks = blocks.join(full_rows.select("orig", c("candidate").alias("in_full")), on="orig", how="left",
                         maintain_order="left")
    rel = _at(pg.relations.with_row_index("rel"), ("from_idx", "to_idx"), blocks.get_column("orig"))
    # Every relation at a row (minus, in the case's block, the ones the case drops), and the company at its other end.
    touching = pl.concat([
        blocks.join(rel.select("rel", "from_idx"), left_on="orig", right_on="from_idx").select("block", "case", "rel"),
        blocks.join(rel.select("rel", "to_idx"), left_on="orig", right_on="to_idx").select("block", "case", "rel"),
    ]).unique(["block", "rel"]).join(removed.with_columns(pl.lit(True).alias("dropped")), on=["case", "rel"],
                                     how="left")
    touching = touching.filter(~(c("dropped").fill_null(False) & (c("block") % 2 == 1))).select("block", "rel")
    ends = touching.join(rel.select("rel", "from_idx", "to_idx"), on="rel")
    members = (pl.concat([blocks.select("block", "orig"), ends.select("block", c("from_idx").alias("orig")),
                          ends.select("block", c("to_idx").alias("orig"))])
               .unique().sort("block", "orig").with_row_index("new"))
    new_of = members.select("block", "orig", "new")
    x_rows = blocks.filter(c("is_x") & (c("block") % 2 == 1)).select("block", "orig", pl.lit(True).alias("unpartnered"))
    flags = new_of.join(x_rows, on=["block", "orig"], how="left", maintain_order="left").get_column("unpartnered")
    companies = pg.companies[members.get_column("orig")].with_columns(
        members.get_column("new").alias("idx"), c("is_partner") & flags.is_null())
    relations = (rel.join(touching, on="rel").sort("block", "rel")
                 .join(new_of.rename({"orig": "from_idx", "new": "from_new"}), on=["block", "from_idx"])
                 .join(new_of.rename({"orig": "to_idx", "new": "to_new"}), on=["block", "to_idx"])
                 .sort("block", "rel")
                 .with_columns(c("from_new").alias("from_idx"), c("to_new").alias("to_idx"))
                 .select(pg.relations.columns))
    links = (_at(pg.company_segments.with_row_index("link"), ("company_idx",), blocks.get_column("orig"))
             .join(blocks.select("block", "orig"), left_on="company_idx", right_on="orig")
             .join(new_of, left_on=["block", "company_idx"], right_on=["block", "orig"])
             .sort("block", "link").with_columns(c("new").alias("company_idx")).select(pg.company_segments.columns))
    stacked = PoolGraph(pg.taxonomy, companies, links, relations, {})
    placed = blocks.join(new_of, on=["block", "orig"])
    # A row is scored as on the full data (X there even if landed, for the check); on the case's
    # data X, its stage gone, is a candidate wherever it fills a gap as an outside firm.
    on_full = c("block") % 2 == 0
    may = placed.filter(pl.when(on_full).then(c("in_full").is_not_null())
                        .otherwise(c("in_full").fill_null(False) | c("is_x")))
    linked = gap_candidates(stacked, list(all_gaps), RankFilter()).get_column("idx")
    chosen = companies.filter(c("idx").is_in(may.get_column("new").implode()) & c("idx").is_in(linked.implode()))
    channels = placed.filter(c("hops").is_not_null()).select(c("new").alias("node"), "hops")
    scored = candidate_scores(stacked, chosen, all_gaps, status, channels, home, full.settings, None, today)
    values = placed.join(scored.select(c("idx").alias("new"), *VALUES), on="new", how="left")
    # The full-data copy must give the full scores, row for row (a candidate there or not).
    check = (values.filter(c("block") % 2 == 0).select("case", "orig", *VALUES)
             .join(full_rows.drop("candidate").rename({v: f"full_{v}" for v in VALUES}), on="orig", how="left"))
    bad = check.filter(pl.any_horizontal(c(v).ne_missing(c(f"full_{v}")) for v in VALUES)).get_column("case")
    good = set(rows.get_column("case").unique().to_list()) - set(bad.to_list())
    found: dict[int, Changes] = {}
    for block, case, orig, in_full, *numbers in values.select("block", "case", "orig", "in_full",
                                                               *VALUES).iter_rows():
        counted = numbers[0] is not None and (block % 2 == 1 or in_full)
        value = dict(zip(VALUES, numbers, strict=True)) if counted else None
        before, after = found.setdefault(case, {}).get(orig, (None, None))
        found[case][orig] = (value, after) if block % 2 == 0 else (before, value)
    return found, good


def _position(full: _Full, changes: Changes, x: int, column: str) -> tuple[float | None, int]:
    """X's 1-based position by ``column`` (the middle of a tie) and the number of candidates on the
    case's data: the full data's sorted values with the case's rows (orig → before, after) swapped."""
    ordered = full.ordered[column]
    old = [before[column] for before, _after in changes.values() if before is not None]
    new = [after[column] for _before, after in changes.values() if after is not None]
    n = ordered.len() + len(new) - len(old)
    after = changes.get(x, (None, None))[1]
    if after is None:
        return None, n
    mine = after[column]
    right = int(ordered.search_sorted(mine, side="right"))
    above = ordered.len() - right + sum(v > mine for v in new) - sum(v > mine for v in old)
    tied = right - int(ordered.search_sorted(mine, side="left")) + sum(v == mine for v in new) - sum(
        v == mine for v in old)
    return above + (tied + 1) / 2, n


def _only(pg: PoolGraph, rows: pl.Series) -> PoolGraph:
    """These companies alone (no relations), with their segment rows; ``orig`` keeps their row in ``pg``."""
    rows = rows.unique().sort()
    new = pl.DataFrame({"orig": rows}).with_row_index("idx")
    companies = pg.companies[rows].drop("idx").with_columns(new.get_column("idx"), new.get_column("orig"))
    links = (_at(pg.company_segments, ("company_idx",), rows)
             .join(new, left_on="company_idx", right_on="orig", maintain_order="left")
             .with_columns(pl.col("idx").alias("company_idx")).select(pg.company_segments.columns))
    return PoolGraph(pg.taxonomy, companies, links, pg.relations.clear(), {})


def _at(table: pl.DataFrame, columns: tuple[str, ...], rows: pl.Series) -> pl.DataFrame:
    """The rows of a large table whose ``columns`` hold one of a few company ``rows``: one filter
    pass, so that the joins after it are small."""
    wanted = rows.unique().implode()
    return table.filter(pl.any_horizontal(pl.col(name).is_in(wanted) for name in columns))
