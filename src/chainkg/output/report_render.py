"""Writing the leadership report: print-ready XLSX, one self-contained HTML page, PDF.

The PDF is the HTML page printed by headless Chromium (the browser the Neo4j Browser
screenshot test already needs): it lays out Chinese tables and the inline SVG maps exactly
as the HTML shows them, with the header row of long tables repeated on every page.
"""

from __future__ import annotations

import html
import math
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from chainkg.analysis.diagnosis import SegmentDiagnosis
from chainkg.files import atomic_write, output_suffix
from chainkg.graph.pool_graph import PoolGraph
from chainkg.output.fonts import BUNDLED_FAMILY
from chainkg.output.maps import STAGE_NAMES, ChainMap, chain_map, overview
from chainkg.output.palette import STATUS_COLOURS
from chainkg.output.printing import browser as _browser
from chainkg.output.printing import print_pdf
from chainkg.output.render_map import cjk_font, dot_binary, map_dot, overview_dot, render_dot, svg_for_html
from chainkg.output.report import PipelineRow, ProspectRow, Report, TargetRow
from chainkg.output.spreadsheet import AMOUNT_FORMAT, PERCENT_FORMAT, SEVERITY_FORMAT, Sheet, text_width, write_workbook

__all__ = [
    "MIN_TEXT_PT",
    "PAPERS",
    "REPORT_FORMATS",
    "anchor_pages",
    "map_figures",
    "printable_pt",
    "report_html",
    "report_maps",
    "report_sheets",
    "report_tools",
    "title_of",
    "write_report",
]

REPORT_FORMATS = (".xlsx", ".html", ".pdf")
_STATUS_BY_LABEL = {"强链": "strong", "弱链": "weak", "缺链": "missing", "断链": "broken"}
# Chromium embeds TrueType fonts as such but draws CFF ones (Noto Sans CJK) as Type 3 glyphs, which
# copy and search badly: a TrueType Chinese font comes first in the PDF.
_HTML_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", "DengXian", "sans-serif")

TARGET_HEADERS = ["目标", "年份", "类型", "要求", "目标值", "单位", "基期值", "基期年份", "实际值", "截至",
                  "差距", "完成进度", "时间进度", "状态", "说明", "数据来源"]
PIPELINE_HEADERS = ["阶段", "项目", "企业", "环节", "金额", "园区", "年份", "责任人", "下一步"]
GAP_HEADERS = ["环节", "产业链", "领域", "链位", "状态", "严重度", "本地企业数", "候选企业数", "延链（相邻强链）"]
PROSPECT_HEADERS = ["排名", "企业", "地点", "总分", "档次", "深化合作", "首要理由", "对接渠道", "填补环节",
                    "建议落地园区", "园区理由", "阶段", "理由"]


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
        Sheet("招商目标", PROSPECT_HEADERS, _prospect_cells(report),
              wrap={"企业", "首要理由", "对接渠道", "填补环节", "建议落地园区", "园区理由", "理由"},
              widths={"企业": 18, "地点": 10, "档次": 9, "首要理由": 28, "对接渠道": 24, "填补环节": 20,
                      "建议落地园区": 14, "园区理由": 20, "理由": 50}),
    ]


_REASON_LINES = 24  # lines of reasons per row: well under Excel's 409-point row limit


