"""One module per ``newsarchive`` subcommand."""

from __future__ import annotations

from pathlib import Path


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
