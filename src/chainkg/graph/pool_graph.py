"""The chain taxonomy as a networkx graph with the company pool attached as tables.

Every company as a networkx node costs a minute and gigabytes for a million companies. ``pool_graph``
keeps networkx for the taxonomy (fields, chains, segments, region, parks, projects) and the
companies as polars tables, which ``diagnose`` and ``rank`` read (tests/oracle.py keeps the former
all-networkx graph as the reference tests/test_pool_graph.py compares them with).

    PoolGraph.taxonomy           nx.MultiDiGraph: chainkg.graph.taxonomy.build_taxonomy
    PoolGraph.companies          id, name, … every Company field, is_local, is_partner
    PoolGraph.company_segments   company_id, segment_id, role, products, source, segment (enum)
    PoolGraph.relations          from_id, type, to_id, note, source
    PoolGraph.stages             company id → most advanced pipeline stage
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import networkx as nx
import polars as pl

from chainkg.graph.taxonomy import build_taxonomy, nodes_of
from chainkg.model.records import PROJECT_STAGES, DataSet

__all__ = ["PoolGraph", "SegmentPresence", "graph_stats", "pool_graph", "segment_presence"]

@dataclass(frozen=True, repr=False, eq=False)
class PoolGraph:
    """A taxonomy graph and the company tables of one data set (see the module docstring).

    Frozen: a changed data set is a new PoolGraph (``landed``, ``dataclasses.replace``), so
    nothing computed from one can go stale.
    """

    taxonomy: nx.MultiDiGraph
    companies: pl.DataFrame
    company_segments: pl.DataFrame
    relations: pl.DataFrame
    stages: dict[str, str]  # company id → its most advanced pipeline stage

    def __repr__(self) -> str:
        return (f"PoolGraph({self.taxonomy.number_of_nodes()} taxonomy nodes, "
                f"{self.companies.height} companies)")

    @property
    def home_province(self) -> str:
        """The province of the district (region.yaml)."""
        return str(self.taxonomy.nodes[self.taxonomy.graph["region"]]["province"])

    def landed(self, ids: list[str]) -> PoolGraph:
        """This pool with these companies counted as local (what ``whatif`` diagnoses)."""
        companies = self.companies.with_columns(pl.col("is_local") | pl.col("id").is_in(ids))
        return PoolGraph(self.taxonomy, companies, self.company_segments, self.relations, self.stages)

    def company_names(self, ids: list[str]) -> dict[str, str]:
        """id → name of these companies (those that exist)."""
        found = self.companies.filter(pl.col("id").is_in(ids)).select("id", "name")
        return dict(found.iter_rows())

    def names(self) -> dict[str, str]:
        """id → name of the segments and of the local and partner companies (what tables show)."""
        names = {a["id"]: a["name"] for _k, a in nodes_of(self.taxonomy, "Segment")}
        anchors = self.companies.filter(pl.col("is_local") | pl.col("is_partner")).select("id", "name")
        names.update(dict(anchors.iter_rows()))
        return names


def graph_stats(pg: PoolGraph) -> dict[str, Any]:
    """Counts by label and type, local vs outside companies, per field: the nodes and
    relationships the Neo4j push writes, counted from the taxonomy and the tables."""
    g = pg.taxonomy
    labels = Counter(attrs["label"] for _k, attrs in g.nodes(data=True))
    labels["Company"] = pg.companies.height
    types = Counter(attrs["type"] for _u, _v, attrs in g.edges(data=True))
    # A relation given twice is one relationship (networkx and Neo4j merge them by type).
    links = pg.company_segments.select("company_id", "segment_id").unique()
    relations = pg.relations.select("from_id", "type", "to_id").unique()
    types.update({
        "OPERATES_IN": links.height,
        "LOCATED_IN": int(pg.companies.get_column("is_local").sum()),
        "PARTNERS_WITH": int(pg.companies.get_column("is_partner").sum()),
        "BY": sum(1 for _k, a in nodes_of(g, "Project") if a.get("company_id")),
    })
    types.update(dict(relations.group_by("type").len().iter_rows()))
    per_field: dict[str, dict[str, Any]] = {
        a["id"]: {"name": a["name"], "chains": 0, "segments": 0, "local_companies": 0, "outside_companies": 0}
        for _k, a in nodes_of(g, "Field")}
    seg_field = {a["id"]: a["field"] for _k, a in nodes_of(g, "Segment")}
    for _k, a in nodes_of(g, "Chain"):
        per_field[a["field"]]["chains"] += 1
    for fid in seg_field.values():
        per_field[fid]["segments"] += 1
    fields = pl.DataFrame({"segment_id": list(seg_field), "field": list(seg_field.values())},
                          schema={"segment_id": pl.String, "field": pl.String})
    local = pg.companies.select(pl.col("id").alias("company_id"), "is_local")
    pairs = (links.join(fields, on="segment_id").select("company_id", "field").unique()
             .join(local, on="company_id").group_by("field", "is_local").len())
    for fid, is_local, count in pairs.iter_rows():
        per_field[fid]["local_companies" if is_local else "outside_companies"] += count
    local_count = int(pg.companies.get_column("is_local").sum())
    return {
        "nodes": dict(sorted((k, v) for k, v in labels.items() if v)),
        "relationships": dict(sorted((k, v) for k, v in types.items() if v)),
        "companies": {
            "local": local_count,
            "outside": pg.companies.height - local_count,
            "partners": int(pg.companies.get_column("is_partner").sum()),
        },
        "data_as_of": g.graph["data_as_of"].isoformat() if g.graph.get("data_as_of") else None,
        "targets": len(g.graph.get("targets", [])),
        "channels": len(g.graph.get("channels", [])),
        "fields": per_field,
    }


def pool_graph(data: DataSet) -> PoolGraph:
    """The PoolGraph of a validated data set: no company becomes a networkx node."""
    pool = data.pool
    partners = [p.company for p in data.region.partners]
    companies = pool.companies.drop("line").with_columns(
        pool.local_mask(data.region), pl.col("id").is_in(partners).alias("is_partner"))
    stages: dict[str, str] = {}
    for project in data.projects:
        company = project.company_id
        if company and (company not in stages or PROJECT_STAGES.index(project.stage)
                        > PROJECT_STAGES.index(stages[company])):
            stages[company] = project.stage
    taxonomy = build_taxonomy(data)
    # Segment ids as an enum (small integers) once, for every join and group-by on them.
    segment = pl.col("segment_id").cast(segment_enum(taxonomy), strict=False).alias("segment")
    links = pool.company_segments.drop("line").with_columns(segment)
    return PoolGraph(taxonomy, companies, links, pool.relations.drop("line"), stages)


def segment_enum(taxonomy: nx.MultiDiGraph) -> pl.Enum:
    """The polars enum of a taxonomy's segment ids (sorted)."""
    return pl.Enum(sorted(str(a["id"]) for _k, a in nodes_of(taxonomy, "Segment")))


