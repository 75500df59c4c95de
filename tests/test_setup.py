"""Nothing installed by hand (issue #19 item 4): the maps' Chinese font comes with chainkg, a missing tool
is an exit-2 error that names the install command, and scripts/dev installs (or names) what maps and PDF need,
on macOS too."""

from __future__ import annotations

import hashlib
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainkg.cli.main import app
from chainkg.model.errors import ConfigError
from chainkg.output import fonts, printing
from chainkg.output.render_map import dot_binary
from conftest import BUNDLED, TINY, BareMachine
from tools import require

REPO = BUNDLED.parent


def _bin(tmp_path: Path, tools: dict[str, str], scripts: dict[str, str] | None = None) -> Path:
    """A PATH directory: real tools by symlink (name → path), stand-in shell scripts (name → text)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name, target in tools.items():
        (bin_dir / name).symlink_to(target)
    for name, text in (scripts or {}).items():
        path = bin_dir / name
        path.write_text(text, encoding="utf-8")
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return bin_dir


@pytest.fixture
def no_system_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    """fontconfig without the system's configuration: the only font anything can find is the bundled one."""
    monkeypatch.setattr(fonts, "SYSTEM_FONTCONFIG", "/nonexistent/fonts.conf")


def test_the_font_comes_with_chainkg() -> None:
    font = fonts.bundled_font()
    assert font is not None and font.name == "wqy-microhei.ttc" and font.stat().st_size > 4_000_000
    assert font.read_bytes()[:4] == b"ttcf"  # a TrueType collection: Chromium embeds it as a real font


def test_graphviz_finds_the_bundled_font_by_path(no_system_fonts: None) -> None:
    dot = require("dot")
    source = 'digraph { node [fontname="WenQuanYi Micro Hei"] a [label="机器人"] }'
    done = subprocess.run([dot, "-v", "-Tsvg"], input=source.encode("utf-8"), capture_output=True,
                          env=fonts.font_env(), check=True)
    resolved = [line for line in done.stderr.decode("utf-8").splitlines() if "resolved to" in line]
    assert resolved and resolved[0].endswith(str(fonts.bundled_font())), resolved


