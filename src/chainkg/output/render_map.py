"""Drawing the chain maps: Graphviz DOT → SVG / PNG / PDF, and one offline HTML file.

Graphviz (``dot``) lays the maps out: it is packaged by every Linux distribution, has
clusters (the 上游/中游/下游 columns and a parent segment around its sub-segments), HTML-like
labels, and writes SVG, PNG and PDF with the system's fonts through cairo/pango, so Chinese
renders with any installed CJK font. It runs as a subprocess; no Python binding is needed.

Every segment is drawn as one SVG group with ``class="segment status-<status>"`` and
``id="seg-<segment id>"``; every FEEDS arrow as one group with ``class="feeds"``.
"""

from __future__ import annotations

import html
import itertools
import json
import math
import re
import shutil
import subprocess
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import NamedTuple

from chainkg.analysis.diagnosis import STATUS_LABELS, SegmentDiagnosis
from chainkg.files import atomic_write, output_suffix
from chainkg.graph.pool_graph import PoolGraph
from chainkg.graph.taxonomy import nodes_of
from chainkg.model.errors import ConfigError
from chainkg.output.fonts import BUNDLED_FAMILY, bundled_font, font_env, font_face_css, install_command
from chainkg.output.maps import STAGE_NAMES, ChainMap, MapBox, Overview, chain_map
from chainkg.output.palette import STATUS_BORDERS, STATUS_COLOURS, TARGET_COLOUR
from chainkg.output.printing import print_pdf

__all__ = [
    "MAP_FORMATS",
    "MIN_PRINT_PT",
    "ORIENTATIONS",
    "PAPERS",
    "PNG_DPI",
    "PaperLayout",
    "cjk_font",
    "dot_binary",
    "install_hint",
    "map_details",
    "map_dot",
    "overview_dot",
    "overview_html_pages",
    "paper_layout",
    "print_html",
    "render_dot",
    "smallest_font",
    "svg_for_html",
    "write_map",
]

MAP_FORMATS = (".svg", ".png", ".pdf", ".html")
_STAGES = ("upstream", "midstream", "downstream")
_PREFERRED_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Source Han Sans SC")
_MAX_FIRMS = 3
# Paper: sizes in mm (portrait), the page margin, room for the footer line, and the smallest
# text a printed map may have (a chain that would need smaller is split over pages).
PAPERS = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
ORIENTATIONS = ("auto", "landscape", "portrait")
MIN_PRINT_PT = 7.0
_MARGIN_MM = 10.0
_FOOTER_MM = 8.0
_PT_PER_MM = 72 / 25.4
PNG_DPI = 200  # print quality: a map printed at its natural size stays sharp
def install_hint() -> str:
    """What to run when Graphviz is missing: the exact command for this system."""
    return (f"请安装 Graphviz：{install_command('graphviz', 'graphviz')}"
            "（或运行 scripts/dev install：以 root 运行时自动安装）")


def dot_binary() -> str:
    """The path of Graphviz's ``dot``; ConfigError when it is not installed."""
    found = shutil.which("dot")
    if found is None:
        raise ConfigError(f"找不到 Graphviz 的 dot 命令，无法画图；{install_hint()}")
    return found


def cjk_font() -> str:
    """The family of the font the maps use: the one installed with chainkg (fonts.py), else an installed
    font with Chinese glyphs (fontconfig), preferred ones first; never a name nothing can draw."""
    if bundled_font() is not None:
        return BUNDLED_FAMILY
    hint = (f"请运行 scripts/dev install（随 chainkg 从 PyPI 装上 {BUNDLED_FAMILY} 字体），或安装中文字体："
            + install_command("fonts-wqy-microhei", "--cask font-noto-sans-cjk-sc"))
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        # Without fontconfig no font can be checked, and Graphviz would draw every Chinese character as a box.
        raise ConfigError(f"找不到中文字体（没有 fc-list），图中的中文会显示成方框；{hint}")
    listing = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False)
    families = {name.strip() for line in listing.stdout.splitlines() for name in line.split(",")}
    for name in _PREFERRED_FONTS:
        if name in families:
            return name
    if not families:
        raise ConfigError(f"系统没有中文字体，图中的中文会显示成方框；{hint}")
    return sorted(families)[0]


