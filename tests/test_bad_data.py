"""The bad-input corpus: every case in tests/bad_data/ with its exact file, line, field and message.

Each case is a directory: ``case.yaml`` (what goes wrong, the edits applied to a copy of
tests/data/tiny, the expected exit code and issues) plus, optionally, files that replace
tiny's files whole. ``chainkg validate --format json`` must report exactly the expected
issues, in order, and exit with the expected code; analysis commands must exit 2 without a
traceback when there is an error. To add a case: copy a directory, change it, run
``python tests/test_bad_data.py CASE`` to see what is reported, check it by hand, paste it.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from chainkg.cli.main import app

HERE = Path(__file__).parent
CORPUS = HERE / "bad_data"
TINY = HERE / "data" / "tiny"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "case.yaml").is_file())
runner = CliRunner()


def build(case: str, target: Path) -> dict[str, Any]:
    """Copy tiny to target, overlay the case's files, apply its edits; return the case.yaml."""
    spec: dict[str, Any] = yaml.safe_load((CORPUS / case / "case.yaml").read_text(encoding="utf-8"))
    shutil.copytree(TINY, target)
    for extra in (CORPUS / case).iterdir():
        if extra.name != "case.yaml":
            shutil.copyfile(extra, target / extra.name)
    for edit in spec.get("edits") or []:
        _apply(edit, target)
    return spec


def _apply(edit: dict[str, Any], target: Path) -> None:
    kind, name = next(iter(edit.items()))
    path = target / name
    if kind == "replace":
        text = path.read_text(encoding="utf-8")
        assert edit["old"] in text, f"{edit['old']!r} not in {name}"
        path.write_text(text.replace(edit["old"], edit["new"], 1), encoding="utf-8", newline="")
    elif kind == "write":
        path.write_text(edit["text"], encoding="utf-8", newline="")
    elif kind == "write_hex":
        path.write_bytes(bytes.fromhex(edit["hex"]))
    elif kind == "append":
        with path.open("a", encoding="utf-8", newline="") as f:
            f.write(edit["text"])
    elif kind == "delete":
        path.unlink()
    elif kind == "encode":
        path.write_bytes(path.read_text(encoding="utf-8").encode(edit["encoding"]))
    elif kind == "crlf":
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    elif kind == "big_cell":
        text = path.read_text(encoding="utf-8")
        assert edit["old"] in text
        path.write_text(text.replace(edit["old"], edit["old"] + "长" * edit["size"], 1), encoding="utf-8")
    else:
        raise AssertionError(f"unknown edit {kind}")


def validate(data: Path) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(app, ["validate", "--data", str(data), "--format", "json"])
    assert "Traceback" not in result.stderr
    return result.exit_code, json.loads(result.stdout)


def test_corpus_is_big_enough() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_reported_exactly(case: str, tmp_path: Path) -> None:
    spec = build(case, tmp_path / "data")
    assert spec.get("about"), "every case says what the user did"
    code, report = validate(tmp_path / "data")
    expected = [{"level": i["level"], "file": i["file"], "line": i.get("line"), "field": i.get("field"),
                 "message": i["message"]} for i in spec.get("issues") or []]
    assert report["issues"] == expected
    assert code == spec["exit"]
    if code == 2:  # an analysis command stops with a short summary, exit 2, no traceback, nothing on stdout
        result = runner.invoke(app, ["rank", "--data", str(tmp_path / "data")])
        assert result.exit_code == 2 and result.stdout == ""
        assert "Traceback" not in result.stderr and "内部错误" not in result.stderr
        assert result.stderr.splitlines()[-1].endswith("请先运行 chainkg validate 查看并修正")
        assert len(result.stderr.splitlines()) <= 7


if __name__ == "__main__":  # print what a case reports, as YAML to paste after checking it by hand
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        build(sys.argv[1], Path(tmp) / "data")
        code, report = validate(Path(tmp) / "data")
        print(f"exit: {code}")
        print(yaml.safe_dump({"issues": [{k: v for k, v in i.items() if v is not None} for i in report["issues"]]},
                             allow_unicode=True, sort_keys=False, width=200))
