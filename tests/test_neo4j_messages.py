"""Neo4j connection and query-parameter mistakes (issue 8), each with its own message — no server needed.

The same messages are checked against the real server in tests/integration/test_connection_errors.py.
"""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainkg.cli.main import app
from chainkg.graphdb.connection import ConnectionSettings, check_uri, connect
from chainkg.model.errors import Neo4jError

runner = CliRunner()


@pytest.mark.parametrize(("uri", "message"), [
    ("http://127.0.0.1:7474", "「http://127.0.0.1:7474」是 HTTP 地址（Neo4j Browser 用的）；chainkg 通过 Bolt 连接："
                              "请用 bolt://主机:端口（默认端口 7687，scripts/neo4j-server env 会给出）"),
    ("https://db.example:7473", "「https://db.example:7473」是 HTTP 地址（Neo4j Browser 用的）；chainkg 通过 Bolt 连接："
                                "请用 bolt://主机:端口（默认端口 7687，scripts/neo4j-server env 会给出）"),
    ("127.0.0.1:7687", "Neo4j 地址「127.0.0.1:7687」缺少协议：请写成 bolt://127.0.0.1:7687"
                       "（加密服务器用 bolt+s://127.0.0.1:7687）"),
    ("foo://x", "Neo4j 地址「foo://x」的协议「foo」不支持；可用：bolt、bolt+s、bolt+ssc、neo4j、neo4j+s、neo4j+ssc"
                "（本地服务器用 bolt://，加密服务器用 bolt+s://，自签名证书用 bolt+ssc://）"),
    ("bolt://", "Neo4j 地址「bolt://」缺少主机名，如 bolt://127.0.0.1:7687"),
])
def test_uri_mistakes_are_caught_before_the_driver(uri: str, message: str) -> None:
    with pytest.raises(Neo4jError) as caught:
        check_uri(uri)
    assert str(caught.value) == message


def test_http_uri_on_the_command_line_is_a_clear_error_not_an_internal_one() -> None:
    result = runner.invoke(app, ["neo4j", "query", "pipeline_by_stage", "--uri", "http://127.0.0.1:7474",
                                 "--password", "x"])
    assert result.exit_code == 2 and "aiohttp" not in result.stderr and "内部错误" not in result.stderr
    assert result.stderr.startswith("错误：「http://127.0.0.1:7474」是 HTTP 地址")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_nothing_listening() -> None:
    port = _free_port()
    with pytest.raises(Neo4jError) as caught:
        connect(ConnectionSettings(f"bolt://127.0.0.1:{port}", "neo4j", "x"))
    assert str(caught.value) == (f"连不上 Neo4j 服务器（bolt://127.0.0.1:{port}）：该地址没有服务在监听；"
                                 "请确认服务器已启动（scripts/neo4j-server start）且端口正确")


def test_unknown_host_is_not_reported_as_nothing_listening() -> None:
    # .invalid never resolves (RFC 2606/6761): no connection leaves the machine.
    uri = "bolt://chainkg-no-such-host.invalid:7687"
    with pytest.raises(Neo4jError) as caught:
        connect(ConnectionSettings(uri, "neo4j", "x"))
    assert str(caught.value) == (f"无法解析主机名「chainkg-no-such-host.invalid」（{uri}）：没有这个主机名，或 DNS 不可用；"
                                 "请检查 --uri 或 NEO4J_URI 中的主机名（本机的服务器用 127.0.0.1）")


def test_unknown_host_on_the_command_line() -> None:
    result = runner.invoke(app, ["neo4j", "query", "pipeline_by_stage", "--uri", "neo4j://chainkg-no-such-host.invalid",
                                 "--password", "x"])
    assert result.exit_code == 2
    assert result.stderr.startswith("错误：无法解析主机名「chainkg-no-such-host.invalid」（neo4j://chainkg-no-such-host.invalid）")


