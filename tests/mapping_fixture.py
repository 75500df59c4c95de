"""The labelled registry-layout export (tests/data/import-labelled/) and its chain-level precision and recall."""

from __future__ import annotations

import csv
from pathlib import Path

from chainkg.dataset.load import load_valid
from chainkg.importing import Mapping, plan_import

LABELLED = Path(__file__).parent / "data" / "import-labelled"


def expected_pairs() -> set[tuple[str, str]]:
    """(企业名称, chain id) pairs written by hand from each firm's 经营范围 (see the folder's README)."""
    with (LABELLED / "expected.csv").open(encoding="utf-8") as handle:
        return {(r["企业名称"], chain) for r in csv.DictReader(handle) for chain in r["产业链"].split("|") if chain}


def assigned_pairs(data_dir: Path, export: Path = LABELLED / "registry-export.csv") -> set[tuple[str, str]]:
    """(企业名称, chain id) pairs the import rules give the export's firms (a dry run: nothing is written)."""
    data, _warnings = load_valid(data_dir)
    chain_of = {s.id: s.chain for s in data.segments}
    plan = plan_import(export, data, data_dir, Mapping(), None, True, None)
    names = {note.company_id: note.name for note in plan.report.new}
    return {(names[company_id], chain_of[r.segment_id])
            for company_id, rows in plan.rule_rows.items() for r in rows if company_id in names}


def precision_recall(data_dir: Path) -> tuple[float, float, set[tuple[str, str]], set[tuple[str, str]]]:
    """Chain-level precision and recall, with the false and the missed pairs."""
    expected, assigned = expected_pairs(), assigned_pairs(data_dir)
    right = expected & assigned
    precision = len(right) / len(assigned) if assigned else 0.0
    return precision, len(right) / len(expected), assigned - expected, expected - assigned


if __name__ == "__main__":  # python tests/mapping_fixture.py [DATA_DIR]: print the figures
    import sys

    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "graph_data"
    p, r, false, missed = precision_recall(directory)
    print(f"precision {p:.1%} recall {r:.1%} ({len(expected_pairs())} expected pairs)")
    for label, pairs in (("false", false), ("missed", missed)):
        for name, chain in sorted(pairs):
            print(f"  {label}: {name} → {chain}")
