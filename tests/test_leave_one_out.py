"""The fast leave-one-out back-test gives exactly what scoring every candidate again per firm gives.

The oracle (tests/oracle.py ``straightforward_backtest``) removes each engaged firm's engagement
and re-runs the diagnosis and both rankings over every candidate; chainkg.analysis.leave_one_out
scores every candidate once and only the rows a firm's engagement changes. Compared on the
tiny and the bundled data, on seeded synthetic data sets where the engaged firms are partners,
have seed relations and sit on other firms' channels, under random settings, and on the
benchmark's shape.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from chainkg.analysis import leave_one_out as loo
from chainkg.analysis.backtest import backtest, engaged_companies, replay, without_engagement
from chainkg.analysis.diagnosis import diagnose
from chainkg.analysis.leave_one_out import leave_one_out
from chainkg.analysis.shortlist import rank
from chainkg.dataset.load import load_scoring, load_valid
from chainkg.graph.pool_graph import pool_graph
from chainkg.model.records import (
    OWNERSHIPS,
    RELATION_TYPES,
    ROLES,
    SCALES,
    Company,
    CompanySegment,
    DataSet,
    Partner,
    Project,
    Relation,
)
from chainkg.model.scoring import LEGACY_RANK, Scoring
from conftest import BUNDLED, synthetic_data
from oracle import straightforward_backtest, straightforward_positions

ENGAGED = ("contacted", "negotiating", "signed", "under_construction", "operating")


def entangled(base: DataSet, seed: int, companies: int = 400, relations: int = 1600) -> DataSet:
    """``base`` plus seeded companies whose engagements matter: many engaged firms are strategic
    partners (anchors of others' channels), have seed relations (some to local firms, some
    ownership links that move attainability) and sit among a few hubs, so removing one moves
    others' hops, chain pull and footprint."""
    rng = random.Random(seed)
    region = base.region
    segments = [s.id for s in base.segments]
    new = []
    for i in range(companies):
        local = rng.random() < 0.06
        new.append(Company(
            id=f"ent-{i:04d}", name=f"纠缠企业{i:04d}", source="test",
            province=region.province if local or rng.random() < 0.2 else rng.choice(["江苏省", "湖北省", "广东省", ""]),
            city=region.city if local else rng.choice(["", "南京市", region.city]),
            district=region.district if local else "", scale=rng.choice(SCALES),
            ownership=rng.choice((None, *OWNERSHIPS)), tags=tuple(t for t in ("专精特新", "小巨人") if rng.random() < 0.15)))
    links = [CompanySegment(company_id=c.id, segment_id=s, role=rng.choice(ROLES), source="test")
             for c in new for s in rng.sample(segments, rng.randint(1, 3))]
    ids = [c.id for c in (*base.companies, *new)]
    outside = [c.id for c in new if c.district != region.district]
    engaged = rng.sample(outside, 30)
    partners = engaged[:12] + rng.sample(outside, 4)  # most partners are engaged: their removal moves anchors
    hubs = rng.sample(ids, 5)
    triples: dict[tuple[str, str, str], Relation] = {(r.from_id, r.type, r.to_id): r for r in base.relations}
    while len(triples) < len(base.relations) + relations:
        a = rng.choice(engaged) if rng.random() < 0.25 else rng.choice(hubs) if rng.random() < 0.15 else rng.choice(ids)
        b = rng.choice(ids)
        if a == b:
            continue
        a, b = (a, b) if rng.random() < 0.5 else (b, a)
        kind = rng.choice(RELATION_TYPES)
        source = "seed" if rng.random() < 0.35 else "test"
        triples.setdefault((a, kind, b), Relation(from_id=a, type=kind, to_id=b, source=source))
    projects = [Project(id=f"ent-project-{i:03d}", name=f"纠缠项目{i:03d}", company_id=cid,
                        stage=rng.choice(ENGAGED) if i < len(engaged) else "lead", source="test")
                for i, cid in enumerate(engaged + rng.sample(outside, 5))]
    return base.model_copy(update={
        "companies": (*base.companies, *new), "company_segments": (*base.company_segments, *links),
        "relations": tuple(triples.values()), "projects": (*base.projects, *projects),
        "region": region.model_copy(update={"partners": (*region.partners, *(
            Partner(company=p, source="test") for p in partners))}),
    })


def shuffled(scoring: Scoring, seed: int) -> Scoring:
    """Random weights, reach and channel rule: the fast path may assume none of the defaults."""
    rng = random.Random(seed)
    weights = scoring.rank.weights.model_copy(update={
        name: round(rng.uniform(0, 0.4), 3) for name in scoring.rank.weights.model_dump()})
    rank = scoring.rank.model_copy(update={"weights": weights, "max_hops": rng.choice((1, 2, 4, 5)),
                                           "channels": rng.choice(("way_in", "any"))})
    return scoring.model_copy(update={"rank": rank})


def _vouched(data: DataSet, scoring: Scoring, ids: list[str], today: date | None = None) -> list[object]:
    pg = pool_graph(data)
    found = leave_one_out(pg, diagnose(pg, scoring.diagnosis), {"current": scoring.rank, "legacy": LEGACY_RANK},
                          ids, today)
    assert None not in found  # the fast path itself, not the fallback, gave these
    return found


