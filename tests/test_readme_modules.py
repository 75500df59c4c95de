"""README "For developers" names every module under src/chainkg (scripts/readme_modules.py writes the block)."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import script_module

modules = script_module("readme_modules")
SRC = modules.PACKAGE


def test_every_module_is_named_in_the_readme_with_its_docstring() -> None:
    text = modules.README.read_text(encoding="utf-8")
    assert modules.rewritten(text) == text, "README module table is stale: run scripts/readme_modules.py"
    section = text.split("## For developers", 1)[1]
    for path in SRC.rglob("*.py"):
        if path.name != "__init__.py":
            assert f"`{path.relative_to(SRC).as_posix()}`" in section, path


def test_every_module_and_package_has_a_docstring() -> None:
    missing = [p for p in SRC.rglob("*.py") if not modules.summary(p)]
    assert not missing


def test_no_private_name_crosses_a_module_boundary() -> None:
    # A name that starts with _ is its module's own: importing it from another module means it is shared,
    # so it should be public (and documented) where it is defined.
    crossing = []
    for path in [*SRC.rglob("*.py"), *Path(SRC.parents[1], "scripts").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("chainkg"):
                crossing += [f"{path.name}: {node.module}.{a.name}" for a in node.names
                             if a.name.startswith("_") and not a.name.startswith("__")]
    assert not crossing
