"""One firm's row of the unfiltered ranking, as ``shortlist.rank(…, focus=…)`` gives it, without ranking
everyone again: from the scores every candidate already has, its evidence and its own placement.

The back-test of real landings (chainkg.analysis.landings) reads a replayed firm's intent and the
gaps it fills; its positions already need every candidate's score (``scored``), so only the firm's
reasons and its list (chainkg.analysis.placement, on the few companies a placement reads) are added.
tests/test_leave_one_out.py compares the row with ``rank(…, focus=…)``.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from chainkg.analysis.diagnosis import SegmentDiagnosis
from chainkg.analysis.placement import pool_placements
from chainkg.analysis.prospects import Prospect, RankFilter
from chainkg.analysis.ranking import gap_segments
from chainkg.analysis.shortlist import shown_context, shown_prospects
from chainkg.graph.pool_graph import PoolGraph
from chainkg.model.scoring import RankSettings

__all__ = ["focus_prospect"]


def focus_prospect(pg: PoolGraph, diagnosis: list[SegmentDiagnosis], settings: RankSettings, company_id: str,
                   table: pl.DataFrame, scores: pl.DataFrame, today: date | None = None) -> Prospect | None:
    """``rank(pg, diagnosis, settings, today=today, focus=company_id)``'s one prospect (None: not a
    candidate), from ``pool_rank.unfiltered_scores``' table and scores."""
    c = pl.col
    found = scores.filter(c("id") == company_id)
    if found.height == 0:
        return None
    row = found.row(0, named=True)
    # Its place in the flat order: by score, ties by id.
    place = 1 + scores.filter((c("score") > row["score"]) | ((c("score") == row["score"]) & (c("id") < company_id))
                              ).height
    all_gaps = gap_segments(diagnosis, RankFilter())
    ctx = shown_context(pg, {d.segment_id: d for d in diagnosis}, all_gaps, all_gaps, pg.home_province, today)
    # Its list from the few records a placement reads (every outside firm's would cost a pass over the tables).
    placed = pool_placements(_around(pg, row["idx"]), all_gaps)
    [prospect] = shown_prospects(pg, found.with_columns(pl.lit(place).alias("place")), ctx, table, settings, placed)
    return prospect


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
