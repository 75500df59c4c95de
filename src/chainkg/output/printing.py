"""Printing an HTML page to PDF with headless Chromium: the report and the paper maps.

Chromium lays out Chinese text and inline SVG exactly as the HTML shows them and honours
CSS ``@page`` sizes, so a PDF page is exactly A4 or A3.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from chainkg.model.errors import ConfigError
from chainkg.output.fonts import font_face_css, install_command

__all__ = ["APP_BROWSERS", "browser", "print_pdf"]

_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# macOS installs browsers as apps, not on PATH.
APP_BROWSERS = ("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
                "/Applications/Chromium.app/Contents/MacOS/Chromium")


def browser() -> str:
    """The path of an installed Chromium (or Chrome); ConfigError when there is none."""
    for name in _BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    for app in APP_BROWSERS:
        if Path(app).is_file():
            return app
    command = install_command("chromium", "--cask google-chrome")
    raise ConfigError(f"找不到 Chromium，无法生成 PDF；请安装 chromium（{command}；"
                      "或运行 scripts/dev install：以 root 运行时自动安装），或改为输出 .html 后用浏览器打印")


def print_pdf(page: str, target: Path) -> None:
    """Print one HTML page (a string) to ``target`` as PDF."""
    found = browser()
    with tempfile.TemporaryDirectory(prefix="chainkg-print-") as work:
        source = Path(work) / "page.html"
        # The bundled Chinese font, by file: the PDF never depends on the system's fonts.
        source.write_text(page.replace("<head>", f"<head><style>{font_face_css()}</style>", 1), encoding="utf-8")
        # --no-sandbox: Chromium refuses to start as root (containers, CI) without it.
        done = subprocess.run(
            [found, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
             "--generate-pdf-document-outline", f"--user-data-dir={work}/profile", f"--print-to-pdf={target}",
             source.as_uri()],
            capture_output=True, text=True, timeout=300, check=False)
        if done.returncode != 0 or not target.exists() or target.stat().st_size == 0:
            lines = done.stderr.strip().splitlines()
            raise ConfigError(f"Chromium 生成 PDF 失败：{lines[-1] if lines else done.returncode}")
