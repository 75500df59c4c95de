"""Human views: rich tables and trees for the CLI. Pure functions from results to renderables."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from chainkg.analysis.diagnosis import STATUS_LABELS, SegmentDiagnosis
from chainkg.analysis.prospects import (
    COMPONENT_LABELS,
    KIND_LABELS,
    SHORTLIST_COMPONENTS,
    STAGE_LABELS,
    TIER_LABELS,
    Channel,
    Component,
    Prospect,
)
from chainkg.analysis.reasons import channel_usage
from chainkg.analysis.whatif import WhatIf
from chainkg.graph.taxonomy import data_as_of_text, node_id, nodes_of
from chainkg.model.issues import DataIssue
from chainkg.output.export import STAGE_NAMES

__all__ = [
    "chain_tree", "explain_view", "gaps_table", "issues_table", "listing_table", "prospects_table",
    "stats_rows", "stats_table", "whatif_rows", "whatif_table",
]

STATUS_STYLES = {"strong": "green", "weak": "yellow", "missing": "red", "broken": "bold magenta"}


def issues_table(issues: list[DataIssue]) -> Table:
    """File, line and field of every issue, as plain text (a field like [ownership] is not markup)."""
    table = Table(title="数据校验结果", show_lines=False)
    table.add_column("级别", no_wrap=True)
    table.add_column("位置", no_wrap=True)
    table.add_column("字段")
    table.add_column("问题", overflow="fold")
    for issue in issues:
        level = Text("错误", style="red") if issue.level == "error" else Text("警告", style="yellow")
        where = issue.file if issue.line is None else f"{issue.file}:{issue.line}"
        table.add_row(level, Text(where), Text(issue.field or "—"), Text(issue.message))
    return table


def stats_table(stats: dict[str, Any]) -> list[Table]:
    nodes = Table(title="节点")
    nodes.add_column("标签")
    nodes.add_column("数量", justify="right")
    for label, count in stats["nodes"].items():
        nodes.add_row(label, str(count))
    edges = Table(title="关系")
    edges.add_column("类型")
    edges.add_column("数量", justify="right")
    for kind, count in stats["relationships"].items():
        edges.add_row(kind, str(count))
    fields = Table(title="按领域")
    for header in ("领域", "产业链", "环节", "本地企业", "外地企业"):
        fields.add_column(header, justify="right" if header != "领域" else "left")
    for row in stats["fields"].values():
        fields.add_row(row["name"], str(row["chains"]), str(row["segments"]),
                       str(row["local_companies"]), str(row["outside_companies"]))
    c = stats["companies"]
    fields.caption = (f"{data_as_of_text(stats.get('data_as_of'))}；"
                      f"企业：本地 {c['local']} 家，外地 {c['outside']} 家，其中战略伙伴 {c['partners']} 家；"
                      f"量化目标 {stats.get('targets', 0)} 项，人才与招商渠道 {stats.get('channels', 0)} 个")
    return [nodes, edges, fields]


def stats_rows(stats: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The statistics as one CSV table: what is counted, which one, how many."""
    rows: list[list[Any]] = [["节点", label, n] for label, n in stats["nodes"].items()]
    rows += [["关系", kind, n] for kind, n in stats["relationships"].items()]
    for row in stats["fields"].values():
        rows += [[f"领域：{row['name']}", what, row[key]] for key, what in (
            ("chains", "产业链"), ("segments", "环节"), ("local_companies", "本地企业"),
            ("outside_companies", "外地企业"))]
    c = stats["companies"]
    rows += [["企业", "本地", c["local"]], ["企业", "外地", c["outside"]], ["企业", "战略伙伴", c["partners"]]]
    rows.append(["数据", "截至", stats.get("data_as_of") or "未注明"])
    return ["类别", "项目", "数量"], rows