def _q(text: str) -> str:
    """A DOT double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _h(text: str) -> str:
    """Text inside a DOT HTML-like label."""
    return html.escape(text, quote=True)


def _firm_lines(box: MapBox, is_parent: bool) -> list[str]:
    """Up to three local firms, one a line, and "+N" beyond."""
    if not box.local_firms:
        return [] if is_parent else ["本地企业：无"]
    lines = list(box.local_firms[:_MAX_FIRMS])
    extra = len(box.local_firms) - _MAX_FIRMS
    if extra > 0:
        lines[-1] += f" +{extra}"
    return lines


# What the legend says about the non-colour cue of each status (palette.STATUS_BORDERS).
_BORDER_NAMES = {"solid": "实线框", "dashed": "虚线框", "dotted": "点线框", "bold": "粗框"}
TARGET_LEGEND = "★N 目标企业：N 为该企业在本链招商目标中的排名"
VISION_NOTE = ("远景图只标改善：「缺链→强链」为前几名目标落地后的状态；仍无本地企业的环节保持原状态，"
               "标「补链更紧迫」表示落地后其上下游都有本地企业")
URGENT_NOTE = "落地后上下游有本地企业：补链更紧迫"


def _box_label(box: MapBox, is_parent: bool, part_of: str | None = None) -> str:
    status = box.status_label
    if box.status_before is not None:
        status = f"{STATUS_LABELS[box.status_before]}→{status}"
    rows = [f'<TR><TD><FONT POINT-SIZE="{14 if is_parent else 12}"><B>{_h(box.name)}</B></FONT></TD></TR>',
            *([f'<TR><TD><FONT POINT-SIZE="9">属于「{_h(part_of)}」</FONT></TD></TR>'] if part_of else []),
            f'<TR><TD><FONT POINT-SIZE="9">{_h(status)} · 候选 {box.candidate_count} 家</FONT></TD></TR>']
    if box.between_landed:
        rows.append(f'<TR><TD><FONT POINT-SIZE="9"><B>{URGENT_NOTE}</B></FONT></TD></TR>')
    rows += [f'<TR><TD><FONT POINT-SIZE="9">{_h(line)}</FONT></TD></TR>' for line in _firm_lines(box, is_parent)]
    # Targets on a white strip: readable on every status colour. Regular weight: Graphviz measures
    # the regular face, a bold CJK line would spill out of its box.
    rows += [f'<TR><TD BGCOLOR="white"><FONT POINT-SIZE="10" COLOR="{TARGET_COLOUR}">'
             f"★{t.rank} {_h(t.company)}</FONT></TD></TR>" for t in box.targets]
    return f'<<TABLE BORDER="0" CELLSPACING="1" CELLPADDING="1">{"".join(rows)}</TABLE>>'


def _legend_row(vision: bool) -> str:
    cells = "".join(
        f'<TD BGCOLOR="{STATUS_COLOURS[s].fill}"><FONT COLOR="{STATUS_COLOURS[s].text}">'
        f"{label}（{_BORDER_NAMES[STATUS_BORDERS[s]]}）</FONT></TD>"
        for s, label in STATUS_LABELS.items()
    )
    if vision:
        cells += f'<TD><FONT COLOR="{TARGET_COLOUR}">{_h(TARGET_LEGEND)}</FONT></TD>'
    row = f'<TR><TD BORDER="0">图例</TD>{cells}</TR>'
    if vision:
        row += f'<TR><TD COLSPAN="6"><FONT POINT-SIZE="10">{_h(VISION_NOTE)}</FONT></TD></TR>'
    return row


def _title(text: str, subtitle: str, vision: bool) -> str:
    return (f'<<TABLE BORDER="0" CELLSPACING="4" CELLPADDING="4">'
            f'<TR><TD COLSPAN="6"><FONT POINT-SIZE="20"><B>{_h(text)}</B></FONT></TD></TR>'
            f'<TR><TD COLSPAN="6"><FONT POINT-SIZE="11">{_h(subtitle)}</FONT></TD></TR>'
            f"{_legend_row(vision)}</TABLE>>")


def _leaves(box_id: str, children: dict[str, list[str]]) -> list[str]:
    """The drawn nodes of a segment: itself, or (a parent, drawn as a cluster) its sub-segments' nodes."""
    if not children.get(box_id):
        return [box_id]
    return [leaf for child in children[box_id] for leaf in _leaves(child, children)]


