"""The cache of large pools (chainkg.dataset.pool_cache): a read from it equals a read of the files.

MIN_BYTES is lowered so that the tiny data set counts as large; CHAINKG_CACHE_DIR points into
the test's own directory.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chainkg.dataset import pool_cache
from chainkg.dataset.load import load_dataset
from chainkg.model.issues import DataIssue
from conftest import TINY


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(pool_cache, "MIN_BYTES", 0)
    root = tmp_path / "cache"
    monkeypatch.setenv("CHAINKG_CACHE_DIR", str(root))
    monkeypatch.delenv("CHAINKG_POOL_CACHE", raising=False)
    return root


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(TINY, target)
    # A row that fails (read), and links to it and to no segment (checks): their issues are cached too.
    with (target / "companies.csv").open("a", encoding="utf-8") as f:
        f.write("extra-firm,外地企业,,,江苏省,苏州市,,private,,large,,test,\nbroken-firm,坏企业,,,,,,nonsense,,large,,test,\n")
    with (target / "company_segments.csv").open("a", encoding="utf-8") as f:
        f.write("broken-firm,chip-fab,core,,test\nextra-firm,no-such-segment,core,,test\n")
    return target


def loaded(path: Path) -> tuple[dict[str, object], list[DataIssue]]:
    dataset, issues = load_dataset(path)
    assert dataset is not None
    pool = dataset.pool
    return {t: getattr(pool, t) for t in pool_cache.TABLES}, issues


def same(a: dict[str, object], b: dict[str, object]) -> bool:
    return all(a[t].equals(b[t]) and a[t].schema == b[t].schema for t in pool_cache.TABLES)  # type: ignore[attr-defined]


def entries(root: Path) -> list[Path]:
    return sorted(p for p in (root / "pool").iterdir() if not p.name.startswith(".")) if (root / "pool").exists() else []


def test_a_cached_read_equals_a_read_of_the_files(cache: Path, data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAINKG_POOL_CACHE", "0")
    fresh = loaded(data)
    assert not entries(cache)
    monkeypatch.delenv("CHAINKG_POOL_CACHE")
    cold = loaded(data)
    [entry] = entries(cache)
    assert {p.name for p in entry.iterdir()} == {"meta.json", "checks.json", *(f"{t}.parquet" for t in pool_cache.TABLES)}
    warm = loaded(data)
    assert same(fresh[0], cold[0]) and same(fresh[0], warm[0])
    assert fresh[1] == cold[1] == warm[1]
    assert {(i.file, i.level) for i in warm[1]} >= {("companies.csv", "error"), ("company_segments.csv", "error")}


def test_a_warm_read_does_not_parse(cache: Path, data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded(data)
    import chainkg.dataset.load as load

    def refuse(*_args: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(load, "read_pool", refuse)
    monkeypatch.setattr(load, "check_pool", refuse)
    loaded(data)


def test_a_changed_byte_or_other_segments_give_a_fresh_read(cache: Path, data: Path) -> None:
    loaded(data)
    text = (data / "companies.csv").read_text(encoding="utf-8")
    (data / "companies.csv").write_text(text.replace("外地企业", "外省企业"), encoding="utf-8")  # same size
    tables, _issues = loaded(data)
    assert "外省企业" in tables["companies"].get_column("name").to_list()  # type: ignore[attr-defined]
    # The pool is unchanged but a segment its links name is gone: the checks run again.
    chains = (data / "chains.yaml").read_text(encoding="utf-8")
    before = {i.message for i in loaded(data)[1]}
    segment = "chip-package"
    assert f"id: {segment}\n" in chains
    (data / "chains.yaml").write_text(chains.replace(f"feeds: [{segment}]", "feeds: []").replace(
        f"id: {segment}\n", f"id: {segment}-gone\n"), encoding="utf-8")
    after = loaded(data)[1]
    assert any(segment in i.message and i.file == "company_segments.csv" for i in after)
    assert {i.message for i in after} != before
    assert len(entries(cache)) == 1  # one entry per data directory, replaced


def test_a_broken_or_unwritable_cache_is_only_a_slower_read(cache: Path, data: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    expected = loaded(data)
    [entry] = entries(cache)
    (entry / "relations.parquet").write_bytes(b"not parquet")
    (entry / "checks.json").write_text("{", encoding="utf-8")
    again = loaded(data)
    assert same(expected[0], again[0]) and expected[1] == again[1]
    assert loaded(data)[1] == expected[1]  # rewritten whole
    blocker = cache.parent / "a-file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("CHAINKG_CACHE_DIR", str(blocker / "cache"))  # cannot be created
    nowhere = loaded(data)
    assert same(expected[0], nowhere[0]) and expected[1] == nowhere[1]


def test_small_pools_are_not_cached(tmp_path: Path, data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAINKG_CACHE_DIR", str(tmp_path / "cache"))
    loaded(data)
    assert not (tmp_path / "cache").exists()


def test_settled_files_are_not_hashed_again_but_any_write_is_seen(cache: Path, data: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Files untouched since they were hashed are trusted by their stats (git's rule); a write moves
    ctime even when size and mtime are put back, and the files are then hashed again."""
    import os

    monkeypatch.setattr(pool_cache, "SETTLE_NS", -10**12)  # the test's fresh files count as long settled
    expected = loaded(data)
    loaded(data)  # the stats are recorded

    def no_hashing(*_args: object) -> str:
        raise AssertionError("hashed again")

    with monkeypatch.context() as m:
        m.setattr(pool_cache, "_key", no_hashing)
        warm = loaded(data)
    assert same(expected[0], warm[0]) and expected[1] == warm[1]
    path = data / "companies.csv"
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("外地企业", "外省企业"), encoding="utf-8")  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the mtime put back
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    tables, _issues = loaded(data)
    assert "外省企业" in tables["companies"].get_column("name").to_list()  # type: ignore[attr-defined]


def test_files_changed_just_before_hashing_are_hashed_every_time(cache: Path, data: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    loaded(data)
    loaded(data)
    calls = []
    real = pool_cache._key

    def counted(*args: object) -> str:
        calls.append(1)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(pool_cache, "_key", counted)
    loaded(data)  # the files were written a moment before they were hashed: not settled
    assert calls
