"""The columnar pool validation reports exactly what the record-by-record path reported.

``reference_issues`` is the loader as it was before the pool went columnar: every row of
companies.csv, company_segments.csv and relations.csv through its pydantic model
(``load._csv_records``) and the cross-record loops of the old ``checks.cross_check``, kept
here verbatim as the oracle. Each case breaks a copy of the tiny data set and compares the
two issue lists in full: level, file, line, field, message and order.
"""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import pytest
from pydantic import Field

from chainkg.dataset import load
from chainkg.dataset.checks import cross_check, listed_problem
from chainkg.dataset.hygiene import LIST_COLUMNS, hygiene_warnings, normalize_place_fields
from chainkg.dataset.load import Lines, load_dataset
from chainkg.dataset.pool_checks import read_pool_table
from chainkg.dataset.readers import line_of, read_yaml
from chainkg.dataset.uscc import uscc_problem
from chainkg.model.issues import DataIssue, summarise_follow_on
from chainkg.model.records import Company, CompanySegment, DataSet, Relation
from conftest import BUNDLED, TINY


def _old_pool_checks(data: DataSet, lines: Lines, segment_ids: set[str]) -> list[DataIssue]:
    """The company part of the old checks.cross_check, unchanged."""
    issues: list[DataIssue] = []
    unparsed = lines.unparsed_ids

    def error(file: str, index: int, field: str, message: str, level: Any = "error") -> None:
        if "不存在" in message and any(f"「{u}」" in message for u in unparsed if u):
            return
        issues.append(DataIssue(level=level, file=file, line=lines(file, index, field), field=field,
                                message=message))

    seen_ids: dict[str, int] = {}
    for index, company in enumerate(data.companies):
        if company.id in seen_ids:
            issues.append(DataIssue(
                level="error", file="companies.csv", line=lines("companies.csv", index, "id"), field="id",
                message=f"企业 id「{company.id}」重复（第一次出现在第 {lines('companies.csv', seen_ids[company.id])} 行）"))
        else:
            seen_ids[company.id] = index
    company_ids = {c.id for c in data.companies}
    first_by_name: dict[str, str] = {}
    first_by_code: dict[str, str] = {}
    for i, company in enumerate(data.companies):
        for seen, value, what in ((first_by_name, company.name, "名称"),
                                  *((first_by_code, code, "上市代码") for code in company.listed)):
            if value in seen and seen[value] != company.id:
                error("companies.csv", i, "name" if what == "名称" else "listed",
                      f"{what}「{value}」与企业「{seen[value]}」相同，可能是同一家企业录入了两次",
                      level="warning")
            seen.setdefault(value, company.id)
        if company.uscc:
            problem = uscc_problem(company.uscc)
            if problem:
                error("companies.csv", i, "uscc", f"统一社会信用代码「{company.uscc}」无效：{problem}")
        for code in company.listed:
            problem = listed_problem(code)
            if problem:
                error("companies.csv", i, "listed", problem)
    pairs: dict[tuple[str, str], int] = {}
    for i, cs in enumerate(data.company_segments):
        if cs.company_id not in company_ids:
            error("company_segments.csv", i, "company_id", f"企业「{cs.company_id}」不存在（见 companies.csv）")
        if cs.segment_id not in segment_ids:
            error("company_segments.csv", i, "segment_id", f"环节「{cs.segment_id}」不存在（见 chains.yaml）")
        key = (cs.company_id, cs.segment_id)
        if key in pairs:
            error("company_segments.csv", i, "segment_id",
                  f"企业「{cs.company_id}」与环节「{cs.segment_id}」的对应重复"
                  f"（第一次出现在第 {lines('company_segments.csv', pairs[key])} 行）")
        else:
            pairs[key] = i
    seen_relations: Counter[tuple[str, str, str]] = Counter()
    for i, rel in enumerate(data.relations):
        for end, value in (("from_id", rel.from_id), ("to_id", rel.to_id)):
            if value not in company_ids:
                error("relations.csv", i, end, f"企业「{value}」不存在（见 companies.csv）")
        if rel.from_id == rel.to_id:
            error("relations.csv", i, "to_id", "关系的两端是同一家企业")
        triple = (rel.from_id, rel.type, rel.to_id)
        seen_relations[triple] += 1
        if seen_relations[triple] == 2:
            error("relations.csv", i, "type", f"关系 {rel.from_id} -{rel.type}-> {rel.to_id} 重复",
                  level="warning")
    return issues


