#!/usr/bin/env python3
"""Scaling benchmark: load+validate, build_graph, diagnose and rank on SYNTHETIC data sets.

For every size N this script writes a synthetic data directory and times each pipeline step
in a fresh subprocess of itself, so that the peak RSS (``ru_maxrss``, monotonic per process)
belongs to that size alone. It prints Markdown tables: seconds per step, milliseconds per
1 000 companies (flat when a step is linear) and the growth of each step relative to the
smallest size next to the growth of N.

The data are synthetic and marked so: company ids ``synth-000001``, names ``合成企业000001``,
``source`` ``synthetic benchmark``. The taxonomy is real: chains.yaml, region.yaml and
scoring.yaml are copied unchanged from the bundled graph_data/. Because region.yaml names
strategic partners by id, those few partner rows (and only those) are copied verbatim from
the bundled companies.csv so the data set validates without errors; they count towards N.

Per size N (all pseudo-random from ``--seed``, so runs are reproducible):

* companies.csv: N rows, 2 % local (the region's province/city/district), valid USCCs,
  some listed codes, tags, ownership and scale;
* company_segments.csv: 1-3 distinct segments per company, 70 % core; local companies only
  use a fixed 40 % of the segments, so the share of gap segments stays about the same at
  every N (otherwise 2 % of a large N would make every segment 强链 and leave nothing to rank);
* relations.csv: about N/2 distinct relations, a fifth of them touching a local company;
* projects.csv: a few hundred pipeline projects.

Usage::

    python scripts/benchmark.py                                  # 10k, 50k, 100k (~2 min)
    python scripts/benchmark.py --companies 10000 50000 100000 200000 --seed 1
    python scripts/benchmark.py --companies 1000000 --out /tmp/chainkg-1m   # the 1M target

Without ``--out`` the data go to a temporary directory that is removed afterwards; with
``--out DIR`` they are kept in ``DIR/companies-N/`` together with ``results.json`` and
``results.md``. ``--one N --data DIR`` is the internal per-size worker (prints one JSON line).
``rank`` was super-linear (O(N²/S): every candidate walked all OPERATES_IN edges of its
segments to find their FEEDS edges); it now prepares those once per ranking and scales
linearly like the other steps. ``--rank-max N`` skips ranking above N companies (0, the
default, ranks at every size). A 1M run of the
other steps needs roughly 12 GB RAM (about 12 MB per 1k companies, see the RSS column).
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from chainkg.load import default_data_dir

DEFAULT_SIZES = (10_000, 50_000, 100_000)
# Above --rank-max companies rank is not timed; 0 ranks at every size.
DEFAULT_RANK_MAX = 0
LOCAL_SHARE = 0.02
LOCAL_SEGMENT_SHARE = 0.4  # local companies operate only in this share of the segments
RELATIONS_PER_COMPANY = 0.5
LOCAL_RELATION_SHARE = 0.2
PROJECTS = 300
SOURCE = "synthetic benchmark"

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

_USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

STEPS = ("load", "build", "diagnose", "rank_top20", "rank_full")
STEP_HEADERS = {"load": "load+validate", "build": "build", "diagnose": "diagnose",
                "rank_top20": "rank top 20", "rank_full": "rank full"}


# --------------------------------------------------------------------------- data generation


def synthetic_uscc(index: int) -> str:
    """A well-formed USCC (GB 32100-2015 check digit) that is unique per index."""
    body = f"91410300{index:09d}"
    total = sum(_USCC_CHARSET.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return body + _USCC_CHARSET[(31 - total % 31) % 31]


def _segment_ids(chains_yaml: Path) -> list[str]:
    data = yaml.safe_load(chains_yaml.read_text(encoding="utf-8"))
    return [str(s["id"]) for s in data["segments"]]


def _region(region_yaml: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(region_yaml.read_text(encoding="utf-8"))
    return data


def _partner_rows(source_dir: Path, partner_ids: set[str]) -> list[dict[str, str]]:
    """The bundled companies.csv rows of the region's strategic partners, unchanged."""
    with (source_dir / "companies.csv").open(encoding="utf-8-sig", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["id"] in partner_ids]


