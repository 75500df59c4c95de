"""Issue #17 item 1: one company engine. The commands read companies from the pool's tables,
and the modules that share definitions do not import each other in a circle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "chainkg"


def chainkg_imports(path: Path) -> set[str]:
    """Every chainkg module a file imports, at any level (inside functions and TYPE_CHECKING too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("chainkg"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("chainkg"))
    return found


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in SRC.rglob("*.py")}
    return {name: {m for m in chainkg_imports(path) if m in files and m != name} for name, path in files.items()}


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


@pytest.mark.parametrize(("a", "b"), [
    ("chainkg.model.records", "chainkg.model.pool"), ("chainkg.analysis.ranking", "chainkg.analysis.pool_rank"),
    ("chainkg.analysis.prospects", "chainkg.analysis.ranking"), ("chainkg.analysis.components", "chainkg.analysis.reasons"),
    ("chainkg.analysis.evidence", "chainkg.analysis.reasons"), ("chainkg.analysis.reasons", "chainkg.analysis.shortlist"),
])
def test_no_import_circle(a: str, b: str) -> None:
    graph = _graph()
    assert not (_reaches(graph, a, b) and _reaches(graph, b, a)), f"{a} and {b} import each other"


# Modules of the commands moved to the tables: none may build the full company graph again.
ON_THE_TABLES = ("cli/main", "cli/render", "analysis/backtest", "output/maps", "output/report", "analysis/whatif",
                 "analysis/listing", "analysis/filters", "graph/pool_graph", "analysis/shortlist",
                 "analysis/evidence", "analysis/reasons")


def test_result_models_and_labels_import_no_ranking_logic() -> None:
    """ranking.py split by job (issue #17): prospects.py holds the models and labels and depends on
    none of the modules that rank; they all read it."""
    graph = _graph()
    for logic in ("ranking", "components", "reasons", "evidence", "pool_rank", "shortlist"):
        assert not _reaches(graph, "chainkg.analysis.prospects", f"chainkg.analysis.{logic}"), logic
        assert _reaches(graph, f"chainkg.analysis.{logic}", "chainkg.analysis.prospects"), logic


@pytest.mark.parametrize("name", ON_THE_TABLES)
def test_command_modules_do_not_build_the_company_graph(name: str) -> None:
    imported = chainkg_imports(SRC / f"{name}.py")
    assert "chainkg.graph.taxonomy.build_graph" not in imported


@pytest.fixture
def no_company_nodes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any networkx graph that gets a Company node (what reasons once needed)."""
    import networkx as nx

    add_node = nx.MultiDiGraph.add_node

    def guarded(self: nx.MultiDiGraph, key: object, **attrs: object) -> None:
        assert attrs.get("label") != "Company", f"a networkx Company node: {key}"
        add_node(self, key, **attrs)

    monkeypatch.setattr(nx.MultiDiGraph, "add_node", guarded)


def test_reasons_come_from_the_tables(tiny_pool: object, no_company_nodes: None) -> None:
    """rank and explain write the reasons of the shown firms from their rows (chainkg.analysis.evidence),
    not from a networkx graph of them; the values are the columns' (pool_rank.candidate_scores)."""
    from chainkg.analysis.diagnosis import diagnose
    from chainkg.analysis.pool_rank import exact_scores
    from chainkg.analysis.prospects import SHORTLIST_COMPONENTS
    from chainkg.analysis.shortlist import explain, rank
    from chainkg.graph.pool_graph import PoolGraph
    from chainkg.model.scoring import RankSettings

    assert isinstance(tiny_pool, PoolGraph)
    diagnosis = diagnose(tiny_pool)
    settings = RankSettings()
    prospects = rank(tiny_pool, diagnosis, settings)
    assert prospects and all(p.details["gap_fit"].reasons for p in prospects)
    columns = exact_scores(tiny_pool, diagnosis, settings, also=SHORTLIST_COMPONENTS)
    for row in columns.iter_rows(named=True):
        found = explain(tiny_pool, row["id"], diagnosis, settings)
        assert found.score == row["score"]
        assert {n: c.value for n, c in found.components.items()} == {n: row[n] for n in SHORTLIST_COMPONENTS}
        shown = next(p for p in prospects if p.company_id == row["id"])
        assert found.components == shown.details and found.fills == shown.fills


