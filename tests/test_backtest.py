"""The back-test: engagement removal, tie handling and figures worked out by hand on tiny data."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from chainkg.analysis.as_of import as_of_data
from chainkg.analysis.backtest import _position, backtest, engaged_companies, replay, without_engagement
from chainkg.cli.main import app
from chainkg.dataset.load import load_scoring, load_valid
from chainkg.graph.pool_graph import PoolGraph, pool_graph
from chainkg.model.records import DataSet
from chainkg.model.scoring import LEGACY_RANK, Scoring
from conftest import BUNDLED
from oracle import build_graph, diagnose, rank
from oracle import without_engagement as oracle_without_engagement

runner = CliRunner()


def test_engaged_companies_are_outside_firms_at_contacted_or_further(tiny_dir: Path) -> None:
    data, _ = load_valid(tiny_dir)
    # p-signed (signed) and p-lead (contacted); both firms are outside the district.
    assert engaged_companies(data) == {"out-fab": "contacted", "out-signed": "signed"}


def test_a_lead_is_not_an_engagement_and_local_firms_never_count(edit) -> None:  # type: ignore[no-untyped-def]
    data_dir = edit("projects.csv", "out-fab,chip-fab,,contacted", "out-fab,chip-fab,,lead")
    edit("projects.csv", "out-signed,robot-integration", "loc-small,robot-integration")
    data, _ = load_valid(data_dir)
    assert engaged_companies(data) == {}


def test_without_engagement_removes_projects_partner_entry_and_seed_relations(edit) -> None:  # type: ignore[no-untyped-def]
    data_dir = edit("relations.csv", "out-friend,COOPERATES_WITH,out-partner,,test",
                    "out-friend,COOPERATES_WITH,out-partner,,seed\nout-partner,SUPPLIES,loc-anchor,,公开信息")
    data, _ = load_valid(data_dir)
    pg = pool_graph(data)
    before = without_engagement(pg, "out-partner")
    assert before.companies.filter(pl.col("is_partner")).height == 0
    # The speech-recorded relation goes, the publicly sourced one stays, others' relations stay.
    assert before.relations.select("from_id", "to_id").rows() == [
        ("out-integrator", "loc-anchor"), ("out-partner", "loc-anchor")]
    assert "out-signed" in pg.stages and "out-signed" not in without_engagement(pg, "out-signed").stages
    assert pg.relations.height == 3 and pg.companies.filter(pl.col("is_partner")).height == 1  # input unchanged


def _both_engines(data: DataSet, before: PoolGraph, scoring: Scoring) -> tuple[list[dict[str, object]],
                                                                               list[dict[str, object]]]:
    """The flat ranking of the data set without an engagement on the networkx oracle, and of the
    tables filtered by ``without_engagement`` (what the back-test ranks)."""
    g = build_graph(data)
    diagnosis = diagnose(g, scoring.diagnosis)
    assert [d.model_dump() for d in diagnose(before, scoring.diagnosis)] == [d.model_dump() for d in diagnosis]
    return ([p.model_dump() for p in rank(g, diagnosis, scoring.rank)],
            [p.model_dump() for p in rank(before, diagnosis, scoring.rank)])


def test_the_data_set_without_engagement_ranks_alike_in_both_engines(edit) -> None:  # type: ignore[no-untyped-def]
    """The copy once kept the old pool: out-integrator scored .392 on networkx, .545 on the pool (issue #17)."""
    data_dir = edit("relations.csv", "out-integrator,SUPPLIES,loc-anchor,供应集成服务,test",
                    "out-integrator,SUPPLIES,loc-anchor,供应集成服务,seed")
    data, _ = load_valid(data_dir)
    scoring = load_scoring(data_dir)
    pg = pool_graph(data)
    for company_id in ("out-integrator", *engaged_companies(data)):
        networkx_ranking, pool_ranking = _both_engines(
            oracle_without_engagement(data, company_id), without_engagement(pg, company_id), scoring)
        assert pool_ranking == networkx_ranking, company_id
        if company_id == "out-integrator":
            # Without the seed supply link to the local anchor: no chain pull from it, no channel.
            assert next(p["score"] for p in pool_ranking if p["company_id"] == company_id) == 0.392


def test_position_is_the_middle_of_a_tie() -> None:
    scores = pl.DataFrame({"id": ["a", "b", "c", "d"], "score": [0.9, 0.5, 0.5, 0.5]})
    assert _position(scores, "a", "score") == 1
    assert _position(scores, "c", "score") == 3  # places 2, 3, 4 → 3
    assert _position(scores, "zz", "score") is None


def test_backtest_on_tiny_data(tiny_dir: Path) -> None:
    data, _ = load_valid(tiny_dir)
    report = backtest(data, load_scoring(tiny_dir))
    ranking, legacy, capability, random = report.methods
    assert report.engaged == 2
    # Old and new weights place both firms alike on this data. New, out-signed once its
    # project is gone: gap .3·.67 + capability .1·.36 + pull .15·.6464 + geography .05·1
    # + attainability .15·(.4·1 same province + .4·.8 medium)/1 = .492, second behind
    # out-integrator .545 (tests/test_shortlist.py); out-fab (.3395) stays last.
    assert [(c.position, c.percentile) for c in legacy.cases] == [(6.0, 100.0), (2.0, 28.6)]
    # out-fab: 6 candidates (out-signed stays signed, so it is no candidate); last by score.
    # Capability by hand: out-reducer 0.98 > out-fab (large central SOE: 0.4+0.1)/1 = 0.5 > …
    # out-signed, once its project is gone: 7 candidates; capability (0.4·0.7 + 0.1·0.8) = 0.36,
    # behind out-reducer 0.98, out-fab 0.5 and out-integrator 0.46 → 4th.
    assert [(c.company_id, c.position, c.candidates, c.percentile) for c in ranking.cases] == [
        ("out-fab", 6.0, 6, 100.0), ("out-signed", 2.0, 7, 28.6)]
    assert [(c.position, c.percentile) for c in capability.cases] == [(2.0, 33.3), (4.0, 57.1)]
    # A random order puts a firm at (N + 1) / 2 on average.
    assert [(c.position, c.percentile) for c in random.cases] == [(3.5, 58.3), (4.0, 57.1)]
    assert (ranking.median_percentile, capability.median_percentile) == (64.3, 45.2)
    # Top 10 % of 6 or 7 candidates is less than one place: nobody can hit it.
    assert (ranking.top10_hits, capability.top10_hits, random.top10_hits) == (0.0, 0.0, 0.0)


def test_a_firm_that_fills_no_gap_is_a_miss_for_every_method(edit) -> None:  # type: ignore[no-untyped-def]
    # robot-body is strong (本地链主, large, core): a firm only there fills no gap.
    data_dir = edit("company_segments.csv", "out-fab,chip-fab,core", "out-fab,robot-body,core")
    report = backtest(load_valid(data_dir)[0], load_scoring(data_dir))
    for method in report.methods:
        fab = next(c for c in method.cases if c.company_id == "out-fab")
        assert (fab.position, fab.percentile) == (None, 100.0)
        assert method.ranked == 1


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_evaluate_command(tiny_dir: Path, fmt: str) -> None:
    result = runner.invoke(app, ["evaluate", "--data", str(tiny_dir), "--format", fmt])
    assert result.exit_code == 0, result.output
    if fmt == "json":
        assert json.loads(result.stdout)["engaged"] == 2
    elif fmt == "csv":
        assert result.stdout.splitlines()[0] == "方法,企业id,企业,招商进度,名次,候选数,百分位"
        assert "chainkg 排序（新：当前设置）,out-signed,已签约企业,签约,2.0,7,28.6" in result.stdout
        assert "chainkg 排序（旧：#11 之前的权重）,out-signed,已签约企业,签约,2.0,7,28.6" in result.stdout
    else:
        assert "回测：本区实际对接的 2 家外地企业" in result.stdout


def test_evaluate_rejects_an_unknown_format(tiny_dir: Path) -> None:
    result = runner.invoke(app, ["evaluate", "--data", str(tiny_dir), "--format", "xml"])
    assert result.exit_code == 2


README = Path(__file__).resolve().parents[1] / "README.md"
README_METHODS = {
    "new ranking (scoring.yaml)": "ranking", "old ranking (before #11)": "legacy",
    "capability only (famous names)": "capability", "random order (expected)": "random",
}


def test_readme_backtest_table_is_what_backtest_measures_on_the_bundled_data() -> None:
    text = README.read_text(encoding="utf-8")
    table = text.split("<!-- backtest:start -->")[1].split("<!-- backtest:end -->")[0]
    rows = [[cell.strip() for cell in line.strip("|").split("|")]
            for line in table.strip().splitlines()[2:]]
    report = backtest(load_valid(BUNDLED)[0], load_scoring(BUNDLED))
    measured = {
        m.method: [f"{m.median_percentile:.1f}", f"{m.top5_hits:g}/{report.engaged}",
                   f"{m.top10_hits:g}/{report.engaged}", f"{m.ranked}/{report.engaged}"]
        for m in report.methods
    }
    assert {README_METHODS[row[0]]: row[1:] for row in rows} == measured


def test_replay_on_the_tables_gives_the_networkx_positions_and_row(tiny_dir: Path) -> None:
    """replay ranks the tables (exact_scores; the firm's row from rank(focus=)); landings drop the
    engagement after as_of_data: the networkx oracle drops it first, with the same result."""
    data, scoring = load_valid(tiny_dir)[0], load_scoring(tiny_dir)
    day = date(2025, 4, 30)
    for company_id in engaged_companies(data):
        result = replay(without_engagement(pool_graph(as_of_data(data, day)), company_id), company_id, scoring, day)
        g = build_graph(as_of_data(oracle_without_engagement(data, company_id), day))
        diagnosis = diagnose(g, scoring.diagnosis)
        prospects, legacy = rank(g, diagnosis, scoring.rank, today=day), rank(g, diagnosis, LEGACY_RANK, today=day)
        row = next((p for p in prospects if p.company_id == company_id), None)
        assert result.prospect == row, company_id
        assert result.positions["ranking"] == (row.rank if row else None, len(prospects))
        assert result.positions["legacy"][1] == len(legacy)
