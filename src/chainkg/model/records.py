"""The data contract: one pydantic model per record of graph_data/.

These models are the only interface between the files the team edits and everything
else (graph, analysis, Neo4j, future importers). Field names equal the file columns/keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cached_property
from typing import Annotated, Any, Literal, Self, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from chainkg.model.pool import CompanyPool, records_frame

__all__ = [
    "HOSTINGS",
    "OWNERSHIPS",
    "PROJECT_STAGES",
    "RELATION_TYPES",
    "ROLES",
    "SCALES",
    "SIGNAL_KINDS",
    "STAGES",
    "AnchorNeed",
    "Chain",
    "Company",
    "CompanySegment",
    "DataSet",
    "IndustryField",
    "Park",
    "Partner",
    "Progress",
    "Project",
    "PromotionChannel",
    "Region",
    "Relation",
    "Segment",
    "Signal",
    "Target",
]

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Text = Annotated[str, StringConstraints(min_length=1)]
Unit = Annotated[float, Field(ge=0, le=1)]
# GB/T 4754-2017: a 门类 letter, then the 大类 (2 digits), 中类 (3) or 小类 (4) code.
IndustryCode = Annotated[str, StringConstraints(pattern=r"^[A-T](\d{2}|\d{3}|\d{4})?$")]
IsoDate = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]

Stage = Literal["upstream", "midstream", "downstream"]
Ownership = Literal[
    "central_soe", "local_soe", "private", "foreign", "mixed", "institute", "university", "fund"
]
Scale = Literal["large", "medium", "small", "micro", "unknown"]
Role = Literal["core", "secondary"]
# Whether a segment's production can be located in the district (README "Scoring"):
# empty/production = it can; heavy_process / land_bound = only in a designated park or where
# the resource is; market = the chain's customers, not a production link.
Hosting = Literal["production", "heavy_process", "land_bound", "market"]
RelationType = Literal[
    "SUPPLIES", "CUSTOMER_OF", "SUBSIDIARY_OF", "INVESTS_IN", "PARTNERS_WITH", "COOPERATES_WITH"
]
ProjectStage = Literal[
    "lead", "contacted", "negotiating", "signed", "under_construction", "operating"
]
Comparison = Literal[">=", "<=", "="]
# What a target's number measures and how it accumulates (chainkg.model.target_kinds reads them,
# chainkg.analysis.targets does the maths).
TargetKind = Literal["level", "count", "growth", "share"]
TargetPeriod = Literal["point", "ytd", "cumulative"]

# The same values as tuples, for code that iterates or prints them; derived so each list is
# written once.
STAGES: tuple[str, ...] = get_args(Stage)
OWNERSHIPS: tuple[str, ...] = get_args(Ownership)
SCALES: tuple[str, ...] = get_args(Scale)
ROLES: tuple[str, ...] = get_args(Role)
HOSTINGS: tuple[str, ...] = get_args(Hosting)
RELATION_TYPES: tuple[str, ...] = get_args(RelationType)
PROJECT_STAGES: tuple[str, ...] = get_args(ProjectStage)
# The DataSet attributes that are views of its company pool (chainkg.model.pool).
POOL_TABLES = ("companies", "company_segments", "relations")


class Record(BaseModel):
    """Common settings: unknown keys are typos, values are stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class IndustryField(Record):
    """A 领域 of the district's "3+1+1" (智能制造, 电子信息 …). Named so to avoid pydantic's Field."""

    id: Slug
    name: Text
    description: str = ""
    source: Text


class Chain(Record):
    """A 风口产业链 inside a field."""

    id: Slug
    name: Text
    field: Slug
    priority: Unit = 0.5
    fengkou: bool = False
    description: str = ""
    source: Text
    # Who leads the chain's work, filled by the team where public (empty: not known).
    chain_leader: str = ""  # 链长: the district leader in charge
    lead_unit: str = ""  # 牵头单位
    anchors: tuple[Slug, ...] = ()  # 链主: local anchor companies, ids in companies.csv


class Segment(Record):
    """A 环节 of a chain; ``parent`` makes it a 细分环节, ``feeds`` lists what it supplies."""

    id: Slug
    name: Text
    chain: Slug
    stage: Stage
    parent: Slug | None = None
    feeds: tuple[Slug, ...] = ()
    weight: Unit = 0.5
    description: str = ""
    source: Text
    # Import rules (chainkg import companies): words of 经营范围/行业/产品 text that put a
    # company here, words that keep it out, and GB/T 4754-2017 codes (class C3491 or a prefix).
    keywords: tuple[Text, ...] = ()
    exclude_keywords: tuple[Text, ...] = ()
    industry_codes: tuple[IndustryCode, ...] = ()
    # Can the district host its production (empty = yes), and the public rule that says not.
    hosting: Hosting | None = None
    hosting_source: str = ""


