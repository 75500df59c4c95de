"""Reading exports row by row: .xlsx streamed with openpyxl, .csv/.txt in the encodings Excel saves.

Nothing here knows what the columns mean. Each reader yields ``(number, cells)`` where
``number`` is the sheet row (XLSX) or the first physical line (CSV) and ``cells`` are texts,
so a 200k-row sheet is never held in memory.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from chainkg.model.errors import ImportFileError
from chainkg.model.issues import DataIssue

__all__ = ["Progress", "SourceRows", "open_source"]

Progress = Callable[[int, int | None], None]  # (done, total) in the source's own unit
_CHUNK = 1 << 20
_PROGRESS_EVERY = 2000


@dataclass
class SourceRows:
    """The rows of one export; ``rows`` is a one-shot iterator."""

    name: str
    kind: str  # "xlsx" or the CSV encoding that was detected
    rows: Iterator[tuple[int, list[str]]]


def _fail(name: str, message: str, line: int | None = None) -> ImportFileError:
    return ImportFileError([DataIssue(level="error", file=name, line=line, message=message)])


def open_source(path: Path, sheet: str | None = None, progress: Progress | None = None) -> SourceRows:
    """Open an export by its suffix: .xlsx/.xlsm as a workbook, anything else as delimited text."""
    if not path.is_file():
        raise _fail(path.name, f"文件不存在：{path}")
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return SourceRows(path.name, "xlsx", _xlsx_rows(path, sheet, progress))
    if path.suffix.lower() == ".xls":
        raise _fail(path.name, "不支持旧版 .xls 文件；请在 Excel/WPS 中另存为 .xlsx 或 CSV UTF-8 后再导入")
    if sheet is not None:
        raise _fail(path.name, "--sheet 只适用于 .xlsx 文件")
    encoding = _detect_encoding(path)
    return SourceRows(path.name, encoding, _text_rows(path, encoding, progress))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_rows(path: Path, sheet: str | None, progress: Progress | None) -> Iterator[tuple[int, list[str]]]:
    # Imported lazily: openpyxl is only needed for workbooks.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # InvalidFileException, zipfile.BadZipFile, KeyError …: not a workbook
        raise _fail(path.name, f"无法作为 Excel 工作簿打开（{type(exc).__name__}）；"
                    "文件是否损坏，或其实是 CSV？") from None
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise _fail(path.name, f"工作表「{sheet}」不存在；已有：{'、'.join(workbook.sheetnames)}")
        worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        total = worksheet.max_row
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            if progress is not None and number % _PROGRESS_EVERY == 0:
                progress(number, total)
            yield number, [_cell_text(v) for v in values]
        if progress is not None:
            progress(total or 0, total)
    finally:
        workbook.close()


def _detect_encoding(path: Path) -> str:
    """utf-16 (BOM), utf-8-sig, utf-8 or gb18030: the first that decodes the whole file."""
    with path.open("rb") as raw:
        head = raw.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    candidates = ["utf-8-sig"] if head.startswith(codecs.BOM_UTF8) else ["utf-8", "gb18030"]
    bad_line: int | None = None
    for encoding in candidates:
        line = _undecodable_line(path, encoding)
        if line is None:
            return encoding
        bad_line = bad_line or line
    raise _fail(path.name, "文件编码无法识别（不是 UTF-8、GB18030 或 UTF-16）；"
                "请在 Excel/WPS 中另存为「CSV UTF-8（逗号分隔）」后再导入", bad_line)


def _undecodable_line(path: Path, encoding: str) -> int | None:
    """The line of the first byte that does not decode, or None when the whole file does."""
    decoder = codecs.getincrementaldecoder(encoding)()
    lines_before = 0
    with path.open("rb") as raw:
        while chunk := raw.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return lines_before + chunk[: max(exc.start, 0)].count(b"\n") + 1
            lines_before += chunk.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return lines_before + 1
    return None


class _CountingReader(io.RawIOBase):
    """A binary file that remembers how many bytes were read (for the progress bar)."""

    def __init__(self, inner: IO[bytes]) -> None:
        self.inner = inner
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.inner.read(len(buffer))
        buffer[: len(data)] = data
        self.done += len(data)
        return len(data)


def _text_rows(path: Path, encoding: str, progress: Progress | None) -> Iterator[tuple[int, list[str]]]:
    total = path.stat().st_size
    with path.open("rb") as raw:
        counter = _CountingReader(raw)
        text = io.TextIOWrapper(io.BufferedReader(counter), encoding=encoding, newline="")
        first = text.readline()
        # Excel's "Unicode text" is tab-separated; CSV exports use commas.
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
        reader = csv.reader(_chain_first(first, text), delimiter=delimiter)
        start = 1
        try:
            for count, values in enumerate(reader, start=1):
                line, start = start, reader.line_num + 1
                if progress is not None and count % _PROGRESS_EVERY == 0:
                    progress(counter.done, total)
                yield line, [v.strip() for v in values]
        except csv.Error as exc:
            raise _fail(path.name, f"CSV 格式错误：{exc}（检查引号是否成对）", reader.line_num) from None
        if progress is not None:
            progress(total, total)


def _chain_first(first: str, rest: IO[str]) -> Iterator[str]:
    yield first
    yield from rest
