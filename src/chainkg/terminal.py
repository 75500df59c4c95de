"""What every command shares: the consoles, error handling and JSON/CSV printing."""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from pydantic import BaseModel
from rich.console import Console

from chainkg.errors import ChainkgError, DataError

__all__ = ["err", "handle_errors", "out", "print_csv", "print_json", "set_debug"]

# Pipes and CI get a wide console so tables are not squeezed to 80 columns.
out = Console(soft_wrap=False, width=None if sys.stdout.isatty() else int(os.environ.get("COLUMNS") or 200))
err = Console(stderr=True, soft_wrap=True)  # one error, one line, whatever the width
F = TypeVar("F", bound=Callable[..., Any])

_state: dict[str, bool] = {"debug": False}


def set_debug(debug: bool) -> None:
    """With debug on, a bug shows its traceback instead of one line."""
    _state["debug"] = debug


def handle_errors(command: F) -> F:
    """Turn ChainkgError into one line on stderr and exit 2; other exceptions are bugs (exit 1)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except DataError as exc:
            for issue in exc.issues:
                if issue.level == "error":
                    err.print(str(issue), markup=False, highlight=False)
            err.print(f"错误：{exc}", markup=False, highlight=False)
            raise typer.Exit(2) from None
        except ChainkgError as exc:
            err.print(f"错误：{exc}", markup=False, highlight=False)
            raise typer.Exit(2) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if _state["debug"]:
                raise
            err.print(f"内部错误（这是 chainkg 的 bug，请报告）：{type(exc).__name__}: {exc}；"
                      "加 --debug 查看详细信息", markup=False, highlight=False)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def print_json(value: Any) -> None:
    if isinstance(value, BaseModel):
        value = value.model_dump()
    elif isinstance(value, list):
        value = [v.model_dump() if isinstance(v, BaseModel) else v for v in value]
    print(json.dumps(value, ensure_ascii=False, indent=2))


def print_csv(headers: list[str], rows: list[list[Any]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    sys.stdout.write(buffer.getvalue())
