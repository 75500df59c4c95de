"""Hand-made enterprise-database exports for the import tests (written by the tests themselves)."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from openpyxl import Workbook

from chainkg.dataset.uscc import uscc_problem

TINY = Path(__file__).parent / "data" / "tiny"

# 企查查-style header: every recognised column plus one the importer does not know (联系电话).
HEADER = ["企业名称", "统一社会信用代码", "曾用名", "登记状态", "法定代表人", "注册资本", "成立日期",
          "所属省份", "所属城市", "所属区县", "企业地址", "企业类型", "国标行业", "参保人数", "股票代码",
          "经营范围", "企业标签", "联系电话"]

# Import rules added to the tiny data set's segments (after their stage: line).
RULES = {
    "robot-parts": "    keywords: [机器人零部件]\n",
    "robot-reducer": "    keywords: [减速器, 减速机]\n    industry_codes: [C3453]\n",
    "robot-servo": "    keywords: [伺服, 电机]\n    exclude_keywords: [电动车]\n",
    "robot-body": "    keywords: [工业机器人]\n    industry_codes: [C3491]\n",
    "robot-integration": "    keywords: [系统集成, 自动化生产线]\n",
    "chip-wafer": "    keywords: [硅片]\n",
    "chip-fab": "    keywords: [晶圆]\n",
}


def uscc(prefix17: str) -> str:
    """A USCC with the right check digit for a 17-character prefix."""
    return next(prefix17 + c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if uscc_problem(prefix17 + c) is None)


def rules_data(target: Path) -> Path:
    """A copy of the tiny data set whose segments carry the RULES above."""
    shutil.copytree(TINY, target)
    path = target / "chains.yaml"
    lines, current = [], None
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        if line.strip().startswith("- id:"):
            current = line.split(":", 1)[1].strip()
        lines.append(line)
        if line.strip().startswith("stage:") and current in RULES:
            lines.append(RULES[current])
    path.write_text("".join(lines), encoding="utf-8")
    return target


def row(name: str, **values: object) -> list[object]:
    """One export row in HEADER order, from Chinese column names given as keyword arguments."""
    return [name, *[values.get(column, "") for column in HEADER[1:]]]


def write_xlsx(path: Path, rows: list[list[object]], header: list[str] = HEADER, title: bool = True,
               sheet: str | None = None) -> Path:
    """An .xlsx as the platforms export it: a title row, then the header, then the rows."""
    workbook = Workbook()
    worksheet = workbook.active
    if sheet:
        worksheet.title = sheet
    if title:
        worksheet.append([f"共 {len(rows)} 条数据（导出自测试）"])
    worksheet.append(header)
    for values in rows:
        worksheet.append(values)
    workbook.save(path)
    return path


def write_text(path: Path, rows: list[list[object]], encoding: str, delimiter: str = ",",
               header: list[str] = HEADER) -> Path:
    """A delimited text export in the given encoding (utf-8-sig, gb18030, utf-16 …)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([["" if v is None else str(v) for v in r] for r in rows])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def snapshot(data: Path) -> dict[str, bytes]:
    """Every file of a data directory, byte for byte."""
    return {p.name: p.read_bytes() for p in sorted(data.iterdir())}
