"""Prospect lists as files the team opens: CSV (Excel-ready), XLSX and JSON.

Files are written to a temporary file beside the target and renamed into place, so a
crash never leaves half a file, and an existing file is only replaced with ``force``.
A new file gets the usual mode (0666 less the umask), a replaced file keeps its mode, and
temporary files left by a killed run are removed by the next one. Text that a spreadsheet
would run as a formula (``=1+1``, ``+``, ``-``, ``@`` …) is written as plain text.
"""

from __future__ import annotations

import csv
import io
import json
import os
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from chainkg.analysis.diagnosis import STATUS_LABELS, SegmentDiagnosis
from chainkg.analysis.prospects import (
    COMPONENT_LABELS,
    KIND_LABELS,
    SHORTLIST_COMPONENTS,
    STAGE_LABELS,
    TIER_LABELS,
    Prospect,
)
from chainkg.model.errors import ConfigError, OutputError, OutputExistsError
from chainkg.output.spreadsheet import apply_print_settings

__all__ = ["FORMATS", "atomic_write", "check_output", "export_prospects", "gap_rows", "output_suffix", "prospect_rows",
           "spreadsheet_cell"]

FORMATS = (".csv", ".xlsx", ".json")

PROSPECT_HEADERS = ["排名", "企业id", "企业", "省份", "城市", "总分", "档次", "类别",
                    *[COMPONENT_LABELS[c] for c in SHORTLIST_COMPONENTS],
                    "填补环节", "招商进度", "首要理由", "理由", "另列原因"]
GAP_HEADERS = ["环节id", "环节", "产业链", "领域", "链位", "状态", "严重度", "本地强度",
               "本地企业", "战略伙伴", "候选企业数", "延链（相邻强链）"]
WRAPPED = {"理由", "首要理由", "填补环节", "本地企业", "延链（相邻强链）", "另列原因"}
STAGE_NAMES = {"upstream": "上游", "midstream": "中游", "downstream": "下游"}


def prospect_rows(prospects: list[Prospect], names: dict[str, str]) -> list[list[Any]]:
    """One row per prospect, in PROSPECT_HEADERS order; ``names`` maps segment ids to names."""
    return [
        [p.rank, p.company_id, p.company, p.province, p.city, p.points, TIER_LABELS[p.tier],
         KIND_LABELS[p.kind], *[p.components.get(c, "") for c in SHORTLIST_COMPONENTS],
         "、".join(names.get(s, s) for s in p.fills),
         STAGE_LABELS.get(p.pipeline_stage or "", ""), p.headline, "；".join(p.reasons), p.kind_reason]
        for p in prospects
    ]


def gap_rows(diagnosis: list[SegmentDiagnosis], names: dict[str, str]) -> list[list[Any]]:
    """One row per segment, in GAP_HEADERS order; ``names`` maps company/segment ids to names."""
    return [
        [d.segment_id, d.segment, d.chain, d.field, STAGE_NAMES.get(d.stage, d.stage),
         STATUS_LABELS[d.status], d.severity, d.strength,
         "、".join(names.get(c, c) for c in d.local_companies),
         "、".join(names.get(c, c) for c in d.partner_companies),
         d.candidate_count, "、".join(names.get(s, s) for s in d.extends)]
        for d in diagnosis
    ]


# Cells starting with these are formulas to Excel/WPS/LibreOffice (CSV injection, OWASP).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_TMP_SUFFIX = ".chainkg.tmp"


