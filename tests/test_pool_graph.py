"""The PoolGraph (companies as tables) and the networkx graph give the same answers.

Hand-worked values for the tiny data set are in test_diagnosis.py and test_ranking.py (run on
the networkx graph); here the columnar path must reproduce them exactly, on the tiny set,
the bundled data and a 10k synthetic set from scripts/benchmark.py, under every filter.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import networkx as nx
import pytest

from chainkg.analysis.pool_rank import candidate_scores, channel_table, gap_candidates, shown_channels
from chainkg.analysis.prospects import Prospect, RankFilter
from chainkg.analysis.ranking import gap_segments
from chainkg.dataset.load import load_valid
from chainkg.graph.pool_graph import PoolGraph, pool_graph
from chainkg.graph.taxonomy import build_taxonomy
from chainkg.model.scoring import ComponentWeights, RankSettings
from conftest import BUNDLED, TINY, synthetic_data
from oracle import build_graph, diagnose, find_channels, prepare, rank, score_company


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_data(tmp_path_factory, 1_500, 7)


@pytest.fixture(scope="module", params=["tiny", "bundled", "synthetic"])
def both(request: pytest.FixtureRequest, synthetic: Path) -> tuple[nx.MultiDiGraph, PoolGraph]:
    data = {"tiny": TINY, "bundled": BUNDLED, "synthetic": synthetic}[request.param]
    dataset = load_valid(data)[0]
    return build_graph(dataset), pool_graph(dataset)


def test_taxonomy_is_the_graph_without_companies() -> None:
    dataset = load_valid(TINY)[0]
    full, taxonomy = build_graph(dataset), build_taxonomy(dataset)
    assert [n for n in full if not n.startswith("Company:")] == list(taxonomy)
    kept = [(u, v, k) for u, v, k in full.edges(keys=True)
            if not u.startswith("Company:") and not v.startswith("Company:")]
    assert kept == list(taxonomy.edges(keys=True))


def test_diagnosis_agrees(both: tuple[nx.MultiDiGraph, PoolGraph]) -> None:
    g, pg = both
    assert [d.model_dump() for d in diagnose(pg)] == [d.model_dump() for d in diagnose(g)]


FILTERS = [RankFilter(), RankFilter(include_pipeline=True), RankFilter(fields=["mfg", "electronic-information"]),
           RankFilter(segments=["robot-parts", "chip-fab"], provinces=["江苏省", "湖北省", "广东省"]),
           RankFilter(chains=["robotics", "chip"])]


@pytest.mark.parametrize("top", [None, 1, 20])
@pytest.mark.parametrize("flt", FILTERS, ids=["all", "pipeline", "fields", "segments+provinces", "chains"])
def test_ranking_agrees(both: tuple[nx.MultiDiGraph, PoolGraph], flt: RankFilter, top: int | None) -> None:
    g, pg = both
    diagnosis = diagnose(g)
    expected = [p.model_dump() for p in rank(g, diagnosis, flt=flt, top=top)]
    assert [p.model_dump() for p in rank(pg, diagnosis, flt=flt, top=top)] == expected


def test_ranking_agrees_on_ties(both: tuple[nx.MultiDiGraph, PoolGraph]) -> None:
    """With only geography weighted, scores tie in large groups: the cut at N must still agree."""
    g, pg = both
    settings = RankSettings(weights=ComponentWeights(gap_fit=0, capability=0, chain_pull=0,
                                                     partner_proximity=0, geography=1))
    diagnosis = diagnose(g)
    for top in (1, 5, 50):
        assert ([p.model_dump() for p in rank(pg, diagnosis, settings, top=top)]
                == [p.model_dump() for p in rank(g, diagnosis, settings, top=top)])


def test_channels_agree(both: tuple[nx.MultiDiGraph, PoolGraph]) -> None:
    """Same hops, target, path and relation types for every company, as find_channels' BFS."""
    g, pg = both
    expected = {k: c.model_dump() for k, c in find_channels(g, 3).items()}
    table = channel_table(pg, 3)
    found = shown_channels(pg, table, table.get_column("node"))
    assert {k: c.model_dump() for k, c in found.items()} == expected


def test_score_columns_are_the_components_of_every_candidate(both: tuple[nx.MultiDiGraph, PoolGraph]) -> None:
    """Each component column, rounded, is what the networkx scoring gives; the score their weighted sum."""
    g, pg = both
    diagnosis = diagnose(g)
    settings = RankSettings()
    ctx = prepare(g, diagnosis, settings)
    candidates = gap_candidates(pg, list(gap_segments(diagnosis, RankFilter())), RankFilter())
    home = str(pg.taxonomy.nodes[pg.taxonomy.graph["region"]]["province"])
    table = channel_table(pg, settings.max_hops, settings.channels)
    scores = candidate_scores(pg, candidates, ctx.gaps, ctx.status, table, home, settings)
    assert scores.height == candidates.height > 0
    for row in scores.iter_rows(named=True):
        components, _fills = score_company(g, f"Company:{row['id']}", ctx, settings)
        assert {n: row[n] for n in components} == {n: c.value for n, c in components.items()}, row["id"]
        assert row["score"] == round(sum(c.value * c.weight for c in components.values()), 4)


