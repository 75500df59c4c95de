"""The Neo4j commands' analysis on the pool path equals the graph path it replaced.

``chainkg neo4j push``/``import-files``/``export-cypher`` used to load every company into
networkx and rank every candidate with ``ranking.rank``; they now diagnose and score on the
company tables. The diagnosis, every candidate's score and rank, and every pushed row must be
exactly what the old path gives, on the tiny, bundled and a synthetic data set.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from chainkg.diagnosis import diagnose
from chainkg.graph import build_graph
from chainkg.load import load_scoring, load_valid
from chainkg.pool_graph import pool_graph
from chainkg.pool_rank import exact_scores
from chainkg.ranking import rank
from conftest import BUNDLED, TINY, benchmark_module


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2,000-company synthetic data set of the benchmark's shape (relations, 300 local firms)."""
    target = tmp_path_factory.mktemp("synthetic") / "data"
    benchmark_module().generate(2_000, target, 11)  # type: ignore[attr-defined]
    return target


@pytest.fixture(scope="module", params=["tiny", "bundled", "synthetic"])
def data(request: pytest.FixtureRequest, synthetic: Path) -> Path:
    return {"tiny": TINY, "bundled": BUNDLED, "synthetic": synthetic}[request.param]


def test_exact_scores_are_rank_on_the_full_graph(data: Path) -> None:
    dataset = load_valid(data)[0]
    settings = load_scoring(data)
    g = build_graph(dataset)
    diagnosis = diagnose(g, settings.diagnosis)
    expected = [(p.company_id, p.score, p.rank) for p in rank(g, diagnosis, settings.rank)]
    pg = pool_graph(dataset)
    assert [d.model_dump() for d in diagnose(pg, settings.diagnosis)] == [d.model_dump() for d in diagnosis]
    found = exact_scores(pg, diagnosis, settings.rank)
    assert list(found.iter_rows()) == expected
    assert len(expected) > 0


def test_every_doubtful_score_is_evaluated_exactly(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With every value counted as near a half-step, the fallback (ranking.evaluate) scores all."""
    import chainkg.pool_rank

    dataset = load_valid(data)[0]
    settings = load_scoring(data)
    g = build_graph(dataset)
    diagnosis = diagnose(g, settings.diagnosis)
    expected = [(p.company_id, p.score, p.rank) for p in rank(g, diagnosis, settings.rank)]
    monkeypatch.setattr(chainkg.pool_rank, "TIE", 0.5)
    assert list(exact_scores(pool_graph(dataset), diagnosis, settings.rank).iter_rows()) == expected
