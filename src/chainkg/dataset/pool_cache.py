"""The validated company tables of a data directory, kept between runs (a cache, never the truth).

Reading and checking a million-row export takes seconds on every command; its result depends
only on the bytes of companies.csv, company_segments.csv and relations.csv and on the code that
reads them. So after a read of large files the typed tables, the issues found on the way and
the ids of the rows that failed are written to ``<cache>/pool/<data directory's hash>/`` under a
key: the SHA-1 of those bytes and of the source files of the reading code. The issues of the
table checks are kept beside them (``PoolCache.checks``), keyed also by what else the checks
read (the segment ids, the rows that failed in other files). The next command that finds the
same key reads the tables back instead of parsing them (Parquet, LZ4: a quarter of the CSVs'
size); any change to a file or to the code gives another key, and the entry is replaced. Files
whose size, mtime, ctime and inode are those recorded when they were last hashed, and which
were last changed well before that, are not hashed again (git's rule for its index).

- Only files of ``MIN_BYTES`` together or more are cached: smaller ones read in well under a second.
- The cache lives in ``$CHAINKG_CACHE_DIR``, else ``$XDG_CACHE_HOME/chainkg``, else ``~/.cache/chainkg``;
  ``CHAINKG_POOL_CACHE=0`` turns it off. It holds one entry per data directory.
- It is written whole or not at all (a temporary directory renamed into place); a cache that
  cannot be read or written is ignored (the tables are then read from the files, as without it).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import polars as pl

import chainkg
from chainkg.model.issues import DataIssue
from chainkg.model.pool import CompanyPool
from chainkg.model.records import pool_files

__all__ = ["MIN_BYTES", "PoolCache", "cache_root"]

MIN_BYTES = 32 * 1024 * 1024  # about 70k companies with their links and relations
SETTLE_NS = 2_000_000_000  # 2 s: coarser than any file system's timestamps (FAT's are 2 s)
FORMAT = "chainkg pool cache 1"
TABLES = ("companies", "company_segments", "relations")
# The code whose output is cached: a change to any of these files makes every entry stale.
_READERS = ("dataset/pool_cache.py", "dataset/pool_checks.py", "dataset/hygiene.py", "dataset/load.py",
            "dataset/readers.py",
            "dataset/normalize.py", "dataset/uscc.py", "model/pool.py", "model/records.py", "model/issues.py")

Read = tuple[CompanyPool, list[DataIssue], set[str]]


def cache_root() -> Path | None:
    """Where the cache lives (None: turned off)."""
    if os.environ.get("CHAINKG_POOL_CACHE", "").strip() in ("0", "off", "false", "no"):
        return None
    if explicit := os.environ.get("CHAINKG_CACHE_DIR"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "chainkg"


class PoolCache:
    """The cache entry of one data directory (inactive when turned off or the files are small)."""

    def __init__(self, data_dir: Path) -> None:
        root = cache_root()
        paths = [data_dir / file for file, _model in pool_files().values()]
        size = sum(p.stat().st_size for p in paths if p.is_file())
        self.active = root is not None and size >= MIN_BYTES
        self.entry = (root or Path()) / "pool" / hashlib.sha1(str(data_dir.resolve()).encode()).hexdigest()
        self.paths = paths
        self.key = ""  # set by ``pool``
        self.stored = False  # whether the entry on disk is this key's (set by ``pool``)

    def pool(self, read: Callable[[], Read]) -> Read:
        """``read()`` (the pool, its issues, the ids of its failed rows), or the same from the cache."""
        if not self.active:
            return read()
        code = _code_key()
        stats = _stats(self.paths)
        hashed_at = time.time_ns()
        meta = _meta(self.entry)  # read once: with many issues it is not small
        if (settled := _settled(meta, code, stats)) is not None:
            self.key = settled  # the files have not been touched since they were hashed
            found = _load(self.entry, meta)
        else:
            # The entry is read while the files are hashed (both release the GIL); used only if the keys match.
            with ThreadPoolExecutor(max_workers=1) as worker:
                reading = worker.submit(_load, self.entry, meta)
                self.key = _key(code, self.paths)
                found = reading.result()
        if meta is not None and found is not None and meta.get("key") == self.key:
            if settled is None:
                _restamp(self.entry, meta, code, stats, hashed_at)
            self.stored = True
            return found
        pool, issues, unparsed = read()
        self.stored = _store(self.entry, self.key, pool, issues, unparsed,
                             {"code": code, "stats": stats, "hashed_at": hashed_at})
        return pool, issues, unparsed

    def checks(self, inputs: str, check: Callable[[], list[DataIssue]]) -> list[DataIssue]:
        """``check()`` of the cached pool and ``inputs`` (what else the checks read, as text), or the
        issues it gave last time for the same pool and inputs."""
        if not self.active:
            return check()
        token = hashlib.sha1(f"{self.key}|{inputs}".encode(), usedforsecurity=False).hexdigest()
        path = self.entry / "checks.json"
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
            if saved.get("token") == token:
                return [DataIssue.model_validate(i) for i in saved["issues"]]
        except (OSError, ValueError, KeyError):
            pass
        issues = check()
        if self.stored:  # beside the tables they were checked on
            _write_json(path, {"token": token, "issues": [i.model_dump(mode="json") for i in issues]})
        return issues


def _code_key() -> str:
    """The versions and the reading code's source, hashed (a few files: cheap)."""
    digest = hashlib.sha1(f"{FORMAT}|{chainkg.__version__}|{pl.__version__}".encode(), usedforsecurity=False)
    package = Path(chainkg.__file__).parent
    for name in _READERS:
        digest.update(name.encode() + b"\0" + (package / name).read_bytes())
    return digest.hexdigest()


