"""The shortlist: ``rank`` runs the ranking on a PoolGraph; ``explain`` shows one company.

The definitions are chainkg.analysis.prospects' and .ranking's; the columnar
scoring is chainkg.analysis.pool_rank's, the reasons chainkg.analysis.reasons'. This module uses
them and none uses it, so there is no import cycle between them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from typing import Any

import polars as pl

from chainkg.analysis.diagnosis import SegmentDiagnosis
from chainkg.analysis.evidence import Evidence, evidence_of
from chainkg.analysis.placement import Placement, Placements, company_kind, pool_placements
from chainkg.analysis.pool_rank import candidate_mask, candidate_scores, channel_table, outside_linked
from chainkg.analysis.prospects import SHORTLIST_COMPONENTS, STAGE_LABELS, Component, Prospect, RankFilter
from chainkg.analysis.ranking import RankContext, as_of, feed_edges, gap_segments, points_of, tier_of
from chainkg.analysis.reasons import component_reasons, connects_of, headline
from chainkg.graph.pool_graph import PoolGraph
from chainkg.graph.taxonomy import node_id
from chainkg.model.scoring import RankSettings

__all__ = ["Explanation", "Prepared", "explain", "headline_with_group", "list_order", "prepare", "rank",
           "shown_context", "shown_prospects"]


@dataclass(frozen=True, eq=False)
class Prepared:
    """What every list of one command ranks from, worked out once (``prepare``) for one
    diagnosis, settings and day: the channel table, which list each firm goes in, and (when a
    list first needs them) the scores of every candidate of the unfiltered gaps — a filter
    chooses among the candidates, it never changes a score."""

    pg: PoolGraph
    diagnosis: list[SegmentDiagnosis]
    settings: RankSettings
    today: date | None
    table: pl.DataFrame
    placements: Placements

    @cached_property
    def linked(self) -> pl.Series:
        """``pool_rank.outside_linked`` of every gap: the candidates of the unfiltered ranking, as row flags."""
        return outside_linked(self.pg, list(gap_segments(self.diagnosis, RankFilter())))

    @cached_property
    def scores(self) -> pl.DataFrame:
        """``candidate_scores`` of every outside firm linked to a gap (the unfiltered ranking)."""
        all_gaps = gap_segments(self.diagnosis, RankFilter())
        candidates = self.pg.companies.filter(self.linked)
        return candidate_scores(self.pg, candidates, all_gaps, {d.segment_id: d for d in self.diagnosis},
                                self.table, self.pg.home_province, self.settings, all_gaps, self.today)


def prepare(pg: PoolGraph, diagnosis: list[SegmentDiagnosis], settings: RankSettings,
            today: date | None = None) -> Prepared:
    """The channel table and the placements (of the unfiltered gaps) that ``rank`` and ``explain`` read."""
    return Prepared(pg, diagnosis, settings, today, channel_table(pg, settings.max_hops, settings.channels),
                    pool_placements(pg, gap_segments(diagnosis, RankFilter())))


def _prepared(pg: PoolGraph, diagnosis: list[SegmentDiagnosis], settings: RankSettings, today: date | None,
              prepared: Prepared | None) -> Prepared:
    if prepared is None:
        return prepare(pg, diagnosis, settings, today)
    if prepared.pg is not pg or prepared.diagnosis is not diagnosis or (prepared.settings, prepared.today) != (
            settings, today):
        raise ValueError("prepared for other data, settings or day")  # a caller's bug, never the user's
    return prepared


def _rank_pool(pg: PoolGraph, diagnosis: list[SegmentDiagnosis], settings: RankSettings, flt: RankFilter,
               top: int | None, today: date | None, per_gap: int | None, focus: str | None = None,
               prepared: Prepared | None = None) -> list[Prospect]:
    """``rank`` on the tables: the scores, order, variety and top of every candidate from the
    columns (``pool_rank.candidate_scores``); reasons only for the prospects shown."""
    gaps = gap_segments(diagnosis, flt)
    all_gaps = gap_segments(diagnosis, RankFilter())
    status = {d.segment_id: d for d in diagnosis}
    prepared = _prepared(pg, diagnosis, settings, today, prepared)
    table, placed = prepared.table, prepared.placements
    home = pg.home_province
    shared = gaps.keys() == all_gaps.keys()  # the primary gap is among all gaps too: the shared scores hold
    chosen = candidate_mask(pg, list(gaps), flt, placed, prepared.linked if shared else None)
    if shared:
        scored = prepared.scores.filter(chosen.gather(prepared.scores.get_column("idx")))
    else:
        scored = candidate_scores(pg, pg.companies.filter(chosen), all_gaps, status, table, home, settings, gaps,
                                  today)
    if focus is not None:  # its place among all: the whole order
        order = list_order(scored, per_gap, top, cut=False).filter(pl.col("id") == focus)
    else:
        order = list_order(scored, per_gap, top)
    return shown_prospects(pg, order, shown_context(pg, status, gaps, all_gaps, home, today), table, settings, placed)


def list_order(scored: pl.DataFrame, per_gap: int | None, top: int | None, cut: bool = True) -> pl.DataFrame:
    """The rows of a list with their ``place``, in rank order (score down, ties by id): the best
    ``per_gap`` of each primary gap (a firm filling no listed gap: one group), then the first ``top``.

    With ``cut``, only a row with fewer than per_gap (else top) rows of higher score in its group (in
    all) is sorted: a rank of the floats finds them, and the tie-break by id sorts a few hundred rows
    instead of every candidate. Without it, every row is sorted (the same rows and places).
    """
    if cut and (per_gap is not None or top is not None):
        best = pl.col("score").rank("min", descending=True)
        scored = scored.filter(best.over("primary_gap") <= per_gap if per_gap is not None else best <= top)
    order = scored.sort(pl.col("score").neg(), "id")
    if per_gap is not None:
        order = order.filter(pl.int_range(pl.len()).over("primary_gap") < per_gap)
    if top is not None:
        order = order.head(top)
    return order.with_row_index("place", offset=1)


def shown_prospects(pg: PoolGraph, order: pl.DataFrame, ctx: RankContext, table: pl.DataFrame,
                    settings: RankSettings, placed: Placements) -> list[Prospect]:
    """The prospects of the rows shown (``candidate_scores`` rows with their ``place``): evidence, reasons
    and list looked up for these firms only; ``ctx`` is ``shown_context``'s (its channels are filled here)."""
    evidence = evidence_of(pg, order.get_column("idx"), table, settings.channels)
    shown_places = placed.of(order.get_column("id").to_list())
    ctx = replace(ctx, channels={node_id("Company", c): e.channel for c, e in evidence.items() if e.channel})
    return [_prospect(pg, row, evidence[row["id"]], ctx, settings,
                      shown_places.get(row["id"]) or Placement(company_kind(evidence[row["id"]].company)))
            for row in order.iter_rows(named=True)]


