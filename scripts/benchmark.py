#!/usr/bin/env python3
"""Scaling benchmark: chainkg on SYNTHETIC data sets of 10k, 100k and 1M companies.

One command (README, "Performance")::

    .venv/bin/python scripts/benchmark.py --out /tmp/chainkg-bench        # 10k, 100k, 1M

For every size N it writes a data directory with ``generate(N, out_dir, seed)`` (kept under
``--out`` and reused when its ``generated.json`` matches), then measures, each in fresh
processes so that the peak RSS belongs to that size alone:

* every stage of the embedded path, best of ``--repeat`` (3) runs, with the peak RSS of the
  run: load+validate (the files parsed and checked: the pool cache off), pool graph, diagnose,
  rank top 100 — and the t(N)/t(smallest) growth;
* ``chainkg rank --top 100`` and ``chainkg gaps`` end to end (process start to output): wall
  time best of ``--repeat`` and the child's peak RSS; CPU seconds (user+sys) next to every wall
  time, because on a shared machine wall time mostly measures the neighbours; and ``chainkg
  --version`` / ``--help`` once. Commands run as a team runs them, on files unchanged since the
  last command: the pool's tables come from the cache (chainkg.dataset.pool_cache, under
  ``--out``/cache, filled by one untimed run); ``rank`` is also timed with the cache off;
* the other commands end to end the same way (``COMMANDS``): ``stats``, ``explain NAME``,
  ``whatif --add NAME`` (NAME: the first synthetic company), ``map robotics -o x.svg``,
  ``report -o x.xlsx`` and ``evaluate`` (the back-test of every engaged firm).

The data are synthetic and marked so: ids ``synth-0000001``, names ``合成企业0000001``,
``source`` ``synthetic benchmark``. The taxonomy is real: chains.yaml, region.yaml and
scoring.yaml are the bundled graph_data's; the region's strategic partners are copied from
the bundled companies.csv (they count towards N). Shape, all pseudo-random from ``--seed``:

* companies.csv: N rows; ``LOCAL_FIRMS`` (300) of them local, whatever N; valid USCCs;
  ownership, scale, tags and some stock codes;
* company_segments.csv: 1-3 distinct segments per company (about 2); local firms use only a
  fixed 40 % of the segments, so the other 60 % have no local firm at any N;
* relations.csv: about 3 distinct relations per company, a tenth of them touching a local firm;
* projects.csv: 300 pipeline projects.

With ``--neo4j`` the same command also times the Neo4j stages of every size against the
server named by NEO4J_URI / NEO4J_USERNAME / NEO4J_PASSWORD (``scripts/neo4j-server env``):
push into an empty database, the row-at-a-time MERGE baseline, re-push, prune, wipe, and
the server's diagnosis and ranking (benchmarks/neo4j_stages.py, each size in a fresh
process); their table goes after the embedded one in results.md and under ``neo4j`` in
results.json. It first checks the server answers, and stops with the reason if not::

    CHAINKG_NEO4J_HEAP=3g CHAINKG_NEO4J_PAGECACHE=2g scripts/neo4j-server start
    eval "$(scripts/neo4j-server env)"
    .venv/bin/python scripts/benchmark.py --out /tmp/chainkg-bench --neo4j

``--sizes`` picks other sizes; ``--smoke`` is what CI runs: 10k, generation plus one
validated run of every stage, no timings. ``--one`` / ``--e2e`` / ``--neo4j-one`` are
internal workers.
"""

from __future__ import annotations

import argparse
import csv
import gc
import itertools
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from chainkg.dataset.normalize import CITIES

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIR = ROOT / "graph_data"
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
LOCAL_FIRMS = 300
LOCAL_SEGMENT_SHARE = 0.4
RELATIONS_PER_COMPANY = 3.0
LOCAL_RELATION_SHARE = 0.1
PROJECTS = 300
SOURCE = "synthetic benchmark"
GENERATOR_VERSION = 3  # bump when the shape changes: cached data sets are then regenerated

