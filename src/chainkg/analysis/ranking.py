"""Ranking rules: what a filter means, which firm is which kind, points and tiers, the context.

Every component is in [0, 1]; the score is their weighted sum (weights in scoring.yaml), shown
as 0–100 points with a tier (``points_of``, ``tier_of``). A filter chooses candidates and never
changes a score (``gap_segments``: gap_fit counts every gap); channels run only through relations
that are a way in (``way_in``). Signals age to an explicit day (``as_of``), never to the clock
when the data have signals. The models and labels are chainkg.analysis.prospects'.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx

from chainkg.analysis.diagnosis import GAP_STATUSES, SegmentDiagnosis
from chainkg.analysis.prospects import SUPPLY_TYPES, WAY_IN_TYPES, Channel, Component, RankFilter
from chainkg.model.scoring import RankSettings, TierSettings

__all__ = [
    "RankContext",
    "as_of",
    "feed_edges",
    "filter_values",
    "gap_segments",
    "points_of",
    "score_of",
    "tier_of",
    "way_in",
]

def way_in(kind: str, u_anchor: bool, v_anchor: bool) -> bool:
    """Whether a relation can carry an introduction: any ownership/investment/partnership
    link, and a supplier or customer link only when one end is a local firm or partner
    (two firms sharing a customer do not introduce each other)."""
    return kind in WAY_IN_TYPES or (kind in SUPPLY_TYPES and (u_anchor or v_anchor))


def points_of(score: float, settings: RankSettings) -> int:
    """The 0–100 score: the weighted sum over the sum of the weights."""
    total = sum(settings.weights.model_dump().values())
    return round(100 * score / total) if total else 0


def tier_of(points: float, tiers: TierSettings) -> str:
    return "A" if points >= tiers.a else "B" if points >= tiers.b else "C"


def gap_segments(diagnosis: list[SegmentDiagnosis], flt: RankFilter) -> dict[str, SegmentDiagnosis]:
    """The gaps a ranking fills under a filter; a named segment includes its sub-segments."""
    wanted_segments: set[str] | None = None
    if flt.segments:
        # A named segment includes its sub-segments.
        wanted_segments = set(flt.segments)
        parent_of = {r.segment_id: r.parent_id for r in diagnosis}
        for seg_id in parent_of:
            ancestor: str | None = seg_id
            while ancestor is not None:
                if ancestor in flt.segments:
                    wanted_segments.add(seg_id)
                    break
                ancestor = parent_of.get(ancestor)
    gaps = {}
    for d in diagnosis:
        if d.status not in GAP_STATUSES:
            continue
        if flt.fields and d.field_id not in flt.fields:
            continue
        if flt.chains and d.chain_id not in flt.chains:
            continue
        if wanted_segments is not None and d.segment_id not in wanted_segments:
            continue
        gaps[d.segment_id] = d
    return gaps


@dataclass(frozen=True)
class RankContext:
    """What every candidate's evaluation reads, computed once per ranking (keeps rank linear)."""

    status: dict[str, SegmentDiagnosis]  # every segment's diagnosis, by segment id
    gaps: dict[str, SegmentDiagnosis]  # the gaps this ranking lists candidates for, by segment id
    feeds: dict[str, list[tuple[str, str]]]  # segment key → the FEEDS edges touching it, sorted
    channels: dict[str, Channel]
    home: str  # the region's province
    # Every gap (a filter chooses candidates, never changes their score), by segment id.
    all_gaps: dict[str, SegmentDiagnosis] | None = None
    signals: dict[str, list[dict[str, Any]]] | None = None  # company id → signals, newest first
    needs: dict[str, list[dict[str, Any]]] | None = None  # segment id → anchor needs
    today: date | None = None  # the day intent ages signals to


def feed_edges(g: nx.MultiDiGraph) -> dict[str, list[tuple[str, str]]]:
    """Segment key → the FEEDS edges touching it, sorted."""
    feeds: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for u, v, k in g.edges(keys=True):
        if k == "FEEDS":
            feeds[u].append((u, v))
            feeds[v].append((u, v))
    for edges in feeds.values():
        edges.sort()
    return dict(feeds)


def as_of(g: nx.MultiDiGraph, today: date | None) -> date:
    """The day signals age to: the given one, else the data's as-of date, else the clock's."""
    return today or g.graph.get("as_of") or date.today()


def score_of(components: dict[str, Component]) -> float:
    """The weighted sum of a prospect's (rounded) components; ``Prospect.score`` is it rounded to 4 places."""
    total: float = sum(c.value * c.weight for c in components.values())
    return total


def filter_values(values: Collection[str] | None) -> list[str] | None:
    """Split comma lists from the CLI: ["a,b", "c"] → ["a", "b", "c"]; empty → None."""
    if not values:
        return None
    return [part.strip() for v in values for part in v.split(",") if part.strip()]