def reference_issues(data_dir: Path) -> list[DataIssue]:
    """load_dataset's issues computed record by record, as before the columnar pool."""
    issues: list[DataIssue] = []
    lines = Lines()
    unparsed = lines.unparsed_ids
    chains_doc = read_yaml(data_dir / "chains.yaml")
    issues.extend(chains_doc.issues)
    load._expect_mapping(chains_doc, ("fields", "chains", "segments"), issues)
    parts = {}
    for key, model in (("fields", load.IndustryField), ("chains", load.Chain), ("segments", load.Segment)):
        parts[key], ln = load._yaml_records(chains_doc, key, model, issues, unparsed)
        lines.add(f"chains.yaml#{key}", ln)
    region_doc = read_yaml(data_dir / "region.yaml")
    issues.extend(region_doc.issues)
    region = None
    if isinstance(region_doc.data, dict):  # as load does since issue #8 (place names completed)
        issues.extend(DataIssue(level="warning", file=region_doc.name, line=line_of(region_doc.data, f), field=f,
                                message=m) for f, m in normalize_place_fields(region_doc.data))
    if region_doc.data is not None or not region_doc.issues:
        region = load._parse(load.Region, region_doc.data, region_doc.name,
                             lambda loc: load._yaml_line(region_doc.data, loc), issues)
    records = {}
    for file, model in (("companies.csv", Company), ("company_segments.csv", CompanySegment),
                        ("relations.csv", Relation), ("projects.csv", load.Project)):
        records[file], ln = load._csv_records(data_dir / file, model, issues, unparsed)
        lines.add(file, ln)
    if region is None:
        return summarise_follow_on(load._sorted(issues))
    data = DataSet(fields=tuple(parts["fields"]), chains=tuple(parts["chains"]),
                   segments=tuple(parts["segments"]), companies=tuple(records["companies.csv"]),
                   company_segments=tuple(records["company_segments.csv"]),
                   relations=tuple(records["relations.csv"]), region=region,
                   projects=tuple(records["projects.csv"]))
    region_lines = load._region_lines(region_doc.data)
    issues.extend(cross_check(data, lines, region_lines))
    issues.extend(_old_pool_checks(data, lines, {s.id for s in data.segments}))
    issues.extend(hygiene_warnings(data, lambda i, f: lines("companies.csv", i, f), load._known_tags(data_dir)))
    return summarise_follow_on(load._sorted(issues))


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(TINY, target)
    return target


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


C, S, R = "companies.csv", "company_segments.csv", "relations.csv"

# Each case: a list of edits (file, old, new) or (file, None, appended text).
BROKEN: dict[str, list[tuple[str, str | None, str]]] = {
    "bad choice and bad id on one row": [(C, "out-fab,外地晶圆厂,,,上海市", "Out_Fab,外地晶圆厂,,,上海市"),
                                         (C, "medium,专精特新", "huge,专精特新")],
    "missing required cells": [(C, None, ",,,,,,,,,,,,\nbare,,,,,,,,,,,,\n")],
    "duplicate ids, names and codes": [
        (C, None, "loc-anchor,另一个名字,,,北京市,,,private,SH:601038|SH:601038|HK:00700,large,,test,\n"
                  "twin,本地链主,,,北京市,,,private,HK:00700,large,,test,\n")],
    "bad listed codes and USCCs": [
        (C, None, "codes,代码公司,,91350100M000100Y44,北京市,,,private,SH:60103|US:baidu|XX:1|SZ:１２３４５６,large,,test,\n"
                  "short,短码公司,,123,北京市,,,private,,large,,test,\n"
                  "chars,字符公司,,91350100M000100YI3,北京市,,,private,,,,test,\n"
                  "good,好公司,,91350100M000100Y43,北京市,,,private,HK:00700,,,test,\n")],
    "too many values, blank lines and whitespace": [
        (C, None, "wide,宽,,,,,,,,,,test,,extra\n\n , ,\n  spaced  ,\u3000全角空格\u3000,,,,,,,,,,test,\n")],
    "references to unparsed and unknown companies": [
        (C, "out-fab,外地晶圆厂,,,上海市", "out-fab,外地晶圆厂,,,上海市,,,nonsense"),
        (S, None, "ghost,chip-fab,core,,test\nout-fab,chip-fob,core,,test\nout-reducer,robot-reducer,main,,test\n"),
        (R, None, "out-fab,SUPPLIES,ghost,,test\nghost,SUPPLIES,ghost,,test\nout-small,SUPPLIES,out-small,,test\n")],
    "duplicate links and relations": [
        (S, None, "out-small,robot-reducer,secondary,,test\nout-small,robot-reducer,core,,test\n"),
        (R, None, "out-integrator,SUPPLIES,loc-anchor,,test\nout-integrator,SUPPLIES,loc-anchor,x,test\n")],
    "quoted cells fall back to the csv module": [
        (C, None, '"quoted","带,逗号的名字",,,北京市,,,private,,large,,"多行\n来源",\n"bad id",名字,,,,,,,,,,test,\n')],
    "unknown and missing header columns": [(R, "from_id,type,to_id", "from,type,to_id,colour")],
    "unknown column only": [(S, "company_id,segment_id,role", "company_id,segment_id,role,colour")],
    "CRLF line ends": [(R, None, "out-fab,SUPPLIES,ghost,,test\r\nout-fab,SUPPLIES,out-fab,,test\r\n")],
    "bad role list-like cell": [(S, None, "out-fab,robot-body,core|secondary,,test\n")],
    "list cells with empty parts": [(C, None, "lists,列表,| |a|,,北京市,,,private,|,large,|,test,\nlists2,列表2,,,,,,,| x |SH:1,tiny,,test,\n")],
}


