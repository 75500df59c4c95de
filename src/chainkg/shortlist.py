"""The shortlist: ``rank`` runs the ranking on a PoolGraph (the commands) or a full networkx graph.

The definitions (components, reasons, filters, prospects) are chainkg.ranking's; the columnar
scoring is chainkg.pool_rank's. This module uses both and neither uses it, so there is no
import cycle between them.
"""

from __future__ import annotations

from datetime import date

import networkx as nx

from chainkg.diagnosis import SegmentDiagnosis
from chainkg.graph import node_id
from chainkg.pool_graph import PoolGraph
from chainkg.pool_rank import rank_view
from chainkg.ranking import (
    LANDED_STAGES,
    STAGE_LABELS,
    Prospect,
    RankFilter,
    _connects,
    _pipeline_stages,
    company_kind,
    headline,
    points_of,
    prepare,
    primary_gap,
    score_company,
    score_of,
    select_variety,
    tier_of,
)
from chainkg.scoring import RankSettings

__all__ = ["rank"]


def rank(
    g: nx.MultiDiGraph | PoolGraph,
    diagnosis: list[SegmentDiagnosis],
    settings: RankSettings | None = None,
    flt: RankFilter | None = None,
    top: int | None = None,
    today: date | None = None,
    per_gap: int | None = None,
) -> list[Prospect]:
    """Rank the outside companies that fill the district's gaps; best first, ties by id.

    ``g`` is build_graph's networkx graph or a PoolGraph; both give the same prospects.
    ``today`` ages the signals (default: the data's as-of date); ``per_gap`` keeps only the
    best few per primary gap (None: every candidate, the flat order).
    """
    settings = settings or RankSettings()
    flt = flt or RankFilter()
    if isinstance(g, PoolGraph):
        # Companies are tables: pre-score them all, evaluate the possible top exactly.
        g, ctx, candidates, stages = rank_view(g, diagnosis, settings, flt, top, today, per_gap)
    else:
        ctx = prepare(g, diagnosis, settings, flt, today)
        gap_keys = {node_id("Segment", s) for s in ctx.gaps}
        candidates = sorted({
            u for u, v, k in g.edges(keys=True)
            if k == "OPERATES_IN" and v in gap_keys and not g.nodes[u]["is_local"]
        })
        stages = _pipeline_stages(g)
    prospects: list[Prospect] = []
    for key in candidates:
        company = g.nodes[key]
        stage = stages.get(key)
        if stage in LANDED_STAGES and not flt.include_pipeline:
            continue
        if flt.provinces and company["province"] not in flt.provinces:
            continue
        kind = company_kind(company)
        if (flt.kinds and kind not in flt.kinds) or (flt.exclude_partners and kind == "deepen"):
            continue
        components, fills = score_company(g, key, ctx, settings)
        score = score_of(components)
        reasons = [r for c in components.values() for r in c.reasons]
        if stage:
            reasons.append(f"招商进度：已在项目库中（{STAGE_LABELS[stage]}）")
        roles = {g.nodes[v]["id"]: a.get("role", "core")
                 for _u, v, k, a in g.out_edges(key, keys=True, data=True) if k == "OPERATES_IN"}
        points = points_of(score, settings)
        prospects.append(Prospect(
            rank=0, company_id=company["id"], company=company["name"],
            province=company["province"], city=company["city"], score=round(score, 4),
            components={n: c.value for n, c in components.items()}, fills=fills,
            reasons=reasons, pipeline_stage=stage, details=components, points=points,
            tier=tier_of(points, settings.tiers), kind=kind,
            primary_gap=primary_gap(fills, ctx.gaps, roles, settings),
        ))
    prospects.sort(key=lambda p: (-p.score, p.company_id))
    if per_gap is not None:
        prospects = select_variety(prospects, per_gap)
    if top is not None:
        prospects = prospects[:top]
    shown = []
    for i, p in enumerate(prospects, start=1):
        key = node_id("Company", p.company_id)
        shown.append(p.model_copy(update={
            "rank": i, "headline": headline(p, ctx),
            "connects": _connects(g, key) if p.kind == "platform" else [],
        }))
    return shown
