"""Loading graph_data/ into validated models, reporting every problem with file, line and field.

``load_dataset`` never raises for a data mistake: it returns the issues. ``load_valid``
raises DataError when any issue is an error — that is what analysis commands use.
companies.csv, company_segments.csv and relations.csv are read into polars tables by
chainkg.dataset.pool_checks, which hands every row it doubts to this module's row parser.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from chainkg.dataset.checks import FOLLOWUP, cross_check
from chainkg.dataset.hygiene import (
    LIST_COLUMNS,
    normalize_place_fields,
    normalize_pool_places,
    normalize_row,
    pool_hygiene,
)
from chainkg.dataset.pool_cache import PoolCache
from chainkg.dataset.pool_checks import check_pool, read_pool
from chainkg.dataset.readers import LineDict, YamlDoc, iter_list, line_of, read_csv, read_yaml
from chainkg.model.errors import ConfigError, DataError
from chainkg.model.issues import DataIssue, summarise_follow_on
from chainkg.model.pool import CompanyPool
from chainkg.model.records import (
    AnchorNeed,
    Chain,
    Company,
    DataSet,
    FollowUp,
    IndustryField,
    Progress,
    Project,
    Region,
    Segment,
    Signal,
)
from chainkg.model.scoring import Scoring

__all__ = ["FILES", "OPTIONAL_FILES", "default_data_dir", "load_dataset", "load_scoring", "load_valid"]

FILES = ("chains.yaml", "companies.csv", "company_segments.csv", "relations.csv",
         "region.yaml", "projects.csv")
SIGNALS_FILE = "signals.csv"  # optional: public signs that a company is moving (intent)
ANCHOR_NEEDS_FILE = "anchor_needs.csv"  # optional: what local anchors buy from outside
PROGRESS_FILE = "progress.csv"  # optional: the team's reported values for region.yaml targets
FOLLOWUP_FILE = FOLLOWUP  # optional: owner and next step of each 招商目标 company
# The optional CSV files: file, record model, DataSet attribute (read here, written by chainkg.dataset.write).
OPTIONAL_FILES: tuple[tuple[str, type[BaseModel], str], ...] = (
    (PROGRESS_FILE, Progress, "progress"),
    (SIGNALS_FILE, Signal, "signals"),
    (ANCHOR_NEEDS_FILE, AnchorNeed, "anchor_needs"),
    (FOLLOWUP_FILE, FollowUp, "followups"),
)

M = TypeVar("M", bound=BaseModel)

def default_data_dir() -> Path:
    """CHAINKG_DATA, else the checkout's graph_data/, else the copy installed with the package."""
    env = os.environ.get("CHAINKG_DATA")
    if env:
        return Path(env)
    checkout = Path(__file__).resolve().parents[3] / "graph_data"
    if (checkout / "chains.yaml").exists():
        return checkout
    return Path(str(resources.files("chainkg") / "_bundled_data"))


# Non-id patterns of the contract and how to write them (see models.IndustryCode, IsoDate).
_PATTERN_HINTS = {
    r"^[A-T](\d{2}|\d{3}|\d{4})?$": "国标行业代码应为门类字母加 2–4 位数字（GB/T 4754-2017），如 C3491",
    r"^\d{4}-\d{2}-\d{2}$": "日期应写成 YYYY-MM-DD，如 2010-01-05",
}


