"""The pushed graph as a plain, parameter-free ``.cypher`` script (Browser or cypher-shell).

Every value is written as a Cypher literal by ``cypher_literal`` (strings single-quoted with
backslash escapes, so quotes, backslashes, braces and emoji survive); labels and types come
from the push whitelists. One statement per line, each ending in ``;``: line breaks inside
values are escaped, so a script can be split on newlines. MERGE on ids makes it re-runnable.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from chainkg.files import atomic_write
from chainkg.graphdb.push import EXTRA_LABELS, NodeGroup, RelGroup, node_query, rel_query
from chainkg.graphdb.queries import schema_statements

__all__ = ["cypher_literal", "cypher_name", "export_statements", "write_cypher_script"]

_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
# Other control characters and Unicode line separators: \\uXXXX, so lines stay lines.
_SPECIAL = re.compile(r"[\\'\x00-\x1f\x7f\x85\u2028\u2029]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    return _ESCAPES.get(char) or f"\\u{ord(char):04x}"


def cypher_literal(value: Any) -> str:
    """A Cypher literal for a property value.

    >>> print(cypher_literal(["it's", 1, 2.5, True, "a\\\\b"]))
    ['it\\'s', 1, 2.5, true, 'a\\\\b']
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"Cypher has no literal for {value!r}")
        return repr(value)
    if isinstance(value, str):
        return "'" + _SPECIAL.sub(_escape, value) + "'"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{cypher_name(k)}: {cypher_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no Cypher literal for {type(value).__name__}")


def cypher_name(name: str) -> str:
    """A property key, backtick-quoted unless it is a plain identifier: ``cypher_name("a b") == "`a b`"``."""
    return name if _NAME.fullmatch(name) else "`" + name.replace("`", "``") + "`"


def export_statements(nodes: list[NodeGroup], rels: list[RelGroup]) -> Iterator[str]:
    """The script's lines: comments, the schema, one MERGE per node, one per relationship.

    ``nodes`` and ``rels`` are the push's write groups (``chainkg.graphdb.groups.pool_groups``
    or ``chainkg.graphdb.push.dataset_groups``): the script writes what a push writes.
    """
    yield "// chainkg graph export: paste into Neo4j Browser or run with cypher-shell -f FILE"
    yield "// Re-runnable: every node and relationship is merged on its id / ends and type."
    for statement in schema_statements():
        yield " ".join(statement.split()) + ";"
    for group in nodes:
        node_query(group.label, group.extra)  # validates label and extra against the whitelists
        extras = EXTRA_LABELS.get(group.label, ())
        remove = f" REMOVE n:{':'.join(extras)}" if extras else ""
        add = f" SET n:{group.extra}" if group.extra else ""
        for row in group.rows:
            yield (f"MERGE (n:{group.label} {{id: {cypher_literal(row['id'])}}}) "
                   f"SET n = {cypher_literal(row['props'])}{remove}{add};")
    for rgroup in rels:
        rel_query(rgroup.rel_type, rgroup.source, rgroup.target)  # validates the names
        for row in rgroup.rows:
            yield (f"MATCH (a:{rgroup.source} {{id: {cypher_literal(row['source'])}}}) "
                   f"MATCH (b:{rgroup.target} {{id: {cypher_literal(row['target'])}}}) "
                   f"MERGE (a)-[r:{rgroup.rel_type}]->(b) SET r = {cypher_literal(row['props'])};")


def write_cypher_script(path: Path, nodes: list[NodeGroup], rels: list[RelGroup], force: bool = False) -> int:
    """Write the script atomically (refusing to overwrite unless ``force``); return the statement count.

    Lines are written as they are made: a million companies never sit in memory as text.
    """
    count = 0

    def write(tmp: Path) -> None:
        nonlocal count
        with tmp.open("w", encoding="utf-8", newline="\n") as handle:
            for line in export_statements(nodes, rels):
                handle.write(line + "\n")
                count += not line.startswith("//")

    atomic_write(path, write, force)
    return count
