"""Reference implementations on the full networkx graph (every company a node), for small data only.

chainkg's commands read companies from the pool's tables (chainkg.graph.pool_graph); these are the
former networkx versions, kept as an oracle the tests compare the tables' results against.
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx
import polars as pl

from chainkg.analysis.components import capability_component, geography_component
from chainkg.analysis.diagnosis import STATUS_LABELS, SegmentDiagnosis
from chainkg.analysis.diagnosis import diagnose as pool_diagnose
from chainkg.analysis.evidence import Evidence, Relation
from chainkg.analysis.placement import (
    Placement,
    company_kind,
    segment_limits,
    segment_suppliers,
    supply_reason,
)
from chainkg.analysis.prospects import LANDED_STAGES, STAGE_LABELS, Channel, Component, Prospect, RankFilter
from chainkg.analysis.ranking import (
    RankContext,
    as_of,
    feed_edges,
    gap_segments,
    points_of,
    score_of,
    tier_of,
    way_in,
)
from chainkg.analysis.reasons import component_reasons, connects_of
from chainkg.analysis.shortlist import headline_with_group
from chainkg.analysis.shortlist import rank as pool_rank
from chainkg.graph.pool_graph import PoolGraph, segment_enum
from chainkg.graph.pool_graph import pool_graph as pool_graph_of
from chainkg.graph.taxonomy import COMPANY_RELATION_TYPES, build_taxonomy, node_id, nodes_of, record_props
from chainkg.graphdb.push import NodeGroup, RelGroup
from chainkg.graphdb.rows import LOCAL_LABEL, STATUS_NODE_LABELS
from chainkg.model.records import PROJECT_STAGES, DataSet
from chainkg.model.scoring import DiagnosisSettings, RankSettings


def graph_stats(g: nx.MultiDiGraph) -> dict[str, Any]:
    """Counts by label and type, local vs outside companies, per field."""
    labels = Counter(attrs["label"] for _k, attrs in g.nodes(data=True))
    types = Counter(attrs["type"] for _u, _v, attrs in g.edges(data=True))
    companies = [a for _k, a in nodes_of(g, "Company")]
    per_field: dict[str, dict[str, Any]] = {}
    field_names = {a["id"]: a["name"] for _k, a in nodes_of(g, "Field")}
    for fid, name in field_names.items():
        per_field[fid] = {"name": name, "chains": 0, "segments": 0,
                          "local_companies": 0, "outside_companies": 0}
    seg_field = {k: a["field"] for k, a in nodes_of(g, "Segment")}
    for _k, a in nodes_of(g, "Chain"):
        per_field[a["field"]]["chains"] += 1
    for fid in seg_field.values():
        per_field[fid]["segments"] += 1
    for key, a in nodes_of(g, "Company"):
        fields_of = {seg_field[v] for _u, v, t in g.out_edges(key, keys=True) if t == "OPERATES_IN"}
        for fid in fields_of:
            per_field[fid]["local_companies" if a["is_local"] else "outside_companies"] += 1
    return {
        "nodes": dict(sorted(labels.items())),
        "relationships": dict(sorted(types.items())),
        "companies": {
            "local": sum(1 for a in companies if a["is_local"]),
            "outside": sum(1 for a in companies if not a["is_local"]),
            "partners": sum(1 for a in companies if a["is_partner"]),
        },
        "data_as_of": g.graph["data_as_of"].isoformat() if g.graph.get("data_as_of") else None,
        "targets": len(g.graph.get("targets", [])),
        "channels": len(g.graph.get("channels", [])),
        "fields": per_field,
    }


def without_engagement(data: DataSet, company_id: str) -> DataSet:
    """The data set as it was before the district engaged the company (the back-test's former
    definition on the records; chainkg.analysis.backtest.without_engagement filters the tables)."""
    region = data.region.model_copy(
        update={"partners": tuple(p for p in data.region.partners if p.company != company_id)}
    )
    return data.model_copy(update={
        "region": region,
        "projects": tuple(p for p in data.projects if p.company_id != company_id),
        "relations": tuple(
            r for r in data.relations
            if not (company_id in (r.from_id, r.to_id) and r.source == "seed")
        ),
    })


# --- The full networkx graph: every company a node (formerly chainkg.graph.taxonomy.build_graph) ---

def build_graph(data: DataSet) -> nx.MultiDiGraph:
    """The taxonomy graph plus every company, partner, company–segment link, relation and project owner."""
    g = build_taxonomy(data)
    region_key = g.graph["region"]
    partners = {p.company for p in data.region.partners}
    for company in data.companies:
        key = node_id("Company", company.id)
        is_local = data.is_local(company)
        g.add_node(key, label="Company", is_local=is_local, is_partner=company.id in partners,
                   **record_props(company))
        if is_local:
            g.add_edge(key, region_key, key="LOCATED_IN", type="LOCATED_IN")
    for p in data.region.partners:
        g.add_edge(region_key, node_id("Company", p.company), key="PARTNERS_WITH",
                   type="PARTNERS_WITH", agreement=p.agreement, year=p.year, source=p.source)
    for cs in data.company_segments:
        g.add_edge(node_id("Company", cs.company_id), node_id("Segment", cs.segment_id),
                   key="OPERATES_IN", type="OPERATES_IN", role=cs.role, products=cs.products, source=cs.source)
    for rel in data.relations:
        g.add_edge(node_id("Company", rel.from_id), node_id("Company", rel.to_id), key=rel.type,
                   type=rel.type, note=rel.note, since=rel.since, source=rel.source)
    for project in data.projects:
        if project.company_id:
            g.add_edge(node_id("Project", project.id), node_id("Company", project.company_id), key="BY", type="BY")
    return g


def _props(attrs: dict[str, Any], drop: tuple[str, ...]) -> dict[str, Any]:
    """Neo4j properties: None omitted, tuples as lists, our bookkeeping keys dropped."""
    return {k: list(v) if isinstance(v, tuple | list) else v
            for k, v in attrs.items() if v is not None and k not in drop}


def graph_groups(
    g: nx.MultiDiGraph, diagnosis: list[SegmentDiagnosis], prospects: list[Prospect],
) -> tuple[list[NodeGroup], list[RelGroup]]:
    """The full graph as the push's write groups (formerly chainkg.graphdb.push.graph_groups).

    What ``chainkg.graphdb.push.dataset_groups`` must write: segments get ``status``,
    ``status_label``, ``severity``, ``strength``; ranked companies ``score`` and ``rank``;
    every company keeps ``is_local`` and ``is_partner``. Pushed with ``push_groups``, it is
    the server's reference contents.
    """
    by_segment = {d.segment_id: d for d in diagnosis}
    by_company = {p.company_id: p for p in prospects}
    nodes: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
    for _key, attrs in sorted(g.nodes(data=True), key=lambda item: str(item[0])):
        label = attrs["label"]
        props = _props(attrs, ("label",))
        extra: str | None = None
        if label == "Segment" and attrs["id"] in by_segment:
            d = by_segment[attrs["id"]]
            props.update(status=d.status, status_label=STATUS_LABELS[d.status],
                         severity=d.severity, strength=d.strength)
            extra = STATUS_NODE_LABELS[d.status]
        elif label == "Company":
            p = by_company.get(attrs["id"])
            if p is not None:
                props.update(score=p.score, rank=p.rank)
            extra = LOCAL_LABEL if attrs.get("is_local") else None
        nodes.setdefault((label, extra), []).append({"id": attrs["id"], "props": props})
    rels: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for u, v, key, attrs in sorted(g.edges(keys=True, data=True), key=lambda e: (e[2], e[0], e[1])):
        su, sv = g.nodes[u], g.nodes[v]
        rkey = (key, su["label"], sv["label"])
        rels.setdefault(rkey, []).append({"source": su["id"], "target": sv["id"],
                                          "props": _props(attrs, ("type",))})
    return ([NodeGroup(*key, rows=rows) for key, rows in nodes.items()],
            [RelGroup(*key, rows=rows) for key, rows in rels.items()])


def pool_of(g: nx.MultiDiGraph) -> PoolGraph:
    """The PoolGraph of a full graph: its companies, links and relations as the tables (for ``diagnose``)."""
    taxonomy = g.copy()
    taxonomy.remove_nodes_from([k for k, _a in nodes_of(g, "Company")])
    rows = [{k: v for k, v in a.items() if k != "label"} for _k, a in nodes_of(g, "Company")]
    companies = pl.DataFrame(rows, infer_schema_length=None).with_row_index("idx")
    index = dict(zip(companies.get_column("id").to_list(), companies.get_column("idx").to_list(), strict=True))
    links = pl.DataFrame(
        [(g.nodes[u]["id"], g.nodes[v]["id"], a.get("role", "core"), index[g.nodes[u]["id"]])
         for u, v, k, a in g.edges(keys=True, data=True) if k == "OPERATES_IN"],
        schema={"company_id": pl.String, "segment_id": pl.String, "role": pl.String, "company_idx": pl.UInt32},
        orient="row").with_columns(pl.col("segment_id").cast(segment_enum(taxonomy), strict=False).alias("segment"))
    relations = pl.DataFrame(
        [(g.nodes[u]["id"], k, g.nodes[v]["id"], index[g.nodes[u]["id"]], index[g.nodes[v]["id"]])
         for u, v, k in g.edges(keys=True)
         if k in COMPANY_RELATION_TYPES and g.nodes[u]["label"] == "Company" == g.nodes[v]["label"]],
        schema={"from_id": pl.String, "type": pl.String, "to_id": pl.String, "from_idx": pl.UInt32,
                "to_idx": pl.UInt32}, orient="row")
    return PoolGraph(taxonomy, companies, links, relations, {})


def diagnose(g: nx.MultiDiGraph | PoolGraph, settings: DiagnosisSettings | None = None) -> list[SegmentDiagnosis]:
    """chainkg's diagnosis of a full networkx graph (its companies as tables) or of a PoolGraph."""
    return pool_diagnose(g if isinstance(g, PoolGraph) else pool_of(g), settings)


