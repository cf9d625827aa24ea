"""One module per ``newsarchive`` subcommand."""

from __future__ import annotations

import argparse
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
