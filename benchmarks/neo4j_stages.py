#!/usr/bin/env python3
"""The Neo4j stages of the scaling benchmark, timed against a real server.

``run_neo4j_stages(data_dir, runner)`` takes one generated data directory (the layout of
graph_data/) and a connected QueryRunner, and returns one row per stage:

* ``push_rows``     the rows ``chainkg neo4j push`` writes, made as it makes them: pool graph, diagnosis,
                    exact scores of every candidate, ``pool_groups`` (company rows made batch by batch
                    from the polars tables, so this process's memory stays near the command's)
* ``push``          batched UNWIND … MERGE of every node and relationship into an empty database
* ``naive``         the row-at-a-time loop (one MERGE per relationship, one transaction each) on a
                    sample of ``naive_sample`` relationships deleted beforehand; its rate is the
                    baseline the batched push is compared with
* ``repush``        the same push again, everything already there (MERGE finds, SET rewrites)
* ``prune``         a push of the data set without 1 % of its companies, then ``prune``: deletes
                    exactly those companies and their relationships
* ``wipe``          ``push --wipe``'s delete of every chainkg node, in server-side batches
* ``bulk_import``   with ``bulk_import=True`` (our scripts/neo4j-server only): the same first load by
                    Neo4j's offline importer: ``import-files``, ``scripts/neo4j-server import`` (stop,
                    import, start) and the schema, each timed
* ``diagnose_server`` / ``rank_server``  ``gaps`` / ``rank --top 100 --backend neo4j``'s work
                    (the diagnosis is recomputed on the server before the ranking, as the CLI does)
* ``parity``        with ``parity=True`` (up to 100k companies): whether the server's diagnosis and
                    top 100 (with every reason, points and tier) equal the networkx path's base ranking
                    (five components, channels over any relation: what the server computes)
* ``client_peak``   the peak RSS of this process (compare ``chainkg neo4j push`` at the same size;
                    with ``parity`` it includes that check's networkx graph)

Every figure comes from one run; the server's own settings decide its speed (the README
gives them). Standalone::

    CHAINKG_NEO4J_HEAP=3g CHAINKG_NEO4J_PAGECACHE=2g scripts/neo4j-server start
    eval "$(scripts/neo4j-server env)"
    python benchmarks/neo4j_stages.py DIR [DIR …] [--parity] [--rank-max N] [--workers N]

DIR is a data directory made by ``scripts/benchmark.py --out`` (``companies-N/``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from chainkg.analysis.diagnosis import diagnose
from chainkg.analysis.pool_rank import exact_scores
from chainkg.dataset.load import load_scoring, load_valid
from chainkg.graph.pool_graph import PoolGraph, pool_graph
from chainkg.graphdb import QueryRunner, connect, settings_from
from chainkg.graphdb.backend import base_settings, diagnose_on_server, rank_on_server, server_fields
from chainkg.graphdb.bulk import write_import_files
from chainkg.graphdb.groups import pool_groups
from chainkg.graphdb.push import (
    WORKERS,
    NodeGroup,
    RelGroup,
    prune,
    push_groups,
    rel_query,
    server_counts,
    wipe,
)
from chainkg.graphdb.queries import schema_statements
from chainkg.graphdb.rows import FrameRows
from chainkg.model.records import DataSet
from chainkg.model.scoring import Scoring

__all__ = ["markdown", "run_neo4j_stages"]

BATCH_SIZE = 10000


def _timed(func: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    value = func(*args, **kwargs)
    return value, time.perf_counter() - start


def _sample(rel_groups: list[RelGroup], size: int) -> list[tuple[RelGroup, dict[str, Any]]]:
    """``size`` relationships spread evenly over all groups (by share of rows), made one by one
    (the groups' rows are made batch by batch: listing them all would hold every row at once)."""
    total = sum(len(g.rows) for g in rel_groups)
    step = max(1, total // size)
    picked = []
    offset = 0
    for g in rel_groups:
        first = -offset % step  # the group's first row at a multiple of step overall
        picked += [(g, g.rows[i]) for i in range(first, len(g.rows), step)]
        offset += len(g.rows)
    return picked[:size]


def _push_rows(data: DataSet, scoring: Scoring) -> tuple[PoolGraph, list[NodeGroup], list[RelGroup]]:
    """What ``chainkg neo4j push`` writes, made the way it makes it (neo4j_cli._analyse)."""
    pg = pool_graph(data)
    diagnosis = diagnose(pg, scoring.diagnosis)
    return pg, *pool_groups(data, pg, diagnosis, exact_scores(pg, diagnosis, scoring.rank))


def _naive(runner: QueryRunner, sample: list[tuple[RelGroup, dict[str, Any]]]) -> float:
    """Delete the sample's relationships, then MERGE them back one row per transaction; return seconds."""
    for group, row in sample:
        runner.write(f"MATCH (:{group.source} {{id: $s}})-[r:{group.rel_type}]->(:{group.target} {{id: $t}}) "
                     "DELETE r", {"s": row["source"], "t": row["target"]})
    start = time.perf_counter()
    for group, row in sample:
        runner.write(rel_query(group.rel_type, group.source, group.target), {"rows": [row], "push": "naive"})
    return time.perf_counter() - start


def _kept(rows: Sequence[dict[str, Any]], keys: tuple[str, ...], gone: pl.Series) -> Sequence[dict[str, Any]]:
    """The rows none of whose ``keys`` (id, or source and target) is in ``gone``; a FrameRows
    stays one (row numbers into the same table, nothing copied)."""
    if isinstance(rows, FrameRows):
        hit = rows.key_column(keys[0]).is_in(gone)
        for key in keys[1:]:
            hit = hit | rows.key_column(key).is_in(gone)
        return rows.select((~hit).arg_true())
    ids = set(gone.to_list())
    return [r for r in rows if not any(r[key] in ids for key in keys)]


def _without_companies(
    data: DataSet, pg: PoolGraph, node_groups: list[NodeGroup], rel_groups: list[RelGroup], share: float,
) -> tuple[list[NodeGroup], list[RelGroup], int]:
    """The push rows of the data set without every 1/share-th outside company and what names them.

    Its projects go with a company; so do the relationships of every node that goes. The
    rows are the data set's own (shared, not copied): at 1M companies a second set of rows
    built from a smaller DataSet would need as much memory again.
    """
    step = round(1 / share)
    companies = pg.companies.with_row_index("__i")
    gone = companies.filter((pl.col("__i") % step == 1) & ~pl.col("is_local") & ~pl.col("is_partner")).get_column("id")
    gone_ids = set(gone.to_list())
    projects = pl.Series([p.id for p in data.projects if p.company_id in gone_ids], dtype=pl.String)
    gone_nodes = pl.concat([gone, projects])
    nodes = [NodeGroup(g.label, g.extra, _kept(g.rows, ("id",), gone_nodes)) for g in node_groups]
    rels = [RelGroup(g.rel_type, g.source, g.target, _kept(g.rows, ("source", "target"), gone_nodes))
            for g in rel_groups]
    return nodes, rels, gone.len()


def run_neo4j_stages(
    data_dir: Path, runner: QueryRunner, naive_sample: int = 2000, rank_max: int = 100_000,
    parity: bool = False, log: Any = None, bulk_import: bool = False, workers: int = WORKERS,
) -> list[dict[str, Any]]:
    """Time the Neo4j stages on one data directory; rows of {stage, seconds, rows, rate, note}.

    ``workers`` is push's number of concurrent writers (push, naive's comparison, re-push, prune).
    """
    say = log or (lambda text: print(text, file=sys.stderr, flush=True))
    data, _issues = load_valid(data_dir)
    scoring = load_scoring(data_dir)
    (pg, node_groups, rel_groups), groups_s = _timed(_push_rows, data, scoring)
    n = pg.companies.height
    nodes = sum(len(g.rows) for g in node_groups)
    rels = sum(len(g.rows) for g in rel_groups)
    result: list[dict[str, Any]] = []

    def row(stage: str, seconds: float, count: int | None = None, unit: str = "", note: str = "") -> None:
        rate = count / seconds if count and seconds else None
        result.append({"companies": n, "stage": stage, "seconds": round(seconds, 2), "rows": count,
                       "rate": round(rate) if rate else None, "unit": unit, "note": note})
        say(f"[{n:,}] {stage}: {seconds:.2f} s" + (f", {rate:,.0f} {unit}/s" if rate else "") + f" {note}")

    row("push_rows", groups_s, nodes + rels, "rows", "chainkg neo4j push's rows: pool graph, diagnosis, exact "
        "scores, pool_groups (company rows made batch by batch while written)")
    wipe(runner)
    marks: dict[str, float] = {}

    def progress(done: int, total: int) -> None:
        if done >= nodes and "nodes" not in marks:
            marks["nodes"] = time.perf_counter()

    load = os.getloadavg()[0]
    start, start_cpu = time.perf_counter(), time.process_time()
    counts = push_groups(runner, node_groups, rel_groups, BATCH_SIZE, progress, workers=workers)
    push_s, push_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    if sum(counts["relationships"].values()) != rels or sum(counts["nodes"].values()) != nodes:
        raise SystemExit(f"push left {counts}, expected {nodes} nodes and {rels} relationships")
    row("push", push_s, rels, "rels", f"{nodes:,} nodes + {rels:,} relationships into an empty database, "
        f"batch {BATCH_SIZE:,}, {workers} writers; relationships phase alone "
        f"{rels / (start + push_s - marks['nodes']):,.0f} rels/s; client CPU {push_cpu:.1f} s; "
        f"load average {load:.1f} at the start")
    sample = _sample(rel_groups, naive_sample)
    naive_s = _naive(runner, sample)
    row("naive", naive_s, len(sample), "rels", f"row-at-a-time MERGE, one transaction per row, {len(sample):,} rows")
    push_rate = rels / push_s
    naive_rate = len(sample) / naive_s
    result[-1]["note"] += f"; batched push is {push_rate / naive_rate:.1f}x this rate"
    say(f"[{n:,}] batched push / naive: {push_rate / naive_rate:.1f}x")
    _counts, repush_s = _timed(push_groups, runner, node_groups, rel_groups, BATCH_SIZE, workers=workers)
    row("repush", repush_s, rels, "rels", f"same data again (MERGE finds everything), {workers} writers")

    small_nodes, small_rels, gone = _without_companies(data, pg, node_groups, rel_groups, 0.01)
    token = "bench-prune"
    _c, small_push_s = _timed(push_groups, runner, small_nodes, small_rels, BATCH_SIZE, token=token,
                              workers=workers)
    pruned, prune_s = _timed(prune, runner, token, BATCH_SIZE)
    deleted = {kind: sum(counts.values()) for kind, counts in pruned.items()}  # per label/type → totals
    expected_rels = sum(len(g.rows) for g in small_rels)
    after = server_counts(runner)
    if sum(after["relationships"].values()) != expected_rels or after["nodes"].get("Company") != sum(
            len(g.rows) for g in small_nodes if g.label == "Company"):
        raise SystemExit(f"prune left {after}")
    row("prune", prune_s, deleted["nodes"] + deleted["relationships"], "rows",
        f"after pushing the set without {gone:,} companies ({small_push_s:.1f} s): deleted "
        f"{deleted['nodes']:,} nodes, {deleted['relationships']:,} relationships; counts exact")
    deleted_nodes, wipe_s = _timed(wipe, runner)
    row("wipe", wipe_s, deleted_nodes, "nodes", "push --wipe's delete, CALL { … } IN TRANSACTIONS")
    if bulk_import:
        _bulk_import(runner, node_groups, rel_groups, row)
    if n <= rank_max:
        if not bulk_import:  # else the importer has just loaded the data set
            push_groups(runner, node_groups, rel_groups, BATCH_SIZE)
        diagnosis, diag_s = _timed(diagnose_on_server, runner, scoring.diagnosis)
        row("diagnose_server", diag_s, note="gaps --backend neo4j (query + Python formatting)")
        ranked, rank_s = _timed(rank_on_server, runner, diagnosis, scoring.rank, None, 100)
        row("rank_server", diag_s + rank_s, note=f"rank --top 100 --backend neo4j: diagnosis {diag_s:.1f} s "
            f"+ ranking {rank_s:.1f} s")
        if parity and n <= 100_000:
            from chainkg.analysis.shortlist import rank

            g = pool_graph(data)
            local_diag = diagnose(g, scoring.diagnosis)
            same = ([d.model_dump() for d in diagnosis] == [d.model_dump() for d in local_diag]
                    and [server_fields(p) for p in ranked]
                    == [server_fields(p) for p in rank(g, local_diag, base_settings(scoring.rank), top=100)])
            row("parity", 0.0, note=f"server diagnosis and top 100 identical to the tables': {same}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    row("client_peak", 0.0, note=f"peak RSS of this process {peak_mb:,.0f} MB")
    return result


def _bulk_import(runner: QueryRunner, node_groups: list[NodeGroup], rel_groups: list[RelGroup], row: Any) -> None:
    """First load by the offline importer into the (now empty) database of our scripts/neo4j-server."""
    rels = sum(len(g.rows) for g in rel_groups)
    with tempfile.TemporaryDirectory(prefix="chainkg-import-") as tmp:
        _args, files_s = _timed(write_import_files, node_groups, rel_groups, Path(tmp), "bench-import")
        script = Path(__file__).resolve().parents[1] / "scripts" / "neo4j-server"
        _proc, import_s = _timed(subprocess.run, [str(script), "import", tmp], check=True,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    start = time.perf_counter()
    for statement in schema_statements():
        runner.write(statement)
    runner.run("CALL db.awaitIndexes(3600)")
    schema_s = time.perf_counter() - start
    counts = server_counts(runner)
    if sum(counts["relationships"].values()) != rels:
        raise SystemExit(f"bulk import left {counts}")
    total = files_s + import_s + schema_s
    row("bulk_import", total, rels, "rels", f"offline importer: files {files_s:.1f} s + stop/import/start "
        f"{import_s:.1f} s + constraints and indexes {schema_s:.1f} s; counts exact")


def markdown(rows: list[dict[str, Any]]) -> str:
    """One table: companies, stage, seconds, rows, rate, what was measured."""
    lines = ["| companies | stage | seconds | rows | rate /s | note |", "|---:|---|---:|---:|---:|---|"]
    for r in rows:
        rate = f"{r['rate']:,} {r['unit']}" if r["rate"] else ""
        count = f"{r['rows']:,}" if r["rows"] else ""
        lines.append(f"| {r['companies']:,} | {r['stage']} | {r['seconds']:.2f} | {count} | {rate} | {r['note']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("data", type=Path, nargs="+", help="generated data directories")
    parser.add_argument("--parity", action="store_true", help="also compare the server's top 100 with networkx")
    parser.add_argument("--rank-max", type=int, default=100_000, help="server-side rank up to this size")
    parser.add_argument("--naive-sample", type=int, default=2000)
    parser.add_argument("--json", type=Path, help="also write the rows here")
    parser.add_argument("--workers", type=int, default=WORKERS, help="push's concurrent writers (default: %(default)s)")
    parser.add_argument("--bulk-import", action="store_true",
                        help="also time the offline importer (restarts the server of scripts/neo4j-server)")
    args = parser.parse_args(argv)
    rows: list[dict[str, Any]] = []
    with connect(settings_from()) as runner:
        for data_dir in args.data:
            rows += run_neo4j_stages(data_dir, runner, args.naive_sample, args.rank_max, args.parity,
                                     bulk_import=args.bulk_import, workers=args.workers)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8")
    print(markdown(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
