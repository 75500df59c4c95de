"""Writing an import plan: new CSV texts that keep every existing line, checked, then swapped in.

``render`` builds the new companies.csv and company_segments.csv: existing records (and any
comment or blank lines) stay byte for byte and in order, updated records are replaced in
place, new ones are appended. ``check_rendered`` loads the result from a scratch copy of
the data set, exactly as ``chainkg validate`` would. ``commit`` writes both files next to
the originals, keeps backups, and renames both under a journal: if anything fails (or the
process dies) between the renames, the backups are put back — both files or neither.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from chainkg.dataset.load import FILES, load_dataset
from chainkg.importing.plan import COMPANY_FIELDS, RULE_SOURCE, ImportPlan, cell
from chainkg.model.errors import DataError

__all__ = ["JOURNAL", "check_rendered", "commit", "recover", "render"]

JOURNAL = ".chainkg-import.journal"
_TARGETS = ("companies.csv", "company_segments.csv")


@dataclass
class _CsvText:
    """A CSV file as records of physical lines, with its encoding details."""

    bom: bool
    encoding: str
    newline: str
    header: list[str]
    records: list[tuple[list[str], list[str]]]  # (lines, parsed values); index 0 is the header


def _read(path: Path) -> _CsvText:
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    body = raw[3:] if bom else raw
    try:
        text, encoding = body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:  # readers.py accepts GBK/GB18030 files; keep what the team has
        text, encoding = body.decode("gb18030"), "gb18030"
    consumed: list[str] = []

    def feed() -> Iterator[str]:
        for line in text.splitlines(keepends=True):
            consumed.append(line)
            yield line

    newline = "\r\n" if "\r\n" in text[:4096] else "\n"
    records: list[tuple[list[str], list[str]]] = []
    # csv.reader pulls exactly the lines of one record (several when a quoted value has a newline).
    for values in csv.reader(feed()):
        records.append((list(consumed), values))
        consumed.clear()
    if not records and consumed:
        records.append((list(consumed), []))
    header = [v.strip() for v in records[0][1]] if records else []
    return _CsvText(bom=bom, encoding=encoding, newline=newline, header=header, records=records)


def _line(values: list[str], newline: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerow(values)
    return buffer.getvalue()


def _is_data(lines: list[str], values: list[str]) -> bool:
    return any(v.strip() for v in values) and not lines[0].lstrip().startswith("#")


def _encode(file: _CsvText, records: list[list[str]], appended: Iterable[str] = ()) -> bytes:
    """The file's bytes: its records' lines, then the appended lines, encoded one line at a time."""
    buffer = io.BytesIO()
    if file.bom:
        buffer.write(b"\xef\xbb\xbf")
    for lines in records:
        for line in lines:
            buffer.write(line.encode(file.encoding))
    for line in appended:
        buffer.write(line.encode(file.encoding))
    return buffer.getvalue()


def _with_columns(file: _CsvText, extra: list[str]) -> list[list[str]]:
    """Every record's lines, with ``extra`` columns added to the header and padded onto data rows."""
    out: list[list[str]] = []
    for position, (lines, values) in enumerate(file.records):
        lines = list(lines)
        if extra and _is_data(lines, values):
            last = lines[-1]
            ending = last[len(last.rstrip("\r\n")):] or file.newline
            addition = ("," + ",".join(extra)) if position == 0 else "," * len(extra)
            lines[-1] = last.rstrip("\r\n") + addition + ending
        out.append(lines)
    if out and not out[-1][-1].endswith(("\n", "\r")):
        out[-1][-1] += file.newline
    return out


def _render_companies(file: _CsvText, plan: ImportPlan) -> bytes:
    fields = set(COMPANY_FIELDS)
    extra = [f for f in COMPANY_FIELDS if f in plan.used_fields and f not in file.header]
    header = file.header + extra
    records = _with_columns(file, extra)
    id_column = header.index("id")
    for position, (_lines, values) in enumerate(file.records[1:], start=1):
        record_id = values[id_column].strip() if len(values) > id_column else ""
        if record_id in plan.updated:
            company = plan.updated[record_id]
            old = dict(zip(file.header, values, strict=False))  # columns outside the contract stay
            cells = [cell(getattr(company, h)) if h in fields else old.get(h, "") for h in header]
            records[position] = [_line(cells, file.newline)]
    order = [COMPANY_FIELDS.index(h) if h in fields else -1 for h in header]
    new_lines = (_line([row[i] if i >= 0 else "" for i in order], file.newline) for row in plan.new)
    return _encode(file, records, new_lines)


