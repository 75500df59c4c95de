"""Planning an import: read the export, normalise each row, find duplicates, assign segments.

The plan says what would change — new companies, updated ones, the rule-made
company_segments rows of imported companies — and carries the report. Nothing is written
here (see ``writing``), so a dry run is the plan without the write.

Rules the plan follows:

- Rows whose 登记状态 says 注销/吊销/停业/清算 are skipped and counted.
- A row is the same company as an existing record (or an earlier row) when the USCC is
  equal, else a stock code, else when its name, one of its 曾用名 or its 简称 equals a name
  or alias (after ``match_key``). Near-duplicates (equal ``near_key`` and no two different
  places in front) are reported and imported as new.
- A matched record keeps every name: hand-entered records get the export's names as aliases;
  imported records take the export's name and keep the old one as an alias (renamed firms).
- Records created by an import (``source`` starting with ``导入:``) are refreshed from the
  export and their ``导入规则:`` segment rows recomputed; hand-entered records only get their
  empty fields filled, and their segments are never touched.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import ValidationError

from chainkg.dataset.normalize import halfwidth, normalize_place, split_list
from chainkg.importing.columns import FIELD_LABELS, HEADER_SEARCH_ROWS, ColumnMap, Mapping, find_header, header_key
from chainkg.importing.names import NearName, clean_name, match_key, near_name, strip_stock_marks
from chainkg.importing.places import place_from_address, place_from_uscc
from chainkg.importing.report import UNREAD_KINDS, ImportReport, RowNote
from chainkg.importing.rules import INDUSTRY, NAME, PRODUCTS, SCOPE, SegmentMatch, SegmentRules
from chainkg.importing.scale import nbs_scale, scale_problem
from chainkg.importing.sources import Progress, open_source
from chainkg.importing.values import (
    is_empty,
    is_inactive,
    parse_capital,
    parse_date,
    parse_employees,
    parse_industry_code,
    parse_listing,
    parse_ownership,
    parse_revenue,
    parse_tags,
    parse_uscc,
)
from chainkg.model.errors import ImportFileError
from chainkg.model.issues import DataIssue
from chainkg.model.records import Company, DataSet

__all__ = ["COMPANY_FIELDS", "IMPORT_SOURCE", "RULE_SOURCE", "ImportPlan", "RuleRow", "cell", "plan_import"]

IMPORT_SOURCE = "导入: "  # source of companies created by chainkg import
RULE_SOURCE = "导入规则: "  # source of company_segments rows made by segment rules
_MAX_ERRORS = 200  # stop collecting after this many bad rows: the file needs a mapping, not a list


COMPANY_FIELDS = tuple(Company.model_fields)


def cell(value: Any) -> str:
    """A value as companies.csv writes it: lists joined by |, 5000.0 as 5000, None as empty."""
    if value is None:
        return ""
    if isinstance(value, tuple):
        return "|".join(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


class RuleRow(NamedTuple):
    """One rule-made company_segments.csv row (a tuple, not a model: there can be hundreds of thousands)."""

    company_id: str
    segment_id: str
    role: str
    products: str
    source: str


@dataclass
class ImportPlan:
    """The changes an import makes; ``writing.apply_plan`` writes them."""

    report: ImportReport
    # New companies as CSV cells in COMPANY_FIELDS order (compact: there can be hundreds of thousands).
    new: list[tuple[str, ...]] = field(default_factory=list)
    updated: dict[str, Company] = field(default_factory=dict)
    used_fields: set[str] = field(default_factory=set)  # fields with a value in a new or updated row
    # company id → its complete set of rule-made rows (replacing the old rule rows of that id)
    rule_rows: dict[str, list[RuleRow]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        """True when writing the plan would change a file."""
        r = self.report
        return bool(self.new or self.updated or r.segment_rows_added or r.segment_rows_removed)


@dataclass
class _Row:
    number: int
    name: str
    former: list[str]
    values: dict[str, Any]
    texts: list[tuple[str, str]]
    short_names: list[str] = field(default_factory=list)  # 简称 / 证券简称: matched after the full names
    listing_date: str | None = None
    unread: dict[str, str] = field(default_factory=dict)  # listing/place/scale → why it could not be read
    place_source: str | None = None  # 地址 / 统一社会信用代码 when the place columns were empty


class _Index:
    """Existing and already-planned companies by USCC, stock code, name/alias and near key."""

    def __init__(self, data: DataSet) -> None:
        self.companies: dict[str, Company] = {c.id: c for c in data.companies}  # existing records
        self.names: dict[str, str] = {}  # every id, existing or new → name
        self.by_uscc: dict[str, str] = {}
        self.by_code: dict[str, str] = {}
        self.by_name: dict[str, str] = {}
        self.by_near: dict[str, list[tuple[str, NearName]]] = {}
        self.rows: dict[str, int] = {}  # company id → export row that created or matched it
        for company in data.companies:
            self.add(company)

    def add(self, company: Company, row: int | None = None) -> None:
        self.names[company.id] = company.name
        if company.uscc:
            self.by_uscc.setdefault(company.uscc, company.id)
        for code in company.listed:
            self.by_code.setdefault(code, company.id)
        for name in (company.name, *company.aliases):
            self.by_name.setdefault(match_key(name), company.id)
        near = near_name(company.name)
        self.by_near.setdefault(near.key, []).append((company.id, near))
        if row is not None:
            self.rows.setdefault(company.id, row)

    def find(self, row: _Row) -> tuple[str, str] | None:
        """(company id, how it matched) for the first rule that matches."""
        uscc = row.values["uscc"]
        if uscc and uscc in self.by_uscc:
            return self.by_uscc[uscc], "统一社会信用代码相同"
        for code in row.values["listed"]:
            if code in self.by_code:
                return self.by_code[code], f"股票代码 {code} 相同"
        names = [(row.name, "名称相同"), *((n, f"曾用名「{n}」相同") for n in row.former),
                 *((n, f"简称「{n}」相同") for n in row.short_names)]
        for name, how in names:
            found = self.by_name.get(match_key(name))
            if found:
                return found, how
        return None

    def near(self, name: str, company_id: str) -> str | None:
        """Another company whose name is near ``name``, if any."""
        mine = near_name(name)
        return next((other for other, theirs in self.by_near.get(mine.key, ())
                     if other != company_id and mine.near(theirs)), None)


def plan_import(
    path: Path, data: DataSet, data_dir: Path, mapping: Mapping | None = None,
    sheet: str | None = None, dry_run: bool = False, progress: Progress | None = None,
) -> ImportPlan:
    """Everything an import of ``path`` into ``data`` would change, and its report.

    Raises ImportFileError (every bad row, with row and column) when the export cannot be used.
    """
    mapping = mapping or Mapping()
    source = open_source(path, sheet or mapping.sheet, progress)
    rows = source.rows
    head = [r for _i, r in zip(range(HEADER_SEARCH_ROWS), rows, strict=False)]
    columns = find_header(head, mapping, source.name)
    report = ImportReport(
        file=source.name, data=str(data_dir), dry_run=dry_run, encoding=source.kind,
        header_row=columns.header_row,
        columns={f: [columns.headers[i] for i in idx] for f, idx in columns.columns.items()},
        unknown_columns=columns.unknown,
    )
    plan = ImportPlan(report=report)
    present = {header_key(h) for h in columns.headers if h}
    for header in mapping.columns:
        if header_key(header) not in present:
            report.problems.append(RowNote(row=columns.header_row, name="",
                                           detail=f"映射文件中的列「{header}」在表头中找不到"))
    rules = SegmentRules(data.segments, mapping.segmenter)
    index = _Index(data)
    taken_ids = set(index.companies)
    issues: list[DataIssue] = []
    try:
        for number, cells in _after_header(head, rows, columns.header_row):
            if not any(c and not is_empty(c) for c in cells):
                continue
            report.rows += 1
            row = _parse_row(number, cells, columns, source.name, issues, report)
            if len(issues) >= _MAX_ERRORS:
                break
            if row is None:
                continue
            if is_inactive(row.values["status"]):
                report.skipped.append(RowNote(row=number, name=row.name, detail=row.values["status"]))
                continue
            _place(row, plan, index, taken_ids, rules, mapping, issues)
    finally:
        if isinstance(rows, Generator):
            rows.close()  # closes the workbook even when we stop early
    if issues:
        raise ImportFileError(issues)
    return plan


def _after_header(head: list[tuple[int, list[str]]], rest: Iterator[tuple[int, list[str]]],
                  header_row: int) -> Iterator[tuple[int, list[str]]]:
    yield from (r for r in head if r[0] > header_row)
    yield from rest


def _parse_row(number: int, cells: list[str], columns: ColumnMap, file: str,
               issues: list[DataIssue], report: ImportReport) -> _Row | None:
    """One export row in the contract's values; None (with an issue) when it cannot be used."""

    def first(name: str) -> str:
        found = columns.values(cells, name)
        return next((v for v in found if not is_empty(v)), "")

    def header(name: str) -> str:
        return columns.headers[columns.columns[name][0]] if name in columns.columns else FIELD_LABELS[name]

    def bad(name: str, message: str) -> None:
        issues.append(DataIssue(level="error", file=file, line=number, field=header(name), message=message))

    raw_name = first("name")
    if not raw_name:
        bad("name", "缺少企业名称（整行其余列有值）")
        return None
    name = clean_name(raw_name)

    def note(detail: str) -> None:
        report.problems.append(RowNote(row=number, name=name, detail=detail))

    values: dict[str, Any] = {"status": halfwidth(first("status"))}
    if is_inactive(values["status"]):
        return _Row(number=number, name=name, former=[], values=values, texts=[])  # skipped: not checked
    uscc, problem = parse_uscc(first("uscc"))
    if problem:
        note(problem)
    values["uscc"] = uscc
    capital, problem = parse_capital(first("registered_capital"))
    if problem and "不是人民币" in problem:
        note(problem)
    elif problem:
        bad("registered_capital", problem)
    values["registered_capital"] = capital
    founded, problem = parse_date(first("founded"))
    if problem:
        bad("founded", problem)
    values["founded"] = founded
    employees, problem = parse_employees(first("employees"))
    if problem:
        bad("employees", problem)
    values["employees"] = employees
    revenue, problem = parse_revenue(first("revenue"), _unit_of(header("revenue")))
    if problem:
        bad("revenue", problem)
    unread: dict[str, str] = {}  # listing/place/scale → why it could not be read
    industry_cells = [v for v in columns.values(cells, "industry") if not is_empty(v)]
    code = parse_industry_code(industry_cells)
    values["industry_code"] = code
    values["scale"] = nbs_scale(code, employees, revenue)
    problem = scale_problem(code, employees, revenue)
    if problem:
        unread["scale"] = problem
    place = normalize_place(first("province"), first("city"), first("district"))
    for problem in place.problems:
        note(problem)
    values.update(province=place.province, city=place.city, district=place.district)
    values["address"] = halfwidth(first("address"))
    place_source = _fill_place(values)
    if not values["province"]:
        unread["place"] = "没有省份/城市列、地址或统一社会信用代码可读"
    listing = parse_listing(columns.values(cells, "listing"))
    if listing.problems:
        unread["listing"] = "；".join(listing.problems)
    listing_date, problem = parse_date(first("listing_date"), "上市日期")
    if problem:
        note(problem + "，已略过")  # only the report keeps the date: not worth stopping the import
    values["listed"] = listing.codes
    tags = list(parse_tags(columns.values(cells, "tags")))
    if (listing.listed or listing_date) and "上市" not in tags:
        tags.insert(0, "上市")
    values["tags"] = tuple(tags)
    values["ownership"] = parse_ownership(first("company_type"))
    legal = first("legal_rep")
    values["note"] = f"法定代表人：{legal}" if legal else ""
    former = [clean_name(n) for v in columns.values(cells, "former_names") for n in _names(v)]
    short_names = [strip_stock_marks(clean_name(n)) for v in columns.values(cells, "aliases") for n in _names(v)]
    values["aliases"] = tuple(dict.fromkeys(a for a in (*former, *short_names) if a and a != name))
    texts = [(SCOPE, halfwidth(" ".join(columns.values(cells, "business_scope")))),
             (INDUSTRY, halfwidth(" ".join(industry_cells))),
             (PRODUCTS, halfwidth(" ".join(columns.values(cells, "products")))), (NAME, name)]
    return _Row(number=number, name=name, former=former, values=values, texts=texts, short_names=short_names,
                listing_date=listing_date, unread=unread, place_source=place_source)


