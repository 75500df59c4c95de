"""The traps a newcomer hit (issue 8), each pinned: filters, names, formats, pipes, width, help, files."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from chainkg.cli.main import app
from conftest import BUNDLED, TINY, BareMachine, Edit, first_error

runner = CliRunner()
EXE = [sys.executable, "-m", "chainkg.cli.main"]


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def sh(*args: str, columns: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": str(columns)} if columns else dict(os.environ)
    return subprocess.run([sys.executable, "-c", "from chainkg.cli.main import main; main()", *args],
                          capture_output=True, text=True, timeout=120, check=False, env=env)


# ---------------------------------------------------------------- filters that match nothing

UNKNOWN_FILTERS = [
    (["gaps", "--chain", "robotic"],
     "错误：--chain 没有「robotic」；是不是 robotics（机器人及智能制造）？全部取值见 chainkg ls chains"),
    (["rank", "--segment", "robotics-reducr"],
     "错误：--segment 没有「robotics-reducr」；是不是 robotics-reducer（精密减速器）、robotics-rd（共性技术研发与中试）、"
     "robotics-servo（伺服系统）？全部取值见 chainkg ls segments"),
    (["gaps", "--status", "bad"],
     "错误：--status 没有「bad」；允许的取值：strong（强链）、weak（弱链）、missing（缺链）、broken（断链）"),
    (["gaps", "--stage", "top"],
     "错误：--stage 没有「top」；允许的取值：upstream（上游）、midstream（中游）、downstream（下游）"),
    (["rank", "--province", "火星"], "错误：--province 没有「火星」；请写省级行政区的名称，如 江苏省 或 江苏"),
    (["rank", "--field", "智能制"],
     "错误：--field 没有「智能制」；允许的取值：biomedicine（生物医药）、culture-tourism（文旅文创）、"
     "electronic-information（电子信息）、intelligent-manufacturing（智能制造）、new-materials（新材料）"),
]


@pytest.mark.parametrize(("args", "message"), UNKNOWN_FILTERS, ids=[" ".join(a) for a, _m in UNKNOWN_FILTERS])
def test_unknown_filter_values_exit_2_with_allowed_values(args: list[str], message: str) -> None:
    code, out, err = run(*args, "--data", str(BUNDLED))
    assert (code, out, err.strip()) == (2, "", message)


CHINESE_FILTERS = [
    (["--status", "缺链"], ["--status", "missing"]),
    (["--stage", "上游"], ["--stage", "upstream"]),
    (["--status", "broken，missing"], ["--status", "broken,missing"]),
    (["--status", "断链、缺链"], ["--status", "broken", "--status", "missing"]),
    (["--field", "智能制造"], ["--field", "intelligent-manufacturing"]),
    (["--chain", "机器人及智能制造"], ["--chain", "robotics"]),
]


@pytest.mark.parametrize(("chinese", "ids"), CHINESE_FILTERS, ids=[" ".join(c) for c, _i in CHINESE_FILTERS])
def test_gaps_filters_accept_the_labels_the_tool_prints(chinese: list[str], ids: list[str]) -> None:
    by_label = run("gaps", *chinese, "-f", "json", "--data", str(BUNDLED))
    by_id = run("gaps", *ids, "-f", "json", "--data", str(BUNDLED))
    assert by_label[0] == 0 and by_label == by_id
    assert len(json.loads(by_label[1])) > 0


def test_rank_province_short_form_and_field_name() -> None:
    short = run("rank", "--province", "江苏", "--field", "智能制造", "-f", "json", "--top", "0", "--data", str(BUNDLED))
    full = run("rank", "--province", "江苏省", "--field", "intelligent-manufacturing", "-f", "json", "--top", "0",
               "--data", str(BUNDLED))
    assert short[0] == 0 and short == full
    rows = json.loads(short[1])
    assert len(rows) == 26 and {r['company_id'] for r in rows} >= {'aisidun', 'zhongtian-keji'}


def test_a_valid_filter_with_no_rows_says_so() -> None:
    code, out, _err = run("gaps", "--chain", "robot", "--stage", "下游", "--status", "强链", "--data", str(TINY))
    assert code == 0 and "链条诊断（0 个环节" in out and "没有符合筛选条件的环节" in out


# ---------------------------------------------------------------- names, not ids

def test_ls_lists_the_ids_filters_take() -> None:
    code, out, _err = run("ls", "chains", "-f", "csv", "--data", str(TINY))
    assert code == 0
    assert out.splitlines() == ["id,名称,领域,优先级", "chip,芯片,信息,0.5", "robot,机器人,制造,1.0"]
    code, out, _err = run("ls", "segments", "-f", "json", "--data", str(TINY))
    assert json.loads(out)[0] == {"id": "chip-fab", "名称": "晶圆制造", "产业链": "芯片", "链位": "中游", "上级环节": ""}
    code, out, _err = run("ls", "companies", "-f", "csv", "--data", str(TINY))
    assert out.splitlines()[1] == "loc-anchor,本地链主,链主,河南省洛阳市测试区,是"
    code, out, _err = run("ls", "fields", "--data", str(TINY))
    assert code == 0 and "领域（2 个" in out and "制造" in out
    assert run("ls", "parks", "--data", str(TINY))[0] == 2


@pytest.mark.parametrize("name", ["out-reducer", "外地减速器", " 外地减速器 "])
def test_explain_by_id_or_name(name: str) -> None:
    code, out, _err = run("explain", name, "-f", "json", "--data", str(TINY))
    assert code == 0 and json.loads(out)["company_id"] == "out-reducer"


def test_explain_by_alias_and_did_you_mean() -> None:
    code, out, _err = run("explain", "链主", "-f", "json", "--data", str(TINY))
    assert code == 0 and json.loads(out)["company_id"] == "loc-anchor"
    code, _out, err = run("explain", "减速器", "--data", str(TINY))
    assert code == 2
    assert err.strip() == ("错误：企业「减速器」不存在（可用企业 id、全称或简称；全部企业见 chainkg ls companies）；"
                           "是不是 外地减速器（out-reducer）、外地小减速器（out-small）？")


def test_whatif_title_names_companies_by_name() -> None:
    code, out, _err = run("whatif", "--add", "外地减速器，out-fab", "--data", str(TINY))
    assert code == 0 and "假如 外地减速器、外地晶圆厂 落地" in out


# ---------------------------------------------------------------- --format csv everywhere

def _csv(out: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(out)))


def test_explain_csv() -> None:
    code, out, _err = run("explain", "out-reducer", "-f", "csv", "--data", str(TINY))
    rows = _csv(out)
    assert code == 0 and rows[0] == ["企业id", "企业", "维度", "得分", "权重", "加权", "依据"]
    # The five base components and issue #11's two (tests/test_shortlist.py).
    assert [r[2] for r in rows[1:]] == ["补链契合", "企业实力", "链主带动", "对接渠道", "地缘", "近期动向", "招得来"]


def test_whatif_csv() -> None:
    code, out, _err = run("whatif", "--add", "out-reducer", "-f", "csv", "--data", str(TINY))
    rows = _csv(out)
    assert code == 0 and rows[0][:3] == ["环节id", "环节", "产业链"]
    assert [(r[0], r[3], r[4]) for r in rows[1:]] == [("robot-parts", "断链", "强链"), ("robot-reducer", "缺链", "强链")]


def test_stats_csv() -> None:
    code, out, _err = run("stats", "-f", "csv", "--data", str(TINY))
    rows = _csv(out)
    assert code == 0 and rows[0] == ["类别", "项目", "数量"]
    assert ["节点", "Company", "11"] in rows and ["企业", "本地", "4"] in rows


def test_show_csv() -> None:
    code, out, _err = run("show", "机器人", "-f", "csv", "--data", str(TINY))
    rows = _csv(out)
    assert code == 0 and rows[0][0] == "环节id" and len(rows) == 1 + 6


# ---------------------------------------------------------------- pipes, width, help

@pytest.mark.parametrize("command", [["gaps", "-f", "json"], ["gaps", "-f", "csv"], ["rank"], ["gaps"]],
                         ids=["json", "csv", "rank-table", "gaps-table"])
def test_closed_pipe_exits_quietly(command: list[str]) -> None:
    # The reader goes away before the output comes (like `| head -1` on a long output): exit
    # quietly with the status a shell shows for a Unix tool ended by SIGPIPE, no "内部错误".
    with subprocess.Popen([sys.executable, "-c", "from chainkg.cli.main import main; main()",
                           *command, "--data", str(BUNDLED)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        err = proc.stderr.read().decode()
        assert proc.wait(timeout=120) == 128 + signal.SIGPIPE
    assert err == ""


def test_rank_at_80_columns_keeps_names_and_reasons_readable() -> None:
    done = sh("rank", "--top", "3", "--data", str(BUNDLED), columns=80)
    lines = done.stdout.splitlines()
    assert done.returncode == 0 and max(cell_len(line) for line in lines) <= 80  # CJK characters are 2 columns
    assert "补链契合" not in done.stdout and "窄屏已省略分项得分" in done.stdout
    # One headline reason per firm (issue #11).
    assert "宁德时代新能源科" in done.stdout and "补氢能储能「储能电芯」缺链" in done.stdout
    # The firms listed apart (配套对接 …) keep their reason readable too.
    assert "配套对接" in done.stdout and "中国石油化工股份" in done.stdout


def test_gaps_at_80_columns_drops_secondary_columns() -> None:
    done = sh("gaps", "--chain", "robotics", "--data", str(BUNDLED), columns=80)
    assert done.returncode == 0 and max(cell_len(line) for line in done.stdout.splitlines()) <= 80
    assert "延链" not in done.stdout.split("\n")[2] and "精密减速器" in done.stdout


@pytest.mark.parametrize("command", [[], ["gaps"], ["neo4j"], ["neo4j", "query"], ["export", "prospects"], ["ls"]])
def test_help_is_framed_in_chinese(command: list[str]) -> None:
    code, out, _err = run(*command, "--help")
    assert code == 0 and out.startswith("用法：")
    for english in ("Usage:", "Options:", "Show this message", "<list[str]>", "[default:", "Arguments:"):
        assert english not in out


def test_shell_completion_is_offered() -> None:
    code, out, _err = run("--help")
    assert code == 0 and "--install-completion" in out and "为当前 shell 安装命令补全" in out
    assert "--show-completion" in out and "显示当前 shell 的补全脚本" in out


# ---------------------------------------------------------------- errors summarised, field shown

def test_validate_table_shows_file_line_and_field(edit: Edit) -> None:
    data = edit("companies.csv", "测试区,private,,small", "测试区,privte,,small")
    code, out, _err = run("validate", "--data", str(data))
    assert code == 2
    row = next(line for line in out.splitlines() if "privte" in line)
    assert "companies.csv:3" in row and "ownership" in row


def test_other_commands_summarise_many_errors_and_point_to_validate(tiny_copy: Path) -> None:
    (tiny_copy / "companies.csv").write_text("", encoding="utf-8")
    code, out, err = run("rank", "--data", str(tiny_copy))
    assert code == 2 and out == ""
    assert err.splitlines() == [
        "错误 companies.csv:1: 文件为空，缺少表头",
        "错误 companies.csv: 另有 20 处错误因 companies.csv 无法读取而无法检查；修正它后重新运行 chainkg validate",
        "错误：数据有 2 处错误，请先运行 chainkg validate 查看并修正",
    ]


def test_long_error_lists_are_cut_after_five(edit: Edit) -> None:
    data = edit("company_segments.csv", "core,整机,test", "main,整机,test")
    for old in ("core,谐波减速器", "out-fab,chip-fab,core", "out-partner,robot-servo,core", "out-friend,robot-servo,core",
                "out-integrator,robot-integration,core"):
        path = data / "company_segments.csv"
        path.write_text(path.read_text(encoding="utf-8").replace(old, old.replace("core", "main")), encoding="utf-8")
    code, _out, err = run("gaps", "--data", str(data))
    lines = err.splitlines()
    assert code == 2 and len(lines) == 7
    assert lines[5] == "……另有 1 行，完整列表见 chainkg validate"
    assert lines[6] == "错误：数据有 6 处错误，请先运行 chainkg validate 查看并修正"


def test_validate_shows_the_data_directory_relative_to_the_working_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(TINY.parent)
    code, out, _err = run("validate", "--data", str(TINY))
    assert code == 0 and out.strip() == "tiny：0 个错误，0 个警告，校验通过"


# ---------------------------------------------------------------- files written

def test_export_to_an_unwritable_place_is_a_clear_error() -> None:
    code, _out, err = run("export", "prospects", "-o", "/proc/chainkg-x.csv", "--data", str(TINY))
    assert code == 2 and err.startswith("错误：无法写入 /proc/chainkg-x.csv：") and "内部错误" not in err


def test_export_onto_a_directory_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "d.xlsx"
    target.mkdir()
    code, _out, err = run("export", "prospects", "-o", str(target), "--force", "--data", str(TINY))
    assert code == 2
    assert err.strip() == f"错误：{target} 是一个目录，不能作为输出文件；请写出文件名，如 {target}/招商目标.xlsx"


def test_export_into_a_missing_directory(tmp_path: Path) -> None:
    code, _out, err = run("export", "prospects", "-o", str(tmp_path / "no" / "p.csv"), "--data", str(TINY))
    assert code == 2 and err.strip() == f"错误：目录不存在：{tmp_path / 'no'}"


@pytest.mark.parametrize(("name", "message"), [
    ("p.docx", "不支持的文件类型「.docx」：请用 .csv、.xlsx、.json"),
    ("exists.csv", "文件已存在：{out}（加 --force 覆盖）"),
    ("no-dir/p.csv", "目录不存在：{out.parent}"),
], ids=["suffix", "exists", "no-dir"])
def test_export_checks_the_output_before_loading_the_data(name: str, message: str, tmp_path: Path,
                                                          bare_machine: BareMachine) -> None:
    out = tmp_path / name
    if name.startswith("exists"):
        out.write_text("keep", encoding="utf-8")
    assert first_error(bare_machine, tmp_path, ["export", "prospects"], out, ()) == "错误：" + message.format(out=out)


def test_export_cypher_refuses_an_existing_file_before_building_the_graph(tmp_path: Path) -> None:
    out = tmp_path / "graph.cypher"
    out.write_text("keep", encoding="utf-8")
    code, _out, err = run("neo4j", "export-cypher", "-o", str(out), "--data", str(tmp_path / "no-data"))
    assert (code, err.strip()) == (2, f"错误：文件已存在：{out}（加 --force 覆盖）")
    assert out.read_text(encoding="utf-8") == "keep"


USAGE_ERRORS = [
    (["rnak"], "错误：没有命令「rnak」；是不是 rank？"),
    (["gaps", "--nope"], "错误：没有选项 --nope"),
    (["gaps", "-f", "xml"], "错误：'--format' / '-f' 没有「xml」；允许的取值：'table', 'json', 'csv'"),
    (["explain"], "错误：缺少参数「企业」"),
    (["whatif"], "错误：缺少选项 --add"),
    (["ls"], "错误：缺少参数「种类」，可选：fields、chains、segments、companies"),
    (["explain", "--data"], "错误：选项 --data 后面需要一个值"),
    (["rank", "--top", "abc"], "错误：'--top' 应为整数"),
    (["neo4j", "push", "--workers", "two"], "错误：'--workers' 应为整数"),
]


@pytest.mark.parametrize(("args", "message"), USAGE_ERRORS, ids=[" ".join(a) for a, _m in USAGE_ERRORS])
def test_command_line_mistakes_are_explained_in_chinese(args: list[str], message: str) -> None:
    code, out, err = run(*args)
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == message
    assert "Usage:" not in err and "Try '" not in err and "Error:" not in err


# Every integer option with a bound, one shared check (terminal.at_least): a negative count or a
# zero size is a usage error in Chinese, exit 2, before any data is read (no IndexError, no silent
# "all" for --top -5, no English range text).
OUT_OF_RANGE = [
    (["rank", "--top", "-5"], "'--top' 不能为负数（输入的是 -5）"),
    (["rank", "--per-gap", "0"], "'--per-gap' 至少为 1（输入的是 0）"),
    (["rank", "--per-gap", "-1"], "'--per-gap' 至少为 1（输入的是 -1）"),
    (["rank", "--platforms", "-3"], "'--platforms' 不能为负数（输入的是 -3）"),
    (["export", "prospects", "-o", "never-written.csv", "--top", "-2"], "'--top' 不能为负数（输入的是 -2）"),
    (["map", "robotics", "-o", "never-written.svg", "--vision", "--top", "-1"], "'--top' 不能为负数（输入的是 -1）"),
    (["report", "-o", "never-written.html", "--top", "0"], "'--top' 至少为 1（输入的是 0）"),
    (["report", "-o", "never-written.html", "--gaps", "-1"], "'--gaps' 不能为负数（输入的是 -1）"),
    (["import", "companies", "never-read.csv", "--show", "-1"], "'--show' 不能为负数（输入的是 -1）"),
    (["neo4j", "push", "--batch-size", "0"], "'--batch-size' 至少为 1（输入的是 0）"),
    (["neo4j", "push", "--workers", "0"], "'--workers' 至少为 1（输入的是 0）"),
    (["neo4j", "push", "--workers", "-2"], "'--workers' 至少为 1（输入的是 -2）"),
]


@pytest.mark.parametrize(("args", "message"), OUT_OF_RANGE, ids=[" ".join(a) for a, _m in OUT_OF_RANGE])
def test_integer_options_out_of_range_are_usage_errors(args: list[str], message: str,
                                                       tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(*args, "--data", str(TINY))
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == "错误：" + message
    assert "内部错误" not in err and "Invalid value" not in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args", [["--top", "0", "--platforms", "0"], ["--per-gap", "1", "--top", "1"]],
                         ids=["zero-means-all-or-none", "one"])
def test_integer_options_at_their_bound_are_accepted(args: list[str]) -> None:
    code, out, _err = run("rank", *args, "-f", "json", "--data", str(TINY))
    assert code == 0 and json.loads(out)


@pytest.mark.parametrize("value", ["0", "-1", "7"])
def test_query_max_hops_out_of_range_is_refused_before_connecting(value: str) -> None:
    # 0 or less gave a silent empty result; more than 6 was silently cut to 6 by the query.
    code, out, err = run("neo4j", "query", "company_paths", "company=out-friend", f"max_hops={value}",
                         "--uri", "bolt://127.0.0.1:1")
    assert (code, out) == (2, "")
    assert err.strip() == ("错误：查询「company_paths」的参数 max_hops 应在 1 到 6 之间"
                           f"（longest path to report (default 3, from 1 to 6)），而不是「{value}」")


def test_bare_command_shows_the_chinese_help() -> None:
    code, _out, err = run()
    assert code == 2 and err.startswith("用法：") and "命令：" in err