# --- The ranking on the full graph (formerly in chainkg.analysis.ranking and .shortlist) ---
# Values computed here, on the graph, are the reference for pool_rank's columns; the reasons are
# chainkg.analysis.reasons' on evidence read from the graph (so the two engines share their words).

def _both_companies(g: nx.MultiDiGraph, u: str, v: str) -> bool:
    # (:Region)-[:PARTNERS_WITH]->(:Company) shares its type with company relations.
    return bool(g.nodes[u]["label"] == "Company" == g.nodes[v]["label"])


def _anchor(g: nx.MultiDiGraph, key: str) -> bool:
    return bool(g.nodes[key]["is_local"] or g.nodes[key]["is_partner"])


def _company_adjacency(g: nx.MultiDiGraph, mode: str = "way_in") -> dict[str, list[tuple[str, str]]]:
    """Undirected company-relation adjacency: node → [(neighbour, relation type)]."""
    adjacency: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for u, v, k in g.edges(keys=True):
        if k in COMPANY_RELATION_TYPES and _both_companies(g, u, v):
            if mode == "way_in" and not way_in(k, _anchor(g, u), _anchor(g, v)):
                continue
            adjacency[u].append((v, k))
            adjacency[v].append((u, k))
    for neighbours in adjacency.values():
        neighbours.sort()  # deterministic BFS order
    return adjacency