def listing_table(kind: str, headers: list[str], rows: list[list[Any]]) -> Table:
    titles = {"fields": "领域", "chains": "产业链", "segments": "环节", "companies": "企业"}
    table = Table(title=f"{titles[kind]}（{len(rows)} 个；筛选选项可用 id 或名称）")
    for header in headers:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*(Text(str(v)) for v in row))
    return table


def chain_tree(
    taxonomy: nx.MultiDiGraph, chain_id: str, diagnosis: list[SegmentDiagnosis], names: dict[str, str],
) -> Tree:
    """The chain as stage → segment → sub-segments, with local firms and outside counts.

    ``names`` maps company id → name (the companies are the pool's rows, not graph nodes).
    """
    chain = taxonomy.nodes[node_id("Chain", chain_id)]
    status = {d.segment_id: d for d in diagnosis}
    children: dict[str | None, list[str]] = defaultdict(list)
    for _k, a in nodes_of(taxonomy, "Segment"):
        if a["chain"] == chain_id:
            children[a.get("parent")].append(a["id"])
    tree = Tree(f"[bold]{chain['name']}[/]（{chain_id}，优先级 {chain['priority']}"
                f"{'，风口' if chain['fengkou'] else ''}）")

    def add(branch: Tree, seg_id: str) -> None:
        d = status[seg_id]
        locals_ = "、".join(names[c] for c in d.local_companies) or "—"
        node = branch.add(
            f"[{STATUS_STYLES[d.status]}]{d.segment}[/]（{STATUS_LABELS[d.status]}，"
            f"严重度 {d.severity:.2f}）本地：{locals_}；外地企业 {d.candidate_count} 家"
        )
        for child in sorted(children.get(seg_id, [])):
            add(node, child)

    for stage in ("upstream", "midstream", "downstream"):
        roots = sorted(s for s in children.get(None, []) if status[s].stage == stage)
        if roots:
            stage_branch = tree.add(f"[bold]{STAGE_NAMES[stage]}[/]")
            for seg_id in roots:
                add(stage_branch, seg_id)
    return tree


def gaps_table(rows: list[SegmentDiagnosis], names: dict[str, str], narrow: bool = False) -> Table:
    """The diagnosis; ``narrow`` (under 120 columns) drops 链位, 伙伴 and 延链."""
    table = Table(title=f"链条诊断（{len(rows)} 个环节，按严重度排序）")
    headers = ("环节", "产业链", "状态", "严重度", "本地企业", "候选") if narrow else (
        "环节", "产业链", "链位", "状态", "严重度", "本地企业", "伙伴", "候选", "延链")
    for header in headers:
        table.add_column(header, justify="right" if header in ("严重度", "候选") else "left",
                         overflow="fold", no_wrap=header in ("状态", "严重度", "候选", "链位"))
    for d in rows:
        cells = {
            "环节": d.segment, "产业链": d.chain, "链位": STAGE_NAMES[d.stage],
            "状态": f"[{STATUS_STYLES[d.status]}]{STATUS_LABELS[d.status]}[/]", "严重度": f"{d.severity:.2f}",
            "本地企业": "、".join(names.get(c, c) for c in d.local_companies) or "—",
            "伙伴": "、".join(names.get(c, c) for c in d.partner_companies) or "—",
            "候选": str(d.candidate_count), "延链": "、".join(names.get(s, s) for s in d.extends) or "—",
        }
        table.add_row(*(cells[h] if h == "状态" else Text(cells[h]) for h in headers))
    if not rows:
        table.caption = "没有符合筛选条件的环节"
    elif narrow:
        table.caption = "窄屏已省略 链位、伙伴、延链 列；加宽终端或用 --format csv 查看全部"
    return table


def place(province: str, city: str, district: str = "") -> str:
    """北京市 + 北京市 reads as 北京市; unknown reads as 地点未知."""
    parts = [province] + [x for x in (city, district) if x and x != province]
    return "".join(parts) or "地点未知"