def test_tiny_and_bundled_reports_equal_the_full_recomputation(tiny_dir: Path) -> None:
    for path in (tiny_dir, BUNDLED):
        data, scoring = load_valid(path)[0], load_scoring(path)
        assert backtest(data, scoring) == straightforward_backtest(data, scoring)
        _vouched(data, scoring, list(engaged_companies(data)))


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("random_settings", [False, True])
def test_entangled_engagements_equal_the_full_recomputation(seed: int, random_settings: bool) -> None:
    data = entangled(load_valid(BUNDLED)[0], seed)
    scoring = shuffled(load_scoring(BUNDLED), seed) if random_settings else load_scoring(BUNDLED)
    engaged = engaged_companies(data)
    pg = pool_graph(data)
    partners = set(pg.companies.filter(pl.col("is_partner")).get_column("id").to_list())
    seeds = pg.relations.filter(pl.col("source") == "seed")
    seeded = set(seeds.get_column("from_id").to_list()) | set(seeds.get_column("to_id").to_list())
    # The cases this data set is made for are there: engaged partners with seed relations.
    assert len(engaged) >= 25 and len(set(engaged) & partners & seeded) >= 5
    assert backtest(data, scoring) == straightforward_backtest(data, scoring)
    _vouched(data, scoring, list(engaged))


def test_any_outside_firm_equals_the_full_recomputation_as_of_a_day() -> None:
    """Not only engaged firms: hubs, partners without a project, firms out of every channel; and a replay day."""
    data = entangled(load_valid(BUNDLED)[0], 11, companies=250, relations=1200)
    scoring, day = shuffled(load_scoring(BUNDLED), 11), date(2024, 1, 1)
    pg = pool_graph(data)
    outside = pg.companies.filter(~pl.col("is_local")).get_column("id").to_list()
    ids = random.Random(5).sample(outside, 40)
    for company_id, found in zip(ids, _vouched(data, scoring, ids, day), strict=True):
        assert found == straightforward_positions(without_engagement(pg, company_id), company_id, scoring, day)


def test_benchmark_shaped_data_equal_the_full_recomputation(tmp_path_factory: pytest.TempPathFactory) -> None:
    path = synthetic_data(tmp_path_factory, 3000, 2)
    data, scoring = load_valid(path)[0], load_scoring(path)
    ids = random.Random(2).sample(list(engaged_companies(data)), 30)
    pg = pool_graph(data)
    for company_id, found in zip(ids, _vouched(data, scoring, ids), strict=True):
        assert found == straightforward_positions(without_engagement(pg, company_id), company_id, scoring)


def test_a_case_the_unchanged_copy_does_not_reproduce_is_recomputed_in_full(
        tiny_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard: if scoring a few rows on the stacked table ever disagreed with the full table,
    that firm is not vouched for and backtest recomputes it in full, with the same report."""
    data, scoring = load_valid(tiny_dir)[0], load_scoring(tiny_dir)
    expected = straightforward_backtest(data, scoring)
    real = loo.candidate_scores
    everyone = pool_graph(data).companies.height

    def off_by_a_bit(*args, **kwargs):  # type: ignore[no-untyped-def]
        scores = real(*args, **kwargs)
        # the stacked table of the few rows, not the full data's: nudge its scores
        return scores.with_columns(pl.col("score") + 1e-9) if args[0].companies.height < everyone else scores

    monkeypatch.setattr(loo, "candidate_scores", off_by_a_bit)
    pg = pool_graph(data)
    assert leave_one_out(pg, diagnose(pg, scoring.diagnosis), {"current": scoring.rank, "legacy": LEGACY_RANK},
                         list(engaged_companies(data))) == [None, None]
    assert backtest(data, scoring) == expected


def test_the_replayed_row_is_what_rank_focus_gives() -> None:
    """replay's prospect (chainkg.analysis.focus: the firm's own evidence and placement only) equals
    rank(…, focus=…), which places and scores every firm: platforms, groups, same-city firms, partners."""
    data = entangled(load_valid(BUNDLED)[0], 4, companies=250, relations=1000)
    scoring, day = load_scoring(BUNDLED), date(2024, 6, 30)
    pg = pool_graph(data)
    outside = pg.companies.filter(~pl.col("is_local")).get_column("id").to_list()
    groups = pg.relations.filter(pl.col("type") == "SUBSIDIARY_OF").get_column("to_id").unique().sort().to_list()
    kinds = set()
    for company_id in [*engaged_companies(data), *random.Random(4).sample(outside, 15), *groups[:10]]:
        before = without_engagement(pg, company_id)
        result = replay(before, company_id, scoring, day)
        shown = rank(before, diagnose(before, scoring.diagnosis), scoring.rank, today=day, focus=company_id)
        assert result.prospect == next(iter(shown), None), company_id
        assert result.positions == straightforward_positions(before, company_id, scoring, day)
        kinds |= {p.kind for p in shown}
    assert {"target", "platform", "same_city", "group"} <= kinds


def test_an_unknown_or_local_firm_is_left_to_the_full_recomputation(tiny_dir: Path) -> None:
    data, scoring = load_valid(tiny_dir)[0], load_scoring(tiny_dir)
    pg = pool_graph(data)
    found = leave_one_out(pg, diagnose(pg, scoring.diagnosis), {"current": scoring.rank, "legacy": LEGACY_RANK},
                          ["no-such-firm", "loc-anchor", "out-fab"])
    assert found[:2] == [None, None]
    assert found[2] == straightforward_positions(without_engagement(pg, "out-fab"), "out-fab", scoring)