def _ranks(cmap: ChainMap, children: dict[str, list[str]], top_of: dict[str, MapBox]) -> dict[str, int]:
    """Each drawn node's column, left to right: its stage (上游, 中游, 下游), then inside the stage
    its depth along the FEEDS arrows between segments of that stage.

    The columns are fixed here, not left to Graphviz, so every chain and every panel reads from
    上游 on the left to 下游 on the right whatever its arrows do.
    """
    stage_of = {b.segment_id: _STAGES.index(top_of[b.segment_id].stage) for b in cmap.boxes}
    leaves = [b.segment_id for b in cmap.boxes if not children.get(b.segment_id)]
    depth = dict.fromkeys(leaves, 0)
    inner = [(a, b) for s, t in cmap.edges if stage_of[s] == stage_of[t] and top_of[s] is not top_of[t]
             for a in _leaves(s, children) for b in _leaves(t, children)]
    # Longest path inside a stage; a cycle stops growing after one pass per node.
    for _round in range(len(leaves)):
        changed = False
        for a, b in inner:
            if depth[b] < depth[a] + 1 <= len(leaves):
                depth[b] = depth[a] + 1
                changed = True
        if not changed:
            break
    width = [1 + max((depth[leaf] for leaf in leaves if stage_of[leaf] == i), default=-1)
             for i in range(len(_STAGES))]
    offset = [sum(width[:i]) for i in range(len(_STAGES))]
    return {leaf: offset[stage_of[leaf]] + depth[leaf] for leaf in leaves}


def _bundled(edges: list[tuple[str, str]], children: dict[str, list[str]]) -> list[tuple[str, str]]:
    """The arrows to draw: a segment that feeds every sub-segment of a parent gets one arrow to the
    parent's frame instead of one to each (and likewise out of a parent), which removes most crossings."""
    drawn = set(edges)
    changed = True
    while changed:
        changed = False
        for parent, kids in children.items():
            if len(kids) < 2:
                continue
            for end in {s for s, _t in drawn} | {t for _s, t in drawn}:
                if end in kids or end == parent:
                    continue
                for into in (True, False):
                    group = {(end, k) if into else (k, end) for k in kids}
                    if group <= drawn:
                        drawn -= group
                        drawn.add((end, parent) if into else (parent, end))
                        changed = True
    return sorted(drawn)


def _box_attrs(box: MapBox, is_parent: bool, part_of: str | None = None) -> str:
    colour = STATUS_COLOURS[box.status]
    border = STATUS_BORDERS[box.status]
    width = 3.5 if border == "bold" else 2
    attrs = (f'id={_q("seg-" + box.segment_id)} class={_q("segment status-" + box.status)} '
             f"label={_box_label(box, is_parent, part_of)} penwidth={width} color=\"{colour.border}\"")
    if is_parent:
        # A parent segment is a cluster around its sub-segments, tinted with its status colour.
        return f'{attrs} style="rounded,filled,{border}" fillcolor="{colour.fill}40" fontcolor="#24292F"'
    return f'{attrs} style="rounded,filled,{border}" fillcolor="{colour.fill}" fontcolor="{colour.text}"'


