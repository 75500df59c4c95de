"""Neo4j access behind one small interface: the QueryRunner protocol.

Everything in chainkg.graphdb talks to a QueryRunner; ``Neo4jRunner`` is the real one
(a driver plus a database name), tests use a recording fake. ``connect`` reads the
options or the standard NEO4J_* variables and turns the driver's failures into one-line
Neo4jError messages in Chinese. The password is never put into a message or a log.
"""

from __future__ import annotations

import logging
import os
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import neo4j
from neo4j import exceptions as neo4j_exc

from chainkg.model.errors import Neo4jError

__all__ = ["BOLT_SCHEMES", "ConnectionSettings", "Neo4jRunner", "QueryRunner", "check_uri", "connect",
           "settings_from"]

Row = dict[str, Any]
BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
# The driver logs its retries as warnings; without a handler Python would print them on stderr
# next to our one-line message.
logging.getLogger("neo4j").addHandler(logging.NullHandler())
logging.getLogger("neo4j").propagate = False


_HTTP = ("「{uri}」是 HTTP 地址（Neo4j Browser 用的）；chainkg 通过 Bolt 连接："
         "请用 bolt://主机:端口（默认端口 7687，scripts/neo4j-server env 会给出）")


def check_uri(uri: str) -> None:
    """Reject what is not a Bolt address before the driver sees it, each with its own message.

    >>> check_uri("bolt://127.0.0.1:7687")
    >>> check_uri("http://127.0.0.1:7474")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    chainkg.model.errors.Neo4jError: 「http://127.0.0.1:7474」是 HTTP 地址（Neo4j Browser 用的）；...
    """
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        raise Neo4jError(_HTTP.format(uri=uri))
    if "://" not in uri:
        raise Neo4jError(f"Neo4j 地址「{uri}」缺少协议：请写成 bolt://{uri}（加密服务器用 bolt+s://{uri}）")
    if scheme not in BOLT_SCHEMES:
        raise Neo4jError(f"Neo4j 地址「{uri}」的协议「{parts.scheme}」不支持；可用：{'、'.join(BOLT_SCHEMES)}"
                         "（本地服务器用 bolt://，加密服务器用 bolt+s://，自签名证书用 bolt+ssc://）")
    if not parts.hostname:
        raise Neo4jError(f"Neo4j 地址「{uri}」缺少主机名，如 bolt://127.0.0.1:7687")