def _prospect(pg: PoolGraph, row: dict[str, Any], ev: Evidence, ctx: RankContext, settings: RankSettings,
              placement: Placement) -> Prospect:
    """One shown firm's prospect: its values from its row of ``candidate_scores`` (with ``place``, its
    place in its list), its reasons from its evidence."""
    company = ev.company
    stage = pg.stages.get(row["id"])
    weights: dict[str, float] = settings.weights.model_dump()
    why, fills = component_reasons(ev, ctx, pg.taxonomy, settings)
    details = {n: Component(value=row[n], weight=weights[n], reasons=why[n]) for n in SHORTLIST_COMPONENTS}
    reasons = [r for c in details.values() for r in c.reasons]
    if stage:
        reasons.append(f"招商进度：已在项目库中（{STAGE_LABELS[stage]}）")
    points = points_of(row["total"], settings)
    prospect = Prospect(
        rank=row["place"], company_id=row["id"], company=company["name"], province=company["province"],
        city=company["city"], score=row["score"], components={n: row[n] for n in details}, fills=fills,
        reasons=reasons, pipeline_stage=stage, details=details, points=points,
        tier=tier_of(points, settings.tiers), kind=placement.kind, kind_reason=placement.reason,
        primary_gap=row["primary_gap"])
    return prospect.model_copy(update={
        "headline": headline_with_group(prospect, ctx, placement.group),
        "connects": connects_of(ev) if prospect.kind == "platform" else []})


