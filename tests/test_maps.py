"""Chain maps: what each box shows (pure data) and the drawn SVG/HTML/PNG/PDF structure."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainkg.analysis.diagnosis import diagnose
from chainkg.analysis.prospects import RankFilter
from chainkg.analysis.shortlist import rank
from chainkg.analysis.whatif import what_if
from chainkg.cli.main import app
from chainkg.graph.pool_graph import PoolGraph
from chainkg.model.errors import NotFoundError
from chainkg.model.scoring import LEGACY_RANK
from chainkg.output.maps import chain_map, chains_of_field, overview, vision_map
from chainkg.output.palette import STATUS_COLOURS
from chainkg.output.render_map import cjk_font, map_dot, svg_for_html
from tools import require

DAY = date(2022, 6, 30)
SVG = "{http://www.w3.org/2000/svg}"
# The tiny robot chain, worked out by hand: 本地链主 (large, core) makes 机器人本体 strong; 本地小厂
# makes 汽车应用 weak; 减速器 has no local firm and only outside firms → missing; 伺服系统, 系统集成 and
# the parent 核心零部件 lie between local upstream and downstream → broken.
ROBOT_STATUS = {"robot-parts": "broken", "robot-reducer": "missing", "robot-servo": "broken",
                "robot-body": "strong", "robot-integration": "broken", "robot-auto": "weak"}
ROBOT_FEEDS = [("robot-body", "robot-integration"), ("robot-integration", "robot-auto"),
               ("robot-reducer", "robot-body"), ("robot-servo", "robot-body")]


def test_chain_map_has_every_segment_and_feeds_edge_of_the_chain(tiny_pool: PoolGraph) -> None:
    cmap = chain_map(tiny_pool, diagnose(tiny_pool), "robot", DAY)
    assert {b.segment_id: b.status for b in cmap.boxes} == ROBOT_STATUS
    # chip-package → robot-servo crosses into another chain: not an arrow of this map.
    assert cmap.edges == ROBOT_FEEDS
    body = next(b for b in cmap.boxes if b.segment_id == "robot-body")
    assert (body.local_firms, body.stage, body.parent_id) == (["本地链主"], "midstream", None)
    assert (cmap.chain, cmap.field, cmap.vision) == ("机器人", "制造", False)


def test_vision_map_places_top_prospects_and_whatif_statuses(tiny_pool: PoolGraph) -> None:
    diagnosis = diagnose(tiny_pool)
    # The ranking before issue #11 keeps this test about maps (tests/test_ranking.py pins it).
    prospects = rank(tiny_pool, diagnosis, LEGACY_RANK, RankFilter(chains=["robot"]), 2)
    landing = what_if(tiny_pool, [p.company_id for p in prospects])
    vmap = vision_map(tiny_pool, diagnosis, "robot", DAY, prospects, landing)
    boxes = {b.segment_id: b for b in vmap.boxes}
    assert [(t.rank, t.company) for t in boxes["robot-integration"].targets] == [(1, "外地集成商")]
    assert [(t.rank, t.company) for t in boxes["robot-reducer"].targets] == [(2, "外地减速器")]
    assert {s: (b.status_before, b.status) for s, b in boxes.items() if b.status_before} == {
        "robot-parts": ("broken", "strong"), "robot-reducer": ("missing", "strong"),
        "robot-integration": ("broken", "weak")}
    assert boxes["robot-servo"].status == "broken" and boxes["robot-servo"].targets == []
    assert vmap.vision and vmap.severity_after is not None and vmap.severity_before is not None
    assert vmap.severity_after < vmap.severity_before


def test_overview_counts_statuses_per_chain(tiny_pool: PoolGraph) -> None:
    view = overview(tiny_pool.taxonomy, diagnose(tiny_pool), DAY)
    robot = view.fields[0].chains[0]
    assert (view.fields[0].field, robot.chain) == ("制造", "机器人")
    assert robot.counts == {"strong": 1, "weak": 1, "missing": 1, "broken": 3}


def test_unknown_chain_and_field_are_named(tiny_pool: PoolGraph) -> None:
    with pytest.raises(NotFoundError, match="产业链「nope」不存在；已有：chip、robot"):
        chain_map(tiny_pool, diagnose(tiny_pool), "nope", DAY)
    with pytest.raises(NotFoundError, match="领域「nope」不存在；已有：info、mfg"):
        chains_of_field(tiny_pool.taxonomy, "nope")
    tiny_pool.taxonomy.remove_node("Chain:chip")
    with pytest.raises(NotFoundError, match="领域「info」下没有产业链"):
        chains_of_field(tiny_pool.taxonomy, "info")


def test_dot_escapes_names() -> None:
    from chainkg.output.maps import ChainMap, MapBox

    box = MapBox(segment_id="s", name='A<B>&"C"', stage="upstream", parent_id=None, status="weak",
                 severity=0.1, local_firms=[], candidate_count=0)
    cmap = ChainMap(chain_id="c", chain="链", field_id="f", field="域", vision=False, as_of=DAY,
                    boxes=[box], edges=[])
    assert "A&lt;B&gt;&amp;&quot;C&quot;" in map_dot([cmap], "Noto Sans CJK SC")


def _svg_groups(svg: Path, cls: str) -> list[ET.Element]:
    root = ET.parse(svg).getroot()
    return [g for g in root.iter(f"{SVG}g") if cls in (g.get("class") or "").split()]


def _map(tmp_path: Path, name: str, *args: str) -> Path:
    out = tmp_path / name
    result = CliRunner().invoke(app, ["map", *args, "--data", "tests/data/tiny", "--date", "2022-06-30",
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_svg_has_one_coloured_box_per_segment_and_one_arrow_per_feeds(tmp_path: Path) -> None:
    require("dot")
    svg = _map(tmp_path, "robot.svg", "robot")
    boxes = _svg_groups(svg, "segment")
    assert len(boxes) == len(ROBOT_STATUS)
    for g in boxes:
        segment = (g.get("id") or "").removeprefix("seg-")
        status = ROBOT_STATUS[segment]
        assert f"status-{status}" in (g.get("class") or "")
        shape = next(e for e in g if e.tag in (f"{SVG}path", f"{SVG}polygon"))
        assert (shape.get("fill") or "").upper() == STATUS_COLOURS[status].fill
    arrows = _svg_groups(svg, "feeds")
    # 减速器 and 伺服系统 are every sub-segment of 核心零部件 and both feed 机器人本体: one arrow
    # from the parent's frame stands for the two (fewer crossings).
    assert sorted((g.get("id") or "") for g in arrows) == [
        "feeds-robot-body-robot-integration", "feeds-robot-integration-robot-auto", "feeds-robot-parts-robot-body"]
    text = html.unescape(svg.read_text(encoding="utf-8"))
    assert "机器人 产业链现状图" in text and "2022-06-30" in text
    assert f'font-family="{cjk_font()}"' in text  # an installed font with Chinese glyphs


def test_vision_svg_marks_targets_with_their_rank(tmp_path: Path) -> None:
    require("dot")
    svg = _map(tmp_path, "vision.svg", "robot", "--vision", "--top", "2")
    text = svg.read_text(encoding="utf-8")
    # Default weights: out-small (.4895) is second after out-integrator (tests/test_shortlist.py).
    assert "★1 外地集成商" in text and "★2 外地小减速器" in text and "产业链远景图" in text
    statuses = {(g.get("id") or ""): g.get("class") for g in _svg_groups(svg, "segment")}
    # 外地小减速器 is small (0.3 strength): the reducer becomes weak, not strong, once it lands.
    assert statuses["seg-robot-reducer"] == "node segment status-weak"


def test_field_map_has_one_panel_per_chain(tmp_path: Path) -> None:
    require("dot")
    svg = _map(tmp_path, "mfg.svg", "--field", "mfg")
    assert [g.get("id") for g in _svg_groups(svg, "chain")] == ["chain-robot"]
    assert len(_svg_groups(svg, "segment")) == len(ROBOT_STATUS)


def test_overview_map_has_every_chain(tmp_path: Path) -> None:
    require("dot")
    svg = _map(tmp_path, "all.svg", "--all")
    assert sorted(g.get("id") or "" for g in _svg_groups(svg, "chain")) == ["chain-chip", "chain-robot"]


def test_html_is_self_contained_with_pan_zoom_and_hover(tmp_path: Path) -> None:
    require("dot")
    page = _map(tmp_path, "robot.html", "robot").read_text(encoding="utf-8")
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/|<link|src=", page, re.I)
    assert page.count('class="node segment') + page.count('class="cluster segment') == len(ROBOT_STATUS)
    assert "addEventListener('wheel'" in page and '"seg-robot-body": "机器人本体' in page


def test_svg_for_html_strips_namespaces_and_titles() -> None:
    svg = ('<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/x.dtd">'
           '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><g><title>a</title></g></svg>')
    assert svg_for_html(svg) == "<svg><g></g></svg>"


@pytest.mark.parametrize("suffix,magic", [(".png", b"\x89PNG"), (".pdf", b"%PDF")])
def test_png_and_pdf_are_written(tmp_path: Path, suffix: str, magic: bytes) -> None:
    require("dot")
    assert _map(tmp_path, "robot" + suffix, "robot").read_bytes().startswith(magic)



@pytest.mark.parametrize("args,message", [
    (["robot", "--all"], "请给出一条产业链（id 或名称），或 --field 领域，或 --all（三者选一）"),
    ([], "请给出一条产业链（id 或名称），或 --field 领域，或 --all（三者选一）"),
    (["robot", "--date", "2022-13-01"], "日期「2022-13-01」无效：应为 YYYY-MM-DD，如 2022-06-30"),
])
def test_bad_map_options_exit_2_with_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["map", *args, "--data", "tests/data/tiny", "-o", str(tmp_path / "x.svg")])
    assert result.exit_code == 2
    assert result.output.strip() == f"错误：{message}"


def test_bad_suffix_and_existing_file(tmp_path: Path) -> None:
    require("dot")
    result = CliRunner().invoke(app, ["map", "robot", "--data", "tests/data/tiny", "-o", str(tmp_path / "x.txt")])
    assert (result.exit_code, result.output.strip()) == (2, "错误：不支持的文件类型「.txt」：请用 .svg、.png、.pdf、.html")
    existing = tmp_path / "x.svg"
    existing.write_text("keep", encoding="utf-8")
    result = CliRunner().invoke(app, ["map", "robot", "--data", "tests/data/tiny", "-o", str(existing)])
    assert result.exit_code == 2 and existing.read_text(encoding="utf-8") == "keep"


def test_html_map_pans_zooms_and_shows_details_in_a_real_browser(tmp_path: Path) -> None:
    require("dot")
    chromium = require("chromium", "chromium-browser")
    sync_api = pytest.importorskip("playwright.sync_api")
    page_file = _map(tmp_path, "robot.html", "robot")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            page.route("**/*", lambda route: route.abort() if not route.request.url.startswith("file:")
                       else route.continue_())  # offline: any other request would fail the page
            page.goto(page_file.as_uri())
            page.hover("#seg-robot-body")
            tip = page.locator("#tip")
            assert tip.is_visible() and tip.inner_text().startswith("机器人本体（机器人 · 中游）")
            def view_box() -> list[float]:
                return [float(v) for v in (page.get_attribute("#view svg", "viewBox") or "").split()]

            before = view_box()
            page.mouse.move(600, 400)
            page.mouse.wheel(0, -300)
            zoomed = view_box()
            page.mouse.down()
            page.mouse.move(500, 300)
            page.mouse.up()
            panned = view_box()
            assert zoomed[2] < before[2] and zoomed[2:] == panned[2:] and zoomed[:2] != panned[:2]
            page.dblclick("#view svg", position={"x": 5, "y": 5})
            assert view_box() == before
        finally:
            browser.close()