COPIED_FILES = ("chains.yaml", "region.yaml", "scoring.yaml")
COMPANY_COLUMNS = ("id", "name", "aliases", "uscc", "province", "city", "district", "ownership",
                   "listed", "scale", "tags", "source", "note")
OWNERSHIPS = ("private", "private", "private", "private", "central_soe", "local_soe", "foreign",
              "mixed", "institute", "university", "fund")
SCALES = ("large", "medium", "medium", "small", "small", "small", "micro", "micro", "unknown")
TAGS = ("专精特新", "高新技术企业", "小巨人", "独角兽")
PROVINCES = ("北京市", "上海市", "广东省", "浙江省", "江苏省", "河南省", "山东省", "安徽省", "湖北省",
             "陕西省", "河北省", "山西省", "四川省", "福建省", "湖南省", "天津市", "辽宁省", "重庆市", "")
RELATION_TYPES = ("SUPPLIES", "SUPPLIES", "CUSTOMER_OF", "SUBSIDIARY_OF", "INVESTS_IN",
                  "PARTNERS_WITH", "COOPERATES_WITH")
PROJECT_STAGES = ("lead", "lead", "contacted", "negotiating", "signed", "under_construction", "operating")
STAGES = ("load", "pool_graph", "diagnose", "rank_top100")
# The other commands, timed end to end: name → arguments (``{name}`` a company, ``{out}`` a directory).
COMMANDS = {
    "stats": ["stats"],
    "explain": ["explain", "{name}"],
    "whatif": ["whatif", "--add", "{name}"],
    "map": ["map", "robotics", "-o", "{out}/map.svg", "--force", "--date", "2026-06-30"],
    "report": ["report", "-o", "{out}/report.xlsx", "--force", "--date", "2026-06-30"],
    "evaluate": ["evaluate"],
}
STAGE_HEADERS = {"load": "load+validate", "pool_graph": "pool graph", "diagnose": "diagnose",
                 "rank_top100": "rank top 100"}

_USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


# --------------------------------------------------------------------------- data generation


