"""``chainkg import companies``: parse options, run the importer, print its report."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from chainkg.cli.terminal import ChineseCommand, ChineseGroup, at_least, err, handle_errors, out, print_json

if TYPE_CHECKING:  # the importer (jieba, polars, the loader) is imported by the commands that run it
    from chainkg.importing import ImportReport
    from chainkg.importing.sources import Progress as ProgressCallback

__all__ = ["import_app"]

import_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, cls=ChineseGroup,
                         help="导入企业数据（企查查/天眼查/启信宝等导出的 Excel/CSV）。")


class ReportFormat(StrEnum):
    table = "table"
    json = "json"


@contextmanager
def _progress_bar(name: str) -> Iterator[ProgressCallback | None]:
    """A rich progress bar on stderr when it is a terminal; nothing in pipes and tests."""
    if not err.is_terminal:
        yield None
        return
    # (imported here: rich.progress is a fifth of the start-up time of every other command)
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

    columns = (TextColumn(f"读取 {name}"), BarColumn(), TaskProgressColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("import", total=None)

        def update(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield update


@import_app.command("companies", cls=ChineseCommand)
@handle_errors
def companies(
    file: Annotated[Path, typer.Argument(help="导出文件：.xlsx，或 .csv/.txt（UTF-8、GB18030、UTF-16 制表符分隔）")],
    mapping: Annotated[Path | None, typer.Option(
        "--mapping", help="列映射文件（YAML），见 README「Importing companies」")] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="工作表名称（默认第一个）")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只显示将发生的变化，不写入任何文件")] = False,
    data: Annotated[Path | None, typer.Option("--data", help="数据目录（默认同其他命令）", show_default=False)] = None,
    show: Annotated[int, typer.Option("--show", help="每类列出前 N 行（0 为不列）", callback=at_least(0))] = 10,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="报告格式：table 或 json")] = ReportFormat.table,
) -> None:
    """导入企业名单：识别列、去重、按关键词/国标行业归入环节，写入 companies.csv 与 company_segments.csv。"""
    from chainkg.dataset.load import default_data_dir
    from chainkg.importing import import_companies

    with _progress_bar(file.name) as progress:
        report = import_companies(file, data or default_data_dir(), mapping, sheet, dry_run, progress)
    if fmt is ReportFormat.json:
        print_json(report)
        return
    for table in _report_tables(report, show):
        out.print(table)
    out.print(report.summary(), markup=False, highlight=False, soft_wrap=True)


def _report_tables(report: ImportReport, show: int) -> Iterator[Table]:
    from chainkg.importing import CATEGORY_LABELS, FIELD_LABELS

    recognised = Table(title=f"识别的列（表头在第 {report.header_row} 行，编码 {report.encoding}）")
    recognised.add_column("字段")
    recognised.add_column("导出文件的列")
    for name, headers in report.columns.items():
        recognised.add_row(FIELD_LABELS.get(name, name), "、".join(headers))
    if report.unknown_columns:
        recognised.add_row("未识别（未导入）", "、".join(report.unknown_columns))
    yield recognised
    counts = Table(title="导入结果")
    counts.add_column("类别")
    counts.add_column("数量", justify="right")
    for name, label in CATEGORY_LABELS.items():
        counts.add_row(label, str(len(getattr(report, name))))
    counts.add_row("企业—环节对应：新增 / 删除", f"{report.segment_rows_added} / {report.segment_rows_removed}")
    if report.place_sources:  # places the columns did not give: say where they came from
        counts.add_row("地点取自：地址 / 统一社会信用代码",
                       f"{report.place_sources.get('地址', 0)} / {report.place_sources.get('统一社会信用代码', 0)}")
    yield counts
    for name, label in CATEGORY_LABELS.items():
        notes = getattr(report, name)
        if not notes or show <= 0:
            continue
        table = Table(title=f"{label}（前 {min(show, len(notes))} 行，共 {len(notes)} 行）")
        for column in ("行", "企业", "id", "说明"):
            table.add_column(column)
        for note in notes[:show]:
            table.add_row(str(note.row), note.name, note.company_id or "", note.detail)
        yield table
