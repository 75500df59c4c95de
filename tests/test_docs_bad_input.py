"""docs/bad-input.md lists every case of the bad-input corpus, so the table cannot fall behind."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_every_corpus_case_is_in_the_table_with_its_exit_code() -> None:
    doc = (ROOT / "docs" / "bad-input.md").read_text(encoding="utf-8")
    for case in sorted((ROOT / "tests" / "bad_data").iterdir()):
        spec = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))
        row = next((line for line in doc.splitlines() if line.startswith(f"| [`{case.name}`]")), None)
        assert row is not None, f"{case.name} is missing from docs/bad-input.md"
        assert f"| {spec['exit']} |" in row
        for issue in (spec.get("issues") or [])[:3]:
            assert issue["message"].replace("|", "\\|") in row, (case.name, issue["message"])
