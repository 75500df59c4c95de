"""Ranking on a PoolGraph: columnar pre-scoring, then the exact per-company evaluation.

``ranking.rank`` on a PoolGraph calls ``rank_view``, which

1. finds the candidates (outside companies linked to a gap, minus landed and filtered ones)
   with joins;
2. when only the top N are wanted, scores every candidate with the ranking's formulas as
   vectorised expressions (``prescore``) and keeps those within ``MARGIN`` of the N-th score;
3. finds every company's approach channel with a level-by-level BFS over the relations
   that visits neighbours in exactly the order ``ranking.find_channels`` does;
4. puts the kept candidates, their relation neighbours and their links into a small
   networkx graph on top of the taxonomy,

so ``ranking.evaluate`` — the one definition of every component and reason — scores and
explains the kept candidates exactly as on the full graph. The pre-score only chooses whom
to evaluate: it differs from the final score by rounding (components to 4 places) only,
far below ``MARGIN`` (tests/test_pool_graph.py checks both agree on every candidate).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx
import polars as pl

from chainkg.graph import node_id
from chainkg.pool_graph import PoolGraph
from chainkg.ranking import LANDED_STAGES, Channel, RankContext, RankFilter, feed_edges, gap_segments
from chainkg.scoring import RankSettings

if TYPE_CHECKING:
    from chainkg.diagnosis import SegmentDiagnosis

__all__ = ["MARGIN", "channel_table", "prescore", "rank_view"]

# Candidates whose pre-score is this close to the N-th best are evaluated exactly too.
MARGIN = 1e-3


def _candidates(pg: PoolGraph, gaps: list[str], flt: RankFilter) -> pl.DataFrame:
    """Outside companies linked to a gap segment, after the pipeline and province filters."""
    ids = pg.company_segments.filter(pl.col("segment_id").is_in(gaps)).select(
        pl.col("company_id").unique())
    frame = pg.companies.join(ids, left_on="id", right_on="company_id", how="semi").filter(~pl.col("is_local"))
    if not flt.include_pipeline:
        landed = [c for c, stage in pg.stages.items() if stage in LANDED_STAGES]
        frame = frame.filter(~pl.col("id").is_in(landed))
    if flt.provinces:
        frame = frame.filter(pl.col("province").is_in(flt.provinces))
    return frame


def channel_table(pg: PoolGraph, max_hops: int) -> pl.DataFrame:
    """Every company within ``max_hops`` of a local firm or partner: hops, previous, relation, origin.

    Level by level, as ``ranking.find_channels``' queue runs: anchors in id order; a node is
    reached from the earliest-queued neighbour of the level before, by the smallest relation
    type between them; the new level is queued by (its discoverer's place, its own id).
    """
    both = pl.concat([
        pg.relations.select(pl.col("from_id").alias("a"), pl.col("to_id").alias("b"), pl.col("type").alias("kind")),
        pg.relations.select(pl.col("to_id").alias("a"), pl.col("from_id").alias("b"), pl.col("type").alias("kind")),
    ])
    anchors = (pg.companies.filter(pl.col("is_local") | pl.col("is_partner")).select(pl.col("id").alias("node"))
               .sort("node").with_row_index("place").with_columns(
                   pl.lit(0).alias("hops"), pl.lit(None, pl.String).alias("previous"),
                   pl.lit(None, pl.String).alias("kind"), pl.col("node").alias("origin")))
    columns = ["node", "hops", "previous", "kind", "origin", "place"]
    levels = [anchors.select(columns)]
    frontier = levels[0]
    seen = frontier.select("node")
    for hops in range(1, max_hops + 1):
        reached = (frontier.select(pl.col("node").alias("a"), pl.col("place").alias("parent_place"), "origin")
                   .join(both, on="a").join(seen, left_on="b", right_on="node", how="anti"))
        if reached.height == 0:
            break
        first = (reached.sort("parent_place", "kind").group_by("b", maintain_order=True).first()
                 .sort("parent_place", "b"))
        frontier = first.with_row_index("place").select(
            pl.col("b").alias("node"), pl.lit(hops).alias("hops"), pl.col("a").alias("previous"),
            "kind", "origin", "place")
        levels.append(frontier)
        seen = pl.concat([seen, frontier.select("node")])
    return pl.concat(levels).with_columns(pl.col("hops").cast(pl.Int64))


def prescore(pg: PoolGraph, candidates: pl.DataFrame, gaps: dict[str, SegmentDiagnosis],
             status: dict[str, SegmentDiagnosis], channels: pl.DataFrame, home: str,
             settings: RankSettings) -> pl.DataFrame:
    """id, score: every component of ``ranking.evaluate`` as one expression per company."""
    c = pl.col
    w = settings.weights
    ids = candidates.select("id")
    links = pg.company_segments.join(ids, left_on="company_id", right_on="id", how="semi")

    # gap_fit: noisy-or over the gaps a company fills.
    severity = pl.DataFrame({"segment_id": list(gaps), "severity": [d.severity for d in gaps.values()]},
                            schema={"segment_id": pl.String, "severity": pl.Float64})
    role_fit = c("role").replace_strict(settings.role_fit, default=0.0, return_dtype=pl.Float64)
    gap_fit = (links.join(severity, on="segment_id").group_by("company_id")
               .agg((1.0 - (1.0 - c("severity") * role_fit).product()).alias("gap_fit")))

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
    local = pg.companies.filter(c("is_local")).select("id")
    out_rel = pg.relations.join(local, left_on="to_id", right_on="id", how="semi").select(
        c("from_id").alias("company_id"),
        pl.when(c("type").is_in(["SUPPLIES", "CUSTOMER_OF"])).then(pull.supply_relation)
        .otherwise(pull.other_relation).alias("relation"))
    in_rel = pg.relations.join(local, left_on="from_id", right_on="id", how="semi").select(
        c("to_id").alias("company_id"),
        pl.when(c("type").is_in(["SUPPLIES", "CUSTOMER_OF"])).then(pull.supply_relation)
        .otherwise(pull.other_relation).alias("relation"))
    relation = pl.concat([out_rel, in_rel]).group_by("company_id").agg(c("relation").max())
    weights = {"strong": pull.strong_neighbour, "weak": pull.weak_neighbour}
    neighbours = pl.DataFrame(
        [(s, other, weights[status[other].status])
         for s, other in _feed_neighbours(pg) if other in status and status[other].status in weights],
        schema={"segment_id": pl.String, "other": pl.String, "weight": pl.Float64}, orient="row")
    feed = (links.select("company_id", "segment_id").join(neighbours, on="segment_id")
            .unique(["company_id", "other"]).group_by("company_id").agg(c("weight").sum()))

    geo = settings.geography
    geography = (pl.when(c("province") == "").then(0.0).when(c("province") == home).then(geo.same_province)
                 .when(c("province").is_in(list(geo.neighbours))).then(geo.neighbour_province).otherwise(0.0))
    hops = channels.select(c("node").alias("id"), c("hops"))
    proximity = (pl.when(c("is_partner")).then(1.0)
                 .when(c("hops").fill_null(0) > 0).then(1.0 / c("hops").cast(pl.Float64)).otherwise(0.0))

    table = (candidates.join(gap_fit, left_on="id", right_on="company_id", how="left")
             .join(relation, left_on="id", right_on="company_id", how="left")
             .join(feed, left_on="id", right_on="company_id", how="left")
             .join(hops, on="id", how="left"))
    chain_pull = 1.0 - (1.0 - c("relation").fill_null(0.0)) * (0.5 ** c("weight").fill_null(0.0))
    return table.select("id", (
        w.gap_fit * c("gap_fit").fill_null(0.0) + w.capability * capability + w.chain_pull * chain_pull
        + w.partner_proximity * proximity + w.geography * geography).alias("score"))


def _feed_neighbours(pg: PoolGraph) -> list[tuple[str, str]]:
    """(segment id, FEEDS neighbour id), both directions, as ``ranking._chain_pull`` walks them."""
    t = pg.taxonomy
    pairs = []
    for seg_key, edges in feed_edges(t).items():
        for u, v in edges:
            other = v if u == seg_key else u
            pairs.append((str(t.nodes[seg_key]["id"]), str(t.nodes[other]["id"])))
    return pairs


def _channels(pg: PoolGraph, table: pl.DataFrame, keep: list[str]) -> dict[str, Channel]:
    """ranking.Channel of these companies, from the BFS table."""
    steps = {}
    wanted = set(keep)
    frontier = list(keep)
    while frontier:
        rows = table.filter(pl.col("node").is_in(frontier)).select("node", "hops", "previous", "kind", "origin")
        frontier = []
        for node, hops, previous, kind, origin in rows.iter_rows():
            steps[node] = (hops, previous, kind, origin)
            if previous is not None and previous not in steps:
                frontier.append(previous)
    origins = {o for _h, _p, _k, o in steps.values()}
    names = pg.company_names([*steps, *origins])
    local = set(pg.companies.filter(pl.col("id").is_in(list(origins)) & pl.col("is_local"))
                .get_column("id").to_list())
    channels = {}
    for node in wanted & set(steps):
        hops, previous, _kind, origin = steps[node]
        path, relations, here = [names[node]], [], node
        while steps[here][1] is not None:
            _h, prev, kind, _o = steps[here]
            path.append(names[prev])
            relations.append(kind)
            here = prev
        channels[node_id("Company", node)] = Channel(
            hops=hops, target_id=origin, target=names[origin],
            target_kind="本地企业" if origin in local else "战略伙伴", path=path, relations=relations)
    return channels


def _subgraph(pg: PoolGraph, keep: list[str]) -> nx.MultiDiGraph:
    """The taxonomy plus these companies, their relation neighbours, links and relations."""
    g = pg.taxonomy.copy()
    c = pl.col
    relations = pg.relations.filter(c("from_id").is_in(keep) | c("to_id").is_in(keep))
    touched = set(keep) | set(relations.get_column("from_id").to_list()) | set(relations.get_column("to_id").to_list())
    for row in pg.companies.filter(c("id").is_in(list(touched))).iter_rows(named=True):
        g.add_node(node_id("Company", row["id"]), label="Company", **row)
    for row in pg.company_segments.filter(c("company_id").is_in(keep)).iter_rows(named=True):
        g.add_edge(node_id("Company", row["company_id"]), node_id("Segment", row["segment_id"]),
                   key="OPERATES_IN", type="OPERATES_IN", role=row["role"], products=row["products"],
                   source=row["source"])
    for row in relations.iter_rows(named=True):
        g.add_edge(node_id("Company", row["from_id"]), node_id("Company", row["to_id"]), key=row["type"],
                   type=row["type"], note=row["note"], source=row["source"])
    return g


def rank_view(
    pg: PoolGraph, diagnosis: list[SegmentDiagnosis], settings: RankSettings, flt: RankFilter, top: int | None,
) -> tuple[nx.MultiDiGraph, RankContext, list[str], dict[str, str]]:
    """What ``ranking.rank`` needs, for the candidates that can reach the top ``top``.

    Returns a networkx graph holding those candidates, the ranking context, their node keys
    (sorted) and the pipeline stage by node key.
    """
    gaps = gap_segments(diagnosis, flt)
    status = {d.segment_id: d for d in diagnosis}
    candidates = _candidates(pg, list(gaps), flt)
    table = channel_table(pg, settings.max_hops)
    home = str(pg.taxonomy.nodes[pg.taxonomy.graph["region"]]["province"])
    if top is not None and candidates.height > top:
        scores = prescore(pg, candidates, gaps, status, table, home, settings)
        threshold = scores.get_column("score").sort(descending=True)[top - 1]
        keep = scores.filter(pl.col("score") >= threshold - MARGIN).get_column("id").to_list()
    else:
        keep = candidates.get_column("id").to_list()
    keep.sort()
    g = _subgraph(pg, keep)
    ctx = RankContext(status=status, gaps=gaps, feeds=feed_edges(g), channels=_channels(pg, table, keep),
                      home=home)
    stages = {node_id("Company", c): s for c, s in pg.stages.items()}
    return g, ctx, [node_id("Company", c) for c in keep], stages
