"""push against the real server: exact counts, idempotence, recovery after a crash, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.integration.conftest import analyse, counts_of
from typer.testing import CliRunner

from chainkg.cli.neo4j import neo4j_app
from chainkg.dataset.load import load_valid
from chainkg.graphdb import Neo4jRunner, connect, push, server_counts, settings_from
from chainkg.model.errors import Neo4jError

pytestmark = pytest.mark.neo4j


def expected(path: Path) -> dict[str, dict[str, int]]:
    """The oracle's counts: graph_stats of build_graph's graph."""
    return counts_of(load_valid(path)[0])


def test_push_writes_exact_counts_and_repush_is_idempotent(runner: Neo4jRunner, tiny_dir: Path) -> None:
    data, diagnosis, prospects, _, _ = analyse(tiny_dir)
    first = push(runner, data, diagnosis, prospects, batch_size=4)
    assert first == expected(tiny_dir)
    assert first["nodes"]["Company"] == 11 and sum(first["relationships"].values()) == 44
    assert push(runner, data, diagnosis, prospects) == first


def test_push_killed_half_way_converges_when_run_again(runner: Neo4jRunner, tiny_dir: Path) -> None:
    data, diagnosis, prospects, _, _ = analyse(tiny_dir)
    calls: list[int] = []

    def crash_after_three_batches(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        # One writer: the batches commit in order, so exactly three are on the server.
        push(runner, data, diagnosis, prospects, batch_size=2, progress=crash_after_three_batches, workers=1)
    partial = server_counts(runner)
    assert sum(partial["nodes"].values()) == 6 and partial["relationships"] == {}
    assert push(runner, data, diagnosis, prospects, batch_size=2) == expected(tiny_dir)


def test_push_sets_analysis_properties_and_status_labels(pushed_tiny: object, runner: Neo4jRunner) -> None:
    rows = runner.run("MATCH (s:Segment) RETURN s.id AS id, s.status AS status, s.severity AS severity, "
                      "[l IN labels(s) WHERE l <> 'Segment'] AS extra ORDER BY id")
    by_id = {r["id"]: r for r in rows}
    assert by_id["robot-body"]["status"] == "strong" and by_id["robot-body"]["extra"] == ["Strong"]
    assert by_id["robot-auto"] == {"id": "robot-auto", "status": "weak", "severity": 0.2703, "extra": ["Weak"]}
    assert by_id["robot-reducer"]["extra"] == ["Missing"] and by_id["robot-servo"]["extra"] == ["Broken"]
    company = runner.run("MATCH (c:Company {id: 'out-integrator'}) RETURN c.rank AS rank, c.is_local AS local, "
                         "c.note IS NULL AS no_note, c.listed AS listed")
    assert company == [{"rank": 1, "local": False, "no_note": False, "listed": []}]
    assert runner.run("MATCH (c:Local) RETURN count(c) AS n") == [{"n": 4}]


def test_cli_push_with_wipe_prints_summary(runner: Neo4jRunner, tiny_dir: Path) -> None:
    result = CliRunner().invoke(neo4j_app, ["push", "--data", str(tiny_dir), "--wipe", "--yes"])
    assert result.exit_code == 0, result.output
    assert "节点 28（Chain 2，Company 11，Field 2，Park 1，Project 2，Region 1，Segment 9）" in result.output


@pytest.mark.parametrize("workers", ["1", "3"])
def test_cli_push_workers_gives_the_same_summary(runner: Neo4jRunner, tiny_dir: Path, workers: str) -> None:
    result = CliRunner().invoke(neo4j_app, ["push", "--data", str(tiny_dir), "--wipe", "--yes", "--workers", workers])
    assert result.exit_code == 0, result.output
    assert "节点 28（Chain 2，Company 11，Field 2，Park 1，Project 2，Region 1，Segment 9）" in result.output


def test_cli_push_workers_zero_is_a_one_line_error(tiny_dir: Path) -> None:
    result = CliRunner().invoke(neo4j_app, ["push", "--data", str(tiny_dir), "--workers", "0"])
    assert result.exit_code == 2
    # Refused by the option itself (terminal.at_least), before connecting.
    assert "错误：'--workers' 至少为 1（输入的是 0）" in result.output and "Traceback" not in result.output


def test_wipe_keeps_other_labels(runner: Neo4jRunner, pushed_tiny: object) -> None:
    runner.write("CREATE (:NotOurs {id: 'keep'})")
    try:
        result = CliRunner().invoke(neo4j_app, ["push", "--data", "tests/data/tiny", "--wipe", "--yes"])
        assert result.exit_code == 0
        assert runner.run("MATCH (n:NotOurs) RETURN n.id AS id") == [{"id": "keep"}]
    finally:
        runner.write("MATCH (n:NotOurs) DELETE n")


def test_wrong_password_is_one_line_error(server: Neo4jRunner) -> None:
    settings = settings_from(password="definitely-wrong")
    with pytest.raises(Neo4jError) as info:
        connect(settings)
    assert str(info.value) == "Neo4j 拒绝登录：用户名或密码错误（检查 --user/--password 或 NEO4J_USERNAME/NEO4J_PASSWORD）"
    assert "definitely-wrong" not in str(info.value)


def test_server_down_and_wrong_database_errors(server: Neo4jRunner) -> None:
    with pytest.raises(Neo4jError, match=r"^连不上 Neo4j 服务器（bolt://127\.0\.0\.1:1）"):
        connect(settings_from(uri="bolt://127.0.0.1:1"))
    with pytest.raises(Neo4jError, match=r"^Neo4j 上没有数据库「nosuchdb」"):
        connect(settings_from(database="nosuchdb"))


def test_tls_scheme_mismatch_is_explained(server: Neo4jRunner) -> None:
    uri = settings_from().uri.split("://", 1)[1]
    with pytest.raises(Neo4jError, match=r"^无法与 Neo4j 建立加密连接"):
        connect(settings_from(uri=f"bolt+s://{uri}"))


def test_push_warns_about_nodes_of_another_data_set(pushed_tiny: object, runner: Neo4jRunner) -> None:
    from conftest import BUNDLED

    result = CliRunner().invoke(neo4j_app, ["push", "--data", str(BUNDLED)])
    assert result.exit_code == 0, result.output
    # The tiny data set's 28 nodes are still there; the summary says so and how to clear them.
    assert "服务器上另有 28 个不属于本数据集的 chainkg 节点" in result.stderr
    assert "--wipe" in result.stderr