@pytest.fixture(scope="module", params=["bundled", "synthetic-800"])
def scaled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           ) -> tuple[nx.MultiDiGraph, PoolGraph]:
    """Data sets with scores that tie within the pre-score's error once the weights are scaled up."""
    data = BUNDLED if request.param == "bundled" else synthetic_data(tmp_path_factory, 800, 10)
    dataset = load_valid(data)[0]
    return build_graph(dataset), pool_graph(dataset)


@pytest.mark.parametrize("factor", [100, 10_000])
def test_ranking_agrees_with_weights_that_do_not_sum_to_one(scaled: tuple[nx.MultiDiGraph, PoolGraph],
                                                           factor: int) -> None:
    """scoring.yaml's weights need not sum to 1 (issue #17): the same firms, order and scores."""
    g, pg = scaled
    weights = {name: value * factor for name, value in ComponentWeights().model_dump().items()}
    settings = RankSettings(weights=ComponentWeights(**weights))
    diagnosis = diagnose(g)
    full = [p.model_dump() for p in rank(g, diagnosis, settings)]
    for top in (1, 10, 50):
        assert [p.model_dump() for p in rank(pg, diagnosis, settings, top=top)] == full[:top], top
    for top in (5, 40):
        assert ([p.model_dump() for p in rank(pg, diagnosis, settings, top=top, per_gap=2)]
                == [p.model_dump() for p in rank(g, diagnosis, settings, top=top, per_gap=2)])


def test_local_landing_changes_the_pool_graph_like_the_graph() -> None:
    """what_if marks companies local in a graph copy; the PoolGraph path sees the same change."""
    dataset = load_valid(TINY)[0]
    g, pg = build_graph(dataset), pool_graph(dataset)
    g.nodes["Company:out-fab"]["is_local"] = True
    import polars as pl

    pg = replace(pg, companies=pg.companies.with_columns(
        pl.when(pl.col("id") == "out-fab").then(True).otherwise(pl.col("is_local")).alias("is_local")))
    assert [d.model_dump() for d in diagnose(pg)] == [d.model_dump() for d in diagnose(g)]
    assert next(d for d in diagnose(pg) if d.segment_id == "chip-fab").status == "strong"


def test_a_changed_partner_flag_moves_the_channels_of_the_next_ranking() -> None:
    """Rank, flip a partner flag in the PoolGraph, rank again: the proximity follows (no stale channel)."""
    import polars as pl

    dataset = load_valid(TINY)[0]
    g, pg = build_graph(dataset), pool_graph(dataset)

    def proximity(prospects: list[Prospect]) -> float:
        return next(p.components["partner_proximity"] for p in prospects if p.company_id == "out-friend")

    assert proximity(rank(pg, diagnose(pg))) == 1.0  # one hop to the partner out-partner
    pg = replace(pg, companies=pg.companies.with_columns(
        pl.when(pl.col("id") == "out-partner").then(False).otherwise(pl.col("is_partner")).alias("is_partner")))
    g.nodes["Company:out-partner"]["is_partner"] = False
    after = rank(pg, diagnose(pg))
    assert proximity(after) == 0.0  # out-partner is no anchor now: out-friend has no way in
    assert [p.model_dump() for p in after] == [p.model_dump() for p in rank(g, diagnose(g))]


def test_one_prepared_serves_every_list_of_a_command_and_refuses_other_settings() -> None:
    """rank's lists share one channel table, placement pass and score table (shortlist.prepare): each
    list equals a ranking that worked everything out for itself; other settings or data are refused."""
    from chainkg.analysis import shortlist

    pg = pool_graph(load_valid(BUNDLED)[0])
    diagnosis = diagnose(pg)
    settings = RankSettings()
    prepared = shortlist.prepare(pg, diagnosis, settings)
    for flt, top in ((RankFilter(kinds=["target", "deepen"]), 30), (RankFilter(kinds=["platform"]), 10),
                     (RankFilter(kinds=["supply", "group"], provinces=["北京市"]), 10),
                     (RankFilter(kinds=["target"], chains=["robotics"]), 10)):
        shared = shortlist.rank(pg, diagnosis, settings, flt, top, prepared=prepared)
        assert shared and [p.model_dump() for p in shared] == [
            p.model_dump() for p in shortlist.rank(pg, diagnosis, settings, flt, top)]
    other = settings.model_copy(update={"max_hops": settings.max_hops + 1})
    with pytest.raises(ValueError, match="prepared for other"):
        shortlist.rank(pg, diagnosis, other, prepared=prepared)
    with pytest.raises(ValueError, match="prepared for other"):
        shortlist.rank(pool_graph(load_valid(BUNDLED)[0]), diagnosis, settings, prepared=prepared)
