"""The bundled chains' import rules: every segment has keywords, and a robot export lands where it should."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from chainkg.dataset.load import load_valid
from chainkg.importing import import_companies
from chainkg.importing.rules import SegmentRules
from conftest import BUNDLED
from import_helpers import row, write_xlsx


def test_every_bundled_segment_has_keywords_and_well_formed_codes() -> None:
    data, _warnings = load_valid(BUNDLED)
    assert [s.id for s in data.segments if not s.keywords] == []
    assert all(len(word) >= 2 for s in data.segments for word in (*s.keywords, *s.exclude_keywords))


@pytest.mark.parametrize(("scope", "code", "expected"), [
    ("谐波减速器、RV减速器的研发与制造", "", [("robotics-reducer", "core")]),
    ("工业机器人制造；工业机器人安装、维修", "C3491", [("robotics-industrial-body", "core")]),
    ("伺服电机、伺服驱动器研发、生产", "", [("robotics-servo", "core")]),
    ("协作机器人的研发与销售", "", [("robotics-cobot", "core")]),
    ("机器视觉系统、工业相机研发", "", [("robotics-sensor-vision", "core")]),
    ("协作机器人销售", "", [("robotics-cobot", "secondary")]),  # a trader's first item: weak
    ("齿轮箱制造；工业机器人销售", "", []),  # a maker's 销售 item is what it sells on
    ("数控机床、加工中心制造", "C3421", [("robotics-cnc", "core")]),
    ("机电机械设备销售；五金产品批发", "", []),  # 电机 must not fire inside 机电机械
])
def test_robot_companies_land_in_the_right_segments(scope: str, code: str, expected: list[tuple[str, str]]) -> None:
    data, _warnings = load_valid(BUNDLED)
    matches = SegmentRules(data.segments).match([("经营范围", scope)], code or None)
    assert [(m.segment_id, m.role) for m in matches] == expected


def test_importing_a_robot_export_into_the_bundled_data_validates(tmp_path: Path) -> None:
    target = tmp_path / "data"
    shutil.copytree(BUNDLED, target)
    rows = [row("深圳某某谐波传动有限公司", 所属省份="广东", 所属城市="深圳", 经营范围="谐波减速器研发、制造"),
            row("中信重工机械股份有限公司", 参保人数=8000)]
    report = import_companies(write_xlsx(tmp_path / "robots.xlsx", rows), target)
    assert len(report.new) == 1 and [n.company_id for n in report.updated] == ["citic-heavy"]
    assert load_valid(target)[1] == []
    segments = list(csv.DictReader(io.StringIO((target / "company_segments.csv").read_text(encoding="utf-8"))))
    assert [(r["segment_id"], r["source"]) for r in segments if r["company_id"] == report.new[0].company_id] == [
        ("robotics-reducer", "导入规则: 经营范围含「谐波减速器」")]


README = Path(__file__).resolve().parents[1] / "README.md"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "示例导出-机器人企业.csv"


def test_readme_dry_run_summary_is_what_the_command_prints(tmp_path: Path) -> None:
    target = tmp_path / "kg"
    shutil.copytree(BUNDLED, target)
    report = import_companies(EXAMPLE, target, dry_run=True)
    assert f"   {report.summary()}\n" in README.read_text(encoding="utf-8")


def test_readme_column_table_lists_every_recognised_header() -> None:
    from chainkg.importing import HEADERS

    section = README.read_text(encoding="utf-8").split("### Default column mapping")[1].split("###")[0]
    for field, headers in HEADERS.items():
        line = next(ln for ln in section.splitlines() if ln.startswith(f"| `{field}` |"))
        assert line.split(" | ")[1].split("，")[0] == "、".join(headers)