class Company(Record):
    """A company, institute, university or fund (one row of companies.csv)."""

    id: Slug
    name: Text
    aliases: tuple[str, ...] = ()
    uscc: str | None = None
    province: str = ""
    city: str = ""
    district: str = ""
    ownership: Ownership | None = None  # empty cell: not known
    listed: tuple[str, ...] = ()
    scale: Scale = "unknown"
    tags: tuple[str, ...] = ()
    source: Text
    note: str = ""
    # Optional facts from enterprise-database exports (chainkg import companies).
    registered_capital: Annotated[float, Field(ge=0)] | None = None  # 注册资本, 万元人民币
    founded: IsoDate | None = None  # 成立日期 YYYY-MM-DD
    employees: Annotated[int, Field(ge=0)] | None = None  # 参保人数
    industry_code: IndustryCode | None = None  # 国标行业 GB/T 4754-2017, e.g. C3491
    status: str = ""  # 登记状态, e.g. 存续
    address: str = ""  # 注册地址
    # Foreign firms: the country of the head office and the China entity a 招商 team approaches.
    country: str = ""
    china_entity: str = ""
    # The listing date of each code in ``listed``, same order (empty: not given); see listed_since_problem.
    listed_since: tuple[IsoDate, ...] = ()


class CompanySegment(Record):
    """A company operating in a segment (company_segments.csv)."""

    company_id: Slug
    segment_id: Slug
    role: Role = "core"  # core: its main business there; secondary: a side line (weaker evidence)
    products: str = ""  # what it makes there, as the source words it
    source: Text


class Relation(Record):
    """A relation between two companies (relations.csv)."""

    from_id: Slug
    type: RelationType
    to_id: Slug
    note: str = ""
    source: Text
    since: int | None = None  # year the relation became true, when known


class Park(Record):
    """A platform of the district: 自贸区, 综保区, 园区, 智慧岛 …

    ``chains`` / ``segments`` name what the park hosts (a prospect filling one of them is
    suggested to land there).
    """

    id: Slug
    name: Text
    kind: Text
    chains: tuple[Slug, ...] = ()
    segments: tuple[Slug, ...] = ()
    description: str = ""
    source: Text


class Partner(Record):
    """A strategic partner of the district and its agreement."""

    company: Slug
    agreement: str = ""
    year: int | None = None
    source: Text


class Target(Record):
    """A quantified target from the speech, e.g. 新签约50亿元以上项目不少于4个."""

    id: Slug
    name: Text
    metric: Text
    value: float
    unit: str = ""
    year: int | None = None
    comparison: Comparison = "="
    source: Text
    baseline: float | None = None  # the actual the speech gives for baseline_year (2021)
    baseline_year: int | None = None
    note: str = ""  # scope of the baseline, wording of the speech
    # level 总量 · count 个数 · growth 增速 · share 比重; None: inferred from the unit where that is unambiguous.
    kind: TargetKind | None = None
    # For level/count: point 时点值 · ytd 年内累计 · cumulative 多年累计 (from baseline_year + 1); None: unknown.
    period: TargetPeriod | None = None


class PromotionChannel(Record):
    """A talent or investment-promotion channel the speech names: 联谊会, 大赛, 训练营, 节会 …"""

    id: Slug
    name: Text
    kind: Text
    description: str = ""
    source: Text


class Region(Record):
    """The district the team works for, with its parks, partners and targets."""

    id: Slug
    name: Text
    province: Text
    city: Text
    district: Text
    also_local: tuple[Slug, ...] = ()
    parks: tuple[Park, ...] = ()
    partners: tuple[Partner, ...] = ()
    targets: tuple[Target, ...] = ()
    description: str = ""
    source: Text
    channels: tuple[PromotionChannel, ...] = ()
    as_of: date | None = None  # the day the data was last checked (数据截至), shown in the outputs


class Project(Record):
    """One item of the investment pipeline (projects.csv)."""

    id: Slug
    name: Text
    company_id: Slug | None = None
    segment_ids: tuple[Slug, ...] = ()
    park_id: Slug | None = None
    stage: ProjectStage
    amount_yi: Annotated[float, Field(ge=0)] | None = None
    year: int | None = None
    owner: str = ""  # who follows the project up (责任人/责任单位)
    next_step: str = ""
    source: Text
    note: str = ""