def _chain_body(cmap: ChainMap, prefix: str) -> list[str]:
    """The DOT statements of one chain: stage columns, boxes, arrows, column constraints."""
    boxes = {b.segment_id: b for b in cmap.boxes}
    # A sub-segment of another stage than its parent's is drawn in its own stage's column, outside
    # the parent's frame, and says whose part it is.
    parent_of = {b.segment_id: b.parent_id for b in cmap.boxes
                 if b.parent_id in boxes and boxes[b.parent_id].stage == b.stage}
    children: dict[str, list[str]] = {}
    for b in cmap.boxes:
        if b.segment_id in parent_of:
            children.setdefault(b.parent_id or "", []).append(b.segment_id)
    top = [b for b in cmap.boxes if b.segment_id not in parent_of]
    top_of = {}
    for b in cmap.boxes:
        root = b
        while root.segment_id in parent_of:
            root = boxes[parent_of[root.segment_id]]
        top_of[b.segment_id] = root
    part_of = {b.segment_id: boxes[b.parent_id].name for b in cmap.boxes
               if b.parent_id in boxes and b.segment_id not in parent_of}
    rank = _ranks(cmap, children, top_of)
    lines: list[str] = []

    def draw(box: MapBox, indent: str) -> None:
        is_parent = box.segment_id in children
        if is_parent:
            lines.append(f"{indent}subgraph {_q('cluster_' + prefix + box.segment_id)} {{")
            lines.append(f"{indent}  {_box_attrs(box, True)}")
            for child in children[box.segment_id]:
                draw(boxes[child], indent + "  ")
            lines.append(f"{indent}}}")
        else:
            lines.append(f"{indent}{_q(prefix + box.segment_id)} "
                         f"[{_box_attrs(box, False, part_of.get(box.segment_id))}]")

    for stage in _STAGES:
        if not any(b.stage == stage for b in top):
            continue
        lines.append(f"  subgraph {_q('cluster_' + prefix + 'stage-' + stage)} {{")
        # id and class are set explicitly: a subgraph would inherit its panel's otherwise.
        lines.append(f'    id={_q(prefix + "stage-" + stage)} class="stage" label=<<B>{STAGE_NAMES[stage]}</B>> '
                     'style="rounded,filled" fillcolor="#F6F8FA" color="#D0D7DE" penwidth=1 fontsize=16')
        for box in top:
            if box.stage == stage:
                draw(box, "    ")
        lines.append("  }")

    # One invisible anchor per column, chained left to right; every box sits in its column's rank.
    columns = max(rank.values(), default=0) + 1
    anchors = [_q(f"{prefix}column-{i}") for i in range(columns)]
    for anchor in anchors:
        lines.append(f'  {anchor} [shape=point style=invis width=0 height=0 label=""]')
    for left, right in itertools.pairwise(anchors):
        lines.append(f"  {left} -> {right} [style=invis weight=0]")
    for i, anchor in enumerate(anchors):
        members = " ".join(_q(prefix + leaf) for leaf, r in rank.items() if r == i)
        lines.append(f"  {{rank=same {anchor} {members}}}")

    for source, target in _bundled(cmap.edges, children):
        attrs = [f'class="feeds" id={_q(f"feeds-{source}-{target}")}']
        if source in children:
            attrs.append(f"ltail={_q('cluster_' + prefix + source)}")
        if target in children:
            attrs.append(f"lhead={_q('cluster_' + prefix + target)}")
        tail = _leaves(source, children)[0]
        head = _leaves(target, children)[0]
        if rank[tail] >= rank[head]:
            attrs.append("constraint=false")  # an arrow against the columns must not move them
        lines.append(f"  {_q(prefix + tail)} -> {_q(prefix + head)} [{' '.join(attrs)}]")
    return lines


def _header(font: str, title: str) -> list[str]:
    return [
        "digraph chainkg {",
        f'  graph [rankdir=LR compound=true newrank=true fontname={_q(font)} labelloc=t '
        f'nodesep=0.2 ranksep=0.45 pad=0.3 bgcolor="white" label={title}]',
        f'  node [shape=box style="rounded,filled" fontname={_q(font)} fontsize=11 margin="0.12,0.06"]',
        f'  edge [color="#57606A" arrowsize=0.7 penwidth=1.2 fontname={_q(font)}]',
    ]