def find_channels(g: nx.MultiDiGraph, max_hops: int, mode: str = "way_in") -> dict[str, Channel]:
    """The nearest local firm or strategic partner of every company (multi-source BFS)."""
    adjacency = _company_adjacency(g, mode)
    anchors = sorted(k for k, a in nodes_of(g, "Company") if a["is_local"] or a["is_partner"])
    previous: dict[str, tuple[str, str] | None] = {a: None for a in anchors}
    origin = {a: a for a in anchors}
    distance = {a: 0 for a in anchors}
    queue = deque(anchors)
    while queue:
        node = queue.popleft()
        if distance[node] >= max_hops:
            continue
        for neighbour, kind in adjacency.get(node, ()):
            if neighbour not in distance:
                distance[neighbour] = distance[node] + 1
                previous[neighbour] = (node, kind)
                origin[neighbour] = origin[node]
                queue.append(neighbour)
    channels: dict[str, Channel] = {}
    for node, hops in distance.items():
        path, relations, step = [g.nodes[node]["name"]], [], previous[node]
        while step is not None:
            path.append(g.nodes[step[0]]["name"])
            relations.append(step[1])
            step = previous[step[0]]
        target = g.nodes[origin[node]]
        channels[node] = Channel(
            hops=hops, target_id=target["id"], target=target["name"],
            target_kind="本地企业" if target["is_local"] else "战略伙伴", path=path, relations=relations)
    return channels


