"""Imported companies go into the real Neo4j like hand-entered ones, with their new properties."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.integration.conftest import analyse

from chainkg.graphdb import Neo4jRunner, push
from chainkg.importing import import_companies
from import_helpers import row, rules_data, uscc, write_xlsx

pytestmark = pytest.mark.neo4j


def test_imported_companies_and_rule_assignments_are_pushed(runner: Neo4jRunner, tmp_path: Path) -> None:
    data = rules_data(tmp_path / "data")
    code = uscc("91410300MA0000001")
    export = write_xlsx(tmp_path / "e.xlsx", [row("导入减速机有限公司", 统一社会信用代码=code, 参保人数=120,
                                                  国标行业="C3453", 成立日期="2010-01-05", 经营范围="减速机制造")])
    import_companies(export, data)
    push(runner, *analyse(data)[:3])
    rows = runner.run(
        "MATCH (c:Company {id: $id})-[r:OPERATES_IN]->(s:Segment) "
        "RETURN c.employees AS employees, c.industry_code AS code, c.founded AS founded, "
        "c.registered_capital AS capital, s.id AS segment, r.role AS role, s.keywords AS keywords",
        {"id": f"uscc-{code.lower()}"})
    assert rows == [{"employees": 120, "code": "C3453", "founded": "2010-01-05", "capital": None,
                     "segment": "robot-reducer", "role": "core", "keywords": ["减速器", "减速机"]}]
