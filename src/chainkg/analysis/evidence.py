"""The facts behind the reasons of the firms shown, looked up row by row in the company tables.

A ranking scores every candidate from the columns (chainkg.analysis.pool_rank); only the few
firms it shows need their reasons in words. ``evidence_of`` gathers, for those rows: the company's
fields, its segment links with roles, its relations with the other company's fields, and its
approach channel from the BFS table. chainkg.analysis.reasons turns that evidence into text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from chainkg.analysis.pool_rank import shown_channels
from chainkg.analysis.prospects import Channel
from chainkg.graph.pool_graph import PoolGraph
from chainkg.graph.taxonomy import node_id

__all__ = ["Evidence", "Relation", "evidence_of"]


@dataclass(frozen=True)
class Relation:
    """One company relation of the firm; ``other`` is the fields of the company at its other end."""

    from_id: str
    type: str
    to_id: str
    other: dict[str, Any]
    outgoing: bool  # whether the firm is the relation's source


@dataclass(frozen=True)
class Evidence:
    """What the reasons of one firm read."""

    company: dict[str, Any]  # every Company field, is_local, is_partner
    links: list[tuple[str, str]]  # (segment id, role), by segment id
    relations: list[Relation]  # outgoing by (to id, type), then incoming by (from id, type)
    channel: Channel | None  # the nearest local firm or partner, if within reach


def evidence_of(pg: PoolGraph, rows: pl.Series, table: pl.DataFrame, mode: str = "way_in") -> dict[str, Evidence]:
    """Company id → evidence, for these companies (row numbers); ``table`` is ``pool_rank.channel_table``."""
    c = pl.col
    n = pg.companies.height
    wanted = pl.repeat(False, n, dtype=pl.Boolean, eager=True).scatter(rows, True)
    # One relation per (from, type, to), as a graph keyed by relation type holds it.
    rel = pg.relations.filter(wanted.gather(pg.relations.get_column("from_idx"))
                              | wanted.gather(pg.relations.get_column("to_idx"))
                              ).unique(["from_idx", "type", "to_idx"], keep="last", maintain_order=True)
    touched = pl.concat([rows, rel.get_column("from_idx"), rel.get_column("to_idx")]).unique().sort()
    fields = {row["idx"]: {k: v for k, v in row.items() if k != "idx"}
              for row in pg.companies[touched].iter_rows(named=True)}
    links: dict[int, dict[str, str]] = {}
    for idx, segment, role in (pg.company_segments.filter(wanted.gather(pg.company_segments.get_column("company_idx")))
                               .select("company_idx", "segment_id", "role").iter_rows()):
        links.setdefault(idx, {})[segment] = role
    outgoing: dict[int, list[Relation]] = {}
    incoming: dict[int, list[Relation]] = {}
    for a, kind, b in rel.select(c("from_idx"), "type", c("to_idx")).iter_rows():
        source, target = fields[a], fields[b]
        outgoing.setdefault(a, []).append(Relation(source["id"], kind, target["id"], target, True))
        incoming.setdefault(b, []).append(Relation(source["id"], kind, target["id"], source, False))
    channels = shown_channels(pg, table, rows, mode)
    evidence = {}
    for idx in rows.to_list():
        company = fields[idx]
        relations = (sorted(outgoing.get(idx, []), key=lambda r: (r.to_id, r.type))
                     + sorted(incoming.get(idx, []), key=lambda r: (r.from_id, r.type)))
        evidence[company["id"]] = Evidence(
            company=company, links=sorted(links.get(idx, {}).items()), relations=relations,
            channel=channels.get(node_id("Company", company["id"])))
    return evidence