def pipeline_stages(g: nx.MultiDiGraph) -> dict[str, str]:
    """The most advanced pipeline stage of each company that has projects."""
    stages: dict[str, str] = {}
    for u, v, k in g.edges(keys=True):
        if k == "BY":
            stage = g.nodes[u]["stage"]
            if v not in stages or PROJECT_STAGES.index(stage) > PROJECT_STAGES.index(stages[v]):
                stages[v] = stage
    return stages


# The record-by-record placement rules, as chainkg had them before pool_placements was
# written as column expressions: the reference the vectorised kinds and reasons are checked against
# (the supply rule firm by firm is placement.supply_reason itself, which writes the shown reasons).
def placements(
    companies: Mapping[str, Mapping[str, Any]],
    base: Mapping[str, str],
    fills: Mapping[str, list[tuple[str, str]]],
    parents: Iterable[tuple[str, str]],
    taxonomy: nx.MultiDiGraph,
    city: str,
) -> dict[str, Placement]:
    """The placement of every company of ``base`` (id → target / deepen / platform).

    ``companies``: id → name, city, is_local (every company named here or in ``parents``);
    ``fills``: id → [(gap segment id, role)]; ``parents``: (subsidiary id, group id) pairs of
    SUBSIDIARY_OF; ``city``: the district's city (region.yaml).
    """
    limits = segment_limits(taxonomy)
    suppliers = segment_suppliers(taxonomy)
    names = {a["id"]: a["name"] for _k, a in nodes_of(taxonomy, "Segment")}
    children: dict[str, list[str]] = defaultdict(list)
    parent_of: dict[str, str] = {}
    for sub, group in sorted(parents):
        children[group].append(sub)
        parent_of.setdefault(sub, group)
    placed = {}
    for cid, kind in base.items():
        company = companies[cid]
        parent = parent_of.get(cid, "")
        via = (companies[parent]["name"] if parent in companies and not companies[parent]["is_local"]
               else None)
        if kind == "platform":
            placed[cid] = Placement(kind)
        elif city and company.get("city") == city:
            placed[cid] = Placement("same_city", f"同在{city}：市内企业的搬迁或扩产不计入招商引资"
                                    "（市外资金），列为本市协作", via)
        elif reason := _group_reason(cid, children.get(cid, []), companies, fills, names):
            placed[cid] = Placement("group", reason, via)
        elif reason := supply_reason(fills.get(cid, []), limits, suppliers, names):
            placed[cid] = Placement("supply", reason, via)
        else:
            placed[cid] = Placement(kind, "", via)
    return placed


def _group_reason(cid: str, subs: list[str], companies: Mapping[str, Mapping[str, Any]],
                  fills: Mapping[str, list[tuple[str, str]]], names: Mapping[str, str]) -> str:
    """Why a group is a channel rather than a target: a local subsidiary, or one fitting its gap."""
    local = [companies[s]["name"] for s in subs if s in companies and companies[s]["is_local"]]
    if local:
        return (f"其下属「{'、'.join(local)}」是本地企业：经本地企业对接集团的新项目（以商招商），"
                "集团总部不单列为招商目标")
    own = {s for s, _r in fills.get(cid, [])}
    for sub in subs:
        shared = sorted(s for s, _r in fills.get(sub, []) if s in own)
        if shared and sub in companies:
            return (f"其下属「{companies[sub]['name']}」同样填补「{'、'.join(names[s] for s in shared)}」："
                    "由承接单位对接，集团作为对接渠道")
    return ""



def graph_placements(g: nx.MultiDiGraph, gap_ids: Collection[str]) -> dict[str, Placement]:
    """``placement.placements`` of every outside company of the full graph, by id."""
    companies = {a["id"]: a for _k, a in nodes_of(g, "Company")}
    base = {cid: company_kind(a) for cid, a in companies.items() if not a["is_local"]}
    fills: dict[str, list[tuple[str, str]]] = defaultdict(list)
    parents = []
    for u, v, k, a in g.edges(keys=True, data=True):
        if k == "OPERATES_IN" and g.nodes[v]["id"] in gap_ids:
            fills[g.nodes[u]["id"]].append((g.nodes[v]["id"], a.get("role", "core")))
        elif k == "SUBSIDIARY_OF" and _both_companies(g, u, v):
            parents.append((g.nodes[u]["id"], g.nodes[v]["id"]))
    return placements(companies, base, fills, parents, g, str(g.nodes[g.graph["region"]].get("city") or ""))


@dataclass(frozen=True)
class OracleContext(RankContext):
    """RankContext with every company's list (the tables' ranking takes them apart)."""

    placements: dict[str, Placement] | None = None  # company id → its list


