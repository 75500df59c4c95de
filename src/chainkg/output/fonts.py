"""The Chinese font of the maps and the PDF report, and the install command of a missing tool.

The font comes from PyPI with chainkg (the ``paperang-p2-fonts-cjk`` wheel: WenQuanYi Micro Hei,
Apache-2.0, byte for byte Debian's fonts-wqy-microhei), so no map depends on the system's fonts
or on ``fc-list``: Graphviz finds it through a fontconfig file that adds its folder, Chromium
through an ``@font-face`` rule. It is a TrueType font: Chromium embeds it in a PDF as a real font
(an OpenType/CFF one, such as Noto Sans CJK, becomes Type 3 glyphs).
"""

from __future__ import annotations

import hashlib
import html
import importlib.util
import os
import shutil
import sys
import tempfile
from pathlib import Path

__all__ = ["BUNDLED_FAMILY", "SYSTEM_FONTCONFIG", "bundled_font", "font_env", "font_face_css", "install_command"]

BUNDLED_FAMILY = "WenQuanYi Micro Hei"
_PACKAGE = "paperang_p2_fonts_cjk"


def bundled_font() -> Path | None:
    """The font file that chainkg installs with it; None when that package is missing."""
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    found = Path(next(iter(spec.submodule_search_locations))) / "fonts" / "wqy-microhei.ttc"
    return found if found.is_file() else None


# fontconfig's own configuration, kept when there is one (its other fonts stay available).
SYSTEM_FONTCONFIG = "/etc/fonts/fonts.conf"


def _fontconfig_file(font_dir: Path) -> Path:
    """A fontconfig file: the system's configuration plus the bundled font's folder (written once)."""
    text = ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
            f'  <include ignore_missing="yes">{html.escape(SYSTEM_FONTCONFIG)}</include>\n'
            f"  <dir>{html.escape(str(font_dir))}</dir>\n</fontconfig>\n")
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    user = os.getuid() if hasattr(os, "getuid") else 0
    path = Path(tempfile.gettempdir()) / f"chainkg-fonts-{user}-{key}.conf"
    if not path.is_file():
        scratch = path.with_suffix(f".{os.getpid()}.tmp")
        scratch.write_text(text, encoding="utf-8")
        scratch.replace(path)
    return path


def font_env() -> dict[str, str] | None:
    """The environment for Graphviz: it sees the bundled font (None: the unchanged environment)."""
    font = bundled_font()
    if font is None:
        return None
    return {**os.environ, "FONTCONFIG_FILE": str(_fontconfig_file(font.parent))}


def font_face_css() -> str:
    """A CSS rule that makes the bundled font available to Chromium by its family name, on any system."""
    font = bundled_font()
    if font is None:
        return ""
    return f'@font-face{{font-family:"{BUNDLED_FAMILY}";src:url("{font.as_uri()}")}}'


def install_command(apt: str, brew: str) -> str:
    """The command that installs a missing system package here: brew on macOS, else apt-get."""
    if sys.platform == "darwin":
        return f"brew install {brew}"
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    prefix = "" if root or shutil.which("sudo") is None else "sudo "
    return f"{prefix}apt-get install -y {apt}"
