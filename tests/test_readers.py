"""CSV as Excel/WPS save it: BOM, GBK, UTF-16, stray and full-width spaces."""

from __future__ import annotations

from pathlib import Path

from chainkg.dataset.load import load_dataset
from chainkg.dataset.readers import read_csv, read_yaml

ROWS = "id,name\nyituo,中国一拖\n"


def test_utf8_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ROWS.encode("utf-8"))
    table = read_csv(path, ("id", "name"))
    assert table.issues == []
    assert table.rows == [(2, {"id": "yituo", "name": "中国一拖"})]


def test_gbk_is_read_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(ROWS.encode("gbk"))
    table = read_csv(path, ("id", "name"))
    assert table.rows == [(2, {"id": "yituo", "name": "中国一拖"})]
    assert [i.level for i in table.issues] == ["warning"]
    assert "GBK/GB18030" in table.issues[0].message and "CSV UTF-8" in table.issues[0].message


def test_utf16_stops_with_how_to_resave(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(ROWS.encode("utf-16"))
    table = read_csv(path, ("id", "name"))
    assert table.rows == []
    [issue] = table.issues
    assert issue.level == "error" and issue.line == 1
    assert "另存为 → CSV UTF-8" in issue.message


def test_undecodable_bytes_stop_with_the_line(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"id,name\nyituo,ok\nbad,\x80\xff\xfe\n")
    table = read_csv(path, ("id", "name"))
    [issue] = table.issues
    assert issue.level == "error" and issue.line == 3


def test_whitespace_and_fullwidth_spaces_are_stripped(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id , name\n  yituo\u3000,\u3000中国一拖  \n", encoding="utf-8")
    table = read_csv(path, ("id", "name"))
    assert table.rows == [(2, {"id": "yituo", "name": "中国一拖"})]


def test_quoted_multiline_value_keeps_the_start_line(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('id,name\na,"第一行\n第二行"\nb,乙\n', encoding="utf-8")
    table = read_csv(path, ("id", "name"))
    assert [(line, row["id"]) for line, row in table.rows] == [(2, "a"), (4, "b")]


def test_blank_rows_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,name\n,\na,甲\n,,\n", encoding="utf-8")
    assert [line for line, _row in read_csv(path, ("id", "name")).rows] == [3]


def test_whole_data_set_saved_by_excel_as_gbk_loads(tiny_copy: Path) -> None:
    path = tiny_copy / "companies.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_text(encoding="utf-8").encode("utf-8"))
    rel = tiny_copy / "relations.csv"
    rel.write_bytes(rel.read_text(encoding="utf-8").encode("gb18030"))
    dataset, issues = load_dataset(tiny_copy)
    assert dataset is not None
    assert [(i.level, i.file) for i in issues] == [("warning", "relations.csv")]
    assert dataset.relations[0].note == "供应集成服务"


def test_a_yaml_key_that_is_a_list_is_a_syntax_error_with_its_line(tmp_path: Path) -> None:
    # Found by the mutation property test: `? [a, b]` made PyYAML build a dict with a list key (TypeError).
    path = tmp_path / "chains.yaml"
    path.write_text("fields:\n  ? [a, b]\n  : 1\n", encoding="utf-8")
    doc = read_yaml(path)
    assert doc.data is None
    assert [(i.line, i.message) for i in doc.issues] == [
        (2, "YAML 语法错误：键不能是列表或映射（多半是多了 ? 或方括号）（found unhashable key）（检查缩进和冒号）")]
