"""Maps that print (issue #19 item 3): columns left to right, the 远景图's rule, paper, names."""

from __future__ import annotations

import html
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainkg.analysis.diagnosis import SegmentDiagnosis, diagnose
from chainkg.cli.main import app
from chainkg.dataset.load import default_data_dir, load_scoring, load_valid
from chainkg.graph.pool_graph import PoolGraph, pool_graph
from chainkg.graph.taxonomy import nodes_of
from chainkg.model.scoring import Scoring
from chainkg.output.maps import ChainMap, chain_map, chain_maps, chains_of_field
from chainkg.output.render_map import (
    MIN_PRINT_PT,
    PNG_DPI,
    PaperLayout,
    cjk_font,
    map_dot,
    paper_layout,
    render_dot,
    smallest_font,
)
from tools import require

DAY = date(2022, 6, 30)
SVG = "{http://www.w3.org/2000/svg}"
ORDER = {"upstream": 0, "midstream": 1, "downstream": 2}


@cache
def _bundled() -> tuple[PoolGraph, list[SegmentDiagnosis], Scoring]:
    path = default_data_dir()
    g = pool_graph(load_valid(path)[0])
    scoring = load_scoring(path)
    return g, diagnose(g, scoring.diagnosis), scoring


def _chain_ids() -> list[str]:
    return [a["id"] for _k, a in nodes_of(_bundled()[0].taxonomy, "Chain")]


def _field_ids() -> list[str]:
    return [a["id"] for _k, a in nodes_of(_bundled()[0].taxonomy, "Field")]