def map_dot(maps: list[ChainMap], font: str, panels: bool = False) -> str:
    """The DOT source of one chain map, or (``panels``) each chain of a field as a panel of one picture."""
    first = maps[0]
    kind = "远景图" if first.vision else "现状图"
    panels = panels or len(maps) > 1
    if not panels:
        name = f"{first.chain} 产业链{kind}"
        subtitle = f"领域：{first.field} · 日期：{first.as_of.isoformat()}"
        if first.vision and first.severity_before is not None:
            subtitle += f" · 总严重度 {first.severity_before:.2f} → {first.severity_after:.2f}"
    else:
        name = f"{first.field} 领域产业链{kind}（{len(maps)} 条链）"
        subtitle = f"日期：{first.as_of.isoformat()}"
    lines = _header(font, _title(name, subtitle, first.vision))
    for cmap in maps:
        body = _chain_body(cmap, cmap.chain_id + "/" if panels else "")
        if not panels:
            lines += body
        else:
            lines.append(f"  subgraph {_q('cluster_chain-' + cmap.chain_id)} {{")
            lines.append(f'    id={_q("chain-" + cmap.chain_id)} class="chain" label=<<B>{_h(cmap.chain)}</B>> '
                         'fontsize=18 style="rounded" color="#8C959F"')
            lines += ["  " + line for line in body]
            lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def overview_dot(view: Overview, font: str) -> str:
    """The DOT source of the 3+1+1 overview: region → fields → chains with status counts."""
    title = _title(f"{view.region} 产业链全景（{len(view.fields)} 个领域）",
                   f"日期：{view.as_of.isoformat()} · 每条链下方为各状态环节数", False)
    lines = _header(font, title)
    lines.append(f'  region [label={_q(view.region)} fillcolor="#24292F" fontcolor="white" fontsize=16]')
    for f in view.fields:
        fid = _q("field-" + f.field_id)
        lines.append(f'  {fid} [id={fid} class="field" label={_q(f.field)} fillcolor="#4C8EDA" '
                     'fontcolor="white" fontsize=14]')
        lines.append(f"  region -> {fid}")
        for i, c in enumerate(f.chains):
            cid = _q("chain-" + c.chain_id)
            cells = "".join(
                f'<TD BGCOLOR="{STATUS_COLOURS[s].fill}"><FONT COLOR="{STATUS_COLOURS[s].text}">'
                f"{STATUS_LABELS[s][0]} {c.counts.get(s, 0)}</FONT></TD>"
                for s in STATUS_LABELS
            )
            label = (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2"><TR><TD COLSPAN="4"><B>{_h(c.chain)}</B>'
                     f"</TD></TR><TR>{cells}</TR></TABLE>>")
            # The HTML page carries each chain's map under #<chain id> (map_html's chain_pages).
            # Filled white: the whole box, not just its text and border, takes the click.
            lines.append(f'  {cid} [id={cid} class="chain" shape=box style="rounded,filled" fillcolor="white" '
                         'color="#8C959F" '
                         f'href={_q("#" + c.chain_id)} tooltip={_q(c.chain + " 现状图")} label={label}]')
            # A field's chains in two columns: half the height, so the overview prints on one page.
            lines.append(f"  {fid} -> {cid} [minlen={1 + i % 2}]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_dot(source: str, fmt: str) -> bytes:
    """Run ``dot -T<fmt>`` (svg, png, pdf) on a DOT source; ConfigError when Graphviz fails."""
    args = [dot_binary(), f"-T{fmt}"]
    if fmt == "png":
        args.append(f"-Gdpi={PNG_DPI}")
    done = subprocess.run(args, input=source.encode("utf-8"), capture_output=True, check=False, env=font_env())
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ConfigError(f"Graphviz 画图失败：{message[-1] if message else done.returncode}")
    return done.stdout


def svg_for_html(svg: str) -> str:
    """An SVG as inline HTML: no XML prolog, DOCTYPE, namespaces or native tooltips."""
    svg = re.sub(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r'\s(xmlns(:\w+)?)="[^"]*"', "", svg)
    svg = re.sub(r"<title>.*?</title>", "", svg, flags=re.S)
    return svg.strip()


def _names(names: list[str], limit: int = 30) -> str:
    if not names:
        return "无"
    shown = "、".join(names[:limit])
    return shown + (f" 等 {len(names)} 家" if len(names) > limit else "")


def map_details(maps: Iterable[ChainMap]) -> dict[str, str]:
    """The hover text of every box in the HTML map, by its SVG id."""
    details = {}
    for cmap in maps:
        for box in cmap.boxes:
            status = box.status_label
            if box.status_before is not None:
                status = f"{STATUS_LABELS[box.status_before]}→{status}"
            lines = [f"{box.name}（{cmap.chain} · {STAGE_NAMES.get(box.stage, box.stage)}）",
                     f"状态：{status}，严重度 {box.severity:.2f}",
                     f"本地企业（{len(box.local_firms)}）：{'、'.join(box.local_firms) or '无'}",
                     f"外地候选企业（{box.candidate_count}）：{_names(box.candidates)}"]
            if box.between_landed:
                lines.append(URGENT_NOTE)
            lines += [f"目标 ★{t.rank}：{t.company}" for t in box.targets]
            details["seg-" + box.segment_id] = "\n".join(lines)
    return details


_HTML = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<style>
{font_face}
html,body{{margin:0;height:100%;font-family:"WenQuanYi Micro Hei","Noto Sans CJK SC","Microsoft YaHei",sans-serif}}
#bar{{position:fixed;top:0;left:0;right:0;padding:6px 12px;background:#24292f;color:#fff;font-size:13px;z-index:2}}
#bar a{{color:#9ecbff;margin-right:12px}}
#view{{position:absolute;top:32px;left:0;right:0;bottom:0;overflow:hidden;cursor:grab;background:#fff}}
#view svg{{width:100%;height:100%}}
#view a{{cursor:pointer}}
#tip{{position:fixed;display:none;max-width:460px;padding:8px 10px;background:#fffbe6;border:1px solid #d4a72c;
white-space:pre-line;font-size:13px;pointer-events:none;z-index:3;box-shadow:0 2px 6px rgba(0,0,0,.2)}}
g.segment:hover>path,g.segment:hover>polygon{{stroke-width:4}}
@media print {{
  @page {{size:A4 landscape;margin:10mm}}
  html,body{{height:auto}}
  #bar,#tip{{display:none}}
  #view{{position:static;overflow:visible}}
  #view svg{{width:100%;height:auto;max-height:185mm}}
}}
</style></head><body>
<div id="bar"><a id="back" href="#" style="display:none">← 返回全景</a>{title} —
滚轮缩放，拖动平移，双击复位，鼠标悬停查看环节详情{hint}</div>
<div id="view">{svg}</div><div id="tip"></div>{pages}
<script>
const details = {details};
const view = document.getElementById('view'); const tip = document.getElementById('tip');
const back = document.getElementById('back'); const first = view.innerHTML;
let svg = null, home = [], box = [];
function show() {{ svg.setAttribute('viewBox', box.join(' ')); }}
function mount(markup) {{ view.innerHTML = markup; svg = view.querySelector('svg');
  svg.removeAttribute('width'); svg.removeAttribute('height');
  home = svg.getAttribute('viewBox').split(' ').map(Number); box = home.slice();
  view.querySelectorAll('g.segment').forEach(g => {{
    g.addEventListener('mousemove', e => {{ e.stopPropagation(); const text = details[g.id];
      if (!text) return; tip.textContent = text; tip.style.display = 'block';
      tip.style.left = (e.clientX + 14) + 'px'; tip.style.top = (e.clientY + 14) + 'px'; }});
    g.addEventListener('mouseleave', () => {{ tip.style.display = 'none'; }}); }}); }}
