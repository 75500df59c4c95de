"""The leadership report as data: summary, the year's targets, the pipeline, gaps, prospects.

``build_report`` is pure: the data set, its graph and the analysis results in, one
``Report`` out; ``report_render`` writes it as XLSX, HTML or PDF.

Target actuals come from the data where it can compute them (``COMPUTED_METRICS``) and
otherwise from the team's ``progress.csv`` (the latest ``as_of`` per target).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date

import networkx as nx
from pydantic import BaseModel

from chainkg.analysis.diagnosis import GAP_STATUSES, STATUS_LABELS, SegmentDiagnosis
from chainkg.analysis.prospects import KIND_LABELS as PROSPECT_KINDS
from chainkg.analysis.prospects import LANDED_STAGES, STAGE_LABELS, TIER_LABELS, Prospect
from chainkg.analysis.targets import (
    COMPARISON_LABELS,
    KIND_LABELS,
    PERIOD_LABELS,
    TARGET_STATUS_LABELS,
    Assessment,
    assess,
)
from chainkg.graph.pool_graph import PoolGraph
from chainkg.graph.taxonomy import nodes_of
from chainkg.model.records import DataSet, FollowUp, Park, Project, Target
from chainkg.output.views import place

__all__ = [
    "COMPUTED_METRICS",
    "TARGET_STATUS_LABELS",
    "ChainRow",
    "GapRow",
    "ParkSuggestion",
    "PipelineRow",
    "PlatformRow",
    "ProspectRow",
    "Report",
    "Summary",
    "TargetRow",
    "build_report",
    "suggest_park",
    "target_row",
]

PIPELINE_ORDER = ("operating", "under_construction", "signed", "negotiating", "contacted", "lead")
BIG_PROJECT_YI = 50.0  # 新签约50亿元以上项目: amount_yi ≥ 50


class Summary(BaseModel):
    """The first page: what the district has, in counts."""

    region: str
    as_of: date
    data_as_of: date | None = None  # region.yaml as_of: the day the data was last checked
    fields: int
    chains: int
    segments: int
    segments_by_status: dict[str, int]
    local_companies: int
    outside_companies: int
    partners: int
    projects: int
    projects_by_stage: dict[str, int]
    targets: int
    targets_by_status: dict[str, int]


class TargetRow(Assessment):
    """One target of region.yaml against the data, read by its kind (the maths: chainkg.analysis.targets)."""

    target_id: str
    name: str
    year: int | None
    comparison: str
    value: float
    unit: str
    baseline: float | None
    baseline_year: int | None
    actual: float | None
    source: str  # where the actual comes from
    as_of: date | None

    @property
    def status_label(self) -> str:
        """✓ 已达成 / … 进度正常 / ⚠ 时间过半任务未过半 / ⚠ 进度滞后 / … 进行中 / ✗ 未达成 / — 无数据."""
        return TARGET_STATUS_LABELS[self.status]

    @property
    def requirement(self) -> str:
        """The comparison in words: 不低于 / 不高于 / 达到."""
        return COMPARISON_LABELS[self.comparison]

    @property
    def kind_label(self) -> str:
        """总量·年内累计, 个数·时点, 增速, 比重 …; 未标注 when unknown."""
        if self.kind is None:
            return "未标注"
        label = KIND_LABELS[self.kind] + (f"·{PERIOD_LABELS[self.period]}" if self.period else "")
        return label + ("（按单位）" if self.kind_inferred else "")


class PipelineRow(BaseModel):
    """One project of projects.csv."""

    stage: str
    project: str
    company: str
    segments: list[str]
    amount_yi: float | None
    park: str
    year: int | None
    owner: str
    next_step: str
    chain_ids: list[str] = []  # the chains of its segments, for the per-chain sections


class GapRow(BaseModel):
    """One gap (弱链/缺链/断链), most severe first."""

    segment: str
    chain: str
    field: str
    stage: str
    status: str
    severity: float
    local_companies: int
    candidate_count: int
    extends: list[str]


class ParkSuggestion(BaseModel):
    """Where a prospect should land, and why."""

    park_id: str
    park: str
    reason: str


class ProspectRow(BaseModel):
    """One top prospect with its reasons and suggested park."""

    rank: int
    company: str
    place: str
    points: int  # 0–100, as `chainkg rank` shows it
    tier: str  # A 重点对接 / B 跟踪 / C 储备
    fills: list[str]
    reasons: list[str]
    park: ParkSuggestion | None
    # As `chainkg rank` shows them (the ranking's own fields, not recomputed):
    headline: str = ""  # 首要理由
    deepen: bool = False  # already a strategic partner: 深化合作
    route: str = ""  # 对接渠道: the relation path to a local firm or partner, "" when there is none
    stage: str = ""  # 项目库 stage when the firm is already in the pipeline
    chain_id: str | None = None  # the chain of its primary gap (the section it is listed in)
    gap: str = ""  # its primary gap's segment
    owner: str = ""  # followup.csv: who follows it up
    next_step: str = ""


class ApartRow(BaseModel):
    """A firm listed apart from the targets (配套对接, 集团渠道, 本市协作), as `chainkg rank` lists it."""

    rank: int
    name: str
    place: str
    points: int
    kind: str
    reason: str
    headline: str


class PlatformRow(BaseModel):
    """A university, institute or fund: a channel (平台与渠道), as `chainkg rank` lists it."""

    rank: int
    name: str
    place: str
    points: int
    headline: str
    connects: list[str]


class ChainRow(BaseModel):
    """One chain's state: segments by status, its worst gaps, targets and projects in it."""

    chain_id: str
    chain: str
    field: str
    by_status: dict[str, int]  # 强链/弱链/缺链/断链 → segments
    worst_gaps: list[str]  # the most severe gaps' segment names
    targets: int  # listed prospects whose primary gap lies in this chain
    projects: int
    # chains.yaml, where the team has filled them: 链长, 牵头单位, 链主 (company names)
    chain_leader: str = ""
    lead_unit: str = ""
    anchors: list[str] = []


