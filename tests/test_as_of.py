"""``--as-of``: the data as they were on a day (chainkg.analysis.as_of) — facts dated later change the
ranking, and the replay at an earlier day gives the earlier ranking exactly."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainkg.analysis.as_of import as_of_data, known_by
from chainkg.analysis.diagnosis import diagnose
from chainkg.analysis.shortlist import rank
from chainkg.cli.main import app
from chainkg.dataset.load import load_scoring, load_valid
from chainkg.graph.pool_graph import pool_graph

runner = CliRunner()
DAY = date(2023, 6, 30)  # the tiny data's projects and partner are of 2022: all known by then


def set_column(path: Path, column: str, values: dict[str, str], key: str = "id") -> None:
    """Add ``column`` to a CSV (empty where not given) and set it for the rows whose ``key`` is given."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, [*rows[0], *([column] if column not in rows[0] else [])])
        writer.writeheader()
        for row in rows:
            writer.writerow(row | {column: values.get(row.get(key, ""), row.get(column, ""))})


def _later_relation(d: Path) -> None:
    set_column(d / "relations.csv", "since", {})
    with (d / "relations.csv").open("a", encoding="utf-8") as f:
        f.write("out-small,SUPPLIES,loc-anchor,,test,2024\n")


def _later_signal(d: Path) -> None:
    (d / "signals.csv").write_text("company,date,kind,note,source,url\nout-fab,2024-01-10,扩产,,test,\n",
                                   encoding="utf-8")


def _later_listing(d: Path) -> None:
    set_column(d / "companies.csv", "listed", {"out-integrator": "SZ:300999"})
    set_column(d / "companies.csv", "listed_since", {"out-integrator": "2024-03-01"})


def _later_project(d: Path) -> None:
    with (d / "projects.csv").open("a", encoding="utf-8") as f:
        f.write("p-new,新项目,out-reducer,robot-reducer,,signed,,2024,test,\n")


def _flat(data_dir: Path, today: date, replay: bool) -> list[dict[str, object]]:
    data = load_valid(data_dir)[0]
    if replay:
        data = as_of_data(data, today)
    pg = pool_graph(data)
    scoring = load_scoring(data_dir)
    return [p.model_dump() for p in rank(pg, diagnose(pg, scoring.diagnosis), scoring.rank, today=today)]


@pytest.mark.parametrize(("later", "aged_out"), [
    (_later_relation, False), (_later_signal, True), (_later_listing, False), (_later_project, False)])
def test_a_later_fact_changes_the_ranking_and_the_replay_gives_the_earlier_one(
        tiny_dir: Path, tiny_copy: Path, later, aged_out: bool) -> None:  # type: ignore[no-untyped-def]
    later(tiny_copy)
    earlier = _flat(tiny_dir, DAY, replay=False)
    assert _flat(tiny_copy, date(2025, 1, 1), replay=False) != _flat(tiny_dir, date(2025, 1, 1), replay=False)
    # Before the replay, --as-of only aged signals (a later signal was already left out): any
    # other later fact still counted.
    assert (_flat(tiny_copy, DAY, replay=False) == earlier) is aged_out
    assert _flat(tiny_copy, DAY, replay=True) == earlier


def test_a_year_counts_from_its_last_day_and_undated_facts_stay() -> None:
    assert known_by(None, date(1990, 1, 1))
    assert not known_by(2024, date(2024, 12, 30))
    assert known_by(2024, date(2024, 12, 31))


def test_a_listing_after_the_day_is_not_a_listing_then(tiny_copy: Path) -> None:
    set_column(tiny_copy / "companies.csv", "listed", {"out-integrator": "SH:600001|HK:09999"})
    set_column(tiny_copy / "companies.csv", "listed_since", {"out-integrator": "2020-05-06|2024-03-01"})
    then = as_of_data(load_valid(tiny_copy)[0], DAY)
    integrator = next(c for c in then.companies if c.id == "out-integrator")
    assert (integrator.listed, integrator.listed_since) == (("SH:600001",), ("2020-05-06",))
    # The pool (what rank reads) agrees with the records.
    listed = dict(then.pool.companies.select("id", "listed").iter_rows())
    assert list(listed["out-integrator"]) == ["SH:600001"]


def test_a_company_founded_after_the_day_goes_with_its_rows(tiny_copy: Path) -> None:
    set_column(tiny_copy / "companies.csv", "founded", {"out-integrator": "2024-02-01"})
    data = load_valid(tiny_copy)[0]
    then = as_of_data(data, DAY)
    assert "out-integrator" not in {c.id for c in then.companies}
    assert "out-integrator" not in {s.company_id for s in then.company_segments}
    assert all("out-integrator" not in (r.from_id, r.to_id) for r in then.relations)
    assert "out-integrator" in {c.id for c in as_of_data(data, date(2024, 2, 1)).companies}
    assert data.companies == load_valid(tiny_copy)[0].companies  # the input is not changed


