"""The chainkg command line: parse options, call the library, format the result, map errors."""

from __future__ import annotations

import functools
import gc
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from chainkg import __version__
from chainkg.cli.importing import import_app
from chainkg.cli.neo4j import DatabaseOpt, PasswordOpt, UriOpt, UserOpt, neo4j_app
from chainkg.cli.terminal import (
    ChineseCommand,
    ChineseGroup,
    at_least,
    err,
    handle_errors,
    is_narrow,
    out,
    print_csv,
    print_json,
    set_debug,
)

if TYPE_CHECKING:

    from chainkg.analysis.diagnosis import SegmentDiagnosis
    from chainkg.analysis.prospects import RankFilter
    from chainkg.graph.pool_graph import PoolGraph
    from chainkg.model.records import DataSet
    from chainkg.model.scoring import Scoring

# Library modules are imported inside the commands: --version and --help stay fast.

app = typer.Typer(
    name="chainkg", no_args_is_help=True, add_completion=True, rich_markup_mode=None, cls=ChineseGroup,
    help="chainkg：区县产业链知识图谱——诊断强链/弱链/缺链/断链，排序并解释招商目标。",
)
export_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, cls=ChineseGroup,
                         help="导出文件（招商目标清单等）。")
app.add_typer(export_app, name="export")
app.add_typer(neo4j_app, name="neo4j")
app.add_typer(import_app, name="import")
command = functools.partial(app.command, cls=ChineseCommand)
GC_YOUNG_THRESHOLD = 50_000  # allocations between two collections of young objects (Python's default: 700)



class Backend(StrEnum):
    networkx = "networkx"
    neo4j = "neo4j"


BackendOpt = Annotated[Backend, typer.Option(
    "--backend", metavar="后端",
    help="networkx（本地计算，默认）或 neo4j（在服务器上用 Cypher 计算，需先 chainkg neo4j push）")]


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


DataOpt = Annotated[Path | None, typer.Option(
    "--data", metavar="目录",
    help="数据目录（默认：环境变量 CHAINKG_DATA，否则仓库的 graph_data/，否则随包安装的数据）",
    show_default=False)]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", metavar="格式", help="输出格式：table（表格）、json、csv")]
FieldOpt = Annotated[list[str] | None, typer.Option(
    "--field", metavar="领域", help="领域 id 或名称（如 智能制造），可逗号分隔或重复；全部见 chainkg ls fields")]
ChainOpt = Annotated[list[str] | None, typer.Option(
    "--chain", metavar="产业链", help="产业链 id 或名称，可逗号分隔或重复；全部见 chainkg ls chains")]


@dataclass
class Session:
    """What a command works on: the validated data, its scoring settings and its pool (the
    taxonomy graph and the companies as tables, see chainkg.graph.pool_graph), built on first use."""

    data: DataSet
    scoring: Scoring

    @cached_property
    def pool(self) -> PoolGraph:
        from chainkg.graph.pool_graph import pool_graph

        return pool_graph(self.data)

    def names(self) -> dict[str, str]:
        """id → Chinese name of the segments and of the companies tables name (local, partners)."""
        return self.pool.names()

    def company(self, text: str) -> str:
        """A company id from an id, a full name or an alias ("did you mean" for near misses)."""
        from chainkg.analysis import filters

        return filters.find_company(self.pool.companies, text)


def open_session(data_dir: Path | None, as_of: date | None = None) -> Session:
    """The session on the data directory; with ``as_of``, on the data as they were that day."""
    from chainkg.dataset.load import default_data_dir, load_scoring, load_valid

    path = data_dir or default_data_dir()
    data, _warnings = load_valid(path)
    scoring = load_scoring(path)
    if as_of is not None:
        from chainkg.analysis.as_of import as_of_data

        data = as_of_data(data, as_of)
    return Session(data=data, scoring=scoring)


def _version(value: bool) -> None:
    if value:
        print(f"chainkg {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="显示版本号")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="出现内部错误时显示完整的 Python 调用栈")] = False,
) -> None:
    set_debug(debug)


