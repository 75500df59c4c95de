"""--backend neo4j gives the same diagnosis and ranking as the networkx path, reasons included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import BUNDLED, TINY, synthetic_data
from tests.integration.conftest import analyse, synthetic
from typer.testing import CliRunner

from chainkg.analysis.prospects import RankFilter
from chainkg.analysis.ranking import tier_of
from chainkg.cli.main import app
from chainkg.dataset.load import load_scoring, load_valid
from chainkg.graphdb import Neo4jRunner, diagnose_on_server, push, rank_on_server, settings_from
from chainkg.graphdb.backend import base_settings, server_fields
from chainkg.model.scoring import LEGACY_RANK
from oracle import build_graph, diagnose, rank

pytestmark = pytest.mark.neo4j


@pytest.mark.parametrize("data", [TINY, BUNDLED], ids=["tiny", "bundled"])
def test_backend_parity(runner: Neo4jRunner, data: Path) -> None:
    dataset, diagnosis, prospects, scoring, _g = analyse(data)
    push(runner, dataset, diagnosis, prospects)
    on_server = diagnose_on_server(runner, scoring.diagnosis)
    assert [d.model_dump() for d in on_server] == [d.model_dump() for d in diagnosis]
    ranked = rank_on_server(runner, on_server, scoring.rank)
    assert [server_fields(p) for p in ranked] == [server_fields(p) for p in prospects]


def test_backend_parity_on_dense_synthetic_relations(runner: Neo4jRunner) -> None:
    # 2,000 extra companies and 3,000 relations on the bundled taxonomy: many companies reach a
    # local firm by several equally short paths, so the channel's tie-breaking is exercised.
    data = synthetic(load_valid(BUNDLED)[0], companies=2000, relations=3000, seed=11)
    scoring = load_scoring(BUNDLED).model_copy(update={"rank": LEGACY_RANK})
    g = build_graph(data)
    diagnosis = diagnose(g, scoring.diagnosis)
    prospects = rank(g, diagnosis, scoring.rank)
    push(runner, data, diagnosis, prospects)
    on_server = diagnose_on_server(runner, scoring.diagnosis)
    assert [d.model_dump() for d in on_server] == [d.model_dump() for d in diagnosis]
    ranked = rank_on_server(runner, on_server, scoring.rank)
    assert len(ranked) > 1000
    hops = [p.details["partner_proximity"].value for p in ranked]
    assert hops.count(0.5) > 50 and hops.count(round(1 / 3, 4)) > 50  # 2- and 3-hop channels
    assert [server_fields(p) for p in ranked] == [server_fields(p) for p in prospects]


@pytest.mark.parametrize("factor", [100, 10_000])
def test_server_top_n_equals_the_embedded_with_weights_that_do_not_sum_to_one(runner: Neo4jRunner,
                                                                             factor: int) -> None:
    # scoring.yaml need not make the weights sum to 1: the server's weighted sum, its points and its
    # top-N fetch (whose margin grows with the weights, as the embedded pre-score's) must still agree.
    data = synthetic(load_valid(BUNDLED)[0], companies=800, relations=1200, seed=10)
    weights = LEGACY_RANK.weights.model_copy(
        update={k: v * factor for k, v in LEGACY_RANK.weights.model_dump().items()})
    settings = LEGACY_RANK.model_copy(update={"weights": weights})
    scoring = load_scoring(BUNDLED).model_copy(update={"rank": settings})
    g = build_graph(data)
    diagnosis = diagnose(g, scoring.diagnosis)
    prospects = rank(g, diagnosis, settings)
    push(runner, data, diagnosis, prospects)
    for top in (1, 10, 50):
        ranked = rank_on_server(runner, diagnose_on_server(runner, scoring.diagnosis), settings, top=top)
        assert [server_fields(p) for p in ranked] == [server_fields(p) for p in prospects[:top]]


def test_backend_filters_match(pushed_tiny: tuple, runner: Neo4jRunner) -> None:  # type: ignore[type-arg]
    _data, diagnosis, _prospects, scoring, g = pushed_tiny
    flt = RankFilter(segments=["robot-parts"], provinces=["江苏省", "湖北省"], include_pipeline=True)
    local = rank(g, diagnosis, scoring.rank, flt, top=1)
    remote = rank_on_server(runner, diagnose_on_server(runner, scoring.diagnosis), scoring.rank, flt, top=1)
    assert [p.company_id for p in remote] == [p.company_id for p in local] == ["out-reducer"]
    # out-reducer fills only robot-reducer: gap_fit is the same whether it counts the filtered
    # gaps (server) or all of them (embedded, issue #11).
    assert [server_fields(p) for p in remote] == [server_fields(p) for p in local]


def test_cli_gaps_json_is_identical(pushed_tiny: object, tiny_dir: Path) -> None:
    cli = CliRunner()
    args = ["gaps", "--data", str(tiny_dir), "--field", "mfg", "--format", "json"]
    local = cli.invoke(app, args)
    remote = cli.invoke(app, [*args, "--backend", "neo4j"])
    assert remote.exit_code == 0, remote.output
    assert json.loads(remote.stdout) == json.loads(local.stdout)


def test_cli_rank_on_the_server_gives_the_base_ranking_with_points(pushed_tiny: object, tiny_dir: Path) -> None:
    """rank --backend neo4j: the five base components with the data's weights (README "Back-end parity")."""
    cli = CliRunner()
    remote = cli.invoke(app, ["rank", "--data", str(tiny_dir), "--backend", "neo4j", "--format", "json"])
    assert remote.exit_code == 0, remote.output
    assert "服务器端排序只计算五项基础维度" in remote.stderr
    rows = json.loads(remote.stdout)
    settings = load_scoring(tiny_dir).rank
    g = build_graph(load_valid(tiny_dir)[0])
    local = rank(g, diagnose(g), base_settings(settings), top=20)
    assert [(r["company_id"], r["score"], r["points"], r["tier"]) for r in rows] == [
        (p.company_id, p.score, p.points, p.tier) for p in local]


