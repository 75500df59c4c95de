"""Reading and checking the company pool vectorised, with the row-by-row path's exact issues.

Two rules keep every issue identical (file, line, field, message, order) to checking each row
with its pydantic model, which is what ``chainkg.dataset.load`` does for every other file:

* A CSV is split into cells by polars only when it is *simple* (no double quotes, no bare
  carriage returns, no NUL or control separators): then a physical line is a record and
  cells split on commas exactly as the csv module splits them. Any other file goes through
  ``readers.parse_csv`` itself.
* Each column gets a vectorised test derived from its model field (``pool.column_specs``)
  that only ever *accepts* values the model accepts. A row any of whose cells is not
  accepted is handed to the model (``parse_row``, i.e. load's own row parser), which then
  reports the problems in its own words. Clean rows never meet pydantic.

Cross-record checks (duplicate ids, names, stock codes, USCC check digits, references,
duplicate links and relations) are joins and window expressions on the tables; values
that need a closer look (a USCC or stock code not of the plain valid form) are judged by
the same functions the record checks use (``uscc_problem``, ``checks.listed_problem``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
from pydantic import BaseModel

from chainkg.dataset.checks import LISTED_PATTERNS, listed_problem, listed_since_problem
from chainkg.dataset.readers import HEADER_ONLY, UTF8_BOM, UTF16_BOMS, parse_csv, read_text, too_many_values
from chainkg.dataset.uscc import CHARSET, WEIGHTS, uscc_problem
from chainkg.model.issues import DataIssue
from chainkg.model.pool import ColumnSpec, CompanyPool, column_specs, polars_dtype
from chainkg.model.records import pool_files

if TYPE_CHECKING:
    from chainkg.model.issues import Level

__all__ = ["ParseRow", "check_pool", "read_pool", "read_pool_table"]

# (model, cells by column (None: empty), file name, line, issues) -> (the record, or None with
# issues appended; the raw values given to the model) — load's own row parser.
ParseRow = Callable[[type[BaseModel], dict[str, Any], str, int, list[DataIssue]],
                    tuple[BaseModel | None, dict[str, Any]]]

_TRUE, _FALSE = ("true", "1"), ("false", "0")
_INT = r"^-?[0-9]{1,18}$"
_FLOAT = r"^-?[0-9]{1,15}(\.[0-9]{1,15})?$"


def _simple(data: bytes) -> bool:
    """True when every physical line is one record whose cells split on commas.

    Checked on the UTF-8 bytes: none of these ASCII bytes occurs inside a multi-byte character.
    """
    if any(ch in data for ch in (b'"', b"\x00", b"\x1c", b"\x1d", b"\x1e", b"\x1f")):
        return False
    return b"\r" not in data or data.count(b"\r") == data.count(b"\r\n")


def _split_lines(name: str, data: bytes, columns: list[str], known: Collection[str],
                 issues: list[DataIssue]) -> pl.DataFrame | None:
    """The body of a simple UTF-8 CSV (its first line is the header), one string column per known column.

    Cells are stripped; an empty cell is null. Blank lines are skipped and lines with more
    values than the header are reported, as readers.parse_csv does. None when the bytes are
    not valid UTF-8 (the caller then reads the file as readers does, GBK and all).
    """
    try:
        lines = pl.read_lines(data, name="text", row_index_name="line", row_index_offset=1)
    except pl.exceptions.ComputeError:
        return None
    lines = lines.slice(1).with_columns(pl.col("line").cast(pl.Int64))
    count = pl.col("text").str.count_matches(",", literal=True) + 1
    # Blank: nothing but commas and whitespace (Rust's \s is Python's isspace here, see _simple).
    lines = lines.filter(pl.col("text").str.contains(r"[^,\s]")).with_columns(count.alias("count"))
    too_many = lines.filter(pl.col("count") > len(columns))
    for line, values in too_many.select("line", "count").iter_rows():
        issues.append(too_many_values(name, line, values, len(columns)))
    if too_many.height:
        lines = lines.filter(pl.col("count") <= len(columns))
    position = {c: i for i, c in enumerate(columns) if c in known}  # a repeated column: the last wins
    # Stripping every cell is the costliest step; most files have no space next to a comma.
    padded = lines.select(pl.col("text").str.contains(r"(^|,)\s|\s(,|$)").any()).item()
    cells = lines.select("line", pl.col("text").str.split_exact(",", max(len(columns) - 1, 0)).alias("cells"))
    return cells.select("line", *[
        _cell(pl.col("cells").struct.field(f"field_{i}"), padded).alias(c) for c, i in position.items()])


def _cell(expr: pl.Expr, strip: bool = True) -> pl.Expr:
    """A cell as readers.parse_csv leaves it (stripped), null when empty."""
    return (expr.str.strip_chars() if strip else expr).replace("", None)


def _raw_frame(path: Path, model: type[BaseModel], issues: list[DataIssue]) -> pl.DataFrame | None:
    """The cells of a pool CSV as text (null where empty) with ``line``; None when unreadable."""
    names = tuple(model.model_fields)
    required = tuple(n for n, f in model.model_fields.items() if f.is_required())
    optional = tuple(n for n in names if n not in required)
    # Fast path: a simple UTF-8 file goes to polars as bytes, never decoded by Python.
    data = path.read_bytes() if path.is_file() else b""
    body = data.removeprefix(UTF8_BOM)
    end = body.find(b"\n")
    header = body if end < 0 else body[: end + 1]
    if body and not data.startswith(UTF16_BOMS) and _simple(body) and _is_utf8(header):
        found: list[DataIssue] = []
        table = parse_csv(path.name, header.decode("utf-8"), required, optional)
        found.extend(table.issues)
        if any(c not in table.columns for c in required):
            issues.extend(found)
            return None
        frame = _split_lines(path.name, body, table.columns, names, found)
        if frame is not None and _oversized(frame):
            frame = None  # the csv module refuses such a cell: report it as readers does
        if frame is not None:
            issues.extend(found)
            _header_only(path.name, frame.height, found, issues)
            return frame
    # Anything else (quotes, GBK, UTF-16, a missing or empty file …) exactly as readers does it.
    text = read_text(path, issues)
    if text is None:
        return None
    table = parse_csv(path.name, text, required, optional)
    issues.extend(table.issues)
    present = [c for c in dict.fromkeys(table.columns) if c in names]
    rows: dict[str, list[Any]] = {"line": [line for line, _row in table.rows]}
    for column in present:
        rows[column] = [row.get(column) or None for _line, row in table.rows]
    schema = {"line": pl.Int64, **dict.fromkeys(present, pl.String)}
    _header_only(path.name, len(table.rows), table.issues, issues)
    return pl.DataFrame(rows, schema=schema)


def _oversized(frame: pl.DataFrame) -> bool:
    """Whether a cell is longer than the csv module accepts (readers reports it as an error)."""
    import csv

    limit = csv.field_size_limit()
    text = [c for c, dtype in frame.schema.items() if dtype == pl.String]
    if not text:
        return False
    longest = frame.select(pl.max_horizontal(pl.col(c).str.len_chars().max() for c in text)).item()
    return bool(longest is not None and longest > limit)


def _header_only(name: str, rows: int, found: list[DataIssue], issues: list[DataIssue]) -> None:
    """readers.read_csv's warning for a file with a header and no rows."""
    if not rows and not any(i.level == "error" for i in found):
        issues.append(DataIssue(level="warning", file=name, line=1, message=HEADER_ONLY))


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _list_parts(expr: pl.Expr) -> pl.Expr:
    """A |-separated cell as load does it: split, strip, drop empty parts."""
    part = pl.element().str.strip_chars()
    return expr.str.split("|").list.eval(part.filter(part != ""))


