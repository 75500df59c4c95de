"""Targets the district can actually host (issue #18 item 4): chainkg.analysis.placement's lists.

Hand-made cases on the tiny data set, one per rule, on both engines (networkx graph and
PoolGraph); then the bundled list as a 招商 officer reads it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainkg.analysis.placement import segment_limits
from chainkg.analysis.prospects import Prospect, RankFilter
from chainkg.cli.main import app
from chainkg.dataset.load import load_valid
from chainkg.graph.pool_graph import pool_graph
from conftest import BUNDLED, Edit
from oracle import build_graph, diagnose, graph_placements, rank

runner = CliRunner()
FAB_HEAVY = ("    feeds: [chip-package]\n    weight: 1.0\n",
             "    feeds: [chip-package]\n    weight: 1.0\n    hosting: heavy_process\n"
             "    hosting_source: 测试规则：晶圆厂由国家统筹布局\n")


def ranked(data: Path, flt: RankFilter | None = None) -> dict[str, Prospect]:
    """Every prospect by id, on both engines, which must agree on kinds, reasons and headlines."""
    dataset = load_valid(data)[0]
    g, pg = build_graph(dataset), pool_graph(dataset)
    mine = rank(g, diagnose(g), flt=flt)
    pooled = rank(pg, diagnose(pg), flt=flt)
    assert [(p.company_id, p.kind, p.kind_reason, p.headline) for p in mine] == [
        (p.company_id, p.kind, p.kind_reason, p.headline) for p in pooled]
    return {p.company_id: p for p in mine}


def add_rows(data: Path, name: str, *rows: str) -> None:
    with (data / name).open("a", encoding="utf-8") as f:
        f.write("".join(row + "\n" for row in rows))


def test_a_fab_the_district_cannot_host_makes_its_firm_a_supply_partner(edit: Edit) -> None:
    before = ranked(edit("region.yaml", "id: testqu", "id: testqu"))
    assert before["out-fab"].kind == "target"
    data = edit("chains.yaml", *FAB_HEAVY)
    after = ranked(data)
    fab = after["out-fab"]
    assert fab.kind == "supply" and "「晶圆制造」是受准入限制的重化工序" in fab.kind_reason
    assert "采购、供货协议" in fab.kind_reason
    # Only the list changes: the score, the fills and the gap diagnosis stay.
    assert (fab.score, fab.fills) == (before["out-fab"].score, before["out-fab"].fills)
    g = build_graph(load_valid(data)[0])
    assert [(d.segment_id, d.status) for d in diagnose(g)] == [
        (d.segment_id, d.status) for d in diagnose(build_graph(load_valid(Path(__file__).parent / "data" / "tiny")[0]))]
    # The target list no longer holds it; the supply list does.
    assert "out-fab" not in ranked(data, RankFilter(kinds=["target", "deepen"]))
    assert list(ranked(data, RankFilter(kinds=["supply"]))) == ["out-fab"]


def test_a_park_built_for_the_segment_hosts_it(edit: Edit) -> None:
    edit("chains.yaml", *FAB_HEAVY)
    data = edit("region.yaml", "    kind: 园区\n", "    kind: 园区\n    segments: [chip-fab]\n")
    assert segment_limits(build_graph(load_valid(data)[0]))["chip-fab"] == ""
    assert ranked(data)["out-fab"].kind == "target"


def test_a_side_business_or_an_output_of_the_own_fab_does_not_make_a_target(edit: Edit) -> None:
    data = edit("chains.yaml", *FAB_HEAVY)
    add_rows(data, "companies.csv", "out-idm,外地存储IDM,,,湖北省,武汉市,,private,,large,,test,",
             "out-side,外地晶圆兼封测,,,湖北省,武汉市,,private,,large,,test,",
             "out-packager,外地封测厂,,,江苏省,无锡市,,private,,medium,,test,")
    add_rows(data, "company_segments.csv", "out-idm,chip-fab,core,,test", "out-idm,chip-package,core,,test",
             "out-side,chip-fab,core,,test", "out-side,robot-integration,secondary,,test",
             "out-packager,chip-package,core,,test")
    found = ranked(data)
    # chip-fab feeds chip-package: the IDM's packaging comes out of its own fab.
    assert found["out-idm"].kind == "supply" and "「封装测试」为非主营或出自上述工序" in found["out-idm"].kind_reason
    assert found["out-side"].kind == "supply" and "「系统集成」为非主营" in found["out-side"].kind_reason
    assert found["out-packager"].kind == "target" and found["out-packager"].kind_reason == ""


def test_a_firm_of_the_districts_city_is_city_cooperation(edit: Edit) -> None:
    data = edit("companies.csv", "out-small,外地小减速器,,,湖北省,武汉市", "out-small,外地小减速器,,,河南省,洛阳市")
    small = ranked(data)["out-small"]
    assert small.kind == "same_city" and small.kind_reason.startswith("同在洛阳市")
    assert "市外资金" in small.kind_reason
    assert "out-small" not in ranked(data, RankFilter(kinds=["target", "deepen"]))
    # Another city of the same province is 招商 as before.
    assert ranked(edit("companies.csv", "外地小减速器,,,河南省,洛阳市", "外地小减速器,,,河南省,郑州市"))["out-small"].kind == "target"


def test_a_group_is_the_channel_of_its_fitting_subsidiary(edit: Edit) -> None:
    data = edit("companies.csv", "out-friend,", "out-group,外地集团,,,北京市,北京市,,central_soe,,large,央企,test,\n"
                "out-friend,")
    add_rows(data, "company_segments.csv", "out-group,robot-reducer,core,,test", "out-group,chip-fab,core,,test")
    before = ranked(data)
    assert before["out-group"].kind == "target"
    add_rows(data, "relations.csv", "out-reducer,SUBSIDIARY_OF,out-group,,test")
    found = ranked(data)
    group, unit = found["out-group"], found["out-reducer"]
    assert group.kind == "group" and "其下属「外地减速器」同样填补「减速器」" in group.kind_reason
    assert unit.kind == "target" and unit.headline.endswith("对接渠道：经集团「外地集团」")
    targets = list(ranked(data, RankFilter(kinds=["target", "deepen"])))
    assert "out-group" not in targets and "out-reducer" in targets
    assert group.score == before["out-group"].score


def test_the_group_of_a_local_anchor_is_reached_through_the_anchor(edit: Edit) -> None:
    data = edit("companies.csv", "out-friend,", "out-group,外地集团,,,北京市,北京市,,central_soe,,large,央企,test,\n"
                "out-friend,")
    add_rows(data, "company_segments.csv", "out-group,robot-reducer,core,,test")
    add_rows(data, "relations.csv", "loc-anchor,SUBSIDIARY_OF,out-group,,test")
    group = ranked(data)["out-group"]
    assert group.kind == "group" and "其下属「本地链主」是本地企业" in group.kind_reason


def test_a_subsidiary_filling_other_gaps_leaves_the_group_a_target(edit: Edit) -> None:
    data = edit("companies.csv", "out-friend,", "out-group,外地集团,,,北京市,北京市,,private,,large,,test,\n"
                "out-friend,")
    add_rows(data, "company_segments.csv", "out-group,chip-fab,core,,test")
    add_rows(data, "relations.csv", "out-reducer,SUBSIDIARY_OF,out-group,,test")
    assert ranked(data)["out-group"].kind == "target"


def test_rank_lists_apart_and_filters_by_chinese_kind(edit: Edit) -> None:
    data = edit("chains.yaml", *FAB_HEAVY)
    result = runner.invoke(app, ["rank", "--data", str(data), "-f", "json", "--partners", "5"])
    rows = json.loads(result.stdout)
    assert [r["company_id"] for r in rows if r["kind"] == "supply"] == ["out-fab"]
    table = runner.invoke(app, ["rank", "--data", str(data), "--kind", "配套对接"], env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "配套对接（1 家" in table.stdout and "外地晶圆厂" in table.stdout
    csv = runner.invoke(app, ["rank", "--data", str(data), "-f", "csv", "--kind", "supply", "--platforms", "0"])
    assert csv.stdout.splitlines()[1].split(",")[7] == "配套对接"
    wrong = runner.invoke(app, ["rank", "--data", str(data), "--kind", "配套"])
    assert wrong.exit_code == 2 and "--kind 没有「配套」" in wrong.stderr
    server = runner.invoke(app, ["rank", "--data", str(data), "--kind", "配套对接", "--backend", "neo4j"])
    assert server.exit_code == 2 and "--kind 只用于本地计算" in server.stderr


@pytest.fixture(scope="module")
def bundled() -> tuple[list[Prospect], dict[str, Prospect]]:
    g = build_graph(load_valid(BUNDLED)[0])
    diagnosis = diagnose(g)
    top = rank(g, diagnosis, flt=RankFilter(kinds=["target", "deepen"]), top=30, per_gap=3)
    return top, {p.company_id: p for p in rank(g, diagnosis)}


def test_bundled_top_30_holds_only_firms_the_district_can_host(
        bundled: tuple[list[Prospect], dict[str, Prospect]]) -> None:
    top, _every = bundled
    g = build_graph(load_valid(BUNDLED)[0])
    limits = segment_limits(g)
    placed = graph_placements(g, {s for p in top for s in p.fills})
    for p in top:
        assert any(not limits[s] for s in p.fills), p.company  # some gap it can fill here
        assert p.city != "洛阳市", p.company
        assert placed[p.company_id].kind in ("target", "deepen"), p.company
    # No group headquarters ahead of its fitting subsidiary: the group is not in the list at all.
    groups = {g.nodes[v]["id"] for u, v, k in g.edges(keys=True) if k == "SUBSIDIARY_OF"}
    ids = [p.company_id for p in top]
    for p in top:
        subs = [g.nodes[u]["id"] for u, v, k in g.in_edges(f"Company:{p.company_id}", keys=True)
                if k == "SUBSIDIARY_OF"]
        assert not any(s in ids and ids.index(s) > ids.index(p.company_id) for s in subs), p.company
    assert not {"casc", "avic", "chinalco"} & set(ids) and groups


def test_bundled_apart_lists_name_the_firms_an_officer_would_not_target(
        bundled: tuple[list[Prospect], dict[str, Prospect]]) -> None:
    _top, every = bundled
    supply = ["zhongguo-shihua", "tongling-youse", "yunnan-tongye", "jiangxi-tongye", "huaxin-shuini",
              "hailuo-shuini", "muyuan", "wanhua", "changjiang-cunchu", "jinjing"]
    for cid in supply:
        assert every[cid].kind == "supply" and "本区不能承接其所补环节的生产" in every[cid].kind_reason, cid
    assert "「原油炼制" in every["zhongguo-shihua"].kind_reason or "原油炼制」" in every["zhongguo-shihua"].kind_reason
    assert every["avic"].kind == "group" and "中航光电" in every["avic"].kind_reason
    assert every["casc"].kind == "group" and "中国东方红卫星" in every["casc"].kind_reason
    assert every["longhua-tech"].kind == "same_city" and "洛阳市" in every["longhua-tech"].kind_reason
    # Its group is already its way in (a strategic partner): named once.
    assert every["zhongguo-weixing"].headline.count("「中国航天科技集团有限公司」") == 1
    assert every["zhongguo-weixing"].kind == "target"


def test_report_and_export_show_the_apart_list(edit: Edit, tmp_path: Path) -> None:
    data = edit("chains.yaml", *FAB_HEAVY)
    html = tmp_path / "r.html"
    done = runner.invoke(app, ["report", "--data", str(data), "-o", str(html)])
    assert done.exit_code == 0, done.stderr
    text = html.read_text(encoding="utf-8")
    section = text[text.index("配套对接、集团渠道与本市协作</h2>"):]
    assert "外地晶圆厂" in section and "本区不能承接其所补环节的生产" in section
    out = tmp_path / "p.csv"
    assert runner.invoke(app, ["export", "prospects", "--data", str(data), "-o", str(out)]).exit_code == 0
    header, *rows = [line.split(",") for line in out.read_text(encoding="utf-8-sig").splitlines()]
    fab = next(r for r in rows if r[1] == "out-fab")
    assert header[-1] == "另列原因" and fab[7] == "配套对接" and fab[-1].startswith("本区不能承接")


@pytest.mark.parametrize("kinds", [["target", "deepen"], ["supply", "group"], ["same_city"]])
def test_both_engines_give_the_same_bundled_lists(kinds: list[str]) -> None:
    dataset = load_valid(BUNDLED)[0]
    g, pg = build_graph(dataset), pool_graph(dataset)
    flt = RankFilter(kinds=kinds)
    mine = rank(g, diagnose(g), flt=flt, top=30, per_gap=3)
    pooled = rank(pg, diagnose(pg), flt=flt, top=30, per_gap=3)
    assert [(p.company_id, p.kind, p.kind_reason, p.headline) for p in mine] == [
        (p.company_id, p.kind, p.kind_reason, p.headline) for p in pooled]
    assert mine and {p.kind for p in mine} <= set(kinds)