class FollowUp(Record):
    """Who follows a 招商目标 company up and what comes next (followup.csv, optional; the team fills it)."""

    company_id: Slug
    owner: str = ""  # 责任人/责任单位
    next_step: str = ""
    source: Text
    note: str = ""


class Progress(Record):
    """A value the team reports for a target (progress.csv, optional), e.g. GDP so far."""

    target_id: Slug  # a target of region.yaml
    value: float  # in the target's unit
    as_of: date  # the day the value was reached
    source: Text
    note: str = ""


SignalKind = Literal["融资", "上市募投", "扩产", "新设基地", "对外投资", "招聘扩张"]
SIGNAL_KINDS: tuple[str, ...] = get_args(SignalKind)


class Signal(Record):
    """A public sign that a company is moving now (signals.csv, optional): 融资, 扩产 …"""

    company: Slug
    date: date
    kind: SignalKind
    note: str = ""
    source: Text
    url: str = ""


class AnchorNeed(Record):
    """What a local anchor (链主) buys from outside (anchor_needs.csv, optional): 以商招商."""

    company: Slug
    segment: Slug
    note: str = ""
    source: Text


class DataSet(BaseModel):
    """Everything in one graph_data/ directory, parsed and cross-checked.

    The company pool (companies, company_segments, relations) is held as tables in ``pool``
    (see chainkg.model.pool): a million companies would not fit as pydantic records. The three
    record tuples are made from it on first use; ``DataSet(companies=…, …)`` still works, and
    ``model_copy(update={"relations": …})`` replaces the pool's table too (never one without the other).
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    fields: tuple[IndustryField, ...]
    chains: tuple[Chain, ...]
    segments: tuple[Segment, ...]
    pool: CompanyPool
    region: Region
    projects: tuple[Project, ...]
    progress: tuple[Progress, ...] = ()
    signals: tuple[Signal, ...] = ()
    anchor_needs: tuple[AnchorNeed, ...] = ()
    followups: tuple[FollowUp, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _pool_from_records(cls, data: Any) -> Any:
        if isinstance(data, dict) and "pool" in data and (given := [t for t in POOL_TABLES if t in data]):
            raise ValueError(f"DataSet: give the pool or its records ({', '.join(given)}), not both")
        if isinstance(data, dict) and "pool" not in data:
            data = dict(data)
            data["pool"] = CompanyPool(*(records_frame(model, data.pop(table, ()))
                                         for table, (_file, model) in pool_files().items()))
        return data

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy whose pool and record tuples agree (pydantic's would update one and not the other).

        ``update`` may hold record tuples (companies, company_segments, relations): they become
        the copy's pool tables, the other tables kept. A copy with another pool drops the record
        tuples made from this one (``cached_property`` values that pydantic copies along).
        """
        update = dict(update or {})
        records = {table: update.pop(table) for table in POOL_TABLES if table in update}
        if records and "pool" in update:
            raise ValueError(f"DataSet.model_copy: give the pool or its records ({', '.join(records)}), not both")
        if records:
            models = pool_files()
            update["pool"] = self.pool.replace(
                **{table: records_frame(models[table][1], rows) for table, rows in records.items()})
        copied = super().model_copy(update=update, deep=deep)
        if "pool" in update:
            for table in POOL_TABLES:
                copied.__dict__.pop(table, None)
        return copied

    @cached_property
    def companies(self) -> tuple[Company, ...]:
        """The pool's companies as records (made on first use: avoid on large pools)."""
        return tuple(self.pool.records("companies", Company))  # type: ignore[arg-type]

    @cached_property
    def company_segments(self) -> tuple[CompanySegment, ...]:
        """The pool's company–segment links as records (made on first use)."""
        return tuple(self.pool.records("company_segments", CompanySegment))  # type: ignore[arg-type]

    @cached_property
    def relations(self) -> tuple[Relation, ...]:
        """The pool's company relations as records (made on first use)."""
        return tuple(self.pool.records("relations", Relation))  # type: ignore[arg-type]

    def is_local(self, company: Company) -> bool:
        """A company is local when its province, city and district equal the region's."""
        r = self.region
        return company.id in r.also_local or (
            company.province == r.province
            and company.city == r.city
            and company.district == r.district
        )


def pool_files() -> dict[str, tuple[str, type[BaseModel]]]:
    """File and model of each pool table, in load order."""
    return {
        "companies": ("companies.csv", Company),
        "company_segments": ("company_segments.csv", CompanySegment),
        "relations": ("relations.csv", Relation),
    }


DataSet.model_rebuild()
