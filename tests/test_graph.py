"""The graph of the tiny data set: counts worked out by hand from tests/data/tiny."""

from __future__ import annotations

import networkx as nx
import pytest

from chainkg.dataset.load import load_valid
from chainkg.graph.pool_graph import graph_stats, pool_graph
from chainkg.graph.taxonomy import node_id
from conftest import BUNDLED, TINY
from oracle import build_graph
from oracle import graph_stats as oracle_stats


def test_counts_by_label_and_type() -> None:
    stats = graph_stats(pool_graph(load_valid(TINY)[0]))
    assert stats["nodes"] == {"Chain": 2, "Company": 11, "Field": 2, "Park": 1, "Project": 2,
                              "Region": 1, "Segment": 9}
    assert stats["relationships"] == {
        "BY": 2, "COOPERATES_WITH": 1, "FEEDS": 7, "IN_CHAIN": 9, "IN_FIELD": 2, "IN_PARK": 1,
        "LOCATED_IN": 4, "OPERATES_IN": 12, "PARTNERS_WITH": 1, "PART_OF": 2, "SUPPLIES": 1,
        "TARGETS": 2,
    }
    assert stats["companies"] == {"local": 4, "outside": 7, "partners": 1}
    assert stats["fields"]["mfg"] == {"name": "制造", "chains": 1, "segments": 6,
                                      "local_companies": 2, "outside_companies": 6}


def test_local_by_address_or_also_local(tiny_graph: nx.MultiDiGraph) -> None:
    local = sorted(a["id"] for _k, a in tiny_graph.nodes(data=True)
                   if a["label"] == "Company" and a["is_local"])
    # loc-zone is in another district but listed in region.yaml's also_local.
    assert local == ["loc-anchor", "loc-small", "loc-wafer", "loc-zone"]


def test_node_keys_are_label_prefixed(tiny_graph: nx.MultiDiGraph) -> None:
    assert tiny_graph.has_edge(node_id("Segment", "robot-reducer"), node_id("Segment", "robot-parts"),
                               key="PART_OF")
    assert tiny_graph.has_edge(node_id("Company", "out-reducer"), node_id("Segment", "robot-reducer"),
                               key="OPERATES_IN")
    assert tiny_graph.edges[node_id("Company", "out-small"), node_id("Segment", "robot-integration"),
                            "OPERATES_IN"]["role"] == "secondary"
    assert tiny_graph.has_edge("Region:testqu", "Company:out-partner", key="PARTNERS_WITH")
    assert tiny_graph.nodes["Segment:robot-body"]["field"] == "mfg"


def test_bundled_data_loads_without_errors() -> None:
    dataset, warnings = load_valid(BUNDLED)
    assert [w for w in warnings if w.level == "error"] == []
    g = build_graph(dataset)
    assert g.number_of_nodes() == sum(
        len(x) for x in (dataset.fields, dataset.chains, dataset.segments, dataset.companies,
                         dataset.projects, dataset.region.parks)) + 1


def test_parks_host_chains_and_segments_and_relations_keep_their_year() -> None:
    data = load_valid(BUNDLED)[0]
    g = build_graph(data)
    hosts = sorted((u, v) for u, v, k in g.edges(keys=True) if k == "HOSTS")
    expected = sorted(
        (node_id("Park", p.id), node_id(label, x))
        for p in data.region.parks for label, ids in (("Chain", p.chains), ("Segment", p.segments)) for x in ids
    )
    assert hosts == expected and hosts
    dated = next(r for r in data.relations if r.since is not None)
    assert g.edges[node_id("Company", dated.from_id), node_id("Company", dated.to_id), dated.type]["since"] == dated.since


@pytest.mark.parametrize("path", [TINY, BUNDLED], ids=["tiny", "bundled"])
def test_stats_from_tables_equal_the_networkx_count(path: object) -> None:
    """The tables count what the full graph (and so the Neo4j push) holds."""
    data = load_valid(path)[0]  # type: ignore[arg-type]
    assert graph_stats(pool_graph(data)) == oracle_stats(build_graph(data))


def test_stats_count_a_relation_given_twice_once(tiny_copy: object) -> None:
    from pathlib import Path

    relations = Path(str(tiny_copy)) / "relations.csv"
    lines = relations.read_text(encoding="utf-8").splitlines()
    relations.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    data = load_valid(Path(str(tiny_copy)))[0]
    assert graph_stats(pool_graph(data)) == oracle_stats(build_graph(data))
