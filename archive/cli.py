"""The ``newsarchive`` command: a thin argparse front over one module per subcommand."""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import sys
from importlib import import_module

from . import __version__
from .datadir import DataDirError
from .diskspace import is_disk_full, reason
from .exitcodes import CRASH, DISK_FULL, EPILOG, USAGE

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


# What a data directory or output the system refuses to let us write gives: a usage error.
REFUSED = (errno.EROFS, errno.EACCES, errno.EPERM)


class UsageError(Exception):
    """A problem with what the user asked for: one line on stderr, exit code 2."""


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
            verb = "write" if exc.errno == errno.EROFS else "use"
            where = f" {exc.filename}" if exc.filename else ""
            print(f"newsarchive: cannot {verb}{where}: {exc.strerror}", file=sys.stderr)
            return USAGE
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


def _drop_stdout() -> None:
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


if __name__ == "__main__":
    sys.exit(main())