@pytest.fixture
def tls_listener(tmp_path: Path) -> Iterator[int]:
    """A TLS-only listener with a self-signed certificate: what a server with bolt TLS REQUIRED answers."""
    key, crt = tmp_path / "k.pem", tmp_path / "c.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(crt),
                    "-subj", "/CN=localhost", "-days", "1"], check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(crt, key)
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _addr = server.accept()
            except TimeoutError:
                continue
            try:
                with context.wrap_socket(conn, server_side=True) as tls:
                    tls.settimeout(1)
                    tls.recv(64)
            except (OSError, ssl.SSLError):
                pass
            finally:
                conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join(timeout=5)
    server.close()


def test_plain_bolt_against_a_tls_server(tls_listener: int) -> None:
    uri = f"bolt://127.0.0.1:{tls_listener}"
    with pytest.raises(Neo4jError) as caught:
        connect(ConnectionSettings(uri, "neo4j", "x"))
    assert str(caught.value) == (f"Neo4j 服务器要求加密连接（{uri}）：请改用 bolt+s://127.0.0.1:{tls_listener}"
                                 f"（自签名证书用 bolt+ssc://127.0.0.1:{tls_listener}）")


QUERY_PARAM_CASES = [
    (["chain_map"], "错误：查询「chain_map」缺少参数 chain（chain id, e.g. robotics）：请写成 chainkg neo4j query chain_map chain=值"),
    (["chain_map", "chain="], "错误：查询「chain_map」缺少参数 chain（chain id, e.g. robotics）：请写成 chainkg neo4j query chain_map chain=值"),
    (["company_paths", "company=a", "max_hops=abc"],
     "错误：查询「company_paths」的参数 max_hops 应为整数（longest path to report (default 3, from 1 to 6)），而不是「abc」"),
    (["company_paths", "company=a", "max_hops=2.5"],
     "错误：查询「company_paths」的参数 max_hops 应为整数（longest path to report (default 3, from 1 to 6)），而不是「2.5」"),
    (["company_paths", "company=a", "max_hops=7"],
     "错误：查询「company_paths」的参数 max_hops 应在 1 到 6 之间（longest path to report (default 3, from 1 to 6)），而不是「7」"),
    (["company_paths", "company=a", "max_hops=0"],
     "错误：查询「company_paths」的参数 max_hops 应在 1 到 6 之间（longest path to report (default 3, from 1 to 6)），而不是「0」"),
    (["chain_map", "chain=robot", "hops=2"], "错误：查询「chain_map」没有参数 hops；它的参数：chain"),
    (["chain_map", "robot"], "错误：参数「robot」应写成 名称=值，如 chain=robotics"),
    (["chain_map", "chain=robot", "-f", "xml"], "错误：--format 没有「xml」；允许的取值：table、json、csv"),
]


@pytest.mark.parametrize(("args", "message"), QUERY_PARAM_CASES, ids=[" ".join(a) for a, _m in QUERY_PARAM_CASES])
def test_query_parameter_mistakes_are_caught_before_connecting(args: list[str], message: str) -> None:
    # The URI points nowhere: every one of these must fail before a connection is attempted,
    # except the unknown parameter, which the query runner checks (so it needs no server either).
    result = runner.invoke(app, ["neo4j", "query", *args, "--uri", "bolt://127.0.0.1:1", "--password", "x"])
    assert (result.exit_code, result.stderr.strip()) == (2, message)