def test_map_and_pdf_report_without_fc_list_or_system_fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            no_system_fonts: None) -> None:
    """A machine with Graphviz and Chromium but no fc-list and no Chinese font: every map format and the PDF
    report still come out in Chinese (before, the maps named a font nobody had: boxes, exit 0)."""
    tools = {"dot": require("dot"), "chromium": require("chromium", "chromium-browser", "google-chrome")}
    pdffonts, pdftotext = require("pdffonts"), require("pdftotext")
    monkeypatch.setenv("PATH", str(_bin(tmp_path, tools)))
    runner = CliRunner()
    for name in ("x.svg", "x.png", "x.html", "x.pdf"):
        result = runner.invoke(app, ["map", "robotics", "--date", "2026-01-01", "-o", str(tmp_path / name)])
        assert result.exit_code == 0, (name, result.output)
    svg = (tmp_path / "x.svg").read_text(encoding="utf-8")
    assert 'font-family="WenQuanYi Micro Hei"' in svg and "机器人" in svg
    result = runner.invoke(app, ["report", "--data", str(TINY), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 0, result.output
    # The report's text is set in the bundled font, embedded as a real font; the maps' text can be found.
    listing = subprocess.run([pdffonts, str(tmp_path / "r.pdf")], capture_output=True, text=True, check=True).stdout
    assert "WenQuanYiMicroHei" in listing and "CID TrueType" in listing, listing
    for pdf, words in (("x.pdf", "机器人"), ("r.pdf", "产业链招商工作报告")):
        text = subprocess.run([pdftotext, str(tmp_path / pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert words in text, (pdf, text[:300])


NO_FONT_HINT = ("请运行 scripts/dev install（随 chainkg 从 PyPI 装上 WenQuanYi Micro Hei 字体），"
                "或安装中文字体：apt-get install -y fonts-wqy-microhei")


@pytest.mark.parametrize(("fc_list", "message"), [
    (False, "找不到中文字体（没有 fc-list），图中的中文会显示成方框；" + NO_FONT_HINT),
    (True, "系统没有中文字体，图中的中文会显示成方框；" + NO_FONT_HINT),
], ids=["no-fc-list", "fc-list-lists-nothing"])
@pytest.mark.parametrize("command", [["map", "robotics"], ["report"]])
def test_without_the_bundled_font_no_map_is_drawn_in_boxes(fc_list: bool, message: str, command: list[str],
                                                           tmp_path: Path, bare_machine: BareMachine,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("chainkg.output.render_map.bundled_font", lambda: None)
    bin_dir = bare_machine("dot")
    if not fc_list:
        (bin_dir / "fc-list").unlink()
    result = CliRunner().invoke(app, [*command, "-o", str(tmp_path / "x.html")])
    assert (result.exit_code, result.output.strip()) == (2, "错误：" + message)
    assert not (tmp_path / "x.html").exists()


def test_macos_hints_name_brew(monkeypatch: pytest.MonkeyPatch, bare_machine: BareMachine) -> None:
    bare_machine()
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(printing, "APP_BROWSERS", ("/nonexistent/Google Chrome",))
    with pytest.raises(ConfigError, match="brew install graphviz"):
        dot_binary()
    with pytest.raises(ConfigError, match="brew install --cask google-chrome"):
        printing.browser()


def test_chrome_in_applications_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         bare_machine: BareMachine) -> None:
    bare_machine()
    chrome = _bin(tmp_path, {}, {"Google Chrome": "#!/bin/sh\nexit 0\n"}) / "Google Chrome"
    monkeypatch.setattr(printing, "APP_BROWSERS", ("/nonexistent/Chromium", str(chrome)))
    assert printing.browser() == str(chrome)


# scripts/dev on a machine of stand-ins: a venv whose python "installs" by exiting 0 and whose chainkg
# says what it was asked.
def _fake_venv(tmp_path: Path, stamp: str | None) -> Path:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    for name, text in {"python": "#!/bin/sh\nexit 0\n", "chainkg": '#!/bin/sh\necho "chainkg $*"\n'}.items():
        path = venv / "bin" / name
        path.write_text(text, encoding="utf-8")
        path.chmod(0o755)
    if stamp is not None:
        (venv / ".chainkg-installed").write_text(stamp + "\n", encoding="utf-8")
    return venv


def _dev(tmp_path: Path, venv: Path, scripts: dict[str, str]) -> subprocess.CompletedProcess[str]:
    tools = {name: shutil.which(name) or "" for name in ("dirname", "cut", "cat", "uname") if name not in scripts}
    bin_dir = _bin(tmp_path, tools, scripts)
    return subprocess.run([shutil.which("bash") or "bash", str(REPO / "scripts" / "dev"), "rank"],
                          capture_output=True, text=True, check=False,
                          env={"PATH": str(bin_dir), "HOME": str(tmp_path), "VENV": str(venv)})


def test_scripts_dev_hashes_with_shasum_when_sha256sum_is_missing(tmp_path: Path) -> None:
    """macOS has no sha256sum: scripts/dev uses shasum -a 256 (before, it died there)."""
    want = hashlib.sha256((REPO / "pyproject.toml").read_bytes()).hexdigest()
    shasum = f'#!/bin/sh\n[ "$1 $2" = "-a 256" ] || exit 3\necho "{want}  $3"\n'
    done = _dev(tmp_path, _fake_venv(tmp_path, want), {"shasum": shasum})
    assert (done.returncode, done.stdout, done.stderr) == (0, "chainkg rank\n", "")


def test_scripts_dev_names_the_command_when_it_cannot_install(tmp_path: Path) -> None:
    id_user = "#!/bin/sh\necho 1000\n"
    done = _dev(tmp_path, _fake_venv(tmp_path, None), {"sha256sum": "#!/bin/sh\necho abc\n", "id": id_user})
    assert done.returncode == 0, done.stderr
    assert ("scripts/dev: maps and PDF need graphviz chromium; run: sudo apt-get install -y graphviz chromium"
            in done.stderr.splitlines())


def test_scripts_dev_installs_graphviz_and_chromium_as_root(tmp_path: Path) -> None:
    log = tmp_path / "apt.log"
    apt = f'#!/bin/sh\necho "$*" >> {log}\n'
    done = _dev(tmp_path, _fake_venv(tmp_path, None),
                {"sha256sum": "#!/bin/sh\necho abc\n", "id": "#!/bin/sh\necho 0\n", "apt-get": apt})
    assert done.returncode == 0, done.stderr
    assert "scripts/dev: maps and PDF need graphviz chromium: running apt-get install -y graphviz chromium ..." \
        in done.stderr.splitlines()
    assert log.read_text(encoding="utf-8").splitlines() == ["update -qq", "install -y -qq graphviz chromium"]
    assert done.stdout == "chainkg rank\n"


def test_scripts_dev_uses_brew_on_macos(tmp_path: Path) -> None:
    log = tmp_path / "brew.log"
    done = _dev(tmp_path, _fake_venv(tmp_path, None),
                {"sha256sum": "#!/bin/sh\necho abc\n", "uname": "#!/bin/sh\necho Darwin\n",
                 "brew": f'#!/bin/sh\necho "$*" >> {log}\n'})
    assert done.returncode == 0, done.stderr
    assert log.read_text(encoding="utf-8").splitlines() == ["install graphviz", "install --cask google-chrome"]


def test_env_is_unchanged_without_the_bundled_font(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "bundled_font", lambda: None)
    assert fonts.font_env() is None and fonts.font_face_css() == ""