def _text_ok(expr: pl.Expr, spec: ColumnSpec) -> pl.Expr:
    ok = pl.lit(True)
    if spec.pattern is not None:
        ok = ok & expr.str.contains(spec.pattern)
    if spec.min_length is not None:
        ok = ok & (expr.str.len_chars() >= spec.min_length)
    if spec.max_length is not None:
        ok = ok & (expr.str.len_chars() <= spec.max_length)
    return ok


def _bounds_ok(expr: pl.Expr, spec: ColumnSpec) -> pl.Expr:
    ok = pl.lit(True)
    for kind, limit in spec.bounds:
        ok = ok & {"ge": expr >= limit, "le": expr <= limit, "gt": expr > limit, "lt": expr < limit}[kind]
    return ok


def _accepted(spec: ColumnSpec, is_list_column: bool) -> pl.Expr:
    """True where the model surely accepts the cell as load would pass it (null: not given)."""
    value = pl.col(spec.name)
    if spec.exotic or spec.kind == "other" or (spec.kind == "list") != is_list_column:
        ok = pl.lit(False)
    elif spec.kind == "list":
        assert spec.item is not None
        ok = _list_parts(value).list.eval(_text_ok(pl.element(), spec.item)).list.all()
    elif spec.kind == "str":
        ok = _text_ok(value, spec)
    elif spec.kind == "choice":
        ok = value.is_in(list(spec.choices))
    elif spec.kind == "bool":
        ok = value.is_in([*_TRUE, *_FALSE])
    else:
        pattern = _INT if spec.kind == "int" else _FLOAT
        number = value.cast(polars_dtype(spec), strict=False)
        ok = value.str.contains(pattern) & _bounds_ok(number, spec)
    return pl.when(value.is_null()).then(pl.lit(not spec.required)).otherwise(ok.fill_null(False))


