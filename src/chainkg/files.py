"""Output files written crash-safe: a temporary file beside the target, renamed into place.

A crash never leaves half a file, and an existing file is only replaced with ``force``.
A new file gets the usual mode (0666 less the umask), a replaced file keeps its mode, and
temporary files left by a killed run are removed by the next one. Every layer that writes
a file the team opens (exports, maps, the report, the .cypher script, the imported data)
writes it through ``atomic_write``; ``check_output`` makes the cheap checks before slow work.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path

from chainkg.model.errors import ConfigError, OutputError, OutputExistsError

__all__ = ["atomic_write", "check_output", "output_suffix"]

_TMP_SUFFIX = ".chainkg.tmp"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale_temps(path: Path) -> None:
    """Temporary files of runs that were killed (their process is gone) are removed."""
    for tmp in path.parent.glob(f".{path.name}.*{_TMP_SUFFIX}"):
        pid = tmp.name[len(path.name) + 2:].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            tmp.unlink(missing_ok=True)


def _unwritable(path: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or type(exc).__name__
    return OutputError(f"无法写入 {path}：{reason}（检查目录是否存在、是否有写权限，或换一个 -o 路径）")


def output_suffix(path: Path, formats: Sequence[str]) -> str:
    """The lower-case suffix of an output file; ConfigError when it is not one of ``formats``."""
    suffix = path.suffix.lower()
    if suffix not in formats:
        raise ConfigError(f"不支持的文件类型「{path.suffix}」：请用 {'、'.join(formats)}")
    return suffix


def _check_target(path: Path, force: bool) -> None:
    if path.is_dir():
        raise OutputError(f"{path} 是一个目录，不能作为输出文件；请写出文件名，如 {path / ('招商目标' + path.suffix)}")
    if path.exists() and not force:
        raise OutputExistsError(f"文件已存在：{path}（加 --force 覆盖）")
    if not path.parent.is_dir():
        raise ConfigError(f"目录不存在：{path.parent}")


def _temp_beside(path: Path) -> Path:
    """A new temporary file beside ``path`` (its name says which process made it)."""
    tmp = path.parent / f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}{_TMP_SUFFIX}"
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))  # the umask applies
    return tmp


def check_output(path: Path, formats: Sequence[str] | None, force: bool = False) -> str:
    """The cheap checks of an output file, made before any slow work (loading, ranking, drawing):
    a known suffix (any when ``formats`` is None), not a directory, no existing file without
    ``force``, and a directory that exists and takes a new file (tried with an empty temporary
    file, removed at once). Returns the suffix."""
    suffix = path.suffix.lower() if formats is None else output_suffix(path, formats)
    _check_target(path, force)
    try:
        _temp_beside(path).unlink()
    except OSError as exc:
        raise _unwritable(path, exc) from None
    return suffix


def atomic_write(path: Path, write: Callable[[Path], None], force: bool = False) -> None:
    """Call ``write(tmp)`` and move tmp onto ``path``; refuse to replace a file unless ``force``."""
    _check_target(path, force)
    mode = path.stat().st_mode & 0o7777 if path.exists() else None
    try:
        _remove_stale_temps(path)
        tmp = _temp_beside(path)
    except OSError as exc:
        raise _unwritable(path, exc) from None
    try:
        write(tmp)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        raise _unwritable(path, exc) from None
    finally:
        tmp.unlink(missing_ok=True)
