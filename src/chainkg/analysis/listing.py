"""The ids filters and commands take, as plain rows: ``chainkg ls fields|chains|segments|companies``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chainkg.analysis.filters import STAGE_NAMES
from chainkg.graph.taxonomy import nodes_of

if TYPE_CHECKING:
    from chainkg.graph.pool_graph import PoolGraph

__all__ = ["KINDS", "listing"]

KINDS = ("fields", "chains", "segments", "companies")


def listing(pg: PoolGraph, kind: str) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows listing one kind of record, sorted by id (companies from the company table).

    >>> from chainkg.dataset.load import default_data_dir, load_valid
    >>> from chainkg.graph.pool_graph import pool_graph
    >>> listing(pool_graph(load_valid(default_data_dir())[0]), "fields")[0]
    ['id', '名称', '产业链']
    """
    g = pg.taxonomy
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
        columns = ("id", "name", "aliases", "province", "city", "district", "is_local")
        return ["id", "名称", "简称", "所在地", "本地"], [
            [c, name, "、".join(aliases or ()), "".join(dict.fromkeys(x for x in (province, city, district) if x)),
             "是" if is_local else ""]
            for c, name, aliases, province, city, district, is_local
            in pg.companies.select(columns).sort("id").iter_rows()]
    raise ValueError(kind)