def _describe(error: Any) -> str:
    """A pydantic error in the team's words."""
    kind, value = error["type"], error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "缺少必填值"
    if kind == "extra_forbidden":
        return "未知字段（是否拼写错误？）"
    if kind == "literal_error":
        allowed = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return f"取值「{value}」无效，允许的取值：{allowed}"
    if kind == "string_pattern_mismatch":
        hint = _PATTERN_HINTS.get(str(ctx.get("pattern", "")))
        if hint:
            return f"「{value}」格式不对：{hint}"
        return f"「{value}」不是合法的 id：只能用小写英文字母、数字和连字符，且不能以连字符开头"
    if kind == "string_too_short":
        return "不能为空"
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        bound = {"greater_than_equal": "不小于", "less_than_equal": "不大于",
                 "greater_than": "大于", "less_than": "小于"}[kind]
        limit = next(iter(ctx.values()), "")
        return f"取值 {value} 超出范围：应{bound} {limit}"
    if kind in {"float_parsing", "float_type"}:
        return f"「{value}」不是数字"
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return f"「{value}」不是整数"
    if kind in {"bool_parsing", "bool_type"}:
        return f"「{value}」不是 true/false"
    if kind in {"list_type", "tuple_type"}:
        return "应为列表（YAML 中写成 [a, b] 或逐行 - a）"
    if kind in {"string_type"}:
        return f"「{value}」应为文本"
    if kind in {"dict_type", "model_type"}:
        return "应为键值映射（key: value）"
    return str(error.get("msg", kind))


def _field_name(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc)


def _yaml_line(raw: Any, loc: tuple[Any, ...]) -> int | None:
    """Walk raw YAML data along a pydantic error location to the deepest known line."""
    line = line_of(raw)
    node = raw
    for part in loc:
        if isinstance(node, dict) and part in node:
            line = line_of(node, str(part)) or line
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            line = line_of(node) or line
        else:
            break
    return line


def _fixed_line(line: int) -> Callable[[tuple[Any, ...]], int | None]:
    return lambda _loc: line


def _yaml_line_of(raw: Any) -> Callable[[tuple[Any, ...]], int | None]:
    return lambda loc: _yaml_line(raw, loc)


def _parse(
    model: type[M], raw: Any, file: str, line_for: Callable[[tuple[Any, ...]], int | None],
    issues: list[DataIssue],
) -> M | None:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            issues.append(DataIssue(
                level="error", file=file, line=line_for(loc),
                field=_field_name(loc) or None, message=_describe(error),
            ))
        return None


def _csv_row(
    model: type[M], row: Mapping[str, str | None], file: str, line: int, issues: list[DataIssue],
) -> tuple[M | None, dict[str, Any]]:
    """One pool CSV row (cell by column) as a record, or None with issues; and the raw values given.

    Tidied as ``_csv_records`` tidies rows (chainkg.dataset.hygiene.normalize_row: lists split on any
    separator, full-width codes); place names are completed for the whole table at once
    (``hygiene.normalize_pool_places``).
    """
    raw, _places = normalize_row({k: v or "" for k, v in row.items()}, place=False)
    return _parse(model, raw, file, _fixed_line(line), issues), raw


def _csv_records(
    path: Path, model: type[M], issues: list[DataIssue], unparsed: set[str],
) -> tuple[list[M], dict[int, tuple[int, dict[str, int]]]]:
    """Parse a CSV into models; returns them and, per model index, its line."""
    names = tuple(model.model_fields)
    required = tuple(n for n, f in model.model_fields.items() if f.is_required())
    optional = tuple(n for n in names if n not in required)
    table = read_csv(path, required, optional)
    issues.extend(table.issues)
    records: list[M] = []
    lines: dict[int, tuple[int, dict[str, int]]] = {}
    for line, row in table.rows:
        raw, problems = normalize_row(row, place=model is Company)
        issues.extend(DataIssue(level="warning", file=table.name, line=line, field=f, message=m)
                      for f, m in problems)
        record = _parse(model, raw, table.name, _fixed_line(line), issues)
        if record is None:
            unparsed.add(str(raw.get("id", "")))
        else:
            lines[len(records)] = (line, {})
            records.append(record)
    return records, lines


def _yaml_records(
    doc: YamlDoc, key: str, model: type[M], issues: list[DataIssue], unparsed: set[str],
) -> tuple[list[M], dict[int, tuple[int, dict[str, int]]]]:
    records: list[M] = []
    lines: dict[int, tuple[int, dict[str, int]]] = {}
    items = doc.data.get(key) if isinstance(doc.data, dict) else None
    if items is not None and not isinstance(items, list):
        issues.append(DataIssue(
            level="error", file=doc.name, line=line_of(doc.data, key), field=key,
            message="应为列表（每项以 - 开头）",
        ))
        return records, lines
    for item in iter_list(doc, key):
        record = _parse(model, item, doc.name, _yaml_line_of(item), issues)
        if record is None:
            unparsed.add(str(item.get("id", "")) if isinstance(item, dict) else "")
        else:
            key_lines = item.key_lines if isinstance(item, LineDict) else {}
            lines[len(records)] = (line_of(item) or 0, key_lines)
            records.append(record)
    return records, lines