class Report(BaseModel):
    """Everything the report shows, section by section."""

    summary: Summary
    targets: list[TargetRow]
    pipeline: list[PipelineRow]
    gaps: list[GapRow]
    gap_total: int
    prospects: list[ProspectRow]
    scope: str = ""  # "" for the whole district, else the chains' or field's names
    chains: list[ChainRow] = []
    platforms: list[PlatformRow] = []
    apart: list[ApartRow] = []


def _landed_in(target: Target, projects: tuple[Project, ...], keep: Callable[[Project], bool]) -> int:
    return sum(1 for p in projects if p.stage in LANDED_STAGES and keep(p)
               and (target.year is None or p.year == target.year))


def _big_signed(data: DataSet, target: Target) -> tuple[float, str]:
    count = _landed_in(target, data.projects, lambda p: (p.amount_yi or 0.0) >= BIG_PROJECT_YI)
    return float(count), f"项目库：{target.year or '各'}年签约及以后阶段、金额≥{BIG_PROJECT_YI:g}亿元的项目数"


def _bonded_zone(data: DataSet, target: Target) -> tuple[float, str]:
    zones = {p.id for p in data.region.parks if p.kind == "综保区"}
    count = _landed_in(target, data.projects, lambda p: p.park_id in zones)
    return float(count), f"项目库：{target.year or '各'}年签约及以后阶段、园区为综保区的项目数"


# metric → how the data computes its actual value. Others come from progress.csv.
COMPUTED_METRICS: dict[str, Callable[[DataSet, Target], tuple[float, str]]] = {
    "new_signed_projects_over_5bn": _big_signed,
    "bonded_zone_new_projects": _bonded_zone,
}


def target_row(target: Target, actual: float | None, source: str, as_of: date | None, today: date) -> TargetRow:
    """A target with its actual value, read by its kind (see chainkg.analysis.targets.assess)."""
    a = assess(target, actual, as_of, today)
    return TargetRow(
        target_id=target.id, name=target.name, year=target.year, comparison=target.comparison,
        value=target.value, unit=target.unit, baseline=target.baseline, baseline_year=target.baseline_year,
        actual=actual, source=source, as_of=as_of, **a.model_dump(),
    )


def _target_rows(data: DataSet, today: date) -> list[TargetRow]:
    latest = {}
    for item in sorted(data.progress, key=lambda p: p.as_of):
        latest[item.target_id] = item  # the latest as_of wins; on a tie, the later line
    rows = []
    for target in data.region.targets:
        compute = COMPUTED_METRICS.get(target.metric)
        if compute is not None:
            actual, source = compute(data, target)
            rows.append(target_row(target, actual, source, today, today))
        elif target.id in latest:
            item = latest[target.id]
            rows.append(target_row(target, item.value, f"进度填报：{item.source}", item.as_of, today))
        else:
            rows.append(target_row(target, None, "", None, today))
    return rows