def _key_reasons(p: Prospect, limit: int = 4) -> list[str]:
    """The reasons a reader needs first: the two most severe gaps, the local tie, the channel."""
    gaps = [r for r in p.reasons if r.startswith(("补链", "强链"))][:2]
    more = len([r for r in p.reasons if r.startswith(("补链", "强链"))]) - len(gaps)
    if more > 0:
        gaps.append(f"……另补 {more} 个环节")
    ties = [r for r in p.reasons if r.startswith(("链主带动", "本地需求", "本地配套"))][:1]
    channel = [r for r in p.reasons if r.startswith("对接渠道") and "没有" not in r]
    return (gaps + ties + channel)[: limit + 1]


def prospects_table(prospects: list[Prospect], names: dict[str, str], title: str | None = None,
                    narrow: bool = False) -> Table:
    """The shortlist: 0–100 score, tier, one headline reason; ``narrow`` (under 120 columns)
    drops the components' small print."""
    table = Table(title=title or f"招商目标（{len(prospects)} 家；完整理由见 chainkg explain 企业名或id）",
                  show_lines=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("企业", max_width=16 if narrow else 26, overflow="fold")
    table.add_column("总分", justify="right", no_wrap=True)
    table.add_column("档次", no_wrap=True)
    table.add_column("首要理由", overflow="fold", ratio=1)
    for p in prospects:
        company = Text(p.company)
        company.append(f"\n{p.company_id} · {place(p.province, p.city)}", style="dim")
        if p.kind == "deepen":
            company.append("\n深化合作（已是战略伙伴）", style="bold")
        if p.pipeline_stage:
            company.append(f"\n项目库：{STAGE_LABELS[p.pipeline_stage]}", style="dim")
        reason = Text(p.headline or (p.reasons or [""])[0])
        if not narrow:
            reason.append("\n" + " ".join(f"{COMPONENT_LABELS[c]}{p.components[c]:.2f}"
                                           for c in SHORTLIST_COMPONENTS if c in p.components), style="dim")
        table.add_row(str(p.rank), company, str(p.points), TIER_LABELS[p.tier], reason)
    if not prospects:
        table.caption = "没有符合筛选条件的企业"
    elif narrow:
        table.caption = "窄屏已省略分项得分；加宽终端、用 --format csv 或 chainkg explain 企业 查看"
    return table


def platforms_table(platforms: list[Prospect]) -> Table:
    """Universities, institutes and funds: channels, with what they connect to."""
    table = Table(title=f"平台与渠道（高校、院所、基金：不是招商目标，而是引荐和合作的渠道；{len(platforms)} 家）",
                  show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("机构", max_width=26)
    table.add_column("总分", justify="right")
    table.add_column("相关缺口", overflow="fold")
    table.add_column("连接", overflow="fold")
    for p in platforms:
        more = f"\n……另 {len(p.connects) - 4} 条" if len(p.connects) > 4 else ""
        name = Text(p.company)
        name.append(f"\n{p.company_id} · {place(p.province, p.city)}", style="dim")
        table.add_row(str(p.rank), name, str(p.points), Text(p.headline),
                      Text("\n".join(p.connects[:4]) + more or "数据中没有其企业关系"))
    return table


def apart_table(prospects: list[Prospect]) -> Table:
    """Firms listed apart from the targets (chainkg.analysis.placement): 配套对接, 集团渠道 or 本市协作, with why."""
    kinds = "、".join(dict.fromkeys(KIND_LABELS[p.kind] for p in prospects))
    table = Table(title=f"{kinds}（不是招商目标：缺口照样诊断，对接方式不同；{len(prospects)} 家）",
                  show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("企业", max_width=26)
    table.add_column("总分", justify="right")
    table.add_column("类别", no_wrap=True)
    table.add_column("为什么另列、怎么对接", overflow="fold", ratio=1)
    for p in prospects:
        name = Text(p.company)
        name.append(f"\n{p.company_id} · {place(p.province, p.city)}", style="dim")
        reason = Text(p.kind_reason)
        reason.append(f"\n{p.headline}", style="dim")
        table.add_row(str(p.rank), name, str(p.points), KIND_LABELS[p.kind], reason)
    return table


def explain_view(
    company: dict[str, Any], components: dict[str, Component], channel: Channel | None,
    relations: list[str], prospect: Prospect | None,
) -> list[Any]:
    header = Table.grid(padding=(0, 2))
    header.add_row("企业", f"[bold]{company['name']}[/]（{company['id']}）")
    header.add_row("所在地", place(company["province"], company["city"], company["district"]))
    if company["is_local"]:
        status = "本地企业（不参与招商排序）"
    elif prospect:
        status = (f"{KIND_LABELS[prospect.kind]}按总分第 {prospect.rank} 名，"
                  f"总分 {prospect.points}（{TIER_LABELS[prospect.tier]}）"
                  + ("，已是战略伙伴：深化合作" if prospect.kind == "deepen" else "")
                  + (f"（{prospect.kind_reason}）" if prospect.kind_reason else ""))
    else:
        status = "不在招商排序中（未填补任何缺口，或已签约落地）"
    header.add_row("排序", status)
    if prospect and prospect.headline:
        header.add_row("首要理由", prospect.headline)
    table = Table(title="得分构成", show_lines=True)
    for h in ("维度", "得分", "权重", "加权", "依据"):
        table.add_column(h, justify="right" if h in ("得分", "权重", "加权") else "left",
                         no_wrap=h != "依据", overflow="fold")
    for name, c in components.items():
        table.add_row(COMPONENT_LABELS[name], f"{c.value:.3f}", f"{c.weight:.2f}",
                      f"{c.value * c.weight:.3f}", "\n".join(c.reasons) or "—")
    paths = Table(title="关系路径")
    paths.add_column("路径", overflow="fold")
    if channel is not None and channel.hops > 0:
        steps = [channel.path[0]]
        for rel, name in zip(channel.relations, channel.path[1:], strict=True):
            steps.append(f"-[{rel}]- {name}")
        paths.add_row(f"最近的{channel.target_kind}（{channel.hops}跳）：" + " ".join(steps))
        paths.add_row(channel_usage(channel, company["name"]))
    for line in relations:
        paths.add_row(line)
    if not paths.rows:
        paths.add_row("数据中没有该企业的企业关系")
    return [header, table, paths]


def whatif_table(result: WhatIf, names: dict[str, str]) -> Table:
    """What changes if these companies landed: segments, and chain completeness before and after."""
    landed = "、".join(result.names) if result.names else "、".join(names.get(c, c) for c in result.companies)
    table = Table(title=f"假如 {landed} 落地", show_lines=False)
    for h in ("环节", "产业链", "变化", "严重度（前→后）"):
        table.add_column(h, overflow="fold")
    for c in result.changes:
        table.add_row(Text(c.segment), Text(c.chain), Text(c.change),
                      f"{c.severity_before:.2f} → {c.severity_after:.2f}")
    if not result.changes:
        table.add_row("—", "—", "没有环节发生变化", "—")
    chains = "；".join(f"{c.chain}链 {c.before}/{c.segments} 环节本地可配套 → {c.after}/{c.segments}"
                       for c in result.chains)
    table.caption = ((chains + "\n" if chains else "")
                     + f"补上缺口 {result.gaps_closed} 个环节，变为强链 {result.turned_strong} 个环节")
    return table


def whatif_rows(result: WhatIf) -> tuple[list[str], list[list[Any]]]:
    """The changed segments as CSV rows."""
    headers = ["环节id", "环节", "产业链", "状态（前）", "状态（后）", "严重度（前）", "严重度（后）", "变化"]
    return headers, [[c.segment_id, c.segment, c.chain, STATUS_LABELS.get(c.status_before, c.status_before),
                      STATUS_LABELS.get(c.status_after, c.status_after), c.severity_before, c.severity_after,
                      c.change] for c in result.changes]
