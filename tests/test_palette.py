"""One status palette: the maps' colours are the Neo4j Browser style's colours."""

from __future__ import annotations

import colorsys
import re
from itertools import combinations
from pathlib import Path

from chainkg.output.palette import STATUS_BORDERS, STATUS_COLOURS

STYLE = Path(__file__).resolve().parents[1] / "cypher" / "style.grass"


def _rules(text: str) -> dict[str, dict[str, str]]:
    rules = {}
    for selector, body in re.findall(r"([\w.]+)\s*\{([^}]*)\}", text):
        rules[selector] = dict(re.findall(r"([\w-]+):\s*([^;]+);", body))
    return rules


def test_style_grass_uses_the_status_palette() -> None:
    rules = _rules(STYLE.read_text(encoding="utf-8"))
    default_text = rules["node"]["text-color-internal"]
    for status, label in (("strong", "Strong"), ("weak", "Weak"), ("missing", "Missing"), ("broken", "Broken")):
        rule = rules[f"node.{label}"]
        colour = STATUS_COLOURS[status]
        assert rule["color"].upper() == colour.fill
        assert rule["border-color"].upper() == colour.border
        assert rule.get("text-color-internal", default_text).upper() == colour.text


def _luminance(hex_colour: str) -> float:
    """WCAG relative luminance: what a grayscale print keeps of a colour."""
    def linear(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def test_every_pair_of_statuses_differs_in_grayscale() -> None:
    # Contrast ratio of the fills (WCAG); 1.5 keeps two adjacent grays apart on a laser print.
    for (a, ca), (b, cb) in combinations(STATUS_COLOURS.items(), 2):
        la, lb = sorted((_luminance(ca.fill), _luminance(cb.fill)))
        assert (lb + 0.05) / (la + 0.05) >= 1.5, (a, b)


def test_box_text_is_readable_on_every_status_fill() -> None:
    for status, colour in STATUS_COLOURS.items():
        la, lb = sorted((_luminance(colour.fill), _luminance(colour.text)))
        assert (lb + 0.05) / (la + 0.05) >= 4.5, status


def test_every_status_has_its_own_border_style() -> None:
    # The cue that survives without colour at all.
    assert set(STATUS_BORDERS) == set(STATUS_COLOURS)
    assert len(set(STATUS_BORDERS.values())) == len(STATUS_BORDERS)


def test_no_red_green_pair_in_the_palette() -> None:
    # The pair colour-blind readers confuse most: a fill whose hue is red and another whose hue is green.
    def hue(hex_colour: str) -> float:
        r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
        return colorsys.rgb_to_hsv(r, g, b)[0] * 360

    hues = [hue(c.fill) for c in STATUS_COLOURS.values()]
    reds = [h for h in hues if h < 15 or h > 345]
    greens = [h for h in hues if 90 <= h <= 150]
    assert not (reds and greens), hues
