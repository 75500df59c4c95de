"""scripts/benchmark.py: its seeded generator (the shape it promises, the README's row counts) and --neo4j's checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from chainkg.dataset.load import load_valid
from chainkg.graph.pool_graph import pool_graph
from conftest import benchmark_module

ROOT = Path(__file__).resolve().parents[1]




def test_generator_shape_and_readme_counts(tmp_path: Path) -> None:
    rows = benchmark_module().generate(10_000, tmp_path / "a", 1)  # type: ignore[attr-defined]
    assert rows == benchmark_module().generate(10_000, tmp_path / "b", 1)  # type: ignore[attr-defined]  # seeded
    assert (tmp_path / "a" / "relations.csv").read_bytes() == (tmp_path / "b" / "relations.csv").read_bytes()
    assert rows["companies"] == 10_000 and rows["local"] == 300
    assert rows["relations"] == 30_000 and 1.9 < rows["company_segments"] / 10_000 < 2.1
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"| 10,000 | {rows['company_segments']:,} | {rows['relations']:,} |" in readme
    dataset = load_valid(tmp_path / "a")[0]
    pg = pool_graph(dataset)
    linked = set(pg.company_segments.get_column("segment_id").to_list())
    local_ids = set(pg.companies.filter(pg.companies.get_column("is_local")).get_column("id").to_list())
    local_segments = set(pg.company_segments.filter(
        pg.company_segments.get_column("company_id").is_in(list(local_ids))).get_column("segment_id").to_list())
    assert len(local_segments) < 0.5 * len(linked)  # most segments have no local firm


def test_neo4j_flag_without_server_variables_stops_with_the_reason(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("NEO4J_URI", raising=False)
    main = benchmark_module().main  # type: ignore[attr-defined]
    assert main(["--neo4j", "--sizes", "1000", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("benchmark --neo4j: 未指定 Neo4j 地址") and err.count("\n") == 1
    assert not (tmp_path / "out").exists()  # checked before anything is generated or measured
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")
    monkeypatch.setenv("NEO4J_PASSWORD", "x")
    assert main(["--neo4j", "--sizes", "1000", "--out", str(tmp_path / "out")]) == 2
    assert "连不上 Neo4j 服务器（bolt://127.0.0.1:1）" in capsys.readouterr().err


def test_command_stages_name_a_generated_company_and_chain(tmp_path: Path) -> None:
    """explain/whatif name the first synthetic company and map a bundled chain, at any size."""
    bench = benchmark_module()
    for n in (10_000, 1_000_000):
        args = bench.command_args("explain", tmp_path, n)  # type: ignore[attr-defined]
        assert args == ["explain", "synth-0000001", "--data", str(tmp_path)]
    bench.generate(10_000, tmp_path, 1)  # type: ignore[attr-defined]
    pg = pool_graph(load_valid(tmp_path)[0])
    assert pg.company_names(["synth-0000001"]) and "Chain:robotics" in pg.taxonomy
    assert bench.command_args("map", tmp_path, 10_000)[:3] == ["map", "robotics", "-o"]  # type: ignore[attr-defined]
