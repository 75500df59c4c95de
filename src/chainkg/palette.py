"""The status colours, defined once for every picture: maps, reports and the Neo4j Browser style.

``cypher/style.grass`` repeats them for the Browser (it cannot import Python); a test
keeps the two equal.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["STATUS_COLOURS", "TARGET_COLOUR", "StatusColour"]


class StatusColour(NamedTuple):
    """Fill, border and text colour of one status."""

    fill: str
    border: str
    text: str


# Green = strong, yellow = weak, red = missing, purple = broken (cut off between local
# upstream and downstream): the colours the Neo4j Browser style uses for :Strong etc.
STATUS_COLOURS: dict[str, StatusColour] = {
    "strong": StatusColour("#2E9E44", "#1E6E2E", "#FFFFFF"),
    "weak": StatusColour("#F2C12E", "#B8901A", "#2A2C34"),
    "missing": StatusColour("#E5484D", "#A32A2E", "#FFFFFF"),
    "broken": StatusColour("#7A1F9E", "#4E1366", "#FFFFFF"),
}
TARGET_COLOUR = "#1F6FEB"  # prospects drawn into a gap on the 远景图
