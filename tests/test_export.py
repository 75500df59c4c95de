"""Prospect exports: CSV with BOM for Excel, XLSX with two formatted sheets, JSON; atomic writes."""

from __future__ import annotations

import csv
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from openpyxl import load_workbook

from chainkg.dataset.load import load_valid
from chainkg.model.errors import ConfigError, OutputExistsError
from chainkg.output.export import export_prospects, spreadsheet_cell
from oracle import build_graph, diagnose, rank


def _export(g: nx.MultiDiGraph, path: Path, force: bool = False) -> None:
    diagnosis = diagnose(g)
    names = {a["id"]: a["name"] for _k, a in g.nodes(data=True) if a["label"] in ("Company", "Segment")}
    export_prospects(path, rank(g, diagnosis), diagnosis, names, force)


def test_csv_has_bom_and_chinese_headers(tiny_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    _export(tiny_graph, path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:6] == ["排名", "企业id", "企业", "省份", "城市", "总分"]
    assert rows[1][:3] == ["1", "out-integrator", "外地集成商"]
    assert rows[1][5:8] == ["55", "A 重点对接", "招商目标"]  # 0–100 score, tier, kind
    assert rows[1][15] == "系统集成"
    assert len(rows) == 7


def test_xlsx_sheets_and_formatting(tiny_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    _export(tiny_graph, path)
    book = load_workbook(path)
    assert book.sheetnames == ["招商目标", "链条诊断"]
    sheet = book["招商目标"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:T7"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet["C2"].value == "外地集成商"
    assert 8 <= sheet.column_dimensions["S"].width <= 60
    gaps = book["链条诊断"]
    assert gaps["F1"].value == "状态" and gaps["F2"].value == "断链"
    assert gaps.max_row == 10


def test_json(tiny_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    _export(tiny_graph, path)
    rows = json.loads(path.read_text(encoding="utf-8"))
    assert rows[0]["company_id"] == "out-integrator" and "details" not in rows[0]


def test_existing_file_is_kept_without_force(tiny_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("keep me", encoding="utf-8")
    with pytest.raises(OutputExistsError):
        _export(tiny_graph, path)
    assert path.read_text(encoding="utf-8") == "keep me"
    _export(tiny_graph, path, force=True)
    assert path.read_text(encoding="utf-8-sig").startswith("排名")


def test_unknown_suffix(tiny_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"不支持的文件类型「\.txt」"):
        _export(tiny_graph, tmp_path / "p.txt")


# ---------------------------------------------------------------- issue 8: modes, temp files, formulas

def test_new_file_gets_the_umask_mode_and_a_replaced_file_keeps_its_mode(
        tiny_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    old = os.umask(0o022)
    try:
        _export(tiny_graph, path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
        path.chmod(0o640)
        _export(tiny_graph, path, force=True)
        assert stat.S_IMODE(path.stat().st_mode) == 0o640
        os.umask(0o077)
        _export(tiny_graph, tmp_path / "q.xlsx")
        assert stat.S_IMODE((tmp_path / "q.xlsx").stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_temp_files_of_a_killed_run_are_removed_by_the_next_one(
        tiny_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    # A run killed with kill -9 leaves its temp file; its process id no longer exists.
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    stale = tmp_path / f".k.xlsx.{dead.stdout.strip()}-0badc0de.chainkg.tmp"
    stale.write_bytes(b"half a file")
    alive = tmp_path / f".k.xlsx.{os.getpid()}-00000000.chainkg.tmp"  # a run still going: kept
    alive.write_bytes(b"in progress")
    _export(tiny_graph, tmp_path / "k.xlsx")
    assert not stale.exists() and alive.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [alive.name, "k.xlsx"]


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("中信重工", "中信重工"), ("a=1", "a=1"), (-1.5, -1.5), (3, 3), ("", ""),
])
def test_spreadsheet_cell(value: object, expected: object) -> None:
    assert spreadsheet_cell(value) == expected


@pytest.fixture
def formula_company(edit) -> nx.MultiDiGraph:  # type: ignore[no-untyped-def]
    data = edit("companies.csv", "out-integrator,外地集成商", "out-integrator,=1+1")
    return build_graph(load_valid(data)[0])


def test_formulas_are_neutralised_in_csv(formula_company: nx.MultiDiGraph, tmp_path: Path) -> None:
    _export(formula_company, tmp_path / "p.csv")
    rows = list(csv.reader((tmp_path / "p.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows[1][2] == "'=1+1"


def test_formulas_are_plain_text_in_xlsx(formula_company: nx.MultiDiGraph, tmp_path: Path) -> None:
    _export(formula_company, tmp_path / "p.xlsx")
    cell = load_workbook(tmp_path / "p.xlsx")["招商目标"]["C2"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_formulas_are_neutralised_in_csv_on_stdout(edit) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from chainkg.cli.main import app

    data = edit("companies.csv", "out-integrator,外地集成商", "out-integrator,@cmd")
    result = CliRunner().invoke(app, ["rank", "-f", "csv", "--data", str(data)])
    assert result.exit_code == 0
    assert list(csv.reader(result.stdout.splitlines()))[1][2] == "'@cmd"