class Lines:
    """Where each record (and each of its keys) came from, so cross-checks can point at it.

    It also remembers the ids of records that failed to parse, so that references to them
    are not reported a second time as "does not exist".
    """

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, int], tuple[int, dict[str, int]]] = {}
        self.unparsed_ids: set[str] = set()

    def add(self, file: str, mapping: dict[int, tuple[int, dict[str, int]]]) -> None:
        for index, where in mapping.items():
            self.by_key[(file, index)] = where

    def __call__(self, file: str, index: int, field: str | None = None) -> int | None:
        where = self.by_key.get((file, index))
        if where is None:
            return None
        line, key_lines = where
        return key_lines.get(field, line) if field else line


def load_dataset(data_dir: Path) -> tuple[DataSet | None, list[DataIssue]]:
    """Read and check every file; the data set is None when a file could not be parsed."""
    if not data_dir.is_dir():
        raise ConfigError(f"数据目录不存在：{data_dir}（用 --data 指定，或设置 CHAINKG_DATA）")
    issues: list[DataIssue] = []
    lines = Lines()

    chains_doc = read_yaml(data_dir / "chains.yaml")
    issues.extend(chains_doc.issues)
    _expect_mapping(chains_doc, ("fields", "chains", "segments"), issues)
    fields, ln = _yaml_records(chains_doc, "fields", IndustryField, issues, lines.unparsed_ids)
    lines.add("chains.yaml#fields", ln)
    chains, ln = _yaml_records(chains_doc, "chains", Chain, issues, lines.unparsed_ids)
    lines.add("chains.yaml#chains", ln)
    segments, ln = _yaml_records(chains_doc, "segments", Segment, issues, lines.unparsed_ids)
    lines.add("chains.yaml#segments", ln)

    region_doc = read_yaml(data_dir / "region.yaml")
    issues.extend(region_doc.issues)
    region: Region | None = None
    if isinstance(region_doc.data, dict):
        issues.extend(DataIssue(level="warning", file=region_doc.name, line=line_of(region_doc.data, f), field=f,
                                message=m) for f, m in normalize_place_fields(region_doc.data))
    if region_doc.data is not None or not region_doc.issues:
        region = _parse(Region, region_doc.data, region_doc.name,
                        lambda loc: _yaml_line(region_doc.data, loc), issues)

    # companies.csv, company_segments.csv, relations.csv: columnar, see chainkg.dataset.pool_checks;
    # a large pool is read back from the cache when its files have not changed (chainkg.dataset.pool_cache).
    def read() -> tuple[CompanyPool, list[DataIssue], set[str]]:
        found: list[DataIssue] = []
        failed: set[str] = set()
        pool = normalize_pool_places(read_pool(data_dir, LIST_COLUMNS, _csv_row, found, failed), found)
        return pool, found, failed

    cache = PoolCache(data_dir)
    pool, pool_issues, failed = cache.pool(read)
    issues.extend(pool_issues)
    lines.unparsed_ids |= failed
    projects, ln = _csv_records(data_dir / "projects.csv", Project, issues, lines.unparsed_ids)
    lines.add("projects.csv", ln)
    optional: dict[str, tuple[Any, ...]] = {}
    for file, model, attribute in OPTIONAL_FILES:
        optional[attribute] = ()
        if (data_dir / file).exists():
            records, ln = _csv_records(data_dir / file, model, issues, lines.unparsed_ids)
            optional[attribute] = tuple(records)
            lines.add(file, ln)

    if region is None:
        return None, summarise_follow_on(_sorted(issues))
    dataset = DataSet(
        fields=tuple(fields), chains=tuple(chains), segments=tuple(segments),
        pool=pool, region=region, projects=tuple(projects), **optional,
    )
    region_lines = _region_lines(region_doc.data)
    issues.extend(cross_check(dataset, lines, region_lines))
    segment_ids = {s.id for s in segments}
    inputs = "|".join(sorted(segment_ids)) + "||" + "|".join(sorted(lines.unparsed_ids))
    issues.extend(cache.checks(inputs, lambda: check_pool(pool, segment_ids, lines.unparsed_ids)))
    issues.extend(pool_hygiene(pool, region, _known_tags(data_dir)))
    return dataset, summarise_follow_on(_sorted(issues))


