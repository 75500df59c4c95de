"""The status colours, defined once for every picture: maps, reports and the Neo4j Browser style.

``cypher/style.grass`` repeats them for the Browser (it cannot import Python); a test
keeps the two equal.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["STATUS_BORDERS", "STATUS_COLOURS", "TARGET_COLOUR", "StatusColour"]


class StatusColour(NamedTuple):
    """Fill, border and text colour of one status."""

    fill: str
    border: str
    text: str


# Blue = strong, yellow = weak, orange = missing, dark brown-red = broken (cut off between local
# upstream and downstream). Hues from the Okabe-Ito colour-blind-safe set (no red/green pair),
# lightness spread so the four stay apart in grayscale: weak lightest, broken darkest.
STATUS_COLOURS: dict[str, StatusColour] = {
    "strong": StatusColour("#0072B2", "#004C78", "#FFFFFF"),
    "weak": StatusColour("#F0E442", "#9A8F00", "#2A2C34"),
    "missing": StatusColour("#E07B00", "#8A4B00", "#2A2C34"),
    "broken": StatusColour("#5C1A00", "#000000", "#FFFFFF"),
}
# A second cue that needs no colour at all (grayscale print, colour-blind readers): the box
# border's Graphviz style. The box's text names the status too.
STATUS_BORDERS: dict[str, str] = {
    "strong": "solid",
    "weak": "dashed",
    "missing": "dotted",
    "broken": "bold",
}
TARGET_COLOUR = "#1F6FEB"  # prospects drawn into a gap on the 远景图
