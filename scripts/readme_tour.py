"""Re-run the tour of README.md and write (or check) the output shown in its blocks.

    scripts/dev tour           rewrite the tour's output blocks in README.md
    scripts/dev tour --check   exit 1 with a diff when a block is out of date

(``scripts/dev tour`` is ``.venv/bin/python scripts/readme_tour.py``.)

tests/test_readme_tour.py makes the same check, so the README cannot drift from the commands.

What is run, and how the output is compared (the tour's conventions):

- Every ```text block of the section "## A tour" that has lines starting with "$ ". Each such line is
  a command; the lines after it, up to the next command or the end of the block, are its output:
  stdout and stderr together, as a terminal shows them.
- The commands of a block run one after the other in bash (one process each), with COLUMNS=150 (the
  width the README states), in a scratch directory that links the checkout's graph_data/, tests/ and
  examples/, with CHAINKG_DATA=graph_data (so commands run on the bundled data and print it as
  "graph_data"). Files a command writes (``-o prospects.xlsx``) land in the scratch directory; paths
  under /tmp/ are moved into a scratch /tmp and printed back as /tmp/.
- Trailing spaces and trailing empty lines are not compared (and not written): rich pads centred titles
  with spaces, which editors strip.
- A command followed by at least two spaces and "(first N lines)" shows only the first N lines of its
  output, then a line "…".

Nothing in the tour depends on today's date: the dated commands (rank, explain) default to the date of
the newest signal in the data. A command that depended on today would have to pin it (--as-of, --date).
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SECTION = "## A tour"
COLUMNS = "150"
LINKED = ("graph_data", "tests", "examples")
CUT = "…"
_FIRST = re.compile(r"^(?P<command>.*?) {2,}\(first (?P<n>\d+) lines\)$")


@dataclass(frozen=True)
class Command:
    line: str  # the README line, "$ …" with its note
    command: str  # what bash runs
    first: int | None  # show only this many lines of the output


@dataclass(frozen=True)
class Block:
    start: int  # index of the block's first line after the opening fence
    end: int  # index of the closing fence
    commands: tuple[Command, ...]

    @property
    def name(self) -> str:
        return " && ".join(c.command for c in self.commands if c.command.startswith("chainkg"))


def tour_blocks(lines: list[str]) -> list[Block]:
    """The blocks with commands in the tour section of the README's lines."""
    start = next(i for i, line in enumerate(lines) if line.startswith(SECTION))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    blocks: list[Block] = []
    i = start
    while i < end:
        if lines[i].strip() != "```text":
            i += 1
            continue
        close = next(j for j in range(i + 1, end) if lines[j].strip() == "```")
        commands: list[Command] = []
        for line in lines[i + 1:close]:
            if line.startswith("$ "):
                match = _FIRST.match(line[2:])
                commands.append(Command(line, match["command"] if match else line[2:],
                                        int(match["n"]) if match else None))
        if commands:
            blocks.append(Block(i + 1, close, tuple(commands)))
        i = close + 1
    return blocks


def _scratch(work: Path) -> tuple[Path, dict[str, str]]:
    """A checkout-like working directory in ``work`` and the environment the commands run with."""
    checkout, bin_dir = work / "checkout", work / "bin"
    for path in (checkout, bin_dir, work / "tmp"):
        path.mkdir()
    for name in LINKED:
        (checkout / name).symlink_to(ROOT / name)
    chainkg = bin_dir / "chainkg"  # this interpreter's chainkg, whatever is on PATH
    chainkg.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -c "
                       "'from chainkg.cli.main import main; main()' \"$@\"\n", encoding="utf-8")
    chainkg.chmod(0o755)
    env = {**os.environ, "COLUMNS": COLUMNS, "CHAINKG_DATA": "graph_data",
           "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    return checkout, env


def run_block(block: Block) -> list[str]:
    """The block's lines as the commands print them now."""
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="chainkg-tour-") as name:
        work = Path(name).resolve()
        checkout, env = _scratch(work)
        for command in block.commands:
            done = subprocess.run(["bash", "-c", command.command.replace("/tmp/", f"{work}/tmp/")],
                                  cwd=checkout, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True, timeout=300, check=False)
            output = [line.rstrip() for line in done.stdout.replace(f"{work}/tmp/", "/tmp/").splitlines()]
            while output and not output[-1]:
                output.pop()
            if command.first is not None and len(output) > command.first:
                output = [*output[:command.first], CUT]
            lines += [command.line, *output]
    return lines


def shown(lines: list[str], block: Block) -> list[str]:
    """The block's lines as the README shows them, compared as run_block makes them."""
    return [line.rstrip() for line in lines[block.start:block.end]]


def updated(lines: list[str]) -> tuple[list[str], list[str]]:
    """The README's lines with every tour block re-run, and a diff of what changed."""
    new = list(lines)
    diff: list[str] = []
    for block in reversed(tour_blocks(lines)):  # from the end: earlier indices stay valid
        fresh = run_block(block)
        old = shown(lines, block)
        if fresh != old:
            diff[:0] = difflib.unified_diff(old, fresh, f"README.md:{block.start + 1}", f"$ {block.name}",
                                            lineterm="")
        new[block.start:block.end] = fresh
    return new, diff


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 when a block is out of date")
    args = parser.parse_args(argv)
    if shutil.which("bash") is None:
        parser.error("bash is needed to run the tour's commands")
    text = README.read_text(encoding="utf-8")
    new, diff = updated(text.split("\n"))
    if args.check:
        print("\n".join(diff) if diff else "README tour is up to date")
        return 1 if diff else 0
    if diff:
        README.write_text("\n".join(new), encoding="utf-8")
        print(f"README.md: {sum(1 for line in diff if line.startswith('@@'))} tour block hunk(s) rewritten")
    else:
        print("README tour is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