def _shown(path: Path) -> str:
    """The data directory as the user would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return str(path)


@command()
@handle_errors
def validate(data: DataOpt = None, fmt: FormatOpt = Format.table) -> None:
    """校验数据目录：列出所有错误和警告（文件、行号、字段）；有错误时退出码为 2。"""
    from chainkg.dataset.load import default_data_dir, load_dataset, load_scoring
    from chainkg.model.errors import DataError
    from chainkg.output import views

    path = data or default_data_dir()
    _dataset, issues = load_dataset(path)
    errors = [i for i in issues if i.level == "error"]
    if not errors:
        try:
            load_scoring(path)
        except DataError as exc:
            issues += exc.issues
            errors = exc.issues
    if fmt is Format.json:
        print_json({"data": str(path), "errors": len(errors),
                    "warnings": len(issues) - len(errors), "issues": [i.model_dump() for i in issues]})
    elif fmt is Format.csv:
        print_csv(["level", "file", "line", "field", "message"],
                  [[i.level, i.file, i.line or "", i.field or "", i.message] for i in issues])
    else:
        if issues:
            out.print(views.issues_table(issues))
        out.print(f"{_shown(path)}：{len(errors)} 个错误，{len(issues) - len(errors)} 个警告"
                  + ("" if errors else "，校验通过"), markup=False, highlight=False)
    if errors:
        raise typer.Exit(2)


@command()
@handle_errors
def stats(data: DataOpt = None, fmt: FormatOpt = Format.table) -> None:
    """统计：按标签和关系类型计数，本地与外地企业，各领域的链、环节和企业数。"""
    from chainkg.graph.pool_graph import graph_stats
    from chainkg.output import views

    result = graph_stats(open_session(data).pool)
    if fmt is Format.table:
        for table in views.stats_table(result):
            out.print(table)
    elif fmt is Format.csv:
        print_csv(*views.stats_rows(result))
    else:
        print_json(result)


ChainArg = Annotated[str, typer.Argument(metavar="产业链", help="产业链 id 或名称，如 robotics 或 机器人及智能制造")]


@command()
@handle_errors
def show(chain_id: ChainArg, data: DataOpt = None, fmt: FormatOpt = Format.table) -> None:
    """以树状图显示一条产业链：链位 → 环节 → 细分环节，附本地企业和外地企业数。"""
    from chainkg.analysis import filters
    from chainkg.analysis.diagnosis import diagnose
    from chainkg.output import views
    from chainkg.output.export import GAP_HEADERS, gap_rows

    session = open_session(data)
    taxonomy = session.pool.taxonomy
    chain_id = filters.resolve_one(chain_id, filters.chain_choices(taxonomy), "产业链")
    diagnosis = diagnose(session.pool, session.scoring.diagnosis)
    rows = [d for d in diagnosis if d.chain_id == chain_id]
    if fmt is Format.table:
        out.print(views.chain_tree(taxonomy, chain_id, diagnosis, session.names()))
    elif fmt is Format.csv:
        print_csv(GAP_HEADERS, gap_rows(rows, session.names()))
    else:
        print_json(rows)


def _filtered_gaps(session: Session, field: list[str] | None, chain: list[str] | None,
                   stage: list[str] | None, status: list[str] | None) -> list[SegmentDiagnosis]:
    from chainkg.analysis import filters
    from chainkg.analysis.diagnosis import diagnose

    taxonomy = session.pool.taxonomy  # filters need fields and chains only: no full graph
    wanted = {"field_id": filters.resolve(field, filters.field_choices(taxonomy)),
              "chain_id": filters.resolve(chain, filters.chain_choices(taxonomy)),
              "stage": filters.resolve(stage, filters.stage_choices()),
              "status": filters.resolve(status, filters.status_choices())}
    rows = diagnose(session.pool, session.scoring.diagnosis)
    return [r for r in rows
            if all(v is None or getattr(r, k) in v for k, v in wanted.items())]


GAP_JSON_FIELDS = ["segment_id", "segment", "chain_id", "chain", "field_id", "field", "stage",
                   "status", "severity", "local_companies", "partner_companies",
                   "candidate_count", "extends"]
StageOpt = Annotated[list[str] | None, typer.Option(
    "--stage", metavar="链位", help="链位：upstream（上游）、midstream（中游）、downstream（下游），可逗号分隔")]
StatusOpt = Annotated[list[str] | None, typer.Option(
    "--status", metavar="状态", help="状态：strong（强链）、weak（弱链）、missing（缺链）、broken（断链），可逗号分隔")]


@command()
@handle_errors
def gaps(
    data: DataOpt = None, field: FieldOpt = None, chain: ChainOpt = None,
    stage: StageOpt = None, status: StatusOpt = None,
    fmt: FormatOpt = Format.table,
    backend: BackendOpt = Backend.networkx,
    uri: UriOpt = None, user: UserOpt = None, password: PasswordOpt = None, database: DatabaseOpt = None,
) -> None:
    """诊断每个环节：强链/弱链/缺链/断链、严重度和延链机会，按严重度排序。"""
    from chainkg.analysis import filters
    from chainkg.output import views

    if backend is Backend.neo4j:
        from chainkg.cli.neo4j import gaps_on_server, server_settings

        rows, names = gaps_on_server(data, filters.split_values(field), filters.split_values(chain),
                                     filters.resolve(stage, filters.stage_choices()),
                                     filters.resolve(status, filters.status_choices()),
                                     server_settings(uri, user, password, database))
    else:
        session = open_session(data)
        rows = _filtered_gaps(session, field, chain, stage, status)
        names = session.names()
    if fmt is Format.json:
        print_json([{k: getattr(r, k) for k in GAP_JSON_FIELDS} for r in rows])
    elif fmt is Format.csv:
        from chainkg.output.export import GAP_HEADERS, gap_rows

        print_csv(GAP_HEADERS, gap_rows(rows, names))
    else:
        out.print(views.gaps_table(rows, names, narrow=is_narrow()))


def _rank_filter(session: Session | None, field: list[str] | None, chain: list[str] | None,
                 segment: list[str] | None, province: list[str] | None, include_pipeline: bool) -> RankFilter:
    """The filter from the options: ids and names checked against the data when it is at hand."""
    from chainkg.analysis import filters
    from chainkg.analysis.prospects import RankFilter

    if session is None:
        return RankFilter(fields=filters.split_values(field), chains=filters.split_values(chain),
                          segments=filters.split_values(segment), provinces=filters.resolve_provinces(province),
                          include_pipeline=include_pipeline)
    taxonomy = session.pool.taxonomy  # fields, chains and segments only: no full graph
    return RankFilter(fields=filters.resolve(field, filters.field_choices(taxonomy)),
                      chains=filters.resolve(chain, filters.chain_choices(taxonomy)),
                      segments=filters.resolve(segment, filters.segment_choices(taxonomy)),
                      provinces=filters.resolve_provinces(province), include_pipeline=include_pipeline)


SegmentOpt = Annotated[list[str] | None, typer.Option(
    "--segment", metavar="环节", help="环节 id 或名称（含其细分环节），可逗号分隔；全部见 chainkg ls segments")]
ProvinceOpt = Annotated[list[str] | None, typer.Option(
    "--province", metavar="省份", help="只看这些省份的企业，如 江苏省 或 江苏，可逗号分隔")]
PipelineOpt = Annotated[bool, typer.Option("--include-pipeline",
                                           help="也列出已签约/在建/投产的企业（标注招商进度）")]


AsOfOpt = Annotated[str | None, typer.Option(
    "--as-of", metavar="日期", show_default=False,
    help="按这一天的数据重放（YYYY-MM-DD）：晚于该日的关系（since）、动向、项目、战略合作（year）、上市（listed_since）"
         "和成立日期之后的企业都不计，只有年份的事实从该年最后一天起算；没有日期的事实保留；近期动向也按这一天衰减。"
         "默认：全部数据，动向按数据中最新动向的日期计")]


def _no_as_of_on_server(value: str | None) -> None:
    from chainkg.model.errors import ConfigError

    if value is not None:
        raise ConfigError("--as-of 只用于本地计算：服务器上的数据无法按日期重放，请去掉 --backend neo4j")


def _as_of(value: str | None) -> date | None:
    from chainkg.model.errors import ConfigError

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--as-of「{value}」不是日期，应为 YYYY-MM-DD") from None


@command("rank")
@handle_errors
def rank_command(
    data: DataOpt = None, field: FieldOpt = None, chain: ChainOpt = None,
    segment: SegmentOpt = None, province: ProvinceOpt = None, include_pipeline: PipelineOpt = False,
    top: Annotated[int, typer.Option("--top", metavar="N", help="显示前 N 名（0 为全部）", callback=at_least(0))] = 20,
    per_gap: Annotated[int | None, typer.Option(
        "--per-gap", metavar="K", show_default=False, callback=at_least(1),
        help="每个最严重缺口最多列几家（默认见 scoring.yaml 的 per_gap）")] = None,
    flat: Annotated[bool, typer.Option("--flat", help="不按缺口分散，按总分平铺（旧的顺序）")] = False,
    exclude_partners: Annotated[bool, typer.Option(
        "--exclude-partners", help="不列已是本区战略伙伴的企业（深化合作）")] = False,
    platforms: Annotated[int, typer.Option(
        "--platforms", metavar="N", help="另列前 N 家平台与渠道（高校、院所、基金）",
        callback=at_least(0))] = 10,
    partners: Annotated[int, typer.Option(
        "--partners", metavar="N", callback=at_least(0),
        help="另列前 N 家配套对接与集团渠道（本区不能承接其生产的企业、经子公司对接的集团）")] = 10,
    same_city: Annotated[int, typer.Option(
        "--same-city", metavar="N", callback=at_least(0),
        help="另列前 N 家本市企业（本市协作，不计入招商引资）")] = 5,
    kind: Annotated[list[str] | None, typer.Option(
        "--kind", metavar="类别", help="主表只列这些类别：招商目标、深化合作、配套对接、本市协作、集团渠道、"
        "平台与渠道（或 target、deepen、supply、same_city、group、platform），可逗号分隔")] = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    backend: BackendOpt = Backend.networkx,
    uri: UriOpt = None, user: UserOpt = None, password: PasswordOpt = None, database: DatabaseOpt = None,
) -> None:
    """招商目标短名单：0–100 分、A/B/C 档、一句话首要理由；高校、院所、基金另列为平台与渠道，
    本区不能承接其生产的企业、经子公司对接的集团和本市企业另列为配套对接、集团渠道、本市协作。"""
    from chainkg.analysis import filters
    from chainkg.analysis.diagnosis import diagnose
    from chainkg.analysis.prospects import KIND_LABELS, Prospect
    from chainkg.analysis.ranking import as_of as signals_day
    from chainkg.analysis.shortlist import prepare, rank
    from chainkg.graph.taxonomy import data_as_of_text
    from chainkg.output import views

    title = None
    if backend is Backend.neo4j:
        from chainkg.cli.neo4j import rank_on_server, server_settings
        from chainkg.model.errors import ConfigError

        if kind:
            raise ConfigError("--kind 只用于本地计算：服务器端排序（--backend neo4j）不分招商目标、配套对接等类别")
        _no_as_of_on_server(as_of)
        err.print("注意：服务器端排序只计算五项基础维度（不含近期动向、招得来、以商招商、分类和分档），"
                  "见 README「Back-end parity」", markup=False, highlight=False)
        flt = _rank_filter(None, field, chain, segment, province, include_pipeline)
        # rank_on_server logs in before anything is read, so a wrong password is reported first;
        # points and tier come with the rows, from the unrounded scores (as the embedded ranking's)
        prospects = rank_on_server(data, flt, top or None, server_settings(uri, user, password, database))
        names: dict[str, str] = {}
        shown: list[Prospect] = []
        lists: list[list[Prospect]] = []
    else:
        session = open_session(data, _as_of(as_of))
        flt = _rank_filter(session, field, chain, segment, province, include_pipeline)
        settings = session.scoring.rank
        diagnosis = diagnose(session.pool, session.scoring.diagnosis)
        kinds = filters.resolve(kind, filters.make_choices("--kind", KIND_LABELS.items())) or ["target", "deepen"]
        targets = flt.model_copy(update={"kinds": kinds, "exclude_partners": exclude_partners})
        # The channels and which list each firm goes in do not depend on the filter: worked out once.
        prepared = prepare(session.pool, diagnosis, settings, _as_of(as_of))
        prospects = rank(session.pool, diagnosis, settings, targets, top or None, _as_of(as_of),
                         None if flat else per_gap or settings.per_gap, prepared=prepared)
        day = signals_day(session.pool.taxonomy, _as_of(as_of))
        checked = data_as_of_text(session.pool.taxonomy.graph.get("data_as_of"))
        heading = "、".join(KIND_LABELS[k] for k in kinds) if kind else "招商目标"
        title = (f"{heading}（{len(prospects)} 家；{checked}；近期动向按 {day.isoformat()} 计；"
                 + ("按总分平铺" if flat else f"每个缺口至多 {per_gap or settings.per_gap} 家")
                 + "；完整理由见 chainkg explain 企业名）")
        apart = [(group, count) for group, count in (
            (["platform"], platforms), (["supply", "group"], partners), (["same_city"], same_city))
            if count and not set(group) & set(kinds)]
        lists = [rank(session.pool, diagnosis, settings, flt.model_copy(update={"kinds": group}), count,
                      _as_of(as_of), prepared=prepared) for group, count in apart]
        shown = [p for listed in lists for p in listed]
        names = session.names()
    if fmt is Format.json:
        print_json([p.model_dump(exclude={"details", "province", "city"}) for p in [*prospects, *shown]])
    elif fmt is Format.csv:
        from chainkg.output.export import PROSPECT_HEADERS, prospect_rows

        print_csv(PROSPECT_HEADERS, prospect_rows([*prospects, *shown], names))
    else:
        out.print(views.prospects_table(prospects, names, title, narrow=is_narrow()))
        for listed in lists:
            if listed:
                out.print(views.platforms_table(listed) if listed[0].kind == "platform"
                          else views.apart_table(listed))


@command()
@handle_errors
def explain(company: Annotated[str, typer.Argument(
                metavar="企业", help="企业 id、全称或简称，如 lvdi-xiebo 或 绿的谐波")],
            data: DataOpt = None, fmt: FormatOpt = Format.table, as_of: AsOfOpt = None) -> None:
    """解释一家企业的得分：每个维度的分值、权重和依据，填补的缺口，到本地企业和伙伴的关系路径及用法。"""
    from chainkg.analysis.diagnosis import diagnose
    from chainkg.analysis.prospects import COMPONENT_LABELS, RankFilter
    from chainkg.analysis.reasons import channel_usage, relation_lines
    from chainkg.analysis.shortlist import explain as explanation
    from chainkg.analysis.shortlist import prepare, rank
    from chainkg.output import views

    session = open_session(data, _as_of(as_of))
    company = session.company(company)
    settings = session.scoring.rank
    diagnosis = diagnose(session.pool, session.scoring.diagnosis)
    today = _as_of(as_of)
    # The explanation and the firm's place in its list read the same channels and lists: worked out once.
    prepared = prepare(session.pool, diagnosis, settings, today)
    found = explanation(session.pool, company, diagnosis, settings, today, prepared)
    firm, components, kind = found.evidence.company, found.components, found.placement.kind
    same_kind = RankFilter(kinds=["target", "deepen"] if kind in ("target", "deepen") else [kind])
    prospect = next(iter(rank(session.pool, diagnosis, settings, same_kind, today=today, focus=company,
                              prepared=prepared)), None)
    channel, relations = found.evidence.channel, relation_lines(found.evidence)
    if fmt is Format.csv:
        print_csv(["企业id", "企业", "维度", "得分", "权重", "加权", "依据"],
                  [[company, firm["name"], COMPONENT_LABELS[n], c.value, c.weight,
                    round(c.value * c.weight, 4), "；".join(c.reasons)] for n, c in components.items()])
    elif fmt is Format.json:
        print_json({
            "company_id": company, "company": firm["name"], "is_local": firm["is_local"],
            "rank": prospect.rank if prospect else None, "score": found.score,
            "points": prospect.points if prospect else None, "tier": prospect.tier if prospect else None,
            "kind": kind, "headline": prospect.headline if prospect else None,
            "usage": channel_usage(channel, firm["name"]) if channel and channel.hops else None,
            "components": {n: c.model_dump() for n, c in components.items()},
            "fills": found.fills, "channel": channel.model_dump() if channel else None, "relations": relations,
        })
    else:
        for part in views.explain_view(firm, components, channel, relations, prospect):
            out.print(part)


@command()
@handle_errors
def whatif(add: Annotated[list[str], typer.Option(
               "--add", metavar="企业", help="假设落地的企业（id、全称或简称），可逗号分隔或重复")],
           data: DataOpt = None, fmt: FormatOpt = Format.table) -> None:
    """假如这些企业落地：哪些缺口被补上、哪些环节变强，各产业链本地可配套的环节数如何变化。"""
    from chainkg.analysis import filters
    from chainkg.analysis.whatif import what_if
    from chainkg.output import views

    session = open_session(data)
    ids = [session.company(c) for c in filters.split_values(add) or []]
    result = what_if(session.pool, list(dict.fromkeys(ids)), session.scoring.diagnosis)
    if fmt is Format.table:
        out.print(views.whatif_table(result, session.names()))
    elif fmt is Format.csv:
        print_csv(*views.whatif_rows(result))
    else:
        print_json(result)


class Kind(StrEnum):
    fields = "fields"
    chains = "chains"
    segments = "segments"
    companies = "companies"


@command("ls")
@handle_errors
def ls_command(kind: Annotated[Kind, typer.Argument(metavar="种类", help="fields（领域）、chains（产业链）、"
                                                     "segments（环节）或 companies（企业）")],
               data: DataOpt = None, fmt: FormatOpt = Format.table) -> None:
    """列出各筛选选项可用的 id 和名称：领域、产业链、环节、企业。"""
    from chainkg.analysis.listing import listing
    from chainkg.output import views

    headers, rows = listing(open_session(data).pool, kind.value)
    if fmt is Format.json:
        print_json([dict(zip(headers, row, strict=True)) for row in rows])
    elif fmt is Format.csv:
        print_csv(headers, rows)
    else:
        out.print(views.listing_table(kind.value, headers, rows))


@export_app.command("prospects", cls=ChineseCommand)
@handle_errors
def export_prospects_command(
    output: Annotated[Path, typer.Option("-o", "--output", metavar="文件",
                                         help="输出文件：.csv、.xlsx 或 .json")],
    data: DataOpt = None, field: FieldOpt = None, chain: ChainOpt = None,
    segment: SegmentOpt = None, province: ProvinceOpt = None, include_pipeline: PipelineOpt = False,
    top: Annotated[int, typer.Option("--top", metavar="N", help="前 N 名（0 为全部）",
                                               callback=at_least(0))] = 0,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的文件")] = False,
    as_of: AsOfOpt = None,
) -> None:
    """导出招商目标清单（XLSX 另含「链条诊断」工作表）。"""
    from chainkg.analysis.diagnosis import diagnose
    from chainkg.analysis.shortlist import rank
    from chainkg.files import check_output
    from chainkg.output.export import FORMATS, export_prospects

    day = _as_of(as_of)
    check_output(output, FORMATS, force)  # before the data is loaded and ranked
    session = open_session(data, day)
    diagnosis = diagnose(session.pool, session.scoring.diagnosis)
    flt = _rank_filter(session, field, chain, segment, province, include_pipeline)
    prospects = rank(session.pool, diagnosis, session.scoring.rank, flt, top or None, day)
    export_prospects(output, prospects, diagnosis, session.names(), force)
    err.print(f"已写入 {output}（{len(prospects)} 家企业）", markup=False, highlight=False)


@import_app.command("signals", cls=ChineseCommand)
@handle_errors
def import_signals_command(
    file: Annotated[Path, typer.Argument(
        metavar="文件", help="要导入的 CSV（列：企业、日期、类型、说明、来源、链接，中英文表头均可）")],
    data: DataOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只校验并报告，不写入")] = False,
) -> None:
    """把近期动向（融资、上市募投、扩产、新设基地、对外投资、招聘扩张）追加到 signals.csv。"""
    from chainkg.dataset.load import default_data_dir, load_valid
    from chainkg.importing.signals import import_signals

    path = data or default_data_dir()
    result = import_signals(path, file, load_valid(path)[0], dry_run)
    for issue in result.warnings:
        err.print(f"警告 {issue.file}:{issue.line or ''} [{issue.field or ''}]: {issue.message}",
                  markup=False, highlight=False)
    verb = "将追加" if dry_run else "已追加"
    err.print(f"{verb} {len(result.added)} 条动向到 {path / 'signals.csv'}"
              f"（跳过已有的 {result.skipped} 条）", markup=False, highlight=False)


@command("evaluate")
@handle_errors
def evaluate_command(
    data: DataOpt = None, fmt: FormatOpt = Format.table,
    scoring: Annotated[Path | None, typer.Option(
        "--scoring", metavar="文件", help="用另一份评分设置文件作为「新」排序（默认：数据目录的 scoring.yaml）",
        show_default=False)] = None,
    as_of: AsOfOpt = None,
    landings: Annotated[Path | None, typer.Option(
        "--landings", metavar="文件", show_default=False,
        help="真实落地清单 CSV（列：firm/企业、date/日期、segment/环节（可空）、source/来源）："
             "逐条按落地前一天的数据重放排序（不能与 --as-of 同用）；"
             "数据中没有的企业计为「不在候选库」，不填补缺口的计为「未对应缺口」")] = None,
) -> None:
    """回测排序：去掉本区已对接外地企业的对接记录后重新排序，看它们排第几；新旧权重与两个朴素基线并列比较。"""
    from chainkg.analysis.backtest import backtest
    from chainkg.dataset.load import default_data_dir, load_scoring, load_scoring_file, load_valid
    from chainkg.model.errors import ConfigError
    from chainkg.output.backtest_views import backtest_tables, case_rows, headers

    if landings is not None and as_of is not None:
        raise ConfigError("--landings 按每条落地的日期重放，不能与 --as-of 同用")
    path = data or default_data_dir()
    settings = load_scoring_file(scoring) if scoring else load_scoring(path)
    dataset, day = load_valid(path)[0], _as_of(as_of)
    if landings is not None:
        from chainkg.analysis.landings import landings_backtest, read_landings

        report = landings_backtest(dataset, settings, read_landings(landings, dataset))
    else:
        if day is not None:
            from chainkg.analysis.as_of import as_of_data

            dataset = as_of_data(dataset, day)
        report = backtest(dataset, settings, day)
    if fmt is Format.json:
        print_json(report.model_dump(mode="json"))
    elif fmt is Format.csv:
        print_csv(headers(report), case_rows(report))
    else:
        for table in backtest_tables(report):
            out.print(table)


# chainkg map / chainkg report: their module imports the map and report code only when one runs.
from chainkg.cli import render as render_cli  # noqa: E402

render_cli.register(app)


def main() -> None:
    """Console-script entry point."""
    # A command is one short run that builds many long-lived objects (modules, the taxonomy, validated
    # records) and almost no garbage cycles. Python's default collector walks them again every 700
    # allocations (0.14 s of a 1.2 s `rank` at 100k); young objects are collected every 50,000 instead,
    # and the final walk at exit is skipped (frozen objects are not collected: they are freed with the process).
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    try:
        app()
    except BrokenPipeError:  # --help or usage text into a closed pipe
        raise SystemExit(141) from None
    finally:
        gc.freeze()


def __getattr__(name: str) -> object:
    if name == "COMPONENTS":  # re-exported for compatibility, imported on first use
        from chainkg.analysis.prospects import COMPONENTS

        return COMPONENTS
    if name == "KINDS":
        from chainkg.analysis.listing import KINDS

        return KINDS
    raise AttributeError(f"module 'chainkg.cli.main' has no attribute {name!r}")


__all__ = ["app", "main"]
