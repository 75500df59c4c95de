"""The shortlist of issue #11, worked out by hand on the tiny data set.

Default weights: .30 gap_fit, .10 capability, .15 chain_pull, .10 proximity, .05 geography,
.15 intent, .15 attainability (they sum to 1, so 总分 = 100 × the weighted sum).
Attainability = (.4·footprint + .4·size + .2·specialist) / the parts known:
- out-integrator: .3·.67 + .1·.46 + .15·1 + .1·1 + 0 + 0 + .15·(.4·0 + .4·.8 medium) = .545 → 55, A
- out-small: .3·.8086 + .1·.24 + .15·.6464 + 0 + .05·.6 + 0 + .15·(.4·.6 湖北 neighbour + .4·1 small)
  = .2426 + .024 + .097 + .03 + .096 = .4895 → 49, B
- out-friend: .201 + .024 + .097 + .1 + 0 + 0 + .15·(.4·1 small) = .482 → 48, B
- out-reducer: .3·.68 + .1·.98 + .15·.5 + 0 + 0 + 0 + .15·(.4·.5 large + .2·1 小巨人) = .437 → 44, B
- out-partner: .201 + .1·.1333 + .097 + .1 + 0 + 0 + .15·0 (scale unknown drops out: 0/.6) = .4113 → 41,
  B, 深化合作 (it is the district's strategic partner)
- out-fab: .3·.675 + .1·.5 + .15·.5 + 0 + 0 + 0 + .15·(.4·.2 central-SOE headquarters) = .3395 → 34, C
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import networkx as nx
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from chainkg.analysis.prospects import Channel, RankFilter
from chainkg.analysis.reasons import channel_usage
from chainkg.analysis.shortlist import list_order
from chainkg.cli.main import app
from chainkg.dataset.load import load_valid
from chainkg.graph.pool_graph import pool_graph
from chainkg.importing.signals import import_signals
from chainkg.model.scoring import LEGACY_RANK, RankSettings
from conftest import BUNDLED, TINY, Edit
from oracle import build_graph, diagnose, rank

runner = CliRunner()
ORDER = ["out-integrator", "out-small", "out-friend", "out-reducer", "out-partner", "out-fab"]


def _rank(data_dir: Path, **kwargs: object) -> list:  # type: ignore[type-arg]
    g = build_graph(load_valid(data_dir)[0])
    return rank(g, diagnose(g), **kwargs)  # type: ignore[arg-type]


def _write(data_dir: Path, name: str, text: str) -> Path:
    (data_dir / name).write_text(text, encoding="utf-8")
    return data_dir


def test_new_defaults_by_hand(tiny_graph: nx.MultiDiGraph) -> None:
    prospects = rank(tiny_graph, diagnose(tiny_graph))
    assert [p.company_id for p in prospects] == ORDER
    assert [p.score for p in prospects] == pytest.approx([0.545, 0.4895, 0.482, 0.437, 0.4113, 0.3395], abs=1e-4)
    assert [(p.points, p.tier) for p in prospects] == [
        (55, "A"), (49, "B"), (48, "B"), (44, "B"), (41, "B"), (34, "C")]
    assert [p.kind for p in prospects] == ["target"] * 4 + ["deepen", "target"]
    reducer = prospects[3]
    assert reducer.components["attainability"] == pytest.approx(0.4)
    assert reducer.details["attainability"].reasons == [
        "招得来：本省及邻省都没有已知的落脚点", "招得来：大型企业，计 0.5",
        "招得来：小巨人，成长型专精企业常在外地新设产线"]
    fab = prospects[5]
    assert "招得来：央企集团总部，整体迁入少见，宜对接其子公司或具体项目" in fab.details["attainability"].reasons


def test_one_headline_per_firm(tiny_graph: nx.MultiDiGraph) -> None:
    heads = {p.company_id: p.headline for p in rank(tiny_graph, diagnose(tiny_graph))}
    assert heads["out-integrator"] == "补机器人「系统集成」断链；可经本地企业「本地链主」引荐"
    # out-small fills the reducer (.68 × core) ahead of integration (.67 × secondary .6).
    assert heads["out-small"] == "补机器人「减速器」缺链"
    assert heads["out-partner"] == "补机器人「伺服系统」断链；已是战略伙伴，可深化合作"


SIGNALS = "company,date,kind,note,source,url\n"


def test_intent_halves_every_half_life(tiny_copy: Path) -> None:
    _write(tiny_copy, "signals.csv", SIGNALS + "out-reducer,2025-03-01,扩产,新建产线,公开报道,\n"
           "out-reducer,2026-03-01,融资,B轮,公告,\nout-fab,2027-01-01,扩产,,公告,\n")
    # A year after the 扩产 signal it counts 1.0 × 0.5; the 融资 of that day counts .6 in full:
    # 1 − (1 − .5)(1 − .6) = .8. out-fab's signal is dated after that day: not known yet.
    on_day = {p.company_id: p for p in _rank(tiny_copy, today=date(2026, 3, 1))}
    assert on_day["out-reducer"].components["intent"] == pytest.approx(0.8)
    assert on_day["out-fab"].components["intent"] == 0.0
    assert on_day["out-reducer"].details["intent"].reasons[0] == (
        "近期动向：2026-03-01 融资：B轮（0 天前，计 0.60；来源：公告）")
    # Without a day, the data's as-of date is the latest signal's (2027-01-01): deterministic.
    default = {p.company_id: p for p in _rank(tiny_copy)}
    assert default["out-fab"].components["intent"] == pytest.approx(1.0)
    assert default["out-fab"].headline == "补芯片「晶圆制造」断链；近期动向 2027-01-01 扩产"
    # A signal never lowers a score (noisy-or, non-negative weights).
    assert default["out-reducer"].score > _rank(TINY)[3].score


def test_attainability_counts_a_subsidiary_in_the_province(edit: Edit) -> None:
    data_dir = edit("companies.csv", "out-friend,", "out-fab-henan,晶圆厂河南子公司,,,河南省,郑州市,,central_soe,,"
                    "medium,,test,\nout-friend,")
    edit("relations.csv", "out-friend,COOPERATES", "out-fab-henan,SUBSIDIARY_OF,out-fab,,test\nout-friend,COOPERATES")
    fab = next(p for p in _rank(data_dir) if p.company_id == "out-fab")
    # (.4·1 same province + .4·.2 headquarters) / 1 = .48
    assert fab.components["attainability"] == pytest.approx(0.48)
    assert fab.details["attainability"].reasons[0] == "招得来：已在本省有落脚点（子公司「晶圆厂河南子公司」在河南省）"


def test_a_shared_customer_is_no_channel(edit: Edit) -> None:
    # out-small and the partner both supply out-fab: 外地小减速器 → 外地晶圆厂 → 伙伴公司 is two
    # competitors' common customer, not a way in. The partner's own customer (out-fab) is.
    data_dir = edit("relations.csv", "out-friend,COOPERATES",
                    "out-small,SUPPLIES,out-fab,,test\nout-partner,SUPPLIES,out-fab,,test\nout-friend,COOPERATES")
    new = {p.company_id: p for p in _rank(data_dir)}
    old = {p.company_id: p for p in _rank(data_dir, settings=LEGACY_RANK)}
    assert old["out-small"].components["partner_proximity"] == 0.5  # 2 hops through the customer
    assert new["out-small"].components["partner_proximity"] == 0.0
    assert new["out-fab"].components["partner_proximity"] == 1.0
    dataset = load_valid(data_dir)[0]
    pg = pool_graph(dataset)
    columnar = rank(pg, diagnose(pg), top=2)
    networkx = rank(build_graph(dataset), diagnose(build_graph(dataset)), top=2)
    assert [p.model_dump() for p in columnar] == [p.model_dump() for p in networkx]


def test_channel_usage_says_who_introduces_whom() -> None:
    channel = Channel(hops=2, target_id="loc", target="本地链主", target_kind="本地企业",
                      path=["目标", "中间人", "本地链主"], relations=["INVESTS_IN", "SUPPLIES"])
    assert channel_usage(channel, "目标") == (
        "用法：请本地企业「本地链主」，凭供货关系引荐「中间人」，凭投资关系引荐「目标」；由此约见「目标」的决策人。")


NEEDS = "company,segment,note,source\nloc-anchor,robot-reducer,年采购减速器约千台,走访记录\n"


def test_anchor_needs_give_the_yishang_zhaoshang_reason(tiny_copy: Path) -> None:
    _write(tiny_copy, "anchor_needs.csv", NEEDS)
    prospects = {p.company_id: p for p in _rank(tiny_copy)}
    reducer = prospects["out-reducer"]
    assert "以商招商：本地链主「本地链主」外购「减速器」（年采购减速器约千台）" in reducer.reasons
    assert reducer.components["chain_pull"] == 1.0  # 1 − (1 − 1)·…
    assert reducer.headline == "补机器人「减速器」缺链；以商招商：本地链主「本地链主」外购「减速器」"
    # The columnar path gives the same rows and reasons.
    dataset = load_valid(tiny_copy)[0]
    pg = pool_graph(dataset)
    columnar = rank(pg, diagnose(pg), top=3, per_gap=1)
    g = build_graph(dataset)
    assert [p.model_dump() for p in columnar] == [p.model_dump() for p in rank(g, diagnose(g), top=3, per_gap=1)]


def test_an_anchor_need_must_name_a_local_company_and_a_segment(tiny_copy: Path) -> None:
    _write(tiny_copy, "anchor_needs.csv", NEEDS + "out-fab,robot-reducer,,x\nloc-anchor,no-such,,x\n")
    result = runner.invoke(app, ["validate", "--data", str(tiny_copy)])
    assert result.exit_code == 2
    assert "anchor_needs.csv" in result.stdout and "不是本地企业" in result.stdout
    assert "环节「no-such」不存在" in result.stdout


def test_platforms_are_listed_apart_with_what_they_connect_to(edit: Edit) -> None:
    data_dir = edit("companies.csv", "out-friend,伙伴的朋友,,,浙江省,杭州市,,private",
                    "out-friend,伙伴的朋友,,,浙江省,杭州市,,institute")
    targets = _rank(data_dir, flt=RankFilter(kinds=["target", "deepen"]))
    assert "out-friend" not in [p.company_id for p in targets]
    platforms = _rank(data_dir, flt=RankFilter(kinds=["platform"]))
    assert [(p.company_id, p.kind, p.connects) for p in platforms] == [
        ("out-friend", "platform", ["合作：伙伴公司（伙伴）"])]
    result = runner.invoke(app, ["rank", "--data", str(data_dir)])
    assert "平台与渠道" in result.stdout and "合作：伙伴公司（伙伴）" in result.stdout


def test_partners_are_flagged_and_can_be_left_out() -> None:
    assert "out-partner" not in [p.company_id for p in _rank(TINY, flt=RankFilter(exclude_partners=True))]
    result = runner.invoke(app, ["rank", "--data", str(TINY), "--exclude-partners", "-f", "json"])
    assert "out-partner" not in [r["company_id"] for r in json.loads(result.stdout)]
    result = runner.invoke(app, ["rank", "--data", str(TINY)])
    assert "深化合作" in result.stdout


def test_per_gap_variety_and_flat(tiny_graph: nx.MultiDiGraph) -> None:
    # Primary gaps: integrator → integration, small and reducer → reducer (.68 ahead of
    # small's secondary integration .67·.6), friend and partner → servo, fab → chip-fab.
    varied = rank(tiny_graph, diagnose(tiny_graph), per_gap=1)
    assert [(p.company_id, p.primary_gap) for p in varied] == [
        ("out-integrator", "robot-integration"), ("out-small", "robot-reducer"),
        ("out-friend", "robot-servo"), ("out-fab", "chip-fab")]
    flat = runner.invoke(app, ["rank", "--data", str(TINY), "--flat", "-f", "json", "--platforms", "0"])
    assert [r["company_id"] for r in json.loads(flat.stdout)] == ORDER
    one = runner.invoke(app, ["rank", "--data", str(TINY), "--per-gap", "1", "-f", "json", "--platforms", "0"])
    assert [r["company_id"] for r in json.loads(one.stdout)] == [p.company_id for p in varied]


@pytest.mark.parametrize("data_dir", [TINY, BUNDLED], ids=["tiny", "bundled"])
def test_a_segment_filter_keeps_the_global_totals(data_dir: Path) -> None:
    g = build_graph(load_valid(data_dir)[0])
    diagnosis = diagnose(g)
    everyone = {p.company_id: p.score for p in rank(g, diagnosis)}
    segments = sorted({p.primary_gap for p in rank(g, diagnosis) if p.primary_gap})[:5]
    for segment in segments:
        for p in rank(g, diagnosis, flt=RankFilter(segments=[segment])):
            assert p.score == everyone[p.company_id], (segment, p.company_id)


def test_explain_agrees_with_rank_segment_and_takes_chinese_names() -> None:
    explained = runner.invoke(app, ["explain", "外地小减速器", "--data", str(TINY), "-f", "json"])
    report = json.loads(explained.stdout)
    segment = runner.invoke(app, ["rank", "--data", str(TINY), "--segment", "robot-parts", "-f", "json"])
    row = next(r for r in json.loads(segment.stdout) if r["company_id"] == "out-small")
    assert report["score"] == row["score"] and report["points"] == row["points"] == 49
    near = runner.invoke(app, ["explain", "外地减速", "--data", str(TINY)])
    assert near.exit_code == 2 and "是不是 外地减速器（out-reducer）？" in near.stderr
    alias = runner.invoke(app, ["whatif", "--add", "链主", "--data", str(TINY)])
    assert alias.exit_code == 0  # 链主 is loc-anchor's alias


def test_whatif_speaks_in_segments_and_chain_completeness() -> None:
    result = runner.invoke(app, ["whatif", "--add", "外地小减速器", "--add", "外地集成商", "--data", str(TINY)])
    assert result.exit_code == 0
    # 机器人 has 6 segments; body and auto are local (strong/weak) → 2/6; the two landings make
    # reducer, integration and their parent 核心零部件 local → 5/6.
    assert "机器人链 2/6 环节本地可配套 → 5/6" in result.stdout
    assert "补上缺口 3 个环节" in result.stdout and "总严重度" not in result.stdout


def test_import_signals_appends_checked_rows(tiny_copy: Path, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes("企业,日期,类型,说明,来源,链接\n外地减速器,2025/3/1,扩产,新建产线,公开报道,https://e.cn/a\n"
                       "out-fab,2025年5月20日,融资,,公告,\n".encode("gb18030"))
    result = runner.invoke(app, ["import", "signals", str(source), "--data", str(tiny_copy)])
    assert result.exit_code == 0, result.output
    assert (tiny_copy / "signals.csv").read_text(encoding="utf-8") == (
        SIGNALS + "out-reducer,2025-03-01,扩产,新建产线,公开报道,https://e.cn/a\nout-fab,2025-05-20,融资,,公告,\n")
    again = import_signals(tiny_copy, source, load_valid(tiny_copy)[0])
    assert (again.added, again.skipped) == ([], 2)


def test_import_signals_reports_every_bad_row_and_writes_nothing(tiny_copy: Path, tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("company,date,kind,source\n外地减速,2025-03-01,扩产,x\nout-fab,2025-02-30,融资,x\n"
                      "out-fab,2025-02-03,裁员,x\nout-fab,2025-02-03,融资,\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "signals", str(source), "--data", str(tiny_copy)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert "错误 bad.csv:2 [company]: 企业「外地减速」不存在（用 companies.csv 的 id、企业名或简称）" in lines
    assert "错误 bad.csv:3 [date]: 日期「2025-02-30」不是有效的日期" in lines
    assert any(line.startswith("错误 bad.csv:4 [kind]: 类型「裁员」无效") for line in lines)
    assert any(line.startswith("错误 bad.csv:5 [source]") for line in lines)
    assert not (tiny_copy / "signals.csv").exists()


def test_legacy_settings_are_the_ranking_before_issue_11() -> None:
    w = LEGACY_RANK.weights
    assert (w.gap_fit, w.capability, w.chain_pull, w.partner_proximity, w.geography, w.intent,
            w.attainability) == (0.4, 0.2, 0.2, 0.1, 0.1, 0.0, 0.0)
    assert LEGACY_RANK.channels == "any" and RankSettings().channels == "way_in"


def test_bundled_shortlist_has_no_institution_and_every_shown_firm_a_location() -> None:
    result = runner.invoke(app, ["rank", "--data", str(BUNDLED), "-f", "json", "--platforms", "5",
                                 "--partners", "0", "--same-city", "0"])
    rows = json.loads(result.stdout)
    targets = [r for r in rows if r["kind"] in ("target", "deepen")]
    assert len(targets) == 20 and len(rows) == 25
    g = build_graph(load_valid(BUNDLED)[0])
    for row in targets:
        company = g.nodes[f"Company:{row['company_id']}"]
        assert company["ownership"] not in ("university", "institute", "fund"), row["company"]
        assert company["province"], row["company"]
    # Variety: at most three firms per primary gap.
    gaps = [r["primary_gap"] for r in targets]
    assert max(gaps.count(g) for g in gaps) <= 3


def test_readme_figure_of_candidates_without_a_province() -> None:
    import re

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    match = re.search(r"\((\d+) of the (\d+) bundled candidates have no province; none is in the top (\d+)\)", text)
    assert match is not None
    g = build_graph(load_valid(BUNDLED)[0])
    prospects = rank(g, diagnose(g))
    missing = [p.rank for p in prospects if not p.province]
    assert (int(match[1]), int(match[2])) == (len(missing), len(prospects))
    assert min(missing) > int(match[3])


def test_readme_tier_and_signal_figures() -> None:
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "the top 4 of the bundled list — and B the rest of the top twenty" in text
    assert "The bundled data hold one signal" in text and "hold one signal and no anchor needs yet" in text
    data = load_valid(BUNDLED)[0]
    assert len(data.signals) == 1 and not data.anchor_needs
    g = build_graph(data)
    top = rank(g, diagnose(g), flt=RankFilter(kinds=["target", "deepen"]), top=20, per_gap=3)
    assert [p.tier for p in top] == ["A"] * 4 + ["B"] * 16


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0.0, 0.25, 0.5, 0.5001, 0.75]), st.sampled_from(["a", "b", "c", None])),
                min_size=0, max_size=40),
       st.one_of(st.none(), st.integers(1, 4)), st.one_of(st.none(), st.integers(1, 12)))
def test_a_list_sorts_only_the_rows_that_can_be_shown_and_shows_the_same(
        rows: list[tuple[float, str | None]], per_gap: int | None, top: int | None) -> None:
    """list_order's cut (a rank of the scores, before the sort by score and id) keeps every row the
    whole sort would show, in the same places, ties at the cut included (few scores: many ties)."""
    scored = pl.DataFrame({"id": [f"firm-{i:02d}" for i in range(len(rows))][::-1],
                           "score": [s for s, _g in rows], "primary_gap": [g for _s, g in rows]},
                          schema={"id": pl.String, "score": pl.Float64, "primary_gap": pl.String})
    assert list_order(scored, per_gap, top).equals(list_order(scored, per_gap, top, cut=False))
