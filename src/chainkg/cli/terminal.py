"""What every command shares: the consoles, error handling, JSON/CSV printing and Chinese help."""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import typer
from pydantic import BaseModel
from rich.console import Console
from typer.core import TyperCommand, TyperGroup

from chainkg.model.errors import ChainkgError, DataError

__all__ = [
    "ChineseCommand", "ChineseGroup", "at_least", "err", "handle_errors", "is_narrow", "out", "print_csv",
    "print_json", "set_debug",
]

class _Output(Console):
    """Standard output. A reader that goes away (``| head``) while a table is printed ends the
    command as it does for CSV and JSON (quietly, exit 141), not with rich's own exit 1."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        _closed_pipe()


# Pipes and CI get a wide console so tables are not squeezed to 80 columns (unless COLUMNS says so).
out = _Output(soft_wrap=False, width=None if sys.stdout.isatty() else int(os.environ.get("COLUMNS") or 200))
err = Console(stderr=True, soft_wrap=True)  # one error, one line, whatever the width
F = TypeVar("F", bound=Callable[..., Any])

NARROW = 120  # below this many columns, tables drop their less important columns
SHOWN_ERRORS = 5  # commands other than validate show this many data errors, then point to validate
SIGPIPE_EXIT = 141  # what a shell reports for a Unix tool ended by SIGPIPE (128 + 13)

_state: dict[str, bool] = {"debug": False}


def set_debug(debug: bool) -> None:
    """With debug on, a bug shows its traceback instead of one line."""
    _state["debug"] = debug


def is_narrow() -> bool:
    """True when the terminal (or COLUMNS) is too narrow for the full tables."""
    return out.width < NARROW


def _line(text: str) -> None:
    err.print(text, markup=False, highlight=False)


def _data_error(exc: DataError) -> None:
    """A short summary: the first errors (root causes first), how many more, and where to see all."""
    errors = [i for i in exc.issues if i.level == "error"]
    for issue in errors[:SHOWN_ERRORS]:
        _line(str(issue))
    if len(errors) > SHOWN_ERRORS:
        _line(f"……另有 {len(errors) - SHOWN_ERRORS:,} 行，完整列表见 chainkg validate")
    _line(f"错误：{exc}")


def _closed_pipe() -> None:
    """The reader went away (``| head``): stop quietly, as Unix tools do."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush does not complain
    except (OSError, ValueError):
        pass
    raise typer.Exit(SIGPIPE_EXIT)


def handle_errors(command: F) -> F:
    """Turn ChainkgError into one line on stderr and exit 2; other exceptions are bugs (exit 1)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except DataError as exc:
            _data_error(exc)
            raise typer.Exit(2) from None
        except ChainkgError as exc:
            _line(f"错误：{exc}")
            raise typer.Exit(2) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            _closed_pipe()
        except Exception as exc:
            if _state["debug"]:
                raise
            _line(f"内部错误（这是 chainkg 的 bug，请报告）：{type(exc).__name__}: {exc}；加 --debug 查看详细信息")
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def print_json(value: Any) -> None:
    if isinstance(value, BaseModel):
        value = value.model_dump()
    elif isinstance(value, list):
        value = [v.model_dump() if isinstance(v, BaseModel) else v for v in value]
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


def print_csv(headers: list[str], rows: list[list[Any]]) -> None:
    """CSV on stdout; cells that a spreadsheet would run as a formula are neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    from chainkg.output.export import spreadsheet_cell  # export pulls in the analysis modules

    writer.writerows([spreadsheet_cell(v) for v in row] for row in rows)
    sys.stdout.write(buffer.getvalue())
    sys.stdout.flush()


# Click's framing words, in the team's language (typer prints them in English).
_HELP_WORDS = [
    ("Usage:", "用法："),
    ("[OPTIONS]", "[选项]"),
    ("COMMAND [ARGS]...", "命令 [参数]..."),
    ("Options:", "选项："),
    ("Arguments:", "参数："),
    ("Commands:", "命令："),
    ("Show this message and exit.", "显示本帮助并退出。"),
    ("Install completion for the current shell.", "为当前 shell 安装命令补全（Tab 补全命令和选项）。"),
    ("Show completion for the current shell, to copy it or customize the installation.",
     "显示当前 shell 的补全脚本，可复制或自行安装。"),
    ("[default: ", "[默认："),
    ("[required]", "[必填]"),
    ("[env var: ", "[环境变量："),
]


_TYPE_HINT = re.compile(r" <(?:list\[str\]|str|int|float|path)>")


def chinese_help(text: str) -> str:
    """Replace click's English framing in a help page.

    >>> chinese_help("Usage: chainkg [OPTIONS]")
    '用法： chainkg [选项]'
    """
    for english, chinese in _HELP_WORDS:
        # click may have wrapped a long phrase over several lines: match any whitespace between words
        pattern = r"\s+".join(re.escape(word) for word in english.split())
        text = re.sub(pattern, chinese.replace("\\", "\\\\"), text)
    # typer appends the Python type to argument names (name <str>, params... <list[str]>);
    # blank it out, keeping the columns aligned.
    return _TYPE_HINT.sub(lambda m: " " * len(m.group(0)), text)


