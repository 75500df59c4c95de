"""Diagnosis of the tiny data set against values worked out by hand.

Default settings: role core 1 / secondary 0.5; scale large 1, medium 0.6, small 0.3,
micro 0.1; strong threshold 1.0; severity = factor × (0.45·weight + 0.35·priority +
0.20·d/(d+3)), factor broken 1.0, missing 0.8, weak 0.3 + 0.3·(1 − strength).

Local presence: robot-body ← loc-anchor (large, core) = 1.0 → strong; robot-auto ←
loc-small (small, core) = 0.3 → weak; chip-wafer ← loc-wafer (medium) = 0.6 → weak;
chip-package ← loc-zone (micro, secondary) = 0.05 → weak. Everything else is missing.
FEEDS: reducer, servo → body → integration → auto; wafer → fab → package → servo.
"""

from __future__ import annotations

import networkx as nx
import pytest

from chainkg.model.scoring import DiagnosisSettings
from oracle import diagnose

EXPECTED = [
    # segment, status, severity (by hand), dependent local firms, extends
    # robot-parts: subtree {parts, reducer, servo}; servo is fed (via package) from the present
    # chip-wafer and feeds the present robot-body → broken. 1.0 × (.45·.8 + .35·1 + .2·.25) = .76
    ("robot-parts", "broken", 0.76, 1, ["robot-body"]),
    # reducer: nothing present upstream → only missing. .8 × (.45 + .35 + .05) = .68
    ("robot-reducer", "missing", 0.68, 1, ["robot-body"]),
    # fab: wafer (present) upstream, package (present) downstream. .45 + .175 + .05 = .675
    ("chip-fab", "broken", 0.675, 1, []),
    # integration: body upstream, auto downstream. .27 + .35 + .05 = .67
    ("robot-integration", "broken", 0.67, 1, ["robot-body"]),
    ("robot-servo", "broken", 0.67, 1, ["robot-body"]),
    # auto: weak, factor .3 + .3·.7 = .51, base .18 + .35 = .53 → .2703
    ("robot-auto", "weak", 0.2703, 0, []),
    # wafer: factor .42, base .405 + .175 = .58 → .2436
    ("chip-wafer", "weak", 0.2436, 0, []),
    # package: factor .585, base .225 + .175 = .4 → .234
    ("chip-package", "weak", 0.234, 0, []),
    ("robot-body", "strong", 0.0, 0, []),
]


def test_statuses_severities_and_order(tiny_graph: nx.MultiDiGraph) -> None:
    rows = diagnose(tiny_graph)
    assert [(r.segment_id, r.status, r.severity, r.dependent_local_companies, r.extends)
            for r in rows] == EXPECTED


def test_parent_counts_its_sub_segments(tiny_graph: nx.MultiDiGraph) -> None:
    parts = next(r for r in diagnose(tiny_graph) if r.segment_id == "robot-parts")
    # out-reducer, out-small (reducer) and out-partner, out-friend (servo)
    assert parts.candidate_count == 4
    assert parts.partner_companies == ["out-partner"]
    assert parts.local_companies == []


def test_strength_and_local_companies(tiny_graph: nx.MultiDiGraph) -> None:
    by_id = {r.segment_id: r for r in diagnose(tiny_graph)}
    assert (by_id["chip-package"].strength, by_id["chip-package"].local_companies) == (0.05, ["loc-zone"])
    assert by_id["robot-body"].strength == 1.0


def test_threshold_comes_from_settings(tiny_graph: nx.MultiDiGraph) -> None:
    by_id = {r.segment_id: r for r in diagnose(tiny_graph, DiagnosisSettings(strong_threshold=0.5))}
    assert by_id["chip-wafer"].status == "strong"  # 0.6 ≥ 0.5
    assert by_id["robot-auto"].status == "weak"  # 0.3 < 0.5


def test_local_landing_repairs_a_broken_segment(tiny_graph: nx.MultiDiGraph) -> None:
    tiny_graph.nodes["Company:out-fab"]["is_local"] = True  # large, core in chip-fab
    by_id = {r.segment_id: r for r in diagnose(tiny_graph)}
    assert by_id["chip-fab"].status == "strong"
    assert by_id["chip-fab"].severity == 0.0


@pytest.mark.parametrize("status", ["strong", "weak", "missing", "broken"])
def test_status_label(tiny_graph: nx.MultiDiGraph, status: str) -> None:
    rows = [r for r in diagnose(tiny_graph) if r.status == status]
    assert rows and rows[0].status_label == {"strong": "强链", "weak": "弱链",
                                             "missing": "缺链", "broken": "断链"}[status]