@dataclass
class SegmentPresence:
    """Who operates in a segment or its sub-segments (ids): what the diagnosis counts."""

    local: dict[str, tuple[float, str]]  # local company id → (its best role weight, its scale)
    partners: set[str]  # outside strategic partners
    outside: int  # distinct outside companies


def segment_presence(
    g: PoolGraph, subtree: dict[str, set[str]], role_weight: dict[str, float],
) -> dict[str, SegmentPresence]:
    """Per segment id, the companies of its subtree, split local / partner / outside (group-bys)."""
    # Company attributes of each link by row number: a gather, no hashing of ids.
    segment_type = segment_enum(g.taxonomy)
    index = g.company_segments.get_column("company_idx")
    joined = g.company_segments.select("company_id", "segment_id", "segment", "role").with_columns(
        g.companies.get_column(c).gather(index) for c in ("is_local", "is_partner", "scale"))
    # The subtree join and group-by run on the enum's small integers.
    members = pl.DataFrame(
        [(m, s) for s, subtree_of in subtree.items() for m in subtree_of],
        schema={"member": segment_type, "ancestor": segment_type}, orient="row")
    joined = joined.filter(pl.col("segment").is_not_null())

    local_links: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for company, segment, role, scale in joined.filter(pl.col("is_local")).select(
            "company_id", "segment_id", "role", "scale").iter_rows():
        local_links[segment].append((company, role, scale))
    outside = (joined.filter(~pl.col("is_local")).select("company_id", "segment", "is_partner")
               .join(members, left_on="segment", right_on="member", how="inner"))
    counts = dict(outside.group_by("ancestor").agg(pl.col("company_id").n_unique())
                  .with_columns(pl.col("ancestor").cast(pl.String)).iter_rows())
    partner_sets: dict[str, set[str]] = defaultdict(set)
    for company, segment in outside.filter(pl.col("is_partner")).select(
            "company_id", pl.col("ancestor").cast(pl.String)).iter_rows():
        partner_sets[segment].add(company)

    presence: dict[str, SegmentPresence] = {}
    for s, subtree_of in subtree.items():
        best: dict[str, tuple[float, str]] = {}
        for member in subtree_of:
            for company, role, scale in local_links.get(member, ()):
                weight = role_weight.get(role, 0.0)
                if company not in best or weight > best[company][0]:
                    best[company] = (weight, scale)
        presence[s] = SegmentPresence(local=best, partners=partner_sets.get(s, set()),
                                      outside=int(counts.get(s, 0)))
    return presence

