"""Prospect exports: CSV with BOM for Excel, XLSX with two formatted sheets, JSON; atomic writes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pytest
from openpyxl import load_workbook

from chainkg.diagnosis import diagnose
from chainkg.errors import ConfigError, OutputExistsError
from chainkg.export import atomic_write, export_prospects
from chainkg.ranking import rank


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
    assert sheet.auto_filter.ref == "A1:S7"
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


def test_a_crash_while_writing_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"

    def crash(tmp: Path) -> None:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(path, crash)
    assert list(tmp_path.iterdir()) == []


def test_unknown_suffix(tiny_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"不支持的文件类型「\.txt」"):
        _export(tiny_graph, tmp_path / "p.txt")
