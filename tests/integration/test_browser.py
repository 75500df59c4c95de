"""Neo4j Browser, served by our test server, shows the pushed graph in our style (headless Chromium).

Saves screenshots under test-artifacts/ for a person to look at. Needs Debian's chromium and
the playwright package (no browser download); under CI their absence is a failure.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from chainkg.graphdb import Neo4jRunner
from chainkg.output.palette import STATUS_COLOURS

pytestmark = pytest.mark.neo4j

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# node.Broken and node.Strong colours in cypher/style.grass: Browser must have applied our style.
BROKEN_FILL = STATUS_COLOURS["broken"].fill
STRONG_FILL = STATUS_COLOURS["strong"].fill


def _need_browser() -> None:
    missing = [] if Path(CHROMIUM).exists() else ["Debian chromium"]
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("python playwright")
    if missing:
        reason = f"Browser check needs {' and '.join(missing)}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


def test_browser_shows_the_chain_in_our_style(pushed_tiny: object, runner: Neo4jRunner) -> None:
    _need_browser()
    from playwright.sync_api import sync_playwright

    http_port = os.environ.get("NEO4J_HTTP_PORT", "7474")
    bolt = os.environ["NEO4J_URI"].split("://", 1)[-1]
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "neo4j-browser-robot-chain.png"
    shot.unlink(missing_ok=True)
    query = "MATCH p=(:Segment)-[:FEEDS]->(:Segment) RETURN p"
    with tempfile.TemporaryDirectory(prefix="chainkg-chromium-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 900},
        )
        try:
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{http_port}/browser/")
            page.get_by_test_id("boltaddress").fill(bolt)
            page.get_by_test_id("username").fill(os.environ.get("NEO4J_USERNAME", "neo4j"))
            page.get_by_test_id("password").fill(os.environ["NEO4J_PASSWORD"])
            page.get_by_test_id("connect").click()
            page.get_by_test_id("activeEditor").get_by_text("neo4j$").wait_for(timeout=30_000)
            page.wait_for_timeout(1500)  # the post-connect :style command runs after login
            page.get_by_test_id("activeEditor").click()
            page.keyboard.type(query)
            page.keyboard.press("Control+Enter")
            frame = page.get_by_test_id("frame").first
            frame.locator("svg text", has_text="减速器").first.wait_for(timeout=30_000)
            page.wait_for_timeout(2500)  # let the force layout settle before the picture
            frame.screenshot(path=str(shot))
            fills = frame.locator("svg circle.b-outline").evaluate_all(
                "els => els.map(e => (e.getAttribute('fill') || '').toUpperCase())")
        finally:
            context.close()
    assert shot.stat().st_size > 10_000
    # Segments are coloured by gap status, so our style is in force (the default is grey).
    assert BROKEN_FILL in fills and STRONG_FILL in fills, fills
