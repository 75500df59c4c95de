"""The ``chainkg neo4j`` commands and the ``--backend neo4j`` hooks of ``gaps`` and ``rank``.

Thin: parse options, call chainkg.graphdb, print. Kept apart from chainkg.cli.main (which
registers ``neo4j_app``) and never imports it, so there is no import cycle.
"""

from __future__ import annotations

import json
import re
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import Progress
from rich.table import Table

from chainkg.cli.terminal import ChineseCommand, ChineseGroup, at_least, err, handle_errors, out, print_csv
from chainkg.model.errors import ChainkgError

# The analysis modules (networkx, polars) and chainkg.graphdb (the neo4j driver) are imported
# inside the commands that use them, so `chainkg --help` stays fast.
if TYPE_CHECKING:
    from chainkg.analysis.diagnosis import SegmentDiagnosis
    from chainkg.analysis.prospects import Prospect, RankFilter
    from chainkg.graphdb.connection import ConnectionSettings, Neo4jRunner, QueryRunner
    from chainkg.graphdb.push import NodeGroup, RelGroup
    from chainkg.graphdb.queries import NamedQuery

__all__ = ["gaps_on_server", "neo4j_app", "rank_on_server", "server_settings"]

neo4j_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, cls=ChineseGroup,
                        help="Neo4j：推送图谱、导出 Cypher 脚本、运行命名查询。")

DataOpt = Annotated[Path | None, typer.Option(
    "--data", metavar="目录", help="数据目录（默认同其他命令）", show_default=False)]
UriOpt = Annotated[str | None, typer.Option(
    "--uri", metavar="地址", help="Neo4j 地址（默认：环境变量 NEO4J_URI）", show_default=False)]
UserOpt = Annotated[str | None, typer.Option(
    "--user", metavar="用户名", help="用户名（默认：NEO4J_USERNAME，否则 neo4j）",
                                             show_default=False)]
PasswordOpt = Annotated[str | None, typer.Option(
    "--password", metavar="密码", help="密码（默认：NEO4J_PASSWORD）",
                                                 show_default=False)]
DatabaseOpt = Annotated[str | None, typer.Option(
    "--database", metavar="数据库", help="数据库（默认：NEO4J_DATABASE，否则服务器默认库）",
                                                 show_default=False)]


@dataclass
class _Analysed:
    """What push, import-files and export-cypher write: the write groups and how many nodes."""

    nodes: list[NodeGroup]
    rels: list[RelGroup]

    @property
    def node_count(self) -> int:
        return sum(len(group.rows) for group in self.nodes)

    @property
    def rel_count(self) -> int:
        return sum(len(group.rows) for group in self.rels)


def _analyse(data: Path | None) -> _Analysed:
    """Load, validate, diagnose and score every candidate on the pool path (as ``rank``/``gaps``).

    The same diagnosis and the same score and rank of every candidate as
    ``oracle.rank(oracle.build_graph(data), …)`` (tests/test_pool_push.py), without putting a
    million companies into networkx; the company rows are made batch by batch while written.
    """
    from chainkg.analysis.diagnosis import diagnose
    from chainkg.analysis.pool_rank import exact_scores
    from chainkg.dataset.load import default_data_dir, load_scoring, load_valid
    from chainkg.graph.pool_graph import pool_graph
    from chainkg.graphdb.groups import pool_groups

    path = data or default_data_dir()
    dataset, _warnings = load_valid(path)
    scoring = load_scoring(path)
    pg = pool_graph(dataset)
    diagnosis = diagnose(pg, scoring.diagnosis)
    scores = exact_scores(pg, diagnosis, scoring.rank)
    return _Analysed(*pool_groups(dataset, pg, diagnosis, scores))


def server_settings(uri: str | None = None, user: str | None = None, password: str | None = None,
                    database: str | None = None) -> ConnectionSettings:
    """Where ``--backend neo4j`` connects: the options, else the NEO4J_* variables."""
    # chainkg.graphdb (and the neo4j driver) is imported only by commands that use it.
    from chainkg.graphdb import connection

    return connection.settings_from(uri, user, password, database)