@pytest.fixture(scope="module")
def on_boundaries(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,500 synthetic companies (the benchmark's generator, seed 14) whose base ranking has
    several scores near a rounding boundary of the 0–100 points, one of them at tier A's."""
    return synthetic_data(tmp_path_factory, 1_500, 14)


def test_cli_rank_on_the_server_gives_the_embedded_points_and_tiers(runner: Neo4jRunner, on_boundaries: Path) -> None:
    """Points and tier of every server row are the embedded ranking's own, also where rounding the
    score to 4 places first would move them (they come from the same unrounded sum)."""
    scoring = load_scoring(on_boundaries)
    settings = base_settings(scoring.rank)
    g = build_graph(load_valid(on_boundaries)[0])
    local = rank(g, diagnose(g, scoring.diagnosis), settings)
    # The data set is one the rounded score gets wrong: points from it differ for several firms,
    # and for one the tier too.
    from_rounded = [round(100 * p.score / sum(settings.weights.model_dump().values())) for p in local]
    assert sum(old != p.points for old, p in zip(from_rounded, local, strict=True)) >= 5
    assert [p.company_id for old, p in zip(from_rounded, local, strict=True)
            if tier_of(old, settings.tiers) != p.tier] == ["synth-0000987"]
    pushed = CliRunner().invoke(app, ["neo4j", "push", "--data", str(on_boundaries)])
    assert pushed.exit_code == 0, pushed.output
    remote = CliRunner().invoke(app, ["rank", "--data", str(on_boundaries), "--backend", "neo4j",
                                      "--top", "0", "--format", "json"])
    assert remote.exit_code == 0, remote.output
    assert [(r["company_id"], r["score"], r["points"], r["tier"]) for r in json.loads(remote.stdout)] == [
        (p.company_id, p.score, p.points, p.tier) for p in local]


def test_cli_rank_and_gaps_take_connection_options(pushed_tiny: object, tiny_dir: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_from()
    for name in ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    cli = CliRunner()
    login = ["--uri", settings.uri, "--user", settings.user, "--password", settings.password]
    for command in (["rank", "--top", "0", "--flat"], ["gaps"]):
        args = [*command, "--data", str(tiny_dir), "--format", "json"]
        local = cli.invoke(app, args)
        remote = cli.invoke(app, [*args, "--backend", "neo4j", *login])
        assert remote.exit_code == 0, remote.output
        if command == ["gaps"]:
            assert json.loads(remote.stdout) == json.loads(local.stdout)
        else:  # the server's base ranking (test above): the same firms, its own scores
            assert {r["company_id"] for r in json.loads(remote.stdout)} == {
                r["company_id"] for r in json.loads(local.stdout)}
        missing = cli.invoke(app, [*args, "--backend", "neo4j"])
        assert missing.exit_code == 2
        assert "未指定 Neo4j 地址：请用 --uri 或设置环境变量 NEO4J_URI" in missing.stderr


@pytest.mark.parametrize("data", [TINY, BUNDLED], ids=["tiny", "bundled"])
def test_cli_gaps_on_the_server_prints_the_names_the_embedded_gaps_prints(runner: Neo4jRunner, data: Path) -> None:
    push(runner, *analyse(data)[:3])
    cli = CliRunner()
    for fmt in ("csv", "table"):
        args = ["gaps", "--data", str(data), "--format", fmt]
        local = cli.invoke(app, args)
        remote = cli.invoke(app, [*args, "--backend", "neo4j"])
        assert remote.exit_code == 0, remote.output
        assert remote.stdout == local.stdout
    # The local firms, partners and 延链 segments by name, not by id.
    assert ("本地链主" if data == TINY else "中信重工机械股份有限公司") in remote.stdout
