"""One firm's row of the unfiltered ranking, as ``shortlist.rank(…, focus=…)`` gives it, without ranking
everyone again: from the scores every candidate already has, its evidence and its own placement.

The back-test of real landings (chainkg.analysis.landings) reads a replayed firm's intent and the
gaps it fills; its positions already need every candidate's score (``scored``), so only the firm's
reasons and its list (chainkg.analysis.placement, on the few companies a placement reads) are added.
tests/test_leave_one_out.py compares the row with ``rank(…, focus=…)``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl

from chainkg.analysis.diagnosis import SegmentDiagnosis
from chainkg.analysis.evidence import evidence_of
from chainkg.analysis.placement import Placement, company_kind, pool_placements
from chainkg.analysis.pool_rank import candidate_scores, channel_table, gap_candidates
from chainkg.analysis.prospects import SHORTLIST_COMPONENTS, STAGE_LABELS, Component, Prospect, RankFilter
from chainkg.analysis.ranking import gap_segments, points_of, tier_of
from chainkg.analysis.reasons import component_reasons, connects_of
from chainkg.analysis.shortlist import headline_with_group, shown_context
from chainkg.graph.pool_graph import PoolGraph
from chainkg.graph.taxonomy import node_id
from chainkg.model.scoring import RankSettings

__all__ = ["focus_prospect", "scored"]


def scored(pg: PoolGraph, diagnosis: list[SegmentDiagnosis], settings: RankSettings,
           today: date | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The channel table and ``candidate_scores`` of every candidate of the unfiltered ranking (what
    ``pool_rank.exact_scores`` orders)."""
    all_gaps = gap_segments(diagnosis, RankFilter())
    status = {d.segment_id: d for d in diagnosis}
    table = channel_table(pg, settings.max_hops, settings.channels)
    home = str(pg.taxonomy.nodes[pg.taxonomy.graph["region"]]["province"])
    candidates = gap_candidates(pg, list(all_gaps), RankFilter())
    return table, candidate_scores(pg, candidates, all_gaps, status, table, home, settings, None, today)


def focus_prospect(pg: PoolGraph, diagnosis: list[SegmentDiagnosis], settings: RankSettings, company_id: str,
                   table: pl.DataFrame, scores: pl.DataFrame, today: date | None = None) -> Prospect | None:
    """``rank(pg, diagnosis, settings, today=today, focus=company_id)``'s one prospect (None: not a
    candidate), from ``scored``'s table and scores."""
    c = pl.col
    found = scores.filter(c("id") == company_id)
    if found.height == 0:
        return None
    row = found.row(0, named=True)
    # Its place in the flat order: by score, ties by id.
    place = 1 + scores.filter((c("score") > row["score"]) | ((c("score") == row["score"]) & (c("id") < company_id))
                              ).height
    all_gaps = gap_segments(diagnosis, RankFilter())
    status = {d.segment_id: d for d in diagnosis}
    home = str(pg.taxonomy.nodes[pg.taxonomy.graph["region"]]["province"])
    placed = pool_placements(_around(pg, row["idx"]), all_gaps)
    evidence = evidence_of(pg, found.get_column("idx"), table, settings.channels)
    ctx = shown_context(pg, status, all_gaps, all_gaps, home, today, placed)
    ctx = replace(ctx, channels={node_id("Company", k): e.channel for k, e in evidence.items() if e.channel})
    ev = evidence[company_id]
    company = ev.company
    stage = pg.stages.get(company_id)
    weights: dict[str, float] = settings.weights.model_dump()
    why, fills = component_reasons(ev, ctx, pg.taxonomy, settings)
    details = {n: Component(value=row[n], weight=weights[n], reasons=why[n]) for n in SHORTLIST_COMPONENTS}
    reasons = [r for d in details.values() for r in d.reasons]
    if stage:
        reasons.append(f"招商进度：已在项目库中（{STAGE_LABELS[stage]}）")
    points = points_of(row["total"], settings)
    where = placed.get(company_id) or Placement(company_kind(company))
    prospect = Prospect(
        rank=place, company_id=company_id, company=company["name"], province=company["province"],
        city=company["city"], score=row["score"], components={n: row[n] for n in details}, fills=fills,
        reasons=reasons, pipeline_stage=stage, details=details, points=points,
        tier=tier_of(points, settings.tiers), kind=where.kind, kind_reason=where.reason,
        primary_gap=row["primary_gap"])
    return prospect.model_copy(update={
        "headline": headline_with_group(prospect, ctx, where.group),
        "connects": connects_of(ev) if prospect.kind == "platform" else []})


def _around(pg: PoolGraph, idx: int) -> PoolGraph:
    """The company at row ``idx``, its groups and subsidiaries, their segment rows and the
    SUBSIDIARY_OF relations at it: every record its placement reads (rows numbered anew)."""
    c = pl.col
    own = pg.relations.filter((c("type") == "SUBSIDIARY_OF") & ((c("from_idx") == idx) | (c("to_idx") == idx)))
    rows = pl.concat([pl.Series([idx], dtype=pl.UInt32), own.get_column("from_idx"), own.get_column("to_idx")]
                     ).unique().sort()
    new = pl.DataFrame({"orig": rows}).with_row_index("new")
    companies = pg.companies[rows].with_columns(new.get_column("new").alias("idx"))
    links = (pg.company_segments.filter(c("company_idx").is_in(rows.implode()))
             .join(new, left_on="company_idx", right_on="orig", maintain_order="left")
             .with_columns(c("new").alias("company_idx")).select(pg.company_segments.columns))
    relations = (own.join(new.rename({"orig": "from_idx", "new": "from_new"}), on="from_idx", maintain_order="left")
                 .join(new.rename({"orig": "to_idx", "new": "to_new"}), on="to_idx", maintain_order="left")
                 .with_columns(c("from_new").alias("from_idx"), c("to_new").alias("to_idx"))
                 .select(pg.relations.columns))
    return PoolGraph(pg.taxonomy, companies, links, relations, pg.stages)
