"""The ``>>>`` examples in the docstrings of every chainkg module are run, so they stay true.

The modules are found by walking the package: a new module's examples run without anyone
listing it here.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import chainkg

PACKAGE = Path(chainkg.__file__).parent
MODULES = sorted(m.name for m in pkgutil.walk_packages(chainkg.__path__, "chainkg."))


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), report=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} fail (run doctest on it)"


def test_every_module_with_examples_is_collected() -> None:
    """Each source file that holds a ``>>>`` line is one of the modules above, and its examples run."""
    with_examples = sorted(_module_name(p) for p in PACKAGE.rglob("*.py")
                           if re.search(r"^\s*>>> ", p.read_text(encoding="utf-8"), re.MULTILINE))
    assert len(with_examples) > 10 and set(with_examples) <= set(MODULES)
    skipped_only = {"chainkg.importing"}  # its package docstring shows a call on a user's file (+SKIP)
    for name in set(with_examples) - skipped_only:
        assert doctest.testmod(importlib.import_module(name), report=False).attempted > 0, name
