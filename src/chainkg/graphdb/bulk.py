"""The push rows as input files of Neo4j's offline bulk importer (``neo4j-admin database import full``).

For a first load into an empty database the importer writes the store files directly,
without transactions. ``write_import_files`` writes one CSV per node group and per
relationship group, with the importer's typed headers (``id:ID(Company)``,
``tags:string[]``, ``:START_ID(Company)`` …), and returns the importer's arguments.
Ids live in one id space per label, as MERGE on ``(label, id)`` does. Every row carries
the ``chainkg_push`` token, so a later ``push --prune`` treats it like pushed data.

Differences to a push, both from the importer's CSV format: an empty list property is
not stored (a push stores ``[]``), and the schema (constraints, indexes) is created by the
next ``chainkg neo4j push`` or by running cypher/schema.cypher.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from chainkg.graphdb.push import PUSH_PROPERTY, NodeGroup, RelGroup
from chainkg.graphdb.rows import FrameRows

__all__ = ["ARRAY_DELIMITER", "write_import_files"]

# chainkg's CSV files separate list items with "|", so no item contains it.
ARRAY_DELIMITER = "|"


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, list):
        return "string[]"
    return "string"


def _columns(rows: Sequence[dict[str, Any]]) -> dict[str, str]:
    """Property key → importer type; an int column with floats in it is double.

    Rows made from a table know their types without being made (the same answer).
    """
    kinds: dict[str, str] = {}
    if isinstance(rows, FrameRows):
        kinds = rows.kinds()
    else:
        for row in rows:
            for key, value in row["props"].items():
                kind = _kind(value)
                known = kinds.get(key)
                if known is None or (known == "long" and kind == "double"):
                    kinds[key] = kind
    kinds.pop("id", None)
    kinds.pop(PUSH_PROPERTY, None)
    return kinds


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _cell(value: Any) -> str:
    # Quoted "" is an empty string; an unquoted empty cell (None, or an empty list) is no
    # property at all.
    if value is None or value == []:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return _quoted(ARRAY_DELIMITER.join(str(v) for v in value))
    return _quoted(str(value))


def _write(path: Path, header: list[str], rows: Iterable[list[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(",".join(_quoted(h) for h in header) + "\n")
        for row in rows:
            handle.write(",".join(_cell(v) for v in row) + "\n")


def write_import_files(
    node_groups: list[NodeGroup], rel_groups: list[RelGroup], out_dir: Path, token: str,
) -> list[str]:
    """Write the importer's CSV files and ``import.args`` into ``out_dir``; return the importer's arguments.

    ``scripts/neo4j-server import DIR`` runs the importer with ``@DIR/import.args``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    out_dir = out_dir.resolve()
    args = [f"--array-delimiter={ARRAY_DELIMITER}", "--multiline-fields=true"]
    for i, group in enumerate(node_groups):
        columns = _columns(group.rows)
        labels = ARRAY_DELIMITER.join([group.label, *([group.extra] if group.extra else [])])
        path = out_dir / f"nodes-{i:02d}-{group.label}.csv"
        _write(path, [f"id:ID({group.label})", *(f"{k}:{t}" for k, t in columns.items()),
                      f"{PUSH_PROPERTY}:string", ":LABEL"],
               ([row["id"], *(row["props"].get(k) for k in columns), token, labels] for row in group.rows))
        args.append(f"--nodes={path}")
    for i, rgroup in enumerate(rel_groups):
        columns = _columns(rgroup.rows)
        path = out_dir / f"relationships-{i:02d}-{rgroup.rel_type}.csv"
        _write(path, [f":START_ID({rgroup.source})", f":END_ID({rgroup.target})",
                      *(f"{k}:{t}" for k, t in columns.items()), f"{PUSH_PROPERTY}:string", ":TYPE"],
               ([row["source"], row["target"], *(row["props"].get(k) for k in columns), token, rgroup.rel_type]
                for row in rgroup.rows))
        args.append(f"--relationships={path}")
    (out_dir / "import.args").write_text("\n".join(args) + "\n", encoding="utf-8")
    return args
