"""The push groups of a data set on the pool path: company rows straight from the polars tables.

``pool_groups`` gives what ``chainkg.graphdb.push.dataset_groups`` gives (same groups in the
same order, same rows in the same order, same properties; tests/test_pool_push.py keeps them
equal), but the company pool's groups hold ``FrameRows``: their dicts are made one batch at
a time while the batches are written, never all at once. The taxonomy, region, parks and
projects (small) come from the records as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from chainkg.graphdb.push import NodeGroup, RelGroup
from chainkg.graphdb.rows import (
    NodeRow,
    RelRow,
    _project_rels,
    _project_rows,
    _region_rels,
    _region_rows,
    _taxonomy_rels,
    _taxonomy_rows,
    company_parts,
    located_frame,
    operates_frame,
    relation_frames,
)

if TYPE_CHECKING:
    import polars as pl

    from chainkg.diagnosis import SegmentDiagnosis
    from chainkg.models import DataSet
    from chainkg.pool_graph import PoolGraph

__all__ = ["node_count", "pool_groups"]


def _node_groups(rows: Iterable[NodeRow]) -> list[NodeGroup]:
    groups: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
    for label, extra, row in rows:
        groups.setdefault((label, extra), []).append(row)
    return [NodeGroup(label, extra, group) for (label, extra), group in groups.items()]


def _rel_groups(rows: Iterable[RelRow]) -> list[RelGroup]:
    # A relationship given twice (same ends and type) is written once, the later row winning.
    groups: dict[tuple[str, str, str], dict[tuple[str, str], dict[str, Any]]] = {}
    for rel_type, source, target, row in rows:
        groups.setdefault((rel_type, source, target), {})[(row["source"], row["target"])] = row
    return [RelGroup(*key, rows=list(group.values())) for key, group in groups.items()]


def pool_groups(
    data: DataSet, pg: PoolGraph, diagnosis: list[SegmentDiagnosis], scores: pl.DataFrame,
) -> tuple[list[NodeGroup], list[RelGroup]]:
    """Every node group, then every relationship group, of a validated data set.

    ``pg`` is ``pool_graph(data)``; ``scores`` (idx, id, score, rank) the ranked candidates
    (chainkg.pool_rank.exact_scores).
    """
    nodes = [
        *_node_groups(_taxonomy_rows(data, diagnosis)),
        *(NodeGroup("Company", extra, rows) for extra, rows in company_parts(pg, scores)),
        *_node_groups(_region_rows(data)),
        *_node_groups(_project_rows(data.projects)),
    ]
    located = located_frame(data, pg)
    operates = operates_frame(pg)
    rels = [
        *_rel_groups(_taxonomy_rels(data)),
        *([RelGroup("LOCATED_IN", "Company", "Region", located)] if len(located) else []),
        *_rel_groups(_region_rels(data)),
        *([RelGroup("OPERATES_IN", "Company", "Segment", operates)] if len(operates) else []),
        *(RelGroup(rel_type, "Company", "Company", rows) for rel_type, rows in relation_frames(pg)),
        *_rel_groups(_project_rels(data.projects)),
    ]
    return nodes, rels


def node_count(nodes: list[NodeGroup]) -> int:
    """How many nodes the groups write (every node is in exactly one group)."""
    return sum(len(group.rows) for group in nodes)
