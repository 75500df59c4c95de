"""Chain diagnosis: 强链 / 弱链 / 缺链 / 断链 and 延链 opportunities for every segment.

``diagnose(graph, settings)`` is pure: graph in, one SegmentDiagnosis per segment out,
most severe first. Cost: O(S·depth + F + O) for S segments, F FEEDS edges and
O OPERATES_IN edges, so a million companies cost one pass over their edges.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Literal

import networkx as nx
from pydantic import BaseModel

from chainkg.graph.pool_graph import PoolGraph, segment_presence
from chainkg.graph.taxonomy import nodes_of
from chainkg.model.scoring import DiagnosisSettings

__all__ = ["STATUS_LABELS", "SegmentDiagnosis", "Status", "diagnose", "shown"]

Status = Literal["strong", "weak", "missing", "broken"]
STATUS_LABELS: dict[str, str] = {
    "strong": "强链", "weak": "弱链", "missing": "缺链", "broken": "断链",
}
GAP_STATUSES = ("weak", "missing", "broken")


def shown(value: float) -> float:
    """A figure as the tool shows it: 4 places, after dropping float noise below 1e-9.

    The same sum computed in another order (Python here, Cypher on the server) can differ in its
    last bit; rounding that straight to 4 places splits ties such as 0.29565 into 0.2956 / 0.2957.

    >>> shown(0.29564999999999997), shown(0.29565000000000002)
    (0.2957, 0.2957)
    """
    return round(round(value, 9), 4)


class SegmentDiagnosis(BaseModel):
    """The diagnosis of one segment (a parent counts the companies of its sub-segments)."""

    segment_id: str
    segment: str
    chain_id: str
    chain: str
    field_id: str
    field: str
    stage: str
    parent_id: str | None
    status: Status
    severity: float
    strength: float
    local_companies: list[str]
    partner_companies: list[str]
    candidate_count: int
    extends: list[str]
    dependent_local_companies: int
    has_local_upstream: bool
    has_local_downstream: bool

    @property
    def status_label(self) -> str:
        """强链 / 弱链 / 缺链 / 断链."""
        return STATUS_LABELS[self.status]


def _subtrees(g: nx.MultiDiGraph, segments: list[str]) -> dict[str, set[str]]:
    """Each segment's own key plus all its sub-segments' keys (via PART_OF)."""
    parent_of = {u: v for u, v, k in g.edges(keys=True) if k == "PART_OF"}
    subtree: dict[str, set[str]] = {s: {s} for s in segments}
    for s in segments:
        ancestor = parent_of.get(s)
        seen = {s}
        while ancestor is not None and ancestor not in seen:  # cycles are validated away
            subtree[ancestor].add(s)
            seen.add(ancestor)
            ancestor = parent_of.get(ancestor)
    return subtree


def _reached_from(feeds: nx.DiGraph, sources: Iterable[str]) -> set[str]:
    """Nodes reachable from any source by a path of at least one FEEDS edge (multi-source BFS)."""
    reached: set[str] = set()
    queue = deque(n for s in sources for n in feeds.successors(s))
    while queue:
        node = queue.popleft()
        if node not in reached:
            reached.add(node)
            queue.extend(feeds.successors(node))
    return reached


def diagnose(
    g: PoolGraph, settings: DiagnosisSettings | None = None,
) -> list[SegmentDiagnosis]:
    """Diagnose every segment of the graph; most severe first, then by segment id.

    >>> from chainkg.dataset.load import default_data_dir, load_valid
    >>> from chainkg.graph.pool_graph import pool_graph
    >>> rows = diagnose(pool_graph(load_valid(default_data_dir())[0]))
    >>> rows[0].severity >= rows[-1].severity
    True
    """
    settings = settings or DiagnosisSettings()
    sev = settings.severity
    taxonomy = g.taxonomy
    segments = [key for key, _a in nodes_of(taxonomy, "Segment")]
    subtree = _subtrees(taxonomy, segments)
    ids = {s: str(taxonomy.nodes[s]["id"]) for s in segments}
    # Who operates where is a group-by over the company links (chainkg.graph.pool_graph).
    presence = segment_presence(g, {ids[s]: {ids[m] for m in subtree[s]} for s in segments}, settings.role)
    local_roles = {s: {c: w for c, (w, _scale) in presence[ids[s]].local.items()} for s in segments}
    strength = {
        s: sum(w * settings.scale.get(scale, 0.0) for w, scale in presence[ids[s]].local.values())
        for s in segments
    }
    present = {s for s in segments if local_roles[s]}

    feeds = nx.DiGraph()
    feeds.add_nodes_from(segments)
    feeds.add_edges_from((u, v) for u, v, k in taxonomy.edges(keys=True) if k == "FEEDS")
    has_up_raw = _reached_from(feeds, present)
    has_down_raw = _reached_from(feeds.reverse(copy=False), present)

    def status_of(s: str) -> Status:
        if s not in present:
            return "missing"
        # Rounded: a float sum depends on its order (0.3 + 0.6 + 0.1 < 1.0); the Neo4j backend
        # compares the same way.
        return "strong" if round(strength[s], 9) >= settings.strong_threshold else "weak"

    base_status = {s: status_of(s) for s in segments}
    rows: list[SegmentDiagnosis] = []
    for s in segments:
        members = subtree[s]
        has_up = any(m in has_up_raw for m in members)
        has_down = any(m in has_down_raw for m in members)
        status: Status = base_status[s]
        if status == "missing" and has_up and has_down:
            status = "broken"
        # Lifted FEEDS neighbours: edges between the subtree and the rest of the graph.
        fed = {v for m in members for v in feeds.successors(m) if v not in members}
        feeding = {u for m in members for u in feeds.predecessors(m) if u not in members}
        dependents = {c for v in fed for c in local_roles[v]}
        extends: list[str] = []
        if status in ("missing", "broken"):
            extends = sorted(ids[n] for n in fed | feeding if base_status[n] == "strong")

        factor = {"strong": 0.0, "missing": sev.missing, "broken": sev.broken}.get(status)
        if factor is None:  # weak: thinner presence is more severe
            thinness = 1.0 - strength[s] / settings.strong_threshold
            factor = sev.weak_min + (sev.weak_max - sev.weak_min) * thinness
        node = taxonomy.nodes[s]
        dependence = len(dependents) / (len(dependents) + sev.dependence_half)
        total = sev.segment_weight + sev.chain_priority + sev.dependence
        base = (sev.segment_weight * node["weight"] + sev.chain_priority * node["priority"]
                + sev.dependence * dependence) / total if total else 0.0
        chain = taxonomy.nodes[f"Chain:{node['chain']}"]
        rows.append(SegmentDiagnosis(
            segment_id=node["id"], segment=node["name"], chain_id=chain["id"], chain=chain["name"],
            field_id=chain["field"], field=taxonomy.nodes[f"Field:{chain['field']}"]["name"],
            stage=node["stage"], parent_id=node.get("parent"), status=status,
            severity=shown(factor * base), strength=shown(strength[s]),
            local_companies=sorted(local_roles[s]),
            partner_companies=sorted(presence[ids[s]].partners),
            candidate_count=presence[ids[s]].outside, extends=extends,
            dependent_local_companies=len(dependents),
            has_local_upstream=has_up, has_local_downstream=has_down,
        ))
    rows.sort(key=lambda r: (-r.severity, r.segment_id))
    return rows