def _note_row(report: ImportReport, row: _Row, company: Company) -> None:
    """Report what was derived and what could not be read, for rows that are imported (not in-file duplicates).

    A row matched to a record that already has the listing, place or size is not warned about.
    """
    if row.place_source and company.province == row.values["province"]:
        report.place_sources[row.place_source] = report.place_sources.get(row.place_source, 0) + 1
    if row.listing_date:
        report.listing_dates.setdefault(company.id, row.listing_date)
    still_missing = {"listing": not company.listed, "place": not company.province, "scale": company.scale == "unknown"}
    unread = {kind: why for kind, why in row.unread.items() if still_missing[kind]}
    if not unread:
        return
    for kind in unread:
        report.unread_kinds[kind] = report.unread_kinds.get(kind, 0) + 1
    report.unread.append(RowNote(row=row.number, name=row.name, company_id=company.id, detail="；".join(
        f"{UNREAD_KINDS[kind]}：{unread[kind]}" for kind in UNREAD_KINDS if kind in unread)))


_UNIT = re.compile(r"[(（](亿元|万元|元)[)）]")


def _unit_of(header: str) -> str:
    """营业收入（元） → 元; 万元 when the header names no unit."""
    match = _UNIT.search(header)
    return match.group(1) if match else "万元"


def _fill_place(values: dict[str, Any]) -> str | None:
    """Fill the place levels the columns left empty from the address, else from the USCC's division code.

    A level is taken only where it agrees with the levels already known (the columns win). Returns
    where the filled levels came from (地址 or 统一社会信用代码), None when nothing was filled.
    """
    for source, (province, city, district) in (
        ("地址", place_from_address(values["address"]) if values["address"] else ("", "", "")),
        ("统一社会信用代码", (*place_from_uscc(values["uscc"]), "") if values["uscc"] else ("", "", "")),
    ):
        if values["city"] and values["province"]:
            return None
        if not province or values["province"] not in ("", province) or values["city"] not in ("", city):
            continue
        filled = [level for level, value in (("province", province), ("city", city), ("district", district))
                  if value and not values[level]]
        if filled:
            values.update({level: {"province": province, "city": city, "district": district}[level]
                           for level in filled})
            return source
    return None


