"""Every command's output on tests/data/tiny and graph_data equals tests/golden/ (scripts/golden.py).

After an intended change of an output: ``scripts/golden.py --update`` and review the diff.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("golden", ROOT / "scripts" / "golden.py")
assert _spec is not None and _spec.loader is not None
golden = importlib.util.module_from_spec(_spec)
sys.modules["golden"] = golden  # dataclasses look their module up
_spec.loader.exec_module(golden)

CASES = list(golden.all_cases())


@pytest.mark.parametrize(("set_name", "data_set", "case"), CASES,
                         ids=[f"{n}/{c.name}" for n, _s, c in CASES])
def test_output_is_golden(set_name: str, data_set: object, case: object) -> None:
    expected = (golden.GOLDEN / set_name / case.name).read_text(encoding="utf-8")  # type: ignore[attr-defined]
    assert golden.run(data_set, case) == expected


def test_every_golden_file_has_a_case() -> None:
    """A golden file no case writes would never be compared."""
    written = {f"{n}/{c.name}" for n, _s, c in CASES}
    stored = {f"{p.parent.name}/{p.name}" for p in golden.GOLDEN.glob("*/*")}
    assert stored == written


def test_the_cases_do_not_depend_on_the_day_they_run() -> None:
    """tests/data/tiny has no data date, so rank ages signals from today and prints it: the cases
    run under golden.TODAY whatever the clock says."""
    import datetime

    import time_machine

    name, data_set, case = next(c for c in CASES if c[0] == "tiny" and c[2].name == "rank-top20.txt")
    with time_machine.travel(datetime.date(2031, 3, 1), tick=False):
        assert golden.run(data_set, case) == (golden.GOLDEN / name / case.name).read_text(encoding="utf-8")