def _x_spans(svg: bytes) -> dict[str, tuple[float, float]]:
    """Each segment box's horizontal extent in the drawing, by segment id."""
    spans = {}
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if "segment" not in (g.get("class") or "").split():
            continue
        shape = next(e for e in g if e.tag in (f"{SVG}path", f"{SVG}polygon"))
        xs = [float(x) for x, _y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", shape.get("d") or shape.get("points") or "")]
        spans[(g.get("id") or "").removeprefix("seg-")] = (min(xs), max(xs))
    return spans


def _assert_columns(cmap: ChainMap, spans: dict[str, tuple[float, float]]) -> None:
    stage = {b.segment_id: b.stage for b in cmap.boxes}
    for a, (_a_left, a_right) in spans.items():
        for b, (b_left, _b_right) in spans.items():
            if a in stage and b in stage and ORDER[stage[a]] < ORDER[stage[b]]:
                assert a_right < b_left, f"{cmap.chain}: {a}（{stage[a]}）不在 {b}（{stage[b]}）左边"


@pytest.mark.parametrize("chain_id", _chain_ids())
def test_every_bundled_chain_reads_upstream_to_downstream_left_to_right(chain_id: str) -> None:
    require("dot")
    g, diagnosis, _scoring = _bundled()
    cmap = chain_map(g, diagnosis, chain_id, DAY)
    spans = _x_spans(render_dot(map_dot([cmap], cjk_font()), "svg"))
    assert set(spans) == {b.segment_id for b in cmap.boxes}
    _assert_columns(cmap, spans)


@pytest.mark.parametrize("field_id", _field_ids())
def test_every_panel_of_every_field_map_reads_left_to_right(field_id: str) -> None:
    require("dot")
    g, diagnosis, scoring = _bundled()
    maps = chain_maps(g, diagnosis, chains_of_field(g.taxonomy, field_id), DAY, scoring, vision_top=5)
    spans = _x_spans(render_dot(map_dot(maps, cjk_font(), panels=True), "svg"))
    for cmap in maps:
        _assert_columns(cmap, spans)


GAP_DEPTH = {"strong": 0, "weak": 1, "missing": 2, "broken": 2}


def test_vision_map_never_paints_a_segment_worse_than_today() -> None:
    g, diagnosis, scoring = _bundled()
    today = {d.segment_id: d.status for d in diagnosis}
    surrounded = []
    for vmap in chain_maps(g, diagnosis, _chain_ids(), DAY, scoring, vision_top=5):
        for box in vmap.boxes:
            assert GAP_DEPTH[box.status] <= GAP_DEPTH[today[box.segment_id]], (vmap.chain, box.name)
            if box.status_before is not None:
                assert GAP_DEPTH[box.status] < GAP_DEPTH[box.status_before]
            if box.between_landed:
                surrounded.append(box.segment_id)
                assert box.status == today[box.segment_id] == "missing" and box.status_before is None
    # The bundled data has such gaps (协作机器人 next to the landed robot bodies): the rule is exercised.
    assert "robotics-cobot" in surrounded, surrounded


def test_vision_legend_explains_the_rank_and_the_rule() -> None:
    require("dot")
    g, diagnosis, scoring = _bundled()
    vmap = chain_maps(g, diagnosis, ["robotics"], DAY, scoring, vision_top=5)[0]
    text = render_dot(map_dot([vmap], cjk_font()), "svg").decode("utf-8")
    assert "N 为该企业在本链招商目标中的排名" in text
    assert "远景图只标改善" in text and "补链更紧迫" in text
    today = render_dot(map_dot([chain_map(g, diagnosis, "robotics", DAY)], cjk_font()), "svg").decode("utf-8")
    assert "远景图只标改善" not in today


# --- paper ---------------------------------------------------------------------------------

A4 = {(595, 842), (842, 595)}
A3 = {(842, 1191), (1191, 842)}


def _run(tmp_path: Path, name: str, *args: str, data: str = "tests/data/tiny") -> Path:
    out = tmp_path / name
    result = CliRunner().invoke(app, ["map", *args, "--data", data, "--date", "2022-06-30", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _page_sizes(pdf: Path) -> list[tuple[int, int]]:
    info = subprocess.run([require("pdfinfo"), "-f", "1", "-l", "999", str(pdf)], check=True,
                          capture_output=True, text=True).stdout
    return [(round(float(w)), round(float(h))) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]


def _printed_font_sizes(pdf: Path) -> list[float]:
    """The size in points of every word on the PDF's pages, from pdftotext's word boxes.

    A box's height is the font size times the font's line height; the footer, set in 8 pt,
    calibrates that factor.
    """
    out = subprocess.run([require("pdftotext"), "-bbox", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    words = [(float(y1) - float(y0), text) for y0, y1, text in
             re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', out)]
    factor = next(h for h, text in words if text == "比例") / 8
    return [h / factor for h, _text in words]


def test_paper_layout_shrinks_to_one_page_but_never_below_7_points() -> None:
    # Small: natural size on one A4 page. Wide: shrunk to fit A4 landscape, text still ≥ 7 pt.
    assert paper_layout(500, 300, 9) == PaperLayout("A4", True, 1.0, 1, 1)
    wide = paper_layout(900, 500, 9)
    assert (wide.landscape, wide.columns, wide.rows) == (True, 1, 1) and wide.scale * 9 >= MIN_PRINT_PT
    # Too big for A4 at 7 pt: split over pages at exactly 7 pt; A3 needs fewer pages.
    big = paper_layout(1500, 1000, 9)
    assert big.scale * 9 == pytest.approx(MIN_PRINT_PT) and big.columns * big.rows > 1
    a3 = paper_layout(1500, 1000, 9, "A3")
    assert a3.columns * a3.rows < big.columns * big.rows and a3.scale * 9 >= MIN_PRINT_PT
    assert paper_layout(500, 300, 9, orientation="portrait").landscape is False
    # A tall drawing that needs two pages either way goes on portrait pages.
    assert paper_layout(500, 1300, 11).landscape is False


@pytest.mark.parametrize("chain_id", _chain_ids())
def test_every_bundled_chain_prints_on_a4_with_text_of_at_least_7_points(chain_id: str) -> None:
    require("dot")
    g, diagnosis, scoring = _bundled()
    for cmap in (chain_map(g, diagnosis, chain_id, DAY), *chain_maps(g, diagnosis, [chain_id], DAY, scoring, 5)):
        svg = render_dot(map_dot([cmap], cjk_font()), "svg").decode("utf-8")
        width, height = (float(v) for v in re.findall(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)[0])
        layout = paper_layout(width, height, smallest_font(svg))
        assert layout.scale * smallest_font(svg) >= MIN_PRINT_PT - 1e-9
        area_w, area_h = layout.area
        assert width * layout.scale <= area_w * layout.columns + 1e-6
        assert height * layout.scale <= area_h * layout.rows + 1e-6


@pytest.mark.parametrize("paper,sizes", [("A4", A4), ("A3", A3)])
def test_pdf_pages_are_the_paper_size_with_text_of_at_least_7_points(tmp_path: Path, paper: str,
                                                                      sizes: set[tuple[int, int]]) -> None:
    require("dot")
    require("chromium", "chromium-browser")
    # The biggest bundled chain's 远景图: split over two A4 pages, one A3 page.
    pdf = _run(tmp_path, "robotics.pdf", "robotics", "--vision", "--paper", paper, data=str(default_data_dir()))
    pages = _page_sizes(pdf)
    assert pages and set(pages) <= sizes
    assert len(pages) == (2 if paper == "A4" else 1)
    assert min(_printed_font_sizes(pdf)) >= MIN_PRINT_PT - 0.1


def test_field_pdf_prints_one_chain_per_page(tmp_path: Path) -> None:
    require("dot")
    require("chromium", "chromium-browser")
    pdf = _run(tmp_path, "bio.pdf", "--field", "生物医药", data=str(default_data_dir()))
    g = _bundled()[0]
    assert len(_page_sizes(pdf)) >= len(chains_of_field(g.taxonomy, "biomedicine")) and set(_page_sizes(pdf)) <= A4
    text = subprocess.run([require("pdftotext"), str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "生物医药（动物保健） 产业链现状图" in text and "智慧养老 产业链现状图" in text


def test_png_is_rendered_at_200_dpi(tmp_path: Path) -> None:
    require("dot")
    png = _run(tmp_path, "robot.png", "robot").read_bytes()
    svg = _run(tmp_path, "robot.svg", "robot").read_text(encoding="utf-8")
    width_pt = float(re.findall(r'<svg width="([\d.]+)pt"', svg)[0])
    width_px = int.from_bytes(png[16:20], "big")  # IHDR
    assert PNG_DPI >= 200 and width_px == pytest.approx(width_pt * PNG_DPI / 72, abs=3)


# --- command line --------------------------------------------------------------------------

def test_chain_and_field_names_are_accepted_like_ids(tmp_path: Path) -> None:
    require("dot")
    by_name = _run(tmp_path, "a.svg", "机器人").read_text(encoding="utf-8")
    by_id = _run(tmp_path, "b.svg", "robot").read_text(encoding="utf-8")
    assert by_name == by_id
    assert _run(tmp_path, "c.svg", "--field", "制造").read_text(encoding="utf-8") == \
        _run(tmp_path, "d.svg", "--field", "mfg").read_text(encoding="utf-8")


@pytest.mark.parametrize("args,message", [
    (["机器"], "产业链「机器」不存在；允许的取值：chip（芯片）、robot（机器人）"),
    (["--field", "造"], "领域「造」不存在；允许的取值：info（信息）、mfg（制造）"),
    (["--all", "--vision"], "--all 画全景图（各链的状态环节数），没有远景图；各链的远景图请用 "
                            "--field 领域 --vision 或 产业链 --vision"),
    (["robot", "--paper", "B5", "-o", "x.pdf"], "--paper 没有「B5」；允许的取值：A4、A3"),
    (["robot", "--paper", "A3"], "--paper 和 --orientation 只用于 PDF 输出（现在是 .svg）"),
    (["robot", "--orientation", "斜", "-o", "x.pdf"],
     "--orientation 没有「斜」；允许的取值：auto（自动）、横向（landscape）、纵向（portrait）"),
])
def test_map_refuses_unknown_names_and_meaningless_options(tmp_path: Path, args: list[str], message: str) -> None:
    require("dot")
    out = ["-o", str(tmp_path / "x.svg")] if "-o" not in args else []
    args = [str(tmp_path / a) if a == "x.pdf" else a for a in args]
    result = CliRunner().invoke(app, ["map", *args, "--data", "tests/data/tiny", *out])
    assert (result.exit_code, result.output.strip()) == (2, f"错误：{message}")
    assert not list(tmp_path.iterdir())


# --- HTML ----------------------------------------------------------------------------------

def test_html_hover_names_the_candidates_and_has_a_print_style(tmp_path: Path) -> None:
    require("dot")
    page = _run(tmp_path, "robot.html", "robot").read_text(encoding="utf-8")
    details = json.loads(re.search(r"const details = (\{.*?\});\n", page, re.S).group(1))  # type: ignore[union-attr]
    # 减速器's outside firms in tests/data/tiny, by name (not just a count).
    assert "外地候选企业（2）：外地减速器、外地小减速器" in details["seg-robot-reducer"]
    assert "@media print" in page and "#bar,#tip{display:none}" in page.replace(" ", "")


def test_html_overview_links_every_chain_to_its_map(tmp_path: Path) -> None:
    require("dot")
    page = _run(tmp_path, "all.html", "--all").read_text(encoding="utf-8")
    for chain_id in ("robot", "chip"):
        assert f'xlink:href="#{chain_id}"' in page and f'<template id="map-{chain_id}">' in page
    template = re.search(r'<template id="map-robot">(.*?)</template>', page, re.S).group(1)  # type: ignore[union-attr]
    template = html.unescape(template)
    assert 'id="seg-robot-body"' in template and "机器人 产业链现状图" in template


def test_overview_html_opens_a_chain_and_comes_back_in_a_real_browser(tmp_path: Path) -> None:
    require("dot")
    chromium = require("chromium", "chromium-browser")
    sync_api = pytest.importorskip("playwright.sync_api")
    page_file = _run(tmp_path, "all.html", "--all")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            page.route("**/*", lambda route: route.abort() if not route.request.url.startswith("file:")
                       else route.continue_())
            page.goto(page_file.as_uri())
            assert page.locator("#view #seg-robot-body").count() == 0
            page.click("#view #chain-robot")
            page.wait_for_selector("#view #seg-robot-body")
            page.hover("#view #seg-robot-reducer")
            assert "外地减速器" in page.locator("#tip").inner_text()
            page.click("#back")
            page.wait_for_selector("#view #chain-chip")
            assert page.locator("#view #seg-robot-body").count() == 0
        finally:
            browser.close()
