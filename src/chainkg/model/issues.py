"""A problem found in graph_data/: where it is and what to do about it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

__all__ = ["DataIssue", "Level", "summarise_follow_on", "unreadable_files"]

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


# Issues that mean a whole file could not be read: everything that refers into it is a
# follow-on error, summarised instead of listed one by one.
_UNREADABLE = ("文件不存在", "文件是 UTF-16", "文件既不是", "文件为空", "YAML 语法错误", "顶层应为映射",
               "表头缺少列", "CSV 格式错误", "文件含有空字符", "应为列表（每项以 - 开头）", "未知的顶层字段")
# A file with a header and no rows is legal (no relations yet), so only a warning; but when
# other files refer into it, it is the root cause of their errors.
_EMPTY = "文件只有表头，没有数据行"
# Where an error message points when it reports a reference to a missing record.
_REFERS_TO = {
    "chains.yaml": ("（见 chains.yaml）", "（见 fields）", "（见 chains）", "上级环节「", "供给对象环节「"),
    "companies.csv": ("（见 companies.csv）",),
    "region.yaml": ("（见 region.yaml",),
}


def unreadable_files(issues: list[DataIssue]) -> list[str]:
    """Files with an error that stopped them from being read (root causes), in order."""
    found: list[str] = []
    for issue in issues:
        root = (issue.level == "error" and issue.message.startswith(_UNREADABLE)) or issue.message == _EMPTY
        if root and issue.file not in found:
            found.append(issue.file)
    return found


def summarise_follow_on(issues: list[DataIssue]) -> list[DataIssue]:
    """Root causes first: errors that only follow from an unreadable file become one summary line.

    >>> root = DataIssue(level="error", file="companies.csv", line=1, message="文件为空，缺少表头")
    >>> follow = DataIssue(level="error", file="relations.csv", line=2, field="to_id",
    ...                    message="企业「a」不存在（见 companies.csv）")
    >>> [i.message for i in summarise_follow_on([follow, root])]
    ['文件为空，缺少表头', '另有 1 处错误因 companies.csv 无法读取而无法检查；修正它后重新运行 chainkg validate']
    """
    broken = unreadable_files(issues)
    if not broken:
        return issues
    kept: list[DataIssue] = []
    follow_on = dict.fromkeys(broken, 0)
    for issue in issues:
        cause = next((f for f in broken
                      if issue.level == "error" and "不存在" in issue.message
                      and any(m in issue.message for m in _REFERS_TO.get(f, ()))), None)
        if cause is None:
            kept.append(issue)
        else:
            follow_on[cause] += 1
    roots = [i for i in kept if i.file in broken and (i.message.startswith(_UNREADABLE) or i.message == _EMPTY)]
    rest = [i for i in kept if i not in roots]
    empty = {i.file for i in roots if i.message == _EMPTY}
    summaries = [DataIssue(level="error", file=f,
                           message=f"另有 {n:,} 处错误因 {f} {'没有数据行' if f in empty else '无法读取'}而无法检查；"
                                   "修正它后重新运行 chainkg validate")
                 for f, n in follow_on.items() if n]
    return roots + summaries + rest