def spreadsheet_cell(value: Any) -> Any:
    """Text a spreadsheet would evaluate gets a leading apostrophe; everything else is unchanged.

    >>> spreadsheet_cell("=1+1"), spreadsheet_cell("-3"), spreadsheet_cell(-3), spreadsheet_cell("中信")
    ("'=1+1", "'-3", -3, '中信')
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale_temps(path: Path) -> None:
    """Temporary files of runs that were killed (their process is gone) are removed."""
    for tmp in path.parent.glob(f".{path.name}.*{_TMP_SUFFIX}"):
        pid = tmp.name[len(path.name) + 2:].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            tmp.unlink(missing_ok=True)


def _unwritable(path: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or type(exc).__name__
    return OutputError(f"无法写入 {path}：{reason}（检查目录是否存在、是否有写权限，或换一个 -o 路径）")


def output_suffix(path: Path, formats: Sequence[str]) -> str:
    """The lower-case suffix of an output file; ConfigError when it is not one of ``formats``."""
    suffix = path.suffix.lower()
    if suffix not in formats:
        raise ConfigError(f"不支持的文件类型「{path.suffix}」：请用 {'、'.join(formats)}")
    return suffix


def _check_target(path: Path, force: bool) -> None:
    if path.is_dir():
        raise OutputError(f"{path} 是一个目录，不能作为输出文件；请写出文件名，如 {path / ('招商目标' + path.suffix)}")
    if path.exists() and not force:
        raise OutputExistsError(f"文件已存在：{path}（加 --force 覆盖）")
    if not path.parent.is_dir():
        raise ConfigError(f"目录不存在：{path.parent}")


def _temp_beside(path: Path) -> Path:
    """A new temporary file beside ``path`` (its name says which process made it)."""
    tmp = path.parent / f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}{_TMP_SUFFIX}"
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))  # the umask applies
    return tmp


def check_output(path: Path, formats: Sequence[str] | None, force: bool = False) -> str:
    """The cheap checks of an output file, made before any slow work (loading, ranking, drawing):
    a known suffix (any when ``formats`` is None), not a directory, no existing file without
    ``force``, and a directory that exists and takes a new file (tried with an empty temporary
    file, removed at once). Returns the suffix."""
    suffix = path.suffix.lower() if formats is None else output_suffix(path, formats)
    _check_target(path, force)
    try:
        _temp_beside(path).unlink()
    except OSError as exc:
        raise _unwritable(path, exc) from None
    return suffix


def atomic_write(path: Path, write: Callable[[Path], None], force: bool = False) -> None:
    """Call ``write(tmp)`` and move tmp onto ``path``; refuse to replace a file unless ``force``."""
    _check_target(path, force)
    mode = path.stat().st_mode & 0o7777 if path.exists() else None
    try:
        _remove_stale_temps(path)
        tmp = _temp_beside(path)
    except OSError as exc:
        raise _unwritable(path, exc) from None
    try:
        write(tmp)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        raise _unwritable(path, exc) from None
    finally:
        tmp.unlink(missing_ok=True)


def _write_csv(tmp: Path, headers: list[str], rows: list[list[Any]]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows([spreadsheet_cell(v) for v in row] for row in rows)
    # UTF-8 with BOM: without it Excel on Windows reads Chinese as mojibake.
    tmp.write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")


def _write_xlsx(tmp: Path, sheets: list[tuple[str, list[str], list[list[Any]]]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if cell.data_type == "f":  # openpyxl reads text starting with "=" as a formula
                    cell.data_type = "s"
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        for index, header in enumerate(headers, start=1):
            values = [header, *(row[index - 1] for row in rows[:200])]
            # CJK characters are about two columns wide; cap long text (reasons) at 60.
            width = max(sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(v)) for v in values)
            sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)
        apply_print_settings(sheet, wrap_columns=[i for i, h in enumerate(headers, start=1) if h in WRAPPED])
    book.save(tmp)


def export_prospects(
    path: Path, prospects: list[Prospect], diagnosis: list[SegmentDiagnosis],
    names: dict[str, str], force: bool = False,
) -> None:
    """Write prospects (and, in XLSX, the gaps sheet) to .csv, .xlsx or .json."""
    suffix = output_suffix(path, FORMATS)
    if suffix == ".csv":
        rows = prospect_rows(prospects, names)
        atomic_write(path, lambda tmp: _write_csv(tmp, PROSPECT_HEADERS, rows), force)
    elif suffix == ".xlsx":
        sheets = [("招商目标", PROSPECT_HEADERS, prospect_rows(prospects, names)),
                  ("链条诊断", GAP_HEADERS, gap_rows(diagnosis, names))]
        atomic_write(path, lambda tmp: _write_xlsx(tmp, sheets), force)
    else:
        payload = json.dumps([p.model_dump(exclude={"details"}) for p in prospects],
                             ensure_ascii=False, indent=2)
        atomic_write(path, lambda tmp: _write_text(tmp, payload + "\n"), force)


def _write_text(tmp: Path, text: str) -> None:
    tmp.write_text(text, encoding="utf-8")
