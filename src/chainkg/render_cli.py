"""The picture and report commands: ``chainkg map`` and ``chainkg report``.

``cli.py`` registers them with ``register(app)``; this module never imports ``cli``, so
there is no import cycle.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from chainkg.errors import ConfigError
from chainkg.terminal import ChineseCommand, at_least, err, handle_errors

if TYPE_CHECKING:
    import networkx as nx

    from chainkg.diagnosis import SegmentDiagnosis
    from chainkg.models import DataSet
    from chainkg.scoring import Scoring

# The analysis, layout and report modules are imported inside the commands: `chainkg --help`
# must not pay for them (issue #13's start-up target).

__all__ = ["map_command", "register", "report_command"]

OutputOpt = Annotated[Path, typer.Option("-o", "--output", help="输出文件：.svg、.png、.pdf 或 .html")]
DataOpt = Annotated[Path | None, typer.Option(
    "--data", help="数据目录（默认：环境变量 CHAINKG_DATA，否则仓库的 graph_data/，否则随包安装的数据）",
    show_default=False)]
ForceOpt = Annotated[bool, typer.Option("--force", help="覆盖已存在的文件")]
DateOpt = Annotated[str | None, typer.Option(
    "--date", help="图上/报告上的日期，YYYY-MM-DD（默认今天）", show_default=False)]


def _as_of(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"日期「{value}」无效：应为 YYYY-MM-DD，如 2022-06-30") from None


def _analysed(data: Path | None, as_of: str | None) -> tuple[DataSet, Scoring, nx.MultiDiGraph,
                                                            list[SegmentDiagnosis], date]:
    """What both commands draw from: the validated data, its scoring, graph, diagnosis and date."""
    from chainkg.diagnosis import diagnose
    from chainkg.graph import build_graph
    from chainkg.load import default_data_dir, load_scoring, load_valid

    path = data or default_data_dir()
    dataset, _warnings = load_valid(path)
    scoring = load_scoring(path)
    g = build_graph(dataset)
    return dataset, scoring, g, diagnose(g, scoring.diagnosis), _as_of(as_of)


def map_command(
    output: OutputOpt,
    chain_id: Annotated[str | None, typer.Argument(help="产业链 id，如 robotics（用 --field 或 --all 时省略）",
                                                   show_default=False)] = None,
    vision: Annotated[bool, typer.Option("--vision", help="远景图：前 N 名招商目标落地后的产业链")] = False,
    top: Annotated[int, typer.Option("--top", help="远景图放入的招商目标数", callback=at_least(0))] = 5,
    field: Annotated[str | None, typer.Option("--field", help="画一个领域的每条链（每链一个分图）",
                                              show_default=False)] = None,
    all_chains: Annotated[bool, typer.Option("--all", help="全景图：领域 → 产业链，附各状态环节数")] = False,
    as_of: DateOpt = None, data: DataOpt = None, force: ForceOpt = False,
) -> None:
    """画产业链图谱：现状图（默认）或远景图（--vision），输出 SVG、PNG、PDF 或可缩放的 HTML。"""
    if sum((chain_id is not None, field is not None, all_chains)) != 1:
        raise ConfigError("请给出一条产业链 id，或 --field 领域 id，或 --all（三者选一）")
    from chainkg.export import check_output
    from chainkg.maps import chain_maps, chains_of_field, overview
    from chainkg.render_map import MAP_FORMATS, cjk_font, dot_binary, map_details, map_dot, overview_dot, write_map

    # Mistakes and missing tools are reported before the seconds of loading and drawing.
    _as_of(as_of)
    check_output(output, MAP_FORMATS, force)
    dot_binary()
    font = cjk_font()
    _dataset, scoring, g, diagnosis, day = _analysed(data, as_of)
    if all_chains:
        view = overview(g, diagnosis, day)
        write_map(output, overview_dot(view, font), f"{view.region} 产业链全景", {}, force)
    else:
        chain_ids = [chain_id] if chain_id else chains_of_field(g, field or "")
        maps = chain_maps(g, diagnosis, chain_ids, day, scoring, top if vision else None)
        title = f"{maps[0].chain if chain_id else maps[0].field} 产业链{'远景图' if vision else '现状图'}"
        write_map(output, map_dot(maps, font, panels=field is not None), title, map_details(maps), force)
    err.print(f"已写入 {output}", markup=False, highlight=False)


def report_command(
    output: Annotated[Path, typer.Option("-o", "--output", help="输出文件：.xlsx、.html 或 .pdf")],
    top: Annotated[int, typer.Option("--top", help="重点招商目标数", callback=at_least(1))] = 20,
    gaps: Annotated[int, typer.Option("--gaps", help="列出的缺口数（按严重度，0 为全部）",
                                              callback=at_least(0))] = 30,
    chain: Annotated[list[str] | None, typer.Option(
        "--chain", metavar="产业链", show_default=False,
        help="只报告这些产业链（id 或名称，可逗号分隔），每链附现状图和远景图")] = None,
    field: Annotated[list[str] | None, typer.Option(
        "--field", metavar="领域", show_default=False, help="只报告这些领域的产业链（id 或名称，可逗号分隔）")] = None,
    paper: Annotated[str, typer.Option("--paper", help="纸张：A4 或 A3（PDF 和 HTML 打印）")] = "A4",
    as_of: DateOpt = None, data: DataOpt = None, force: ForceOpt = False,
) -> None:
    """生成向领导汇报的报告：一页摘要、年度目标完成情况、分链招商目标与项目、平台与渠道、产业链图谱。"""
    from chainkg import filters
    from chainkg.export import check_output
    from chainkg.graph import nodes_of
    from chainkg.maps import chain_maps
    from chainkg.ranking import RankFilter, rank
    from chainkg.report import build_report
    from chainkg.report_render import PAPERS, REPORT_FORMATS, report_maps, report_tools, write_report

    # Mistakes and missing tools are reported before the seconds of loading, ranking and drawing.
    _as_of(as_of)
    sheet = paper.strip().upper()
    if sheet not in PAPERS:
        raise ConfigError(f"--paper 没有「{paper}」；允许的取值：{'、'.join(PAPERS)}")
    font = report_tools(check_output(output, REPORT_FORMATS, force))
    dataset, scoring, g, diagnosis, day = _analysed(data, as_of)
    fields = filters.resolve(field, filters.field_choices(g))
    chains = filters.resolve(chain, filters.chain_choices(g))
    chain_ids: list[str] | None = None
    scope = ""
    if fields is not None or chains is not None:
        names = {a["id"]: a["name"] for _k, a in nodes_of(g, "Chain")}
        field_names = {a["id"]: a["name"] for _k, a in nodes_of(g, "Field")}
        chain_ids = [a["id"] for _k, a in nodes_of(g, "Chain")
                     if (chains and a["id"] in chains) or (fields and a["field"] in fields)]
        if not chain_ids:
            raise ConfigError(f"领域「{'、'.join(field_names[f] for f in fields or [])}」下没有产业链，无可报告")
        scope = "、".join([field_names[f] for f in fields or []] + [names[c] for c in chains or []])
    # The target list of `chainkg rank` (issue #11): no university, institute or fund, best few per gap.
    targets = RankFilter(kinds=["target", "deepen"], chains=chain_ids)
    prospects = rank(g, diagnosis, scoring.rank, targets, top, per_gap=scoring.rank.per_gap)
    platforms = rank(g, diagnosis, scoring.rank, RankFilter(kinds=["platform"], chains=chain_ids), 10)
    result = build_report(dataset, g, diagnosis, prospects, day, gaps or None, platforms, chain_ids, scope)
    maps = {}
    if font is not None:
        def vision(chain_id: str):  # type: ignore[no-untyped-def]
            return chain_maps(g, diagnosis, [chain_id], day, scoring, 5)[0]

        maps = report_maps(g, diagnosis, day, font, chain_ids, vision if chain_ids else None)
    write_report(output, result, maps, force, sheet, font or "")
    err.print(f"已写入 {output}", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``map`` and ``report`` to the chainkg command line."""
    app.command("map", cls=ChineseCommand)(handle_errors(map_command))
    app.command("report", cls=ChineseCommand)(handle_errors(report_command))
