#!/usr/bin/env python3
"""Golden outputs: every command's output on tests/data/tiny and graph_data, to compare engines.

    scripts/golden.py            compare the current outputs with tests/golden/ (exit 1 on a difference)
    scripts/golden.py --update   write them again (after an intended change of an output)

Each case runs the command in-process (typer's CliRunner) and stores its exit code, stdout
and stderr; for commands that write a file, the file's content (JSON/CSV as is, SVG and HTML
reduced to their text, so layout details of Graphviz do not count). tests/test_golden.py
runs the same comparison.
"""

from __future__ import annotations

import argparse
import datetime
import html
import re
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
DATE = "2026-06-30"  # the fixed --date of map and report
# The clock every case runs under: data without a date of their own (tests/data/tiny has no region.yaml
# as_of) age signals from today, and the rank title prints it. The day the golden files were written.
TODAY = datetime.date(2026, 12, 6)


@dataclass(frozen=True)
class Case:
    name: str  # file name under tests/golden/<set>/
    args: tuple[str, ...]
    output: str | None = None  # suffix of the file the command writes (-o), if any


@dataclass(frozen=True)
class Set:
    data: str
    chains: tuple[str, str]
    explain: tuple[str, ...]  # ids, names or aliases (a platform and a partner among them)
    whatif: tuple[str, str]
    near_miss: str  # a name that is not a company: the "是不是 …？" message


SETS = {
    "tiny": Set("tests/data/tiny", ("robot", "chip"),
                ("out-integrator", "外地小减速器", "out-partner", "out-fab", "out-friend"),
                ("out-reducer", "out-fab"), "外地减速"),
    "graph_data": Set("graph_data", ("robotics", "digital-security"),
                      ("zhongguo-shihua", "科大讯飞股份有限公司", "qihoo360", "haust", "huawei"),
                      ("iflytek", "ningde-shidai"), "科大讯"),
}


def cases(s: Set) -> Iterator[Case]:
    yield Case("validate", ("validate",))
    yield Case("stats.json", ("stats", "-f", "json"))
    yield Case("stats.txt", ("stats",))
    for chain in s.chains:
        yield Case(f"show-{chain}.txt", ("show", chain))
        yield Case(f"show-{chain}.json", ("show", chain, "-f", "json"))
    yield Case("gaps.json", ("gaps", "-f", "json"))
    yield Case("rank-all.json", ("rank", "-f", "json", "--top", "0"))
    yield Case("rank-flat.json", ("rank", "-f", "json", "--top", "0", "--flat"))
    yield Case("rank-top20.txt", ("rank", "--top", "20"))
    yield Case("rank.csv", ("rank", "-f", "csv"))
    for i, firm in enumerate(s.explain):
        yield Case(f"explain-{i}.json", ("explain", firm, "-f", "json"))
        yield Case(f"explain-{i}.txt", ("explain", firm))
    yield Case("explain-csv.csv", ("explain", s.explain[0], "-f", "csv"))
    yield Case("explain-near-miss.txt", ("explain", s.near_miss))
    for i, firm in enumerate(s.whatif):
        yield Case(f"whatif-{i}.json", ("whatif", "--add", firm, "-f", "json"))
    yield Case("whatif-both.txt", ("whatif", "--add", ",".join(s.whatif)))
    for kind in ("fields", "chains", "segments", "companies"):
        yield Case(f"ls-{kind}.json", ("ls", kind, "-f", "json"))
    yield Case("export-prospects.csv", ("export", "prospects"), ".csv")
    yield Case("export-prospects.json", ("export", "prospects"), ".json")
    for chain in s.chains:
        yield Case(f"map-{chain}.svg.txt", ("map", chain, "--date", DATE), ".svg")
        yield Case(f"map-{chain}-vision.svg.txt", ("map", chain, "--vision", "--date", DATE), ".svg")
    yield Case("report.html.txt", ("report", "--date", DATE), ".html")
    yield Case("evaluate.json", ("evaluate", "-f", "json"))


def _text_of(markup: str) -> str:
    """The text of an SVG or HTML file, one element's text a line (no layout, no styles)."""
    markup = re.sub(r"<(script|style)\b.*?</\1>", "", markup, flags=re.S)
    parts = (html.unescape(p).strip() for p in re.split(r"<[^>]*>", markup))
    return "\n".join(p for p in parts if p) + "\n"


def run(s: Set, case: Case) -> str:
    """The recorded result of one case: exit code, stdout, stderr and the written file."""
    import time_machine
    from typer.testing import CliRunner

    from chainkg.cli.main import app

    args = [*case.args, "--data", str(ROOT / s.data)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"out{case.output}" if case.output else None
        if path is not None:
            args += ["-o", str(path)]
        with time_machine.travel(TODAY, tick=False):
            result = CliRunner().invoke(app, args, env={"COLUMNS": "160", "NO_COLOR": "1"})
        stderr = result.stderr.replace(str(path), "<out>") if path is not None else result.stderr
        text = f"$ chainkg {' '.join(case.args)}\nexit {result.exit_code}\n--- stdout\n{result.stdout}"
        text += f"--- stderr\n{stderr}"
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            text += f"--- exception\n{type(result.exception).__name__}: {result.exception}\n"
        if path is not None and path.exists():
            content = path.read_text(encoding="utf-8")
            text += "--- file\n" + (_text_of(content) if case.output in (".svg", ".html") else content)
    return text


def all_cases() -> Iterator[tuple[str, Set, Case]]:
    for set_name, s in SETS.items():
        for case in cases(s):
            yield set_name, s, case


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--update", action="store_true", help="write the golden files again")
    args = parser.parse_args()
    different = []
    for set_name, s, case in all_cases():
        path = GOLDEN / set_name / case.name
        text = run(s, case)
        if args.update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        elif not path.exists() or path.read_text(encoding="utf-8") != text:
            different.append(f"{set_name}/{case.name}")
    if different:
        print("different from tests/golden/:", *different, sep="\n  ")
        return 1
    print("golden outputs written" if args.update else "golden outputs identical")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
