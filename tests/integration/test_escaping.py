"""Names with quotes, backslashes, braces and emoji survive push and export-cypher unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import Edit
from tests.integration.conftest import analyse, counts_of
from typer.testing import CliRunner

from chainkg.cli.neo4j import neo4j_app
from chainkg.graphdb import Neo4jRunner, push, server_counts

pytestmark = pytest.mark.neo4j

NASTY = "O'Brien \"双引号\" \\反斜杠\\n {花括号} $param `tick` 🤖机器人"


@pytest.fixture
def nasty_dir(edit: Edit) -> Path:
    # CSV quoting: the name cell is quoted and its double quotes doubled.
    cell = '"' + NASTY.replace('"', '""') + '"'
    return edit("companies.csv", "out-reducer,外地减速器,", f"out-reducer,{cell},")


def names(runner: Neo4jRunner) -> str:
    return runner.run("MATCH (c:Company {id: 'out-reducer'}) RETURN c.name AS name")[0]["name"]


def test_push_round_trips_names(runner: Neo4jRunner, nasty_dir: Path) -> None:
    push(runner, *analyse(nasty_dir)[:3])
    assert names(runner) == NASTY


def test_export_cypher_runs_on_server_and_round_trips(runner: Neo4jRunner, nasty_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "graph.cypher"
    result = CliRunner().invoke(neo4j_app, ["export-cypher", "-o", str(target), "--data", str(nasty_dir)])
    assert result.exit_code == 0, result.output
    for line in target.read_text(encoding="utf-8").split("\n"):
        if line and not line.startswith("//"):
            runner.write(line)
    assert names(runner) == NASTY
    analysed = analyse(nasty_dir)
    exported = server_counts(runner)
    # The same graph as push writes, and as the oracle's graph has.
    assert push(runner, *analysed[:3]) == exported == counts_of(analysed.data)
    again = CliRunner().invoke(neo4j_app, ["export-cypher", "-o", str(target), "--data", str(nasty_dir)])
    assert again.exit_code == 2 and "文件已存在" in again.output