def _apply(data: Path, edits: list[tuple[str, str | None, str]]) -> None:
    for file, old, new in edits:
        if old is None:
            _append(data / file, new)
        else:
            _replace(data / file, old, new)


@pytest.mark.parametrize("case", list(BROKEN), ids=list(BROKEN))
def test_broken_inputs_report_the_same_issues(tmp_path: Path, case: str) -> None:
    data = _copy(tmp_path)
    _apply(data, BROKEN[case])
    new = load_dataset(data)[1]
    assert new, "the case should break something"
    assert [i.model_dump() for i in new] == [i.model_dump() for i in reference_issues(data)]


def test_encodings_and_missing_files(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    text = (data / C).read_text(encoding="utf-8")
    (data / C).write_bytes(text.encode("gb18030"))  # GBK: read with a warning
    (data / S).write_bytes(b"\xef\xbb\xbf" + (data / S).read_bytes())  # BOM: fine
    (data / R).unlink()
    assert [i.model_dump() for i in load_dataset(data)[1]] == [
        i.model_dump() for i in reference_issues(data)]
    (data / C).write_bytes(text.encode("utf-16"))
    (data / S).write_text("", encoding="utf-8")
    assert [i.model_dump() for i in load_dataset(data)[1]] == [
        i.model_dump() for i in reference_issues(data)]


@pytest.mark.parametrize("data", [TINY, BUNDLED], ids=["tiny", "bundled"])
def test_clean_data_gives_the_same_records(data: Path) -> None:
    dataset, issues = load_dataset(data)
    assert dataset is not None
    assert [i.model_dump() for i in issues] == [i.model_dump() for i in reference_issues(data)]
    for file, model in ((C, Company), (S, CompanySegment), (R, Relation)):
        records, _lines = load._csv_records(data / file, model, [], set())
        table = {C: dataset.companies, S: dataset.company_segments, R: dataset.relations}[file]
        assert list(table) == records


class FutureCompany(Company):
    """Company with the optional columns other issues add: validated with no code per column."""

    registered_capital: Annotated[float, Field(ge=0)] | None = None
    employees: int | None = None
    founded: Annotated[int, Field(ge=1800, le=2100)] | None = None
    industry_code: Annotated[str, Field(pattern=r"^[A-T][0-9]{0,4}$")] | None = None
    status: Literal["active", "revoked", "cancelled"] | None = None
    since: date | None = None
    exporter: bool = False


def test_added_optional_columns_are_validated_like_the_model(tmp_path: Path) -> None:
    path = tmp_path / C
    path.write_text(
        "id,name,source,registered_capital,employees,founded,industry_code,status,since,exporter\n"
        "a,甲,s,1000.5,20,1999,C3,active,2020-01-02,true\n"
        "b,乙,s,-1,2.5,1700,c3,alive,2020-13-01,maybe\n"
        "c,丙,s,1e3,+7,2000,,,,1\n"
        "d,丁,s,abc,1_000,,,,,\n", encoding="utf-8")
    new_issues: list[DataIssue] = []
    frame = read_pool_table(path, FutureCompany, LIST_COLUMNS, load._csv_row, new_issues, set())
    old_issues: list[DataIssue] = []
    records, _lines = load._csv_records(path, FutureCompany, old_issues, set())
    assert [i.model_dump() for i in new_issues] == [i.model_dump() for i in old_issues]
    assert [r.id for r in records] == frame.get_column("id").to_list() == ["a", "c"]
    assert frame.get_column("registered_capital").to_list() == [1000.5, 1000.0]
    assert frame.get_column("employees").to_list() == [20, 7]
    assert frame.get_column("exporter").to_list() == [True, True]
    assert {i.field for i in new_issues} >= {"registered_capital", "employees", "founded",
                                             "industry_code", "status", "since", "exporter"}


def test_dataset_from_records_keeps_working() -> None:
    dataset = load_dataset(TINY)[0]
    assert dataset is not None
    again = DataSet(fields=dataset.fields, chains=dataset.chains, segments=dataset.segments,
                    companies=dataset.companies, company_segments=dataset.company_segments,
                    relations=dataset.relations, region=dataset.region, projects=dataset.projects)
    assert again.companies == dataset.companies
    assert again.relations == dataset.relations
    assert len(again.pool) == len(dataset.companies)


def test_a_copy_with_other_records_has_the_pool_of_those_records() -> None:
    """model_copy(update={"relations": …}) once replaced the tuple and kept the old pool (issue #17)."""
    import pytest

    dataset = load_dataset(TINY)[0]
    assert dataset is not None
    kept = dataset.relations[1:]
    copy = dataset.model_copy(update={"relations": kept})
    assert copy.relations == kept
    assert list(copy.pool.records("relations", Relation)) == list(kept)
    assert copy.pool.companies.drop("line").equals(dataset.pool.companies.drop("line"))
    # The integer keys are made again for the new rows.
    assert copy.pool.relations.get_column("from_idx").to_list() == [
        dataset.pool.companies.get_column("id").to_list().index(r.from_id) for r in kept]
    # Without loc-small (no relations), every later company moves up one row.
    fewer = dataset.model_copy(update={"companies": tuple(c for c in dataset.companies if c.id != "loc-small")})
    assert fewer.pool.companies.get_column("idx").to_list() == list(range(len(dataset.companies) - 1))
    assert fewer.pool.relations.get_column("to_idx").to_list() == [
        [c.id for c in fewer.companies].index(r.to_id) for r in fewer.relations]
    # A copy with another pool drops the record tuples made from the old one.
    assert len(dataset.companies) > 1  # made and cached on the original
    other = dataset.model_copy(update={"pool": fewer.pool})
    assert other.companies == fewer.companies
    with pytest.raises(ValueError, match="not both"):
        dataset.model_copy(update={"pool": fewer.pool, "relations": ()})
    with pytest.raises(ValueError, match="not both"):
        DataSet(**{**{name: getattr(dataset, name) for name in DataSet.model_fields}, "relations": ()})


def test_local_mask_is_dataset_is_local() -> None:
    for data in (TINY, BUNDLED):
        dataset = load_dataset(data)[0]
        assert dataset is not None
        mask = dataset.pool.local_mask(dataset.region).to_list()
        assert mask == [dataset.is_local(c) for c in dataset.companies]



def test_vectorised_uscc_check_is_uscc_problem() -> None:
    import random

    import polars as pl

    from chainkg.dataset.pool_checks import _uscc_accepted, _uscc_value
    from chainkg.dataset.uscc import CHARSET

    values = pl.Series([c.encode() for c in CHARSET], dtype=pl.Binary)
    assert pl.select(_uscc_value(pl.lit(values).bin.get(0))).to_series().to_list() == list(range(31))
    rng = random.Random(3)
    codes = ["91350100M000100Y43", "91350100M000100Y44", "123", "91350100M000100YI3", "9135010OM000100Y43"]
    for _ in range(500):
        code = list("91350100M000100Y43")
        code[rng.randrange(18)] = rng.choice(CHARSET + "IOZa")
        codes.append("".join(code))
    accepted = pl.DataFrame({"u": codes}).select(_uscc_accepted(pl.col("u"))).to_series().to_list()
    assert accepted == [uscc_problem(c) is None for c in codes]
    assert any(accepted) and not all(accepted)
