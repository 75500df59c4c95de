"""scripts/benchmark.py's generator: seeded, the shape it promises, and the README's row counts."""

from __future__ import annotations

from pathlib import Path

from chainkg.load import load_valid
from chainkg.pool_graph import pool_graph
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
