"""The one exception tree of chainkg.

    ChainkgError                 anything the user can fix; the CLI prints it as one line, exit 2
    ├── DataError                graph_data/ does not validate; carries every DataIssue found
    │   └── ImportFileError      a file given to chainkg import is unreadable or has bad rows
    ├── ConfigError              a bad option, a missing data directory, a bad scoring.yaml
    ├── NotFoundError            an id the user named does not exist
    ├── OutputExistsError        refusing to overwrite an existing file without --force
    ├── OutputError              the output path cannot be written (a directory, no permission …)
    └── Neo4jError               the Neo4j server is unreachable, refuses the login, lacks the database …

Anything else that escapes is a bug: the CLI exits 1 and shows the traceback only with --debug.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chainkg.model.issues import DataIssue

__all__ = [
    "ChainkgError",
    "ConfigError",
    "DataError",
    "ImportFileError",
    "Neo4jError",
    "NotFoundError",
    "OutputError",
    "OutputExistsError",
]


class ChainkgError(Exception):
    """Base of every error a user can fix."""


class DataError(ChainkgError):
    """The data set has errors; ``issues`` lists all of them, warnings included."""

    def __init__(self, issues: list[DataIssue]) -> None:
        self.issues = issues
        errors = [i for i in issues if i.level == "error"]
        super().__init__(f"数据有 {len(errors)} 处错误，请先运行 chainkg validate 查看并修正")


class ImportFileError(DataError):
    """An export (or mapping file) given to ``chainkg import`` has errors; nothing was written."""

    def __init__(self, issues: list[DataIssue]) -> None:
        super().__init__(issues)
        errors = sum(1 for i in issues if i.level == "error")
        self.args = (f"导入文件有 {errors} 处错误，未写入任何文件；请修正后重新导入（或用 --mapping 指定列）",)


class ConfigError(ChainkgError):
    """A bad option or configuration file."""


class NotFoundError(ChainkgError):
    """An id named on the command line does not exist in the data."""


class OutputExistsError(ChainkgError):
    """The output file exists and --force was not given."""


class Neo4jError(ChainkgError):
    """A Neo4j connection or server problem, phrased for the user."""


class OutputError(ChainkgError):
    """The output file cannot be written: a directory, no permission, a read-only file system."""
