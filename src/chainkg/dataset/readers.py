"""Reading the raw files: CSV as Excel/WPS save it, YAML with line numbers.

Nothing here knows the data contract; it yields raw rows with the line they came from,
and reports encoding and syntax problems as DataIssues.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from chainkg.model.issues import DataIssue

__all__ = ["HEADER_ONLY", "CsvTable", "YamlDoc", "header_mapped", "parse_csv", "read_csv", "read_text", "read_yaml",
           "too_many_values"]

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_BOM = UTF8_BOM
HEADER_ONLY = "文件只有表头，没有数据行"
_RESAVE_HINT = "请在 Excel/WPS 中用「另存为 → CSV UTF-8（逗号分隔）」重新保存"


@dataclass
class CsvTable:
    """The rows of one CSV file, each with its first physical line number."""

    name: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]
    issues: list[DataIssue] = field(default_factory=list)


def _clean(value: str | None) -> str:
    # str.strip() also removes the full-width space U+3000 that Chinese IMEs leave behind.
    return (value or "").strip()


def _decode(raw: bytes, name: str, issues: list[DataIssue]) -> str | None:
    if raw.startswith(UTF16_BOMS):
        issues.append(DataIssue(
            level="error", file=name, line=1,
            message=f"文件是 UTF-16（Excel「Unicode 文本」）编码，无法读取；{_RESAVE_HINT}",
        ))
        return None
    if raw.startswith(_UTF8_BOM):
        raw = raw[len(_UTF8_BOM):]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        line = raw[: utf8_error.start].count(b"\n") + 1
        issues.append(DataIssue(
            level="error", file=name, line=line,
            message=f"文件既不是 UTF-8 也不是 GBK/GB18030 编码，无法读取；{_RESAVE_HINT}",
        ))
        return None
    issues.append(DataIssue(
        level="warning", file=name,
        message=f"文件是 GBK/GB18030 编码，已按该编码读取；建议{_RESAVE_HINT[1:]}",
    ))
    return text


def read_text(path: Path, issues: list[DataIssue]) -> str | None:
    """The file's text, or None with an issue when it is missing or cannot be decoded."""
    if not path.exists():
        issues.append(DataIssue(level="error", file=path.name, message="文件不存在"))
        return None
    return _decode(path.read_bytes(), path.name, issues)