def test_neo4j_server_script_keeps_the_password_off_the_command_line(tmp_path: Path) -> None:
    """set_initial_password passes the password through an @file: a fake java records what it got."""
    script = Path(__file__).resolve().parents[1] / "scripts" / "neo4j-server"
    fake_java = tmp_path / "java"
    fake_java.write_text('#!/usr/bin/env bash\necho "$@" > "$H/argv"\n'
                         'for a in "$@"; do [[ "$a" == @* ]] && cp "${a#@}" "$H/argsfile"; done\n'
                         'stat -c %a "${!##@}" > "$H/argsmode"\n', encoding="utf-8")
    fake_java.chmod(0o755)
    (tmp_path / "logs").mkdir()
    (tmp_path / "run").mkdir()
    (tmp_path / "password").write_text("Secret123", encoding="utf-8")
    body = subprocess.run(["sed", "-n", "/^set_initial_password()/,/^}/p", str(script)],
                          capture_output=True, text=True, check=True).stdout
    assert "set-initial-password" in body
    subprocess.run(["bash", "-c", f'set -euo pipefail; die() {{ echo "$*" >&2; exit 1; }}\n{body}\nset_initial_password'],
                   env={"H": str(tmp_path), "PWFILE": str(tmp_path / "password"), "JAVA": str(fake_java),
                        "PATH": "/usr/bin:/bin"}, check=True)
    argv = (tmp_path / "argv").read_text()
    assert "Secret123" not in argv and "org.neo4j.cli.AdminTool @" in argv
    assert (tmp_path / "argsfile").read_text().split() == ["dbms", "set-initial-password", "Secret123"]
    assert (tmp_path / "argsmode").read_text().strip() == "600"
    assert list((tmp_path / "run").iterdir()) == []  # the argument file is removed


def _server_env(home: Path, **extra: str) -> str:
    script = Path(__file__).resolve().parents[1] / "scripts" / "neo4j-server"
    env = {"CHAINKG_NEO4J_HOME": str(home), "NEO4J_BOLT_PORT": "7701", "NEO4J_HTTP_PORT": "7702",
           "PATH": "/usr/bin:/bin", **extra}
    return subprocess.run([str(script), "env"], env=env, capture_output=True, text=True, check=True).stdout


def test_neo4j_server_env_gives_the_http_port_and_the_running_tls_server(tmp_path: Path) -> None:
    """env: NEO4J_HTTP_PORT (test_browser reads it), and NEO4J_TLS_* only while the --tls server runs."""
    (tmp_path / "password").write_text("Secret123", encoding="utf-8")
    plain = "export NEO4J_URI=bolt://127.0.0.1:7701 NEO4J_USERNAME=neo4j NEO4J_PASSWORD=Secret123 NEO4J_HTTP_PORT=7702\n"
    assert _server_env(tmp_path) == plain
    evaluated = subprocess.run(["bash", "-c", 'eval "$1"; bash -c "echo $NEO4J_HTTP_PORT"', "_", plain],
                               capture_output=True, text=True, check=True).stdout
    assert evaluated == "7702\n"  # exported, seen by a child process
    tls = tmp_path / "tls"
    (tls / "run").mkdir(parents=True)
    (tls / "password").write_text("TlsSecret", encoding="utf-8")
    (tls / "run" / "chainkg-ports").write_text("BOLT_PORT=7703\nHTTP_PORT=7704\n", encoding="utf-8")
    assert _server_env(tmp_path) == plain  # its password is there, but it does not run
    # A stand-in whose command line is the one running_pid recognises as our server of that home.
    fake = subprocess.Popen(["python3", "-c", "import time; time.sleep(60)", "org.neo4j.server.CommunityEntryPoint",
                             f"--home-dir={tls}", "--console-mode"])
    try:
        (tls / "run" / "chainkg-neo4j.pid").write_text(str(fake.pid), encoding="utf-8")
        assert _server_env(tmp_path) == plain + "export NEO4J_TLS_URI=bolt+ssc://127.0.0.1:7703 NEO4J_TLS_PASSWORD=TlsSecret\n"
        (tmp_path / "password").unlink()
        assert _server_env(tmp_path) == "export NEO4J_TLS_URI=bolt+ssc://127.0.0.1:7703 NEO4J_TLS_PASSWORD=TlsSecret\n"
    finally:
        fake.kill()
        fake.wait()


def test_verified_tls_against_a_self_signed_certificate(tls_listener: int) -> None:
    uri = f"bolt+s://127.0.0.1:{tls_listener}"
    with pytest.raises(Neo4jError) as caught:
        connect(ConnectionSettings(uri, "neo4j", "x"))
    assert str(caught.value) == (f"Neo4j 服务器的 TLS 证书未通过验证（{uri}）：多半是自签名证书；信任该服务器时请改用 "
                                 f"bolt+ssc://127.0.0.1:{tls_listener}，否则请给服务器配置受信任的证书")
