"""One status palette: the maps' colours are the Neo4j Browser style's colours."""

from __future__ import annotations

import re
from pathlib import Path

from chainkg.palette import STATUS_COLOURS

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
