"""The chainkg command line: parse options, call the library, format the result, map errors."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import networkx as nx
import typer

from chainkg import __version__, filters, render_cli, views
from chainkg.diagnosis import SegmentDiagnosis, diagnose
from chainkg.errors import DataError, NotFoundError
from chainkg.export import GAP_HEADERS, export_prospects, gap_rows
from chainkg.graph import build_graph, graph_stats, node_id, nodes_of
from chainkg.import_cli import import_app
from chainkg.listing import KINDS, listing
from chainkg.load import default_data_dir, load_dataset, load_scoring, load_valid
from chainkg.models import DataSet
from chainkg.neo4j_cli import DatabaseOpt, PasswordOpt, UriOpt, UserOpt, neo4j_app
from chainkg.ranking import (
    COMPONENT_LABELS,
    COMPONENTS,
    RELATION_LABELS,
    RankFilter,
    evaluate,
    prepare,
    rank,
)
from chainkg.scoring import Scoring
from chainkg.terminal import (
    ChineseCommand,
    ChineseGroup,
    err,
    handle_errors,
    is_narrow,
    out,
    print_csv,
    print_json,
    set_debug,
)
from chainkg.whatif import what_if

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
    """What a command works on: the validated data, its graph and its scoring settings."""

    data: DataSet
    graph: nx.MultiDiGraph
    scoring: Scoring

    def names(self) -> dict[str, str]:
        """id → Chinese name for companies and segments (for human-readable cells)."""
        return {a["id"]: a["name"] for label in ("Company", "Segment")
                for _k, a in nodes_of(self.graph, label)}

    def company(self, text: str) -> str:
        """A company id from an id, a full name or an alias."""
        return filters.find_company(self.graph, text)


def open_session(data_dir: Path | None) -> Session:
    path = data_dir or default_data_dir()
    data, _warnings = load_valid(path)
    scoring = load_scoring(path)
    return Session(data=data, graph=build_graph(data), scoring=scoring)


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
    result = graph_stats(open_session(data).graph)
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
    session = open_session(data)
    choices = dataclasses.replace(filters.chain_choices(session.graph), option="产业链")
    found = filters.resolve([chain_id], choices) or []
    if len(found) != 1:
        raise NotFoundError(f"「{chain_id}」对应多条产业链：{'、'.join(found)}；请用产业链 id")
    chain_id = found[0]
    diagnosis = diagnose(session.graph, session.scoring.diagnosis)
    rows = [d for d in diagnosis if d.chain_id == chain_id]
    if fmt is Format.table:
        out.print(views.chain_tree(session.graph, chain_id, diagnosis))
    elif fmt is Format.csv:
        print_csv(GAP_HEADERS, gap_rows(rows, session.names()))
    else:
        print_json(rows)


def _filtered_gaps(session: Session, field: list[str] | None, chain: list[str] | None,
                   stage: list[str] | None, status: list[str] | None) -> list[SegmentDiagnosis]:
    g = session.graph
    wanted = {"field_id": filters.resolve(field, filters.field_choices(g)),
              "chain_id": filters.resolve(chain, filters.chain_choices(g)),
              "stage": filters.resolve(stage, filters.stage_choices()),
              "status": filters.resolve(status, filters.status_choices())}
    rows = diagnose(g, session.scoring.diagnosis)
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
    if backend is Backend.neo4j:
        from chainkg.neo4j_cli import gaps_on_server, server_settings

        rows = gaps_on_server(data, filters.split_values(field), filters.split_values(chain),
                              filters.resolve(stage, filters.stage_choices()),
                              filters.resolve(status, filters.status_choices()),
                              server_settings(uri, user, password, database))
        names: dict[str, str] = {}
    else:
        session = open_session(data)
        rows = _filtered_gaps(session, field, chain, stage, status)
        names = session.names()
    if fmt is Format.json:
        print_json([{k: getattr(r, k) for k in GAP_JSON_FIELDS} for r in rows])
    elif fmt is Format.csv:
        print_csv(GAP_HEADERS, gap_rows(rows, names))
    else:
        out.print(views.gaps_table(rows, names, narrow=is_narrow()))


def _rank_filter(session: Session | None, field: list[str] | None, chain: list[str] | None,
                 segment: list[str] | None, province: list[str] | None, include_pipeline: bool) -> RankFilter:
    """The filter from the options: ids and names checked against the data when it is at hand."""
    if session is None:
        return RankFilter(fields=filters.split_values(field), chains=filters.split_values(chain),
                          segments=filters.split_values(segment), provinces=filters.resolve_provinces(province),
                          include_pipeline=include_pipeline)
    g = session.graph
    return RankFilter(fields=filters.resolve(field, filters.field_choices(g)),
                      chains=filters.resolve(chain, filters.chain_choices(g)),
                      segments=filters.resolve(segment, filters.segment_choices(g)),
                      provinces=filters.resolve_provinces(province), include_pipeline=include_pipeline)


SegmentOpt = Annotated[list[str] | None, typer.Option(
    "--segment", metavar="环节", help="环节 id 或名称（含其细分环节），可逗号分隔；全部见 chainkg ls segments")]
ProvinceOpt = Annotated[list[str] | None, typer.Option(
    "--province", metavar="省份", help="只看这些省份的企业，如 江苏省 或 江苏，可逗号分隔")]
PipelineOpt = Annotated[bool, typer.Option("--include-pipeline",
                                           help="也列出已签约/在建/投产的企业（标注招商进度）")]


@command("rank")
@handle_errors
def rank_command(
    data: DataOpt = None, field: FieldOpt = None, chain: ChainOpt = None,
    segment: SegmentOpt = None, province: ProvinceOpt = None, include_pipeline: PipelineOpt = False,
    top: Annotated[int, typer.Option("--top", metavar="N", help="显示前 N 名（0 为全部）")] = 20,
    fmt: FormatOpt = Format.table,
    backend: BackendOpt = Backend.networkx,
    uri: UriOpt = None, user: UserOpt = None, password: PasswordOpt = None, database: DatabaseOpt = None,
) -> None:
    """排序招商目标：哪些外地企业能补链、强链，每项得分都有中文理由。"""
    if backend is Backend.neo4j:
        from chainkg.neo4j_cli import rank_on_server, server_settings

        flt = _rank_filter(None, field, chain, segment, province, include_pipeline)
        prospects = rank_on_server(data, flt, top or None, server_settings(uri, user, password, database))
        names: dict[str, str] = {}
    else:
        session = open_session(data)
        flt = _rank_filter(session, field, chain, segment, province, include_pipeline)
        diagnosis = diagnose(session.graph, session.scoring.diagnosis)
        prospects = rank(session.graph, diagnosis, session.scoring.rank, flt, top or None)
        names = session.names()
    if fmt is Format.json:
        print_json([p.model_dump(exclude={"details", "province", "city"}) for p in prospects])
    elif fmt is Format.csv:
        from chainkg.export import PROSPECT_HEADERS, prospect_rows

        print_csv(PROSPECT_HEADERS, prospect_rows(prospects, names))
    else:
        out.print(views.prospects_table(prospects, names, narrow=is_narrow()))


@command()
@handle_errors
def explain(company: Annotated[str, typer.Argument(
                metavar="企业", help="企业 id、全称或简称，如 lvdi-xiebo 或 绿的谐波")],
            data: DataOpt = None, fmt: FormatOpt = Format.table) -> None:
    """解释一家企业的得分：每个维度的分值、权重和依据，填补的缺口，到本地企业和伙伴的关系路径。"""
    session = open_session(data)
    g = session.graph
    company = session.company(company)
    key = node_id("Company", company)
    settings = session.scoring.rank
    diagnosis = diagnose(g, session.scoring.diagnosis)
    prospect = next((p for p in rank(g, diagnosis, settings) if p.company_id == company), None)
    ctx = prepare(g, diagnosis, settings)
    components, fills = evaluate(g, key, ctx, settings)
    channel, relations = ctx.channels.get(key), _relation_lines(g, key)
    if fmt is Format.csv:
        print_csv(["企业id", "企业", "维度", "得分", "权重", "加权", "依据"],
                  [[company, g.nodes[key]["name"], COMPONENT_LABELS[n], c.value, c.weight,
                    round(c.value * c.weight, 4), "；".join(c.reasons)] for n, c in components.items()])
    elif fmt is Format.json:
        print_json({
            "company_id": company, "company": g.nodes[key]["name"], "is_local": g.nodes[key]["is_local"],
            "rank": prospect.rank if prospect else None,
            "score": round(sum(c.value * c.weight for c in components.values()), 4),
            "components": {n: c.model_dump() for n, c in components.items()},
            "fills": fills, "channel": channel.model_dump() if channel else None, "relations": relations,
        })
    else:
        for part in views.explain_view(g.nodes[key], components, channel, relations, prospect):
            out.print(part)


def _relation_lines(g: nx.MultiDiGraph, key: str) -> list[str]:
    lines = []
    for u, v, k in sorted([*g.out_edges(key, keys=True), *g.in_edges(key, keys=True)]):
        if k in RELATION_LABELS and g.nodes[u]["label"] == "Company" == g.nodes[v]["label"]:
            lines.append(f"{g.nodes[u]['name']} -[{k}]-> {g.nodes[v]['name']}")
    return lines


@command()
@handle_errors
def whatif(add: Annotated[list[str], typer.Option(
               "--add", metavar="企业", help="假设落地的企业（id、全称或简称），可逗号分隔或重复")],
           data: DataOpt = None, fmt: FormatOpt = Format.table) -> None:
    """假如这些企业落地：哪些缺口被补上、哪些环节变强，总严重度减少多少。"""
    session = open_session(data)
    ids = [session.company(c) for c in filters.split_values(add) or []]
    result = what_if(session.graph, list(dict.fromkeys(ids)), session.scoring.diagnosis)
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
    headers, rows = listing(open_session(data).graph, kind.value)
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
    top: Annotated[int, typer.Option("--top", metavar="N", help="前 N 名（0 为全部）")] = 0,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的文件")] = False,
) -> None:
    """导出招商目标清单（XLSX 另含「链条诊断」工作表）。"""
    session = open_session(data)
    diagnosis = diagnose(session.graph, session.scoring.diagnosis)
    flt = _rank_filter(session, field, chain, segment, province, include_pipeline)
    prospects = rank(session.graph, diagnosis, session.scoring.rank, flt, top or None)
    export_prospects(output, prospects, diagnosis, session.names(), force)
    err.print(f"已写入 {output}（{len(prospects)} 家企业）", markup=False, highlight=False)


render_cli.register(app)  # chainkg map / chainkg report


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except BrokenPipeError:  # --help or usage text into a closed pipe
        raise SystemExit(141) from None


__all__ = ["COMPONENTS", "KINDS", "app", "main"]
