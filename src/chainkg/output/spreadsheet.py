"""XLSX sheets that print well and cannot run formulas: shared by the report and the exports.

Print-ready means: landscape A4, fit to the page width (as many pages down as needed), the
header row repeated on every printed page, wrapped text in long columns, number formats,
frozen header and filters. Every text cell is stored as a string, never as a formula:
openpyxl turns any str starting with "=" into a formula, so text from the data (a company
name "=HYPERLINK(…)") would run in the reader's office suite otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "AMOUNT_FORMAT",
    "CJK_FONT",
    "MIN_PRINT_PT",
    "PERCENT_FORMAT",
    "SEVERITY_FORMAT",
    "Sheet",
    "apply_print_settings",
    "set_cell",
    "text_width",
    "write_workbook",
]

PERCENT_FORMAT = "0%"
AMOUNT_FORMAT = '#,##0.0 "亿元"'
SEVERITY_FORMAT = "0.00"
_MAX_WIDTH = 60
_LINE_HEIGHT = 15  # points per line of 11-point text
# Named, not left to the office suite: LibreOffice otherwise mixes a Japanese CJK face and DejaVu.
# Office on Windows substitutes its own Chinese face (等线/宋体) by the GB2312 charset when absent.
CJK_FONT = "Noto Sans CJK SC"
MIN_PRINT_PT = 7.0
_POINTS_PER_WIDTH = 6.0
_A4_PRINTABLE_PT = 730.0
_GB2312 = 134


@dataclass
class Sheet:
    """One worksheet: headers, rows, and per-header number formats and wrapped columns."""

    title: str
    headers: list[str]
    rows: list[list[Any]]
    formats: dict[str, str] = field(default_factory=dict)  # header → number format
    wrap: set[str] = field(default_factory=set)  # headers whose text wraps
    widths: dict[str, float] = field(default_factory=dict)  # header → fixed width


def text_width(value: Any) -> int:
    """Display width of a value: CJK characters are about two columns wide."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(value))


def set_cell(sheet: Any, row: int, column: int, value: Any) -> Any:
    """Write one value; text is always stored as a string, never as a formula."""
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl made "=…" a formula; a string cannot run
    return cell


def apply_print_settings(sheet: Any, header_rows: int = 1, wrap_columns: Sequence[int] = (),
                         title_rows: int = 0) -> None:
    """Landscape, fit to width, repeated header rows, frozen header, filters, wrapped columns.

    ``wrap_columns`` are 1-based column indexes whose cells wrap (reasons, long lists); call
    this after setting the column widths, which the wrapped rows' heights are measured against.
    ``title_rows`` rows above the header (a title line) are neither repeated nor filtered.
    """
    from openpyxl.styles import Alignment

    sheet.page_setup.orientation = "landscape"
    # Fit to width shrinks the text: a sheet too wide to print its 11-point text at 7 points or more
    # on A4 goes on A3 (a width unit prints at about 6 points; A4 landscape holds about 730 inside margins).
    total = sum((sheet.column_dimensions[c.column_letter].width or 13) for c in sheet[header_rows + title_rows])
    wide = total * _POINTS_PER_WIDTH * MIN_PRINT_PT / 11 > _A4_PRINTABLE_PT
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A3 if wide else sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    first = title_rows + 1
    sheet.print_title_rows = f"{first}:{title_rows + header_rows}"
    sheet.print_options.gridLines = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.freeze_panes = sheet.cell(row=title_rows + header_rows + 1, column=1).coordinate
    sheet.auto_filter.ref = f"A{first}:{sheet.dimensions.split(':')[-1]}"
    top = Alignment(vertical="top")
    wrapped = Alignment(vertical="top", wrap_text=True)
    wrap = set(wrap_columns)
    for row in sheet.iter_rows(min_row=title_rows + header_rows + 1):
        lines = 1
        for cell in row:
            cell.alignment = wrapped if cell.column in wrap else top
            if cell.column in wrap and cell.value is not None:
                width = sheet.column_dimensions[cell.column_letter].width or 13
                per_line = max(int(width) - 1, 1)
                lines = max(lines, sum(max(1, -(-text_width(part) // per_line))
                                       for part in str(cell.value).split("\n")))
        if lines > 1:
            # Office suites do not all re-measure rows on opening (LibreOffice keeps the default
            # height), so wrapped text would print cut off: set the height the text needs.
            sheet.row_dimensions[row[0].row].height = min(_LINE_HEIGHT * lines + 2, 409)


def _fill_sheet(book: Any, spec: Sheet, title: str | None = None) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(spec.title)
    top = 1 if title else 0  # the title line above the header row
    if title:
        set_cell(sheet, 1, 1, f"{title} · {spec.title}").font = Font(name=CJK_FONT, charset=_GB2312, bold=True, size=14)
        sheet.row_dimensions[1].height = 24
        # Printed on every page: the title, the sheet, and 第 N 页，共 M 页.
        sheet.oddHeader.center.text = title.replace("&", "&&")
        sheet.oddFooter.left.text = "&A"
        sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
        for item in (sheet.oddHeader.center, sheet.oddFooter.left, sheet.oddFooter.center):
            item.font = f"{CJK_FONT},Regular"
    for column, header in enumerate(spec.headers, start=1):
        cell = set_cell(sheet, top + 1, column, header)
        cell.font = Font(name=CJK_FONT, charset=_GB2312, bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="24292F")
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    body = Font(name=CJK_FONT, charset=_GB2312)
    for r, row in enumerate(spec.rows, start=top + 2):
        for column, value in enumerate(row, start=1):
            set_cell(sheet, r, column, value).font = body
    for column, header in enumerate(spec.headers, start=1):
        letter = get_column_letter(column)
        fmt = spec.formats.get(header)
        if fmt:
            for (cell,) in sheet.iter_rows(min_row=top + 2, min_col=column, max_col=column):
                cell.number_format = fmt
        if header in spec.widths:
            width = spec.widths[header]
        else:
            values = [header, *(row[column - 1] for row in spec.rows[:200])]
            width = min(max(max(text_width(v) for v in values) + 2, 8), _MAX_WIDTH)
        sheet.column_dimensions[letter].width = width
    wrap = [i for i, h in enumerate(spec.headers, start=1) if h in spec.wrap]
    apply_print_settings(sheet, wrap_columns=wrap, title_rows=top)


def write_workbook(path: Path, sheets: list[Sheet], title: str | None = None) -> None:
    """Write print-ready sheets to an XLSX file (callers wrap this in ``atomic_write``).

    With a ``title``, each sheet starts with it on a line of its own and prints it in the page
    header, with page numbers in the footer.
    """
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        _fill_sheet(book, spec, title)
    book.save(path)
