"""The picture and report commands: ``chainkg map`` and ``chainkg report``.

``cli.py`` registers them with ``register(app)``; this module never imports ``cli``, so
there is no import cycle.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from chainkg.cli.terminal import ChineseCommand, at_least, err, handle_errors
from chainkg.model.errors import ConfigError

if TYPE_CHECKING:
    from chainkg.analysis.diagnosis import SegmentDiagnosis
    from chainkg.graph.pool_graph import PoolGraph
    from chainkg.model.records import DataSet
    from chainkg.model.scoring import Scoring

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


def _analysed(data: Path | None, as_of: str | None) -> tuple[DataSet, Scoring, PoolGraph,
                                                            list[SegmentDiagnosis], date]:
    """What both commands draw from: the validated data, its scoring, pool, diagnosis and date."""
    from chainkg.analysis.diagnosis import diagnose
    from chainkg.dataset.load import default_data_dir, load_scoring, load_valid
    from chainkg.graph.pool_graph import pool_graph

    path = data or default_data_dir()
    dataset, _warnings = load_valid(path)
    scoring = load_scoring(path)
    pg = pool_graph(dataset)
    return dataset, scoring, pg, diagnose(pg, scoring.diagnosis), _as_of(as_of)


def map_command(
    output: OutputOpt,
    chain_id: Annotated[str | None, typer.Argument(
        help="产业链 id 或名称，如 robotics 或 机器人及智能制造（用 --field 或 --all 时省略）",
                                                   show_default=False)] = None,
    vision: Annotated[bool, typer.Option("--vision", help="远景图：前 N 名招商目标落地后的产业链")] = False,
    top: Annotated[int, typer.Option("--top", help="远景图放入的招商目标数", callback=at_least(0))] = 5,
    field: Annotated[str | None, typer.Option("--field", help="画一个领域（id 或名称）的每条链（每链一个分图）",
                                              show_default=False)] = None,
    all_chains: Annotated[bool, typer.Option("--all", help="全景图：领域 → 产业链，附各状态环节数")] = False,
    paper: Annotated[str | None, typer.Option(
        "--paper", help="PDF 纸张：A4（默认）或 A3；图中最小字号不小于 7 磅，放不下时分页拼接",
        show_default=False)] = None,
    orientation: Annotated[str, typer.Option(
        "--orientation", help="PDF 方向：auto（自动，默认）、横向 或 纵向")] = "auto",
    as_of: DateOpt = None, data: DataOpt = None, force: ForceOpt = False,
) -> None:
    """画产业链图谱：现状图（默认）或远景图（--vision），输出 SVG、PNG、PDF 或可缩放的 HTML。"""
    if sum((chain_id is not None, field is not None, all_chains)) != 1:
        raise ConfigError("请给出一条产业链（id 或名称），或 --field 领域，或 --all（三者选一）")
    if all_chains and vision:
        raise ConfigError("--all 画全景图（各链的状态环节数），没有远景图；各链的远景图请用 "
                          "--field 领域 --vision 或 产业链 --vision")
    from chainkg.analysis import filters
    from chainkg.files import check_output
    from chainkg.output.maps import chain_maps, chains_of_field, overview
    from chainkg.output.render_map import (
        MAP_FORMATS,
        cjk_font,
        dot_binary,
        map_details,
        map_dot,
        overview_dot,
        overview_html_pages,
        write_map,
    )

    # Mistakes and missing tools are reported before the seconds of loading and drawing.
    _as_of(as_of)
    suffix = check_output(output, MAP_FORMATS, force)
    sheet = _paper(paper, orientation, suffix)
    dot_binary()
    if suffix == ".pdf":
        from chainkg.output.printing import browser

        browser()
    font = cjk_font()
    _dataset, scoring, pg, diagnosis, day = _analysed(data, as_of)
    g = pg.taxonomy
    if all_chains:
        view = overview(g, diagnosis, day)
        # The HTML overview links every chain to its own map, carried in the same file.
        pages = overview_html_pages(pg, diagnosis, day, font) if suffix == ".html" else None
        write_map(output, overview_dot(view, font), f"{view.region} 产业链全景", {}, force, *sheet,
                  chain_pages=pages)
    else:
        if chain_id is not None:
            chain_ids = [filters.resolve_one(chain_id, filters.chain_choices(g), "产业链")]
        else:
            chain_ids = chains_of_field(g, filters.resolve_one(field or "", filters.field_choices(g), "领域"))
        maps = chain_maps(pg, diagnosis, chain_ids, day, scoring, top if vision else None)
        title = f"{maps[0].chain if chain_id else maps[0].field} 产业链{'远景图' if vision else '现状图'}"
        # On paper, a field prints one chain per page: a panel of six chains is too big to read.
        write_map(output, map_dot(maps, font, panels=field is not None), title, map_details(maps), force, *sheet,
                  print_sources=[map_dot([m], font) for m in maps])
    err.print(f"已写入 {output}", markup=False, highlight=False)


_ORIENTATION_NAMES = {"auto": "auto", "自动": "auto", "landscape": "landscape", "横向": "landscape",
                      "portrait": "portrait", "纵向": "portrait"}


def _paper(paper: str | None, orientation: str, suffix: str) -> tuple[str, str]:
    """The PDF's paper and orientation; an error when they are given for another format or unknown."""
    from chainkg.output.render_map import PAPERS

    if suffix != ".pdf" and (paper is not None or orientation != "auto"):
        raise ConfigError(f"--paper 和 --orientation 只用于 PDF 输出（现在是 {suffix}）")
    name = (paper or "A4").strip().upper()
    if name not in PAPERS:
        raise ConfigError(f"--paper 没有「{paper}」；允许的取值：{'、'.join(PAPERS)}")
    if orientation.strip().lower() not in _ORIENTATION_NAMES:
        raise ConfigError(f"--orientation 没有「{orientation}」；"
                          "允许的取值：auto（自动）、横向（landscape）、纵向（portrait）")
    return name, _ORIENTATION_NAMES[orientation.strip().lower()]


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
    """生成向领导汇报的报告：一页摘要、年度目标完成情况、分链招商目标与项目、平台与渠道、配套对接与本市协作、产业链图谱。"""
    from chainkg.analysis import filters
    from chainkg.analysis.prospects import RankFilter
    from chainkg.analysis.shortlist import prepare, rank
    from chainkg.files import check_output
    from chainkg.graph.taxonomy import nodes_of
    from chainkg.output.maps import chain_maps
    from chainkg.output.report import build_report
    from chainkg.output.report_render import PAPERS, REPORT_FORMATS, report_maps, report_tools, write_report

    # Mistakes and missing tools are reported before the seconds of loading, ranking and drawing.
    _as_of(as_of)
    sheet = paper.strip().upper()
    if sheet not in PAPERS:
        raise ConfigError(f"--paper 没有「{paper}」；允许的取值：{'、'.join(PAPERS)}")
    font = report_tools(check_output(output, REPORT_FORMATS, force))
    dataset, scoring, pg, diagnosis, day = _analysed(data, as_of)
    g = pg.taxonomy
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
    prepared = prepare(pg, diagnosis, scoring.rank)  # once for the three lists
    prospects = rank(pg, diagnosis, scoring.rank, targets, top, per_gap=scoring.rank.per_gap, prepared=prepared)
    platforms = rank(pg, diagnosis, scoring.rank, RankFilter(kinds=["platform"], chains=chain_ids), 10,
                     prepared=prepared)
    apart = rank(pg, diagnosis, scoring.rank, RankFilter(kinds=["supply", "group", "same_city"], chains=chain_ids), 10,
                 prepared=prepared)
    result = build_report(dataset, pg, diagnosis, prospects, day, gaps or None, platforms, chain_ids, scope, apart)
    maps = {}
    if font is not None:
        def vision(chain_id: str):  # type: ignore[no-untyped-def]
            return chain_maps(pg, diagnosis, [chain_id], day, scoring, 5)[0]

        maps = report_maps(pg, diagnosis, day, font, chain_ids, vision if chain_ids else None)
    write_report(output, result, maps, force, sheet, font or "")
    err.print(f"已写入 {output}", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``map`` and ``report`` to the chainkg command line."""
    app.command("map", cls=ChineseCommand)(handle_errors(map_command))
    app.command("report", cls=ChineseCommand)(handle_errors(report_command))