def _render_segments(file: _CsvText, plan: ImportPlan) -> tuple[bytes, int, int]:
    header = file.header
    records = _with_columns(file, [])
    wanted = {cid: {(r.segment_id, r.role, r.products, r.source): r for r in rows}
              for cid, rows in plan.rule_rows.items()}
    hand_pairs: set[tuple[str, str]] = set()
    kept: set[tuple[str, tuple[str, str, str, str]]] = set()
    removed = 0
    out: list[list[str]] = [records[0]] if records else []
    for position, (lines, values) in enumerate(file.records[1:], start=1):
        row = dict(zip(header, (v.strip() for v in values), strict=False))
        company_id = row.get("company_id", "")
        if not _is_data(lines, values) or company_id not in wanted:
            out.append(records[position])
            continue
        key = (row.get("segment_id", ""), row.get("role") or "core", row.get("products", ""),
               row.get("source", ""))
        if not key[3].startswith(RULE_SOURCE):
            hand_pairs.add((company_id, key[0]))
            out.append(records[position])
        elif key in wanted[company_id] and (company_id, key) not in kept:
            kept.add((company_id, key))
            out.append(records[position])
        else:
            removed += 1
    added = 0

    def new_lines() -> Iterator[str]:
        nonlocal added
        for company_id, rows in wanted.items():
            for key, record in rows.items():
                if (company_id, key) in kept or (company_id, record.segment_id) in hand_pairs:
                    continue
                added += 1
                yield _line([cell(getattr(record, h, None)) for h in header], file.newline)

    content = _encode(file, out, new_lines())
    return content, added, removed


def render(plan: ImportPlan, data_dir: Path) -> dict[str, bytes]:
    """The new contents of the files the plan changes (none when nothing changes); fills the counts."""
    companies = _read(data_dir / "companies.csv")
    segments = _read(data_dir / "company_segments.csv")
    new_segments, added, removed = _render_segments(segments, plan)
    plan.report.segment_rows_added, plan.report.segment_rows_removed = added, removed
    contents = {"companies.csv": _render_companies(companies, plan), "company_segments.csv": new_segments}
    return {name: content for name, content in contents.items()
            if content != (data_dir / name).read_bytes()}


def check_rendered(data_dir: Path, contents: dict[str, bytes]) -> None:
    """Load the would-be data set from a scratch copy; raise DataError if it would not validate."""
    with tempfile.TemporaryDirectory(prefix="chainkg-import-") as scratch:
        target = Path(scratch)
        for name in (*FILES, "scoring.yaml"):
            if name in contents:
                (target / name).write_bytes(contents[name])
            elif (data_dir / name).exists():
                shutil.copyfile(data_dir / name, target / name)
        _dataset, issues = load_dataset(target)
    errors = [i for i in issues if i.level == "error"]
    if errors:
        raise DataError(errors)


def _write_synced(path: Path, content: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())


def _staged(data_dir: Path, name: str) -> Path:
    return data_dir / f".{name}.import-new"


def _backup(data_dir: Path, name: str) -> Path:
    return data_dir / f".{name}.import-old"


def commit(data_dir: Path, contents: dict[str, bytes]) -> None:
    """Replace the files atomically together: all of ``contents`` or, on any failure, none."""
    journal = data_dir / JOURNAL
    names = list(contents)
    try:
        for name in names:
            _write_synced(_staged(data_dir, name), contents[name])
        for name in names:
            shutil.copyfile(data_dir / name, _backup(data_dir, name))
        _write_synced(journal, json.dumps(names).encode())
        for name in names:
            os.replace(_staged(data_dir, name), data_dir / name)
    except BaseException:
        recover(data_dir)
        raise
    finally:
        for name in names:
            _staged(data_dir, name).unlink(missing_ok=True)
    journal.unlink()
    for name in names:
        _backup(data_dir, name).unlink(missing_ok=True)


def recover(data_dir: Path) -> bool:
    """Undo an interrupted commit (its journal is still there); True when something was restored."""
    journal = data_dir / JOURNAL
    if not journal.exists():
        for name in _TARGETS:  # a crash before the journal: only stray new files to remove
            _staged(data_dir, name).unlink(missing_ok=True)
            _backup(data_dir, name).unlink(missing_ok=True)
        return False
    names = json.loads(journal.read_text(encoding="utf-8"))
    for name in names:
        backup = _backup(data_dir, name)
        if backup.exists():
            os.replace(backup, data_dir / name)
        _staged(data_dir, name).unlink(missing_ok=True)
    journal.unlink()
    return True