def shown_context(pg: PoolGraph, status: dict[str, SegmentDiagnosis], gaps: dict[str, SegmentDiagnosis],
                  all_gaps: dict[str, SegmentDiagnosis], home: str, today: date | None) -> RankContext:
    """What the reasons of the shown firms read besides their evidence (channels: the caller's)."""
    return RankContext(status=status, gaps=gaps, feeds=feed_edges(pg.taxonomy), channels={}, home=home,
                       all_gaps=all_gaps, signals=pg.taxonomy.graph.get("signals", {}),
                       needs=pg.taxonomy.graph.get("anchor_needs", {}), today=as_of(pg.taxonomy, today))


@dataclass(frozen=True)
class Explanation:
    """What ``explain`` shows about one company: its evidence, every component and the gaps it fills."""

    evidence: Evidence
    components: dict[str, Component]
    fills: list[str]
    placement: Placement
    score: float


def explain(pg: PoolGraph, company_id: str, diagnosis: list[SegmentDiagnosis], settings: RankSettings,
            today: date | None = None, prepared: Prepared | None = None) -> Explanation:
    """One company (any, local or not) as the unfiltered ranking sees it: values from the columns
    (``pool_rank.candidate_scores``), reasons from its evidence. ``prepared`` as for ``rank``."""
    all_gaps = gap_segments(diagnosis, RankFilter())
    status = {d.segment_id: d for d in diagnosis}
    prepared = _prepared(pg, diagnosis, settings, today, prepared)
    table, placed = prepared.table, prepared.placements
    home = pg.home_province
    rows = pg.companies.filter(pl.col("id") == company_id)
    scored = candidate_scores(pg, rows, all_gaps, status, table, home, settings, all_gaps, today).row(0, named=True)
    ev = evidence_of(pg, rows.get_column("idx"), table, settings.channels)[company_id]
    ctx = shown_context(pg, status, all_gaps, all_gaps, home, today)
    why, fills = component_reasons(ev, ctx, pg.taxonomy, settings)
    weights: dict[str, float] = settings.weights.model_dump()
    components = {n: Component(value=scored[n], weight=weights[n], reasons=why[n]) for n in SHORTLIST_COMPONENTS}
    return Explanation(ev, components, fills, placed.get(company_id) or Placement(company_kind(ev.company)),
                       scored["score"])


def headline_with_group(prospect: Prospect, ctx: RankContext, group: str | None) -> str:
    """The prospect's one line, then the group to approach it through when the line does not name it."""
    line = headline(prospect, ctx)
    if group and f"「{group}」" not in line:
        return f"{line}；对接渠道：经集团「{group}」" if line else f"对接渠道：经集团「{group}」"
    return line


def rank(
    pg: PoolGraph,
    diagnosis: list[SegmentDiagnosis],
    settings: RankSettings | None = None,
    flt: RankFilter | None = None,
    top: int | None = None,
    today: date | None = None,
    per_gap: int | None = None,
    focus: str | None = None,
    prepared: Prepared | None = None,
) -> list[Prospect]:
    """Rank the outside companies that fill the district's gaps; best first, ties by id.

    ``today`` ages the signals (default: the data's as-of date); ``per_gap`` keeps only the
    best few per primary gap (None: every candidate, the flat order). ``focus`` (a company id)
    keeps just that company's prospect, with its rank among all: what ``explain``
    shows, without the reasons of every other candidate. ``prepared`` (``prepare`` of the same
    tables, diagnosis and settings) saves working the channels and lists out again when one
    command ranks several lists.
    """
    settings = settings or RankSettings()
    flt = flt or RankFilter()
    return _rank_pool(pg, diagnosis, settings, flt, top, today, per_gap, focus, prepared)
