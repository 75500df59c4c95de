"""Property tests (hypothesis): data sets round-trip through files; broken files never crash loading."""

from __future__ import annotations

import random
import shutil
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from chainkg.cli.main import app
from chainkg.dataset.load import load_dataset, load_valid
from chainkg.dataset.normalize import CITIES, LIST_SEPARATORS
from chainkg.dataset.write import write_dataset
from chainkg.model.errors import ChainkgError
from chainkg.model.records import (
    OWNERSHIPS,
    PROJECT_STAGES,
    RELATION_TYPES,
    ROLES,
    SCALES,
    SIGNAL_KINDS,
    STAGES,
    AnchorNeed,
    Chain,
    Company,
    CompanySegment,
    DataSet,
    FollowUp,
    IndustryField,
    Park,
    Partner,
    Progress,
    Project,
    Region,
    Relation,
    Segment,
    Signal,
    Target,
)
from conftest import BUNDLED, TINY

# Text a person types into a cell: Chinese, ASCII, punctuation, quotes, commas and line breaks
# (CSV must quote them); no surrounding whitespace (loading strips it) and no control characters.
_CHARS = st.sampled_from(list("本地链主制造机器人芯片减速器abcXYZ0189 ,.;:'\"()（）-=+@#/\n「」、"))
text = st.text(_CHARS, min_size=1, max_size=12).map(str.strip).filter(bool)
optional_text = st.one_of(st.just(""), text)
# List items cannot contain a list separator (that is what separates them).
item = st.text(st.sampled_from(list("专精特新小巨人上市央企简称ab1")), min_size=1, max_size=6)
slug = st.from_regex(r"[a-z0-9][a-z0-9-]{0,8}", fullmatch=True)
unit = st.floats(min_value=0, max_value=1, allow_nan=False).map(lambda x: round(x, 3))
places = [("", "", "")] + [(p, c, "") for p, cities in CITIES.items() for c in cities[:2]] + [("河南省", "洛阳市", "涧西区")]


