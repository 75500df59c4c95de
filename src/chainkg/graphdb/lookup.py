"""What a user types, resolved against the pushed graph, and the names tables print.

The command line takes ids or the Chinese names the tool prints (a company also by its
alias) with or without a server; these are the server side of chainkg.analysis.filters: the same
rules and the same messages ("是不是 …？" for a near miss), with the candidates read from
Neo4j instead of the data files.
"""

from __future__ import annotations

from collections.abc import Iterable

from chainkg.analysis.filters import Choices, company_by_key, make_choices, resolve, resolve_one, unknown_company
from chainkg.graphdb.connection import QueryRunner
from chainkg.graphdb.queries import run_named
from chainkg.model.errors import NotFoundError

__all__ = ["LABEL_NAMES", "filter_ids", "node_id", "table_names"]

LABEL_NAMES = {"Field": "领域", "Chain": "产业链", "Segment": "环节", "Company": "企业"}


def _choices(runner: QueryRunner, label: str, option: str) -> Choices:
    rows = run_named(runner, "backend_names", {"label": label})
    return make_choices(option, ((r["id"], r["name"] or "") for r in rows), f"chainkg ls {label.lower()}s")


def filter_ids(runner: QueryRunner, label: str, option: str, values: list[str] | None) -> list[str] | None:
    """Filter values (``--chain 机器人,chip``) as the pushed graph's ids, like the local commands."""
    if not values:
        return None
    return resolve(values, _choices(runner, label, option))


def node_id(runner: QueryRunner, label: str, text: str) -> str:
    """The id of the one Field/Chain/Segment/Company node ``text`` names: its id or name (a company's alias).

    NotFoundError when nothing of the label was pushed; ConfigError/NotFoundError, with the
    closest ids and names, when ``text`` names none (or several).
    """
    if label == "Company":
        return _company_id(runner, text)
    choices = _choices(runner, label, LABEL_NAMES[label])
    if not choices.labels:
        raise NotFoundError(_nothing_pushed(label))
    return resolve_one(text, choices)


def _company_id(runner: QueryRunner, text: str) -> str:
    wanted = text.strip()
    rows = run_named(runner, "backend_company_lookup", {"text": wanted})
    found = company_by_key(text, ((r["id"], r["name"] or "", r["aliases"]) for r in rows))
    if found is not None:
        return found
    # The hint needs every name only when none contains what was typed (chainkg.analysis.filters.unknown_company).
    near = (run_named(runner, "backend_company_near", {"text": wanted})
            or run_named(runner, "backend_company_near", {"text": None}))
    if not near:
        raise NotFoundError(_nothing_pushed("Company"))
    raise NotFoundError(unknown_company(text, ((r["id"], r["name"] or "") for r in near)))


def _nothing_pushed(label: str) -> str:
    return f"Neo4j 上还没有任何{LABEL_NAMES[label]}：请先运行 chainkg neo4j push 推送图谱"


def table_names(runner: QueryRunner, company_ids: Iterable[str]) -> dict[str, str]:
    """id → name of every segment and of ``company_ids``: what the local ``PoolGraph.names`` gives the tables."""
    names = {r["id"]: r["name"] for r in run_named(runner, "backend_names", {"label": "Segment"})}
    names.update((r["id"], r["name"]) for r in run_named(runner, "backend_company_names",
                                                           {"ids": sorted(set(company_ids))}))
    return names
