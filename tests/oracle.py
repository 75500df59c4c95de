"""Reference implementations on the full networkx graph (every company a node), for small data only.

chainkg's commands read companies from the pool's tables (chainkg.graph.pool_graph); these are the
former networkx versions, kept as an oracle the tests compare the tables' results against.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx

from chainkg.graph.taxonomy import nodes_of
from chainkg.model.records import DataSet


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