def _typed(spec: ColumnSpec, is_list_column: bool) -> pl.Expr:
    """The cell as the model would hold it, for accepted cells (others are patched or dropped)."""
    value = pl.col(spec.name)
    dtype = polars_dtype(spec)
    if spec.kind == "list":
        typed = _list_parts(value) if is_list_column else pl.lit(None, dtype)
        default = pl.lit(list(spec.default or ()), dtype)
    elif spec.kind == "bool":
        typed = pl.when(value.is_in(list(_TRUE))).then(True).when(value.is_in(list(_FALSE))).then(False)
        default = pl.lit(spec.default, dtype)
    elif spec.kind in ("int", "float"):
        typed = value.cast(dtype, strict=False)
        default = pl.lit(spec.default, dtype)
    else:
        typed = value
        default = pl.lit(None if spec.default is None else str(spec.default), dtype)
    return pl.when(value.is_null()).then(default).otherwise(typed).cast(dtype).alias(spec.name)


def _needs_tidy(raw: pl.DataFrame, list_columns: Collection[str]) -> pl.Expr:
    """True where ``hygiene.normalize_row`` would change the row: a list cell split by another
    separator than |, full-width characters in a code (place names: ``hygiene.normalize_pool_places``)."""
    from chainkg.dataset.normalize import LIST_SEPARATORS

    c = pl.col
    tidy = pl.lit(False)
    other = "[" + LIST_SEPARATORS.replace("|", "") + "]"
    for column in list_columns:
        if column in raw.columns:
            tidy = tidy | c(column).str.contains(other).fill_null(False)
    for column in ("listed", "uscc"):
        if column in raw.columns:
            tidy = tidy | c(column).str.contains("[\uFF10-\uFF5A\u3000]").fill_null(False)
    return tidy


