"""The ``>>>`` examples in the docstrings of these modules are run, so they stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["chainkg.normalize", "chainkg.hygiene", "chainkg.issues", "chainkg.filters", "chainkg.listing",
           "chainkg.terminal", "chainkg.export", "chainkg.graphdb.connection", "chainkg.targets"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