def prepare(g: nx.MultiDiGraph, diagnosis: list[SegmentDiagnosis], settings: RankSettings,
            flt: RankFilter | None = None, today: date | None = None) -> OracleContext:
    """The shared inputs of ``score_company`` for one ranking."""
    all_gaps = gap_segments(diagnosis, RankFilter())
    return OracleContext(
        status={d.segment_id: d for d in diagnosis}, gaps=gap_segments(diagnosis, flt or RankFilter()),
        feeds=feed_edges(g), channels=find_channels(g, settings.max_hops, settings.channels),
        home=g.nodes[g.graph["region"]]["province"], all_gaps=all_gaps,
        signals=g.graph.get("signals", {}), needs=g.graph.get("anchor_needs", {}), today=as_of(g, today),
        placements=graph_placements(g, all_gaps))


def graph_evidence(g: nx.MultiDiGraph, key: str, channels: dict[str, Channel]) -> Evidence:
    """The evidence of one company, read from the full graph."""
    company = {k: v for k, v in g.nodes[key].items() if k != "label"}
    links = sorted((g.nodes[v]["id"], a.get("role", "core"))
                   for _u, v, k, a in g.out_edges(key, keys=True, data=True) if k == "OPERATES_IN")
    out = sorted((v, k) for _u, v, k in g.out_edges(key, keys=True) if k in COMPANY_RELATION_TYPES)
    into = sorted((u, k) for u, _v, k in g.in_edges(key, keys=True) if k in COMPANY_RELATION_TYPES)
    relations = [Relation(company["id"], k, g.nodes[v]["id"], dict(g.nodes[v]), True)
                 for v, k in out if _both_companies(g, key, v)]
    relations += [Relation(g.nodes[u]["id"], k, company["id"], dict(g.nodes[u]), False)
                  for u, k in into if _both_companies(g, u, key)]
    return Evidence(company=company, links=links, relations=relations, channel=channels.get(key))


def gap_fit_value(fills: list[tuple[SegmentDiagnosis, str]], settings: RankSettings) -> float:
    # Noisy-or: each gap closes part of what is left, so two severe gaps beat one.
    remaining = 1.0
    for diag, role in sorted(fills, key=lambda f: (-f[0].severity, f[0].segment_id)):
        remaining *= 1.0 - diag.severity * settings.role_fit.get(role, 0.0)
    return 1.0 - remaining


def capability_value(company: dict[str, Any], settings: RankSettings) -> float:
    return capability_component(company, settings)[0]


def chain_pull_value(ev: Evidence, ctx: RankContext, settings: RankSettings) -> float:
    pull = settings.chain_pull
    relation = 0.0
    for rel in ev.relations:
        if rel.other["is_local"]:
            supply = rel.type in ("SUPPLIES", "CUSTOMER_OF")
            relation = max(relation, pull.supply_relation if supply else pull.other_relation)
    if any((ctx.needs or {}).get(s) for s, _role in ev.links):
        relation = max(relation, pull.anchor_need)
    weight, seen = 0.0, set()
    for s, _role in ev.links:
        seg = node_id("Segment", s)
        for u, v in ctx.feeds.get(seg, ()):
            other = (v if u == seg else u).split(":", 1)[1]
            diag = ctx.status.get(other)
            if diag is None or diag.status not in ("strong", "weak") or other in seen:
                continue
            seen.add(other)
            weight += pull.strong_neighbour if diag.status == "strong" else pull.weak_neighbour
    feed = 1.0 - 0.5 ** weight
    return 1.0 - (1.0 - relation) * (1.0 - feed)


def proximity_value(ev: Evidence) -> float:
    if ev.company["is_partner"]:
        return 1.0
    return 1.0 / ev.channel.hops if ev.channel is not None and ev.channel.hops else 0.0


def geography_value(company: dict[str, Any], home: str, settings: RankSettings) -> float:
    return geography_component(company, home, settings)[0]


def intent_value(signals: list[dict[str, Any]], today: date, settings: RankSettings) -> float:
    """Noisy-or over the signals known on ``today``, each its kind's weight halved every half-life."""
    remaining = 1.0
    for signal in signals:
        age = (today - signal["date"]).days
        if age >= 0:
            remaining *= 1.0 - settings.intent.kinds.get(signal["kind"], 0.0) * 0.5 ** (
                age / settings.intent.half_life_days)
    return 1.0 - remaining


