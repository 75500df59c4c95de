"""Issue #17 item 1: one company engine. The commands read companies from the pool's tables,
and the modules that share definitions do not import each other in a circle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "chainkg"


def _imports(path: Path) -> set[str]:
    """Every chainkg module a file imports, at any level (inside functions and TYPE_CHECKING too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("chainkg"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("chainkg"))
    return found


def _module(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _graph() -> dict[str, set[str]]:
    files = {_module(p): p for p in SRC.rglob("*.py")}
    return {name: {m for m in _imports(path) if m in files and m != name} for name, path in files.items()}


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, stack = set(), [start]
    while stack:
        here = stack.pop()
        for there in graph.get(here, ()):
            if there == goal:
                return True
            if there not in seen:
                seen.add(there)
                stack.append(there)
    return False


@pytest.mark.parametrize(("a", "b"), [("chainkg.model.records", "chainkg.model.pool"), ("chainkg.analysis.ranking", "chainkg.analysis.pool_rank")])
def test_no_import_circle(a: str, b: str) -> None:
    graph = _graph()
    assert not (_reaches(graph, a, b) and _reaches(graph, b, a)), f"{a} and {b} import each other"


# Modules of the commands moved to the tables: none may build the full company graph again.
ON_THE_TABLES = ("cli/main", "cli/render", "analysis/backtest", "output/maps", "output/render_map", "output/report",
                 "output/report_render", "analysis/whatif", "analysis/listing", "analysis/filters", "graph/pool_graph")


@pytest.mark.parametrize("name", ON_THE_TABLES)
def test_command_modules_do_not_build_the_company_graph(name: str) -> None:
    imported = _imports(SRC / f"{name}.py")
    assert "chainkg.graph.taxonomy.build_graph" not in imported
    assert "graph_stats" not in (SRC / "graph" / "taxonomy.py").read_text(encoding="utf-8")


def test_rank_focus_is_that_prospect_of_the_full_ranking() -> None:
    """explain's one firm: the same prospect, rank included, as in the full ranking of its kind."""
    from chainkg.analysis.diagnosis import diagnose
    from chainkg.analysis.ranking import RankFilter
    from chainkg.analysis.shortlist import rank
    from chainkg.dataset.load import load_scoring, load_valid
    from chainkg.graph.pool_graph import pool_graph
    from conftest import BUNDLED

    pg = pool_graph(load_valid(BUNDLED)[0])
    scoring = load_scoring(BUNDLED)
    diagnosis = diagnose(pg, scoring.diagnosis)
    targets = RankFilter(kinds=["target", "deepen"])
    everyone = rank(pg, diagnosis, scoring.rank, targets)
    for p in (everyone[0], everyone[len(everyone) // 2], everyone[-1]):
        assert rank(pg, diagnosis, scoring.rank, targets, focus=p.company_id) == [p]
    assert rank(pg, diagnosis, scoring.rank, targets, focus="haust") == []  # a platform is not a target
