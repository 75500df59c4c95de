"""Connection and parameter mistakes against the real server (issue 8): each its own message."""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from typer.testing import CliRunner

from chainkg.cli.main import app
from chainkg.graphdb import Neo4jRunner

pytestmark = pytest.mark.neo4j
cli = CliRunner()


def _bolt() -> tuple[str, int]:
    parts = urlsplit(os.environ["NEO4J_URI"])
    return parts.hostname or "127.0.0.1", parts.port or 7687


def _query(*args: str) -> tuple[int, str, str]:
    result = cli.invoke(app, ["neo4j", "query", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("scheme", ["neo4j+s", "bolt+s", "bolt+ssc", "neo4j+ssc"])
def test_encrypted_scheme_against_the_plain_server(server: Neo4jRunner, scheme: str) -> None:
    host, port = _bolt()
    plain = scheme.split("+")[0]
    code, _out, err = _query("pipeline_by_stage", "--uri", f"{scheme}://{host}:{port}")
    assert code == 2
    assert err.strip() == (f"错误：无法与 Neo4j 建立加密连接（{scheme}://{host}:{port}）：服务器没有启用 TLS；"
                           f"请改用不加密的地址 {plain}://{host}:{port}")


def test_http_uri_against_the_server(server: Neo4jRunner) -> None:
    host, _port = _bolt()
    code, _out, err = _query("pipeline_by_stage", "--uri", f"http://{host}:7474")
    assert code == 2 and "aiohttp" not in err
    assert err.strip().startswith(f"错误：「http://{host}:7474」是 HTTP 地址")


def test_bolt_uri_on_the_http_port(server: Neo4jRunner) -> None:
    host, _port = _bolt()
    http_port = int(os.environ.get("NEO4J_HTTP_PORT", "7474"))
    code, _out, err = _query("pipeline_by_stage", "--uri", f"bolt://{host}:{http_port}")
    assert code == 2
    assert err.strip() == (f"错误：连不上 Neo4j（bolt://{host}:{http_port}）：该端口有服务在监听，但不是 Neo4j 的 Bolt 端口"
                           "（是 HTTP/Browser 端口吗？Bolt 默认 7687，见 scripts/neo4j-server env）")


def test_missing_and_bad_parameters(pushed_tiny: object) -> None:
    assert _query("chain_map")[2].strip() == (
        "错误：查询「chain_map」缺少参数 chain（chain id, e.g. robotics）：请写成 chainkg neo4j query chain_map chain=值")
    assert _query("company_paths", "company=out-friend", "max_hops=abc")[2].strip() == (
        "错误：查询「company_paths」的参数 max_hops 应为整数（longest path to report (default 3, from 1 to 6)），而不是「abc」")
    code, out, _err = _query("company_paths", "company=out-friend", "max_hops=2", "-f", "json")
    assert code == 0 and [r["target_id"] for r in json.loads(out)] == ["out-partner"]
    code, out, _err = _query("chain_map", "chain=robot", "-f", "csv")
    assert code == 0 and out.splitlines()[1].startswith("机器人,robot-parts,核心零部件,upstream")


@pytest.fixture(scope="module")
def tls_server() -> tuple[str, str]:
    """host:port and password of a real Neo4j with Bolt TLS required and a self-signed certificate:
    scripts/neo4j-server start --tls; its env sets NEO4J_TLS_URI and NEO4J_TLS_PASSWORD.
    Without them the tests skip, except under CI, which starts that server (.ci/run)."""
    uri, password = os.environ.get("NEO4J_TLS_URI"), os.environ.get("NEO4J_TLS_PASSWORD")
    if not uri or not password:
        reason = ("NEO4J_TLS_URI / NEO4J_TLS_PASSWORD are not set "
                  "(scripts/neo4j-server start --tls; eval \"$(scripts/neo4j-server env)\")")
        if os.environ.get("CI"):
            pytest.fail(f"TLS tests need the TLS Neo4j server in CI: {reason}")
        pytest.skip(f"no TLS Neo4j server: {reason}")
    parts = urlsplit(uri)
    return f"{parts.hostname}:{parts.port}", password


@pytest.mark.parametrize("scheme", ["bolt", "neo4j"])
def test_plain_scheme_against_a_tls_server(tls_server: tuple[str, str], scheme: str) -> None:
    where, password = tls_server
    code, _out, err = _query("pipeline_by_stage", "--uri", f"{scheme}://{where}", "--password", password)
    assert code == 2
    assert err.strip() == (f"错误：Neo4j 服务器要求加密连接（{scheme}://{where}）：请改用 {scheme}+s://{where}"
                           f"（自签名证书用 {scheme}+ssc://{where}）")


@pytest.mark.parametrize("scheme", ["bolt+s", "neo4j+s"])
def test_verified_scheme_against_a_self_signed_server(tls_server: tuple[str, str], scheme: str) -> None:
    where, password = tls_server
    code, _out, err = _query("pipeline_by_stage", "--uri", f"{scheme}://{where}", "--password", password)
    assert code == 2
    assert err.strip() == (f"错误：Neo4j 服务器的 TLS 证书未通过验证（{scheme}://{where}）：多半是自签名证书；"
                           f"信任该服务器时请改用 {scheme.replace('+s', '+ssc')}://{where}，否则请给服务器配置受信任的证书")


def test_self_signed_scheme_against_the_tls_server_works(tls_server: tuple[str, str]) -> None:
    where, password = tls_server
    code, out, err = _query("pipeline_by_stage", "--uri", f"bolt+ssc://{where}", "--password", password, "-f", "json")
    assert code == 0, err
    assert isinstance(json.loads(out), list)


def test_backend_filters_take_names_and_reject_unknown_values(pushed_tiny: object, tiny_dir: object) -> None:
    def gaps(*args: str) -> tuple[int, str, str]:
        result = cli.invoke(app, ["gaps", "--backend", "neo4j", "--data", str(tiny_dir), "-f", "json", *args])
        return result.exit_code, result.stdout, result.stderr

    by_name = gaps("--chain", "机器人", "--status", "断链，缺链")
    by_id = gaps("--chain", "robot", "--status", "broken,missing")
    assert by_name[0] == 0 and by_name == by_id
    assert {r["segment_id"] for r in json.loads(by_name[1])} == {
        "robot-parts", "robot-reducer", "robot-servo", "robot-integration"}
    code, out, err = gaps("--chain", "robt")
    assert (code, out) == (2, "")
    assert err.strip() == "错误：--chain 没有「robt」；允许的取值：chip（芯片）、robot（机器人）"


@pytest.fixture
def bad_data(tiny_copy: Path) -> Path:
    """The tiny data set with an error in companies.csv and one in scoring.yaml."""
    (tiny_copy / "scoring.yaml").write_text("rank:\n  weights: nope\n", encoding="utf-8")
    companies = tiny_copy / "companies.csv"
    companies.write_text(companies.read_text(encoding="utf-8").replace(",large,", ",huge,", 1), encoding="utf-8")
    return tiny_copy


@pytest.mark.parametrize("command", [["neo4j", "push"], ["gaps", "--backend", "neo4j"], ["rank", "--backend", "neo4j"]],
                         ids=["push", "gaps", "rank"])
def test_a_wrong_login_is_reported_before_the_data_is_read(server: Neo4jRunner, bad_data: Path,
                                                          command: list[str]) -> None:
    # The data does not validate: had it been loaded first, its errors would be the message.
    # Not the real user: its failed logins would lock it for the tests that follow.
    user = f"chainkg-nobody-{command[0]}"
    wrong = cli.invoke(app, [*command, "--data", str(bad_data), "--user", user, "--password", "wrong"])
    assert wrong.exit_code == 2
    assert wrong.stderr.splitlines()[-1] == (
        "错误：Neo4j 拒绝登录：用户名或密码错误（检查 --user/--password 或 NEO4J_USERNAME/NEO4J_PASSWORD）")
    right = cli.invoke(app, [*command, "--data", str(bad_data)])
    assert right.exit_code == 2 and "数据有 1 处错误" in right.stderr