def _connect(uri: str | None = None, user: str | None = None, password: str | None = None,
             database: str | None = None) -> Neo4jRunner:
    from chainkg.graphdb import connection

    return connection.connect(server_settings(uri, user, password, database))


@neo4j_app.command("push", cls=ChineseCommand)
@handle_errors
def push_command(
    data: DataOpt = None, uri: UriOpt = None, user: UserOpt = None, password: PasswordOpt = None,
    database: DatabaseOpt = None,
    batch_size: Annotated[int, typer.Option("--batch-size", metavar="行数", help="每个事务写入的行数",
                                                callback=at_least(1))] = 10000,
    wipe: Annotated[bool, typer.Option("--wipe", help="先删除 chainkg 的全部节点（只删 chainkg 的标签）")] = False,
    prune: Annotated[bool, typer.Option("--prune", help="推送后删除数据文件中已没有的 chainkg 节点和关系")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="--wipe 时不再确认")] = False,
    # The default is graphdb.push.WORKERS, not imported here so that --help stays fast.
    workers: Annotated[int, typer.Option("--workers", metavar="个数",
                                         help="同时写入的连接数（服务器没有空闲的 CPU 核时用 1 更快）",
                                         callback=at_least(1))] = 2,
) -> None:
    """把图谱（含诊断状态、严重度、企业得分和排名）写入 Neo4j；可重复运行，中断后重跑即可。"""
    from chainkg.graphdb.push import prune as prune_graph
    from chainkg.graphdb.push import server_counts, write_groups
    from chainkg.graphdb.push import wipe as wipe_graph

    # Log in first: a wrong password or an unreachable server is reported before the analysis,
    # which takes minutes and gigabytes at a million companies and could not be pushed anyway.
    with _connect(uri, user, password, database) as runner:
        if wipe and not yes and not typer.confirm("将删除 Neo4j 中 chainkg 的全部节点和关系，继续？"):
            raise typer.Abort()
        analysed = _analyse(data)  # before the wipe: data that does not validate leaves the server as it was
        if wipe:
            err.print(f"已删除 {wipe_graph(runner)} 个节点", markup=False, highlight=False)
        with Progress(console=err, transient=True, disable=not sys.stderr.isatty()) as bar:
            task = bar.add_task("写入 Neo4j", total=None)
            token = write_groups(runner, analysed.nodes, analysed.rels, batch_size,
                                 lambda done, total: bar.update(task, completed=done, total=total), workers=workers)
        if prune:
            pruned = prune_graph(runner, token, batch_size)
            err.print(f"--prune：已删除数据文件中已没有的节点 {_counted(pruned['nodes'])}，"
                      f"关系 {_counted(pruned['relationships'])}", markup=False, highlight=False)
        counts = server_counts(runner)
    stale = sum(counts["nodes"].values()) - analysed.node_count
    if stale > 0:
        err.print(f"注意：服务器上另有 {stale} 个不属于本数据集的 chainkg 节点（如旧数据或其他数据集），"
                  "下面的计数包含它们；用 --prune 删除数据文件中已没有的节点和关系，或用 --wipe 先清除再推送",
                  markup=False, highlight=False)
    print(f"已推送：节点 {_counted(counts['nodes'])}；关系 {_counted(counts['relationships'])}")


def _counted(counts: dict[str, int]) -> str:
    """{"Company": 2, "Project": 1} → 3（Company 2，Project 1）; nothing → 0."""
    total = sum(counts.values())
    return f"{total}（{'，'.join(f'{k} {v}' for k, v in counts.items())}）" if total else "0"


