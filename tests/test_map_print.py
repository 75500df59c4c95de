"""Maps that print (issue #19 item 3): columns left to right, the 远景图's rule, paper, names."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from functools import cache

import networkx as nx
import pytest

from chainkg.diagnosis import SegmentDiagnosis, diagnose
from chainkg.graph import build_graph, nodes_of
from chainkg.load import default_data_dir, load_scoring, load_valid
from chainkg.maps import ChainMap, chain_map, chain_maps, chains_of_field
from chainkg.render_map import cjk_font, map_dot, render_dot
from chainkg.scoring import Scoring
from tools import require

DAY = date(2022, 6, 30)
SVG = "{http://www.w3.org/2000/svg}"
ORDER = {"upstream": 0, "midstream": 1, "downstream": 2}


@cache
def _bundled() -> tuple[nx.MultiDiGraph, list[SegmentDiagnosis], Scoring]:
    path = default_data_dir()
    g = build_graph(load_valid(path)[0])
    scoring = load_scoring(path)
    return g, diagnose(g, scoring.diagnosis), scoring


def _chain_ids() -> list[str]:
    return [a["id"] for _k, a in nodes_of(_bundled()[0], "Chain")]


def _field_ids() -> list[str]:
    return [a["id"] for _k, a in nodes_of(_bundled()[0], "Field")]


def _x_spans(svg: bytes) -> dict[str, tuple[float, float]]:
    """Each segment box's horizontal extent in the drawing, by segment id."""
    spans = {}
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if "segment" not in (g.get("class") or "").split():
            continue
        shape = next(e for e in g if e.tag in (f"{SVG}path", f"{SVG}polygon"))
        xs = [float(x) for x, _y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", shape.get("d") or shape.get("points") or "")]
        spans[(g.get("id") or "").removeprefix("seg-")] = (min(xs), max(xs))
    return spans


def _assert_columns(cmap: ChainMap, spans: dict[str, tuple[float, float]]) -> None:
    stage = {b.segment_id: b.stage for b in cmap.boxes}
    for a, (_a_left, a_right) in spans.items():
        for b, (b_left, _b_right) in spans.items():
            if a in stage and b in stage and ORDER[stage[a]] < ORDER[stage[b]]:
                assert a_right < b_left, f"{cmap.chain}: {a}（{stage[a]}）不在 {b}（{stage[b]}）左边"


@pytest.mark.parametrize("chain_id", _chain_ids())
def test_every_bundled_chain_reads_upstream_to_downstream_left_to_right(chain_id: str) -> None:
    require("dot")
    g, diagnosis, _scoring = _bundled()
    cmap = chain_map(g, diagnosis, chain_id, DAY)
    spans = _x_spans(render_dot(map_dot([cmap], cjk_font()), "svg"))
    assert set(spans) == {b.segment_id for b in cmap.boxes}
    _assert_columns(cmap, spans)


@pytest.mark.parametrize("field_id", _field_ids())
def test_every_panel_of_every_field_map_reads_left_to_right(field_id: str) -> None:
    require("dot")
    g, diagnosis, scoring = _bundled()
    maps = chain_maps(g, diagnosis, chains_of_field(g, field_id), DAY, scoring, vision_top=5)
    spans = _x_spans(render_dot(map_dot(maps, cjk_font(), panels=True), "svg"))
    for cmap in maps:
        _assert_columns(cmap, spans)


GAP_DEPTH = {"strong": 0, "weak": 1, "missing": 2, "broken": 2}


def test_vision_map_never_paints_a_segment_worse_than_today() -> None:
    g, diagnosis, scoring = _bundled()
    today = {d.segment_id: d.status for d in diagnosis}
    surrounded = []
    for vmap in chain_maps(g, diagnosis, _chain_ids(), DAY, scoring, vision_top=5):
        for box in vmap.boxes:
            assert GAP_DEPTH[box.status] <= GAP_DEPTH[today[box.segment_id]], (vmap.chain, box.name)
            if box.status_before is not None:
                assert GAP_DEPTH[box.status] < GAP_DEPTH[box.status_before]
            if box.between_landed:
                surrounded.append(box.segment_id)
                assert box.status == today[box.segment_id] == "missing" and box.status_before is None
    # The bundled data has such gaps (协作机器人 next to the landed robot bodies): the rule is exercised.
    assert "robotics-cobot" in surrounded, surrounded


def test_vision_legend_explains_the_rank_and_the_rule() -> None:
    require("dot")
    g, diagnosis, scoring = _bundled()
    vmap = chain_maps(g, diagnosis, ["robotics"], DAY, scoring, vision_top=5)[0]
    text = render_dot(map_dot([vmap], cjk_font()), "svg").decode("utf-8")
    assert "N 为该企业在本链招商目标中的排名" in text
    assert "远景图只标改善" in text and "补链更紧迫" in text
    today = render_dot(map_dot([chain_map(g, diagnosis, "robotics", DAY)], cjk_font()), "svg").decode("utf-8")
    assert "远景图只标改善" not in today
