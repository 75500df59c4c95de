"""Back-test of the ranking on the data's own history: would it have pointed at the firms
the district actually engaged?

For every outside company that the pipeline shows engaged (a project at stage 接洽 or
further), the engagement is removed from the data — its projects, its strategic-partner
entry and the relations recorded from the speech about it (source ``seed``) — and the
ranking is recomputed on what is left. Where the firm lands among all candidates says how
early the ranking would have surfaced it. Two naive orderings of the same candidates are
scored the same way, so the gain is visible:

- ``legacy``: the ranking before issue #11 (``scoring.LEGACY_RANK``: five components, any
  relation as a channel), so old and new weights are compared on the same cases;
- ``capability``: company size/listing/qualifications alone (a list of famous names);
- ``random``: the expected position under a uniformly random order (exact, not sampled).

Positions of tied scores count as the middle of the tie, so a method gains nothing from
how ties happen to be broken. A firm that fills no gap once its engagement is removed is
never ranked and counts as a miss (percentile 100) for every method.

The sample is small (about a dozen firms): the figures are a check on the weights, not a
target to fit them to. What the data cannot un-know (segment rows, tags and notes written
with knowledge of the engagement) stays in; see README "Back-test".
"""

from __future__ import annotations

import math
import statistics
from datetime import date

import polars as pl
from pydantic import BaseModel

from chainkg.analysis.diagnosis import diagnose
from chainkg.analysis.focus import focus_prospect
from chainkg.analysis.leave_one_out import leave_one_out
from chainkg.analysis.pool_rank import unfiltered_scores
from chainkg.analysis.prospects import Prospect
from chainkg.graph.pool_graph import PoolGraph, pool_graph
from chainkg.model.records import PROJECT_STAGES, DataSet
from chainkg.model.scoring import LEGACY_RANK, Scoring

__all__ = [
    "ENGAGED_STAGES",
    "METHOD_LABELS",
    "BacktestCase",
    "BacktestReport",
    "LandingCounts",
    "LandingInfo",
    "MethodResult",
    "Replay",
    "backtest",
    "engaged_companies",
    "make_case",
    "replay",
    "summaries",
    "without_engagement",
]

# 接洽 and every later stage: the district talked to the firm.
ENGAGED_STAGES = PROJECT_STAGES[PROJECT_STAGES.index("contacted"):]
METHOD_LABELS = {
    "ranking": "chainkg 排序（新：当前设置）",
    "legacy": "chainkg 排序（旧：#11 之前的权重）",
    "capability": "基线：只按企业实力（名企名单）",
    "random": "基线：随机顺序（期望值）",
}
TOP_SHARES = (0.05, 0.10)


_Day = date  # LandingInfo has a field named ``date`` (the file's column)


class LandingInfo(BaseModel):
    """A real landing a case replays (``chainkg evaluate --landings``, chainkg.analysis.landings)."""

    line: int  # the row of the landings file
    firm: str  # as written in the file
    date: str  # as written: a day, a month or a year
    replayed: _Day  # the day the data were replayed as of: the day before the landing
    status: str  # ranked, not_in_data, local, unborn or no_gap (chainkg.analysis.landings.STATUS_LABELS)
    segment_id: str | None = None
    source: str
    intent: float | None = None  # the firm's 近期动向 component on the replay day (None: not ranked)
    segment_filled: bool | None = None  # whether it fills the file's segment then (None: no segment, not ranked)


class LandingCounts(BaseModel):
    """How many landings of a file are ranked, and why the others are not (chainkg.analysis.landings)."""

    ranked: int = 0  # a candidate on the replay day
    not_in_data: int = 0  # no company of the data by that name
    local: int = 0  # already a local firm on the replay day
    unborn: int = 0  # founded after the replay day
    no_gap: int = 0  # it filled no gap on the replay day
    with_intent: int = 0  # ranked with a 近期动向 above zero on the replay day
    segment_given: int = 0  # ranked, with a segment in the file
    segment_filled: int = 0  # … that the firm fills as a gap on the replay day


class BacktestCase(BaseModel):
    """Where one engaged (or landed) firm lands under one method once its engagement is removed."""

    company_id: str
    company: str
    stage: str  # the most advanced pipeline stage the firm had reached ("" for a landing)
    position: float | None  # 1 = first; the middle of a tie; None = not ranked
    candidates: int
    percentile: float  # position / candidates × 100 (lower is better); 100 when not ranked
    landing: LandingInfo | None = None


class MethodResult(BaseModel):
    """One method's figures over all engaged firms."""

    method: str
    label: str
    median_percentile: float
    top5_hits: float  # firms within the top 5 % of candidates (fractional for random)
    top10_hits: float
    ranked: int
    cases: list[BacktestCase]


class BacktestReport(BaseModel):
    """The back-test of every method; ``engaged`` is the number of firms tested.

    For a landings file, ``landings`` counts its rows by status (chainkg.analysis.landings); else None.
    """

    engaged: int
    methods: list[MethodResult]
    landings: LandingCounts | None = None


def engaged_companies(data: DataSet) -> dict[str, str]:
    """Outside companies with a project at 接洽 or further → their most advanced stage."""
    named = sorted({p.company_id for p in data.projects if p.company_id})
    companies = data.pool.companies
    local = set(companies.filter(data.pool.local_mask(data.region) & pl.col("id").is_in(named))
                .get_column("id").to_list())
    stages: dict[str, str] = {}
    for project in data.projects:
        cid = project.company_id
        if cid is None or cid in local or project.stage not in ENGAGED_STAGES:
            continue
        if cid not in stages or PROJECT_STAGES.index(project.stage) > PROJECT_STAGES.index(stages[cid]):
            stages[cid] = project.stage
    return dict(sorted(stages.items()))