class QueryRunner(Protocol):
    """What chainkg needs from Neo4j: read queries and retried write transactions."""

    def run(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a (read) query and return its records as dicts."""
        ...

    def write(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run one query in a managed write transaction (retried on transient errors)."""
        ...

    def write_batched(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run one query in an auto-commit transaction, the only kind ``CALL { … } IN TRANSACTIONS`` runs in."""
        ...


@dataclass(frozen=True)
class ConnectionSettings:
    """Where and how to log in; ``repr`` hides the password."""

    uri: str
    user: str
    password: str
    database: str | None = None

    def __repr__(self) -> str:
        return f"ConnectionSettings(uri={self.uri!r}, user={self.user!r}, password='***', database={self.database!r})"


def settings_from(
    uri: str | None = None, user: str | None = None, password: str | None = None,
    database: str | None = None, environ: Mapping[str, str] | None = None,
) -> ConnectionSettings:
    """Options first, then NEO4J_URI / NEO4J_USERNAME / NEO4J_PASSWORD / NEO4J_DATABASE.

    >>> settings_from(environ={"NEO4J_URI": "bolt://h:7687", "NEO4J_PASSWORD": "x"}).user
    'neo4j'
    """
    env = os.environ if environ is None else environ
    uri = uri or env.get("NEO4J_URI")
    if not uri:
        raise Neo4jError("未指定 Neo4j 地址：请用 --uri 或设置环境变量 NEO4J_URI（如 bolt://127.0.0.1:7687）")
    check_uri(uri)
    password = password if password is not None else env.get("NEO4J_PASSWORD")
    if password is None:
        raise Neo4jError("未指定 Neo4j 密码：请用 --password 或设置环境变量 NEO4J_PASSWORD")
    return ConnectionSettings(
        uri=uri, user=user or env.get("NEO4J_USERNAME") or "neo4j", password=password,
        database=database or env.get("NEO4J_DATABASE") or None,
    )


class Neo4jRunner:
    """A QueryRunner over a neo4j driver; use as a context manager or call ``close``."""

    def __init__(self, driver: neo4j.Driver, database: str | None) -> None:
        self.driver = driver
        self.database = database

    def run(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        with _mapped_errors(self.database), self.driver.session(database=self.database) as session:
            return session.execute_read(_collect, query, dict(params or {}))

    def write(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        with _mapped_errors(self.database), self.driver.session(database=self.database) as session:
            return session.execute_write(_collect, query, dict(params or {}))

    def write_batched(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        # Not retried as a unit: the batches it committed stay, and running it again finishes it.
        with _mapped_errors(self.database), self.driver.session(database=self.database) as session:
            return [record.data() for record in session.run(query, dict(params or {}))]

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> Neo4jRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _collect(tx: neo4j.ManagedTransaction, query: str, params: dict[str, Any]) -> list[Row]:
    return [record.data() for record in tx.run(query, params)]


def _probe(uri: str) -> tuple[bool, bool]:
    """(something listens on the address's port, it completes a TLS handshake) — to explain a failure."""
    parts = urlsplit(uri)
    host, port = parts.hostname or "localhost", parts.port or 7687
    try:
        with socket.create_connection((host, port), timeout=3):
            pass
    except OSError:
        return False, False
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((host, port), timeout=3) as raw, \
                context.wrap_socket(raw, server_hostname=host):
            return True, True
    except (OSError, ssl.SSLError):
        return True, False


def _resolves(host: str) -> bool:
    try:
        socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError):
        return False
    return True


def _unavailable(uri: str, text: str = "") -> str:
    """Why a Bolt connection failed, told apart by probing: unknown host, down, TLS mismatch, wrong port."""
    encrypted = "+s" in urlsplit(uri).scheme
    if encrypted and "CertVerification" in text:
        return (f"Neo4j 服务器的 TLS 证书未通过验证（{uri}）：多半是自签名证书；信任该服务器时请改用 "
                f"{uri.replace('+s://', '+ssc://', 1)}，否则请给服务器配置受信任的证书")
    host = urlsplit(uri).hostname or "localhost"
    if not _resolves(host):
        return (f"无法解析主机名「{host}」（{uri}）：没有这个主机名，或 DNS 不可用；"
                "请检查 --uri 或 NEO4J_URI 中的主机名（本机的服务器用 127.0.0.1）")
    listening, tls = _probe(uri)
    if not listening:
        return (f"连不上 Neo4j 服务器（{uri}）：该地址没有服务在监听；"
                "请确认服务器已启动（scripts/neo4j-server start）且端口正确")
    if encrypted and not tls:
        plain = uri.replace("+ssc://", "://").replace("+s://", "://")
        return (f"无法与 Neo4j 建立加密连接（{uri}）：服务器没有启用 TLS；"
                f"请改用不加密的地址 {plain}")
    if not encrypted and tls:
        return (f"Neo4j 服务器要求加密连接（{uri}）：请改用 "
                f"{uri.replace('://', '+s://', 1)}（自签名证书用 {uri.replace('://', '+ssc://', 1)}）")
    return (f"连不上 Neo4j（{uri}）：该端口有服务在监听，但不是 Neo4j 的 Bolt 端口"
            "（是 HTTP/Browser 端口吗？Bolt 默认 7687，见 scripts/neo4j-server env）")


def connect(settings: ConnectionSettings) -> Neo4jRunner:
    """Open a driver and check the login and the database now, so errors show up early."""
    check_uri(settings.uri)
    try:
        driver = neo4j.GraphDatabase.driver(
            settings.uri, auth=(settings.user, settings.password),
            connection_timeout=5.0, max_transaction_retry_time=15.0,
            notifications_min_severity="OFF",  # "unknown relationship type" warnings on small data sets
        )
    except (neo4j_exc.ConfigurationError, ValueError) as exc:
        raise Neo4jError(f"Neo4j 地址「{settings.uri}」无效：{_first_line(exc)}") from None
    runner = Neo4jRunner(driver, settings.database)
    try:
        with _mapped_errors(settings.database, settings.uri):
            driver.verify_connectivity()
            runner.run("RETURN 1 AS ok")
    except BaseException:
        driver.close()
        raise
    return runner


class _mapped_errors:
    """Translate driver exceptions into one-line Neo4jError messages."""

    def __init__(self, database: str | None, uri: str | None = None) -> None:
        self.database = database
        self.uri = uri

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if exc is None:
            return
        message = _message(exc, self.database, self.uri)
        if message is not None:
            raise Neo4jError(message) from None


def _message(exc: BaseException, database: str | None, uri: str | None) -> str | None:
    if isinstance(exc, neo4j_exc.AuthError):
        return "Neo4j 拒绝登录：用户名或密码错误（检查 --user/--password 或 NEO4J_USERNAME/NEO4J_PASSWORD）"
    if isinstance(exc, neo4j_exc.ClientError) and (exc.code or "").endswith("DatabaseNotFound"):
        return f"Neo4j 上没有数据库「{database}」（检查 --database 或 NEO4J_DATABASE；社区版只有 neo4j）"
    text = str(exc)
    if isinstance(exc, neo4j_exc.ServiceUnavailable | neo4j_exc.SessionExpired | OSError):
        if uri:
            return _unavailable(uri, _with_causes(exc))
        return "与 Neo4j 服务器的连接中断：请确认服务器仍在运行（scripts/neo4j-server status）后重试"
    if isinstance(exc, neo4j_exc.Neo4jError):
        return f"Neo4j 报错：{exc.code}：{_first_line(exc.message or text)}"
    if isinstance(exc, neo4j_exc.DriverError):
        return f"Neo4j 驱动出错：{_first_line(text)}"
    return None


def _with_causes(exc: BaseException) -> str:
    """The text of an exception and of everything behind it (causes, grouped routing failures)."""
    parts: list[str] = []
    todo: list[BaseException] = [exc]
    while todo and len(parts) < 20:
        current = todo.pop()
        parts.append(str(current))
        if isinstance(current, BaseExceptionGroup):
            todo.extend(current.exceptions)
        if current.__cause__ is not None:
            todo.append(current.__cause__)
    return "\n".join(parts)


def _first_line(exc: BaseException | str) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
