"""A problem found in graph_data/: where it is and what to do about it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

__all__ = ["DataIssue", "Level"]

Level = Literal["error", "warning"]


class DataIssue(BaseModel):
    """One error or warning, located by file, line and field."""

    level: Level
    file: str
    line: int | None = None
    field: str | None = None
    message: str

    def location(self) -> str:
        """``companies.csv:12 [ownership]`` — the place, as editors and grep show it."""
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where} [{self.field}]" if self.field else where

    def __str__(self) -> str:
        label = "错误" if self.level == "error" else "警告"
        return f"{label} {self.location()}: {self.message}"