@neo4j_app.command("import-files", cls=ChineseCommand)
@handle_errors
def import_files_command(
    output: Annotated[Path, typer.Option("-o", "--output", metavar="目录", help="输出目录（CSV 文件和 import.args）")],
    data: DataOpt = None,
) -> None:
    """为空库首次装载写出 Neo4j 离线批量导入（neo4j-admin database import full）的文件。

    之后运行 scripts/neo4j-server import 目录（会停止服务器、替换 neo4j 库并重新启动），
    再运行 chainkg neo4j push 建立约束和索引。
    """
    from chainkg.graphdb.bulk import write_import_files

    analysed = _analyse(data)
    write_import_files(analysed.nodes, analysed.rels, output, uuid.uuid4().hex)
    err.print(f"已写入 {output}（节点 {analysed.node_count}，关系 {analysed.rel_count}）；"
              f"导入：scripts/neo4j-server import {output}", markup=False, highlight=False)


@neo4j_app.command("export-cypher", cls=ChineseCommand)
@handle_errors
def export_cypher_command(
    output: Annotated[Path, typer.Option("-o", "--output", metavar="文件", help="输出的 .cypher 文件")],
    data: DataOpt = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的文件")] = False,
) -> None:
    """把图谱导出为不带参数的 .cypher 脚本（可粘贴到 Browser 或用 cypher-shell 运行）。"""
    from chainkg.files import check_output

    check_output(output, None, force)  # before the graph is built
    analysed = _analyse(data)
    from chainkg.graphdb import cypher_export

    count = cypher_export.write_cypher_script(output, analysed.nodes, analysed.rels, force)
    err.print(f"已写入 {output}（{count} 条语句）", markup=False, highlight=False)


def _param(text: str) -> tuple[str, Any]:
    name, sep, raw = text.partition("=")
    if not sep or not name:
        raise ChainkgError(f"参数「{text}」应写成 名称=值，如 chain=robotics")
    try:
        value: Any = json.loads(raw)
    except ValueError:
        value = raw  # a bare word is a string
    return name.strip(), value


_DEFAULT_INT = re.compile(r"\(default (\d+)")


def _check_params(query: NamedQuery, values: dict[str, Any]) -> None:
    """Required parameters present and non-empty, integer ones integers in range; each with its own message.

    A parameter is optional when its header line gives a default or allows null; one whose
    default is a whole number must be a whole number, within "from A to B" when the header says so.
    """
    from chainkg.graphdb.queries import param_range

    unknown = sorted(set(values) - set(query.params))
    if unknown:
        raise ChainkgError(f"查询「{query.name}」没有参数 {'、'.join(unknown)}；"
                           f"它的参数：{'、'.join(query.params) or '无'}")
    for param, description in query.params.items():
        optional = "default" in description or "null" in description
        value = values.get(param)
        if value is None or value == "":
            if not optional:
                raise ChainkgError(f"查询「{query.name}」缺少参数 {param}（{description}）："
                                   f"请写成 chainkg neo4j query {query.name} {param}=值")
        elif ((_DEFAULT_INT.search(description) or param_range(description))
              and (not isinstance(value, int) or isinstance(value, bool))):
            raise ChainkgError(f"查询「{query.name}」的参数 {param} 应为整数（{description}），"
                               f"而不是「{value}」")
        elif (bounds := param_range(description)) and not bounds[0] <= value <= bounds[1]:
            raise ChainkgError(f"查询「{query.name}」的参数 {param} 应在 {bounds[0]} 到 {bounds[1]} 之间"
                               f"（{description}），而不是「{value}」")


