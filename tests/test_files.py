"""chainkg.files: a crash, a kill -9 or an unwritable target never leaves half a file."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from chainkg.files import atomic_write, check_output, output_suffix
from chainkg.model.errors import ConfigError, OutputError, OutputExistsError


def test_a_crash_while_writing_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"

    def crash(tmp: Path) -> None:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(path, crash)
    assert list(tmp_path.iterdir()) == []


def test_kill_9_during_export_then_next_run_leaves_no_temp_file(tmp_path: Path) -> None:
    code = ("import sys, time\n"
            "from pathlib import Path\n"
            "from chainkg.files import atomic_write\n"
            "def write(tmp):\n"
            "    tmp.write_text('half')\n"
            "    print('writing', flush=True)\n"
            "    time.sleep(60)\n"
            "atomic_write(Path(sys.argv[1]), write)\n")
    with subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "k.csv")], stdout=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"writing\n"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert len(list(tmp_path.glob(".k.csv.*.chainkg.tmp"))) == 1
    atomic_write(tmp_path / "k.csv", lambda tmp: tmp.write_text("whole"))
    assert [p.name for p in tmp_path.iterdir()] == ["k.csv"]
    assert (tmp_path / "k.csv").read_text() == "whole"


def test_write_errors_are_output_errors(tmp_path: Path) -> None:
    (tmp_path / "d.csv").mkdir()
    with pytest.raises(OutputError, match=r"d.csv 是一个目录，不能作为输出文件"):
        atomic_write(tmp_path / "d.csv", lambda tmp: None, force=True)
    with pytest.raises(OutputError, match=r"^无法写入 /proc/x.csv："):
        atomic_write(Path("/proc/x.csv"), lambda tmp: None)


def test_check_output_makes_the_cheap_checks_first(tmp_path: Path) -> None:
    assert check_output(tmp_path / "a.CSV", (".csv", ".xlsx")) == ".csv"
    assert check_output(tmp_path / "a.dot", None) == ".dot"  # any suffix without formats
    assert list(tmp_path.iterdir()) == []  # the trial temporary file is gone
    with pytest.raises(ConfigError, match=r"^不支持的文件类型「\.txt」：请用 \.csv、\.xlsx$"):
        output_suffix(tmp_path / "a.txt", (".csv", ".xlsx"))
    (tmp_path / "a.csv").write_text("keep", encoding="utf-8")
    with pytest.raises(OutputExistsError, match=r"文件已存在：.*a\.csv（加 --force 覆盖）"):
        check_output(tmp_path / "a.csv", (".csv",))
    assert check_output(tmp_path / "a.csv", (".csv",), force=True) == ".csv"
    assert (tmp_path / "a.csv").read_text(encoding="utf-8") == "keep"  # checked, not written
    with pytest.raises(ConfigError, match=r"^目录不存在："):
        check_output(tmp_path / "nope" / "a.csv", (".csv",))