def read_csv(path: Path, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> CsvTable:
    """Read a CSV file; a missing file, missing column or bad encoding becomes an issue."""
    issues: list[DataIssue] = []
    text = read_text(path, issues)
    if text is None:
        return CsvTable(name=path.name, columns=[], rows=[], issues=issues)
    table = parse_csv(path.name, text, required, optional)
    table.issues[:0] = issues
    if not table.rows and not any(i.level == "error" for i in table.issues):
        table.issues.append(DataIssue(level="warning", file=path.name, line=1, message=HEADER_ONLY))
    return table


def header_mapped(text: str, aliases: dict[str, str]) -> str:
    """The CSV text with its header cells translated by ``aliases`` (e.g. Chinese column names to the file's own).

    >>> header_mapped("企业,日期\\na,b\\n", {"企业": "company"})
    'company,日期\\na,b\\n'
    """
    first, _, rest = text.partition("\n")
    cells = next(csv.reader([first.rstrip("\r")]), [])
    mapped = [aliases.get(c.strip(), c.strip()) for c in cells]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(mapped)
    return buffer.getvalue() + rest


def parse_csv(name: str, text: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> CsvTable:
    """Parse decoded CSV text as ``read_csv`` does (``name`` is the file name used in issues)."""
    table = CsvTable(name=name, columns=[], rows=[])
    if "\x00" in text:  # Python's csv reads NUL as text; it is garbage from a binary file or a bad export
        table.issues.append(DataIssue(
            level="error", file=name, line=text.count("\n", 0, text.index("\x00")) + 1,
            message=f"文件含有空字符（NUL），不是正常的文本文件；请确认选对了文件，或{_RESAVE_HINT[1:]}",
        ))
        return table
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        table.issues.append(DataIssue(level="error", file=name, line=1, message="文件为空，缺少表头"))
        return table
    except csv.Error as exc:
        table.issues.append(_csv_error(name, 1, exc))
        return table
    table.columns = [_clean(c) for c in header]
    missing = [c for c in required if c not in table.columns]
    for column in missing:
        table.issues.append(DataIssue(
            level="error", file=name, line=1, field=column, message=f"表头缺少列「{column}」",
        ))
    known = set(required) | set(optional)
    for column in table.columns:
        if column and column not in known:
            table.issues.append(DataIssue(
                level="warning", file=name, line=1, field=column,
                message=f"未知列「{column}」，将被忽略（是否拼写错误？）",
            ))
    if missing:
        return table
    start = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            table.issues.append(_csv_error(name, start, exc))
            break
        line, start = start, reader.line_num + 1
        if not any(_clean(v) for v in values):
            continue  # Excel leaves blank rows at the end
        if len(values) > len(table.columns):
            table.issues.append(too_many_values(name, line, len(values), len(table.columns)))
            continue
        row = {c: _clean(v) for c, v in zip(table.columns, values, strict=False) if c in known}
        table.rows.append((line, row))
    return table


def _csv_error(name: str, line: int, exc: csv.Error) -> DataIssue:
    """A row the csv module cannot parse; the rest of the file is not read."""
    text = str(exc)
    if "field larger than field limit" in text:
        reason = (f"有超过 {csv.field_size_limit():,} 个字符的单元格（多半是某个英文双引号没有配对，"
                  "把后面的内容都当成了一个单元格）")
    elif "NUL" in text:
        reason = "含有空字符（NUL），不是文本文件；请确认选对了文件"
    else:
        reason = text
    return DataIssue(level="error", file=name, line=line,
                     message=f"CSV 格式错误：{reason}；从这一行起未读取")


def too_many_values(name: str, line: int, count: int, columns: int) -> DataIssue:
    """The issue of a CSV row with more values than its header has columns."""
    return DataIssue(
        level="error", file=name, line=line,
        message=f"本行有 {count} 个值，多于表头的 {columns} 列（值里的逗号需要用英文双引号括起来）",
    )


class LineDict(dict[str, Any]):
    """A YAML mapping that remembers its own line and the line of each key."""

    line: int
    key_lines: dict[str, int]


class _LineLoader(yaml.SafeLoader):
    """A SafeLoader whose mappings are LineDicts."""


def _construct_line_dict(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)  # resolve YAML merge keys (<<) like SafeLoader does
    for key, _value in node.value:
        if not isinstance(key, yaml.ScalarNode):  # `? [a, b]` or `? {a: 1}`: a key that is a list or a map
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark, "found unhashable key", key.start_mark)
    mapping = LineDict(loader.construct_pairs(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {str(key.value): key.start_mark.line + 1 for key, _ in node.value}
    return mapping


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_line_dict)

if hasattr(yaml, "CSafeLoader"):

    class _FastLineLoader(yaml.CSafeLoader):
        """The same LineDicts from libyaml's parser (5x faster on chains.yaml)."""

    _FastLineLoader.add_constructor("tag:yaml.org,2002:map", _construct_line_dict)
    _LOADERS: tuple[Any, ...] = (_FastLineLoader, _LineLoader)
else:  # pragma: no cover - PyYAML without libyaml
    _LOADERS = (_LineLoader,)


@dataclass
class YamlDoc:
    """A parsed YAML file (None when unreadable) and the problems found reading it."""

    name: str
    data: Any
    issues: list[DataIssue] = field(default_factory=list)


def read_yaml(path: Path) -> YamlDoc:
    """Parse a YAML file keeping line numbers (see LineDict)."""
    name = path.name
    doc = YamlDoc(name=name, data=None)
    text = read_text(path, doc.issues)
    if text is None:
        return doc
    try:
        try:
            doc.data = yaml.load(text, Loader=_LOADERS[0])
        except yaml.YAMLError:
            # Syntax errors are reported in the pure-Python parser's words and lines.
            doc.data = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        doc.issues.append(DataIssue(
            level="error", file=name, line=mark.line + 1 if mark else None,
            message=f"YAML 语法错误：{_yaml_problem(problem)}（检查缩进和冒号）",
        ))
    return doc


# PyYAML's commonest complaints, in the team's words (the original stays in brackets for searching).
_YAML_PROBLEMS = (
    ("expected <block end>, but found", "这一行的缩进与上下文不一致"),
    ("mapping values are not allowed here", "这里不能出现冒号（值里有冒号时请用引号括起来）"),
    ("found character '\\t' that cannot start any token", "不能用 Tab 缩进，请用空格"),
    ("could not find expected ':'", "缺少冒号（应写成 键: 值）"),
    ("found duplicate anchor", "锚点重复"),
    ("found unexpected end of stream", "文件在引号或括号闭合之前就结束了"),
    ("found unhashable key", "键不能是列表或映射（多半是多了 ? 或方括号）"),
)


def _yaml_problem(problem: str) -> str:
    for english, chinese in _YAML_PROBLEMS:
        if problem.startswith(english):
            return f"{chinese}（{problem}）"
    return problem


def line_of(mapping: object, key: str | None = None) -> int | None:
    """The line of a mapping, or of one of its keys, when it came from read_yaml."""
    if not isinstance(mapping, LineDict):
        return None
    if key is not None and key in mapping.key_lines:
        return mapping.key_lines[key]
    return mapping.line


def iter_list(doc: YamlDoc, key: str) -> Iterator[Any]:
    """Items of a top-level list; absent key yields nothing."""
    if isinstance(doc.data, dict):
        yield from doc.data.get(key) or []
