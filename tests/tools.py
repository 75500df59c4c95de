"""Skip a test when an external tool (Graphviz, LibreOffice, pdftoppm …) is missing — except in CI.

``.ci/run`` installs every tool, so there a missing tool is a failure, not a skip.
"""

from __future__ import annotations

import os
import shutil

import pytest


def require(*commands: str) -> str:
    """The path of the first command found; skips (or fails when CI is set) if none is installed."""
    for command in commands:
        found = shutil.which(command)
        if found:
            return found
    message = f"{' / '.join(commands)} is not installed (.ci/run installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