def attainability_value(ev: Evidence, home: str, settings: RankSettings) -> float:
    att = settings.attainability
    company = ev.company
    places = [company["province"]]
    places += [r.other["province"] for r in ev.relations
               if (r.type == "SUBSIDIARY_OF" and not r.outgoing) or (r.type == "INVESTS_IN" and r.outgoing)]
    level = ("same_province" if home in places
             else "neighbour_province" if any(p in settings.geography.neighbours for p in places if p) else None)
    parts = [(att.footprint_part, att.footprint.get(level, 0.0) if level else 0.0)]
    is_subsidiary = any(r.type == "SUBSIDIARY_OF" and r.outgoing for r in ev.relations)
    if company["ownership"] == "central_soe" and company["scale"] == "large" and not is_subsidiary:
        parts.append((att.size_part, att.central_soe_headquarters))
    elif company["scale"] in att.size:
        parts.append((att.size_part, att.size[company["scale"]]))
    parts.append((att.specialist_part, max((att.specialist[t] for t in company["tags"] if t in att.specialist),
                                           default=0.0)))
    total = sum(w for w, _v in parts)
    return sum(w * v for w, v in parts) / total if total else 0.0


def score_company(g: nx.MultiDiGraph, key: str, ctx: RankContext,
                  settings: RankSettings) -> tuple[dict[str, Component], list[str]]:
    """Every component of one company's score (values computed on the graph) and the gaps it fills."""
    ev = graph_evidence(g, key, ctx.channels)
    reasons, fills = component_reasons(ev, ctx, g, settings)
    gaps = ctx.all_gaps if ctx.all_gaps is not None else ctx.gaps
    today = ctx.today or as_of(g, None)
    values = {
        "gap_fit": gap_fit_value([(gaps[s], role) for s, role in ev.links if s in gaps], settings),
        "capability": capability_value(ev.company, settings),
        "chain_pull": chain_pull_value(ev, ctx, settings),
        "partner_proximity": proximity_value(ev),
        "geography": geography_value(ev.company, ctx.home, settings),
        "intent": intent_value((ctx.signals or {}).get(ev.company["id"], []), today, settings),
        "attainability": attainability_value(ev, ctx.home, settings),
    }
    w = settings.weights
    return ({n: Component(value=round(v, 4), weight=getattr(w, n), reasons=reasons[n]) for n, v in values.items()},
            fills)


def primary_gap(fills: list[str], gaps: dict[str, SegmentDiagnosis], roles: dict[str, str],
                settings: RankSettings) -> str | None:
    """The gap a company fills best: highest severity × role fit, ties by segment id."""
    best = [(-gaps[s].severity * settings.role_fit.get(roles.get(s, "core"), 0.0), s) for s in fills if s in gaps]
    return min(best)[1] if best else None


def select_variety(prospects: list[Prospect], per_gap: int) -> list[Prospect]:
    """Best first, at most ``per_gap`` firms per primary gap."""
    taken: dict[str | None, int] = defaultdict(int)
    kept = []
    for p in prospects:
        if taken[p.primary_gap] < per_gap:
            taken[p.primary_gap] += 1
            kept.append(p)
    return kept