def _names(g: nx.MultiDiGraph, label: str) -> dict[str, str]:
    return {a["id"]: a["name"] for _k, a in nodes_of(g, label)}


def _pipeline(data: DataSet, pg: PoolGraph, chain_of: dict[str, str]) -> list[PipelineRow]:
    companies = pg.company_names([p.company_id for p in data.projects if p.company_id])
    segments = _names(pg.taxonomy, "Segment")
    parks = {p.id: p.name for p in data.region.parks}
    order = {s: i for i, s in enumerate(PIPELINE_ORDER)}
    projects = sorted(data.projects, key=lambda p: (order[p.stage], -(p.amount_yi or 0.0), p.id))
    return [
        PipelineRow(stage=STAGE_LABELS[p.stage], project=p.name,
                    company=companies.get(p.company_id or "", ""),
                    segments=[segments[s] for s in p.segment_ids], amount_yi=p.amount_yi,
                    park=parks.get(p.park_id or "", ""), year=p.year, owner=p.owner, next_step=p.next_step,
                    chain_ids=list(dict.fromkeys(chain_of[s] for s in p.segment_ids if s in chain_of)))
        for p in projects
    ]


def _route(reasons: list[str]) -> str:
    """The ranking's 对接渠道 reason, when it names a way in (its "no path" line is not one)."""
    found = next((r for r in reasons if r.startswith("对接渠道：") and "没有" not in r), "")
    return found.removeprefix("对接渠道：")


def suggest_park(
    parks: tuple[Park, ...], fills: list[str], diagnosis: dict[str, SegmentDiagnosis],
) -> ParkSuggestion | None:
    """The park hosting most of the gaps a prospect fills: named segments first, then chains.

    A park naming a segment (or its parent) beats one naming the whole chain; ties go to the
    park listed first in region.yaml.
    """
    best: tuple[int, int, int] | None = None
    choice = None
    for index, park in enumerate(parks):
        by_segment: list[str] = []
        by_chain: dict[str, list[str]] = {}  # chain name → the filled segments in it
        for seg_id in fills:
            d = diagnosis[seg_id]
            if seg_id in park.segments or (d.parent_id is not None and d.parent_id in park.segments):
                by_segment.append(d.segment)
            elif d.chain_id in park.chains:
                by_chain.setdefault(d.chain, []).append(d.segment)
        if not by_segment and not by_chain:
            continue
        key = (len(by_segment), sum(len(v) for v in by_chain.values()), -index)
        if best is None or key > best:
            best = key
            hosted = [f"环节「{s}」" for s in dict.fromkeys(by_segment)]
            hosted += [f"产业链「{c}」（所补：{'、'.join(segs)}）" for c, segs in by_chain.items()]
            choice = ParkSuggestion(park_id=park.id, park=park.name,
                                    reason=f"{park.name}承载{'、'.join(hosted)}（园区定位）")
    return choice


def _chain_rows(
    pg: PoolGraph, diagnosis: list[SegmentDiagnosis], prospects: list[ProspectRow],
    pipeline: list[PipelineRow], data: DataSet,
) -> list[ChainRow]:
    leads = {c.id: c for c in data.chains}
    company_names = pg.company_names([a for c in data.chains for a in c.anchors])
    rows = []
    for _k, chain in nodes_of(pg.taxonomy, "Chain"):
        mine = [d for d in diagnosis if d.chain_id == chain["id"]]
        if not mine:
            continue
        counts: Counter[str] = Counter(d.status for d in mine)
        gaps = [d.segment for d in mine if d.status in GAP_STATUSES]  # diagnose sorts by severity
        rows.append(ChainRow(
            chain_id=chain["id"], chain=chain["name"], field=mine[0].field,
            by_status={label: counts.get(s, 0) for s, label in STATUS_LABELS.items()}, worst_gaps=gaps[:3],
            targets=sum(1 for p in prospects if p.chain_id == chain["id"]),
            projects=sum(1 for p in pipeline if chain["id"] in p.chain_ids),
            chain_leader=leads[chain["id"]].chain_leader, lead_unit=leads[chain["id"]].lead_unit,
            anchors=[company_names.get(a, a) for a in leads[chain["id"]].anchors]))
    return rows


