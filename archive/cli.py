"""The ``newsarchive`` command: a thin argparse front over one module per subcommand."""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import sys
from importlib import import_module

from . import __version__
from .datadir import DataDirError, DataDirRefused
from .diskspace import is_disk_full, reason
from .exitcodes import CANT_CREATE, CRASH, DISK_FULL, EPILOG, NO_INPUT, REFUSED, USAGE

# Each module has ``register(subparsers)``, which adds its parser and sets ``run``.
COMMANDS = (
    "crawl",
    "articles",
    "store",
    "extract",
    "demo",
    "runs",
    "index",
    "verify",
    "replay",
    "browse",
    "export",
)


__all__ = ["REFUSED", "Refused", "UsageError", "main", "not_allowed"]


class UsageError(Exception):
    """A problem with what the user asked for: one line on stderr, exit code 2."""


class Refused(Exception):
    """The system refuses us a path (a read-only disk, another user's folder): one line
    naming it, exit 73 (EX_CANTCREAT), or 66 (EX_NOINPUT) for an input we may not read."""

    def __init__(self, message: str, code: int = CANT_CREATE):
        super().__init__(message)
        self.code = code


def not_allowed(message: str, exc: OSError, *, reading: bool = False) -> Exception:
    """What to raise for `message` (``cannot write PATH: why``): :class:`Refused` when the
    system refused the path (`reading`: an input), else a :class:`UsageError`."""
    if exc.errno in REFUSED:
        return Refused(message, NO_INPUT if reading else CANT_CREATE)
    return UsageError(message)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or with `only` of that one command (what running it
    needs: the other commands' modules are not imported)."""
    parser = argparse.ArgumentParser(
        prog="newsarchive",
        description="Crawl news coverage into WARC archives and a JSONL article store.",
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"newsarchive {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS if only is None else (only,):
        import_module(f"archive.commands.{name}").register(subparsers)
    return parser


def main(args: list[str] | None = None) -> int:
    from crawler.pages.outlets import OutletError, outlets

    argv = sys.argv[1:] if args is None else args
    command = argv[0] if argv and argv[0] in COMMANDS else None
    try:
        outlets()  # a bad declaration stops every command, whether it reads them or not
        parser = build_parser(command)  # the commands' choices read the outlet declarations
    except OutletError as exc:
        print(f"newsarchive: {exc}", file=sys.stderr)
        return USAGE
    options = parser.parse_args(argv)
    if not getattr(options, "run", None):
        parser.print_help()
        return USAGE
    try:
        return int(options.run(options) or 0)
    except Refused as exc:
        print(f"newsarchive: {exc}", file=sys.stderr)
        return exc.code
    except DataDirRefused as exc:
        print(f"newsarchive: {exc}", file=sys.stderr)
        return CANT_CREATE
    except (UsageError, DataDirError) as exc:
        print(f"newsarchive: {exc}", file=sys.stderr)
        return USAGE
    except KeyboardInterrupt:
        print("newsarchive: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:
        if exc.errno in REFUSED:  # a read-only disk, a folder of another user's
            reading = _unreadable(exc.filename)
            verb = "read" if reading else "write" if exc.errno == errno.EROFS else "use"
            where = f" {exc.filename}" if exc.filename else ""
            print(f"newsarchive: cannot {verb}{where}: {exc.strerror}", file=sys.stderr)
            return NO_INPUT if reading else CANT_CREATE
        if not is_disk_full(exc):
            print(f"newsarchive: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
            return CRASH
        # Output to a full disk (`articles > /dev/full`): stdout is dropped so the interpreter
        # does not fail again flushing it at exit.
        _drop_stdout()
        print(f"newsarchive: cannot write the output: {reason(exc)}", file=sys.stderr)
        return DISK_FULL
    except Exception as exc:  # the last line of defence: one line, never a traceback dump
        print(f"newsarchive: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return CRASH


def _unreadable(filename: object) -> bool:
    """Whether a path refused us is one there that we may not read (an input), rather than
    one we may not create or write."""
    if not isinstance(filename, (str, bytes, os.PathLike)):
        return False
    return os.path.exists(filename) and not os.access(filename, os.R_OK)


def _drop_stdout() -> None:
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


if __name__ == "__main__":
    sys.exit(main())
