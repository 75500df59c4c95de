"""Cross-record checks: ids unique and resolvable, no parent cycles, listing-code rules.

Each check is linear in the data (dict look-ups, one DFS over segments). The company pool's
own checks (duplicate ids, names and codes, USCCs, links and relations) are vectorised in
chainkg.dataset.pool_checks, which uses ``LISTED_PATTERNS`` and ``listed_problem`` from here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import networkx as nx

from chainkg.model.issues import DataIssue, Level
from chainkg.model.target_kinds import kind_of, period_start

if TYPE_CHECKING:
    from chainkg.model.records import DataSet, Target

__all__ = ["FOLLOWUP", "LISTED_PATTERNS", "cross_check", "listed_since_problem"]

FOLLOWUP = "followup.csv"  # (load.FOLLOWUP_FILE; load imports this module)

LISTED_PATTERNS = {
    "SH": (re.compile(r"^\d{6}$"), "6 位数字，如 SH:601038"),
    "SZ": (re.compile(r"^\d{6}$"), "6 位数字，如 SZ:300124"),
    "BJ": (re.compile(r"^\d{6}$"), "6 位数字，如 BJ:830799"),
    "NQ": (re.compile(r"^\d{6}$"), "6 位数字（新三板），如 NQ:430047"),
    "HK": (re.compile(r"^\d{5}$"), "5 位数字，如 HK:00700"),
    "US": (re.compile(r"^[A-Z][A-Z.]{0,5}$"), "大写字母代码，如 US:BIDU"),
}

LineLookup = Callable[..., int | None]  # (file, index, field=None) -> line


def _duplicates(
    file: str, ids: Iterable[str], lines: LineLookup, what: str, field: str = "id",
) -> list[DataIssue]:
    issues: list[DataIssue] = []
    seen: dict[str, int] = {}
    for index, value in enumerate(ids):
        if value in seen:
            first = lines(file, seen[value])
            issues.append(DataIssue(
                level="error", file=file.split("#")[0], line=lines(file, index, field), field=field,
                message=f"{what} id「{value}」重复（第一次出现在第 {first} 行）",
            ))
        else:
            seen[value] = index
    return issues


def cross_check(
    data: DataSet, lines: LineLookup, region_lines: dict[str, int],
) -> list[DataIssue]:
    """Every referential and cross-record problem of a parsed data set but its company pool's."""
    issues: list[DataIssue] = []

    # Ids of records that failed to parse: they are reported already, so a reference to one
    # counts as resolvable rather than being reported a second time as "does not exist".
    unparsed: set[str] = {u for u in getattr(lines, "unparsed_ids", set()) if u}

    def error(file: str, index: int | None, field: str, message: str,
              level: Level = "error") -> None:
        line = lines(file, index, field) if index is not None else None
        issues.append(DataIssue(level=level, file=file.split("#")[0], line=line,
                                field=field, message=message))

    issues += _duplicates("chains.yaml#fields", (f.id for f in data.fields), lines, "领域")
    issues += _duplicates("chains.yaml#chains", (c.id for c in data.chains), lines, "产业链")
    issues += _duplicates("chains.yaml#segments", (s.id for s in data.segments), lines, "环节")
    issues += _duplicates("projects.csv", (p.id for p in data.projects), lines, "项目")

    field_ids = {f.id for f in data.fields} | unparsed
    chain_ids = {c.id for c in data.chains} | unparsed
    segments = {s.id: s for s in data.segments}
    segment_ids = set(segments) | unparsed
    # The company pool is checked by chainkg.dataset.pool_checks; here only the ids referred to.
    company_ids = data.pool.existing_ids([
        *data.region.also_local, *(p.company for p in data.region.partners),
        *(p.company_id for p in data.projects if p.company_id),
        *(s.company for s in data.signals), *(n.company for n in data.anchor_needs),
        *(a for c in data.chains for a in c.anchors), *(f.company_id for f in data.followups)]) | unparsed
    park_ids = {p.id for p in data.region.parks} | unparsed

    for i, chain in enumerate(data.chains):
        if chain.field not in field_ids:
            error("chains.yaml#chains", i, "field", f"领域「{chain.field}」不存在（见 fields）")

    parents = nx.DiGraph()
    feeds = nx.DiGraph()
    for i, seg in enumerate(data.segments):
        if seg.chain not in chain_ids:
            error("chains.yaml#segments", i, "chain", f"产业链「{seg.chain}」不存在（见 chains）")
        if seg.parent is not None:
            parent = segments.get(seg.parent)
            if seg.parent not in segment_ids:
                error("chains.yaml#segments", i, "parent", f"上级环节「{seg.parent}」不存在")
            elif parent is None:  # the parent failed to parse: nothing more to check
                pass
            elif parent.chain != seg.chain:
                error("chains.yaml#segments", i, "parent",
                      f"上级环节「{seg.parent}」属于产业链「{parent.chain}」，"
                      f"而本环节属于「{seg.chain}」；细分环节必须与上级在同一条链")
            else:
                parents.add_edge(seg.id, seg.parent, index=i)
        if seg.hosting not in (None, "production") and not seg.hosting_source:
            error("chains.yaml#segments", i, "hosting_source",
                  f"hosting 为「{seg.hosting}」（本区不能承接其生产）时必须在 hosting_source 写明依据的公开规定")
        for target in seg.feeds:
            if target == seg.id:
                error("chains.yaml#segments", i, "feeds", "环节不能供给自己")
            elif target not in segment_ids:
                error("chains.yaml#segments", i, "feeds", f"供给对象环节「{target}」不存在")
            elif target in segments:
                feeds.add_edge(seg.id, target, index=i)

    for cycle in _cycles(parents):
        index = parents.edges[cycle[0], cycle[1]]["index"]
        error("chains.yaml#segments", index, "parent",
              "上级环节形成循环：" + " → ".join([*cycle, cycle[0]]))
    for cycle in _cycles(feeds):
        index = feeds.edges[cycle[0], cycle[1]]["index"]
        error("chains.yaml#segments", index, "feeds",
              "供给关系形成循环：" + " → ".join([*cycle, cycle[0]])
              + "（真实产业链可能存在回路，但多半是写错了，请确认）", level="warning")

    issues += _check_region(data, company_ids, chain_ids, segment_ids, region_lines)

    for i, project in enumerate(data.projects):
        if project.company_id and project.company_id not in company_ids:
            error("projects.csv", i, "company_id", f"企业「{project.company_id}」不存在（见 companies.csv）")
        for seg_id in project.segment_ids:
            if seg_id not in segment_ids:
                error("projects.csv", i, "segment_ids", f"环节「{seg_id}」不存在（见 chains.yaml）")
        if project.park_id and project.park_id not in park_ids:
            error("projects.csv", i, "park_id", f"园区「{project.park_id}」不存在（见 region.yaml 的 parks）")
    target_ids = {t.id for t in data.region.targets} | unparsed
    targets = {t.id: t for t in data.region.targets}
    for i, item in enumerate(data.progress):
        if item.target_id not in target_ids:
            error("progress.csv", i, "target_id", f"目标「{item.target_id}」不存在（见 region.yaml 的 targets）")
        elif item.target_id in targets:
            first = period_start(targets[item.target_id])
            # A running total dated before its period began belongs to another period.
            if first is not None and targets[item.target_id].period in ("ytd", "cumulative") \
                    and item.as_of.year < first:
                error("progress.csv", i, "as_of",
                      f"截至日期 {item.as_of.isoformat()} 早于目标「{item.target_id}」的累计起点 {first}-01-01")
    for i, signal in enumerate(data.signals):
        if signal.company not in company_ids:
            error("signals.csv", i, "company", f"企业「{signal.company}」不存在（见 companies.csv）")
    local: set[str] = set()
    if data.anchor_needs or any(c.anchors for c in data.chains):
        ids = data.pool.companies.get_column("id")
        local = set(ids.filter(data.pool.local_mask(data.region)).to_list())
    for i, need in enumerate(data.anchor_needs):
        if need.company not in company_ids:
            error("anchor_needs.csv", i, "company", f"企业「{need.company}」不存在（见 companies.csv）")
        elif need.company not in local and need.company not in unparsed:
            error("anchor_needs.csv", i, "company", f"企业「{need.company}」不是本地企业：外购需求只记本地链主的")
        if need.segment not in segment_ids:
            error("anchor_needs.csv", i, "segment", f"环节「{need.segment}」不存在（见 chains.yaml）")
    for i, chain in enumerate(data.chains):
        for anchor in chain.anchors:
            if anchor not in company_ids:
                error("chains.yaml#chains", i, "anchors", f"链主「{anchor}」不存在（见 companies.csv）")
            elif anchor not in local and anchor not in unparsed:
                error("chains.yaml#chains", i, "anchors", f"链主「{anchor}」不是本地企业：链主只记本区企业")
    seen: set[str] = set()
    for i, follow in enumerate(data.followups):
        if follow.company_id not in company_ids:
            error(FOLLOWUP, i, "company_id", f"企业「{follow.company_id}」不存在（见 companies.csv）")
        elif follow.company_id in seen:
            error(FOLLOWUP, i, "company_id", f"企业「{follow.company_id}」在 {FOLLOWUP} 中重复：每家企业一行")
        seen.add(follow.company_id)
    return issues


