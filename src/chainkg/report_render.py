"""Writing the leadership report: print-ready XLSX, one self-contained HTML page, PDF.

The PDF is the HTML page printed by headless Chromium (the browser the Neo4j Browser
screenshot test already needs): it lays out Chinese tables and the inline SVG maps exactly
as the HTML shows them, with the header row of long tables repeated on every page.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

import networkx as nx

from chainkg.diagnosis import SegmentDiagnosis
from chainkg.export import atomic_write, output_suffix
from chainkg.graph import data_as_of_text, nodes_of
from chainkg.maps import STAGE_NAMES, chain_map, overview
from chainkg.palette import STATUS_COLOURS
from chainkg.printing import browser as _browser
from chainkg.printing import print_pdf as _print_pdf
from chainkg.render_map import cjk_font, dot_binary, map_dot, overview_dot, render_dot, svg_for_html
from chainkg.report import Report, TargetRow
from chainkg.spreadsheet import AMOUNT_FORMAT, PERCENT_FORMAT, SEVERITY_FORMAT, Sheet, write_workbook

__all__ = ["REPORT_FORMATS", "report_html", "report_maps", "report_sheets", "report_tools", "write_report"]

REPORT_FORMATS = (".xlsx", ".html", ".pdf")
_STATUS_BY_LABEL = {"强链": "strong", "弱链": "weak", "缺链": "missing", "断链": "broken"}

TARGET_HEADERS = ["目标", "年份", "类型", "要求", "目标值", "单位", "基期值", "基期年份", "实际值", "截至",
                  "差距", "完成进度", "时间进度", "状态", "说明", "数据来源"]
PIPELINE_HEADERS = ["阶段", "项目", "企业", "环节", "金额", "园区", "年份", "责任人", "下一步"]
GAP_HEADERS = ["环节", "产业链", "领域", "链位", "状态", "严重度", "本地企业数", "候选企业数", "延链（相邻强链）"]
PROSPECT_HEADERS = ["排名", "企业", "地点", "总分", "档次", "填补环节", "建议落地园区", "园区理由", "理由"]


def _summary_rows(report: Report) -> list[list[object]]:
    s = report.summary
    rows: list[list[object]] = [["地区", s.region], ["日期", s.as_of], ["数据截至", s.data_as_of or "未注明"],
                                ["领域", s.fields], ["产业链", s.chains], ["环节", s.segments]]
    rows += [[f"环节：{label}", n] for label, n in s.segments_by_status.items()]
    rows += [["本地企业", s.local_companies], ["外地企业（候选池）", s.outside_companies],
             ["战略合作伙伴", s.partners], ["项目", s.projects]]
    rows += [[f"项目：{label}", n] for label, n in s.projects_by_stage.items()]
    rows += [["年度目标", s.targets]]
    rows += [[f"目标：{label}", n] for label, n in s.targets_by_status.items()]
    return rows


def _target_cells(t: TargetRow) -> list[object]:
    # Completion is shown clamped to 0–100 %; the 说明 says when the raw value lies outside.
    return [t.name, t.year, t.kind_label, t.requirement, t.value, t.unit, t.baseline, t.baseline_year, t.actual,
            t.as_of, t.gap, t.progress_shown, t.expected, t.status_label, t.note, t.source]


def report_sheets(report: Report) -> list[Sheet]:
    """The report as print-ready worksheets: 概况, 年度目标, 项目清单, 缺口清单, 招商目标."""
    return [
        Sheet("概况", ["项目", "数值"], _summary_rows(report)),
        Sheet("年度目标", TARGET_HEADERS, [_target_cells(t) for t in report.targets],
              formats={"完成进度": PERCENT_FORMAT, "时间进度": PERCENT_FORMAT, "截至": "yyyy-mm-dd"},
              wrap={"目标", "说明", "数据来源"}, widths={"目标": 36, "说明": 36, "数据来源": 40}),
        Sheet("项目清单", PIPELINE_HEADERS,
              [[p.stage, p.project, p.company, "、".join(p.segments), p.amount_yi, p.park, p.year, p.owner,
                p.next_step] for p in report.pipeline],
              formats={"金额": AMOUNT_FORMAT}, wrap={"项目", "环节", "下一步"}, widths={"环节": 36}),
        Sheet("缺口清单", GAP_HEADERS,
              [[g.segment, g.chain, g.field, STAGE_NAMES.get(g.stage, g.stage), g.status, g.severity,
                g.local_companies, g.candidate_count, "、".join(g.extends)] for g in report.gaps],
              formats={"严重度": SEVERITY_FORMAT}, wrap={"延链（相邻强链）"}),
        Sheet("招商目标", PROSPECT_HEADERS,
              [[p.rank, p.company, p.place, p.points, p.tier, "、".join(p.fills), p.park.park if p.park else "",
                p.park.reason if p.park else "", "\n".join(p.reasons)] for p in report.prospects],
              wrap={"填补环节", "园区理由", "理由"},
              widths={"填补环节": 24, "园区理由": 30, "理由": 60}),
    ]


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _num(value: float | None, unit: str = "") -> str:
    return "—" if value is None else f"{value:,.4g}{unit}"


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _table(headers: list[str], rows: list[list[str]], cls: str = "") -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _chip(label: str) -> str:
    colour = STATUS_COLOURS[_STATUS_BY_LABEL[label]]
    return f'<span class="chip" style="background:{colour.fill};color:{colour.text}">{_e(label)}</span>'


_CSS = """
@page { size: A4 landscape; margin: 12mm; }
body { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif; font-size: 11px;
       color: #24292f; margin: 0 auto; max-width: 1400px; padding: 12px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 16px; border-bottom: 2px solid #24292f;
     padding-bottom: 2px; margin: 18px 0 6px; break-after: avoid; }