def without_engagement(pg: PoolGraph, company_id: str) -> PoolGraph:
    """The company tables as they were before the district engaged the company: not a partner,
    no project, none of the seed relations that record the engagement (filters on the tables)."""
    c = pl.col
    companies = pg.companies.with_columns(c("is_partner") & (c("id") != company_id))
    relations = pg.relations.filter(~(((c("from_id") == company_id) | (c("to_id") == company_id))
                                      & (c("source") == "seed")))
    stages = {k: v for k, v in pg.stages.items() if k != company_id}
    return PoolGraph(pg.taxonomy, companies, pg.company_segments, relations, stages)


def _position(scores: pl.DataFrame, company_id: str, column: str) -> float | None:
    """1-based position by ``column`` (higher is better), the middle of a tie; None if absent."""
    found = scores.filter(pl.col("id") == company_id).get_column(column)
    if found.len() == 0:
        return None
    mine = found[0]
    values = scores.get_column(column)
    better = int((values > mine).sum())
    tied = int((values == mine).sum())
    return better + (tied + 1) / 2


def make_case(company_id: str, name: str, stage: str, position: float | None, candidates: int) -> BacktestCase:
    percentile = 100.0 if position is None or candidates == 0 else 100.0 * position / candidates
    return BacktestCase(company_id=company_id, company=name, stage=stage, position=position,
                        candidates=candidates, percentile=round(percentile, 1))


def _hits(method: str, cases: list[BacktestCase], share: float) -> float:
    if method == "random":
        # Probability of landing in the top ⌊share·N⌋ of N places under a random order.
        return sum(math.floor(share * c.candidates) / c.candidates
                   for c in cases if c.position is not None and c.candidates)
    return float(sum(1 for c in cases if c.position is not None and c.position <= share * c.candidates))


def _summary(method: str, cases: list[BacktestCase]) -> MethodResult:
    return MethodResult(
        method=method, label=METHOD_LABELS[method],
        median_percentile=round(statistics.median(c.percentile for c in cases), 1) if cases else 0.0,
        top5_hits=round(_hits(method, cases, TOP_SHARES[0]), 2),
        top10_hits=round(_hits(method, cases, TOP_SHARES[1]), 2),
        ranked=sum(1 for c in cases if c.position is not None), cases=cases,
    )


class Replay(BaseModel):
    """One firm on a re-ranked data set: method → (its position, the number of candidates), and
    its row of the ranking (None when it is not ranked)."""

    positions: dict[str, tuple[float | None, int]]
    prospect: Prospect | None


def replay(pg: PoolGraph, company_id: str, scoring: Scoring, today: date | None = None) -> Replay:
    """Where the company stands under every method on the tables as given, and its row of the ranking."""
    diagnosis = diagnose(pg, scoring.diagnosis)
    table, current = unfiltered_scores(pg, diagnosis, scoring.rank, today)
    positions = _positions(current, unfiltered_scores(pg, diagnosis, LEGACY_RANK, today)[1], company_id)
    # The firm's own row (its intent and fills), from the scores: only its reasons are added.
    return Replay(positions=positions,
                  prospect=focus_prospect(pg, diagnosis, scoring.rank, company_id, table, current, today))


def _positions(current: pl.DataFrame, legacy: pl.DataFrame, company_id: str) -> dict[str, tuple[float | None, int]]:
    """Where the company stands under every method among every candidate (``pool_rank.unfiltered_scores``' scores
    under the current and the legacy settings)."""
    # Landed firms are left out, as in daily use; every kind of counterpart (targets,
    # partners, platforms) in one flat order, so a platform the district engaged counts too.
    # Positions compare scores only: the columns of every candidate, no reasons.
    n = current.height
    score = _position(current, company_id, "score")
    return {
        "ranking": (score, n),
        "legacy": (_position(legacy, company_id, "score"), legacy.height),
        "capability": (_position(current, company_id, "capability"), n),
        # A uniformly random order puts a firm at (N + 1) / 2 on average.
        "random": ((n + 1) / 2 if score is not None else None, n),
    }


def summaries(per_method: dict[str, list[BacktestCase]]) -> list[MethodResult]:
    """Each method's figures over its cases."""
    return [_summary(m, cases) for m, cases in per_method.items()]


def backtest(data: DataSet, scoring: Scoring, today: date | None = None) -> BacktestReport:
    """Leave-one-out back-test of the ranking and the two baselines (see the module docstring).

    Every candidate is scored once; each firm's case then scores only the rows its engagement
    changes (chainkg.analysis.leave_one_out), or, where that cannot vouch for its result, all again.
    """
    per_method: dict[str, list[BacktestCase]] = {m: [] for m in METHOD_LABELS}
    engaged = engaged_companies(data)
    full = pool_graph(data)
    names = full.company_names(list(engaged))
    diagnosis = diagnose(full, scoring.diagnosis)
    fast = leave_one_out(full, diagnosis, {"current": scoring.rank, "legacy": LEGACY_RANK}, list(engaged), today)
    for (company_id, stage), found in zip(engaged.items(), fast, strict=True):
        if found is None:
            found = replay(without_engagement(full, company_id), company_id, scoring, today).positions
        for method, (position, candidates) in found.items():
            per_method[method].append(make_case(company_id, names[company_id], stage, position, candidates))
    return BacktestReport(engaged=len(engaged), methods=summaries(per_method))