def _check_region(
    data: DataSet, company_ids: set[str], chain_ids: set[str], segment_ids: set[str],
    region_lines: dict[str, int],
) -> list[DataIssue]:
    issues: list[DataIssue] = []
    region = data.region

    def error(key: str, field: str, message: str) -> None:
        issues.append(DataIssue(level="error", file="region.yaml",
                                line=region_lines.get(key) or None, field=field, message=message))

    for company_id in region.also_local:
        if company_id not in company_ids:
            error("also_local", "also_local", f"企业「{company_id}」不存在（见 companies.csv）")
    for i, partner in enumerate(region.partners):
        if partner.company not in company_ids:
            error(f"partners.{i}", f"partners.{i}.company",
                  f"战略合作伙伴「{partner.company}」不存在（见 companies.csv）")
    for i, park in enumerate(region.parks):
        for chain_id in park.chains:
            if chain_id not in chain_ids:
                error(f"parks.{i}", f"parks.{i}.chains", f"产业链「{chain_id}」不存在（见 chains.yaml）")
        for seg_id in park.segments:
            if seg_id not in segment_ids:
                error(f"parks.{i}", f"parks.{i}.segments", f"环节「{seg_id}」不存在（见 chains.yaml）")
    for i, target in enumerate(region.targets):
        issues += _target_problems(target, i, region_lines)
    for kind, ids in (("parks", [p.id for p in region.parks]),
                      ("targets", [t.id for t in region.targets]),
                      ("channels", [c.id for c in region.channels])):
        seen: set[str] = set()
        for i, value in enumerate(ids):
            if value in seen:
                error(f"{kind}.{i}", f"{kind}.id", f"id「{value}」重复")
            seen.add(value)
    return issues


