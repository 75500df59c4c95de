"""Print settings shared by the report and the prospects export; text never becomes a formula."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from chainkg.cli.main import app
from chainkg.output.spreadsheet import Sheet, write_workbook


def test_prospects_export_gets_the_print_settings(tiny_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "prospects.xlsx"
    result = CliRunner().invoke(app, ["export", "prospects", "--data", str(tiny_dir), "-o", str(out)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.print_title_rows == "$1:$1" and ws.freeze_panes == "A2"
    reasons = next(c for c in book["招商目标"][1] if c.value == "理由").column_letter
    assert book["招商目标"][f"{reasons}2"].alignment.wrap_text is True


def test_write_workbook_formats_wraps_and_keeps_formula_text_as_text(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    write_workbook(out, [Sheet("表", ["名称", "分数", "说明"], [["=1+1", 0.5, "@SUM(A1)"], ["+x", 1.0, "-2"]],
                               formats={"分数": "0.0%"}, wrap={"说明"})])
    ws = load_workbook(out)["表"]
    assert [(c.value, c.data_type) for c in ws["A"][1:]] == [("=1+1", "s"), ("+x", "s")]
    assert ws["B2"].number_format == "0.0%" and ws["C2"].alignment.wrap_text is True
    assert ws["A2"].alignment.wrap_text is not True and ws.auto_filter.ref == "A1:C3"


def test_wrapped_rows_get_the_height_their_text_needs(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    # Width 12 holds 11 columns a line: 30 CJK characters (60 columns) take 6 lines, "a\nb" two.
    write_workbook(out, [Sheet("表", ["说明"], [["中" * 30], ["a\nb"], ["短"]], wrap={"说明"}, widths={"说明": 12})])
    ws = load_workbook(out)["表"]
    assert [ws.row_dimensions[r].height for r in (2, 3, 4)] == [92, 32, None]
