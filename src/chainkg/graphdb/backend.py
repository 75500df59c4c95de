"""The diagnosis and the ranking computed by Cypher on the server (``--backend neo4j``).

``diagnose_on_server`` runs ``cypher/queries/backend_diagnosis.cypher``: statuses,
strength, severity, 延链 neighbours — everything of chainkg.analysis.diagnosis. ``rank_on_server``
runs ``backend_rank.cypher``, which computes all five components (gap_fit, capability,
chain_pull, partner_proximity, geography) and the pipeline stage. partner_proximity's hop
distances come from ``channel_hops``: one breadth-first search from every local firm and
strategic partner at once, level by level (``backend_channel_anchors``, then
``backend_channel_step`` per level), passed to backend_rank as ``$hops``.
Python finishes what is formatting, not analysis: rounding to 4 places, the weighted sum,
the 0–100 points and tier (from the unrounded sum, with ``ranking.points_of`` as the
embedded path), the tie-breaking sort, ``top`` and the Chinese reason sentences. Weights
always come from the scoring settings, passed as parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from chainkg.analysis.components import capability_component, gap_reasons, geography_component
from chainkg.analysis.diagnosis import SegmentDiagnosis, shown
from chainkg.analysis.pool_rank import margin
from chainkg.analysis.prospects import (
    COMPONENTS,
    LANDED_STAGES,
    RELATION_LABELS,
    STAGE_LABELS,
    Component,
    Prospect,
    RankFilter,
)
from chainkg.analysis.ranking import gap_segments, points_of, score_of, tier_of
from chainkg.graphdb.connection import QueryRunner
from chainkg.graphdb.queries import load_query, run_named
from chainkg.model.records import PROJECT_STAGES
from chainkg.model.scoring import DiagnosisSettings, RankSettings

__all__ = ["base_settings", "bfs_levels", "channel_hops", "diagnose_on_server", "rank_on_server", "server_fields"]


def diagnose_on_server(
    runner: QueryRunner, settings: DiagnosisSettings | None = None, fields: list[str] | None = None,
    chains: list[str] | None = None, stages: list[str] | None = None, statuses: list[str] | None = None,
) -> list[SegmentDiagnosis]:
    """The diagnosis of the pushed graph, as chainkg.analysis.diagnosis.diagnose computes it locally."""
    settings = settings or DiagnosisSettings()
    rows = run_named(runner, "backend_diagnosis", {
        "settings": settings.model_dump(), "fields": fields, "chains": chains,
        "stages": stages, "statuses": statuses,
    })
    result = [SegmentDiagnosis(**{
        **row, "severity": shown(row["severity"]), "strength": shown(row["strength"]),
        "local_companies": sorted(row["local_companies"]),
        "partner_companies": sorted(row["partner_companies"]), "extends": sorted(row["extends"]),
    }) for row in rows]
    result.sort(key=lambda r: (-r.severity, r.segment_id))
    return result


def rank_on_server(
    runner: QueryRunner, diagnosis: list[SegmentDiagnosis], settings: RankSettings | None = None,
    flt: RankFilter | None = None, top: int | None = None,
) -> list[Prospect]:
    """Rank the outside companies on the server; best first, ties by id (as chainkg.analysis.shortlist.rank)."""
    settings = settings or RankSettings()
    flt = flt or RankFilter()
    gaps = gap_segments(diagnosis, flt)
    names = {d.segment_id: d.segment for d in diagnosis}
    home = next((r["province"] for r in runner.run("MATCH (r:Region) RETURN r.province AS province LIMIT 1")), "")
    params = {
        "settings": settings.model_dump(mode="json"),
        "gaps": {d.segment_id: d.severity for d in gaps.values()},
        "statuses": {d.segment_id: d.status for d in diagnosis},
        "provinces": flt.provinces or None, "include_pipeline": flt.include_pipeline,
        "landed": list(LANDED_STAGES), "stage_order": list(PROJECT_STAGES),
        "hops": channel_hops(runner, settings.max_hops),
    }
    query = load_query("backend_rank").text
    status = {d.segment_id: d for d in diagnosis}
    # The server orders by its own score and returns the best `limit` rows. Its rounding may
    # differ from Python's in the last place (HALF_UP on decimals vs. on binary floats), so
    # rows are fetched until the last one is clearly below the top-th exact score (by a margin
    # that grows with the weights, as the embedded pre-score's).
    limit = _ALL if top is None else top + 50
    while True:
        rows = runner.run(query, {**params, "limit": limit})
        prospects = sorted((_prospect(row, gaps, status, names, home, settings) for row in rows),
                           key=lambda p: (-p.score, p.company_id))
        if top is None or len(rows) < limit or not prospects:
            break
        kth = prospects[min(top, len(prospects)) - 1].score
        if rows[-1]["score"] < kth - margin(settings):
            break
        limit *= 4
    if top is not None:
        prospects = prospects[:top]
    return [p.model_copy(update={"rank": i}) for i, p in enumerate(prospects, start=1)]


# LIMIT for "every row" (Cypher's LIMIT takes no null).
_ALL = 2**62


def _prospect(
    row: dict[str, Any], gaps: dict[str, SegmentDiagnosis], status: dict[str, SegmentDiagnosis],
    names: dict[str, str], home: str, settings: RankSettings,
) -> Prospect:
    """One row of backend_rank as the Prospect chainkg.analysis.shortlist.rank makes of the same company."""
    reasons = _reasons(row, gaps, status, names, home, settings)
    weights = settings.weights
    details = {name: Component(value=round(row[name], 4), weight=getattr(weights, name),
                               reasons=reasons[name]) for name in COMPONENTS}
    flat = [r for name in COMPONENTS for r in reasons[name]]
    if row["pipeline_stage"]:
        flat.append(f"招商进度：已在项目库中（{STAGE_LABELS[row['pipeline_stage']]}）")
    # Points from the unrounded sum, over the five weights summed here: what rank() gives under
    # base_settings (a score rounded first lands on the other side of .5 now and then).
    score = score_of(details)
    points = points_of(score, base_settings(settings))
    return Prospect(
        rank=0, company_id=row["company_id"], company=row["company"], province=row["province"],
        city=row["city"], score=round(score, 4), components={n: c.value for n, c in details.items()},
        fills=sorted(f["id"] for f in row["fills"]), reasons=flat,
        pipeline_stage=row["pipeline_stage"], details=details, points=points, tier=tier_of(points, settings.tiers),
    )


# Frontier ids per backend_channel_step query: bounds the server's DISTINCT set per transaction
# (a level of a million-company graph is most of it) while keeping round trips few.
_STEP_CHUNK = 20_000


def bfs_levels(
    anchors: Iterable[str], neighbours: Callable[[Sequence[str]], Iterable[str]], max_hops: int,
) -> dict[str, int]:
    """Hop distance of every node within ``max_hops`` of an anchor (anchors 0), breadth first.

    ``neighbours`` returns the nodes adjacent to any of the given ones (in any order, repeats
    allowed); it is called once per level with that level's nodes, sorted.
    """
    hops = dict.fromkeys(anchors, 0)
    frontier = sorted(hops)
    for level in range(1, max_hops + 1):
        if not frontier:
            break
        frontier = sorted({n for n in neighbours(frontier) if n not in hops})
        hops.update(dict.fromkeys(frontier, level))
    return hops


def channel_hops(runner: QueryRunner, max_hops: int) -> dict[str, int]:
    """{company id: hops to the nearest local firm or strategic partner}, within ``max_hops``.

    The multi-source breadth-first search of the embedded path's channel table, over company
    relations in either direction and through companies only; one server query per chunk of
    each level, the visited set kept here.
    """
    def step(frontier: Sequence[str]) -> Iterable[str]:
        for start in range(0, len(frontier), _STEP_CHUNK):
            for row in run_named(runner, "backend_channel_step", {"frontier": frontier[start:start + _STEP_CHUNK]}):
                yield from row["ids"]

    anchors = run_named(runner, "backend_channel_anchors")[0]["ids"]
    return bfs_levels(anchors, step, max_hops)


def _chain_pull_reasons(row: dict[str, Any], status: dict[str, SegmentDiagnosis]) -> list[str]:
    """链主带动 / 本地需求 / 本地配套, in the order and words of chainkg.analysis.reasons' chain_pull."""
    reasons = []
    # Outgoing relations first, then incoming; each by the local company's id, then type.
    for r in sorted(row["local_relations"], key=lambda r: (not r["outgoing"], r["id"], r["type"])):
        name, kind, outgoing = r["company"], r["type"], r["outgoing"]
        if (outgoing and kind == "SUPPLIES") or (not outgoing and kind == "CUSTOMER_OF"):
            reasons.append(f"链主带动：向本地企业「{name}」供货")
        elif (outgoing and kind == "CUSTOMER_OF") or (not outgoing and kind == "SUPPLIES"):
            reasons.append(f"链主带动：采购本地企业「{name}」的产品")
        else:
            reasons.append(f"链主带动：与本地企业「{name}」有{RELATION_LABELS[kind]}关系")
    seen: set[str] = set()
    # The company's segments by id; each one's FEEDS edges by (source id, target id).
    for f in sorted(row["feeds"], key=lambda f: (f["segment"], f["source"], f["target"])):
        own = f["segment"]
        other = f["target"] if f["source"] == own else f["source"]
        diag = status.get(other)
        if diag is None or diag.status not in ("strong", "weak") or other in seen:
            continue
        seen.add(other)
        if f["source"] == own:
            reasons.append(f"本地需求：其「{f['segment_name']}」供给本区{diag.status_label}「{diag.segment}」")
        else:
            reasons.append(f"本地配套：本区{diag.status_label}「{diag.segment}」供给其「{f['segment_name']}」")
    return reasons


