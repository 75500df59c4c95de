"""Prospect lists as files the team opens: CSV (Excel-ready), XLSX and JSON.

Files are written crash-safe (chainkg.files.atomic_write): never half a file, an existing
file only replaced with ``force``. Text that a spreadsheet would run as a formula
(``=1+1``, ``+``, ``-``, ``@`` …) is written as plain text.
"""

from __future__ import annotations

import csv
import io
import json
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
from chainkg.files import atomic_write, output_suffix
from chainkg.output.spreadsheet import apply_print_settings

__all__ = ["FORMATS", "export_prospects", "gap_rows", "prospect_rows", "spreadsheet_cell"]

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


def spreadsheet_cell(value: Any) -> Any:
    """Text a spreadsheet would evaluate gets a leading apostrophe; everything else is unchanged.

    >>> spreadsheet_cell("=1+1"), spreadsheet_cell("-3"), spreadsheet_cell(-3), spreadsheet_cell("中信")
    ("'=1+1", "'-3", -3, '中信')
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


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
