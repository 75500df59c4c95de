#!/usr/bin/env python3
"""README "For developers" names every module of src/chainkg with the first paragraph of its docstring.

    .venv/bin/python scripts/readme_modules.py          # rewrite the block in README.md
    .venv/bin/python scripts/readme_modules.py --check  # exit 1 and show the diff if it is out of date

The block stands between ``<!-- modules:start -->`` and ``<!-- modules:end -->``; tests/test_readme_modules.py
checks it, so a new, moved or re-described module cannot be missing from the README.
"""

from __future__ import annotations

import ast
import difflib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PACKAGE = ROOT / "src" / "chainkg"
START, END = "<!-- modules:start -->", "<!-- modules:end -->"


def summary(path: Path) -> str:
    """The first paragraph of a module's docstring, on one line."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return " ".join(doc.strip().split("\n\n")[0].split())


def block() -> str:
    """The module table as Markdown: one section per package, one row per module."""
    lines = [START, ""]
    packages = sorted(p.parent for p in PACKAGE.rglob("__init__.py"))
    for package in packages:
        name = package.relative_to(PACKAGE.parent).as_posix()
        lines += [f"**`{name}/`** — {summary(package / '__init__.py')}", ""]
        rows = [f"| `{m.relative_to(PACKAGE).as_posix()}` | {summary(m).replace('|', chr(92) + '|')} |"
                for m in sorted(package.glob("*.py")) if m.name != "__init__.py"]
        if rows:
            lines += ["| module | what it does |", "|---|---|", *rows, ""]
    return "\n".join([*lines, END])


def rewritten(text: str) -> str:
    """README text with the block replaced."""
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    return head + block() + tail


def main() -> int:
    text = README.read_text(encoding="utf-8")
    new = rewritten(text)
    if "--check" in sys.argv[1:]:
        if new != text:
            sys.stdout.writelines(difflib.unified_diff(text.splitlines(True), new.splitlines(True), "README.md", "new"))
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
