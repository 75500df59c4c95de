"""The report as leadership reads it (issue #19): the printed PDF and the XLSX printed by LibreOffice.

Checked on the real pages with poppler's command-line tools: page count, no page holding only a
heading, the smallest text size (word boxes of ``pdftotext -bbox``, calibrated on the title, whose
size is known), embedded fonts without Type 3 glyphs (``pdffonts``), no file names in the text, and
a contents whose page numbers are the pages the sections start on.
"""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainkg.cli.main import app
from chainkg.output.report_render import MIN_TEXT_PT, map_figures
from tools import require

DAY = "2026-06-30"
FILE_NAMES = re.compile(r"graph_data|\.csv|\.ya?ml|\.xlsx")
WORD = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>')


def _run(args: list[str]) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output


def _pages(pdf: Path) -> list[str]:
    """The text of each page, in reading order."""
    text = subprocess.run([require("pdftotext"), str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return text.split("\f")[:-1]


def _words(pdf: Path) -> list[tuple[float, str]]:
    """(box height, text) of every word: a box is the font's ascent to descent, a fixed share of its size."""
    out = subprocess.run([require("pdftotext"), "-bbox", str(pdf), "-"], check=True, capture_output=True,
                         text=True).stdout
    return [(float(y1) - float(y0), word) for y0, y1, word in WORD.findall(out)]


def _smallest_text_pt(pdf: Path, known: str, known_pt: float) -> float:
    """The smallest text size, measured against a word printed at a known size in the same fonts."""
    words = _words(pdf)
    ratio = next(h for h, w in words if w == known) / known_pt
    return min(h for h, _w in words) / ratio


def _fonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run([require("pdffonts"), str(pdf)], check=True, capture_output=True, text=True).stdout
    return [line.split() for line in out.splitlines()[2:]]


def _headings(html_page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h[123][^>]*>(.*?)</h[123]>", html_page)]


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The default whole-district report of the bundled data (top 20) as PDF, and the same as HTML."""
    require("dot")
    require("chromium", "chromium-browser", "google-chrome")
    out = tmp_path_factory.mktemp("district")
    _run(["report", "--date", DAY, "-o", str(out / "report.pdf")])
    _run(["report", "--date", DAY, "-o", str(out / "report.html")])
    return out / "report.pdf", (out / "report.html").read_text(encoding="utf-8")


def test_district_pdf_is_about_a_dozen_pages_without_a_heading_alone(district: tuple[Path, str]) -> None:
    pdf, page = district
    pages = _pages(pdf)
    assert len(pages) <= 14  # was 56
    _no_heading_alone(pages, page)


def _no_heading_alone(pages: list[str], page: str) -> None:
    """Every page has its running header and footer, and more than headings between them."""
    headings = set(_headings(page))
    for number, text in enumerate(pages, start=1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert f"第 {number} 页 / 共 {len(pages)} 页" in lines
        body = [line for line in lines if not line.startswith(("本区 产业链招商工作报告", "报告日期", "第 "))]
        assert [line for line in body if line not in headings], f"page {number} holds only {body}"


def test_district_pdf_text_is_legible_embedded_and_names_no_file(district: tuple[Path, str]) -> None:
    pdf, _page = district
    assert _smallest_text_pt(pdf, "本区", 18) >= MIN_TEXT_PT - 0.05  # the title is 18 pt
    fonts = _fonts(pdf)
    assert fonts and all(row[-5] == "yes" for row in fonts)  # emb
    assert not [row for row in fonts if "Type" in row and "3" in row]
    assert any("WenQuanYi" in row[0] for row in fonts)
    text = "".join(_pages(pdf))
    assert not FILE_NAMES.search(text)


def test_district_pdf_summary_and_contents(district: tuple[Path, str]) -> None:
    pdf, page = district
    pages = _pages(pdf)
    first = pages[0]
    for part in ("一、摘要", "年度目标进度", "近期重点工作", "产业链现状", "【深化合作】"):
        assert part in first
    # The contents (page 2) gives for each section the page it starts on.
    toc = subprocess.run([require("pdftotext"), "-layout", "-f", "2", "-l", "2", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    titles = [html.unescape(t) for t in re.findall(r'<li[^>]*><a href="#s\d+">(.*?)</a>', page)]
    assert len(titles) > 10
    for title in titles:
        found = re.search(re.escape(title) + r"\s*(\d+)", toc)
        assert found, title
        assert title in pages[int(found.group(1)) - 1].replace("\n", ""), (title, found.group(1))


def test_district_pdf_lists_what_rank_shows(district: tuple[Path, str]) -> None:
    from chainkg.analysis.diagnosis import diagnose
    from chainkg.analysis.prospects import RankFilter
    from chainkg.analysis.shortlist import rank
    from chainkg.dataset.load import default_data_dir, load_scoring, load_valid
    from chainkg.graph.pool_graph import pool_graph

    data_dir = default_data_dir()
    scoring = load_scoring(data_dir)
    g = pool_graph(load_valid(data_dir)[0])
    diagnosis = diagnose(g, scoring.diagnosis)
    top = rank(g, diagnosis, scoring.rank, RankFilter(kinds=["target", "deepen"]), 20, per_gap=scoring.rank.per_gap)
    platforms = rank(g, diagnosis, scoring.rank, RankFilter(kinds=["platform"]), 10)
    _pdf, page = district
    for p in top:  # 首要理由 and the 深化合作 flag as `chainkg rank` gives them
        assert p.headline and p.headline in page
    deepen = [p.company for p in top if p.kind == "deepen"]
    assert deepen and all(f"<b>{name}</b><br><span class=\"flag\">深化合作" in page for name in deepen)
    assert "平台与渠道" in page and all(p.company in page for p in platforms)


def test_chain_report_by_chinese_name_holds_both_maps_legibly(tmp_path: Path) -> None:
    require("dot")
    require("chromium", "chromium-browser", "google-chrome")
    pdf = tmp_path / "robot.pdf"
    _run(["report", "--chain", "机器人及智能制造", "--date", DAY, "-o", str(pdf)])
    text = "".join(_pages(pdf))
    assert "机器人及智能制造 现状图" in text and "机器人及智能制造 远景图" in text
    assert "航天科技（" not in text  # another chain's section
    html_out = tmp_path / "robot.html"
    _run(["report", "--chain", "机器人及智能制造", "--date", DAY, "-o", str(html_out)])
    _no_heading_alone(_pages(pdf), html_out.read_text(encoding="utf-8"))
    assert _smallest_text_pt(pdf, "本区", 18) >= MIN_TEXT_PT - 0.05
    a3 = tmp_path / "robot-a3.pdf"
    _run(["report", "--chain", "robotics", "--paper", "a3", "--date", DAY, "-o", str(a3)])
    assert len(_pages(a3)) < len(_pages(pdf))  # the maps fit whole on A3
    assert _smallest_text_pt(a3, "本区", 18) >= MIN_TEXT_PT - 0.05


@pytest.mark.parametrize("chain", ["航天科技", "精密轴承", "机器人及智能制造"])
def test_chain_report_keeps_its_headings_with_its_first_map(tmp_path: Path, chain: str) -> None:
    # The chain's heading and state line print on the page of its 现状图 (they were left alone on a
    # page when the maps' legend grew).
    require("dot")
    require("chromium", "chromium-browser", "google-chrome")
    pdf = tmp_path / "chain.pdf"
    _run(["report", "--chain", chain, "--date", DAY, "-o", str(pdf)])
    page = next(text for text in _pages(pdf) if f"（1）{chain}（" in text and "目录" not in text)
    assert "环节状态" in page and "上游" in page  # the map itself: its first column is 上游


def test_field_report_and_bad_scope(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["report", "--chain", "没有这条链", "-o", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 2 and "--chain 没有「没有这条链」" in result.output
    result = CliRunner().invoke(app, ["report", "--paper", "B5", "-o", str(tmp_path / "r.xlsx")])
    assert (result.exit_code, result.output.strip()) == (2, "错误：--paper 没有「B5」；允许的取值：A4、A3")
    out = tmp_path / "r.xlsx"
    _run(["report", "--field", "新材料", "--date", DAY, "-o", str(out)])
    from openpyxl import load_workbook

    sheet = load_workbook(out)["缺口清单"]
    assert {row[2].value for row in sheet.iter_rows(min_row=3)} == {"新材料"}
    assert "·新材料" in sheet["A1"].value


def _svg(width: float, height: float, font: float) -> str:
    return (f'<svg width="{width}pt" height="{height}pt" viewBox="0.00 0.00 {width} {height}">'
            f'<text font-size="{font}">x</text></svg>')


def test_maps_are_placed_where_their_text_stays_legible() -> None:
    # Fits the portrait page as it is; needs a landscape page; needs tiles even on landscape A4.
    assert map_figures("t", _svg(500, 400, 9), "A4")[0].startswith('<div class="figure">')
    assert map_figures("t", _svg(900, 400, 9), "A4")[0].startswith('<div class="figure wide">')
    # 1258 pt wide at 9 pt: legible down to 7/9, 979 pt, two portrait halves (landscape would need 2 × 2).
    tiles = map_figures("t", _svg(1258, 686, 9), "A4")
    assert len(tiles) == 2 and "t（2/2）" in tiles[-1] and tiles[0].startswith('<div class="figure">')
    assert len(map_figures("t", _svg(1258, 686, 9), "A3")) == 1
    for figure in tiles:  # no tile is drawn below 7 pt: scale = shown width / viewBox width
        shown, box = re.search(r'width="([\d.]+)pt" height="[\d.]+pt" viewBox="[\d.-]+ [\d.-]+ ([\d.]+)', figure).groups()
        assert 9 * float(shown) / float(box) >= MIN_TEXT_PT


def test_xlsx_prints_through_libreoffice_whole_legible_and_numbered(tmp_path: Path) -> None:
    soffice = require("soffice", "libreoffice")
    xlsx = tmp_path / "report.xlsx"
    _run(["report", "--date", DAY, "-o", str(xlsx)])
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(xlsx)],
                   check=True, capture_output=True, timeout=240)
    pdf = tmp_path / "report.pdf"
    pages = _pages(pdf)
    text = "".join(pages)
    # The reasons are not cut at Excel's 409-point row height: the longest cell (华为's) keeps its last reason.
    assert "招商进度：已在项目库中（接洽）" in text.replace("\n", "")
    assert "第 1 页，共" in pages[0] and "本区 产业链招商工作报告（报告日期 2026-06-30）" in pages[0]
    assert not FILE_NAMES.search(text)
    fonts = _fonts(pdf)
    assert all(row[-5] == "yes" for row in fonts) and not [r for r in fonts if "Type" in r and "3" in r]
    assert any("NotoSansCJK" in row[0] for row in fonts)
    # Fit-to-width must not shrink the cells below 7 pt. LibreOffice's Noto Sans CJK word boxes are 0.88 of
    # the size (11-point cells measure 9.75); the page header and footer (top and bottom 50 pt) are not scaled.
    out = subprocess.run([require("pdftotext"), "-bbox", str(pdf), "-"], check=True, capture_output=True,
                         text=True).stdout
    boxes = []
    for height, body in re.findall(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', out, re.S):
        boxes += [float(y1) - float(y0) for y0, y1, _w in WORD.findall(body)
                  if 50 < float(y0) < float(height) - 50]
    assert min(boxes) / 0.88 >= MIN_TEXT_PT
