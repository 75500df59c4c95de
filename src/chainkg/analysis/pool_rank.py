"""Ranking on a PoolGraph: every score component of every candidate as columns.

``candidate_scores`` finds nothing by itself: ``shortlist.rank`` chooses the candidates
(``gap_candidates``: outside companies linked to a gap, minus landed and filtered ones), and the
columns give each its components (``components``: the ranking's formulas as vectorised
expressions), rounded to 4 places as Python rounds (``round4``), their weighted sum, score,
and so the points, tier, order and rank. The approach channel of every company is a
level-by-level BFS over the relations (``channel_table``) that visits neighbours in exactly the
order ``oracle.find_channels`` (tests/oracle.py) does.

Reasons are text about a few firms: chainkg.analysis.evidence looks up their facts row by row
(with ``shown_channels``, their channel paths) and chainkg.analysis.reasons writes them.
``exact_scores`` is the score and rank of every
candidate (what the Neo4j push stores and the back-test compares). tests/test_pool_graph.py
and tests/test_pool_push.py compare all of it with the networkx ranking in tests/.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, TypeVar

import polars as pl

from chainkg.analysis.placement import Placements
from chainkg.analysis.prospects import (
    LANDED_STAGES,
    SHORTLIST_COMPONENTS,
    SUPPLY_TYPES,
    WAY_IN_TYPES,
    Channel,
    RankFilter,
)
from chainkg.analysis.ranking import as_of, feed_edges, gap_segments
from chainkg.graph.pool_graph import PoolGraph
from chainkg.graph.taxonomy import node_id
from chainkg.model.scoring import RankSettings

if TYPE_CHECKING:
    from chainkg.analysis.diagnosis import SegmentDiagnosis

__all__ = ["candidate_mask", "candidate_scores", "channel_relations", "channel_table", "components", "exact_scores",
           "gap_candidates", "margin", "outside_linked", "round4", "shown_channels", "unfiltered_scores", "way_in_mask"]

# Half a unit of the 4th decimal: what rounding a value to 4 places changes at most.
HALF_UNIT = 0.5e-4


def margin(settings: RankSettings) -> float:
    """How far below the N-th best unrounded score a candidate may lie and still reach the top N
    (what ``rank --backend neo4j`` fetches beyond the top N from the server, which does not round).

    The final score rounds each component to 4 places before weighting it (off by at most
    ``HALF_UNIT`` × its weight) and the sum once more (``HALF_UNIT``), so a pre-score is within
    e = ``HALF_UNIT`` × (Σ weights + 1) of its final score. At least N candidates then have a final
    score ≥ the N-th best pre-score − e, and any firm of the final top N a pre-score ≥ that − 2e.
    The bound is doubled for the last-place differences of the vectorised sums. It grows with
    the weights, which scoring.yaml need not make sum to 1.

    >>> margin(RankSettings())  # default weights sum to 1
    0.0004
    """
    weights: dict[str, float] = settings.weights.model_dump()
    return 4 * HALF_UNIT * (sum(weights.values()) + 1)


def _flags(n: int) -> pl.Series:
    """n times False, to scatter True into."""
    return pl.repeat(False, n, dtype=pl.Boolean, eager=True)


def gap_candidates(pg: PoolGraph, gaps: list[str], flt: RankFilter,
                   placed: Placements | None = None) -> pl.DataFrame:
    """Outside companies linked to a gap segment, after the pipeline, province and list filters."""
    return pg.companies.filter(candidate_mask(pg, gaps, flt, placed))


def candidate_mask(pg: PoolGraph, gaps: list[str], flt: RankFilter, placed: Placements | None = None,
                   linked: pl.Series | None = None) -> pl.Series:
    """``gap_candidates`` as one flag per row of the companies table (``linked``: ``outside_linked``
    of the same gaps, when the caller has it)."""
    companies = pg.companies
    mask = outside_linked(pg, gaps) if linked is None else linked
    if not flt.include_pipeline:
        landed = [c for c, stage in pg.stages.items() if stage in LANDED_STAGES]
        mask = mask & ~companies.get_column("id").is_in(landed)
    if flt.provinces:
        mask = mask & companies.get_column("province").is_in(flt.provinces)
    # The kind is chainkg.analysis.placement's (every outside company linked to a gap has one).
    if placed is not None and flt.kinds:
        mask = mask & placed.in_lists(flt.kinds)
    if placed is not None and flt.exclude_partners:
        mask = mask & ~placed.in_lists(["deepen"])
    return mask


def outside_linked(pg: PoolGraph, gaps: list[str]) -> pl.Series:
    """One flag per company row: an outside company linked to one of these gap segments."""
    wanted = pl.Series(gaps, dtype=pg.company_segments.schema["segment"])
    linked = pg.company_segments.filter(pl.col("segment").is_in(wanted.implode())).get_column("company_idx")
    return _flags(pg.companies.height).scatter(linked, True) & ~pg.companies.get_column("is_local")


def channel_table(pg: PoolGraph, max_hops: int, mode: str = "way_in") -> pl.DataFrame:
    """Every company within ``max_hops`` of a local firm or partner: hops, previous, origin.

    Level by level, as ``oracle.find_channels`` (tests/oracle.py)' queue runs: anchors in id order; a node is
    reached from the earliest-queued neighbour of the level before; the new level is queued
    by (its discoverer's place, its own id). Companies are their row numbers (``idx``). The
    relation type of a step is looked up only for the paths shown (``shown_channels``).
    """
    relations = channel_relations(pg, mode).select("from_idx", "to_idx")
    both = pl.concat([
        relations.select(pl.col("from_idx").alias("a"), pl.col("to_idx").alias("b")),
        relations.select(pl.col("to_idx").alias("a"), pl.col("from_idx").alias("b")),
    ])
    ids = pg.companies.get_column("id")
    anchors = (pg.companies.filter(pl.col("is_local") | pl.col("is_partner")).select("idx", "id").sort("id")
               .select(pl.col("idx").alias("node")).with_row_index("place"))
    frontier = anchors.with_columns(pl.lit(0, pl.Int64).alias("hops"), pl.lit(None, pl.UInt32).alias("previous"),
                                    pl.col("node").alias("origin"))
    columns = ["node", "hops", "previous", "origin"]
    levels = [frontier.select(columns)]
    visited = _flags(pg.companies.height).scatter(frontier.get_column("node"), True)
    for hops in range(1, max_hops + 1):
        reached = frontier.select(pl.col("node").alias("a"), "place").join(both, on="a")
        reached = reached.filter(~visited.gather(reached.get_column("b")))
        if reached.height == 0:
            break
        best = reached.group_by("b").agg(pl.col("place").min())  # the first discoverer in queue order
        place = best.get_column("place")
        level = best.select(
            pl.col("b").alias("node"), pl.lit(hops, pl.Int64).alias("hops"),
            frontier.get_column("node").gather(place).alias("previous"),
            frontier.get_column("origin").gather(place).alias("origin"),
            pl.col("place").alias("parent_place"), ids.gather(best.get_column("b")).alias("id"),
        ).sort("parent_place", "id")
        frontier = level.with_row_index("place")
        levels.append(frontier.select(columns))
        visited = visited.scatter(frontier.get_column("node"), True)
    return pl.concat(levels)


def channel_relations(pg: PoolGraph, mode: str, relations: pl.DataFrame | None = None) -> pl.DataFrame:
    """The relations (default: all) a channel may use: all (``any``) or the ways in (``ranking.way_in``)."""
    relations = pg.relations if relations is None else relations
    if mode != "way_in":
        return relations
    anchor = pg.companies.get_column("is_local") | pg.companies.get_column("is_partner")
    next_to_anchor = anchor.gather(relations.get_column("from_idx")) | anchor.gather(relations.get_column("to_idx"))
    return relations.filter(way_in_mask(relations.get_column("type"), next_to_anchor))


def way_in_mask(types: pl.Series, next_to_anchor: pl.Series) -> pl.Series:
    """``ranking.way_in`` over columns: any ownership/partnership link; a supplier/customer link only
    next to a local firm or partner."""
    return types.is_in(list(WAY_IN_TYPES)) | (types.is_in(list(SUPPLY_TYPES)) & next_to_anchor)


Column = TypeVar("Column", pl.Expr, pl.Series)


def _weighted_sum(settings: RankSettings, values: dict[str, Column]) -> Column:
    """``sum(value * weight)`` over the components in ``oracle.score_company`` (tests/oracle.py)'s order, left to right
    as Python's ``sum`` adds (the same floating-point operations in the same order)."""
    weights: dict[str, float] = settings.weights.model_dump()
    first, *rest = SHORTLIST_COMPONENTS
    total = values[first] * weights[first]
    for name in rest:
        total = total + values[name] * weights[name]
    return total


def candidate_scores(pg: PoolGraph, candidates: pl.DataFrame, gaps: dict[str, SegmentDiagnosis],
                     status: dict[str, SegmentDiagnosis], channels: pl.DataFrame, home: str,
                     settings: RankSettings, listed: dict[str, SegmentDiagnosis] | None = None,
                     today: date | None = None) -> pl.DataFrame:
    """idx, id, primary_gap, every component rounded to 4 places (as a prospect shows it), ``total``
    (their weighted sum, what points and tier are made of) and ``score`` (``total`` rounded to 4
    places): the final values of every candidate, from the columns alone."""
    table = components(pg, candidates, gaps, status, channels, home, settings, listed, today)
    shown = table.with_columns(round4(pl.col(n)).alias(n) for n in SHORTLIST_COMPONENTS)
    total = _weighted_sum(settings, {n: pl.col(n) for n in SHORTLIST_COMPONENTS})
    return shown.with_columns(total.alias("total")).with_columns(round4(pl.col("total")).alias("score"))


def round4(value: pl.Expr) -> pl.Expr:
    """``round(value, 4)`` exactly as Python rounds a float ≥ 0: to the decimal nearest the double's
    exact value, ties to even, then to the double nearest that decimal.

    ``value × 10⁴`` is split exactly into ``p + err`` (Dekker's product; 10⁴ needs no split), so
    whether the fraction of the exact product is above, below or at ½ is decided without any
    rounding error; ``k / 10⁴`` is one correctly rounded division (by a column: polars divides by
    a scalar as a multiplication by its reciprocal). (Polars' own ``round`` rounds ``value × 10⁴``
    after the multiplication has rounded it: 0.63385 becomes 0.6338 where Python gives 0.6339.)
    """
    scale = 1e4
    split = value * 134217729.0  # 2**27 + 1: Veltkamp's split into 26-bit halves
    high = split - (split - value)
    low = value - high
    product = value * scale
    error = (high * scale - product) + low * scale  # value × 10⁴ == product + error, exactly
    whole = product.floor()
    above = (product - whole) - 0.5  # exact: both are multiples of product's last place
    up = (above > -error) | ((above == -error) & (whole % 2 == 1))
    divisor = value * 0.0 + scale  # a column of 10⁴ (a literal would be divided as a multiplication)
    return (whole + up.cast(pl.Float64)) / divisor


def components(pg: PoolGraph, candidates: pl.DataFrame, gaps: dict[str, SegmentDiagnosis],
               status: dict[str, SegmentDiagnosis], channels: pl.DataFrame, home: str,
               settings: RankSettings, listed: dict[str, SegmentDiagnosis] | None = None,
               today: date | None = None) -> pl.DataFrame:
    """idx, id, primary_gap and one column per component of ``oracle.score_company`` (tests/oracle.py) (not rounded),
    as vectorised expressions: the same formulas, possibly summed or multiplied in another
    order (so equal up to a few units in the last place)."""
    c = pl.col
    n = pg.companies.height
    wanted = _flags(n).scatter(candidates.get_column("idx"), True)
    links = pg.company_segments.select("company_idx", "segment", "role").filter(
        wanted.gather(pg.company_segments.get_column("company_idx")))
    segment_type = pg.company_segments.schema["segment"]

    # gap_fit: noisy-or over the gaps a company fills.
    severity = pl.DataFrame({"segment": pl.Series(list(gaps), dtype=segment_type),
                             "severity": [d.severity for d in gaps.values()]})
    role_fit = c("role").replace_strict(settings.role_fit, default=0.0, return_dtype=pl.Float64)
    gap_fit = (links.join(severity, on="segment")
               # product() as exp(sum(log)): the fast aggregation; a factor of 0 gives log -inf, exp 0.
               .group_by("company_idx").agg((1.0 - (1.0 - c("severity") * role_fit).log().sum().exp())
                                            .alias("gap_fit")))
    # The primary gap: highest severity × role fit among the listed gaps, ties by segment id.
    listed = gaps if listed is None else listed
    listed_severity = pl.DataFrame({"segment": pl.Series(list(listed), dtype=segment_type),
                                    "listed": [d.severity for d in listed.values()]})
    primary = (links.join(listed_severity, on="segment")
               .select("company_idx", (c("listed") * role_fit).alias("fit"),
                       c("segment").cast(pl.String).alias("primary_gap"))
               .sort("company_idx", c("fit").neg(), "primary_gap")
               .group_by("company_idx", maintain_order=True).agg(c("primary_gap").first()))

    # capability: weighted mean of the known signals.
    cap = settings.capability
    scale_known = c("scale").is_in(list(cap.scale))
    tag_best = c("tags").list.eval(
        pl.element().replace_strict(cap.tags, default=0.0, return_dtype=pl.Float64)).list.max().fill_null(0.0)
    owned = c("ownership").is_not_null() & (c("ownership") != "")
    numerator = (pl.when(scale_known).then(cap.scale_part * c("scale").replace_strict(
                     cap.scale, default=0.0, return_dtype=pl.Float64)).otherwise(0.0)
                 + cap.listed_part * (c("listed").list.len() > 0).cast(pl.Float64)
                 + cap.tags_part * tag_best
                 + pl.when(owned).then(cap.ownership_part * c("ownership").replace_strict(
                     cap.ownership, default=0.0, return_dtype=pl.Float64)).otherwise(0.0))
    denominator = (pl.when(scale_known).then(cap.scale_part).otherwise(0.0) + cap.listed_part + cap.tags_part
                   + pl.when(owned).then(cap.ownership_part).otherwise(0.0))
    capability = pl.when(denominator > 0).then(numerator / denominator).otherwise(0.0)

    # chain_pull: a relation with a local firm, and strong/weak FEEDS neighbours of its segments.
    pull = settings.chain_pull
    is_local = pg.companies.get_column("is_local")
    strength = pl.when(c("type").is_in(["SUPPLIES", "CUSTOMER_OF"])).then(pull.supply_relation).otherwise(
        pull.other_relation).alias("relation")
    rel = pg.relations.select("from_idx", "to_idx", "type")
    relation = pl.concat([
        rel.filter(is_local.gather(rel.get_column("to_idx"))).select(c("from_idx").alias("company_idx"), strength),
        rel.filter(is_local.gather(rel.get_column("from_idx"))).select(c("to_idx").alias("company_idx"), strength),
    ]).group_by("company_idx").agg(c("relation").max())
    needs: dict[str, list[dict[str, object]]] = pg.taxonomy.graph.get("anchor_needs", {})
    if needs:
        needed = (links.filter(c("segment").is_in(pl.Series(list(needs), dtype=segment_type).implode()))
                  .select("company_idx").unique()
                  .with_columns(pl.lit(pull.anchor_need).alias("relation")))
        relation = pl.concat([relation, needed]).group_by("company_idx").agg(c("relation").max())
    weights = {"strong": pull.strong_neighbour, "weak": pull.weak_neighbour}
    codes = {segment: i for i, segment in enumerate(status)}
    neighbours = pl.DataFrame(
        [(s, codes[other], weights[status[other].status])
         for s, other in _feed_neighbours(pg) if other in status and status[other].status in weights],
        schema={"segment": segment_type, "other": pl.UInt32, "weight": pl.Float64}, orient="row")
    # Each neighbour segment counts once per company: one u64 key (company row, neighbour) to dedupe.
    feed = (links.select("company_idx", "segment").join(neighbours, on="segment")
            .with_columns((c("company_idx").cast(pl.UInt64) * 65536 + c("other")).alias("pair"))
            .unique("pair").group_by("company_idx").agg(c("weight").sum()))

    geo = settings.geography
    geography = (pl.when(c("province") == "").then(0.0).when(c("province") == home).then(geo.same_province)
                 .when(c("province").is_in(list(geo.neighbours))).then(geo.neighbour_province).otherwise(0.0))
    hops = pl.repeat(None, n, dtype=pl.Int64, eager=True).scatter(
        channels.get_column("node"), channels.get_column("hops"))
    proximity = (pl.when(c("is_partner")).then(1.0)
                 .when(c("hops").fill_null(0) > 0).then(1.0 / c("hops").cast(pl.Float64)).otherwise(0.0))

    # Per-company results land in full-length columns by row number, then a gather: no joins.
    rows = candidates.get_column("idx")
    intent = _intent(pg, settings, as_of(pg.taxonomy, today))
    intent = intent.join(pg.companies.select("id", c("idx").alias("company_idx")), on="id")
    place, is_subsidiary = _footprint(pg, home, settings)
    table = candidates.with_columns(
        hops.gather(rows).alias("hops"),
        _by_row(n, gap_fit, "gap_fit").gather(rows).alias("gap_fit"),
        _by_row(n, relation, "relation").gather(rows).alias("relation"),
        _by_row(n, feed, "weight").gather(rows).alias("weight"),
        _by_row(n, intent, "intent").gather(rows).alias("intent"),
        place.gather(rows).alias("place"),
        is_subsidiary.gather(rows).alias("is_subsidiary"),
        _by_row(n, primary, "primary_gap", pl.String).gather(rows).alias("primary_gap"))
    feed_pull = 1.0 - 0.5 ** c("weight").fill_null(0.0)
    chain_pull = 1.0 - (1.0 - c("relation").fill_null(0.0)) * (1.0 - feed_pull)
    return table.select("idx", "id", "primary_gap", c("gap_fit").fill_null(0.0).alias("gap_fit"),
                        capability.alias("capability"), chain_pull.alias("chain_pull"),
                        proximity.alias("partner_proximity"), geography.alias("geography"),
                        c("intent").fill_null(0.0).alias("intent"), _attainability(settings).alias("attainability"))


def _intent(pg: PoolGraph, settings: RankSettings, today: date) -> pl.DataFrame:
    """id, intent: ``oracle.intent_value`` (tests/oracle.py) over the signals (a small table) as a group-by."""
    signals: dict[str, list[dict[str, object]]] = pg.taxonomy.graph.get("signals", {})
    rows = [(company, s["date"], s["kind"]) for company, items in signals.items() for s in items]
    frame = pl.DataFrame(rows, schema={"id": pl.String, "date": pl.Date, "kind": pl.String}, orient="row")
    intent = settings.intent
    age = (pl.lit(today) - pl.col("date")).dt.total_days()
    value = (pl.col("kind").replace_strict(intent.kinds, default=0.0, return_dtype=pl.Float64)
             * 0.5 ** (age.cast(pl.Float64) / intent.half_life_days))
    return (frame.filter(age >= 0).group_by("id").agg((1.0 - (1.0 - value).product()).alias("intent")))


def _footprint(pg: PoolGraph, home: str, settings: RankSettings) -> tuple[pl.Series, pl.Series]:
    """Per company row: place (2 = itself, a subsidiary or an investee in the province, 1 = in a
    neighbour province, else 0) and whether it is a subsidiary."""
    c = pl.col
    n = pg.companies.height
    neighbours = list(settings.geography.neighbours)
    own = pg.companies.select(pl.when(c("province") == home).then(2).when(c("province").is_in(neighbours)).then(1)
                              .otherwise(0).cast(pl.Int8).alias("place")).to_series()
    rel = pg.relations.select("from_idx", "to_idx", "type")
    subs = rel.filter(c("type") == "SUBSIDIARY_OF")
    invests = rel.filter(c("type") == "INVESTS_IN")
    # A group takes its subsidiaries' places, an investor its investees'.
    reached = pl.concat([
        subs.select(c("to_idx").alias("company_idx"), own.gather(subs.get_column("from_idx")).alias("place")),
        invests.select(c("from_idx").alias("company_idx"), own.gather(invests.get_column("to_idx")).alias("place")),
    ]).group_by("company_idx").agg(c("place").max())
    place = pl.max_horizontal(own, _by_row(n, reached, "place", pl.Int8).fill_null(0))
    is_subsidiary = pl.repeat(False, n, dtype=pl.Boolean, eager=True).scatter(subs.get_column("from_idx"), True)
    return pl.select(place).to_series(), is_subsidiary


def _attainability(settings: RankSettings) -> pl.Expr:
    """``oracle.attainability_value`` (tests/oracle.py) on the columns of ``_footprint`` and the company."""
    c = pl.col
    att = settings.attainability
    footprint = (pl.when(c("place") == 2).then(att.footprint.get("same_province", 0.0))
                 .when(c("place") == 1).then(att.footprint.get("neighbour_province", 0.0)).otherwise(0.0))
    headquarters = (c("ownership") == "central_soe") & (c("scale") == "large") & ~c("is_subsidiary")
    size_known = headquarters.fill_null(False) | c("scale").is_in(list(att.size))
    size = (pl.when(headquarters.fill_null(False)).then(att.central_soe_headquarters)
            .otherwise(c("scale").replace_strict(att.size, default=0.0, return_dtype=pl.Float64)))
    specialist = c("tags").list.eval(pl.element().replace_strict(
        att.specialist, default=0.0, return_dtype=pl.Float64)).list.max().fill_null(0.0)
    numerator = (att.footprint_part * footprint + pl.when(size_known).then(att.size_part * size).otherwise(0.0)
                 + att.specialist_part * specialist)
    denominator = att.footprint_part + pl.when(size_known).then(att.size_part).otherwise(0.0) + att.specialist_part
    return pl.when(denominator > 0).then(numerator / denominator).otherwise(0.0)


def _by_row(n: int, frame: pl.DataFrame, column: str, dtype: pl.DataType | type[pl.DataType] = pl.Float64
            ) -> pl.Series:
    """``frame[column]`` placed at row ``company_idx`` of an n-long column (null elsewhere)."""
    return pl.repeat(None, n, dtype=dtype, eager=True).scatter(
        frame.get_column("company_idx"), frame.get_column(column).cast(dtype))


def _feed_neighbours(pg: PoolGraph) -> list[tuple[str, str]]:
    """(segment id, FEEDS neighbour id), both directions, as tests/oracle.py chain_pull_value walks them."""
    t = pg.taxonomy
    pairs = []
    for seg_key, edges in feed_edges(t).items():
        for u, v in edges:
            other = v if u == seg_key else u
            pairs.append((str(t.nodes[seg_key]["id"]), str(t.nodes[other]["id"])))
    return pairs


def shown_channels(pg: PoolGraph, table: pl.DataFrame, keep: pl.Series, mode: str = "way_in") -> dict[str, Channel]:
    """prospects.Channel of the companies ``keep`` (row numbers), from the BFS table."""
    steps: dict[int, tuple[int, int | None, int]] = {}
    # The table's row of each company row (null: out of reach): every step back along the paths is a
    # gather of the few rows asked for, not a pass over the table.
    at = pl.repeat(None, pg.companies.height, dtype=pl.UInt32, eager=True).scatter(
        table.get_column("node"), pl.int_range(table.height, dtype=pl.UInt32, eager=True))
    columns = table.select("node", "hops", "previous", "origin")
    frontier = keep
    while frontier.len():
        rows = columns[at.gather(frontier).drop_nulls()]
        found = []
        for node, hops, previous, origin in rows.iter_rows():
            steps[node] = (hops, previous, origin)
            if previous is not None and previous not in steps:
                found.append(previous)
        frontier = pl.Series(found, dtype=pl.UInt32)
    kinds = _step_kinds(pg, [(node, prev) for node, (_h, prev, _o) in steps.items() if prev is not None], mode)
    rows_of = sorted({*steps, *(o for _h, _p, o in steps.values())})
    info = pg.companies.select("name", "id", "is_local")[rows_of]
    names = dict(zip(rows_of, info.get_column("name").to_list(), strict=True))
    ids = dict(zip(rows_of, info.get_column("id").to_list(), strict=True))
    local = dict(zip(rows_of, info.get_column("is_local").to_list(), strict=True))
    channels = {}
    for node in keep.to_list():
        if node not in steps:
            continue
        hops, _previous, origin = steps[node]
        path, relations, here = [names[node]], [], node
        while (prev := steps[here][1]) is not None:
            path.append(names[prev])
            relations.append(kinds[(here, prev)])
            here = prev
        channels[node_id("Company", ids[node])] = Channel(
            hops=hops, target_id=ids[origin], target=names[origin],
            target_kind="本地企业" if local[origin] else "战略伙伴", path=path, relations=relations)
    return channels


def _step_kinds(pg: PoolGraph, steps: list[tuple[int, int]], mode: str = "way_in") -> dict[tuple[int, int], str]:
    """The relation type of each BFS step: the smallest type between the two companies that
    a channel may use (``mode``), as find_channels' sorted adjacency lists give it."""
    if not steps:
        return {}
    pairs = pl.DataFrame(steps, schema={"node": pl.UInt32, "previous": pl.UInt32}, orient="row")
    ends = pl.concat([pairs.get_column("node"), pairs.get_column("previous")]).unique()
    rel = channel_relations(pg, mode, pg.relations.filter(
        pl.col("from_idx").is_in(ends.implode()) & pl.col("to_idx").is_in(ends.implode()))
    ).select("from_idx", "to_idx", "type")
    matched = pl.concat([
        pairs.join(rel, left_on=["node", "previous"], right_on=["from_idx", "to_idx"]),
        pairs.join(rel, left_on=["previous", "node"], right_on=["from_idx", "to_idx"]),
    ]).group_by("node", "previous").agg(pl.col("type").min())
    return {(node, previous): kind for node, previous, kind in matched.iter_rows()}


def unfiltered_scores(pg: PoolGraph, diagnosis: list[SegmentDiagnosis], settings: RankSettings,
                      today: date | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The channel table and ``candidate_scores`` of every candidate of the unfiltered ranking (landed
    firms left out)."""
    all_gaps = gap_segments(diagnosis, RankFilter())
    status = {d.segment_id: d for d in diagnosis}
    candidates = gap_candidates(pg, list(all_gaps), RankFilter())
    table = channel_table(pg, settings.max_hops, settings.channels)
    return table, candidate_scores(pg, candidates, all_gaps, status, table, pg.home_province, settings, None, today)


def exact_scores(pg: PoolGraph, diagnosis: list[SegmentDiagnosis], settings: RankSettings,
                 today: date | None = None, also: tuple[str, ...] = ()) -> pl.DataFrame:
    """idx, id, score, rank of EVERY candidate of the unfiltered ranking (what the Neo4j push stores
    on each company and the back-test compares), from ``candidate_scores``; ``also`` adds these
    components (rounded as shown) as columns after ``rank``. The rank is the position by (-score, id).
    """
    scores = unfiltered_scores(pg, diagnosis, settings, today)[1]
    return (scores.select("idx", "id", "score", *also).sort(pl.col("score").neg(), "id")
            .with_row_index("rank", offset=1)
            .select("idx", "id", "score", pl.col("rank").cast(pl.Int64), *also))