def _prospect_cells(report: Report) -> list[list[object]]:
    """One row per prospect; reasons that would overflow a row's height go on continuation rows."""
    rows: list[list[object]] = []
    width = 50 - 1
    for p in report.prospects:
        chunks: list[list[str]] = [[]]
        lines = 0
        for reason in p.reasons:
            need = max(1, -(-text_width(reason) // width))
            if chunks[-1] and lines + need > _REASON_LINES:
                chunks.append([])
                lines = 0
            chunks[-1].append(reason)
            lines += need
        rows.append([p.rank, p.company, p.place, p.points, p.tier, "深化合作" if p.deepen else "", p.headline,
                     p.route, "、".join(p.fills), p.park.park if p.park else "", p.park.reason if p.park else "",
                     p.stage, "\n".join(chunks[0])])
        rows += [[p.rank, f"{p.company}（理由续）", *[""] * 10, "\n".join(chunk)] for chunk in chunks[1:]]
    return rows


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _num(value: float | None, unit: str = "") -> str:
    return "—" if value is None else f"{value:,.4g}{unit}"


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _table(headers: list[str], rows: list[list[str]], cls: str = "", widths: list[int] | None = None) -> str:
    cols = "".join(f'<col style="width:{w}%">' for w in widths) if widths else ""
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return (f'<table class="{cls}"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def _chip(label: str, count: int | None = None) -> str:
    colour = STATUS_COLOURS[_STATUS_BY_LABEL[label]]
    text = label if count is None else f"{label[0]} {count}"
    return f'<span class="chip" style="background:{colour.fill};color:{colour.text}">{_e(text)}</span>'


# Paper sizes (mm, portrait) and the page margins: the maps are scaled to what is left.
PAPERS = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
_MARGIN_MM = (16.0, 12.0, 15.0, 12.0)  # top, right, bottom, left: header and footer sit in them
MIN_TEXT_PT = 7.0  # no map text is printed smaller than this
_PT_PER_MM = 72 / 25.4
_FIGURE_HEAD_PT = 130.0  # above a picture: its heading, and its section's heading and state line (~110 pt printed)
DATA_SOURCES = "数据来源：产业链图谱、企业库、项目库、进度填报、区域基础数据"

_CSS = """
@page { size: {paper}; margin: {margins};
  @top-left { font-family: {fonts}; content: "{running}"; font-size: 8pt; color: #57606a; }
  @top-right { font-family: {fonts}; content: "报告日期 {day}"; font-size: 8pt; color: #57606a; }
  @bottom-center { font-family: {fonts}; content: "第 " counter(page) " 页 / 共 " counter(pages) " 页";
                   font-size: 8pt; color: #57606a; } }
@page wide { size: {paper} landscape; }
* { box-sizing: border-box; font-synthesis: none; }
body { font-family: {fonts}; font-size: 9pt; color: #24292f; margin: 0; line-height: 1.35; }
h1 { font-size: 18pt; margin: 0 0 2pt; } h2 { font-size: 13pt; border-bottom: 1.5pt solid #24292f;
     padding-bottom: 1pt; margin: 12pt 0 4pt; break-after: avoid; }
h3 { font-size: 10.5pt; margin: 8pt 0 3pt; break-after: avoid; }
.meta, .note { color: #57606a; font-size: 8pt; }
.summary { break-after: page; }
.cards { display: flex; gap: 5pt; margin: 4pt 0; }
.card { flex: 1; border: 0.75pt solid #d0d7de; border-radius: 4pt; padding: 3pt 6pt; font-size: 8pt; }
.card b { display: block; font-size: 14pt; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; margin-bottom: 4pt; table-layout: fixed; }
thead { display: table-header-group; }
th { background: #24292f; color: #fff; text-align: left; padding: 2pt 3pt; font-weight: bold; }
td { border-bottom: 0.5pt solid #d0d7de; padding: 2pt 3pt; vertical-align: top; overflow-wrap: anywhere; }
.chip { display: inline-block; border-radius: 2pt; padding: 0 3pt; margin-right: 2pt; white-space: nowrap; }
.reached { color: #1e6e2e; font-weight: bold; } .behind { color: #a32a2e; font-weight: bold; }
.on_track { color: #1e6e2e; } .open { color: #8a6a00; } .no_data { color: #8c959f; }
.lagging, .half_lagging { color: #9a4b00; font-weight: bold; }
.flag { color: #0b5cad; font-weight: bold; }
ol.actions { margin: 2pt 0; padding-left: 14pt; } ol.actions li { margin-bottom: 2pt; }
.toc { columns: 2; column-gap: 16pt; margin: 0 0 6pt; padding: 0; list-style: none; }
.toc li { display: flex; break-inside: avoid; } .toc a { color: inherit; text-decoration: none; }
.toc .fill { flex: 1; border-bottom: 0.5pt dotted #8c959f; margin: 0 3pt 3pt; }
.toc .sub { padding-left: 10pt; }
.figure { break-inside: avoid; margin: 4pt 0; } .figure.wide { page: wide; }
.figure svg { display: block; margin: 0 auto; }
.reasons { font-size: 7.5pt; } .reasons p { margin: 0 0 3pt; }
.state { break-after: avoid; } .wide { page: wide; }
.label { font-weight: bold; margin: 4pt 0 2pt; break-after: avoid; }
table.compact td { padding: 1pt 3pt; }
"""


def _svg_box(svg: str) -> tuple[float, float, float]:
    """Width and height (pt) of a Graphviz SVG and its smallest font size."""
    found = re.search(r'<svg[^>]*\swidth="([\d.]+)pt"[^>]*\sheight="([\d.]+)pt"', svg)
    if found is None:
        raise ValueError("SVG without a size in pt")
    sizes = [float(x) for x in re.findall(r'font-size="([\d.]+)"', svg)] or [14.0]
    return float(found.group(1)), float(found.group(2)), min(sizes)


def _sized(svg: str, scale: float, window: tuple[float, float, float, float] | None = None) -> str:
    """The SVG drawn at ``scale``, showing only ``window`` (x, y, width, height in its own units)."""
    width, height, _font = _svg_box(svg)
    x, y, w, h = window or (0.0, 0.0, width, height)
    view = re.search(r'viewBox="([-\d.]+) ([-\d.]+) [-\d.]+ [-\d.]+"', svg)
    x0, y0 = (float(view.group(1)), float(view.group(2))) if view else (0.0, 0.0)
    head = (f'<svg width="{w * scale:.1f}pt" height="{h * scale:.1f}pt" '
            f'viewBox="{x0 + x:.2f} {y0 + y:.2f} {w:.2f} {h:.2f}" preserveAspectRatio="xMinYMin meet"')
    return re.sub(r"<svg\b[^>]*?(?=>)", lambda _m: head, svg_for_html(svg), count=1)


def printable_pt(paper: str, landscape: bool = False) -> tuple[float, float]:
    """Width and height (pt) inside the margins of a page."""
    width, height = PAPERS[paper]
    if landscape:
        width, height = height, width
    top, right, bottom, left = _MARGIN_MM
    return (width - left - right) * _PT_PER_MM, (height - top - bottom) * _PT_PER_MM


def map_figures(title: str, svg: str, paper: str, anchor: str = "") -> list[str]:
    """A map as HTML figures whose smallest text prints at MIN_TEXT_PT or more.

    In the page's flow when it fits there; else alone on a landscape page; else split into equal
    parts (portrait or landscape, whichever needs fewer), each titled （1/N）….
    """
    width, height, font = _svg_box(svg)
    legible = MIN_TEXT_PT / font
    ident = f' id="{anchor}"' if anchor else ""
    for landscape in (False, True):
        w_max, h_max = printable_pt(paper, landscape)
        h_max -= _FIGURE_HEAD_PT
        scale = min(1.0, w_max / width, h_max / height)
        if scale >= legible:
            cls = "figure wide" if landscape else "figure"
            return [f'<div class="{cls}"><h3{ident}>{_e(title)}</h3>{_sized(svg, scale)}</div>']
    # Tiles: the orientation needing the fewest parts at a legible scale, equal parts, each as large as fits.
    options = []
    for landscape in (False, True):
        w_max, h_max = printable_pt(paper, landscape)
        h_max -= _FIGURE_HEAD_PT
        cols, rows = math.ceil(width * legible / w_max), math.ceil(height * legible / h_max)
        scale = min(1.0, cols * w_max / width, rows * h_max / height)
        options.append((cols * rows, -scale, landscape, cols, rows))
    _count, neg_scale, landscape, cols, rows = min(options)
    tile_w, tile_h = width / cols, height / rows
    cls = "figure wide" if landscape else "figure"
    figures: list[str] = []
    for r in range(rows):
        for c in range(cols):
            part = f"（{len(figures) + 1}/{rows * cols}）"
            head = f"<h3{ident if not figures else ''}>{_e(title)}{part}</h3>"
            window = (c * tile_w, r * tile_h, tile_w, tile_h)
            figures.append(f'<div class="{cls}">{head}{_sized(svg, -neg_scale, window)}</div>')
    return figures


def _target_summary(report: Report) -> str:
    """The targets with a figure; those still without one are counted, not listed (page 1 is one page)."""
    known = [t for t in report.targets if t.status != "no_data"]
    rows = [[_e(t.name), f"{_e(t.requirement)} {_num(t.value, t.unit)}", _num(t.actual, t.unit),
             f"{_share(t.progress_shown)} / {_share(t.expected)}",
             f'<span class="{t.status}">{_e(t.status_label)}</span>'] for t in known]
    counts = "，".join(f"{_e(k)} {v}" for k, v in report.summary.targets_by_status.items())
    missing = len(report.targets) - len(known)
    later = f"（{missing} 项尚无进度数据，见第二节）" if missing else ""
    line = f"<p>共 {len(report.targets)} 项：{counts}{later}。</p>"
    headers = ["目标", "要求", "实际值", "完成 / 时间进度", "状态"]
    table = _table(headers, rows, widths=[42, 16, 12, 14, 16]) if rows else ""
    return line + table


def _chain_summary(report: Report) -> str:
    rows = [[_e(c.chain), _e(c.field), "".join(_chip(label, n) for label, n in c.by_status.items() if n),
             str(c.targets or ""), str(c.projects or "")] for c in report.chains]
    return _table(["产业链", "领域", "环节状态（强/弱/缺/断）", "重点目标", "项目"], rows, "compact",
                  widths=[32, 12, 36, 10, 10])


def _actions(report: Report, count: int = 5) -> str:
    items = []
    for p in report.prospects[:count]:
        park = f"；建议落地{_e(p.park.park)}" if p.park else ""
        flag = '<span class="flag">【深化合作】</span>' if p.deepen else ""
        items.append(f"<li>{flag}对接<b>{_e(p.company)}</b>：{_e(p.headline)}{park}</li>")
    for row in [p for p in report.pipeline if p.next_step][:3]:
        owner = f"（{_e(row.owner)}）" if row.owner else ""
        items.append(f"<li>推进项目<b>{_e(row.project)}</b>（{_e(row.stage)}）：{_e(row.next_step)}{owner}</li>")
    return f'<ol class="actions">{"".join(items)}</ol>' if items else '<p class="note">暂无重点招商目标和在谈项目。</p>'


def _follow_up(p: ProspectRow) -> str:
    """followup.csv's next step and owner under a target's name, where the team has filled them."""
    text = (f"下一步：{p.next_step}" if p.next_step else "") + (f"（{p.owner}）" if p.owner else "")
    return f"<br><span class=note>{_e(text)}</span>" if text else ""


def _prospect_table(prospects: list[ProspectRow]) -> str:
    rows = []
    for p in prospects:
        flag = '<br><span class="flag">深化合作（已是战略伙伴）</span>' if p.deepen else ""
        rows.append([str(p.rank), f"<b>{_e(p.company)}</b>{flag}<br><span class=note>{_e(p.place)} · "
                     f"{p.points}分 {_e(p.tier)}</span>{_follow_up(p)}",
                     _e(p.gap or "、".join(p.fills[:2])), _e(p.headline), _e(p.route or "—"),
                     _e(p.park.park) if p.park else "—", _e(p.stage or "未接触")])
    return _table(["排名", "企业", "所补缺口", "首要理由", "对接渠道", "建议落地园区", "阶段"], rows,
                  widths=[5, 20, 14, 24, 19, 11, 7])


def _pipeline_table(rows: list[PipelineRow]) -> str:
    return _table(["阶段", "项目", "企业", "金额", "园区", "下一步"],
                  [[_e(p.stage), _e(p.project), _e(p.company), _num(p.amount_yi, "亿元") if p.amount_yi else "",
                    _e(p.park), _e(p.next_step + (f"（{p.owner}）" if p.owner else ""))] for p in rows],
                  widths=[7, 27, 22, 9, 14, 21])


class _Doc:
    """Numbered sections with anchors, gathered for the contents."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.toc: list[tuple[int, str, str]] = []  # level, anchor, title

    def heading(self, level: int, title: str) -> str:
        anchor = f"s{len(self.toc) + 1}"
        self.toc.append((level, anchor, title))
        return anchor

    def h(self, level: int, title: str, cls: str = "") -> None:
        tag = "h2" if level == 1 else "h3"
        self.parts.append(f'<{tag} id="{self.heading(level, title)}" class="{cls}">{_e(title)}</{tag}>')


_NUMERALS = "一二三四五六七八九十"


def report_html(report: Report, maps: dict[str, list[tuple[str, str]]] | None = None, paper: str = "A4",
                pages: dict[str, int] | None = None, font: str = "") -> str:
    """The report as one self-contained HTML page, laid out for printing on ``paper``.

    ``maps``: chain id (or "" for the whole district) → (title, SVG) pairs shown in its section;
    ``pages``: anchor → page number for the contents (from a first printing; blank without).
    """
    maps = maps or {}
    s = report.summary
    scope = f"·{report.scope}" if report.scope else ""
    doc = _Doc()
    checked = f"数据截至 {s.data_as_of.isoformat()}" if s.data_as_of else "数据截至日期未注明"
    head = [f"<h1>{_e(s.region)} 产业链招商工作报告{_e(scope)}</h1>",
            f'<div class="meta">报告日期 {s.as_of.isoformat()} · {_e(checked)} · {DATA_SOURCES}</div>']
    summary = ['<div class="summary">', *head]
    n = iter(_NUMERALS)
    doc.parts.append("")  # the summary goes first, once its heading is numbered
    anchor = doc.heading(1, f"{next(n)}、摘要")
    cards = [("产业链", s.chains), ("环节", s.segments), ("本地企业", s.local_companies),
             ("外地企业（候选池）", s.outside_companies), ("战略伙伴", s.partners), ("项目", s.projects)]
    summary += [f'<h2 id="{anchor}">{_e(doc.toc[-1][2])}</h2>',
                '<div class="cards">' + "".join(f"<div class=card><b>{v}</b>{_e(k)}</div>" for k, v in cards)
                + "</div>",
                "<p>环节状态：" + " ".join(f"{_chip(k)}{v}" for k, v in s.segments_by_status.items())
                + "；项目阶段：" + "，".join(f"{_e(k)} {v}" for k, v in s.projects_by_stage.items()) + "</p>",
                "<h3>年度目标进度</h3>", _target_summary(report) if report.targets else
                '<p class="note">未登记年度目标。</p>',
                "<h3>近期重点工作</h3>", _actions(report),
                "<h3>产业链现状</h3>", _chain_summary(report), "</div>"]

    doc.h(1, f"{next(n)}、年度目标完成情况")
    doc.parts.append(_table(
        ["目标", "类型", "基期（年份）", "目标值", "实际值", "差距", "完成进度", "时间进度", "状态", "说明",
         "数据来源"],
        [[_e(t.name), _e(t.kind_label),
          "—" if t.baseline is None else f"{_num(t.baseline, t.unit)}（{_e(t.baseline_year or '')}）",
          f"{_e(t.requirement)} {_num(t.value, t.unit)}", _num(t.actual, t.unit),
          _num(t.gap, t.gap_unit), _share(t.progress_shown), _share(t.expected),
          f'<span class="{t.status}">{_e(t.status_label)}</span>', _e(t.note),
          _e(t.source + (f"（截至 {t.as_of.isoformat()}）" if t.as_of and t.source.startswith("进度填报") else ""))]
         for t in report.targets], widths=[14, 7, 10, 9, 7, 7, 6, 6, 9, 13, 12]))
    doc.parts.append('<p class="note">实际值：能由项目库计算的（如新签约50亿元以上项目数按阶段、金额、年份计算）'
                     "直接计算，其余取自最新的进度填报；没有数据的标为「无数据」。完成进度按目标类型计算：年内（多年）累计的总量和个数为"
                     "实际值÷目标值，并与按月计的时间进度比较（时间过半、任务过半）；时点值和比重从基期值算起；"
                     "增速直接与目标增速比较，差距以个百分点计。完成进度显示在 0–100% 之间，超出时见说明。</p>")

    # The whole district's overview only when it fits one page: the summary's chain table says the same.
    overview_figures = [f for title, svg in maps.get("", []) if len(f := map_figures(title, svg, paper)) == 1]
    if overview_figures:
        doc.h(1, f"{next(n)}、产业链全景")
        doc.parts += [f[0] for f in overview_figures]

    shown = [c for c in report.chains if c.targets or c.projects or maps.get(c.chain_id)]
    quiet = [c.chain for c in report.chains if c not in shown]
    drawn = {c.chain_id: [f for title, svg in maps.get(c.chain_id, []) for f in map_figures(title, svg, paper)]
             for c in shown}
    # A chain whose first map needs a landscape page starts on that page: its headings stay with the map.
    wide = {k: "wide" if figures and 'class="figure wide"' in figures[0] else "" for k, figures in drawn.items()}
    doc.h(1, f"{next(n)}、分链招商目标与项目", wide[shown[0].chain_id] if shown else "")
    for index, c in enumerate(shown, start=1):
        figures = drawn[c.chain_id]
        doc.h(2, f"（{index}）{c.chain}（{c.field}）", wide[c.chain_id])
        state = " ".join(_chip(label, v) for label, v in c.by_status.items() if v)
        worst = f"；最严重缺口：{_e('、'.join(c.worst_gaps))}" if c.worst_gaps else ""
        doc.parts.append(f'<p class="state {wide[c.chain_id]}">环节状态：{state}{worst}</p>')
        leads = [f"{label}：{_e(value)}" for label, value in
                 (("链长", c.chain_leader), ("链主", "、".join(c.anchors)), ("牵头单位", c.lead_unit)) if value]
        if leads:
            doc.parts.append(f'<p class="state {wide[c.chain_id]}">{"；".join(leads)}</p>')
        doc.parts += figures
        mine = [p for p in report.prospects if p.chain_id == c.chain_id]
        if mine:
            doc.parts.append(f'<p class="label">招商目标（{len(mine)} 家）</p>')
            doc.parts.append(_prospect_table(mine))
        projects = [p for p in report.pipeline if c.chain_id in p.chain_ids]
        if projects:
            doc.parts.append(f'<p class="label">项目（{len(projects)} 个）</p>')
            doc.parts.append(_pipeline_table(projects))
    if quiet:
        doc.parts.append(f'<p class="note">其余 {len(quiet)} 条链本期没有重点招商目标和项目：{_e("、".join(quiet))}。'
                         "各链现状图见分链报告。</p>")
    elif not maps:
        doc.parts.append('<p class="note">各链现状图见分链报告。</p>')

    if report.platforms:
        doc.h(1, f"{next(n)}、平台与渠道（高校、院所、基金）")
        doc.parts.append('<p class="note">不是招商目标，而是引荐和合作的渠道。</p>')
        doc.parts.append(_table(["#", "机构", "相关缺口", "连接"],
                                [[str(p.rank), f"{_e(p.name)}<br><span class=note>{_e(p.place)}</span>",
                                  _e(p.headline), _e("；".join(p.connects[:4]) or "—")]
                                 for p in report.platforms], widths=[4, 26, 35, 35]))

    if report.apart:
        doc.h(1, f"{next(n)}、配套对接、集团渠道与本市协作")
        doc.parts.append('<p class="note">不是招商目标：缺口照样诊断，对接方式不同'
                         '（采购供货协议、经集团或子公司、本市协作）。</p>')
        doc.parts.append(_table(["#", "企业", "类别", "为什么另列、怎么对接"],
                                [[str(p.rank), f"{_e(p.name)}<br><span class=note>{_e(p.place)}</span>", _e(p.kind),
                                  f"{_e(p.reason)}<br><span class=note>{_e(p.headline)}</span>"]
                                 for p in report.apart], widths=[4, 26, 10, 60]))

    orphans = [p for p in report.pipeline if not p.chain_ids]
    if orphans:
        doc.h(1, f"{next(n)}、其他项目")
        doc.parts.append(_pipeline_table(orphans))

    if report.gaps:
        doc.h(1, f"附录一：产业链缺口（按严重度，前 {len(report.gaps)} 个，共 {report.gap_total} 个）")
        headers = ["环节", "产业链", "链位", "状态", "严重度", "本地企业", "候选企业", "延链（相邻强链）"]
        doc.parts.append(_table(headers,
                                [[_e(g.segment), _e(g.chain), _e(STAGE_NAMES.get(g.stage, g.stage)), _chip(g.status),
                                  f"{g.severity:.2f}", str(g.local_companies), str(g.candidate_count),
                                  _e("、".join(g.extends))] for g in report.gaps],
                                widths=[24, 18, 7, 8, 7, 7, 7, 22]))
    if report.prospects:
        doc.h(1, "附录二：招商目标的完整理由")
        doc.parts.append('<div class="reasons">' + "".join(
            f"<p><b>{p.rank}. {_e(p.company)}</b>"
            + (f"（建议落地{_e(p.park.park)}：{_e(p.park.reason)}）" if p.park else "")
            + f"：{_e('；'.join(p.reasons))}</p>" for p in report.prospects) + "</div>")

    pages = pages or {}
    toc = "".join(
        f'<li class="{"sub" if level > 1 else ""}"><a href="#{a}">{_e(title)}</a><span class="fill"></span>'
        f'<span class="pg">{pages.get(a, "")}</span></li>' for level, a, title in doc.toc[1:])
    body = "".join(summary) + f'<h2>目录</h2><ul class="toc">{toc}</ul>' + "".join(doc.parts)
    fonts = ", ".join(f'"{f}"' for f in dict.fromkeys([font, *_HTML_FONTS]) if f)
    running = f"{s.region} 产业链招商工作报告{scope}".replace('"', "'")
    top, right, bottom, left = _MARGIN_MM
    css = (_CSS.replace("{paper}", paper).replace("{margins}", f"{top}mm {right}mm {bottom}mm {left}mm")
           .replace("{running}", running).replace("{day}", s.as_of.isoformat()).replace("{fonts}", fonts))
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{_e(s.region)} 招商工作报告'
            f"</title><style>{css}</style></head><body>{body}</body></html>\n")


def report_maps(pg: PoolGraph, diagnosis: list[SegmentDiagnosis], today: date, font: str | None = None,
                chain_ids: list[str] | None = None, vision: Callable[[str], ChainMap] | None = None,
                ) -> dict[str, list[tuple[str, str]]]:
    """The maps the HTML/PDF report embeds, by section: the whole district's overview under "" when
    ``chain_ids`` is None, else each chain's 现状图 (and 远景图 from ``vision``) under its id."""
    font = font or cjk_font()
    if chain_ids is None:
        return {"": [("产业链全景图", render_dot(overview_dot(overview(pg.taxonomy, diagnosis, today), font), "svg")
                      .decode("utf-8"))]}
    maps: dict[str, list[tuple[str, str]]] = {}
    for chain_id in chain_ids:
        now = chain_map(pg, diagnosis, chain_id, today)
        maps[chain_id] = [(f"{now.chain} 现状图", render_dot(map_dot([now], font), "svg").decode("utf-8"))]
        if vision is not None:
            later = vision(chain_id)
            maps[chain_id].append((f"{later.chain} 远景图", render_dot(map_dot([later], font), "svg").decode("utf-8")))
    return maps


def anchor_pages(pdf: bytes) -> dict[str, int]:
    """Page number (from 1) of every named destination in a PDF that Chromium (Skia) printed.

    Skia writes plain objects (only streams are compressed): the page tree's /Kids and the
    catalogue's /Dests dictionary of name → [page 0 R /XYZ …].
    """
    text = re.sub(rb"stream\r?\n.*?endstream", b"", pdf, flags=re.S).decode("latin-1")
    objects = {int(m.group(1)): m.group(2) for m in re.finditer(r"(\d+) 0 obj(.*?)endobj", text, re.S)}
    catalog = next((body for body in objects.values() if "/Type /Catalog" in body), "")
    root = re.search(r"/Pages (\d+) 0 R", catalog)
    order: list[int] = []

    def walk(number: int) -> None:
        body = objects.get(number, "")
        kids = re.search(r"/Kids \[([^\]]*)\]", body)
        if kids is None:
            order.append(number)
            return
        for kid in re.findall(r"(\d+) 0 R", kids.group(1)):
            walk(int(kid))

    if root is not None:
        walk(int(root.group(1)))
    index = {number: i for i, number in enumerate(order, start=1)}
    dests = re.search(r"/Dests (\d+) 0 R", catalog)
    names = objects.get(int(dests.group(1)), "") if dests else ""
    return {name: index[int(page)] for name, page in re.findall(r"/([\w.-]+) \[(\d+) 0 R /XYZ", names)
            if int(page) in index}


def _print_pdf(render: Callable[[dict[str, int] | None], str], target: Path) -> None:
    """Print twice: the first printing tells on which page each section starts, for the contents."""
    with tempfile.TemporaryDirectory(prefix="chainkg-report-") as tmp:
        work = Path(tmp)
        first = work / "first.pdf"
        print_pdf(render(None), first)
        pages = anchor_pages(first.read_bytes())
        print_pdf(render(pages), target)


def _truetype_cjk() -> str | None:
    """An installed TrueType font with Chinese glyphs (fontconfig), or None."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    listing = subprocess.run([fc_list, ":lang=zh:fontformat=TrueType", "family"], capture_output=True, text=True,
                             check=False)
    families = [name.strip() for line in listing.stdout.splitlines() for name in line.split(",")[:1]]
    return next((f for f in _HTML_FONTS if f in families), families[0] if families else None)


def report_tools(suffix: str) -> str | None:
    """Check the tools a report of this suffix needs, before any work: none for XLSX; Graphviz (and
    Chromium for PDF), then a Chinese font for the maps of HTML and PDF, whose name is returned
    (for PDF a TrueType one when installed, so that no text becomes Type 3 glyphs)."""
    if suffix == ".xlsx":
        return None
    dot_binary()
    if suffix == ".pdf":
        _browser()
    font = cjk_font()  # the bundled font, or the clear error when there is no Chinese font at all
    if suffix == ".pdf" and font != BUNDLED_FAMILY:
        return _truetype_cjk() or font
    return font


def title_of(report: Report) -> str:
    """The report's title line: region, scope and date."""
    scope = f"·{report.scope}" if report.scope else ""
    return f"{report.summary.region} 产业链招商工作报告{scope}（报告日期 {report.summary.as_of.isoformat()}）"


def write_report(path: Path, report: Report, maps: dict[str, list[tuple[str, str]]], force: bool = False,
                 paper: str = "A4", font: str = "") -> None:
    """Write the report to .xlsx, .html or .pdf by the path's suffix, atomically."""
    suffix = output_suffix(path, REPORT_FORMATS)
    if suffix == ".xlsx":
        sheets = report_sheets(report)
        atomic_write(path, lambda tmp: write_workbook(tmp, sheets, title_of(report)), force)
        return
    if suffix == ".html":
        page = report_html(report, maps, paper, font=font)

        def write(tmp: Path) -> None:
            tmp.write_text(page, encoding="utf-8")

        atomic_write(path, write, force)
    else:
        atomic_write(path, lambda tmp: _print_pdf(lambda pages: report_html(report, maps, paper, pages, font), tmp),
                     force)
