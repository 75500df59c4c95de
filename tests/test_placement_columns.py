"""The vectorised placements (``placement.pool_placements``) equal the record-by-record rules.

``oracle.placements`` is the rules as chainkg first wrote them, one firm at a time. Hypothesis
draws data sets where every rule fires: segments the district cannot host (so suppliers fed
only by blocked segments count), firms of the district's city, universities, partners, and
SUBSIDIARY_OF relations to local and outside firms with shared gaps. Every outside firm's
list, reason and group must be the same; derandomized, so every run draws the same examples.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainkg.analysis.diagnosis import diagnose
from chainkg.analysis.placement import pool_placements
from chainkg.analysis.prospects import RankFilter
from chainkg.analysis.ranking import gap_segments
from chainkg.dataset.load import load_valid
from chainkg.graph.pool_graph import pool_graph
from chainkg.model.records import Company, CompanySegment, DataSet, Relation
from conftest import BUNDLED, TINY
from oracle import build_graph, graph_placements

HOSTING = ("heavy_process", "land_bound", "market", "production", None)
KINDS_SEEN: set[str] = set()
BASE = {"tiny": load_valid(TINY)[0], "bundled": load_valid(BUNDLED)[0]}


def drawn(base: DataSet, seed: int, firms: int, blocked: float, subsidiaries: int) -> DataSet:
    """``base`` with random hosting limits, new outside firms (some of the district's city, some
    universities, some partners) and SUBSIDIARY_OF relations among all firms."""
    rng = random.Random(seed)
    region = base.region
    segments = tuple(s.model_copy(update={"hosting": rng.choice(HOSTING) if rng.random() < blocked else None})
                     for s in base.segments)
    new = [Company(id=f"p{i:04d}", name=f"企业{i:04d}", source="test",
                   province=rng.choice([region.province, "江苏省"]),
                   city=rng.choice([region.city, region.city, "苏州市", ""]),
                   ownership=rng.choice(["private", "private", "university", "foreign"]))
           for i in range(firms)]
    links = [CompanySegment(company_id=c.id, segment_id=s.id, role=rng.choice(["core", "core", "secondary"]),
                            source="test")
             for c in new for s in rng.sample(segments, rng.randint(1, 3))]
    ids = [c.id for c in (*base.companies, *new)]
    triples = {(r.from_id, r.type, r.to_id): r for r in base.relations}
    for _ in range(subsidiaries):
        a, b = rng.sample(ids, 2)
        triples.setdefault((a, "SUBSIDIARY_OF", b), Relation(from_id=a, type="SUBSIDIARY_OF", to_id=b, source="test"))
    partners = tuple(region.partners)
    return base.model_copy(update={
        "segments": segments, "companies": (*base.companies, *new),
        "company_segments": (*base.company_segments, *links), "relations": tuple(triples.values()),
        "region": region.model_copy(update={"partners": partners}),
    })


@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.sampled_from(["tiny", "bundled"]), seed=st.integers(0, 10_000), firms=st.integers(0, 120),
       blocked=st.floats(0, 0.9), subsidiaries=st.integers(0, 200))
def test_vectorised_placements_equal_the_record_rules(
        base: str, seed: int, firms: int, blocked: float, subsidiaries: int) -> None:
    data = drawn(BASE[base], seed, firms, blocked, subsidiaries)
    pg = pool_graph(data)
    gaps = gap_segments(diagnose(pg), RankFilter())
    placed = pool_placements(pg, gaps)
    mine = placed.as_dict()
    reference = graph_placements(build_graph(data), gaps)
    # The tables place every outside firm linked to a gap or to a group; the reference places all.
    assert mine == {cid: reference[cid] for cid in mine}
    linked = {cs.company_id for cs in data.company_segments if cs.segment_id in gaps}
    assert linked & set(reference) <= set(mine)
    KINDS_SEEN.update(p.kind for p in mine.values())
    # A firm asked about alone gets what the whole pass gives it.
    for cid in list(mine)[:5]:
        assert placed.get(cid) == mine[cid]


def test_the_drawn_data_sets_exercise_every_list() -> None:
    """Runs after the property test (file order): the examples placed firms in every list."""
    assert {"target", "deepen", "platform", "supply", "same_city", "group"} == KINDS_SEEN