def at_least(minimum: int) -> Callable[[Any, Any, int | None], int | None]:
    """A typer option callback refusing integers below ``minimum`` (a count that cannot be negative,
    a size or a number of workers that must be at least 1) as a Chinese usage error, exit 2.

    A bound of its own rather than typer's ``min=``: typer's message is English and its wording
    changes between versions (click's range text, then pydantic's).
    """
    def check(_ctx: typer.Context, _param: typer.CallbackParam, value: int | None) -> int | None:
        if value is not None and value < minimum:
            rule = "不能为负数" if minimum == 0 else f"至少为 {minimum}"
            raise typer.BadParameter(f"{rule}（输入的是 {value}）")
        return value

    return check


# Click's command-line errors (exc.format_message()), in the team's words.
_USAGE_ERRORS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"^No such option: (\S+)(?: Did you mean (\S+)\?)?$"),
     lambda m: f"没有选项 {m[1]}" + (f"；是不是 {m[2]}？" if m[2] else "")),
    (re.compile(r"^No such command '(.+?)'\.(?: Did you mean (.+)\?)?$"),
     lambda m: f"没有命令「{m[1]}」" + (f"；是不是 {m[2].replace(chr(39), '')}？" if m[2] else "")),
    (re.compile(r"^Missing argument '(.+?)'\.(?: Choose from:(.*))?$", re.S),
     lambda m: f"缺少参数「{m[1]}」" + (f"，可选：{'、'.join(m[2].replace(',', ' ').split())}" if m[2] else "")),
    (re.compile(r"^Missing option '(.+?)'\.$"), lambda m: f"缺少选项 {m[1]}"),
    (re.compile(r"^Missing command\.$"), lambda m: "缺少命令"),
    (re.compile(r"^Option '(.+?)' requires an argument\.$"), lambda m: f"选项 {m[1]} 后面需要一个值"),
    (re.compile(r"^Got unexpected extra arguments? \((.+)\)$"), lambda m: f"多余的参数：{m[1]}"),
    (re.compile(r"^Invalid value for (.+?): (?:Value error, )?'(.*?)' is not one of (.+?)\.?$"),
     lambda m: f"{m[1]} 没有「{m[2]}」；允许的取值：{m[3]}"),
    (re.compile(r"^Invalid value for (.+?): (?:Value error, )?'(.*?)' is not a valid integer\.?$"),
     lambda m: f"{m[1]} 应为整数，而不是「{m[2]}」"),
    # Newer typer validates with pydantic, whose message does not repeat the value.
    (re.compile(r"^Invalid value for (.+?): Input should be a valid integer\b.*$", re.S),
     lambda m: f"{m[1]} 应为整数"),
    (re.compile(r"^Invalid value for (.+?): Input should be a valid number\b.*$", re.S),
     lambda m: f"{m[1]} 应为数字"),
    # Our own checks (at_least) already speak Chinese.
    (re.compile(r"^Invalid value for (.+?): ([^\x00-\x7f].*)$", re.S), lambda m: f"{m[1]} {m[2]}"),
    (re.compile(r"^Invalid value for (.+?): (.*)$", re.S), lambda m: f"{m[1]} 的取值无效：{m[2]}"),
]


def chinese_usage_error(message: str) -> str:
    """A click usage error in Chinese; unknown ones are kept as they are.

    >>> chinese_usage_error("No such command 'rnak'. Did you mean 'rank'?")
    '没有命令「rnak」；是不是 rank？'
    """
    for pattern, translate in _USAGE_ERRORS:
        match = pattern.match(message)
        if match:
            return translate(match)
    return message


def _show_usage_error(exc: Exception) -> None:
    if type(exc).__name__ == "NoArgsIsHelpError":  # `chainkg` alone: its help page (already in Chinese)
        exc.show()  # type: ignore[attr-defined]
        return
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        err.print(chinese_help(ctx.get_usage()), markup=False, highlight=False)
        err.print(f"运行 {ctx.command_path} --help 查看帮助。\n", markup=False, highlight=False)
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    _line(f"错误：{chinese_usage_error(message)}")


class ChineseGroup(TyperGroup):
    """A typer group whose help page and command-line errors are in Chinese."""

    def get_help(self, ctx: Any) -> str:
        return chinese_help(super().get_help(ctx))

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             windows_expand_args: bool = True, **extra: Any) -> Any:
        """As typer's, with usage errors and "Aborted!" printed in Chinese (exit codes unchanged)."""
        call = functools.partial(super().main, args, prog_name, complete_var, False, windows_expand_args, **extra)
        if not standalone_mode:
            return call()
        try:
            result = call()
        except typer.Abort:
            _line("已取消")
            sys.exit(1)
        except typer.TyperException as exc:  # click's UsageError and friends (not Exit: returned below)
            _show_usage_error(exc)
            sys.exit(getattr(exc, "exit_code", 2))
        sys.exit(result if isinstance(result, int) else 0)


class ChineseCommand(TyperCommand):
    """A typer command whose help page is framed in Chinese."""

    def get_help(self, ctx: Any) -> str:
        return chinese_help(super().get_help(ctx))
