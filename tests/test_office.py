"""The files open in real tools: LibreOffice converts the report XLSX, pdftoppm renders a map PDF.

Structure is tested elsewhere; here a real office suite and a real PDF renderer must accept
the files. Locally a missing tool skips; in CI (CI=true) it fails, since .ci/run installs them.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from typer.testing import CliRunner

from chainkg.cli.main import app
from tools import require

TINY = Path(__file__).parent / "data" / "tiny"


def _run(args: list[str]) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output


def test_libreoffice_converts_the_report_xlsx_to_pdf_and_png(tmp_path: Path) -> None:
    soffice = require("soffice", "libreoffice")
    pdftoppm = require("pdftoppm")
    xlsx = tmp_path / "report.xlsx"
    _run(["report", "--data", str(TINY), "-o", str(xlsx)])
    # Own profile directory: a second LibreOffice (or a desktop one) must not share the lock.
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(xlsx)],
                   check=True, capture_output=True, timeout=240)
    pdf = tmp_path / "report.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run([pdftoppm, "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=60)
    assert next(tmp_path.glob("page-*1.png")).read_bytes().startswith(b"\x89PNG")
    text = subprocess.run([require("pdftotext"), str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "建议落地园区" in text and "数据来源" in text  # headers of 招商目标 and 年度目标


def test_pdftoppm_renders_the_map_pdf(tmp_path: Path) -> None:
    require("dot")
    pdftoppm = require("pdftoppm")
    pdf = tmp_path / "robot.pdf"
    _run(["map", "robot", "--vision", "--data", str(TINY), "-o", str(pdf)])
    subprocess.run([pdftoppm, "-r", "50", "-png", str(pdf), str(tmp_path / "map")], check=True, timeout=60)
    assert (tmp_path / "map-1.png").read_bytes().startswith(b"\x89PNG")
    # No tofu: the Chinese text is drawn with embedded glyphs and maps back to the characters. The map
    # PDF is printed by Chromium, which embeds Noto Sans CJK's outlines as Type 3 fonts (emb, uni = yes).
    fonts = subprocess.run([require("pdffonts"), str(pdf)], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows and all(row[-5] == "yes" and row[-3] == "yes" for row in rows), fonts
    text = subprocess.run([require("pdftotext"), str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "机器人 产业链远景图" in text and "★1 外地集成商" in text
