"""The command line through typer's CliRunner, and once through the installed console script."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainkg import __version__
from chainkg.cli.main import app
from conftest import TINY

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    assert run("--version") == (0, f"chainkg {__version__}\n", "")


def test_validate_clean_data() -> None:
    code, out, _err = run("validate", "--data", str(TINY))
    assert code == 0
    assert out.strip().endswith("0 个错误，0 个警告，校验通过")


def test_validate_reports_errors_with_exit_2(edit) -> None:  # type: ignore[no-untyped-def]
    data = edit("companies.csv", "private,,small", "privte,,small")
    code, out, _err = run("validate", "--data", str(data), "--format", "json")
    assert code == 2
    report = json.loads(out)
    assert report["errors"] == 1
    assert report["issues"][0] == {
        "level": "error", "file": "companies.csv", "line": 3, "field": "ownership",
        "message": "取值「privte」无效，允许的取值：central_soe, local_soe, private, foreign, mixed, "
                   "institute, university, fund",
    }


def test_analysis_command_on_bad_data_prints_one_line_per_error_and_no_traceback(edit) -> None:  # type: ignore[no-untyped-def]
    data = edit("relations.csv", "SUPPLIES,loc-anchor", "SUPPLIES,loc-nobody")
    code, out, err = run("rank", "--data", str(data))
    assert code == 2 and out == ""
    assert err.splitlines() == [
        "错误 relations.csv:2 [to_id]: 企业「loc-nobody」不存在（见 companies.csv）",
        "错误：数据有 1 处错误，请先运行 chainkg validate 查看并修正",
    ]
    assert "Traceback" not in err


def test_missing_data_directory(tmp_path: Path) -> None:
    code, _out, err = run("stats", "--data", str(tmp_path / "nope"))
    assert code == 2
    assert err.startswith("错误：数据目录不存在")


def test_data_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAINKG_DATA", str(TINY))
    code, out, _err = run("stats", "--format", "json")
    assert code == 0 and json.loads(out)["companies"] == {"local": 4, "outside": 7, "partners": 1}


def test_show_chain_tree() -> None:
    code, out, _err = run("show", "robot", "--data", str(TINY))
    assert code == 0
    for text in ("机器人", "上游", "核心零部件", "减速器", "断链", "本地：本地链主", "外地企业 4 家"):
        assert text in out


def test_show_unknown_chain() -> None:
    code, _out, err = run("show", "robots", "--data", str(TINY))
    assert code == 2 and "产业链「robots」不存在；允许的取值：chip（芯片）、robot（机器人）" in err


def test_gaps_json_rows_and_filters() -> None:
    code, out, _err = run("gaps", "--data", str(TINY), "--format", "json", "--status", "broken,missing",
                          "--chain", "robot")
    assert code == 0
    rows = json.loads(out)
    assert [r["segment_id"] for r in rows] == ["robot-parts", "robot-reducer", "robot-integration",
                                               "robot-servo"]
    assert list(rows[0]) == ["segment_id", "segment", "chain_id", "chain", "field_id", "field",
                             "stage", "status", "severity", "local_companies", "partner_companies",
                             "candidate_count", "extends"]


def test_gaps_csv() -> None:
    code, out, _err = run("gaps", "--data", str(TINY), "--format", "csv", "--field", "info")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("环节id,环节,产业链,领域,链位,状态,严重度")
    assert lines[1].startswith("chip-fab,晶圆制造,芯片,信息,中游,断链,0.675")


def test_rank_json_contract() -> None:
    code, out, _err = run("rank", "--data", str(TINY), "--format", "json", "--top", "2")
    assert code == 0
    rows = json.loads(out)
    # Default weights (tests/test_shortlist.py): out-integrator 55, out-small 49.
    assert [r["company_id"] for r in rows] == ["out-integrator", "out-small"]
    assert list(rows[0]) == ["rank", "company_id", "company", "score", "components", "fills",
                             "reasons", "pipeline_stage", "points", "tier", "kind", "headline",
                             "primary_gap", "connects", "kind_reason"]
    assert list(rows[0]["components"]) == ["gap_fit", "capability", "chain_pull",
                                           "partner_proximity", "geography", "intent", "attainability"]


def test_rank_table_shows_reasons() -> None:
    code, out, _err = run("rank", "--data", str(TINY))
    assert code == 0
    # One headline reason per firm: the gap it closes and through whom (details in explain).
    assert "外地集成商" in out and "补机器人「系统集成」断链；可经本地企业「本地链主」引荐" in out


def test_explain() -> None:
    code, out, _err = run("explain", "out-friend", "--data", str(TINY), "--format", "json")
    assert code == 0
    report = json.loads(out)
    # Third under the default weights: out-integrator 55, out-small 49, out-friend 48 (test_shortlist).
    assert report["rank"] == 3 and report["fills"] == ["robot-servo"]
    assert report["channel"]["path"] == ["伙伴的朋友", "伙伴公司"]
    assert report["components"]["partner_proximity"]["value"] == 1.0
    code, out, _err = run("explain", "loc-anchor", "--data", str(TINY))
    assert code == 0 and "本地企业（不参与招商排序）" in out


def test_explain_unknown_company() -> None:
    code, _out, err = run("explain", "nobody", "--data", str(TINY))
    assert code == 2 and err.strip() == "错误：企业「nobody」不存在（可用企业 id、全称或简称；全部企业见 chainkg ls companies）"


def test_whatif() -> None:
    code, out, _err = run("whatif", "--add", "out-reducer", "--data", str(TINY), "--format", "json")
    assert code == 0
    result = json.loads(out)
    # out-reducer is large and core in the reducer: strength 1.0 → the reducer and its parent turn strong.
    assert [(c["segment_id"], c["status_before"], c["status_after"]) for c in result["changes"]] == [
        ("robot-parts", "broken", "strong"), ("robot-reducer", "missing", "strong")]
    assert result["gaps_closed"] == 2
    assert result["severity_removed"] == pytest.approx(0.76 + 0.68)


def test_export_prospects_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "p.json"
    assert run("export", "prospects", "-o", str(target), "--data", str(TINY))[0] == 0
    code, _out, err = run("export", "prospects", "-o", str(target), "--data", str(TINY))
    assert code == 2 and "文件已存在" in err and "--force" in err
    assert run("export", "prospects", "-o", str(target), "--data", str(TINY), "--force")[0] == 0


COMMANDS = [["validate"], ["stats"], ["show"], ["gaps"], ["rank"], ["explain"], ["whatif"],
            ["export", "prospects"], ["neo4j", "push"], ["neo4j", "export-cypher"]]


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_every_command_has_help(command: list[str]) -> None:
    code, out, _err = run(*command, "--help")
    assert code == 0
    assert "--data" in out
    assert len(out.splitlines()) > 5


def test_neo4j_query_has_help() -> None:
    code, out, _err = run("neo4j", "query", "--help")
    assert code == 0 and "--uri" in out


def test_unknown_backend_is_refused() -> None:
    code, _out, _err = run("gaps", "--backend", "spark", "--data", str(TINY))
    assert code == 2


def test_installed_console_script_runs_in_a_subprocess() -> None:
    exe = shutil.which("chainkg")
    assert exe is not None, "pip install -e . puts chainkg on PATH"
    done = subprocess.run([exe, "rank", "--data", str(TINY), "--format", "json", "--top", "1"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["company_id"] == "out-integrator"
    done = subprocess.run([exe, "validate", "--data", "/nonexistent"], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 2 and "Traceback" not in done.stderr
