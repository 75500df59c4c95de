"""The tour in README.md is real output: every block is re-run and compared (scripts/readme_tour.py).

When a change to the data or to an output makes this fail, regenerate the blocks with
``scripts/dev tour`` (or ``.venv/bin/python scripts/readme_tour.py``) and read the diff before committing it.
"""

from __future__ import annotations

import difflib

import pytest

from conftest import script_module

tour = script_module("readme_tour")
README_LINES = tour.README.read_text(encoding="utf-8").split("\n")
BLOCKS = tour.tour_blocks(README_LINES)


def test_the_tour_blocks_are_found() -> None:
    names = [b.name for b in BLOCKS]
    for command in ("chainkg validate", "chainkg stats", "chainkg show", "chainkg gaps", "chainkg rank",
                    "chainkg explain", "chainkg whatif", "chainkg export prospects"):
        assert any(n.startswith(command) for n in names), command
    gaps = next(b for b in BLOCKS if b.name.startswith("chainkg gaps"))
    assert gaps.commands[0].first == 34 and README_LINES[gaps.end - 1] == tour.CUT


def test_block_parsing_and_the_first_lines_note() -> None:
    text = ["# x", "## A tour", "```text", "$ chainkg gaps      (first 2 lines)", "a", "b", "…", "```",
            "```bash", "$ not a tour block", "```", "```text", "$ cp a b", "$ chainkg stats", "out", "```",
            "## Next", "```text", "$ chainkg rank", "```"]
    blocks = tour.tour_blocks(text)
    assert [(b.start, b.end, [(c.command, c.first) for c in b.commands]) for b in blocks] == [
        (3, 7, [("chainkg gaps", 2)]), (12, 15, [("cp a b", None), ("chainkg stats", None)])]
    assert blocks[1].name == "chainkg stats"


def test_a_stale_block_is_reported_and_rewritten() -> None:
    lines = ["## A tour", "```text", "$ echo one; echo two; echo three      (first 2 lines)", "old", "```"]
    new, diff = tour.updated(lines)
    assert new == ["## A tour", "```text", "$ echo one; echo two; echo three      (first 2 lines)", "one", "two",
                   "…", "```"]
    assert "-old" in diff and "+one" in diff


@pytest.mark.parametrize("block", BLOCKS, ids=[b.name for b in BLOCKS])
def test_readme_tour_output_is_what_the_command_prints(block) -> None:  # type: ignore[no-untyped-def]
    fresh, shown = tour.run_block(block), tour.shown(README_LINES, block)
    if fresh != shown:
        diff = "\n".join(difflib.unified_diff(shown, fresh, "README.md", "now", lineterm=""))
        pytest.fail(f"README.md:{block.start + 1}: the tour is out of date; run "
                    f"scripts/dev tour\n{diff}")