def _stats(paths: list[Path]) -> list[list[int] | None]:
    """Each file's size, mtime, ctime and inode (None: no file)."""
    found: list[list[int] | None] = []
    for path in paths:
        try:
            st = path.stat()
        except FileNotFoundError:
            found.append(None)
            continue
        found.append([st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino])
    return found


def _meta(entry: Path) -> dict[str, Any] | None:
    """The entry's meta.json (None: no entry, or an unreadable one)."""
    try:
        meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def _write_json(path: Path, value: dict[str, Any]) -> None:
    """Replace ``path`` whole (a temporary file renamed over it), or leave it as it was."""
    try:
        staging = path.with_name(f".{path.stem}.{os.getpid()}.json")
        staging.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        os.replace(staging, path)
    except OSError:
        return


def _settled(meta: dict[str, Any] | None, code: str, stats: list[list[int] | None]) -> str | None:
    """The entry's key when the files are provably the ones it hashed, else None (then hash them).

    As git trusts its index: the same size, mtime, ctime and inode as when hashed, and every ctime
    at least ``SETTLE_NS`` older than the hashing started, so that no write within the file
    system's timestamp resolution can hide behind equal stamps (a write always moves ctime, which
    no program can set back).
    """
    if meta is None or meta.get("code") != code or meta.get("stats") != stats:
        return None
    try:
        limit = int(meta["hashed_at"]) - SETTLE_NS
        if any(st is not None and st[2] >= limit for st in stats):
            return None
        return str(meta["key"])
    except (ValueError, KeyError, TypeError):
        return None


def _restamp(entry: Path, meta: dict[str, Any], code: str, stats: list[list[int] | None], hashed_at: int) -> None:
    """Record the stats of files just hashed and found unchanged, so the next run can skip hashing."""
    _write_json(entry / "meta.json", {**meta, "code": code, "stats": stats, "hashed_at": hashed_at})


def _key(code: str, paths: list[Path]) -> str:
    """The entry's key: the reading code's and the files' bytes, hashed."""
    digest = hashlib.sha1(code.encode(), usedforsecurity=False)
    for path in paths:
        digest.update(path.name.encode() + b"\0")
        if path.is_file():
            with path.open("rb") as f:
                for block in iter(lambda: f.read(1 << 22), b""):
                    digest.update(block)
        digest.update(b"\0end\0")
    return digest.hexdigest()


def _load(entry: Path, meta: dict[str, Any] | None) -> Read | None:
    """The entry's cached read (``meta``: its meta.json), or None (no entry, or an unreadable one)."""
    if meta is None:
        return None
    try:
        # (rechunk: a no-op for the one row group written; gathers on many chunks are slow)
        tables = {t: pl.read_parquet(entry / f"{t}.parquet").rechunk() for t in TABLES}
        # Parquet does not keep polars' sorted flags (idx, line …); joins and gathers use them.
        tables = {t: frame.with_columns(pl.col(c).set_sorted() for c in meta["sorted"][t])
                  for t, frame in tables.items()}
        issues = [DataIssue.model_validate(i) for i in meta["issues"]]
        return CompanyPool(**tables), issues, set(meta["unparsed"])
    except (OSError, ValueError, KeyError, TypeError, pl.exceptions.PolarsError):
        return None


def _store(entry: Path, key: str, pool: CompanyPool, issues: list[DataIssue], unparsed: set[str],
           stamp: dict[str, object]) -> bool:
    """Write the entry whole (a temporary directory renamed into place), or leave none; whether it was written."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{entry.name}.", dir=entry.parent))
        try:
            for table in TABLES:
                frame = getattr(pool, table)
                # One row group: read back as one chunk per column, as a read of the files gives.
                frame.write_parquet(staging / f"{table}.parquet", compression="lz4",
                                    row_group_size=max(frame.height, 1))
            sorted_columns = {t: [c for c, column in getattr(pool, t).to_dict().items() if column.flags["SORTED_ASC"]]
                              for t in TABLES}
            meta = {"key": key, "issues": [i.model_dump(mode="json") for i in issues], "unparsed": sorted(unparsed),
                    "sorted": sorted_columns, **stamp}
            (staging / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
            old = entry.with_name(f".{entry.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            if entry.exists():
                entry.rename(old)
            staging.rename(entry)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except OSError:
        return False  # a cache that cannot be written is only a slower next run
    return True
