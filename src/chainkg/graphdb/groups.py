"""The push groups of a data set on the pool path: company rows straight from the polars tables.

``pool_groups`` gives what ``chainkg.graphdb.push.dataset_groups`` gives (same groups in the
same order, same rows in the same order, same properties; tests/test_pool_push.py keeps them
equal), but the company pool's groups hold ``FrameRows``: their dicts are made one batch at
a time while the batches are written, never all at once. The taxonomy, region, parks and
projects (small) come from the records as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chainkg.graphdb.push import NodeGroup, RelGroup, group_nodes, group_rels
from chainkg.graphdb.rows import (
    company_parts,
    located_frame,
    operates_frame,
    project_rels,
    project_rows,
    region_rels,
    region_rows,
    relation_frames,
    taxonomy_rels,
    taxonomy_rows,
)

if TYPE_CHECKING:
    import polars as pl

    from chainkg.analysis.diagnosis import SegmentDiagnosis
    from chainkg.graph.pool_graph import PoolGraph
    from chainkg.model.records import DataSet

__all__ = ["pool_groups"]


def pool_groups(
    data: DataSet, pg: PoolGraph, diagnosis: list[SegmentDiagnosis], scores: pl.DataFrame,
) -> tuple[list[NodeGroup], list[RelGroup]]:
    """Every node group, then every relationship group, of a validated data set.

    ``pg`` is ``pool_graph(data)``; ``scores`` (idx, id, score, rank) the ranked candidates
    (chainkg.analysis.pool_rank.exact_scores).
    """
    nodes = [
        *group_nodes(taxonomy_rows(data, diagnosis)),
        *(NodeGroup("Company", extra, rows) for extra, rows in company_parts(pg, scores)),
        *group_nodes(region_rows(data)),
        *group_nodes(project_rows(data.projects)),
    ]
    located = located_frame(data, pg)
    operates = operates_frame(pg)
    rels = [
        *group_rels(taxonomy_rels(data)),
        *([RelGroup("LOCATED_IN", "Company", "Region", located)] if len(located) else []),
        *group_rels(region_rels(data)),
        *([RelGroup("OPERATES_IN", "Company", "Segment", operates)] if len(operates) else []),
        *(RelGroup(rel_type, "Company", "Company", rows) for rel_type, rows in relation_frames(pg)),
        *group_rels(project_rels(data.projects)),
    ]
    return nodes, rels

