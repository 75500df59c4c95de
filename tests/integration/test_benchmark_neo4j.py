"""scripts/benchmark.py --neo4j's worker against the real server: every stage, exact counts, one table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.conftest import benchmark_module

from chainkg.graphdb import Neo4jRunner, server_counts

pytestmark = pytest.mark.neo4j


def test_neo4j_stages_of_one_size_in_a_fresh_process(runner: Neo4jRunner, tmp_path: Path) -> None:
    bench: Any = benchmark_module()
    data_dir, counts = bench.ensure_data(1_500, tmp_path, 3)
    rows = bench._neo4j_worker(data_dir)  # the same subprocess `--neo4j` runs per size
    stages = [r["stage"] for r in rows]
    assert stages == ["rows_from_dataset", "push", "naive", "repush", "prune", "wipe", "diagnose_server",
                      "rank_server"]
    push = rows[1]
    # The rank stages pushed the data set again: the server holds every relationship the push counted.
    relationships = server_counts(runner)["relationships"]
    assert push["rows"] == sum(relationships.values()) > counts["company_segments"] + counts["relations"]
    assert relationships["OPERATES_IN"] == counts["company_segments"]
    assert "counts exact" in rows[4]["note"] and all(r["companies"] == 1_500 for r in rows)
    table = bench._neo4j_stages_module().markdown(rows)
    assert table.count("\n") == len(rows) + 1 and "| 1,500 | push |" in table
