"""Fixtures for tests against the real Neo4j server (scripts/neo4j-server).

Without NEO4J_URI, or with a server that does not answer, the tests skip with one line —
except under CI (env CI set), where a missing server is a failure.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import networkx as nx
import pytest

from chainkg.analysis.diagnosis import SegmentDiagnosis
from chainkg.analysis.prospects import Prospect
from chainkg.dataset.load import load_scoring, load_valid
from chainkg.graphdb import Neo4jRunner, connect, push, settings_from, wipe
from chainkg.model.errors import Neo4jError
from chainkg.model.records import RELATION_TYPES, ROLES, SCALES, Company, CompanySegment, DataSet, Relation
from chainkg.model.scoring import LEGACY_RANK, Scoring
from oracle import (
    build_graph,
    diagnose,
    graph_stats,  # the networkx count: what a push of build_graph's graph writes
    rank,
)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"Neo4j tests need a server in CI: {reason}")
    pytest.skip(f"no Neo4j server: {reason}")


@pytest.fixture(scope="session")
def server() -> Iterator[Neo4jRunner]:
    if not os.environ.get("NEO4J_URI"):
        _unavailable("NEO4J_URI is not set (scripts/neo4j-server start; eval \"$(scripts/neo4j-server env)\")")
    try:
        runner = connect(settings_from())
    except Neo4jError as exc:
        _unavailable(str(exc))
        raise
    with runner:
        yield runner


@pytest.fixture
def runner(server: Neo4jRunner) -> Neo4jRunner:
    """The server with no chainkg nodes left from an earlier test."""
    wipe(server)
    return server


class Analysed(NamedTuple):
    """A data set with the oracle's analysis of it: ``push(runner, *analysed[:3])`` pushes it."""

    data: DataSet
    diagnosis: list[SegmentDiagnosis]
    prospects: list[Prospect]
    scoring: Scoring
    graph: nx.MultiDiGraph  # the oracle's full graph of ``data`` (tests/oracle.py build_graph)


def analyse(path: Path) -> Analysed:
    data = load_valid(path)[0]
    g = build_graph(data)
    # The server ranks with the five base components (README "Back-end parity"): compare it
    # with the embedded ranking under the same settings, the ranking before issue #11.
    scoring = load_scoring(path).model_copy(update={"rank": LEGACY_RANK})
    diagnosis = diagnose(g, scoring.diagnosis)
    return Analysed(data, diagnosis, rank(g, diagnosis, scoring.rank), scoring, g)


@pytest.fixture
def pushed_tiny(runner: Neo4jRunner, tiny_dir: Path) -> Analysed:
    analysed = analyse(tiny_dir)
    assert push(runner, *analysed[:3]) == counts_of(analysed.data)
    return analysed


def synthetic(base: DataSet, companies: int, relations: int, seed: int = 7) -> DataSet:
    """``base`` plus seeded synthetic companies, segment links and relations (a few thousand rows).

    About 5 % of the new companies are local; relations are dense enough that many companies
    have several equally short channels, which exercises the tie-breaking of the channel search.
    """
    rng = random.Random(seed)
    region = base.region
    segments = [s.id for s in base.segments]
    new = []
    for i in range(companies):
        local = rng.random() < 0.05
        new.append(Company(
            id=f"synth-{i:05d}", name=f"合成企业{i:05d}", source="test",
            province=region.province if local else rng.choice(["江苏省", "湖北省", "广东省", ""]),
            city=region.city if local else "", district=region.district if local else "",
            scale=rng.choice(SCALES), tags=tuple(t for t in ("专精特新", "小巨人") if rng.random() < 0.1),
        ))
    links = [CompanySegment(company_id=c.id, segment_id=s, role=rng.choice(ROLES), source="test")
             for c in new for s in rng.sample(segments, rng.randint(1, 3))]
    ids = [c.id for c in (*base.companies, *new)]
    triples: dict[tuple[str, str, str], Relation] = {(r.from_id, r.type, r.to_id): r for r in base.relations}
    while len(triples) < len(base.relations) + relations:
        a, b = rng.sample(ids, 2)
        kind = rng.choice(RELATION_TYPES)
        triples.setdefault((a, kind, b), Relation(from_id=a, type=kind, to_id=b, source="test"))
    return base.model_copy(update={
        "companies": (*base.companies, *new), "company_segments": (*base.company_segments, *links),
        "relations": tuple(triples.values()),
    })


def without(data: DataSet, company_ids: set[str], relations: int = 0) -> DataSet:
    """``data`` without some companies (and everything that names them) and its first ``relations`` relations."""
    return data.model_copy(update={
        "companies": tuple(c for c in data.companies if c.id not in company_ids),
        "company_segments": tuple(cs for cs in data.company_segments if cs.company_id not in company_ids),
        "relations": tuple(r for r in data.relations[relations:]
                           if r.from_id not in company_ids and r.to_id not in company_ids),
        "projects": tuple(p for p in data.projects if p.company_id not in company_ids),
        "region": data.region.model_copy(update={
            "partners": tuple(p for p in data.region.partners if p.company not in company_ids)}),
    })


def counts_of(data: DataSet) -> dict[str, dict[str, int]]:
    """What server_counts must say after pushing ``data`` alone (graph_stats of its graph)."""
    stats = graph_stats(build_graph(data))
    return {"nodes": stats["nodes"], "relationships": stats["relationships"]}
