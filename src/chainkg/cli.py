"""The chainkg command line: parse options, call the library, format the result, map errors."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import networkx as nx
import typer

from chainkg import __version__, views
from chainkg.diagnosis import SegmentDiagnosis, diagnose
from chainkg.errors import DataError, NotFoundError
from chainkg.export import export_prospects
from chainkg.graph import build_graph, graph_stats, node_id, nodes_of
from chainkg.load import default_data_dir, load_dataset, load_scoring, load_valid
from chainkg.models import DataSet
from chainkg.neo4j_cli import DatabaseOpt, PasswordOpt, UriOpt, UserOpt, neo4j_app
from chainkg.ranking import (
    COMPONENTS,
    RELATION_LABELS,
    RankFilter,
    evaluate,
    filter_values,
    prepare,
    rank,
)
from chainkg.scoring import Scoring
from chainkg.terminal import err, handle_errors, out, print_csv, print_json, set_debug
from chainkg.whatif import what_if

app = typer.Typer(
    name="chainkg", no_args_is_help=True, add_completion=False, rich_markup_mode=None,
    help="chainkg：区县产业链知识图谱——诊断强链/弱链/缺链/断链，排序并解释招商目标。",
)
export_app = typer.Typer(no_args_is_help=True, help="导出文件（招商目标清单等）。")
app.add_typer(export_app, name="export")
app.add_typer(neo4j_app, name="neo4j")



class Backend(StrEnum):
    networkx = "networkx"
    neo4j = "neo4j"


BackendOpt = Annotated[Backend, typer.Option(
    "--backend", help="networkx（本地计算，默认）或 neo4j（在服务器上用 Cypher 计算，需先 chainkg neo4j push）")]


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


DataOpt = Annotated[Path | None, typer.Option(
    "--data", help="数据目录（默认：环境变量 CHAINKG_DATA，否则仓库的 graph_data/，否则随包安装的数据）",
    show_default=False)]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="输出格式：table（表格）、json、csv")]
FieldOpt = Annotated[list[str] | None, typer.Option("--field", help="领域 id，可逗号分隔或重复")]
ChainOpt = Annotated[list[str] | None, typer.Option("--chain", help="产业链 id，可逗号分隔或重复")]


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


@app.command()
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
        out.print(f"{path}：{len(errors)} 个错误，{len(issues) - len(errors)} 个警告"
                  + ("" if errors else "，校验通过"), markup=False, highlight=False)
    if errors:
        raise typer.Exit(2)


@app.command()
@handle_errors
def stats(data: DataOpt = None, fmt: FormatOpt = Format.table) -> None:
    """统计：按标签和关系类型计数，本地与外地企业，各领域的链、环节和企业数。"""
    session = open_session(data)
    result = graph_stats(session.graph)
    if fmt is Format.table:
        for table in views.stats_table(result):
            out.print(table)
    else:
        print_json(result)


@app.command()
@handle_errors
def show(chain_id: Annotated[str, typer.Argument(help="产业链 id，如 robotics")],
         data: DataOpt = None, fmt: FormatOpt = Format.table) -> None:
    """以树状图显示一条产业链：链位 → 环节 → 细分环节，附本地企业和外地企业数。"""
    session = open_session(data)
    if node_id("Chain", chain_id) not in session.graph:
        known = "、".join(sorted(a["id"] for _k, a in nodes_of(session.graph, "Chain")))
        raise NotFoundError(f"产业链「{chain_id}」不存在；已有：{known}")
    diagnosis = diagnose(session.graph, session.scoring.diagnosis)
    if fmt is Format.table:
        out.print(views.chain_tree(session.graph, chain_id, diagnosis))
    else:
        print_json([d for d in diagnosis if d.chain_id == chain_id])


def _filtered_gaps(session: Session, field: list[str] | None, chain: list[str] | None,
                   stage: list[str] | None, status: list[str] | None) -> list[SegmentDiagnosis]:
    rows = diagnose(session.graph, session.scoring.diagnosis)
    wanted = {"field_id": filter_values(field), "chain_id": filter_values(chain),
              "stage": filter_values(stage), "status": filter_values(status)}
    return [r for r in rows
            if all(v is None or getattr(r, k) in v for k, v in wanted.items())]


GAP_JSON_FIELDS = ["segment_id", "segment", "chain_id", "chain", "field_id", "field", "stage",
                   "status", "severity", "local_companies", "partner_companies",
                   "candidate_count", "extends"]


@app.command()
@handle_errors
def gaps(
    data: DataOpt = None, field: FieldOpt = None, chain: ChainOpt = None,
    stage: Annotated[list[str] | None, typer.Option(help="链位：upstream,midstream,downstream")] = None,
    status: Annotated[list[str] | None, typer.Option(help="状态：strong,weak,missing,broken")] = None,
    fmt: FormatOpt = Format.table,
    backend: BackendOpt = Backend.networkx,
    uri: UriOpt = None, user: UserOpt = None, password: PasswordOpt = None, database: DatabaseOpt = None,
) -> None:
    """诊断每个环节：强链/弱链/缺链/断链、严重度和延链机会，按严重度排序。"""
    if backend is Backend.neo4j:
        from chainkg.neo4j_cli import gaps_on_server, server_settings

        rows = gaps_on_server(data, field, chain, stage, status, server_settings(uri, user, password, database))
        names: dict[str, str] = {}
    else:
        session = open_session(data)
        rows = _filtered_gaps(session, field, chain, stage, status)
        names = session.names()
    if fmt is Format.json:
        print_json([{k: getattr(r, k) for k in GAP_JSON_FIELDS} for r in rows])
    elif fmt is Format.csv:
        from chainkg.export import GAP_HEADERS, gap_rows

        print_csv(GAP_HEADERS, gap_rows(rows, names))
    else:
        out.print(views.gaps_table(rows, names))


def _rank_filter(field: list[str] | None, chain: list[str] | None, segment: list[str] | None,
                 province: list[str] | None, include_pipeline: bool) -> RankFilter:
    return RankFilter(fields=filter_values(field), chains=filter_values(chain),
                      segments=filter_values(segment), provinces=filter_values(province),
                      include_pipeline=include_pipeline)


SegmentOpt = Annotated[list[str] | None, typer.Option("--segment", help="环节 id（含其细分环节）")]
ProvinceOpt = Annotated[list[str] | None, typer.Option("--province", help="只看这些省份的企业，如 江苏省")]
PipelineOpt = Annotated[bool, typer.Option("--include-pipeline",
                                           help="也列出已签约/在建/投产的企业（标注招商进度）")]


@app.command("rank")
@handle_errors
def rank_command(
    data: DataOpt = None, field: FieldOpt = None, chain: ChainOpt = None,
    segment: SegmentOpt = None, province: ProvinceOpt = None, include_pipeline: PipelineOpt = False,
    top: Annotated[int, typer.Option("--top", help="显示前 N 名（0 为全部）")] = 20,
    fmt: FormatOpt = Format.table,
    backend: BackendOpt = Backend.networkx,
    uri: UriOpt = None, user: UserOpt = None, password: PasswordOpt = None, database: DatabaseOpt = None,
) -> None:
    """排序招商目标：哪些外地企业能补链、强链，每项得分都有中文理由。"""
    flt = _rank_filter(field, chain, segment, province, include_pipeline)
    if backend is Backend.neo4j:
        from chainkg.neo4j_cli import rank_on_server, server_settings

        prospects = rank_on_server(data, flt, top or None, server_settings(uri, user, password, database))
        names: dict[str, str] = {}
    else:
        session = open_session(data)
        diagnosis = diagnose(session.graph, session.scoring.diagnosis)
        prospects = rank(session.graph, diagnosis, session.scoring.rank, flt, top or None)
        names = session.names()
    if fmt is Format.json:
        print_json([p.model_dump(exclude={"details", "province", "city"}) for p in prospects])
    elif fmt is Format.csv:
        from chainkg.export import PROSPECT_HEADERS, prospect_rows

        print_csv(PROSPECT_HEADERS, prospect_rows(prospects, names))
    else:
        out.print(views.prospects_table(prospects, names))


@app.command()
@handle_errors
def explain(company: Annotated[str, typer.Argument(help="企业 id，如 lvdi-xiebo")],
            data: DataOpt = None, fmt: FormatOpt = Format.table) -> None:
    """解释一家企业的得分：每个维度的分值、权重和依据，填补的缺口，到本地企业和伙伴的关系路径。"""
    session = open_session(data)
    g = session.graph
    key = node_id("Company", company)
    if key not in g:
        raise NotFoundError(f"企业「{company}」不存在（见 companies.csv 的 id 列）")
    settings = session.scoring.rank
    diagnosis = diagnose(g, session.scoring.diagnosis)
    prospects = rank(g, diagnosis, settings)
    prospect = next((p for p in prospects if p.company_id == company), None)
    ctx = prepare(g, diagnosis, settings)
    channels = ctx.channels
    components, fills = evaluate(g, key, ctx, settings)
    relations = _relation_lines(g, key)
    if fmt is not Format.table:
        channel = channels.get(key)
        print_json({
            "company_id": company, "company": g.nodes[key]["name"], "is_local": g.nodes[key]["is_local"],
            "rank": prospect.rank if prospect else None,
            "score": round(sum(c.value * c.weight for c in components.values()), 4),
            "components": {n: c.model_dump() for n, c in components.items()},
            "fills": fills, "channel": channel.model_dump() if channel else None,
            "relations": relations,
        })
        return
    for part in views.explain_view(g.nodes[key], components, channels.get(key), relations, prospect):
        out.print(part)


def _relation_lines(g: nx.MultiDiGraph, key: str) -> list[str]:
    lines = []
    for u, v, k in sorted([*g.out_edges(key, keys=True), *g.in_edges(key, keys=True)]):
        if k in RELATION_LABELS and g.nodes[u]["label"] == "Company" == g.nodes[v]["label"]:
            lines.append(f"{g.nodes[u]['name']} -[{k}]-> {g.nodes[v]['name']}")
    return lines


@app.command()
@handle_errors
def whatif(add: Annotated[list[str], typer.Option("--add", help="假设落地的企业 id，可重复")],
           data: DataOpt = None, fmt: FormatOpt = Format.table) -> None:
    """假如这些企业落地：哪些缺口被补上、哪些环节变强，总严重度减少多少。"""
    session = open_session(data)
    result = what_if(session.graph, filter_values(add) or [], session.scoring.diagnosis)
    if fmt is Format.table:
        out.print(views.whatif_table(result))
    else:
        print_json(result)


@export_app.command("prospects")
@handle_errors
def export_prospects_command(
    output: Annotated[Path, typer.Option("-o", "--output", help="输出文件：.csv、.xlsx 或 .json")],
    data: DataOpt = None, field: FieldOpt = None, chain: ChainOpt = None,
    segment: SegmentOpt = None, province: ProvinceOpt = None, include_pipeline: PipelineOpt = False,
    top: Annotated[int, typer.Option("--top", help="前 N 名（0 为全部）")] = 0,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的文件")] = False,
) -> None:
    """导出招商目标清单（XLSX 另含「链条诊断」工作表）。"""
    session = open_session(data)
    diagnosis = diagnose(session.graph, session.scoring.diagnosis)
    flt = _rank_filter(field, chain, segment, province, include_pipeline)
    prospects = rank(session.graph, diagnosis, session.scoring.rank, flt, top or None)
    export_prospects(output, prospects, diagnosis, session.names(), force)
    err.print(f"已写入 {output}（{len(prospects)} 家企业）", markup=False, highlight=False)


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["COMPONENTS", "app", "main"]