def test_explain_a_local_firm_has_its_relations(tiny_pool: object, no_company_nodes: None) -> None:
    """A local firm is no candidate: explain still gives its values, relations and reasons."""
    import polars as pl

    from chainkg.analysis.diagnosis import diagnose
    from chainkg.analysis.reasons import relation_lines
    from chainkg.analysis.shortlist import explain
    from chainkg.graph.pool_graph import PoolGraph
    from chainkg.model.scoring import RankSettings

    assert isinstance(tiny_pool, PoolGraph)
    local = tiny_pool.companies.filter(pl.col("is_local")).get_column("id").to_list()
    related = set(tiny_pool.relations.get_column("from_id").to_list() + tiny_pool.relations.get_column("to_id").to_list())
    firm = next(c for c in local if c in related)
    found = explain(tiny_pool, firm, diagnose(tiny_pool), RankSettings())
    assert found.evidence.company["is_local"] and found.evidence.channel is not None
    assert found.evidence.channel.hops == 0
    lines = relation_lines(found.evidence)
    assert lines and all(found.evidence.company["name"] in line for line in lines)


def test_rank_focus_is_that_prospect_of_the_full_ranking() -> None:
    """explain's one firm: the same prospect, rank included, as in the full ranking of its kind."""
    from chainkg.analysis.diagnosis import diagnose
    from chainkg.analysis.prospects import RankFilter
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


def _company_node_calls(path: Path) -> list[int]:
    """Lines of calls that add a node labelled Company (``add_node(…, label="Company")``)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("add_node", "add_nodes_from")
                and any(kw.arg == "label" and isinstance(kw.value, ast.Constant) and kw.value.value == "Company"
                        for kw in node.keywords)):
            lines.append(node.lineno)
    return lines


def test_no_module_adds_company_nodes_to_a_networkx_graph() -> None:
    """Companies live in the PoolGraph's tables; the all-networkx graph is tests/oracle.py's alone."""
    import chainkg
    import chainkg.graph.taxonomy as taxonomy

    found = {str(p.relative_to(SRC)): lines for p in sorted(SRC.rglob("*.py")) if (lines := _company_node_calls(p))}
    assert found == {}
    assert not hasattr(taxonomy, "build_graph") and "build_graph" not in chainkg.__all__
    # The check itself sees such a call: the oracle makes one.
    assert _company_node_calls(Path(__file__).with_name("oracle.py"))


_GRAPH_TYPES = ("nx.MultiDiGraph", "nx.DiGraph", "nx.Graph", "nx.MultiGraph", "networkx.MultiDiGraph")


def _takes_a_graph(arg: ast.arg) -> bool:
    return arg.annotation is not None and any(t in ast.unparse(arg.annotation) for t in _GRAPH_TYPES)


def _company_graph_functions(path: Path) -> list[str]:
    """Functions that take a networkx graph and either look for Company nodes in it (any use of the
    label "Company" besides ``node_id("Company", id)``, which only names a key), or take the graph
    as one of several kinds (``nx.MultiDiGraph | DataSet``: a company graph beside the tables)."""
    found = []
    for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        graphs = [a for a in [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs] if _takes_a_graph(a)]
        if not graphs:
            continue
        kinds = {k.strip() for a in graphs for k in ast.unparse(a.annotation or ast.Constant("")).split("|")}
        if kinds - {*_GRAPH_TYPES, "None"}:
            found.append(f"{fn.name}:{fn.lineno} takes a graph or something else")
        keys = {id(n.args[0]) for n in ast.walk(fn) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                and n.func.id == "node_id" and n.args}
        company = [n.lineno for n in ast.walk(fn)
                   if isinstance(n, ast.Constant) and n.value == "Company" and id(n) not in keys]
        if company:
            found.append(f"{fn.name}:{fn.lineno} reads Company nodes of its graph (line {company[0]})")
    return found


def test_no_function_takes_or_reads_a_company_graph() -> None:
    """A networkx graph in src/ is the chain taxonomy: no function passed one looks for companies in it
    (they are the PoolGraph's and the DataSet's rows) or accepts one in place of the tables."""
    found = {str(p.relative_to(SRC)): fns for p in sorted(SRC.rglob("*.py")) if (fns := _company_graph_functions(p))}
    assert found == {}
    # The check sees both: the oracle writes the push groups from its company graph, and
    # diagnoses either that graph or the pool.
    oracle = _company_graph_functions(Path(__file__).with_name("oracle.py"))
    assert any(f.startswith("graph_groups:") and "reads Company nodes" in f for f in oracle)
    assert any(f.startswith("diagnose:") and "something else" in f for f in oracle)
