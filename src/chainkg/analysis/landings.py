"""``chainkg evaluate --landings FILE``: replay the ranking before each real landing.

The team keeps a CSV of firms that really signed or started a project in the district or the
city: columns firm (企业: id, full name or alias), date (日期: a day, a month or a year — only
as precise as the source), segment (环节: id or name, optional) and source (来源: where a reader
finds it). The file is read as the data files are (chainkg.dataset.readers); any bad row stops the
command with file, line and field, exit 2.

Each landing is replayed on the data as of the day before it (chainkg.analysis.as_of: a year-only
landing, on the last day of the year before) with the firm's own engagement removed
(chainkg.analysis.backtest.without_engagement), and the firm's position is scored as the engaged
back-test scores it. A firm the data do not hold is no error: it is a miss reported as
不在候选库, as is a local firm (never a candidate); a firm in the data that fills no gap on
that day is a miss reported as 未对应缺口.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import polars as pl

from chainkg.analysis.as_of import as_of_data
from chainkg.analysis.backtest import (
    METHOD_LABELS,
    BacktestCase,
    BacktestReport,
    LandingCounts,
    LandingInfo,
    Replay,
    make_case,
    replay,
    summaries,
    without_engagement,
)
from chainkg.analysis.filters import company_by_key
from chainkg.dataset.readers import HEADER_ONLY, header_mapped, parse_csv, read_text
from chainkg.graph.pool_graph import PoolGraph, pool_graph
from chainkg.model.errors import DataError, NotFoundError
from chainkg.model.issues import DataIssue
from chainkg.model.records import DataSet
from chainkg.model.scoring import Scoring

__all__ = ["HEADER_ALIASES", "STATUS_LABELS", "Landing", "landings_backtest", "read_landings"]

HEADER_ALIASES = {"企业": "firm", "企业id": "firm", "企业名称": "firm", "公司": "firm", "日期": "date",
                  "时间": "date", "环节": "segment", "环节id": "segment", "来源": "source"}
STATUS_LABELS = {
    "ranked": "进入排序",
    "not_in_data": "不在候选库（数据中没有这家企业）",
    "local": "不在候选库（本区企业，排序不列）",
    "unborn": "不在候选库（当时尚未成立）",
    "no_gap": "未对应缺口",
}
# 2022-08-16, 2022/8/16, 2022年8月16日; 2022-08, 2022年8月; 2022, 2022年.
_DATE = re.compile(r"^(\d{4})(?:\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?|\s*月)?)?\s*年?$")


class Landing(LandingInfo):
    """One row of a landings file: ``company_id`` None when the data do not hold the firm."""

    company_id: str | None


def _first_day(text: str) -> date | None:
    """The first day the written date can mean (a month's first day, a year's 1 January)."""
    match = _DATE.match(text.strip())
    if match is None:
        return None
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def read_landings(path: Path, data: DataSet) -> list[Landing]:
    """The rows of a landings file; DataError with every problem (file, line, field) if any."""
    issues: list[DataIssue] = []
    text = read_text(path, issues)
    if text is None:
        raise DataError(issues)
    table = parse_csv(path.name, header_mapped(text, HEADER_ALIASES), ("firm", "date", "source"), ("segment",))
    issues.extend(table.issues)
    companies = [(c, name, aliases or ()) for c, name, aliases
                 in data.pool.companies.select("id", "name", "aliases").iter_rows()]
    segments = {s.id: s.id for s in data.segments} | {s.name: s.id for s in data.segments}
    landings: list[Landing] = []
    for line, row in table.rows:
        def error(field: str, message: str, line: int = line) -> None:
            issues.append(DataIssue(level="error", file=path.name, line=line, field=field, message=message))

        firm, written, segment, source = (row.get(k, "").strip() for k in ("firm", "date", "segment", "source"))
        company_id = None
        try:
            company_id = company_by_key(firm, companies) if firm else None
        except NotFoundError as exc:
            error("firm", str(exc))
        first = _first_day(written)
        if not firm:
            error("firm", "企业不能为空（企业 id、全称或简称；数据中没有的企业照写全称）")
        if first is None:
            error("date", f"日期「{written}」无法识别，应为 2022-08-16、2022-08 或 2022（按来源的精度）")
        if segment and segment not in segments:
            error("segment", f"环节「{segment}」不存在（用环节 id 或名称；全部见 chainkg ls segments）")
        if not source:
            error("source", "来源不能为空：写明读者能查到的出处（政府或企业公告、日期）")
        if first is not None and firm and source and (not segment or segment in segments):
            landings.append(Landing(line=line, firm=firm, date=written, replayed=first - timedelta(days=1),
                                    status="", segment_id=segments.get(segment), source=source,
                                    company_id=company_id))
    if not table.rows and not issues:  # a back-test of nothing would print an empty report
        issues.append(DataIssue(level="error", file=path.name, line=1, message=HEADER_ONLY))
    if any(i.level == "error" for i in issues):
        raise DataError(issues)
    return landings


def _replay(landing: Landing, local: set[str], then: Callable[[date], PoolGraph],
            scoring: Scoring) -> tuple[str, Replay]:
    """The landing's status and the firm's replay on the day before it (``then``: the tables as of a day)."""
    missed = Replay(positions={m: (None, 0) for m in METHOD_LABELS}, prospect=None)
    cid = landing.company_id
    if cid is None:
        return "not_in_data", missed
    if cid in local:
        return "local", missed
    pg = then(landing.replayed)
    if pg.companies.filter(pl.col("id") == cid).height == 0:
        return "unborn", missed
    # Both only drop records (as_of_data by date, without_engagement the firm's own): in either order.
    result = replay(without_engagement(pg, cid), cid, scoring, landing.replayed)
    return ("ranked" if result.prospect is not None else "no_gap"), result


def _fills(segment_id: str, fills: list[str], parents: dict[str, str | None]) -> bool:
    """Whether one of the filled gaps is the segment or one of its 细分环节."""
    for filled in fills:
        node: str | None = filled
        while node is not None:
            if node == segment_id:
                return True
            node = parents.get(node)
    return False


def landings_backtest(data: DataSet, scoring: Scoring, landings: list[Landing]) -> BacktestReport:
    """Every landing replayed and scored under every method (see the module docstring)."""
    firms = [landing.company_id for landing in landings if landing.company_id is not None]
    companies = data.pool.companies.with_columns(data.pool.local_mask(data.region)).filter(pl.col("id").is_in(firms))
    names = dict(companies.select("id", "name").iter_rows())
    local = set(companies.filter(pl.col("is_local")).get_column("id").to_list())
    parents = {s.id: s.parent for s in data.segments}
    per_method: dict[str, list[BacktestCase]] = {m: [] for m in METHOD_LABELS}
    counts = LandingCounts()
    # Landings of the same day replay the same tables: made once a day, one day's tables held at a time.
    then = lru_cache(maxsize=1)(lambda day: pool_graph(as_of_data(data, day)))
    replays = {i: _replay(landings[i], local, then, scoring)
               for i in sorted(range(len(landings)), key=lambda i: landings[i].replayed)}
    for i, landing in enumerate(landings):
        status, result = replays[i]
        prospect = result.prospect
        info = LandingInfo.model_validate(landing.model_dump(exclude={"company_id"}) | {
            "status": status,
            "intent": None if prospect is None else prospect.components["intent"],
            "segment_filled": (None if prospect is None or landing.segment_id is None
                               else _fills(landing.segment_id, prospect.fills, parents)),
        })
        setattr(counts, status, getattr(counts, status) + 1)
        counts.with_intent += bool(info.intent)
        counts.segment_given += info.segment_filled is not None
        counts.segment_filled += info.segment_filled is True
        cid = landing.company_id or ""
        for method, (position, candidates) in result.positions.items():
            case = make_case(cid, names.get(cid, landing.firm), "", position, candidates)
            per_method[method].append(case.model_copy(update={"landing": info}))
    return BacktestReport(engaged=len(landings), methods=summaries(per_method), landings=counts)
