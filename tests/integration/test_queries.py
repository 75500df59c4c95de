"""Every named query on the pushed tiny data set, with expected rows worked out by hand."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.conftest import BUNDLED
from tests.integration.conftest import analyse
from typer.testing import CliRunner

from chainkg.cli.main import app
from chainkg.graphdb import Neo4jRunner, list_queries, push, run_named
from chainkg.graphdb.queries import param_example

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


def _query(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["neo4j", "query", *args, "-f", "json"])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(("by_id", "by_name"), [
    ("chain=robot", "chain=机器人"),
    ("field=mfg", "field=制造"),
    ("segment=robot-reducer", "segment=减速器"),
    ("company=out-friend", "company=伙伴的朋友"),  # full name; an alias: on the bundled data below
])
def test_query_parameters_take_the_names_the_tool_prints(pushed_tiny: object, by_id: str, by_name: str) -> None:
    query = {"chain": "chain_map", "field": "field_gaps", "segment": "segment_prospects",
             "company": "company_paths"}[by_id.split("=")[0]]
    code, out, err = _query(query, by_name)
    assert code == 0, err
    assert json.loads(out) and (code, out, err) == _query(query, by_id)


@pytest.mark.parametrize(("args", "message"), [
    (["chain_map", "chain=robt"],
     "查询「chain_map」的参数 chain：产业链「robt」不存在；允许的取值：chip（芯片）、robot（机器人）"),
    (["field_gaps", "field=manufacturing"],
     "查询「field_gaps」的参数 field：领域「manufacturing」不存在；允许的取值：info（信息）、mfg（制造）"),
    (["company_paths", "company=伙伴"],
     "查询「company_paths」的参数 company：企业「伙伴」不存在（可用企业 id、全称或简称；全部企业见 chainkg ls companies）"
     "；是不是 伙伴公司（out-partner）、伙伴的朋友（out-friend）？"),
    (["company_paths", "company=out-frend"],
     "查询「company_paths」的参数 company：企业「out-frend」不存在（可用企业 id、全称或简称；全部企业见 chainkg ls companies）"
     "；是不是 out-friend、out-reducer、out-signed？"),
    (["segment_prospects", "segment=robot-part"],
     "查询「segment_prospects」的参数 segment：环节「robot-part」不存在；允许的取值：chip-fab（晶圆制造）、"
     "chip-package（封装测试）、chip-wafer（硅片）、robot-auto（汽车应用）、robot-body（机器人本体）、"
     "robot-integration（系统集成）、robot-parts（核心零部件）、robot-reducer（减速器）、robot-servo（伺服系统）"),
])
def test_unknown_ids_and_names_are_errors_not_empty_results(pushed_tiny: object, args: list[str], message: str) -> None:
    assert _query(*args) == (2, "", f"错误：{message}\n")


def test_nothing_pushed_is_said_so(runner: Neo4jRunner) -> None:
    assert _query("chain_map", "chain=robot") == (
        2, "", "错误：查询「chain_map」的参数 chain：Neo4j 上还没有任何产业链：请先运行 chainkg neo4j push 推送图谱\n")
    assert _query("company_paths", "company=out-friend")[2] == (
        "错误：查询「company_paths」的参数 company：Neo4j 上还没有任何企业：请先运行 chainkg neo4j push 推送图谱\n")


def test_header_examples_find_rows_on_the_bundled_data(runner: Neo4jRunner) -> None:
    push(runner, *analyse(BUNDLED)[:3])
    for query in list_queries():
        examples = [f"{p}={param_example(d)}" for p, d in query.params.items() if param_example(d)]
        if examples:
            code, out, err = _query(query.name, *examples)
            assert code == 0 and json.loads(out), (query.name, examples, err)
    by_alias = _query("company_paths", "company=一拖")
    assert by_alias[0] == 0 and json.loads(by_alias[1]) and by_alias == _query("company_paths", "company=yituo")
    # Over twelve chains: the closest ones, not all of them.
    assert _query("chain_map", "chain=robot")[2] == (
        "错误：查询「chain_map」的参数 chain：产业链「robot」不存在；是不是 robotics（机器人及智能制造）？"
        "全部取值见 chainkg ls chains\n")
    assert _query("segment_prospects", "segment=核心零部件")[2] == (
        "错误：查询「segment_prospects」的参数 segment：环节「核心零部件」对应多个：agri-machinery-core-parts（核心零部件）、"
        "robotics-core-parts（核心零部件）；请用 id\n")