@neo4j_app.command("query", cls=ChineseCommand)
@handle_errors
def query_command(
    name: Annotated[str | None, typer.Argument(metavar="查询名", help="查询名（不填则列出全部查询）")] = None,
    params: Annotated[list[str] | None, typer.Argument(
        metavar="参数=值...", help="参数：名称=值，值按 JSON 解析，否则为字符串")] = None,
    uri: UriOpt = None, user: UserOpt = None, password: PasswordOpt = None, database: DatabaseOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="格式", help="table、json 或 csv")] = "table",
) -> None:
    """运行 cypher/queries/ 中的命名查询，以表格、JSON 或 CSV 输出。"""
    from chainkg.graphdb import queries

    if fmt not in ("table", "json", "csv"):
        raise ChainkgError(f"--format 没有「{fmt}」；允许的取值：table、json、csv")
    if name is None:
        for q in queries.list_queries():
            args = " ".join(f"{p}=…" for p in q.params)
            print(f"{q.name} {args}\n    {q.description}")
        return
    query = queries.load_query(name)
    values = dict(_param(p) for p in params or [])
    _check_params(query, values)
    with _connect(uri, user, password, database) as runner:
        values.update(_node_ids(runner, query, values))
        rows = queries.run_named(runner, name, values)
    if fmt == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
    elif fmt == "csv":
        print_csv(list(rows[0]) if rows else [], [[_cell(v) for v in row.values()] for row in rows])
    else:
        table = Table(*(rows[0].keys() if rows else ["（无结果）"]))
        for row in rows:
            table.add_row(*(_cell(v) for v in row.values()))
        out.print(table)


def _node_ids(runner: QueryRunner, query: NamedQuery, values: dict[str, Any]) -> dict[str, str]:
    """The parameters that name a node (``chain id`` …), given by id or name, as the server's ids.

    A value that names nothing is an error with the closest ids and names — never an empty result.
    """
    from chainkg.graphdb import lookup
    from chainkg.graphdb.queries import param_label

    ids: dict[str, str] = {}
    for param, description in query.params.items():
        label, value = param_label(description), values.get(param)
        if label is None or value is None or value == "":
            continue
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        try:
            ids[param] = lookup.node_id(runner, label, text)
        except ChainkgError as exc:
            raise type(exc)(f"查询「{query.name}」的参数 {param}：{exc}") from None
    return ids


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return "" if value is None else str(value)


def gaps_on_server(data: Path | None, field: list[str] | None, chain: list[str] | None,
                   stage: list[str] | None, status: list[str] | None,
                   settings: ConnectionSettings | None = None) -> tuple[list[SegmentDiagnosis], dict[str, str]]:
    """``gaps --backend neo4j``: the diagnosis computed by Cypher (the data must be pushed first),
    and the names of the segments and companies it shows, read from the server as well.

    ``settings`` default to the NEO4J_* variables. The login is checked before anything is read.
    """
    from chainkg.analysis.filters import split_values
    from chainkg.dataset.load import default_data_dir, load_scoring
    from chainkg.graphdb import backend, connection, lookup

    with connection.connect(settings or connection.settings_from()) as runner:
        scoring = load_scoring(data or default_data_dir())
        rows = backend.diagnose_on_server(runner, scoring.diagnosis,
                                          lookup.filter_ids(runner, "Field", "--field", field),
                                          lookup.filter_ids(runner, "Chain", "--chain", chain),
                                          split_values(stage), split_values(status))
        names = lookup.table_names(runner, (c for d in rows for c in (*d.local_companies, *d.partner_companies)))
    return rows, names


def rank_on_server(data: Path | None, flt: RankFilter, top: int | None,
                   settings: ConnectionSettings | None = None) -> list[Prospect]:
    """``rank --backend neo4j``: the ranking computed by Cypher (the data must be pushed first).

    The login is checked before anything is read.
    """
    from chainkg.dataset.load import default_data_dir, load_scoring
    from chainkg.graphdb import backend, connection, lookup

    with connection.connect(settings or connection.settings_from()) as runner:
        scoring = load_scoring(data or default_data_dir())
        flt = flt.model_copy(update={
            "fields": lookup.filter_ids(runner, "Field", "--field", flt.fields),
            "chains": lookup.filter_ids(runner, "Chain", "--chain", flt.chains),
            "segments": lookup.filter_ids(runner, "Segment", "--segment", flt.segments),
        })
        diagnosis = backend.diagnose_on_server(runner, scoring.diagnosis)
        return backend.rank_on_server(runner, diagnosis, scoring.rank, flt, top)
