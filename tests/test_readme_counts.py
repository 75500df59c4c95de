"""Counts in the READMEs are checked against the bundled data, so they cannot go stale.

Convention (for everyone editing README.md or graph_data/README.md): write a count as
``<!-- count:KEY -->769<!-- /count -->`` (the comments do not render). This test finds every
marker, recomputes KEY from graph_data/ and fails on a mismatch or an unknown KEY.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from chainkg.dataset.load import load_valid
from chainkg.model.records import DataSet

ROOT = Path(__file__).resolve().parents[1]
READMES = [ROOT / "README.md", ROOT / "graph_data" / "README.md"]
MARKER = re.compile(r"<!-- count:(?P<key>[^ ]*) -->(?P<value>[^<]*)<!-- /count -->")

COUNTS: dict[str, Callable[[DataSet], int]] = {
    "fields": lambda d: len(d.fields),
    "chains": lambda d: len(d.chains),
    "segments": lambda d: len(d.segments),
    "companies": lambda d: len(d.companies),
    "local_companies": lambda d: sum(1 for c in d.companies if d.is_local(c)),
    "partners": lambda d: len(d.region.partners),
    "company_segments": lambda d: len(d.company_segments),
    "relations": lambda d: len(d.relations),
    "projects": lambda d: len(d.projects),
    "targets": lambda d: len(d.region.targets),
    "parks": lambda d: len(d.region.parks),
}


def markers(text: str) -> list[tuple[str, str, int]]:
    """(key, written value, line) of every count marker."""
    return [(m["key"], m["value"], text.count("\n", 0, m.start()) + 1) for m in MARKER.finditer(text)]


def test_markers_are_found() -> None:
    assert markers("a <!-- count:fields -->5<!-- /count --> b\n<!-- count:x -->1,190<!-- /count -->") == [
        ("fields", "5", 1), ("x", "1,190", 2)]
    assert len(markers((ROOT / "README.md").read_text(encoding="utf-8"))) >= 10


def check(name: str, text: str, data: DataSet) -> list[str]:
    """One line per marker that is wrong: unknown key, or a value that is not the data's."""
    wrong = []
    for key, value, line in markers(text):
        if key not in COUNTS:
            wrong.append(f"{name}:{line}: unknown count key {key!r} (known: {', '.join(COUNTS)})")
        elif value.replace(",", "") != str(COUNTS[key](data)):
            wrong.append(f"{name}:{line}: {key} is {COUNTS[key](data)}, the README says {value!r}")
    return wrong


@pytest.fixture(scope="module")
def bundled() -> DataSet:
    return load_valid(ROOT / "graph_data")[0]


@pytest.mark.parametrize("readme", READMES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_count_in_the_readme_matches_the_bundled_data(readme: Path, bundled: DataSet) -> None:
    assert check(readme.name, readme.read_text(encoding="utf-8"), bundled) == []


def test_a_stale_count_or_unknown_key_is_caught(bundled: DataSet) -> None:
    stale = len(bundled.companies) - 23
    text = f"x\n<!-- count:companies -->{stale}<!-- /count --> and <!-- count:firms -->1<!-- /count -->"
    assert check("R.md", text, bundled) == [
        f"R.md:2: companies is {len(bundled.companies)}, the README says '{stale}'",
        "R.md:2: unknown count key 'firms' (known: fields, chains, segments, companies, local_companies, partners, "
        "company_segments, relations, projects, targets, parks)",
    ]