def _prospect_row(p: Prospect, names: dict[str, str], by_id: dict[str, SegmentDiagnosis],
                  parks: tuple[Park, ...], followups: dict[str, FollowUp]) -> ProspectRow:
    primary = by_id.get(p.primary_gap or "")
    follow = followups.get(p.company_id)
    return ProspectRow(
        owner=follow.owner if follow else "", next_step=follow.next_step if follow else "",
        rank=p.rank, company=p.company, place=place(p.province, p.city), points=p.points,
        tier=TIER_LABELS[p.tier], fills=[names.get(s, s) for s in p.fills], reasons=p.reasons,
        park=suggest_park(parks, p.fills, by_id), headline=p.headline, deepen=p.kind == "deepen",
        route=_route(p.reasons), stage=STAGE_LABELS.get(p.pipeline_stage or "", ""),
        chain_id=primary.chain_id if primary else None, gap=primary.segment if primary else "")


def build_report(
    data: DataSet, pg: PoolGraph, diagnosis: list[SegmentDiagnosis], prospects: list[Prospect],
    today: date, top_gaps: int | None = 30, platforms: list[Prospect] | None = None,
    chain_ids: list[str] | None = None, scope: str = "", apart: list[Prospect] | None = None,
) -> Report:
    """The report's sections from the data and the analysis results (``prospects`` from ``rank``).

    ``top_gaps`` limits the gaps listed (None: all of them). ``chain_ids`` narrows the gaps,
    chains and projects to those chains (``scope`` names them); the targets stay the district's.
    """
    by_status: Counter[str] = Counter(d.status for d in diagnosis)
    local = int(pg.companies.get_column("is_local").sum())
    targets = _target_rows(data, today)
    stages: Counter[str] = Counter(p.stage for p in data.projects)
    summary = Summary(
        region=data.region.name, as_of=today, data_as_of=data.region.as_of, fields=len(data.fields),
        chains=len(data.chains),
        segments=len(diagnosis),
        segments_by_status={STATUS_LABELS[s]: by_status.get(s, 0) for s in STATUS_LABELS},
        local_companies=local, outside_companies=pg.companies.height - local,
        partners=len(data.region.partners), projects=len(data.projects),
        projects_by_stage={STAGE_LABELS[s]: stages[s] for s in PIPELINE_ORDER if stages[s]},
        targets=len(targets),
        targets_by_status={label: n for s, label in TARGET_STATUS_LABELS.items()
                           if (n := sum(1 for t in targets if t.status == s))},
    )
    segment_names = _names(pg.taxonomy, "Segment")
    by_id = {d.segment_id: d for d in diagnosis}
    pipeline = _pipeline(data, pg, {d.segment_id: d.chain_id for d in diagnosis})
    if chain_ids is not None:
        wanted = set(chain_ids)
        diagnosis = [d for d in diagnosis if d.chain_id in wanted]
        pipeline = [p for p in pipeline if wanted & set(p.chain_ids)]
    gaps = [d for d in diagnosis if d.status in GAP_STATUSES]  # diagnose sorts by severity
    followups = {f.company_id: f for f in data.followups}
    rows = [_prospect_row(p, segment_names, by_id, data.region.parks, followups) for p in prospects]
    return Report(
        summary=summary, targets=targets, pipeline=pipeline,
        gaps=[GapRow(segment=d.segment, chain=d.chain, field=d.field, stage=d.stage,
                     status=STATUS_LABELS[d.status], severity=d.severity,
                     local_companies=len(d.local_companies), candidate_count=d.candidate_count,
                     extends=[segment_names.get(s, s) for s in d.extends])
              for d in gaps[:top_gaps]],
        gap_total=len(gaps),
        prospects=rows, scope=scope, chains=_chain_rows(pg, diagnosis, rows, pipeline, data),
        platforms=[PlatformRow(rank=p.rank, name=p.company, place=place(p.province, p.city), points=p.points,
                               headline=p.headline, connects=p.connects) for p in platforms or []],
        apart=[ApartRow(rank=p.rank, name=p.company, place=place(p.province, p.city), points=p.points,
                        kind=PROSPECT_KINDS[p.kind], reason=p.kind_reason, headline=p.headline) for p in apart or []],
    )