def test_partners_and_progress_after_the_day_are_dropped(edit) -> None:  # type: ignore[no-untyped-def]
    data_dir = edit("region.yaml", "year: 2022\n    source: test", "year: 2024\n    source: test")
    then = as_of_data(load_valid(data_dir)[0], DAY)
    assert then.region.partners == ()


def _cli(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("later", [_later_relation, _later_listing, _later_project])
def test_rank_explain_export_evaluate_as_of_replay_the_earlier_data(tiny_dir: Path, tiny_copy: Path, tmp_path: Path,
                                                                    later) -> None:  # type: ignore[no-untyped-def]
    later(tiny_copy)
    for command in (["rank", "--flat", "--top", "0"], ["explain", "out-small"], ["evaluate"]):
        earlier = json.loads(_cli(*command, "--data", str(tiny_dir), "--as-of", DAY.isoformat(), "-f", "json"))
        now = json.loads(_cli(*command, "--data", str(tiny_copy), "--as-of", DAY.isoformat(), "-f", "json"))
        assert now == earlier, command
    for name, data_dir in (("earlier.csv", tiny_dir), ("now.csv", tiny_copy)):
        _cli("export", "prospects", "-o", str(tmp_path / name), "--data", str(data_dir), "--as-of", DAY.isoformat())
    assert (tmp_path / "now.csv").read_bytes() == (tmp_path / "earlier.csv").read_bytes()


def test_as_of_is_refused_on_the_server_backend(tiny_dir: Path) -> None:
    result = runner.invoke(app, ["rank", "--data", str(tiny_dir), "--backend", "neo4j", "--as-of", "2023-01-01"])
    assert result.exit_code == 2
    assert "--as-of 只用于本地计算" in result.stderr


def test_as_of_help_says_undated_facts_stay() -> None:
    result = runner.invoke(app, ["rank", "--help"], terminal_width=200)
    assert "没有日期的事实保留" in result.stdout


def _dated(seed: int, data=None):  # type: ignore[no-untyped-def]
    """The data (default: the bundled data) with seeded dates on every kind of fact as_of_data reads:
    founding days, listing days (some codes without, some lists that do not pair up), relation and
    partner years."""
    import random

    from conftest import BUNDLED

    rng = random.Random(seed)
    data = load_valid(BUNDLED)[0] if data is None else data
    days = ["2019-03-01", "2021-12-31", "2022-12-31", "2023-01-01", "2023-06-30", "2024-02-29", "2025-12-31"]
    companies = []
    for i, company in enumerate(data.companies):
        update: dict[str, object] = {}
        if rng.random() < 0.3:
            update["founded"] = rng.choice(days)
        if rng.random() < 0.3:
            codes = tuple(f"SZ:{300000 + i * 3 + k:06d}" for k in range(rng.randint(1, 3)))
            update["listed"] = codes
            update["listed_since"] = tuple(rng.choice(days) for _ in codes[: len(codes) - (rng.random() < 0.2)])
        companies.append(company.model_copy(update=update))
    relations = tuple(r.model_copy(update={"since": rng.choice((None, 2020, 2022, 2023, 2024))})
                      for r in data.relations)
    partners = tuple(p.model_copy(update={"year": rng.choice((None, 2022, 2023, 2024))}) for p in data.region.partners)
    return data.model_copy(update={"companies": tuple(companies), "relations": relations,
                                   "region": data.region.model_copy(update={"partners": partners})})


@pytest.mark.parametrize("seed", [1, 2])
def test_the_tables_filtered_give_the_records_filtered_one_by_one(seed: int) -> None:
    from oracle import as_of_records

    data = _dated(seed)
    for day in (date(2021, 6, 30), date(2022, 12, 31), date(2023, 6, 30), date(2024, 12, 31)):
        expected, found = as_of_records(data, day), as_of_data(data, day)
        for table in ("companies", "company_segments", "relations"):
            assert getattr(found, table) == getattr(expected, table), (day, table)
        assert found.model_dump(exclude={"pool"}) == expected.model_dump(exclude={"pool"}), day
        # What the dates are for happens: firms not yet founded, codes not yet listed, relations not yet known.
        assert len(found.companies) < len(data.companies) and len(found.relations) < len(data.relations)
        listed = {c.id: c.listed for c in data.companies}
        assert any(c.listed != listed[c.id] for c in found.companies)
        assert diagnose(pool_graph(found)) == diagnose(pool_graph(expected))
