"""Property tests: the pool ranking equals the networkx ranking under ANY scoring.yaml.

The parity tests of test_pool_graph.py / test_pool_push.py run the default settings (and a
few fixed ones); the vectorised formulas of pool_rank must agree with ranking.py for every
weight, threshold and filter a team may write. Hypothesis draws the diagnosis and ranking
settings, a filter, the top N, per_gap and the day signals age to, on the tiny data set and a
small synthetic one with signals and anchor needs; derandomized, so every run draws the same
examples.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainkg.analysis.pool_rank import exact_scores
from chainkg.analysis.prospects import RankFilter
from chainkg.dataset.load import load_valid
from chainkg.graph.pool_graph import PoolGraph, pool_graph
from chainkg.graph.taxonomy import nodes_of
from chainkg.model.records import SIGNAL_KINDS
from chainkg.model.scoring import (
    AttainabilitySettings,
    CapabilitySettings,
    ChainPullSettings,
    ComponentWeights,
    DiagnosisSettings,
    GeographySettings,
    IntentSettings,
    RankSettings,
    SeveritySettings,
    TierSettings,
)
from conftest import TINY, synthetic_data
from oracle import build_graph, diagnose, rank

PROFILE = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.too_slow])


def _with_signals_and_needs(data_dir: Path, seed: int) -> Path:
    """Add signals.csv and anchor_needs.csv (test rows, seeded) so intent and 以商招商 are exercised."""
    dataset = load_valid(data_dir)[0]
    rng = random.Random(seed)
    outside = sorted(c.id for c in dataset.companies if not dataset.is_local(c))
    local = sorted(c.id for c in dataset.companies if dataset.is_local(c))
    segments = sorted(s.id for s in dataset.segments)
    signals = sorted({(rng.choice(outside), date(2024, 1, 1).toordinal() + rng.randrange(900), rng.choice(SIGNAL_KINDS))
                      for _ in range(60)})
    (data_dir / "signals.csv").write_text("company,date,kind,note,source,url\n" + "".join(
        f"{c},{date.fromordinal(d).isoformat()},{k},,test,\n" for c, d, k in signals), encoding="utf-8")
    needs = sorted({(rng.choice(local), rng.choice(segments)) for _ in range(12)})
    (data_dir / "anchor_needs.csv").write_text("company,segment,note,source\n" + "".join(
        f"{c},{s},,test\n" for c, s in needs), encoding="utf-8")
    return data_dir


@pytest.fixture(scope="module", params=["tiny", "synthetic"])
def engines(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
            ) -> tuple[nx.MultiDiGraph, PoolGraph]:
    data = TINY if request.param == "tiny" else _with_signals_and_needs(synthetic_data(tmp_path_factory, 400, 5), 5)
    dataset = load_valid(data)[0]
    assert request.param == "tiny" or (dataset.signals and dataset.anchor_needs)
    return build_graph(dataset), pool_graph(dataset)


unit = st.integers(0, 1000).map(lambda i: i / 1000)
positive = st.integers(1, 3000).map(lambda i: i / 1000)
# Weights as scoring.yaml may hold them: zero, fractions, or large numbers that do not sum to 1.
weight = st.one_of(st.just(0.0), unit, st.integers(0, 10**6).map(lambda i: i / 100))
part = st.one_of(st.just(0.0), st.integers(0, 3000).map(lambda i: i / 1000))
PROVINCES = ["河南省", "河北省", "山西省", "山东省", "安徽省", "湖北省", "陕西省", "江苏省", "广东省", "上海市", "北京市"]


def _values(keys: list[str], values: st.SearchStrategy[float] = unit) -> st.SearchStrategy[dict[str, float]]:
    """A dict over some of these keys (a scoring.yaml may leave some out)."""
    return st.lists(st.sampled_from(keys), unique=True).flatmap(
        lambda chosen: st.fixed_dictionaries({k: values for k in sorted(chosen)}))


@st.composite
def diagnosis_settings(draw: st.DrawFn) -> DiagnosisSettings:
    low, high = sorted((draw(unit), draw(unit)))
    return DiagnosisSettings(
        role={"core": draw(unit), "secondary": draw(unit)},
        scale=draw(_values(["large", "medium", "small", "micro", "unknown"])),
        strong_threshold=draw(st.integers(300, 3000).map(lambda i: i / 1000)),  # lower: hardly a gap left
        severity=SeveritySettings(segment_weight=draw(part), chain_priority=draw(part), dependence=draw(part),
                                  dependence_half=draw(positive), broken=draw(unit), missing=draw(unit),
                                  weak_max=high, weak_min=low))


@st.composite
def rank_settings(draw: st.DrawFn) -> RankSettings:
    defaults = RankSettings()
    b, a = sorted((draw(st.integers(0, 100)), draw(st.integers(0, 100))))
    return RankSettings(
        weights=ComponentWeights(**{name: draw(weight) for name in ComponentWeights.model_fields}),
        role_fit=draw(_values(["core", "secondary"])),
        capability=CapabilitySettings(
            scale_part=draw(part), listed_part=draw(part), tags_part=draw(part), ownership_part=draw(part),
            scale=draw(_values(list(defaults.capability.scale))),
            tags=draw(_values(list(defaults.capability.tags))),
            ownership=draw(_values(list(defaults.capability.ownership)))),
        chain_pull=ChainPullSettings(supply_relation=draw(unit), other_relation=draw(unit),
                                     strong_neighbour=draw(part), weak_neighbour=draw(part), anchor_need=draw(unit)),
        max_hops=draw(st.integers(1, 6)),
        channels=draw(st.sampled_from(["way_in", "any"])),
        geography=GeographySettings(same_province=draw(unit), neighbour_province=draw(unit),
                                    neighbours=tuple(draw(st.lists(st.sampled_from(PROVINCES), unique=True)))),
        intent=IntentSettings(half_life_days=draw(st.integers(1, 2000)),
                              kinds=draw(_values(list(SIGNAL_KINDS)))),
        attainability=AttainabilitySettings(
            footprint_part=draw(part), size_part=draw(part), specialist_part=draw(part),
            footprint=draw(_values(["same_province", "neighbour_province"])),
            size=draw(_values(["large", "medium", "small", "micro"])),
            central_soe_headquarters=draw(unit),
            specialist=draw(_values(list(defaults.attainability.specialist)))),
        tiers=TierSettings(a=a, b=b),
        per_gap=draw(st.integers(1, 5)))


FILTERS = ["fields", "chains", "segments", "provinces", "kinds", "include_pipeline", "exclude_partners"]


@st.composite
def filters(draw: st.DrawFn, g: nx.MultiDiGraph) -> RankFilter:
    """At most two filters at once: more narrow most draws to nothing, which tests little."""

    def some(ids: list[str]) -> list[str]:
        return draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))

    def ids(label: str) -> list[str]:
        return sorted(str(a["id"]) for _k, a in nodes_of(g, label))

    chosen = draw(st.lists(st.sampled_from(FILTERS), max_size=2, unique=True))
    values: dict[str, Any] = {}
    for name in chosen:
        if name in ("include_pipeline", "exclude_partners"):
            values[name] = True
        elif name == "provinces":
            values[name] = some(PROVINCES)
        elif name == "kinds":
            values[name] = some(["target", "deepen", "platform"])
        else:
            values[name] = some(ids({"fields": "Field", "chains": "Chain", "segments": "Segment"}[name]))
    return RankFilter(**values)


days = st.one_of(st.none(), st.dates(date(2023, 6, 1), date(2027, 6, 1)))


def _dump(prospects: list[Any]) -> list[dict[str, Any]]:
    return [p.model_dump() for p in prospects]


@PROFILE
@given(data=st.data())
def test_pool_ranking_is_the_networkx_ranking_under_any_settings(
        engines: tuple[nx.MultiDiGraph, PoolGraph], data: st.DataObject) -> None:
    g, pg = engines
    diagnosis_config, rank_config = data.draw(diagnosis_settings()), data.draw(rank_settings())
    flt = data.draw(filters(g))
    # Mostly a top N: that is where the pre-score cut (pool_rank.margin) decides whom to evaluate.
    top = data.draw(st.sampled_from([1, 2, 3, 5, 8, 13, 21, None]))
    per_gap = data.draw(st.sampled_from([None, 1, 2, 4]))
    today = data.draw(days)
    diagnosis = diagnose(g, diagnosis_config)
    assert [d.model_dump() for d in diagnose(pg, diagnosis_config)] == [d.model_dump() for d in diagnosis]
    expected = _dump(rank(g, diagnosis, rank_config, flt, top, today, per_gap))
    assert _dump(rank(pg, diagnosis, rank_config, flt, top, today, per_gap)) == expected


@PROFILE
@given(data=st.data())
def test_exact_scores_are_the_networkx_scores_under_any_settings(
        engines: tuple[nx.MultiDiGraph, PoolGraph], data: st.DataObject) -> None:
    """What the Neo4j push stores: every candidate's score and rank, vectorised."""
    g, pg = engines
    diagnosis = diagnose(g, data.draw(diagnosis_settings()))
    rank_config, today = data.draw(rank_settings()), data.draw(days)
    expected = [(p.company_id, p.score, p.rank) for p in rank(g, diagnosis, rank_config, today=today)]
    assert list(exact_scores(pg, diagnosis, rank_config, today).drop("idx").iter_rows()) == expected