@st.composite
def datasets(draw: st.DrawFn) -> DataSet:
    """A valid data set: unique ids, every reference resolvable, parents acyclic and in-chain."""
    ids = draw(st.lists(slug, min_size=14, max_size=30, unique=True))  # enough for every record below
    pool = iter(ids)
    fields = [IndustryField(id=next(pool), name=draw(text), source=draw(text)) for _ in range(draw(st.integers(1, 2)))]
    chains = [Chain(id=next(pool), name=draw(text), field=draw(st.sampled_from(fields)).id, priority=draw(unit),
                    fengkou=draw(st.booleans()), description=draw(optional_text), source=draw(text))
              for _ in range(draw(st.integers(1, 2)))]
    segments: list[Segment] = []
    for _ in range(draw(st.integers(1, 4))):
        chain = draw(st.sampled_from(chains)).id
        same_chain = [s.id for s in segments if s.chain == chain]
        parent = draw(st.one_of(st.none(), st.sampled_from(same_chain))) if same_chain else None
        segments.append(Segment(id=next(pool), name=draw(text), chain=chain, stage=draw(st.sampled_from(STAGES)),
                                parent=parent, weight=draw(unit), source=draw(text),
                                feeds=tuple(draw(st.lists(st.sampled_from([s.id for s in segments] or ["x"]),
                                                          unique=True, max_size=2))) if segments else ()))
    companies = []
    for _ in range(draw(st.integers(1, 4))):
        province, city, district = draw(st.sampled_from(places))
        companies.append(Company(
            id=next(pool), name=draw(text), aliases=tuple(draw(st.lists(item, max_size=2))), uscc=None,
            province=province, city=city, district=district,
            ownership=draw(st.one_of(st.none(), st.sampled_from(OWNERSHIPS))),
            listed=tuple(draw(st.lists(st.from_regex(r"(SH|SZ):[0-9]{6}", fullmatch=True), max_size=2, unique=True))),
            scale=draw(st.sampled_from(SCALES)), tags=tuple(draw(st.lists(item, max_size=2))),
            source=draw(text), note=draw(optional_text)))
    company_ids = [c.id for c in companies]
    pairs = draw(st.lists(st.tuples(st.sampled_from(company_ids), st.sampled_from([s.id for s in segments])),
                          unique=True, max_size=4))
    company_segments = [CompanySegment(company_id=c, segment_id=s, role=draw(st.sampled_from(ROLES)),
                                       products=draw(optional_text), source=draw(text)) for c, s in pairs]
    relations = []
    if len(company_ids) > 1:
        for _ in range(draw(st.integers(0, 2))):
            a, b = draw(st.lists(st.sampled_from(company_ids), min_size=2, max_size=2, unique=True))
            relations.append(Relation(from_id=a, type=draw(st.sampled_from(RELATION_TYPES)), to_id=b,
                                      note=draw(optional_text), source=draw(text)))
    parks = tuple(Park(id=f"park-{i}", name=draw(text), kind=draw(text), source=draw(text))
                  for i in range(draw(st.integers(0, 2))))
    region = Region(
        id=next(pool), name=draw(text), province="河南省", city="洛阳市", district="涧西区",
        also_local=tuple(draw(st.lists(st.sampled_from(company_ids), unique=True, max_size=1))), parks=parks,
        partners=tuple(Partner(company=c, agreement=draw(optional_text), year=draw(st.one_of(st.none(),
                       st.integers(2000, 2030))), source=draw(text))
                       for c in draw(st.lists(st.sampled_from(company_ids), unique=True, max_size=1))),
        targets=tuple(Target(id=f"target-{i}", name=draw(text), metric=draw(text),
                             value=draw(st.floats(0, 1e6, allow_nan=False)), source=draw(text))
                      for i in range(draw(st.integers(0, 1)))),
        source=draw(text))
    projects = [Project(id=f"p-{i}", name=draw(text), company_id=draw(st.one_of(st.none(), st.sampled_from(company_ids))),
                        segment_ids=tuple(draw(st.lists(st.sampled_from([s.id for s in segments]), unique=True,
                                                        max_size=2))),
                        park_id=draw(st.sampled_from([None, *(p.id for p in parks)])),
                        stage=draw(st.sampled_from(PROJECT_STAGES)),
                        amount_yi=draw(st.one_of(st.none(), st.floats(0, 1e4, allow_nan=False))),
                        year=draw(st.one_of(st.none(), st.integers(2000, 2030))), source=draw(text))
                for i in range(draw(st.integers(0, 2)))]
    # The optional files, each present or absent.
    days = st.dates(date(2015, 1, 1), date(2030, 12, 31))
    progress = [Progress(target_id=t.id, value=draw(st.floats(0, 1e6, allow_nan=False)), as_of=draw(days),
                         source=draw(text), note=draw(optional_text))
                for t in region.targets for _ in range(draw(st.integers(0, 1)))]
    signals = [Signal(company=draw(st.sampled_from(company_ids)), date=draw(days), kind=draw(st.sampled_from(SIGNAL_KINDS)),
                      note=draw(optional_text), source=draw(text), url=draw(st.sampled_from(["", "https://example.org/a"])))
               for _ in range(draw(st.integers(0, 2)))]
    anchor_needs = [AnchorNeed(company=c, segment=draw(st.sampled_from([s.id for s in segments])),
                               note=draw(optional_text), source=draw(text))
                    for c in region.also_local if draw(st.booleans())]
    followups = [FollowUp(company_id=c, owner=draw(optional_text), next_step=draw(optional_text), source=draw(text),
                          note=draw(optional_text))
                 for c in draw(st.lists(st.sampled_from(company_ids), unique=True, max_size=2))]
    return DataSet(fields=tuple(fields), chains=tuple(chains), segments=tuple(segments), companies=tuple(companies),
                   company_segments=tuple(company_segments), relations=tuple(relations), region=region,
                   projects=tuple(projects), progress=tuple(progress), signals=tuple(signals),
                   anchor_needs=tuple(anchor_needs), followups=tuple(followups))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets())
