"""The console-script entry point's process policy: how Python's collector runs in one command."""

from __future__ import annotations

import subprocess
import sys

from chainkg.cli.main import GC_YOUNG_THRESHOLD
from conftest import TINY

# atexit runs after main() has returned or raised SystemExit: it sees the settings the command ran with.
PROBE = """
import atexit, gc, sys
atexit.register(lambda: print("gc", gc.get_threshold()[0], gc.get_freeze_count(), file=sys.stderr))
from chainkg.cli.main import main
main()
"""


def probe(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120,
                          check=False)


def test_a_command_collects_young_objects_rarely_and_freezes_what_it_built_before_exit() -> None:
    done = probe("gaps", "--data", str(TINY))
    assert done.returncode == 0, done.stderr
    assert "链条诊断（9 个环节" in done.stdout  # the command itself ran
    _, threshold, frozen = done.stderr.strip().splitlines()[-1].split()
    assert int(threshold) == GC_YOUNG_THRESHOLD > 700  # Python's default is 700
    assert int(frozen) > 10_000  # the modules, taxonomy and records: not walked again at exit


def test_the_policy_holds_when_the_command_fails() -> None:
    done = probe("gaps", "--chain", "nonexistent", "--data", str(TINY))
    assert done.returncode == 2
    _, threshold, frozen = done.stderr.strip().splitlines()[-1].split()
    assert int(threshold) == GC_YOUNG_THRESHOLD and int(frozen) > 0
