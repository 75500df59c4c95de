"""Data flow one way: each layer of src/chainkg imports only the layers below it (README "For developers").

    model/ → files.py → dataset/ → graph/ → analysis/ → output/ → cli/
                                   importing/ (beside graph/)   graphdb/ (beside output/)

Every import counts, inside functions and under TYPE_CHECKING too; a name taken from the
package itself (``from chainkg import rank``) counts as an import of the module it comes from.
"""

from __future__ import annotations

import pytest

import chainkg
from test_one_engine import SRC, chainkg_imports, module_name

# What each layer may import besides itself: everything below it, nothing beside or above.
MAY_IMPORT: dict[str, set[str]] = {
    "model": set(),
    "files": {"model"},
    "dataset": {"model", "files"},
    "graph": {"model", "files", "dataset"},
    "importing": {"model", "files", "dataset"},
    "analysis": {"model", "files", "dataset", "graph"},
    "output": {"model", "files", "dataset", "graph", "analysis"},
    "graphdb": {"model", "files", "dataset", "graph", "analysis"},
    "cli": {"model", "files", "dataset", "graph", "analysis", "output", "graphdb", "importing"},
}
# The package itself (its lazy public names, __version__) stands above the library and below cli.
ROOT_MAY_IMPORT = {"model", "files", "dataset", "graph", "analysis"}


def layer(module: str) -> str:
    """The layer of a chainkg module: its sub-package, or its own name for a top-level module; "" for the package."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def resolved(imported: str) -> str:
    """``chainkg.rank`` (a lazy name of the package) as the module it is defined in."""
    parts = imported.split(".")
    if len(parts) == 2 and parts[1] in chainkg.__all__ and parts[1] != "__version__":
        return str(getattr(chainkg, parts[1]).__module__)
    return imported


def backward_imports(imports: dict[str, set[str]]) -> list[str]:
    """``module -> imported`` for every import a module's layer may not make."""
    wrong = []
    for module, found in sorted(imports.items()):
        here = layer(module)
        allowed = ROOT_MAY_IMPORT if here == "" else MAY_IMPORT[here]
        for imported in sorted(resolved(m) for m in found):
            there = layer(imported)
            if there in ("", here) or there in allowed:
                continue
            wrong.append(f"{module} -> {imported}")
    return wrong


def _source_imports() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in SRC.rglob("*.py")}
    # Keep only real modules and packages: ``from chainkg.x import name`` also yields chainkg.x.name.
    return {name: {m for m in chainkg_imports(path) if m in modules or resolved(m) != m}
            for name, path in modules.items()}


def test_every_layer_is_placed() -> None:
    found = {layer(module_name(p)) for p in SRC.rglob("*.py")} - {""}
    assert found == set(MAY_IMPORT)


def test_no_module_imports_a_layer_above_or_beside_it() -> None:
    assert backward_imports(_source_imports()) == []


@pytest.mark.parametrize(("module", "imported"), [
    ("chainkg.dataset.checks", "chainkg.analysis.targets"),  # the data checks reading the progress maths
    ("chainkg.graphdb.cypher_export", "chainkg.output.export"),  # graphdb beside output, not above it
    ("chainkg.importing.signals", "chainkg.output.export"),
    ("chainkg.model.records", "chainkg.files"),
    ("chainkg.analysis.shortlist", "chainkg.cli.main"),
    ("chainkg.output.views", "chainkg.graphdb.push"),
    ("chainkg.dataset.load", "chainkg.rank"),  # through the package's lazy names
])
def test_the_check_sees_a_backward_import(module: str, imported: str) -> None:
    assert backward_imports({module: {imported}}) == [f"{module} -> {resolved(imported)}"]


def test_the_check_allows_the_forward_imports() -> None:
    assert backward_imports({
        "chainkg.analysis.targets": {"chainkg.model.target_kinds"}, "chainkg.output.export": {"chainkg.files"},
        "chainkg.graphdb.queries": {"chainkg"}, "chainkg.cli.main": {"chainkg.graphdb.push", "chainkg.rank"},
        "chainkg": {"chainkg.analysis.shortlist"},
    }) == []
