"""partner_proximity on the server: one breadth-first search from every anchor, as the networkx path."""

from __future__ import annotations

import pytest
from tests.conftest import TINY

from chainkg.analysis.prospects import Prospect
from chainkg.dataset.load import load_valid
from chainkg.graphdb import Neo4jRunner, backend, diagnose_on_server, push, rank_on_server
from chainkg.graphdb.backend import channel_hops, server_fields
from chainkg.model.records import Company, CompanySegment, DataSet, Relation
from chainkg.model.scoring import LEGACY_RANK, RankSettings
from oracle import build_graph, diagnose, rank

pytestmark = pytest.mark.neo4j


def _with(companies: list[str], relations: list[tuple[str, str, str]]) -> DataSet:
    """The tiny data set plus outside companies that fill the robot-reducer gap, and relations."""
    base = load_valid(TINY)[0]
    new = [Company(id=c, name=f"企业{c}", source="test", province="江苏省") for c in companies]
    links = [CompanySegment(company_id=c, segment_id="robot-reducer", role="core", source="test") for c in companies]
    rels = [Relation(from_id=a, type=kind, to_id=b, source="test") for a, kind, b in relations]
    return base.model_copy(update={
        "companies": (*base.companies, *new), "company_segments": (*base.company_segments, *links),
        "relations": (*base.relations, *rels),
    })


def _both(runner: Neo4jRunner, data: DataSet, settings: RankSettings) -> tuple[list[Prospect], list[Prospect]]:
    """(server ranking, embedded ranking) of ``data`` under ``settings``."""
    g = build_graph(data)
    diagnosis = diagnose(g)
    local = rank(g, diagnosis, settings)
    push(runner, data, diagnosis, local)
    return rank_on_server(runner, diagnose_on_server(runner), settings), local


def _channel(ranked: list[Prospect], company: str) -> tuple[float, list[str]]:
    p = next(p for p in ranked if p.company_id == company)
    return p.components["partner_proximity"], p.details["partner_proximity"].reasons


# loc-anchor - h1 - h2 - … - h6: h_i is i hops from the nearest local firm.
_LINE = [f"h{i}" for i in range(1, 7)]
_LINE_RELATIONS = [(a, kind, b) for a, b, kind in zip(
    ["loc-anchor", *_LINE[:-1]], _LINE,
    ["SUPPLIES", "CUSTOMER_OF", "SUBSIDIARY_OF", "INVESTS_IN", "PARTNERS_WITH", "COOPERATES_WITH"], strict=True)]


@pytest.mark.parametrize("max_hops", [1, 3, 6])
def test_channel_hops_are_bounded_by_max_hops(runner: Neo4jRunner, max_hops: int) -> None:
    settings = LEGACY_RANK.model_copy(update={"max_hops": max_hops})
    remote, local = _both(runner, _with(_LINE, _LINE_RELATIONS), settings)
    assert [server_fields(p) for p in remote] == [server_fields(p) for p in local]
    for i, company in enumerate(_LINE, start=1):
        proximity, reasons = _channel(remote, company)
        if i <= max_hops:
            path = " → ".join([f"企业{c}" for c in reversed(_LINE[:i])] + ["本地链主"])
            assert (proximity, reasons) == (round(1 / i, 4), [f"对接渠道：经本地企业「本地链主」{i}跳（{path}）"])
        else:
            assert (proximity, reasons) == (0.0, ["对接渠道：数据中没有到本地企业或战略伙伴的关系路径"])
    hops = channel_hops(runner, max_hops)
    assert {c: hops.get(c) for c in _LINE} == {c: (i if i <= max_hops else None) for i, c in enumerate(_LINE, 1)}
    # Anchors are level 0: every local firm and the strategic partner.
    assert {c for c, h in hops.items() if h == 0} == {"loc-anchor", "loc-small", "loc-wafer", "loc-zone", "out-partner"}