def _target_problems(target: Target, i: int, region_lines: dict[str, int]) -> list[DataIssue]:
    """A target's kind, period and years must fit together (the rules: chainkg.model.target_kinds)."""
    problems: list[tuple[str, str]] = []
    kind, _inferred = kind_of(target)
    if target.period is not None and kind in ("growth", "share"):
        problems.append(("period", "增速、比重类目标不分时点或累计，period 应留空"))
    if target.period == "cumulative" and target.baseline_year is None:
        problems.append(("period", "多年累计（cumulative）从 baseline_year 的次年起算，请填 baseline_year"))
    if target.period in ("ytd", "cumulative") and target.year is None:
        problems.append(("period", "年内累计、多年累计的目标需填 year（目标年份）"))
    if target.baseline_year is not None and target.year is not None and target.baseline_year >= target.year:
        problems.append(("baseline_year", f"基期年份 {target.baseline_year} 应早于目标年份 {target.year}"))
    return [DataIssue(level="error", file="region.yaml",
                      line=region_lines.get(f"targets.{i}.{field}") or region_lines.get(f"targets.{i}") or None,
                      field=f"targets.{i}.{field}", message=message) for field, message in problems]


def listed_problem(code: str) -> str | None:
    exchange, _, number = code.partition(":")
    if exchange not in LISTED_PATTERNS:
        return (f"上市代码「{code}」格式无效：应为 交易所:代码，交易所为 "
                + "、".join(LISTED_PATTERNS) + "，多个代码用 | 分隔")
    pattern, hint = LISTED_PATTERNS[exchange]
    if not pattern.match(number):
        return f"上市代码「{code}」格式无效：{exchange} 的代码应为{hint}"
    return None


def listed_since_problem(codes: int, dates: int) -> str:
    """The message for a listed_since cell whose dates do not pair with the listed codes."""
    return (f"上市日期有 {dates} 个，上市代码有 {codes} 个：listed_since 要么留空，要么为 listed 的每个代码"
            "按同样顺序各写一个日期（YYYY-MM-DD），用 | 分隔")


def _cycles(graph: nx.DiGraph) -> list[list[str]]:
    """One representative cycle per strongly connected component (linear, unlike simple_cycles)."""
    found: list[list[str]] = []
    for component in nx.strongly_connected_components(graph):
        if len(component) > 1:
            start = min(component)
            cycle = nx.find_cycle(graph.subgraph(component), source=start)
            found.append([u for u, _v in cycle])
    return found
