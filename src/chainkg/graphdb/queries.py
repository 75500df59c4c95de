"""Named Cypher queries: the files of ``cypher/queries/``, loaded by name and run with parameters.

Every query file starts with a ``//`` header: what it answers, then one line per
parameter, ``//   $name  description``. ``schema.cypher`` holds the constraints and indexes.
A description says what the command line checks before running the query:

    field id / chain id / segment id / company id   the id of such a node; `chainkg neo4j query`
                                                    also takes its Chinese name (a company's alias)
    e.g. X                                          an example value, an id of the bundled data
    (default N …)                                   optional, a whole number
    from A to B                                     a whole number in this range
"""

from __future__ import annotations

import importlib.resources
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import chainkg
from chainkg.graphdb.connection import QueryRunner
from chainkg.model.errors import NotFoundError

__all__ = ["NamedQuery", "cypher_dir", "list_queries", "load_query", "param_example", "param_label", "param_range",
           "run_named", "schema_statements"]

_PARAM = re.compile(r"^//\s+\$(\w+)\s*(.*)$")
_ID_PARAM = re.compile(r"^(field|chain|segment|company) id\b")
_EXAMPLE = re.compile(r"\be\.g\. ([\w-]+)")
_RANGE = re.compile(r"\bfrom (-?\d+) to (-?\d+)\b")


def cypher_dir() -> Path:
    """The repository's cypher/ when running from a checkout, else the copy inside the package."""
    checkout = Path(chainkg.__file__).resolve().parents[2] / "cypher"
    if checkout.is_dir():
        return checkout
    return Path(str(importlib.resources.files("chainkg") / "_cypher"))


@dataclass(frozen=True)
class NamedQuery:
    """A query file: its name, its text, what it answers and its parameters."""

    name: str  # the file's stem: cypher/queries/<name>.cypher
    text: str  # the whole file, header comments included
    description: str  # the header's first comment lines, joined
    params: dict[str, str]  # parameter → its description ("// $chain_id chain id, e.g. robotics")


def param_label(description: str) -> str | None:
    """The label of the node a parameter names by id ("chain id, e.g. robotics" → Chain), else None."""
    match = _ID_PARAM.match(description)
    return match.group(1).capitalize() if match else None


def param_example(description: str) -> str | None:
    """The example value of a parameter's description ("e.g. robotics" → robotics), if any."""
    match = _EXAMPLE.search(description)
    return match.group(1) if match else None


def param_range(description: str) -> tuple[int, int] | None:
    """The allowed range of a whole-number parameter ("from 1 to 6" → (1, 6)), if it has one."""
    match = _RANGE.search(description)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _parse(name: str, text: str) -> NamedQuery:
    description: list[str] = []
    params: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("//"):
            break
        match = _PARAM.match(line)
        if match:
            params[match.group(1)] = match.group(2).strip()
        elif not params and line.strip("/ ") and not line.strip("/ ").startswith("Parameters"):
            description.append(line.strip("/ "))
    return NamedQuery(name=name, text=text, description=" ".join(description), params=params)


def list_queries() -> list[NamedQuery]:
    """Every named query, by name."""
    return [_parse(p.stem, p.read_text(encoding="utf-8"))
            for p in sorted((cypher_dir() / "queries").glob("*.cypher"))]


def load_query(name: str) -> NamedQuery:
    """One named query; NotFoundError lists the known names."""
    path = cypher_dir() / "queries" / f"{name}.cypher"
    if not re.fullmatch(r"[A-Za-z0-9_]+", name) or not path.is_file():
        known = "、".join(q.name for q in list_queries())
        raise NotFoundError(f"没有名为「{name}」的查询；已有：{known}")
    return _parse(name, path.read_text(encoding="utf-8"))


def run_named(runner: QueryRunner, name: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Run a named query; parameters it declares but that are not given are passed as null."""
    query = load_query(name)
    values = {p: None for p in query.params}
    values.update(params or {})
    unknown = sorted(set(values) - set(query.params))
    if unknown:
        raise NotFoundError(f"查询「{name}」没有参数 {'、'.join(unknown)}；"
                            f"它的参数：{'、'.join(query.params) or '无'}")
    return runner.run(query.text, values)


def schema_statements() -> list[str]:
    """The statements of cypher/schema.cypher (comments removed, split on ';')."""
    text = (cypher_dir() / "schema.cypher").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("//")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
