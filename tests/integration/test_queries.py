"""Every named query on the pushed tiny data set, with expected rows worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from chainkg.graphdb import Neo4jRunner, list_queries, run_named

pytestmark = pytest.mark.neo4j


def column(rows: list[dict[str, Any]], key: str) -> list[Any]:
    return [r[key] for r in rows]


def test_every_query_has_header_and_runs(pushed_tiny: object, runner: Neo4jRunner) -> None:
    for query in list_queries():
        assert query.description, query.name
        if not query.name.startswith("backend_"):
            run_named(runner, query.name, {})


def test_chain_map(pushed_tiny: object, runner: Neo4jRunner) -> None:
    rows = run_named(runner, "chain_map", {"chain": "robot"})
    assert column(rows, "segment_id") == ["robot-parts", "robot-reducer", "robot-servo", "robot-body",
                                          "robot-auto", "robot-integration"]
    assert column(rows, "status_label") == ["断链", "缺链", "断链", "强链", "弱链", "断链"]
    assert rows[2]["outside_companies"] == ["out-friend", "out-partner"]
    assert rows[3]["local_companies"] == ["loc-anchor"] and rows[3]["feeds"] == ["robot-integration"]


def test_field_gaps(pushed_tiny: object, runner: Neo4jRunner) -> None:
    rows = run_named(runner, "field_gaps", {"field": "mfg"})
    assert [(r["segment_id"], r["status"], r["severity"], r["outside_companies"]) for r in rows] == [
        ("robot-parts", "broken", 0.76, 0), ("robot-reducer", "missing", 0.68, 2),
        ("robot-integration", "broken", 0.67, 3), ("robot-servo", "broken", 0.67, 2),
        ("robot-auto", "weak", 0.2703, 0),
    ]


def test_segment_prospects_include_sub_segments(pushed_tiny: object, runner: Neo4jRunner) -> None:
    rows = run_named(runner, "segment_prospects", {"segment": "robot-parts"})
    assert [(r["company_id"], r["rank"], r["segments"]) for r in rows] == [
        ("out-reducer", 2, ["robot-reducer"]), ("out-small", 3, ["robot-reducer"]),
        ("out-friend", 4, ["robot-servo"]), ("out-partner", 5, ["robot-servo"]),
    ]


def test_company_paths(pushed_tiny: object, runner: Neo4jRunner) -> None:
    assert run_named(runner, "company_paths", {"company": "out-friend"}) == [{
        "target_id": "out-partner", "target": "伙伴公司", "target_kind": "战略伙伴", "hops": 1,
        "path": ["伙伴的朋友", "伙伴公司"], "relations": ["COOPERATES_WITH"],
    }]
    assert column(run_named(runner, "company_paths", {"company": "out-integrator"}), "target_id") == ["loc-anchor"]


def test_partner_footprint(pushed_tiny: object, runner: Neo4jRunner) -> None:
    assert run_named(runner, "partner_footprint") == [{
        "company_id": "out-partner", "company": "伙伴公司", "agreement": "战略合作", "year": 2022,
        "segments": ["robot-servo"], "gap_segments": ["robot-servo"], "related_companies": ["out-friend"],
    }]


def test_pipeline_by_stage(pushed_tiny: object, runner: Neo4jRunner) -> None:
    assert run_named(runner, "pipeline_by_stage") == [
        {"stage": "contacted", "projects": 1, "amount_yi": 0.0, "companies": ["out-fab"], "segments": ["chip-fab"]},
        {"stage": "signed", "projects": 1, "amount_yi": 12.5, "companies": ["out-signed"],
         "segments": ["robot-integration"]},
    ]