def _names(text: str) -> list[str]:
    """曾用名 cells list names on separate lines or with ; 、 separators (never commas inside names)."""
    parts = [p for line in text.splitlines() for p in split_list(line.replace(",", "；"))]
    return [p for p in parts if not is_empty(p)]


def _company_id(uscc: str | None, name: str, taken: set[str]) -> str:
    """``uscc-<code>`` when the USCC is known, else ``name-<hash of the name>``; never a taken id."""
    base = f"uscc-{uscc.lower()}" if uscc else "name-" + hashlib.sha1(name.encode()).hexdigest()[:10]
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _place(row: _Row, plan: ImportPlan, index: _Index, taken_ids: set[str], rules: SegmentRules,
           mapping: Mapping, issues: list[DataIssue]) -> None:
    report = plan.report
    found = index.find(row)
    if found is not None:
        company_id, how = found
        first_row = index.rows.get(company_id)
        if first_row is not None:
            report.duplicates.append(RowNote(row=row.number, name=row.name, company_id=company_id,
                                             detail=f"与文件第 {first_row} 行{how}，未重复导入"))
            return
        existing = index.companies[company_id]  # not yet seen in this file: an existing record
        index.rows[company_id] = row.number
        merged = _merge(existing, row)
        _note_row(report, row, merged)
        if merged != existing:
            changed = [f for f in Company.model_fields if getattr(merged, f) != getattr(existing, f)]
            plan.updated[company_id] = merged
            index.companies[company_id] = merged
            index.add(merged)  # a new name or alias finds this record for the rows below
            plan.used_fields.update(f for f in changed if getattr(merged, f) not in (None, "", (), "unknown"))
            report.updated.append(RowNote(row=row.number, name=row.name, company_id=company_id,
                                          detail=f"与「{existing.name}」{how}；更新 {', '.join(changed)}"))
        else:
            report.duplicates.append(RowNote(row=row.number, name=row.name, company_id=company_id,
                                             detail=f"与已有企业「{existing.name}」{how}，无变化"))
        if existing.source.startswith(IMPORT_SOURCE):
            _assign(row, company_id, plan, rules, mapping)
        return
    company_id = _company_id(row.values["uscc"], row.name, taken_ids)
    fields = {k: v for k, v in row.values.items() if v not in (None, "", ())}
    try:
        company = Company(id=company_id, name=row.name, source=IMPORT_SOURCE + plan.report.file, **fields)
    except ValidationError as exc:
        for error in exc.errors():
            issues.append(DataIssue(level="error", file=plan.report.file, line=row.number,
                                    field=".".join(str(p) for p in error["loc"]),
                                    message=str(error["msg"])))
        return
    _note_row(report, row, company)
    near = index.near(row.name, company_id)
    if near is not None:
        other_name = index.names[near]
        where = f"文件第 {index.rows[near]} 行" if near in index.rows else "已有企业"
        plan.report.near_duplicates.append(RowNote(
            row=row.number, name=row.name, company_id=company_id,
            detail=f"与{where}「{other_name}」（{near}）名称相近，已作为新企业导入，请人工判断是否同一家"))
    taken_ids.add(company_id)
    index.add(company, row.number)
    cells = tuple(cell(getattr(company, f)) for f in COMPANY_FIELDS)
    plan.new.append(cells)
    plan.used_fields.update(f for f, v in zip(COMPANY_FIELDS, cells, strict=True) if v and v != "unknown")
    _assign(row, company_id, plan, rules, mapping)
    segments = "、".join(f"{rules.names[r.segment_id]}（{'主营' if r.role == 'core' else '兼营'}）"
                         for r in plan.rule_rows[company_id])
    report.new.append(RowNote(row=row.number, name=row.name, company_id=company_id,
                              detail=f"环节：{segments}" if segments else ""))