def read_pool_table(
    path: Path, model: type[BaseModel], list_columns: Collection[str], parse_row: ParseRow,
    issues: list[DataIssue], unparsed: set[str],
) -> pl.DataFrame:
    """One pool CSV as a typed table of its valid rows; problems go to ``issues``.

    ``unparsed`` receives the ids of rows that failed (as load records them), so references
    to them are not reported twice.
    """
    specs = column_specs(model)
    file_issues: list[DataIssue] = []
    raw = _raw_frame(path, model, file_issues)
    issues.extend(file_issues)
    if raw is None:
        raw = pl.DataFrame(schema={"line": pl.Int64})
    raw = raw.with_columns(
        pl.lit(None, pl.String).alias(s.name) for s in specs if s.name not in raw.columns)
    raw = raw.select("line", *[s.name for s in specs])
    accepted = pl.all_horizontal(pl.lit(True), *[_accepted(s, s.name in list_columns) for s in specs])
    # Rows that load would tidy first (chainkg.dataset.hygiene.normalize_row) go the record-by-record way too.
    raw = raw.with_columns((accepted & ~_needs_tidy(raw, list_columns)).alias("_accepted")).with_row_index("_row")
    typed = raw.select("_row", "line", *[_typed(s, s.name in list_columns) for s in specs])

    keep = raw.get_column("_accepted")
    suspects = raw.filter(~pl.col("_accepted")).drop("_accepted")
    patches: list[tuple[int, BaseModel]] = []
    failed: list[int] = []
    # Only suspect rows meet pydantic, through load's own row parser.
    for row in suspects.iter_rows(named=True):
        index = row.pop("_row")
        line = row.pop("line")
        record, given = parse_row(model, row, path.name, line, issues)
        if record is None:
            failed.append(index)
            unparsed.add(str(given.get("id", "")))
        else:
            patches.append((index, record))
    if patches:
        dumped = [r.model_dump() for _i, r in patches]
        patch = pl.DataFrame(
            {"_row": pl.Series([i for i, _r in patches], dtype=pl.UInt32),
             **{s.name: pl.Series([_plain(s, d[s.name]) for d in dumped], dtype=polars_dtype(s))
                for s in specs}})
        typed = typed.update(patch, on="_row", include_nulls=True)
        patched = pl.repeat(False, typed.height, dtype=pl.Boolean, eager=True)
        keep = keep | patched.scatter([i for i, _r in patches], True)
    return typed.filter(keep).select(*[s.name for s in specs], "line")


def _plain(spec: ColumnSpec, value: Any) -> Any:
    if spec.kind == "list":
        return list(value)
    if spec.kind == "other" and value is not None:
        return str(value)
    return value


def read_pool(
    data_dir: Path, list_columns: Collection[str], parse_row: ParseRow, issues: list[DataIssue],
    unparsed: set[str],
) -> CompanyPool:
    """companies.csv, company_segments.csv and relations.csv of a data directory."""
    tables = {
        table: read_pool_table(data_dir / file, model, list_columns, parse_row, issues, unparsed)
        for table, (file, model) in pool_files().items()
    }
    return CompanyPool(**tables)


# --------------------------------------------------------------------------- cross-record checks


class _Found:
    """Issues of one file, sorted as the record-by-record checks would emit them per line."""

    def __init__(self, file: str, unparsed: set[str]) -> None:
        self.file = file
        self.rows: list[tuple[int, int, int, DataIssue]] = []
        self.unparsed = {u for u in unparsed if u}
        self._plain_unparsed = not any("「" in u or "」" in u for u in self.unparsed)

    def add(self, line: int, order: int, position: int, field: str, message: str,
            level: Level = "error", missing: str | None = None) -> None:
        if missing is not None and self._refers_to_unparsed(missing, message):
            return  # the referenced record itself failed to parse and is reported already
        self.rows.append((line, order, position, DataIssue(
            level=level, file=self.file, line=line, field=field, message=message)))

    def _refers_to_unparsed(self, value: str, message: str) -> bool:
        if self._plain_unparsed:
            return value in self.unparsed
        return any(f"「{u}」" in message for u in self.unparsed)

    def issues(self) -> list[DataIssue]:
        return [row[3] for row in sorted(self.rows, key=lambda r: r[:3])]