function route() {{ const page = location.hash.length > 1 && document.getElementById('map-' + location.hash.slice(1));
  mount(page ? page.innerHTML : first); back.style.display = page ? 'inline' : 'none'; tip.style.display = 'none'; }}
window.addEventListener('hashchange', route); route();
view.addEventListener('wheel', e => {{ e.preventDefault();
  const r = svg.getBoundingClientRect(); const k = e.deltaY > 0 ? 1.15 : 1 / 1.15;
  const fx = (e.clientX - r.left) / r.width, fy = (e.clientY - r.top) / r.height;
  const w = box[2] * k, h = box[3] * k;
  box = [box[0] + (box[2] - w) * fx, box[1] + (box[3] - h) * fy, w, h]; show(); }}, {{passive: false}});
let drag = null;
view.addEventListener('mousedown', e => {{ drag = [e.clientX, e.clientY, box[0], box[1]]; }});
window.addEventListener('mouseup', () => {{ drag = null; }});
window.addEventListener('mousemove', e => {{ if (drag) {{ const r = svg.getBoundingClientRect();
  const s = Math.max(box[2] / r.width, box[3] / r.height);
  box[0] = drag[2] - (e.clientX - drag[0]) * s; box[1] = drag[3] - (e.clientY - drag[1]) * s; show(); }} }});