def rank(g: nx.MultiDiGraph | PoolGraph, diagnosis: list[SegmentDiagnosis], settings: RankSettings | None = None,
         flt: RankFilter | None = None, top: int | None = None, today: date | None = None,
         per_gap: int | None = None, focus: str | None = None) -> list[Prospect]:
    """The ranking of a full networkx graph, every candidate scored on the graph (a PoolGraph:
    chainkg's ``shortlist.rank``)."""
    settings = settings or RankSettings()
    flt = flt or RankFilter()
    if isinstance(g, PoolGraph):
        return pool_rank(g, diagnosis, settings, flt, top, today, per_gap, focus)
    ctx = prepare(g, diagnosis, settings, flt, today)
    gap_keys = {node_id("Segment", s) for s in ctx.gaps}
    candidates = sorted({u for u, v, k in g.edges(keys=True)
                         if k == "OPERATES_IN" and v in gap_keys and not g.nodes[u]["is_local"]})
    stages = pipeline_stages(g)
    prospects: list[Prospect] = []
    for key in candidates:
        company = g.nodes[key]
        stage = stages.get(key)
        if stage in LANDED_STAGES and not flt.include_pipeline:
            continue
        if flt.provinces and company["province"] not in flt.provinces:
            continue
        placed = (ctx.placements or {}).get(company["id"]) or Placement(company_kind(company))
        if (flt.kinds and placed.kind not in flt.kinds) or (flt.exclude_partners and placed.kind == "deepen"):
            continue
        components, fills = score_company(g, key, ctx, settings)
        score = score_of(components)
        reasons = [r for c in components.values() for r in c.reasons]
        if stage:
            reasons.append(f"招商进度：已在项目库中（{STAGE_LABELS[stage]}）")
        roles = {g.nodes[v]["id"]: a.get("role", "core")
                 for _u, v, k, a in g.out_edges(key, keys=True, data=True) if k == "OPERATES_IN"}
        points = points_of(score, settings)
        prospects.append(Prospect(
            rank=0, company_id=company["id"], company=company["name"], province=company["province"],
            city=company["city"], score=round(score, 4), components={n: c.value for n, c in components.items()},
            fills=fills, reasons=reasons, pipeline_stage=stage, details=components, points=points,
            tier=tier_of(points, settings.tiers), kind=placed.kind, kind_reason=placed.reason,
            primary_gap=primary_gap(fills, ctx.gaps, roles, settings)))
    prospects.sort(key=lambda p: (-p.score, p.company_id))
    if per_gap is not None:
        prospects = select_variety(prospects, per_gap)
    if top is not None:
        prospects = prospects[:top]
    shown = []
    for i, p in enumerate(prospects, start=1):
        key = node_id("Company", p.company_id)
        group = (ctx.placements or {}).get(p.company_id, Placement(p.kind)).group
        shown.append(p.model_copy(update={
            "rank": i, "headline": headline_with_group(p, ctx, group),
            "connects": connects_of(graph_evidence(g, key, ctx.channels)) if p.kind == "platform" else []}))
    return shown


def straightforward_backtest(data: DataSet, scoring: Any, today: date | None = None) -> Any:
    """The engaged back-test as chainkg.analysis.backtest first computed it: for every engaged firm its
    engagement removed, the diagnosis made again and every candidate scored again under both
    settings (chainkg.analysis.leave_one_out must give exactly this report)."""
    from chainkg.analysis.backtest import (
        METHOD_LABELS,
        BacktestCase,
        BacktestReport,
        engaged_companies,
        make_case,
        summaries,
    )
    from chainkg.analysis.backtest import without_engagement as pool_without_engagement

    per_method: dict[str, list[BacktestCase]] = {m: [] for m in METHOD_LABELS}
    engaged = engaged_companies(data)
    full = pool_graph_of(data)
    names = full.company_names(list(engaged))
    for company_id, stage in engaged.items():
        positions = straightforward_positions(pool_without_engagement(full, company_id), company_id, scoring, today)
        for method, (position, candidates) in positions.items():
            per_method[method].append(make_case(company_id, names[company_id], stage, position, candidates))
    return BacktestReport(engaged=len(engaged), methods=summaries(per_method))


def straightforward_positions(pg: PoolGraph, company_id: str, scoring: Any,
                              today: date | None = None) -> dict[str, tuple[float | None, int]]:
    """Where a firm stands under every back-test method, every candidate of ``pg`` scored (exact_scores)."""
    from chainkg.analysis.pool_rank import exact_scores
    from chainkg.model.scoring import LEGACY_RANK

    diagnosis = pool_diagnose(pg, scoring.diagnosis)
    current = exact_scores(pg, diagnosis, scoring.rank, today, also=("capability",))
    legacy = exact_scores(pg, diagnosis, LEGACY_RANK, today)

    def position(scores: pl.DataFrame, column: str) -> float | None:
        found = scores.filter(pl.col("id") == company_id).get_column(column)
        if found.len() == 0:
            return None
        values = scores.get_column(column)
        return int((values > found[0]).sum()) + (int((values == found[0]).sum()) + 1) / 2

    n = current.height
    score = position(current, "score")
    return {"ranking": (score, n), "legacy": (position(legacy, "score"), legacy.height),
            "capability": (position(current, "capability"), n),
            "random": ((n + 1) / 2 if score is not None else None, n)}