.meta { color: #57606a; margin-bottom: 8px; }
.cards { display: flex; gap: 8px; }
.card { flex: 1; border: 1px solid #d0d7de; border-radius: 6px; padding: 6px 10px; }
.card b { display: block; font-size: 20px; }
table { border-collapse: collapse; width: 100%; }
thead { display: table-header-group; } tr { break-inside: avoid; }
th { background: #24292f; color: #fff; text-align: left; padding: 3px 5px; }
td { border-bottom: 1px solid #d0d7de; padding: 3px 5px; vertical-align: top; }
td.n { text-align: right; white-space: nowrap; }
.chip { display: inline-block; border-radius: 3px; padding: 0 5px; margin-right: 3px; white-space: nowrap; }
.reached { color: #1e6e2e; font-weight: bold; } .behind { color: #a32a2e; font-weight: bold; }
.on_track { color: #1e6e2e; } .open { color: #8a6a00; } .no_data { color: #8c959f; }
.lagging, .half_lagging { color: #9a4b00; font-weight: bold; }
ul.reasons { margin: 0; padding-left: 14px; }
.map { break-before: page; } .map svg { width: 100%; height: auto; max-height: 175mm; }
.note { color: #57606a; }
"""


def report_html(report: Report, maps: list[tuple[str, str]]) -> str:
    """The report as one self-contained HTML page; ``maps`` are (title, SVG) pairs to embed."""
    s = report.summary
    cards = [("产业链", s.chains), ("环节", s.segments), ("本地企业", s.local_companies),
             ("外地企业（候选池）", s.outside_companies), ("战略伙伴", s.partners), ("项目", s.projects),
             ("年度目标", s.targets)]
    parts = [f"<h1>{_e(s.region)} 产业链招商工作报告</h1>",
             f'<div class="meta">截至 {s.as_of.isoformat()} · {_e(data_as_of_text(s.data_as_of))}'
             " · 数据来自 graph_data/ · 由 chainkg report 生成</div>",
             "<h2>一、概况</h2>",
             '<div class="cards">' + "".join(f"<div class=card><b>{n}</b>{_e(label)}</div>" for label, n in cards)
             + "</div>",
             "<p>环节状态：" + " ".join(f"{_chip(label)}{n}" for label, n in s.segments_by_status.items()) + "</p>",
             "<p>项目阶段：" + "，".join(f"{_e(label)} {n}" for label, n in s.projects_by_stage.items())
             + "；目标：" + "，".join(f"{_e(label)} {n}" for label, n in s.targets_by_status.items()) + "</p>"]

    parts.append("<h2>二、年度目标完成情况</h2>")
    parts.append(_table(
        ["目标", "年份", "类型", "基期（年份）", "目标值", "实际值", "差距", "完成进度", "时间进度", "状态", "说明",
         "数据来源"],
        [[_e(t.name), _e(t.year or ""), _e(t.kind_label),
          "—" if t.baseline is None else f"{_num(t.baseline, t.unit)}（{_e(t.baseline_year or '')}）",
          f"{_e(t.requirement)} {_num(t.value, t.unit)}", _num(t.actual, t.unit),
          _num(t.gap, t.gap_unit), _share(t.progress_shown), _share(t.expected),
          f'<span class="{t.status}">{_e(t.status_label)}</span>', _e(t.note),
          _e(t.source + (f"（截至 {t.as_of.isoformat()}）" if t.as_of and t.source.startswith("progress") else ""))]
         for t in report.targets]))
    parts.append('<p class="note">实际值：能由数据计算的（如新签约50亿元以上项目数由 projects.csv 的'
                 "阶段、金额、年份计算）直接计算，其余取自 progress.csv 中最新的填报值；没有数据的标为「无数据」。"
                 "完成进度按目标类型计算：年内（多年）累计的总量和个数为实际值÷目标值，并与按月计的时间进度比较"
                 "（时间过半、任务过半）；时点值和比重从基期值算起；增速直接与目标增速比较，差距以个百分点计。"
                 "完成进度显示在 0–100% 之间，超出时见说明。</p>")

    parts.append("<h2>三、项目清单（按阶段）</h2>")
    parts.append(_table(PIPELINE_HEADERS,
                        [[_e(p.stage), _e(p.project), _e(p.company), _e("、".join(p.segments)),
                          _num(p.amount_yi, "亿元") if p.amount_yi is not None else "", _e(p.park),
                          _e(p.year or ""), _e(p.owner), _e(p.next_step)] for p in report.pipeline]))

    parts.append(f"<h2>四、产业链缺口（按严重度，前 {len(report.gaps)} 个，共 {report.gap_total} 个）</h2>")
    parts.append(_table(GAP_HEADERS,
                        [[_e(g.segment), _e(g.chain), _e(g.field), _e(STAGE_NAMES.get(g.stage, g.stage)),
                          _chip(g.status), f"{g.severity:.2f}", str(g.local_companies), str(g.candidate_count),
                          _e("、".join(g.extends))] for g in report.gaps]))

    parts.append(f"<h2>五、重点招商目标（前 {len(report.prospects)} 名）</h2>")
    parts.append(_table(
        ["排名", "企业", "总分（档次）", "填补环节", "建议落地园区", "理由"],
        [[str(p.rank), f"{_e(p.company)}<br><span class=note>{_e(p.place)}</span>",
          f"{p.points}<br><span class=note>{_e(p.tier)}</span>",
          _e("、".join(p.fills)),
          f"{_e(p.park.park)}<br><span class=note>{_e(p.park.reason)}</span>" if p.park
          else '<span class="note">region.yaml 中没有园区登记承载这些环节</span>',
          '<ul class="reasons">' + "".join(f"<li>{_e(r)}</li>" for r in p.reasons) + "</ul>"]
         for p in report.prospects]))

    if maps:
        parts.append("<h2>六、产业链图谱</h2>")
        parts += [f'<div class="map"><h2>{_e(title)}</h2>{svg_for_html(svg)}</div>' for title, svg in maps]
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{_e(s.region)} 招商工作报告'
            f"</title><style>{_CSS}</style></head><body>{''.join(parts)}</body></html>\n")


def report_maps(g: nx.MultiDiGraph, diagnosis: list[SegmentDiagnosis], today: date,
                font: str | None = None) -> list[tuple[str, str]]:
    """The maps the HTML/PDF report embeds: the overview, then every chain's 现状图."""
    font = font or cjk_font()
    maps = [("产业链全景", render_dot(overview_dot(overview(g, diagnosis, today), font), "svg").decode("utf-8"))]
    for _k, chain in nodes_of(g, "Chain"):
        cmap = chain_map(g, diagnosis, chain["id"], today)
        maps.append((f"{chain['name']} 现状图", render_dot(map_dot([cmap], font), "svg").decode("utf-8")))
    return maps


def report_tools(suffix: str) -> str | None:
    """Check the tools a report of this suffix needs, before any work: none for XLSX; Graphviz (and
    Chromium for PDF), then a Chinese font for the maps of HTML and PDF, whose name is returned."""
    if suffix == ".xlsx":
        return None
    dot_binary()
    if suffix == ".pdf":
        _browser()
    return cjk_font()


def write_report(path: Path, report: Report, maps: list[tuple[str, str]], force: bool = False) -> None:
    """Write the report to .xlsx, .html or .pdf by the path's suffix, atomically."""
    suffix = output_suffix(path, REPORT_FORMATS)
    if suffix == ".xlsx":
        sheets = report_sheets(report)
        atomic_write(path, lambda tmp: write_workbook(tmp, sheets), force)
        return
    page = report_html(report, maps)
    if suffix == ".html":
        def write(tmp: Path) -> None:
            tmp.write_text(page, encoding="utf-8")

        atomic_write(path, write, force)
    else:
        atomic_write(path, lambda tmp: _print_pdf(page, tmp), force)