def _repeated(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """The rows whose keys occur more than once (hashes find candidates, then exact keys)."""
    hashed = frame.select((pl.struct(keys) if len(keys) > 1 else pl.col(keys[0])).hash()).to_series()
    if hashed.n_unique() == frame.height:  # the usual case, and the cheapest test for it
        return frame.clear()
    candidates = frame.filter(hashed.is_duplicated())
    return candidates.filter(pl.struct(keys).is_duplicated() if len(keys) > 1 else pl.col(keys[0]).is_duplicated())


def _first_line(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Rows that repeat an earlier row's keys, with the line of that first row."""
    repeated = _repeated(frame, keys)
    return (repeated.with_columns(pl.col("line").first().over(keys).alias("first"))
            .filter(~pl.struct(keys).is_first_distinct()))


def _not_first_owner(frame: pl.DataFrame, value: str) -> pl.DataFrame:
    """Rows whose ``value`` was first seen with another company id, with that id (``first_id``)."""
    repeated = _repeated(frame, [value])
    return (repeated.with_columns(pl.col("id").first().over(value).alias("first_id"))
            .filter(pl.col("id") != pl.col("first_id")))


def check_pool(pool: CompanyPool, segment_ids: Collection[str], unparsed: set[str]) -> list[DataIssue]:
    """Every cross-record problem of the company tables (the rest is ``checks.cross_check``)."""
    return [*_check_companies(pool.companies, unparsed),
            *_check_segments(pool, segment_ids, unparsed),
            *_check_relations(pool, unparsed)]


def _uscc_value(byte: pl.Expr) -> pl.Expr:
    """The check-digit value of a USCC character given as its byte: its place in uscc.CHARSET.

    Digits are 0-9; A-Y count from 10 skipping I, O, S and V (Z is not allowed either).
    tests/test_pool_validation.py checks this against CHARSET.index for every character.
    """
    c = byte.cast(pl.Int32)
    letters = c - 55 - sum((c > ord(skipped)).cast(pl.Int32) for skipped in "IOSV")
    return pl.when(c < 58).then(c - 48).otherwise(letters)


def _uscc_accepted(expr: pl.Expr) -> pl.Expr:
    """A USCC surely valid: 18 allowed characters with the right check digit."""
    raw = expr.cast(pl.Binary)
    total = sum(_uscc_value(raw.bin.get(i, null_on_oob=True)) * w for i, w in enumerate(WEIGHTS))
    expected = (31 - total % 31) % 31
    shape = expr.str.contains(f"^[{CHARSET}]{{18}}$")
    return (shape & (_uscc_value(raw.bin.get(17, null_on_oob=True)) == expected)).fill_null(False)


def _listed_accepted(expr: pl.Expr) -> pl.Expr:
    ok = pl.lit(False)
    for exchange, (pattern, _hint) in LISTED_PATTERNS.items():
        number = expr.str.strip_prefix(f"{exchange}:")
        ok = ok | (expr.str.starts_with(f"{exchange}:") & number.str.contains(pattern.pattern)
                   & ~number.str.contains(":", literal=True))
    return (ok & expr.str.contains(r"^[A-Z]{2}:[0-9A-Z.]+$")).fill_null(False)


def _check_companies(companies: pl.DataFrame, unparsed: set[str]) -> list[DataIssue]:
    found = _Found("companies.csv", unparsed)
    frame = companies.select("id", "name", "uscc", "listed", "line")
    dated = companies.select("line", pl.col("listed").list.len().alias("codes"),
                             pl.col("listed_since").list.len().alias("dates"))
    for line, codes, dates in dated.filter((pl.col("dates") > 0) & (pl.col("dates") != pl.col("codes"))).iter_rows():
        found.add(line, 5, 0, "listed_since", listed_since_problem(codes, dates))
    for value, line, first in _first_line(frame, ["id"]).select("id", "line", "first").iter_rows():
        found.add(line, 0, 0, "id", f"企业 id「{value}」重复（第一次出现在第 {first} 行）")
    # Same name or stock code under two ids is almost always one company entered twice.
    for name, line, first in _not_first_owner(frame, "name").select("name", "line", "first_id").iter_rows():
        found.add(line, 1, 0, "name", f"名称「{name}」与企业「{first}」相同，可能是同一家企业录入了两次",
                  level="warning")
    codes = (frame.select("id", "line", pl.col("listed").alias("code"))
             .with_columns(pl.int_ranges(pl.col("code").list.len()).alias("position"))
             .explode("code", "position").filter(pl.col("code").is_not_null()))
    for code, line, position, first in (_not_first_owner(codes, "code")
                                        .select("code", "line", "position", "first_id").iter_rows()):
        found.add(line, 2, position, "listed", f"上市代码「{code}」与企业「{first}」相同，可能是同一家企业录入了两次",
                  level="warning")
    uscc = frame.filter((pl.col("uscc").fill_null("") != "") & ~_uscc_accepted(pl.col("uscc")))
    for value, line in uscc.select("uscc", "line").iter_rows():
        problem = uscc_problem(value)
        if problem:
            found.add(line, 3, 0, "uscc", f"统一社会信用代码「{value}」无效：{problem}")
    for code, line, position in codes.filter(~_listed_accepted(pl.col("code"))).select(
            "code", "line", "position").iter_rows():
        problem = listed_problem(code)
        if problem:
            found.add(line, 4, position, "listed", problem)
    return found.issues()


def _check_segments(pool: CompanyPool, segment_ids: Collection[str], unparsed: set[str]) -> list[DataIssue]:
    found = _Found("company_segments.csv", unparsed)
    links = pool.company_segments.select("company_id", "segment_id", "line", "company_idx")
    for value, line in links.filter(pl.col("company_idx").is_null()).select("company_id", "line").iter_rows():
        found.add(line, 0, 0, "company_id", f"企业「{value}」不存在（见 companies.csv）", missing=value)
    segments = pl.Series(list(segment_ids), dtype=pl.String).implode()
    unknown = links.filter(~pl.col("segment_id").is_in(segments))
    for value, line in unknown.select("segment_id", "line").iter_rows():
        found.add(line, 1, 0, "segment_id", f"环节「{value}」不存在（见 chains.yaml）", missing=value)
    pairs = _first_line(links.select("company_id", "segment_id", "line"), ["company_id", "segment_id"])
    for company, segment, line, first in pairs.iter_rows():
        found.add(line, 2, 0, "segment_id",
                  f"企业「{company}」与环节「{segment}」的对应重复（第一次出现在第 {first} 行）")
    return found.issues()


def _check_relations(pool: CompanyPool, unparsed: set[str]) -> list[DataIssue]:
    found = _Found("relations.csv", unparsed)
    relations = pool.relations.select("from_id", "type", "to_id", "line", "from_idx", "to_idx")
    for order, end in enumerate(("from_id", "to_id")):
        index = end.replace("_id", "_idx")
        for value, line in relations.filter(pl.col(index).is_null()).select(end, "line").iter_rows():
            found.add(line, order, 0, end, f"企业「{value}」不存在（见 companies.csv）", missing=value)
    for (line,) in relations.filter(pl.col("from_id") == pl.col("to_id")).select("line").iter_rows():
        found.add(line, 2, 0, "to_id", "关系的两端是同一家企业")
    repeated = _repeated(relations.select("from_id", "type", "to_id", "line"), ["from_id", "type", "to_id"])
    second = repeated.filter(pl.int_range(pl.len()).over("from_id", "type", "to_id") == 1)
    for source, kind, target, line in second.iter_rows():
        found.add(line, 3, 0, "type", f"关系 {source} -{kind}-> {target} 重复", level="warning")
    return found.issues()