def synthetic_uscc(index: int) -> str:
    """A well-formed USCC (GB 32100-2015 check digit) that is unique per index."""
    body = f"91410300{index:09d}"
    total = sum(_USCC_CHARSET.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return body + _USCC_CHARSET[(31 - total % 31) % 31]


def generate(n_companies: int, out_dir: Path, seed: int = 1, source_dir: Path = SOURCE_DIR) -> dict[str, int]:
    """Write a synthetic data set of ``n_companies`` into ``out_dir``; returns its row counts."""
    rng = random.Random(seed * 1_000_003 + n_companies)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in COPIED_FILES:
        if (source_dir / name).exists():
            shutil.copyfile(source_dir / name, out_dir / name)
    chains = yaml.safe_load((source_dir / "chains.yaml").read_text(encoding="utf-8"))
    segments = [str(s["id"]) for s in chains["segments"]]
    region = yaml.safe_load((source_dir / "region.yaml").read_text(encoding="utf-8"))
    parks = [str(p["id"]) for p in region.get("parks") or []]
    wanted = {str(p["company"]) for p in region.get("partners") or []} | set(region.get("also_local") or [])
    with (source_dir / "companies.csv").open(encoding="utf-8-sig", newline="") as handle:
        copied = [row for row in csv.DictReader(handle) if row["id"] in wanted]
    width = max(7, len(str(n_companies)))
    # The district is present in a fixed part of the taxonomy only, so the share of gap
    # segments (and with it the ranking's work per company) is the same at every N.
    local_segments = sorted(random.Random(seed).sample(segments, int(len(segments) * LOCAL_SEGMENT_SHARE)))
    taken = {code for row in copied for code in row.get("listed", "").split("|") if code}
    listed_codes = (code for k in range(10_000_000)
                    if (code := f"SH:{600000 + k:06d}" if k < 100_000 else f"SZ:{k:06d}") not in taken)

    ids = [row["id"] for row in copied]
    n_new = n_companies - len(copied)
    local_every = max(1, n_new // LOCAL_FIRMS)
    local: list[str] = []
    with (out_dir / "companies.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COMPANY_COLUMNS)
        for row in copied:
            writer.writerow([row.get(c, "") for c in COMPANY_COLUMNS])
        for i in range(1, n_new + 1):
            company_id = f"synth-{i:0{width}d}"
            ids.append(company_id)
            if i % local_every == 0 and len(local) < LOCAL_FIRMS:
                local.append(company_id)
                place = (region["province"], region["city"], region["district"])
            else:
                province = rng.choice(PROVINCES)
                # Real prefecture names (other than the district's own city), so the place checks
                # of a real data set stay quiet, as they would on a real export.
                cities = [c for c in CITIES.get(province, ()) if c != region["city"]] or [""]
                place = (province, rng.choice(cities) if province else "", "")
            codes = next(listed_codes) if rng.random() < 0.02 else ""
            tags = "|".join(t for t in TAGS if rng.random() < 0.08)
            writer.writerow([company_id, f"合成企业{i:0{width}d}", "", synthetic_uscc(i), *place,
                             rng.choice(OWNERSHIPS), codes, rng.choice(SCALES), tags, SOURCE, ""])
    local_set = set(local)

    links = 0
    with (out_dir / "company_segments.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("company_id", "segment_id", "role", "products", "source"))
        for company_id in ids:
            pool = local_segments if company_id in local_set else segments
            for segment_id in rng.sample(pool, rng.randint(1, 3)):
                writer.writerow((company_id, segment_id, "core" if rng.random() < 0.7 else "secondary",
                                 "合成产品", SOURCE))
                links += 1

    target = int(n_companies * RELATIONS_PER_COMPANY)
    seen: set[tuple[str, str, str]] = set()
    with (out_dir / "relations.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("from_id", "type", "to_id", "note", "source"))
        while len(seen) < target:
            a = rng.choice(local) if local and rng.random() < LOCAL_RELATION_SHARE else rng.choice(ids)
            b = rng.choice(ids)
            if rng.random() < 0.5:
                a, b = b, a
            triple = (a, rng.choice(RELATION_TYPES), b)
            if a == b or triple in seen:
                continue
            seen.add(triple)
            writer.writerow((*triple, "", SOURCE))

    with (out_dir / "projects.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("id", "name", "company_id", "segment_ids", "park_id", "stage", "amount_yi", "year",
                         "source", "note"))
        for i in range(1, PROJECTS + 1):
            writer.writerow((
                f"synth-project-{i:04d}", f"合成项目{i:04d}", rng.choice(ids) if rng.random() < 0.9 else "",
                "|".join(rng.sample(segments, rng.randint(1, 2))),
                rng.choice(parks) if parks and rng.random() < 0.5 else "",
                rng.choice(PROJECT_STAGES), f"{rng.uniform(0.5, 80):.1f}", rng.choice((2021, 2022, 2023)),
                SOURCE, "",
            ))
    return {"companies": len(ids), "local": len(local), "company_segments": links,
            "relations": len(seen), "projects": PROJECTS}


def ensure_data(n: int, root: Path, seed: int) -> tuple[Path, dict[str, int]]:
    """The data directory of size n under root, generated unless an identical one is there."""
    data_dir = root / f"companies-{n}"
    stamp = data_dir / "generated.json"
    key = {"n": n, "seed": seed, "version": GENERATOR_VERSION}
    if stamp.exists():
        saved = json.loads(stamp.read_text(encoding="utf-8"))
        if saved.get("key") == key:
            return data_dir, saved["rows"]
    start = time.perf_counter()
    rows = generate(n, data_dir, seed)
    stamp.write_text(json.dumps({"key": key, "rows": rows}), encoding="utf-8")
    print(f"[{n:,}] generated {data_dir} in {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    return data_dir, rows


# --------------------------------------------------------------------------- workers


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (ru_maxrss: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run_stages(data_dir: Path) -> dict[str, Any]:
    """Time each stage once on one data directory; meant to run in its own process."""
    from chainkg.analysis.diagnosis import diagnose
    from chainkg.analysis.shortlist import rank
    from chainkg.dataset.load import load_scoring, load_valid
    from chainkg.graph.pool_graph import pool_graph

    scoring = load_scoring(data_dir)
    seconds: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def timed(stage: str, func: Any, *args: Any, **kwargs: Any) -> Any:
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        value = func(*args, **kwargs)
        seconds[stage] = time.perf_counter() - start
        cpu[stage] = time.process_time() - start_cpu  # all threads: shows what a busy machine hides
        return value

    dataset, _warnings = timed("load", load_valid, data_dir)
    graph = timed("pool_graph", pool_graph, dataset)
    diagnosis = timed("diagnose", diagnose, graph, scoring.diagnosis)
    top = timed("rank_top100", rank, graph, diagnosis, scoring.rank, top=100)
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": peak_rss_mb(), "companies": len(dataset.pool),
            "gaps": sum(1 for d in diagnosis if d.status != "strong"), "ranked": len(top),
            "top": [p.company_id for p in top[:3]]}


def command_args(name: str, data_dir: Path, n: int) -> list[str]:
    """The arguments of one of ``COMMANDS`` on a generated data directory of n companies."""
    company = f"synth-{1:0{max(7, len(str(n)))}d}"  # as generate() numbers them
    return [a.format(name=company, out=data_dir) for a in COMMANDS[name]] + ["--data", str(data_dir)]


def run_e2e(args: list[str]) -> dict[str, Any]:
    """Run the chainkg CLI once; wall seconds and the child's peak RSS."""
    beside = Path(sys.executable).with_name("chainkg")  # the venv's script, else the one on PATH
    command = [str(beside) if beside.exists() else (shutil.which("chainkg") or "chainkg"), *args]
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "COLUMNS": "150"})
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"seconds": wall, "cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_rss_mb": usage.ru_maxrss / 1024}


def _neo4j_stages_module() -> Any:
    """benchmarks/neo4j_stages.py, which is a script, not a package module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("chainkg_neo4j_stages", ROOT / "benchmarks" / "neo4j_stages.py")
    assert spec is not None and spec.loader is not None
    module = sys.modules.get(spec.name) or importlib.util.module_from_spec(spec)
    if spec.name not in sys.modules:
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return module


def check_neo4j() -> str | None:
    """None when the server of the NEO4J_* variables answers, else why not (one line)."""
    from chainkg.graphdb import connect, settings_from
    from chainkg.model.errors import ChainkgError

    try:
        with connect(settings_from()):
            return None
    except ChainkgError as exc:
        return str(exc)


def run_neo4j(data_dir: Path) -> list[dict[str, Any]]:
    """The Neo4j stages of one data directory (its own process: the push rows of 1M need GBs)."""
    from chainkg.graphdb import connect, settings_from

    stages = _neo4j_stages_module()
    with connect(settings_from()) as runner:
        rows: list[dict[str, Any]] = stages.run_neo4j_stages(data_dir, runner)
    return rows


def _worker(flag: str, value: str, cache: bool = True) -> dict[str, Any]:
    """One measurement in a fresh process; ``cache=False`` turns the pool cache off (a cold read of the files)."""
    env = {**os.environ} if cache else {**os.environ, "CHAINKG_POOL_CACHE": "0"}
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), flag, value],
                          check=True, stdout=subprocess.PIPE, text=True, env=env)
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _neo4j_worker(data_dir: Path) -> list[dict[str, Any]]:
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--neo4j-one", str(data_dir)],
                          check=True, stdout=subprocess.PIPE, text=True)
    rows: list[dict[str, Any]] = json.loads(proc.stdout.strip().splitlines()[-1])
    return rows


def measure(n: int, data_dir: Path, repeat: int) -> dict[str, Any]:
    """Best of ``repeat`` per stage (each run a fresh process) and end-to-end CLI timings."""
    runs = [_worker("--one", str(data_dir), cache=False) for _ in range(repeat)]  # the stages parse the files
    best = {s: min(r["seconds"][s] for r in runs) for s in STAGES}
    cpu = {s: min(r["cpu_seconds"][s] for r in runs) for s in STAGES}
    result: dict[str, Any] = {"companies": runs[0]["companies"], "gaps": runs[0]["gaps"],
                              "seconds": best, "cpu_seconds": cpu,
                              "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
                              "all_seconds": [r["seconds"] for r in runs], "load_average": os.getloadavg()}
    rank = ["rank", "--top", "100", "--data", str(data_dir)]
    timed = [("cli_rank_cold", rank), ("cli_rank", rank), ("cli_gaps", ["gaps", "--data", str(data_dir)])]
    timed += [(f"cli_{c}", command_args(c, data_dir, n)) for c in COMMANDS]
    # Commands run as a team runs them: the files unchanged since the last command, so the pool's
    # tables come from the cache (chainkg.dataset.pool_cache; filled by this untimed run). The
    # cold rank reads and checks the files every time (the cache off).
    _worker("--e2e", json.dumps(rank))
    for name, args in timed:
        e2e = [_worker("--e2e", json.dumps(args), cache=name != "cli_rank_cold") for _ in range(repeat)]
        result[name] = {"seconds": min(e["seconds"] for e in e2e),
                        "cpu_seconds": min(e["cpu_seconds"] for e in e2e),
                        "all_seconds": [e["seconds"] for e in e2e],
                        "peak_rss_mb": max(e["peak_rss_mb"] for e in e2e)}
    print(f"[{n:,}] " + ", ".join(f"{s} {t:.2f} s" for s, t in best.items())
          + "; e2e " + ", ".join(f"{k.removeprefix('cli_')} {v['seconds']:.2f} s ({v['peak_rss_mb']:.0f} MB)"
                                 for k, v in result.items() if k.startswith("cli_")),
          file=sys.stderr, flush=True)
    return result


# --------------------------------------------------------------------------- report


def markdown(results: list[dict[str, Any]]) -> str:
    """Stage and end-to-end tables, with growth relative to the previous size."""
    results = sorted(results, key=lambda r: r["companies"])
    head = ["companies", "links", "relations", *[f"{STAGE_HEADERS[s]} s" for s in STAGES],
            "stages peak RSS MB", "`rank --top 100` s", "rank RSS MB", "`rank` cache off s", "`gaps` s", "gaps RSS MB"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    for r in results:
        rows = r["rows"]
        lines.append(
            f"| {r['companies']:,} | {rows['company_segments']:,} | {rows['relations']:,} | "
            + " | ".join(f"{r['seconds'][s]:.2f}" for s in STAGES)
            + f" | {r['peak_rss_mb']:.0f} | {r['cli_rank']['seconds']:.2f} | {r['cli_rank']['peak_rss_mb']:.0f}"
            + f" | {r['cli_rank_cold']['seconds']:.2f}"
            + f" | {r['cli_gaps']['seconds']:.2f} | {r['cli_gaps']['peak_rss_mb']:.0f} |")
    lines += ["", "CPU seconds (user+sys, all threads; best of the runs) — what a busy machine does not hide:", "",
              "| companies | " + " | ".join(STAGE_HEADERS[s] for s in STAGES) + " | `rank --top 100` | `gaps` |",
              "|---:|" + "---:|" * (len(STAGES) + 2)]
    for r in results:
        lines.append(f"| {r['companies']:,} | " + " | ".join(f"{r['cpu_seconds'][s]:.2f}" for s in STAGES)
                     + f" | {r['cli_rank']['cpu_seconds']:.2f} | {r['cli_gaps']['cpu_seconds']:.2f} |")
    lines += ["", "Other commands end to end: wall s / peak RSS MB (CPU s):", "",
              "| companies | " + " | ".join(f"`{c}`" for c in COMMANDS) + " |", "|---:|" + "---:|" * len(COMMANDS)]
    for r in results:
        lines.append(f"| {r['companies']:,} | " + " | ".join(
            f"{r[f'cli_{c}']['seconds']:.2f} / {r[f'cli_{c}']['peak_rss_mb']:.0f} ({r[f'cli_{c}']['cpu_seconds']:.2f})"
            for c in COMMANDS) + " |")
    if len(results) > 1:
        lines += ["", "Growth t(N)/t(previous size):", "",
                  "| companies | N × | " + " | ".join(STAGE_HEADERS[s] for s in STAGES)
                  + " | `rank` e2e | `gaps` e2e |", "|---:|---:|" + "---:|" * (len(STAGES) + 2)]
        for prev, r in itertools.pairwise(results):
            cells = [r["seconds"][s] / prev["seconds"][s] for s in STAGES]
            cells += [r[k]["seconds"] / prev[k]["seconds"] for k in ("cli_rank", "cli_gaps")]
            lines.append(f"| {r['companies']:,} | {r['companies'] / prev['companies']:.0f} | "
                         + " | ".join(f"{c:.1f}" for c in cells) + " |")
    return "\n".join(lines)


def smoke(root: Path, seed: int) -> None:
    """CI: generate 10k and run every stage once, checking the result's shape (no timings)."""
    data_dir, rows = ensure_data(10_000, root, seed)
    result = run_stages(data_dir)
    assert result["companies"] == rows["companies"] == 10_000, result
    assert result["ranked"] == 100 and result["gaps"] > 0, result
    for name in COMMANDS:  # each command once: it runs to the end without an error (check=True)
        _worker("--e2e", json.dumps(command_args(name, data_dir, 10_000)))
    print(f"smoke ok: {rows}, {result['gaps']} gap segments, top 3 {result['top']}; commands {', '.join(COMMANDS)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES),
                        help="company counts (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/chainkg-bench"),
                        help="data sets and results go here and are reused (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement, best kept (default: 3)")
    parser.add_argument("--smoke", action="store_true", help="CI smoke test: 10k, one run, no timings")
    parser.add_argument("--neo4j", action="store_true",
                        help="also time the Neo4j stages on the server of NEO4J_URI/NEO4J_USERNAME/NEO4J_PASSWORD")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--neo4j-one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--e2e", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.one is not None:
        print(json.dumps(run_stages(args.one)))
        return 0
    if args.e2e is not None:
        print(json.dumps(run_e2e(json.loads(args.e2e))))
        return 0
    if args.neo4j_one is not None:
        print(json.dumps(run_neo4j(args.neo4j_one), ensure_ascii=False))
        return 0
    if args.neo4j and (problem := check_neo4j()) is not None:
        print(f"benchmark --neo4j: {problem}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("CHAINKG_CACHE_DIR", str(args.out / "cache"))  # not the user's cache
    # Commands run as installed ones do: Python keeps their compiled bytecode (a developer shell may have
    # PYTHONDONTWRITEBYTECODE set, which recompiles every chainkg module in every command: about 0.08 s).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    if args.smoke:
        smoke(args.out, args.seed)
        return 0
    startup = {name: min(_worker("--e2e", json.dumps([flag]))["seconds"] for _ in range(args.repeat))
               for name, flag in (("version", "--version"), ("help", "--help"))}
    print(f"startup: --version {startup['version']:.2f} s, --help {startup['help']:.2f} s", file=sys.stderr, flush=True)
    results = []
    neo4j_rows: list[dict[str, Any]] = []
    for n in args.sizes:
        data_dir, rows = ensure_data(n, args.out, args.seed)
        result = measure(n, data_dir, args.repeat)
        result["rows"] = rows
        results.append(result)
        if args.neo4j:
            neo4j_rows += _neo4j_worker(data_dir)
    table = markdown(results) + (f"\n\n`chainkg --version` {startup['version']:.2f} s, "
                                 f"`chainkg --help` {startup['help']:.2f} s (best of {args.repeat}).")
    if args.neo4j:
        table += "\n\nNeo4j stages (benchmarks/neo4j_stages.py; one run each):\n\n" + \
            _neo4j_stages_module().markdown(neo4j_rows)
    print(table)
    saved: dict[str, Any] = {"startup": startup, "sizes": results, "load_average_end": os.getloadavg()}
    if args.neo4j:
        saved["neo4j"] = neo4j_rows
    (args.out / "results.json").write_text(json.dumps(saved, indent=2, ensure_ascii=False), encoding="utf-8")
    (args.out / "results.md").write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
