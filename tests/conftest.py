"""Shared fixtures: the hand-made tiny data set and a writable copy of it."""

from __future__ import annotations

import importlib.util
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from chainkg.dataset.load import load_valid
from chainkg.graph.pool_graph import PoolGraph, pool_graph
from chainkg.model.records import DataSet
from oracle import build_graph

# The tests never read or write the user's cache of large pools (chainkg.dataset.pool_cache).
os.environ["CHAINKG_CACHE_DIR"] = tempfile.mkdtemp(prefix="chainkg-test-cache-")

TINY = Path(__file__).parent / "data" / "tiny"
BUNDLED = Path(__file__).resolve().parents[1] / "graph_data"


@pytest.fixture
def tiny_dir() -> Path:
    return TINY


@pytest.fixture
def tiny_graph() -> nx.MultiDiGraph:
    return build_graph(load_valid(TINY)[0])


@pytest.fixture
def tiny_data() -> DataSet:
    return load_valid(TINY)[0]


@pytest.fixture
def tiny_pool() -> PoolGraph:
    return pool_graph(load_valid(TINY)[0])


@pytest.fixture
def tiny_copy(tmp_path: Path) -> Path:
    """A writable copy of the tiny data set."""
    target = tmp_path / "data"
    shutil.copytree(TINY, target)
    return target


Edit = Callable[[str, str, str], Path]


@pytest.fixture
def edit(tiny_copy: Path) -> Edit:
    """edit(file, old, new): replace text once in a file of the tiny copy; returns the data dir."""

    def apply(name: str, old: str, new: str) -> Path:
        path = tiny_copy / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return tiny_copy

    return apply


BareMachine = Callable[..., Path]


@pytest.fixture
def bare_machine(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> BareMachine:
    """bare_machine(*tools): PATH is only a directory of stand-ins, whatever this machine has installed.

    fontconfig is there but knows no Chinese font (``fc-list`` lists nothing), and only the named tools
    exist (``dot``, ``chromium`` …), as stand-ins that fail loudly if anything actually runs them: a
    test using this checks what is reported before any drawing or printing.
    """

    def make(*tools: str) -> Path:
        bin_dir = tmp_path_factory.mktemp("bare-bin")
        scripts = {"fc-list": "#!/bin/sh\nexit 0\n"}
        scripts |= {tool: f"#!/bin/sh\necho 'stand-in {tool} must not run' >&2\nexit 99\n" for tool in tools}
        for name, text in scripts.items():
            path = bin_dir / name
            path.write_text(text, encoding="utf-8")
            path.chmod(path.stat().st_mode | stat.S_IXUSR)
        monkeypatch.setenv("PATH", str(bin_dir))
        return bin_dir

    return make


def first_error(bare_machine: BareMachine, root: Path, command: list[str], out: Path, tools: tuple[str, ...]) -> str:
    """The error of ``chainkg COMMAND -o OUT`` on a bare machine with only ``tools`` and a data directory
    that does not exist (had the data been loaded first, its error would be the one shown).

    Checks exit code 2 and that nothing under ``root`` was written, changed or left behind.
    """
    from typer.testing import CliRunner

    from chainkg.cli.main import app

    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    bare_machine(*tools)
    result = CliRunner().invoke(app, [*command, "--data", str(root / "no-data"), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
    return result.output.strip()


def script_module(name: str) -> Any:
    """scripts/NAME.py as a module, loaded once."""
    spec = importlib.util.spec_from_file_location(f"chainkg_{name}", BUNDLED.parent / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = sys.modules.get(spec.name)
    if module is None:
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return module


def benchmark_module() -> object:
    """scripts/benchmark.py as a module (its seeded generator makes the synthetic data sets)."""
    return script_module("benchmark")


def synthetic_data(tmp_path_factory: pytest.TempPathFactory, companies: int, seed: int) -> Path:
    """A synthetic data set of the benchmark's shape (relations, 300 local firms), made by its seeded generator."""
    target = tmp_path_factory.mktemp("synthetic") / "data"
    benchmark_module().generate(companies, target, seed)  # type: ignore[attr-defined]
    return target