def test_round_trip_load_write_load(data: DataSet) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        write_dataset(data, Path(tmp) / "a")
        loaded, _warnings = load_valid(Path(tmp) / "a")
        assert loaded == data
        write_dataset(loaded, Path(tmp) / "b")  # and the files are stable: writing again gives the same bytes
        for f in sorted((Path(tmp) / "a").iterdir()):
            assert f.read_bytes() == (Path(tmp) / "b" / f.name).read_bytes()


def test_round_trip_of_the_tiny_data_set(tmp_path: Path) -> None:
    data = load_valid(TINY)[0]
    write_dataset(data, tmp_path)
    assert load_valid(tmp_path) == (data, [])


def test_round_trip_of_the_bundled_data_keeps_its_optional_files(tmp_path: Path) -> None:
    data, warnings = load_valid(BUNDLED)
    assert data.signals  # signals.csv is one of the optional files
    write_dataset(data, tmp_path)
    assert load_valid(tmp_path) == (data, warnings)


def test_an_empty_optional_table_over_an_older_file_reads_back_empty(tmp_path: Path) -> None:
    data = load_valid(TINY)[0]
    with_signals = data.model_copy(update={"signals": (Signal(
        company=data.companies[0].id, date=date(2026, 1, 5), kind=SIGNAL_KINDS[0], source="test"),)})
    write_dataset(with_signals, tmp_path)
    assert load_valid(tmp_path)[0].signals == with_signals.signals
    write_dataset(data, tmp_path)  # the file is kept (never deleted), with its header only
    assert (tmp_path / "signals.csv").read_text(encoding="utf-8").count("\n") == 1
    assert load_valid(tmp_path)[0] == data


def _mutate(raw: bytes, rng: random.Random, kind: str) -> bytes:
    """One of the mistakes hands and tools make to a file."""
    if not raw:
        return b"\xff"
    i = rng.randrange(len(raw))
    lines = raw.split(b"\n")
    j = rng.randrange(len(lines))
    junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4)))
    mutations = {
        "delete-byte": lambda: raw[:i] + raw[i + 1:],
        "insert-bytes": lambda: raw[:i] + junk + raw[i:],
        "replace-byte": lambda: raw[:i] + junk[:1] + raw[i + 1:],
        "truncate": lambda: raw[:i],
        "drop-line": lambda: b"\n".join(lines[:j] + lines[j + 1:]),
        "duplicate-line": lambda: b"\n".join(lines[:j + 1] + lines[j:]),
        "swap-lines": lambda: b"\n".join(lines[:j] + lines[j + 1:j + 2] + lines[j:j + 1] + lines[j + 2:]),
        "separator": lambda: raw.replace(b",", rng.choice(LIST_SEPARATORS).encode(), rng.randint(1, 3)),
        "quote": lambda: raw[:i] + b'"' + raw[i:],
        "indent": lambda: b"\n".join([*lines[:j], b" " + lines[j], *lines[j + 1:]]),
        "tab": lambda: raw.replace(b"  ", b"\t", 1),
    }
    return mutations[kind]()


FILES = sorted(p.name for p in TINY.iterdir())
MUTATIONS = ["delete-byte", "insert-bytes", "replace-byte", "truncate", "drop-line", "duplicate-line", "swap-lines",
             "separator", "quote", "indent", "tab"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(FILES), st.sampled_from(MUTATIONS), st.integers(0, 2**32)),
                min_size=1, max_size=3))
def test_mutated_files_only_ever_give_validation_errors(edits: list[tuple[str, str, int]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(TINY, data)
        for name, kind, seed in edits:
            path = data / name
            path.write_bytes(_mutate(path.read_bytes(), random.Random(seed), kind))
        try:
            load_dataset(data)
            load_valid(data)
        except ChainkgError:
            pass  # the project's own validation error: fine; anything else fails the test


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(FILES), st.sampled_from(MUTATIONS), st.integers(0, 2**32))
def test_mutated_files_never_crash_the_cli(name: str, kind: str, seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(TINY, data)
        (data / name).write_bytes(_mutate((data / name).read_bytes(), random.Random(seed), kind))
        for command in (["validate"], ["rank"]):
            result = CliRunner().invoke(app, [*command, "--data", str(data)])
            assert result.exit_code in (0, 2), result.stderr
            assert "内部错误" not in result.stderr and "Traceback" not in result.stderr
