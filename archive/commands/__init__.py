"""One module per ``newsarchive`` subcommand."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable
from pathlib import Path


def folder(text: str) -> Path:
    """A data directory given on the command line: an empty one (a cron line's variable
    that was never set) names no folder, never the current one."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path names no folder")
    return Path(text)


def file_or_folder(text: str) -> Path:
    """An archive given on the command line: an empty path (a cron line's variable that was
    never set) names none, never the current folder and all under it."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path names no file or folder")
    return Path(text)


def check_inputs(paths: Iterable[Path | str]) -> None:
    """Each archive named on the command line is there and may be reached: a missing one
    is a usage error (a typo), one in a folder the system does not let us enter an input
    we may not read (exit 66), never a path we may not write."""
    from ..cli import UsageError, not_allowed

    for path in paths:
        try:
            os.stat(path)
        except FileNotFoundError:
            raise UsageError(f"no such file or folder: {path}") from None
        except OSError as exc:
            message = f"cannot read {path}: {exc.strerror or exc}"
            raise not_allowed(message, exc, reading=True) from None


def refuse_newer(data: Path) -> None:
    """A data directory written by a newer newsarchive is a usage error for every command,
    readers too: a newer layout may keep its files otherwise, and read as ours it would
    give nothing, or the wrong thing."""
    from ..cli import UsageError
    from ..dataformat import FormatError, check

    try:
        check(data)
    except FormatError as exc:
        raise UsageError(str(exc)) from None