def _known_tags(data_dir: Path) -> list[str]:
    """The tags scoring recognises (scoring.yaml, else the defaults): others get a warning."""
    try:
        return list(load_scoring(data_dir).rank.capability.tags)
    except DataError:
        return list(Scoring().rank.capability.tags)


def _expect_mapping(doc: YamlDoc, keys: Iterable[str], issues: list[DataIssue]) -> None:
    if doc.data is None:
        return
    if not isinstance(doc.data, dict):
        issues.append(DataIssue(level="error", file=doc.name, line=1,
                                message=f"顶层应为映射，包含 {', '.join(keys)}"))
        return
    for key in doc.data:
        if key not in keys:
            issues.append(DataIssue(level="error", file=doc.name, line=line_of(doc.data, key),
                                    field=str(key), message="未知的顶层字段（是否拼写错误？）"))


def _region_lines(raw: Any) -> dict[str, int]:
    """Lines of region.yaml's parts: 'partners.2', 'targets.0.period', 'also_local', … for cross-check messages."""
    result: dict[str, int] = {}
    if not isinstance(raw, LineDict):
        return result
    for key in raw:
        result[key] = line_of(raw, key) or 0
        value = raw[key]
        if isinstance(value, list):
            for index, item in enumerate(value):
                result[f"{key}.{index}"] = line_of(item) or result[key]
                if isinstance(item, LineDict):
                    result.update({f"{key}.{index}.{k}": line for k, line in item.key_lines.items()})
    return result


def _sorted(issues: list[DataIssue]) -> list[DataIssue]:
    order = {name: i for i, name in enumerate((*FILES, PROGRESS_FILE, SIGNALS_FILE, ANCHOR_NEEDS_FILE))}
    return sorted(issues, key=lambda i: (order.get(i.file, 99), i.line or 0, i.level))


def load_valid(data_dir: Path) -> tuple[DataSet, list[DataIssue]]:
    """Load and raise DataError when there is any error; returns the data set and its warnings."""
    dataset, issues = load_dataset(data_dir)
    if dataset is None or any(i.level == "error" for i in issues):
        raise DataError(issues)
    return dataset, issues


def load_scoring(data_dir: Path) -> Scoring:
    """The data set's scoring.yaml, or the documented defaults when there is none."""
    path = data_dir / "scoring.yaml"
    if not path.exists():
        return Scoring()
    return load_scoring_file(path)


def load_scoring_file(path: Path) -> Scoring:
    """A scoring settings file (the same checks as a data set's scoring.yaml)."""
    if not path.is_file():
        raise ConfigError(f"评分设置文件不存在：{path}")
    doc = read_yaml(path)
    issues = list(doc.issues)
    scoring = None
    if doc.data is not None:
        # Merge over the defaults so a partial map (e.g. only scale.large) keeps the other keys.
        merged = _deep_merge(Scoring().model_dump(), doc.data)
        scoring = _parse(Scoring, merged, doc.name, lambda loc: _yaml_line(doc.data, loc), issues)
    elif not issues:
        scoring = Scoring()  # an empty file means "all defaults"
    if scoring is None or issues:
        raise DataError(issues)
    return scoring


def _deep_merge(base: Any, override: Any) -> Any:
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = _deep_merge(base.get(key), value) if key in base else value
        return merged
    return override
