"""Fixtures for tests against the real Neo4j server (scripts/neo4j-server).

Without NEO4J_URI, or with a server that does not answer, the tests skip with one line —
except under CI (env CI set), where a missing server is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

from chainkg.diagnosis import SegmentDiagnosis, diagnose
from chainkg.errors import Neo4jError
from chainkg.graph import build_graph
from chainkg.graphdb import Neo4jRunner, connect, push, settings_from, wipe
from chainkg.load import load_scoring, load_valid
from chainkg.ranking import Prospect, rank
from chainkg.scoring import LEGACY_RANK, Scoring


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


Analysed = tuple[nx.MultiDiGraph, list[SegmentDiagnosis], list[Prospect], Scoring]


def analyse(path: Path) -> Analysed:
    g = build_graph(load_valid(path)[0])
    # The server ranks with the five base components (README "Back-end parity"): compare it
    # with the embedded ranking under the same settings, the ranking before issue #11.
    scoring = load_scoring(path).model_copy(update={"rank": LEGACY_RANK})
    diagnosis = diagnose(g, scoring.diagnosis)
    return g, diagnosis, rank(g, diagnosis, scoring.rank), scoring


@pytest.fixture
def pushed_tiny(runner: Neo4jRunner, tiny_dir: Path) -> Analysed:
    analysed = analyse(tiny_dir)
    push(runner, *analysed[:3])
    return analysed
