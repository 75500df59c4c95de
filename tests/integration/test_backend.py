"""--backend neo4j gives the same diagnosis and ranking as the networkx path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import BUNDLED, TINY
from tests.integration.conftest import analyse
from typer.testing import CliRunner

from chainkg.cli import app
from chainkg.graphdb import Neo4jRunner, diagnose_on_server, push, rank_on_server
from chainkg.ranking import COMPONENTS, RankFilter, rank

pytestmark = pytest.mark.neo4j


@pytest.mark.parametrize("data", [TINY, BUNDLED], ids=["tiny", "bundled"])
def test_backend_parity(runner: Neo4jRunner, data: Path) -> None:
    g, diagnosis, prospects, scoring = analyse(data)
    push(runner, g, diagnosis, prospects)
    on_server = diagnose_on_server(runner, scoring.diagnosis)
    assert [d.model_dump() for d in on_server] == [d.model_dump() for d in diagnosis]
    ranked = rank_on_server(runner, on_server, scoring.rank)
    # points, tier, kind, headline, primary gap and connects are computed by the embedded
    # path only (README "Back-end parity").
    skip = {"details", "reasons", "points", "tier", "kind", "headline", "primary_gap", "connects", "components"}
    assert [p.model_dump(exclude=skip) for p in ranked] == [p.model_dump(exclude=skip) for p in prospects]
    # The five base components agree; intent and attainability are embedded-only (weight 0 here).
    assert [p.components for p in ranked] == [
        {c: p.components[c] for c in COMPONENTS} for p in prospects]


def test_backend_filters_match(pushed_tiny: tuple, runner: Neo4jRunner) -> None:  # type: ignore[type-arg]
    g, diagnosis, _prospects, scoring = pushed_tiny
    flt = RankFilter(segments=["robot-parts"], provinces=["江苏省", "湖北省"], include_pipeline=True)
    local = rank(g, diagnosis, scoring.rank, flt, top=1)
    remote = rank_on_server(runner, diagnose_on_server(runner, scoring.diagnosis), scoring.rank, flt, top=1)
    assert [p.company_id for p in remote] == [p.company_id for p in local] == ["out-reducer"]
    # gap_fit, capability and geography reasons are worded exactly as the networkx path's;
    # chain_pull and partner_proximity reasons are shorter (documented in chainkg.graphdb.backend).
    for name in ("gap_fit", "capability", "geography"):
        assert remote[0].details[name].reasons == local[0].details[name].reasons


def test_cli_gaps_json_is_identical(pushed_tiny: object, tiny_dir: Path) -> None:
    cli = CliRunner()
    args = ["gaps", "--data", str(tiny_dir), "--field", "mfg", "--format", "json"]
    local = cli.invoke(app, args)
    remote = cli.invoke(app, [*args, "--backend", "neo4j"])
    assert remote.exit_code == 0, remote.output
    assert json.loads(remote.stdout) == json.loads(local.stdout)


def test_cli_rank_on_the_server_gives_the_base_ranking_with_points(pushed_tiny: object, tiny_dir: Path) -> None:
    """rank --backend neo4j: the five base components with the data's weights (README "Back-end parity")."""
    from chainkg.diagnosis import diagnose
    from chainkg.graph import build_graph
    from chainkg.load import load_scoring, load_valid
    from chainkg.ranking import server_points

    cli = CliRunner()
    remote = cli.invoke(app, ["rank", "--data", str(tiny_dir), "--backend", "neo4j", "--format", "json"])
    assert remote.exit_code == 0, remote.output
    assert "服务器端排序只计算五项基础维度" in remote.stderr
    rows = json.loads(remote.stdout)
    settings = load_scoring(tiny_dir).rank
    base = settings.model_copy(update={
        "weights": settings.weights.model_copy(update={"intent": 0.0, "attainability": 0.0}), "channels": "any"})
    g = build_graph(load_valid(tiny_dir)[0])
    local = server_points(rank(g, diagnose(g), base, top=20), settings)
    assert [(r["company_id"], r["score"], r["points"], r["tier"]) for r in rows] == [
        (p.company_id, p.score, p.points, p.tier) for p in local]
