"""The reasons of a shown firm, component by component, in the team's words, from its evidence.

The values are the columns' (chainkg.analysis.pool_rank); these functions only write why, from the
facts ``evidence.evidence_of`` looked up for the firm: the gaps it fills with their severity and
status, its relations to local firms, the FEEDS neighbours of its segments, anchor needs, its
channel, signals and footprint. Each reads only its evidence and the ranking's context.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date
from typing import Any

import networkx as nx

from chainkg.analysis.components import capability_component, gap_reasons, geography_component
from chainkg.analysis.diagnosis import SegmentDiagnosis
from chainkg.analysis.evidence import Evidence
from chainkg.analysis.prospects import RELATION_LABELS, SCALE_LABELS, Channel, Prospect
from chainkg.analysis.ranking import RankContext
from chainkg.graph.taxonomy import node_id
from chainkg.model.scoring import RankSettings

__all__ = ["channel_usage", "component_reasons", "connects_of", "headline", "relation_lines"]


def component_reasons(ev: Evidence, ctx: RankContext, taxonomy: nx.MultiDiGraph,
                      settings: RankSettings) -> tuple[dict[str, list[str]], list[str]]:
    """The reasons of every component (in ``SHORTLIST_COMPONENTS``' order) and the gaps the firm fills."""
    gaps = ctx.all_gaps if ctx.all_gaps is not None else ctx.gaps
    fills = [(gaps[s], role) for s, role in ev.links if s in gaps]
    today = ctx.today or date.today()
    reasons = {
        "gap_fit": _gap_fit(fills, lambda s: str(taxonomy.nodes[node_id("Segment", s)]["name"]), settings),
        "capability": capability_component(ev.company, settings)[1],
        "chain_pull": _chain_pull(ev, ctx, taxonomy),
        "partner_proximity": _proximity(ev),
        "geography": geography_component(ev.company, ctx.home, settings)[1],
        "intent": _intent((ctx.signals or {}).get(ev.company["id"], []), today, settings),
        "attainability": _attainability(ev, ctx.home, settings),
    }
    return reasons, sorted(d.segment_id for d, _r in fills)


def _gap_fit(fills: list[tuple[SegmentDiagnosis, str]], segment_name: Callable[[str], str],
             settings: RankSettings) -> list[str]:
    reasons = []
    for diag, role in sorted(fills, key=lambda f: (-f[0].severity, f[0].segment_id)):
        reasons += gap_reasons(diag, role, segment_name)
    return reasons


def _chain_pull(ev: Evidence, ctx: RankContext, taxonomy: nx.MultiDiGraph) -> list[str]:
    reasons = []
    for rel in ev.relations:
        if not rel.other["is_local"]:
            continue
        name = rel.other["name"]
        if (rel.outgoing and rel.type == "SUPPLIES") or (not rel.outgoing and rel.type == "CUSTOMER_OF"):
            reasons.append(f"链主带动：向本地企业「{name}」供货")
        elif (rel.outgoing and rel.type == "CUSTOMER_OF") or (not rel.outgoing and rel.type == "SUPPLIES"):
            reasons.append(f"链主带动：采购本地企业「{name}」的产品")
        else:
            reasons.append(f"链主带动：与本地企业「{name}」有{RELATION_LABELS[rel.type]}关系")
    segments = [node_id("Segment", s) for s, _role in ev.links]
    for seg in segments:
        for need in (ctx.needs or {}).get(taxonomy.nodes[seg]["id"], ()):
            note = f"（{need['note']}）" if need["note"] else ""
            reasons.append(f"以商招商：本地链主「{need['company_name']}」外购「{taxonomy.nodes[seg]['name']}」{note}")
    seen: set[str] = set()
    for seg in segments:
        own = taxonomy.nodes[seg]
        for u, v in ctx.feeds.get(seg, ()):
            other = v if u == seg else u
            diag = ctx.status.get(taxonomy.nodes[other]["id"])
            if diag is None or diag.status not in ("strong", "weak") or other in seen:
                continue
            seen.add(other)
            if u == seg:
                reasons.append(f"本地需求：其「{own['name']}」供给本区{diag.status_label}「{diag.segment}」")
            else:
                reasons.append(f"本地配套：本区{diag.status_label}「{diag.segment}」供给其「{own['name']}」")
    return reasons


def _proximity(ev: Evidence) -> list[str]:
    if ev.company["is_partner"]:
        return ["对接渠道：本身是本区战略合作伙伴"]
    channel = ev.channel
    if channel is None or channel.hops == 0:
        return ["对接渠道：数据中没有到本地企业或战略伙伴的关系路径"]
    return [f"对接渠道：经{channel.target_kind}「{channel.target}」{channel.hops}跳（{' → '.join(channel.path)}）"]


def _intent(signals: list[dict[str, Any]], today: date, settings: RankSettings) -> list[str]:
    """Each signal known on ``today`` with what it counts: its kind's weight halved every half-life."""
    intent = settings.intent
    reasons = []
    for signal in signals:  # newest first
        age = (today - signal["date"]).days
        if age < 0:
            continue
        value = intent.kinds.get(signal["kind"], 0.0) * 0.5 ** (age / intent.half_life_days)
        note = f"：{signal['note']}" if signal["note"] else ""
        reasons.append(f"近期动向：{signal['date'].isoformat()} {signal['kind']}{note}"
                       f"（{age} 天前，计 {value:.2f}；来源：{signal['source']}）")
    return reasons or ["近期动向：数据中没有融资、扩产、新设基地等公开动向"]


def _footprint(ev: Evidence, home: str, neighbours: Collection[str]) -> tuple[str | None, str]:
    """The closest place the company already is: its seat, a subsidiary or a firm it invests in."""
    company = ev.company
    places = [(company["province"], f"总部/注册地在{company['province']}")]
    for rel in ev.relations:
        other = rel.other
        if rel.type == "SUBSIDIARY_OF" and not rel.outgoing:
            places.append((other["province"], f"子公司「{other['name']}」在{other['province']}"))
        elif rel.type == "INVESTS_IN" and rel.outgoing:
            places.append((other["province"], f"投资的「{other['name']}」在{other['province']}"))
    for level in ("same_province", "neighbour_province"):
        for province, why in sorted(places):
            if province and (province == home if level == "same_province" else province in neighbours):
                return level, why
    return None, ""


def _attainability(ev: Evidence, home: str, settings: RankSettings) -> list[str]:
    att = settings.attainability
    company = ev.company
    level, why = _footprint(ev, home, settings.geography.neighbours)
    if level == "same_province":
        reasons = [f"招得来：已在本省有落脚点（{why}）"]
    elif level == "neighbour_province":
        reasons = [f"招得来：已在邻省有落脚点（{why}）"]
    else:
        reasons = ["招得来：本省及邻省都没有已知的落脚点"]
    is_subsidiary = any(rel.type == "SUBSIDIARY_OF" and rel.outgoing for rel in ev.relations)
    scale = company["scale"]
    if company["ownership"] == "central_soe" and scale == "large" and not is_subsidiary:
        reasons.append("招得来：央企集团总部，整体迁入少见，宜对接其子公司或具体项目")
    elif scale in att.size:
        sub = "（子公司，项目可独立决策）" if is_subsidiary else ""
        reasons.append(f"招得来：{SCALE_LABELS[scale]}企业{sub}，计 {att.size[scale]:.1f}")
    else:
        reasons.append("招得来：规模未知，不计入")
    tags = [t for t in company["tags"] if t in att.specialist]
    if tags:
        reasons.append(f"招得来：{'、'.join(tags)}，成长型专精企业常在外地新设产线")
    return reasons


def connects_of(ev: Evidence) -> list[str]:
    """What a platform connects to: its relations, local firms and partners first."""
    lines = []
    for rel in ev.relations:
        if rel.type in RELATION_LABELS:
            other = rel.other
            mark = "本地" if other["is_local"] else "伙伴" if other["is_partner"] else "外地"
            lines.append((0 if mark != "外地" else 1, f"{RELATION_LABELS[rel.type]}：{other['name']}（{mark}）"))
    return [text for _o, text in sorted(lines)]


def relation_lines(ev: Evidence) -> list[str]:
    """Every relation of the firm as ``from -[TYPE]-> to``, by (from id, to id, type)."""
    name = ev.company["name"]
    lines = []
    for rel in ev.relations:
        ends = (name, rel.other["name"]) if rel.outgoing else (rel.other["name"], name)
        lines.append(((rel.from_id, rel.to_id, rel.type), f"{ends[0]} -[{rel.type}]-> {ends[1]}"))
    return [text for _k, text in sorted(lines)]


def channel_usage(channel: Channel, prospect: str) -> str:
    """How the team would use a channel: who introduces whom, starting from the district's side."""
    names = list(reversed(channel.path))  # target … prospect
    kinds = list(reversed(channel.relations))
    steps = [f"请{channel.target_kind}「{names[0]}」"]
    for i in range(1, len(names)):
        link = RELATION_LABELS.get(kinds[i - 1], kinds[i - 1])
        steps.append(f"凭{link}关系引荐「{names[i]}」")
    return "用法：" + "，".join(steps) + f"；由此约见「{prospect}」的决策人。"


def _latest_signal(company_id: str, ctx: RankContext) -> dict[str, Any] | None:
    """The newest signal known on the ranking's day (signals are stored newest first)."""
    today = ctx.today or date.today()
    return next((s for s in (ctx.signals or {}).get(company_id, ()) if s["date"] <= today), None)


def headline(prospect: Prospect, ctx: RankContext) -> str:
    """One sentence a leader reads: the gap it closes, and why now or through whom."""
    parts = []
    if prospect.primary_gap is not None:
        diag = ctx.status[prospect.primary_gap]
        verb = "强" if diag.status == "weak" else "补"
        parts.append(f"{verb}{diag.chain}「{diag.segment}」{diag.status_label}")
    pull = prospect.details["chain_pull"].reasons
    need = next((r for r in pull if r.startswith("以商招商")), None)
    intent = prospect.details["intent"]
    if need:
        parts.append(need.split("（")[0])
    elif intent.value > 0 and (signal := _latest_signal(prospect.company_id, ctx)) is not None:
        parts.append(f"近期动向 {signal['date'].isoformat()} {signal['kind']}")
    elif prospect.kind == "deepen":
        parts.append("已是战略伙伴，可深化合作")
    elif prospect.components["partner_proximity"] > 0 and (
            channel := ctx.channels.get(node_id("Company", prospect.company_id))) is not None and channel.hops > 0:
        parts.append(f"可经{channel.target_kind}「{channel.target}」引荐")
    return "；".join(parts)