def test_channel_through_a_partner_only(runner: Neo4jRunner) -> None:
    # via-friend reaches no local firm; its only way is out-friend, related to the partner.
    data = _with(["via-friend"], [("via-friend", "SUPPLIES", "out-friend")])
    remote, local = _both(runner, data, LEGACY_RANK)
    assert [server_fields(p) for p in remote] == [server_fields(p) for p in local]
    assert _channel(remote, "via-friend") == (
        0.5, ["对接渠道：经战略伙伴「伙伴公司」2跳（企业via-friend → 伙伴的朋友 → 伙伴公司）"])
    # The partner itself: proximity 1 without any search.
    assert _channel(remote, "out-partner") == (1.0, ["对接渠道：本身是本区战略合作伙伴"])


def test_channel_never_passes_a_node_that_is_not_a_company(runner: Neo4jRunner) -> None:
    data = _with(["lonely"], [])
    remote, local = _both(runner, data, LEGACY_RANK)
    # A node of another label, related to both lonely and a local firm by company relation types:
    # the embedded graph has no such node, and the server's search must not use it either.
    runner.write("MATCH (c:Company {id: 'lonely'}), (l:Company {id: 'loc-anchor'}) "
                 "CREATE (c)-[:SUPPLIES]->(:Hub {id: 'hub'})-[:SUPPLIES]->(l)")
    try:
        remote = rank_on_server(runner, diagnose_on_server(runner), LEGACY_RANK)
        hops = channel_hops(runner, 6)
    finally:
        runner.write("MATCH (h:Hub) DETACH DELETE h")
    assert [server_fields(p) for p in remote] == [server_fields(p) for p in local]
    assert _channel(remote, "lonely") == (0.0, ["对接渠道：数据中没有到本地企业或战略伙伴的关系路径"])
    assert "lonely" not in hops and "hub" not in hops


def test_channel_ties_are_broken_as_the_networkx_search_does(runner: Neo4jRunner,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # Two frontier ids per backend_channel_step query: every level takes several queries.
    monkeypatch.setattr(backend, "_STEP_CHUNK", 2)
    # tie-a: 2 hops through m2 to loc-anchor or through m1 to loc-small: the target decides
    # (loc-anchor < loc-small), not the middle's id. tie-b: 2 hops through m2 or m4, both to
    # loc-anchor: m2. tie-c: 3 hops through n9 and m2 or through n1 and m4, both to loc-anchor:
    # the path is read from the target, so m2 decides, not the company's neighbour n1.
    data = _with(["m1", "m2", "m4", "n1", "n9", "tie-a", "tie-b", "tie-c"], [
        ("loc-small", "CUSTOMER_OF", "m1"), ("m2", "SUPPLIES", "loc-anchor"), ("loc-anchor", "INVESTS_IN", "m4"),
        ("tie-a", "SUPPLIES", "m2"), ("m1", "COOPERATES_WITH", "tie-a"),
        ("tie-b", "SUPPLIES", "m4"), ("tie-b", "CUSTOMER_OF", "m2"),
        ("tie-c", "SUPPLIES", "n9"), ("n9", "SUPPLIES", "m2"), ("tie-c", "SUPPLIES", "n1"), ("n1", "SUPPLIES", "m4"),
    ])
    remote, local = _both(runner, data, LEGACY_RANK)
    assert [server_fields(p) for p in remote] == [server_fields(p) for p in local]
    assert _channel(remote, "tie-a") == (0.5, ["对接渠道：经本地企业「本地链主」2跳（企业tie-a → 企业m2 → 本地链主）"])
    assert _channel(remote, "tie-b") == (0.5, ["对接渠道：经本地企业「本地链主」2跳（企业tie-b → 企业m2 → 本地链主）"])
    assert _channel(remote, "tie-c") == (
        round(1 / 3, 4), ["对接渠道：经本地企业「本地链主」3跳（企业tie-c → 企业n9 → 企业m2 → 本地链主）"])