def as_of_records(data: DataSet, day: date) -> DataSet:
    """chainkg.analysis.as_of.as_of_data as it was first written, record by record (the tables' version
    must give the same records)."""
    from chainkg.analysis.as_of import known_by
    from chainkg.model.records import Company

    def listed_then(company: Company) -> Company:
        if len(company.listed_since) != len(company.listed):
            return company
        kept = [(code, since) for code, since in zip(company.listed, company.listed_since, strict=True)
                if date.fromisoformat(since) <= day]
        if len(kept) == len(company.listed):
            return company
        return company.model_copy(update={"listed": tuple(c for c, _ in kept),
                                          "listed_since": tuple(s for _, s in kept)})

    unborn = {c.id for c in data.companies if c.founded is not None and date.fromisoformat(c.founded) > day}
    companies = tuple(listed_then(c) for c in data.companies if c.id not in unborn)
    region = data.region.model_copy(update={
        "partners": tuple(p for p in data.region.partners if p.company not in unborn and known_by(p.year, day)),
        "as_of": min(data.region.as_of, day) if data.region.as_of else None,
    })
    update: dict[str, object] = {
        "region": region,
        "relations": tuple(r for r in data.relations if known_by(r.since, day) and not {r.from_id, r.to_id} & unborn),
        "signals": tuple(s for s in data.signals if s.date <= day and s.company not in unborn),
        "projects": tuple(p for p in data.projects if known_by(p.year, day) and p.company_id not in unborn),
        "progress": tuple(p for p in data.progress if p.as_of <= day),
        "anchor_needs": tuple(n for n in data.anchor_needs if n.company not in unborn),
    }
    if unborn or any(a is not b for a, b in zip(companies, data.companies, strict=False)):
        update["companies"] = companies
        update["company_segments"] = tuple(s for s in data.company_segments if s.company_id not in unborn)
    return data.model_copy(update=update)


def straightforward_landings(data: DataSet, scoring: Any, landings: list[Any]) -> Any:
    """``chainkg evaluate --landings`` as first written: per landing the records as of the day before
    (as_of_records), its engagement removed, every candidate scored and rank(…, focus=…) for its row."""
    from chainkg.analysis.backtest import (
        METHOD_LABELS,
        BacktestCase,
        BacktestReport,
        LandingCounts,
        LandingInfo,
        make_case,
        summaries,
    )
    from chainkg.analysis.backtest import without_engagement as pool_without_engagement

    names = {c.id: c.name for c in data.companies}
    parents = {s.id: s.parent for s in data.segments}
    per_method: dict[str, list[BacktestCase]] = {m: [] for m in METHOD_LABELS}
    counts = LandingCounts()
    for landing in landings:
        cid, prospect = landing.company_id, None
        positions: dict[str, tuple[float | None, int]] = {m: (None, 0) for m in METHOD_LABELS}
        if cid is None:
            status = "not_in_data"
        elif data.is_local(next(c for c in data.companies if c.id == cid)):
            status = "local"
        else:
            then = as_of_records(data, landing.replayed)
            if all(c.id != cid for c in then.companies):
                status = "unborn"
            else:
                pg = pool_without_engagement(pool_graph_of(then), cid)
                positions = straightforward_positions(pg, cid, scoring, landing.replayed)
                shown = pool_rank(pg, pool_diagnose(pg, scoring.diagnosis), scoring.rank, today=landing.replayed,
                                  focus=cid) if positions["ranking"][0] is not None else []
                prospect = next(iter(shown), None)
                status = "ranked" if prospect is not None else "no_gap"

        def fills(segment_id: str, filled: list[str]) -> bool:
            for node in filled:
                here: str | None = node
                while here is not None:
                    if here == segment_id:
                        return True
                    here = parents.get(here)
            return False

        info = LandingInfo.model_validate(landing.model_dump(exclude={"company_id"}) | {
            "status": status, "intent": None if prospect is None else prospect.components["intent"],
            "segment_filled": (None if prospect is None or landing.segment_id is None
                               else fills(landing.segment_id, prospect.fills))})
        setattr(counts, status, getattr(counts, status) + 1)
        counts.with_intent += bool(info.intent)
        counts.segment_given += info.segment_filled is not None
        counts.segment_filled += info.segment_filled is True
        for method, (position, candidates) in positions.items():
            case = make_case(cid or "", names.get(cid or "", landing.firm), "", position, candidates)
            per_method[method].append(case.model_copy(update={"landing": info}))
    return BacktestReport(engaged=len(landings), methods=summaries(per_method), landings=counts)
