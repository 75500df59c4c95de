"""The ids filters and commands take, as plain rows: ``chainkg ls fields|chains|segments|companies``."""

from __future__ import annotations

from typing import Any

import networkx as nx

from chainkg.filters import STAGE_NAMES
from chainkg.graph import nodes_of

__all__ = ["KINDS", "listing"]

KINDS = ("fields", "chains", "segments", "companies")


def listing(g: nx.MultiDiGraph, kind: str) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows listing one kind of record, sorted by id.

    >>> from chainkg.graph import node_id
    >>> g = nx.MultiDiGraph(); g.add_node(node_id("Field", "mfg"), label="Field", id="mfg", name="制造")
    >>> listing(g, "fields")
    (['id', '名称', '产业链'], [['mfg', '制造', 0]])
    """
    if kind == "fields":
        of_field = [a["field"] for _k, a in nodes_of(g, "Chain")]
        return ["id", "名称", "产业链"], [[a["id"], a["name"], of_field.count(a["id"])]
                                         for _k, a in sorted(nodes_of(g, "Field"))]
    if kind == "chains":
        fields = {a["id"]: a["name"] for _k, a in nodes_of(g, "Field")}
        return ["id", "名称", "领域", "优先级"], [[a["id"], a["name"], fields.get(a["field"], a["field"]),
                                                  a["priority"]] for _k, a in sorted(nodes_of(g, "Chain"))]
    if kind == "segments":
        chains = {a["id"]: a["name"] for _k, a in nodes_of(g, "Chain")}
        return ["id", "名称", "产业链", "链位", "上级环节"], [
            [a["id"], a["name"], chains.get(a["chain"], a["chain"]), STAGE_NAMES.get(a["stage"], a["stage"]),
             a.get("parent") or ""] for _k, a in sorted(nodes_of(g, "Segment"))]
    if kind == "companies":
        return ["id", "名称", "简称", "所在地", "本地"], [
            [a["id"], a["name"], "、".join(a.get("aliases") or ()),
             "".join(dict.fromkeys(x for x in (a["province"], a["city"], a["district"]) if x)),
             "是" if a["is_local"] else ""] for _k, a in sorted(nodes_of(g, "Company"))]
    raise ValueError(kind)