def generate(n: int, target: Path, seed: int, source_dir: Path) -> dict[str, int]:
    """Write a synthetic data set of n companies into target; returns its row counts."""
    rng = random.Random(seed * 1_000_003 + n)
    target.mkdir(parents=True, exist_ok=True)
    for name in COPIED_FILES:
        if (source_dir / name).exists():
            shutil.copyfile(source_dir / name, target / name)
    segments = _segment_ids(source_dir / "chains.yaml")
    region = _region(source_dir / "region.yaml")
    parks = [str(p["id"]) for p in region.get("parks") or []]
    partners = _partner_rows(source_dir, {str(p["company"]) for p in region.get("partners") or []})
    width = max(6, len(str(n)))

    # The district is present in a fixed part of the taxonomy only, so the number of gap
    # segments (and with it the ranking's work per company) does not shrink as N grows.
    local_segments = sorted(random.Random(seed).sample(segments, int(len(segments) * LOCAL_SEGMENT_SHARE)))
    taken = {code for row in partners for code in row.get("listed", "").split("|") if code}
    listed_codes = (code for k in range(1_000_000)
                    if (code := f"SH:{600000 + k:06d}" if k < 100_000 else f"SZ:{k:06d}") not in taken)

    ids: list[str] = [row["id"] for row in partners]
    local: list[str] = []
    local_set: set[str] = set()
    with (target / "companies.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COMPANY_COLUMNS)
        for row in partners:
            writer.writerow([row.get(c, "") for c in COMPANY_COLUMNS])
        for i in range(1, n - len(partners) + 1):
            company_id = f"synth-{i:0{width}d}"
            ids.append(company_id)
            if rng.random() < LOCAL_SHARE:
                local.append(company_id)
                local_set.add(company_id)
                place = (region["province"], region["city"], region["district"])
            else:
                province = rng.choice(PROVINCES)
                place = (province, f"合成市{rng.randrange(20):02d}" if province else "", "")
            codes = ""
            if rng.random() < 0.02:
                codes = next(listed_codes)
            tags = "|".join(t for t in TAGS if rng.random() < 0.08)
            writer.writerow([
                company_id, f"合成企业{i:0{width}d}", "", synthetic_uscc(i), *place,
                rng.choice(OWNERSHIPS), codes, rng.choice(SCALES), tags, SOURCE, "",
            ])

    operations = 0
    with (target / "company_segments.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("company_id", "segment_id", "role", "products", "source"))
        for company_id in ids:
            pool = local_segments if company_id in local_set else segments
            for segment_id in rng.sample(pool, rng.randint(1, 3)):
                role = "core" if rng.random() < 0.7 else "secondary"
                writer.writerow((company_id, segment_id, role, "合成产品", SOURCE))
                operations += 1

    wanted = int(n * RELATIONS_PER_COMPANY)
    seen: set[tuple[str, str, str]] = set()
    with (target / "relations.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("from_id", "type", "to_id", "note", "source"))
        while len(seen) < wanted:
            a = rng.choice(local) if local and rng.random() < LOCAL_RELATION_SHARE else rng.choice(ids)
            b = rng.choice(ids)
            if rng.random() < 0.5:
                a, b = b, a
            triple = (a, rng.choice(RELATION_TYPES), b)
            if a == b or triple in seen:
                continue
            seen.add(triple)
            writer.writerow((*triple, "", SOURCE))

    with (target / "projects.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("id", "name", "company_id", "segment_ids", "park_id", "stage", "amount_yi", "year",
                         "source", "note"))
        for i in range(1, PROJECTS + 1):
            writer.writerow((
                f"synth-project-{i:04d}", f"合成项目{i:04d}",
                rng.choice(ids) if rng.random() < 0.9 else "",
                "|".join(rng.sample(segments, rng.randint(1, 2))),
                rng.choice(parks) if parks and rng.random() < 0.5 else "",
                rng.choice(PROJECT_STAGES), f"{rng.uniform(0.5, 80):.1f}", rng.choice((2021, 2022, 2023)),
                SOURCE, "",
            ))
    return {"companies": len(ids), "local": len(local), "company_segments": operations,
            "relations": len(seen), "projects": PROJECTS}


# --------------------------------------------------------------------------- per-size worker


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (ru_maxrss: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run_one(data_dir: Path, with_rank: bool = True) -> dict[str, Any]:
    """Time each step on one data directory; meant to run in its own process."""
    from chainkg.diagnosis import diagnose
    from chainkg.graph import build_graph
    from chainkg.load import load_dataset, load_scoring
    from chainkg.ranking import rank

    scoring = load_scoring(data_dir)
    result: dict[str, Any] = {"rss_start_mb": peak_rss_mb(), "seconds": {}, "peak_rss_after_mb": {}}
    seconds: dict[str, float] = result["seconds"]
    peaks: dict[str, float] = result["peak_rss_after_mb"]

    def timed(step: str, func: Any, *args: Any, **kwargs: Any) -> Any:
        gc.collect()
        start = time.perf_counter()
        value = func(*args, **kwargs)
        seconds[step] = time.perf_counter() - start
        peaks[step] = peak_rss_mb()
        return value

    dataset, issues = timed("load", load_dataset, data_dir)
    errors = [i for i in issues if i.level == "error"]
    if dataset is None or errors:
        raise SystemExit(f"synthetic data set has {len(errors)} errors, e.g. {errors[:3]}")
    result["warnings"] = len(issues)
    result["companies"] = len(dataset.companies)
    graph = timed("build", build_graph, dataset)
    result["nodes"], result["edges"] = graph.number_of_nodes(), graph.number_of_edges()
    diagnosis = timed("diagnose", diagnose, graph, scoring.diagnosis)
    result["gaps"] = sum(1 for d in diagnosis if d.status != "strong")
    if with_rank:
        top = timed("rank_top20", rank, graph, diagnosis, scoring.rank, top=20)
        full = timed("rank_full", rank, graph, diagnosis, scoring.rank)
        result["prospects"] = len(full)
        result["top_score"] = top[0].score if top else None
    result["peak_rss_mb"] = peak_rss_mb()
    return result


# --------------------------------------------------------------------------- report


def _fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _per_k(r: dict[str, Any], step: str) -> float | None:
    seconds = r["seconds"].get(step)
    return None if seconds is None else 1000 * seconds / (r["companies"] / 1000)


def _growth(r: dict[str, Any], base: dict[str, Any], step: str) -> float | None:
    if step not in r["seconds"] or step not in base["seconds"]:
        return None
    return float(r["seconds"][step] / base["seconds"][step])


def markdown(results: list[dict[str, Any]]) -> str:
    """Three tables: seconds, ms per 1k companies, growth relative to the smallest size."""
    results = sorted(results, key=lambda r: r["companies"])
    lines = ["| companies | " + " | ".join(f"{STEP_HEADERS[s]} s" for s in STEPS) + " | peak RSS MB |",
             "|---:|" + "---:|" * (len(STEPS) + 1)]
    for r in results:
        lines.append(f"| {r['companies']:,} | " + " | ".join(_fmt(r["seconds"].get(s)) for s in STEPS)
                     + f" | {r['peak_rss_mb']:.0f} |")
    lines += ["", "Milliseconds per 1,000 companies (flat = linear):", "",
              "| companies | " + " | ".join(STEP_HEADERS[s] for s in STEPS) + " | RSS MB per 1k |",
              "|---:|" + "---:|" * (len(STEPS) + 1)]
    for r in results:
        per_k = r["companies"] / 1000
        lines.append(f"| {r['companies']:,} | " + " | ".join(_fmt(_per_k(r, s), 1) for s in STEPS)
                     + f" | {(r['peak_rss_mb'] - r['rss_start_mb']) / per_k:.2f} |")
    base = results[0]
    lines += ["", f"Growth relative to {base['companies']:,} companies (linear: time × equals N ×):", "",
              "| companies | N × | " + " | ".join(f"{STEP_HEADERS[s]} ×" for s in STEPS) + " |",
              "|---:|---:|" + "---:|" * len(STEPS)]
    for r in results:
        lines.append(f"| {r['companies']:,} | {r['companies'] / base['companies']:.1f} | "
                     + " | ".join(_fmt(_growth(r, base, s), 1) for s in STEPS) + " |")
    lines += ["", "Shape of each data set:", "",
              "| companies | company_segments | relations | graph nodes | graph edges | gap segments "
              "| prospects | warnings |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        rows = r["rows"]
        prospects = f"{r['prospects']:,}" if "prospects" in r else "—"
        lines.append(f"| {r['companies']:,} | {rows['company_segments']:,} | {rows['relations']:,} "
                     f"| {r['nodes']:,} | {r['edges']:,} | {r['gaps']} | {prospects} | {r['warnings']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--companies", type=int, nargs="+", default=list(DEFAULT_SIZES),
                        help="sizes to benchmark (default: %(default)s)")
    parser.add_argument("--out", type=Path, help="keep data and results here (default: a removed temp dir)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--source", type=Path, default=None, help="taxonomy source (default: bundled graph_data)")
    parser.add_argument("--rank-max", type=int, default=DEFAULT_RANK_MAX,
                        help="skip rank for sizes above this, 0 = never skip (default: %(default)s; rank is "
                        "quadratic today, see the module docstring)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--no-rank", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.one is not None:
        if args.data is None:
            parser.error("--one needs --data")
        print(json.dumps(run_one(args.data, with_rank=not args.no_rank)))
        return 0

    source = args.source or default_data_dir()
    root = args.out or Path(tempfile.mkdtemp(prefix="chainkg-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    results: list[dict[str, Any]] = []
    try:
        for n in args.companies:
            data_dir = root / f"companies-{n}"
            start = time.perf_counter()
            rows = generate(n, data_dir, args.seed, source)
            generated = time.perf_counter() - start
            print(f"[{n:,}] generated {data_dir} in {generated:.1f} s; timing in a fresh process …",
                  file=sys.stderr, flush=True)
            command = [sys.executable, str(Path(__file__).resolve()), "--one", str(n), "--data", str(data_dir)]
            if args.rank_max and n > args.rank_max:
                command.append("--no-rank")
                print(f"[{n:,}] rank skipped (above --rank-max {args.rank_max:,})", file=sys.stderr, flush=True)
            proc = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
            result = json.loads(proc.stdout.strip().splitlines()[-1])
            result["rows"], result["generate_seconds"] = rows, generated
            results.append(result)
            print(f"[{n:,}] " + ", ".join(f"{s} {t:.2f} s" for s, t in result["seconds"].items())
                  + f", peak RSS {result['peak_rss_mb']:.0f} MB", file=sys.stderr, flush=True)
            if args.out is None:
                shutil.rmtree(data_dir)
    finally:
        if args.out is None:
            shutil.rmtree(root, ignore_errors=True)

    table = markdown(results)
    print(table)
    if args.out is not None:
        (root / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
        (root / "results.md").write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