def _merge(existing: Company, row: _Row) -> Company:
    """Imported records take the export's values; hand-entered ones only get their empty fields filled.

    Names are never lost: a hand-entered record keeps its name and gets the export's names as aliases;
    an imported record takes the export's (newer) name and keeps its old one as an alias.
    """
    imported = existing.source.startswith(IMPORT_SOURCE)
    update: dict[str, Any] = {}
    name = row.name if imported else existing.name
    if name != existing.name:
        update["name"] = name
    for key, value in row.values.items():
        if key == "aliases":  # one spelling per name (match_key): 某某(集团) is already 某某（集团）
            known = {match_key(n): n for n in (name, *existing.aliases)}
            for other in (existing.name, row.name, *value):
                known.setdefault(match_key(other), other)
            aliases = tuple(n for n in known.values() if n != name)
            if aliases != existing.aliases:
                update[key] = aliases
            continue
        if value in (None, "", ()) or (key == "scale" and value == "unknown"):
            continue
        current = getattr(existing, key)
        if imported or current in (None, "", (), "unknown"):
            update[key] = value
    return existing.model_copy(update=update) if update else existing


def _assign(row: _Row, company_id: str, plan: ImportPlan, rules: SegmentRules, mapping: Mapping) -> None:
    report = plan.report
    matches, set_aside = rules.assign(row.texts, row.values["industry_code"])
    if not matches:
        excluded = rules.excluded_by(row.texts)
        detail = f"排除词生效：{'、'.join(excluded)}" if excluded else _preview(row.texts)
        report.unmatched.append(RowNote(row=row.number, name=row.name, company_id=company_id, detail=detail))
        plan.rule_rows[company_id] = []
        return
    if len(matches) > mapping.max_segments:
        report.over_matched.append(RowNote(
            row=row.number, name=row.name, company_id=company_id,
            detail=f"{len(matches)} 个环节（上限 {mapping.max_segments}）："
            + "；".join(_describe(m) for m in matches)))
        plan.rule_rows[company_id] = []
        return
    plan.rule_rows[company_id] = [
        RuleRow(company_id, m.segment_id, m.role, "、".join(m.keywords), m.source) for m in matches
    ]
    weak = [f"{rules.names[m.segment_id]}：{'、'.join(m.weak)}（{'；'.join(m.evidence)}）" for m in matches if m.weak]
    if set_aside:
        weak.append("未写入（主业在其他产业链）：" + "；".join(
            f"{rules.names[m.segment_id]}（{'；'.join(m.evidence)}）" for m in set_aside))
    if weak:
        report.weak.append(RowNote(row=row.number, name=row.name, company_id=company_id, detail="；".join(weak)))


def _describe(match: SegmentMatch) -> str:
    said = f"{match.segment_id}「{'、'.join(match.keywords) or match.evidence[0]}」"
    return f"{said}（{'、'.join(match.weak)}）" if match.weak else said


def _preview(texts: list[tuple[str, str]]) -> str:
    for label, text in texts:
        if text and label != NAME:  # the name is in its own column of the report
            return f"{label}：{text[:40]}{'…' if len(text) > 40 else ''}"
    return "没有经营范围、行业或产品文字可供匹配"