def _reasons(
    row: dict[str, Any], gaps: dict[str, SegmentDiagnosis], status: dict[str, SegmentDiagnosis],
    names: dict[str, str], home: str, settings: RankSettings,
) -> dict[str, list[str]]:
    """The reason sentences, worded as in chainkg.analysis.ranking from the facts the query returned."""
    gap_fit = [r for fill in row["fills"]
               for r in gap_reasons(gaps[fill["id"]], fill["role"], lambda s: names.get(s, s))]
    chain_pull = _chain_pull_reasons(row, status)
    facts = row["facts"]
    if facts["is_partner"]:
        proximity = ["对接渠道：本身是本区战略合作伙伴"]
    elif row["channels"]:
        ch = row["channels"][0]
        kind = "本地企业" if ch["local"] else "战略伙伴"
        proximity = [f"对接渠道：经{kind}「{ch['target']}」{ch['hops']}跳（{' → '.join(ch['path'])}）"]
    else:
        proximity = ["对接渠道：数据中没有到本地企业或战略伙伴的关系路径"]
    return {
        "gap_fit": gap_fit,
        "capability": capability_component(facts, settings)[1],
        "chain_pull": chain_pull,
        "partner_proximity": proximity,
        "geography": geography_component(facts, home, settings)[1],
    }


def server_fields(p: Prospect) -> dict[str, Any]:
    """What the server computes of a prospect (README "Back-end parity"): every field, reason and
    detail of the five base components, points and tier; intent, attainability, kind (and its
    reason), headline, primary gap and connects are embedded-only. Parity checks compare prospects
    through this."""
    row = p.model_dump(exclude={"details", "components", "reasons", "kind", "kind_reason", "headline", "primary_gap",
                                "connects"})
    row["components"] = {c: p.components[c] for c in COMPONENTS}
    row["details"] = {c: p.details[c].model_dump() for c in COMPONENTS}
    row["reasons"] = [r for r in p.reasons if not r.startswith(("近期动向", "招得来"))]
    return row


def base_settings(settings: RankSettings) -> RankSettings:
    """The embedded settings whose ranking the server's equals (README "Back-end parity"): the
    five base components (intent, attainability and anchor needs off), channels over any relation."""
    return settings.model_copy(update={
        "weights": settings.weights.model_copy(update={"intent": 0.0, "attainability": 0.0}),
        "chain_pull": settings.chain_pull.model_copy(update={"anchor_need": 0.0}), "channels": "any"})