view.addEventListener('dblclick', () => {{ box = home.slice(); show(); }});
window.addEventListener('beforeprint', () => {{ box = home.slice(); show(); }});
</script></body></html>
"""


def map_html(svg: str, title: str, details: dict[str, str],
             chain_pages: dict[str, tuple[str, dict[str, str]]] | None = None) -> str:
    """One self-contained HTML page (no external URL) with pan/zoom, hover details and a print style.

    ``chain_pages`` (chain id → its map's SVG and hover details) are carried in the same file: the
    overview's chain boxes link to them (``#<chain id>``) and 返回全景 comes back.
    """
    pages = "".join(f'<template id="map-{html.escape(cid)}">{svg_for_html(page)}</template>'
                    for cid, (page, _d) in (chain_pages or {}).items())
    for _page, more in (chain_pages or {}).values():
        details = details | more
    payload = json.dumps(details, ensure_ascii=False).replace("</", "<\\/")
    hint = "；点击产业链查看其现状图" if chain_pages else ""
    return _HTML.format(title=html.escape(title), svg=svg_for_html(svg), details=payload, pages=pages, hint=hint,
                        font_face=font_face_css())


def overview_html_pages(pg: PoolGraph, diagnosis: list[SegmentDiagnosis], as_of: date,
                        font: str) -> dict[str, tuple[str, dict[str, str]]]:
    """Every chain's 现状图 as SVG with its hover details, for the overview's HTML page to link to."""
    pages = {}
    for _k, chain in nodes_of(pg.taxonomy, "Chain"):
        cmap = chain_map(pg, diagnosis, chain["id"], as_of)
        pages[chain["id"]] = (render_dot(map_dot([cmap], font), "svg").decode("utf-8"), map_details([cmap]))
    return pages


class PaperLayout(NamedTuple):
    """How one drawing goes on paper: orientation, scale (1 = natural size) and pages across × down."""

    paper: str
    landscape: bool
    scale: float
    columns: int
    rows: int

    @property
    def area(self) -> tuple[float, float]:
        """The printable width and height of a page, in points."""
        short, long = (side - 2 * _MARGIN_MM for side in PAPERS[self.paper])
        width, height = (long, short) if self.landscape else (short, long)
        return width * _PT_PER_MM, (height - _FOOTER_MM) * _PT_PER_MM


def paper_layout(width: float, height: float, smallest_font: float, paper: str = "A4",
                 orientation: str = "auto") -> PaperLayout:
    """Place a drawing of ``width`` × ``height`` points whose smallest text is ``smallest_font`` points.

    The rule: the drawing is shrunk to fit one page (never enlarged), unless that would print its
    smallest text below MIN_PRINT_PT (7 pt); then it is printed with that text at exactly 7 pt and
    split over as many pages as it needs, to be laid side by side. ``auto`` takes the orientation
    that needs fewer pages, then the larger print, then the one shaped like the drawing. A3 splits
    less than A4.
    """
    if paper not in PAPERS:
        raise ConfigError(f"--paper 没有「{paper}」；允许的取值：{'、'.join(PAPERS)}")
    floor = MIN_PRINT_PT / smallest_font if smallest_font > 0 else 0.0
    options = []
    for landscape in ((True, False) if orientation == "auto" else (orientation == "landscape",)):
        area_w, area_h = PaperLayout(paper, landscape, 1, 1, 1).area
        scale = max(min(1.0, area_w / width, area_h / height), floor)
        columns = math.ceil(round(width * scale / area_w, 6))
        rows = math.ceil(round(height * scale / area_h, 6))
        options.append(PaperLayout(paper, landscape, scale, columns, rows))
    # Fewer pages, then a larger print, then the page shaped like the drawing.
    return min(options, key=lambda o: (o.columns * o.rows, -o.scale, o.landscape != (width >= height)))


def _svg_size(svg: str) -> tuple[float, float]:
    found = re.search(r'<svg[^>]*\swidth="([\d.]+)pt"[^>]*\sheight="([\d.]+)pt"', svg)
    if found is None:
        raise ConfigError("Graphviz 输出的 SVG 没有尺寸，无法排版到纸上")
    return float(found.group(1)), float(found.group(2))


def smallest_font(svg: str) -> float:
    """The smallest font size (points) used in a Graphviz SVG."""
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)]
    return min(sizes, default=0.0)


def print_html(svgs: list[str], title: str, paper: str = "A4", orientation: str = "auto") -> str:
    """One HTML page to print: each SVG on its own page(s) of ``paper`` by ``paper_layout``'s rule."""
    pages: list[tuple[PaperLayout, str]] = []
    for svg in svgs:
        width, height = _svg_size(svg)
        layout = paper_layout(width, height, smallest_font(svg), paper, orientation)
        inner = re.sub(r"^<svg[^>]*>|</svg>$", "", svg_for_html(svg).strip())
        # Equal pieces, each within a page at the layout's scale (one piece: the whole drawing).
        tile_w, tile_h = width / layout.columns, height / layout.rows
        count = layout.columns * layout.rows
        for row, column in itertools.product(range(layout.rows), range(layout.columns)):
            view = f"{column * tile_w:.2f} {row * tile_h:.2f} {tile_w:.2f} {tile_h:.2f}"
            foot = f"{title} · 比例 {layout.scale:.0%}"
            if count > 1:
                foot += f" · 第 {row + 1} 行第 {column + 1} 列（共 {layout.rows} 行 {layout.columns} 列，拼接阅读）"
                foot += "；--paper A3 可少分页" if paper == "A4" else ""
            size = f'width="{tile_w * layout.scale:.2f}pt" height="{tile_h * layout.scale:.2f}pt"'
            pages.append((layout, f'<div class="sheet"><svg viewBox="{view}" {size} '
                                  f'preserveAspectRatio="xMidYMin meet">{inner}</svg>'
                                  f'<div class="foot">{html.escape(foot)}</div></div>'))
    # One @page size per orientation: Chromium prints each sheet on the named page it asks for.
    css = "".join(
        f"@page {name}{{size:{paper} {'landscape' if landscape else 'portrait'};margin:{_MARGIN_MM}mm}}"
        f".{name}{{page:{name}}}"
        for name, landscape in (("wide", True), ("tall", False)))
    body = "".join(sheet.replace('class="sheet"', f'class="sheet {"wide" if layout.landscape else "tall"}"', 1)
                   for layout, sheet in pages)
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{css}html,body{{margin:0}}.sheet{{break-after:page;text-align:center}}"
            f".sheet:last-child{{break-after:auto}}.sheet svg{{display:block;margin:0 auto}}"
            f".foot{{font:8pt 'WenQuanYi Micro Hei','Noto Sans CJK SC',sans-serif;color:#57606A;"
            f"margin-top:2mm}}</style></head><body>{body}</body></html>\n")


def write_map(path: Path, source: str, title: str, details: dict[str, str], force: bool = False,
              paper: str = "A4", orientation: str = "auto", print_sources: list[str] | None = None,
              chain_pages: dict[str, tuple[str, dict[str, str]]] | None = None) -> None:
    """Render a DOT source to ``path`` by its suffix (.svg, .png, .pdf, .html), atomically.

    A PDF is printed on ``paper`` (A4 or A3) by ``paper_layout``'s rule, one page (or set of pages)
    per DOT source in ``print_sources`` (default: ``source``), e.g. one per chain of a field.
    """
    suffix = output_suffix(path, MAP_FORMATS)
    if suffix == ".pdf":
        svgs = [render_dot(s, "svg").decode("utf-8") for s in print_sources or [source]]
        page = print_html(svgs, title, paper, orientation)
        atomic_write(path, lambda tmp: print_pdf(page, tmp), force)
        return
    if suffix == ".html":
        page = map_html(render_dot(source, "svg").decode("utf-8"), title, details, chain_pages)
        data = page.encode("utf-8")
    else:
        data = render_dot(source, suffix[1:])

    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    atomic_write(path, write, force)
