"""``chainkg import signals FILE``: append public signals (融资, 扩产 …) to signals.csv.

The file is read as the data files are (UTF-8 with or without BOM, or GBK as Excel/WPS
save it; see chainkg.dataset.readers), with English or Chinese headers (企业, 日期, 类型, 说明,
来源, 链接). Every row is checked as signals.csv rows are (chainkg.model.records.Signal): the
company must exist (its id, name or alias), the date is a day (2025-05-20, 2025/5/20 or
2025年5月20日), the kind one of SIGNAL_KINDS, the source not empty. Any error stops the
import with file, line and field, and nothing is written; rows already in signals.csv
(same company, date and kind) are skipped. The new rows are appended at the end of the
file in one atomic replace.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from chainkg.dataset.readers import header_mapped, parse_csv, read_text
from chainkg.files import atomic_write
from chainkg.model.errors import DataError
from chainkg.model.issues import DataIssue
from chainkg.model.records import SIGNAL_KINDS, Signal

if TYPE_CHECKING:
    from chainkg.model.records import DataSet

__all__ = ["COLUMNS", "HEADER_ALIASES", "SignalImport", "import_signals", "read_signals"]

COLUMNS = ("company", "date", "kind", "note", "source", "url")
HEADER_ALIASES = {
    "企业": "company", "企业id": "company", "企业名称": "company", "公司": "company",
    "日期": "date", "时间": "date", "类型": "kind", "动向": "kind", "说明": "note", "备注": "note",
    "来源": "source", "链接": "url", "网址": "url",
}
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


@dataclass
class SignalImport:
    """What an import did (or, with ``dry_run``, would do)."""

    added: list[Signal]
    skipped: int  # rows already in signals.csv or repeated in the file
    warnings: list[DataIssue]


def _company_index(data: DataSet) -> dict[str, set[str]]:
    """id, name and every alias → the company ids they name."""
    index: dict[str, set[str]] = {}
    frame = data.pool.companies.select("id", "name", "aliases")
    for company_id, name, aliases in frame.iter_rows():
        for label in (company_id, name, *(aliases or ())):
            index.setdefault(label, set()).add(company_id)
    return index


def read_signals(path: Path, data: DataSet) -> tuple[list[tuple[int, Signal]], list[DataIssue]]:
    """The rows of an import file as signals (with their lines), and every issue found."""
    issues: list[DataIssue] = []
    name = path.name
    text = read_text(path, issues)
    if text is None:
        return [], issues
    table = parse_csv(name, header_mapped(text, HEADER_ALIASES), ("company", "date", "kind", "source"), ("note", "url"))
    issues.extend(table.issues)
    companies = _company_index(data)
    signals: list[tuple[int, Signal]] = []
    for line, row in table.rows:
        def error(field: str, message: str, line: int = line) -> None:
            issues.append(DataIssue(level="error", file=name, line=line, field=field, message=message))

        ids = companies.get(row.get("company", ""), set())
        if len(ids) != 1:
            error("company", f"企业「{row.get('company', '')}」" + (
                f"对应多家企业（{'、'.join(sorted(ids))}），请用企业 id" if ids
                else "不存在（用 companies.csv 的 id、企业名或简称）"))
            continue
        match = _DATE.match(row.get("date", ""))
        if match is None:
            error("date", f"日期「{row.get('date', '')}」无法识别，应为 2025-05-20、2025/5/20 或 2025年5月20日")
            continue
        year, month, day = (int(g) for g in match.groups())
        raw = {k: v for k, v in row.items() if v != ""}
        raw.update(company=next(iter(ids)), date=f"{year:04d}-{month:02d}-{day:02d}")
        try:
            signals.append((line, Signal.model_validate(raw)))
        except ValidationError as exc:
            for problem in exc.errors():
                field = str(problem["loc"][0]) if problem["loc"] else ""
                if field == "kind":
                    message = f"类型「{row.get('kind', '')}」无效，应为 {'、'.join(SIGNAL_KINDS)} 之一"
                elif field == "date":
                    message = f"日期「{row.get('date', '')}」不是有效的日期"
                else:
                    message = f"值无效：{problem['msg']}"
                error(field, message)
    return signals, issues


def _key(signal: Signal) -> tuple[str, str, str]:
    return signal.company, signal.date.isoformat(), signal.kind


def import_signals(data_dir: Path, path: Path, data: DataSet, dry_run: bool = False) -> SignalImport:
    """Check ``path`` and append its new signals to ``data_dir``/signals.csv (see the module docstring)."""
    signals, issues = read_signals(path, data)
    if any(i.level == "error" for i in issues):
        raise DataError(issues)
    seen = {_key(s) for s in data.signals}
    added: list[Signal] = []
    for _line, signal in signals:
        if _key(signal) not in seen:
            seen.add(_key(signal))
            added.append(signal)
    if added and not dry_run:
        _append(data_dir / "signals.csv", added)
    return SignalImport(added=added, skipped=len(signals) - len(added),
                        warnings=[i for i in issues if i.level != "error"])


def _append(target: Path, signals: list[Signal]) -> None:
    """Append rows (writing the header first when the file is new) in one atomic replace."""
    old = (read_text(target, []) or "") if target.exists() else ""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if not old.strip():
        old = ""
        writer.writerow(COLUMNS)
    elif not old.endswith("\n"):
        old += "\n"
    for s in signals:
        writer.writerow([s.company, s.date.isoformat(), s.kind, s.note, s.source, s.url])
    text = old + buffer.getvalue()

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    atomic_write(target, write, force=True)
