"""``newsarchive export wacz|sqlite``: the archive in the formats other tools read."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from crawler.pages.outlets import names as outlet_names

from ..cli import REFUSED, UsageError
from ..diskspace import is_disk_full
from ..wording import counted
from . import folder, refuse_newer
from .articles import warnings_to_stderr


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write a WACZ (web archive tools) or a SQLite file (Datasette, pandas)",
        description=(
            "Export stored articles and their captures. --source, --since and --until choose"
            " the article versions by outlet and capture time (metadata.dateDownloaded)."
        ),
    )
    formats = parser.add_subparsers(dest="format", metavar="FORMAT", required=True)
    wacz = formats.add_parser(
        "wacz", help="a WACZ 1.1.1 of the captures (ReplayWeb.page, pywb, browsertrix)"
    )
    sqlite = formats.add_parser(
        "sqlite",
        help="tables articles, versions, authors, related_links, captures with full-text search",
    )
    for sub, name in ((wacz, "OUT.wacz"), (sqlite, "OUT.db")):
        sub.add_argument("out", type=Path, metavar=name, help="the file to write (replaced)")
        sub.add_argument(
            "--data", type=folder, default=Path("data"), help="data directory (default ./data)"
        )
        sub.add_argument("--source", choices=outlet_names(), help="only this outlet")
        sub.add_argument("--since", metavar="ISO", help="captured at or after (e.g. 2024-05-01)")
        sub.add_argument("--until", metavar="ISO", help="captured before (e.g. 2024-06-01)")
    parser.set_defaults(run=run)


def run(options: argparse.Namespace) -> int:
    from ..store.reading import iso_instant

    if not (options.data / "articles").is_dir():
        raise UsageError(f"{options.data} has no articles/ folder: nothing to export")
    refuse_newer(options.data)
    if not options.out.parent.is_dir():
        raise UsageError(f"no folder {options.out.parent} to write {options.out.name} in")
    if options.out.is_dir():
        raise UsageError(f"{options.out} is a folder: name the file to write")
    if options.out.exists() and not options.out.is_file():
        # Written whole beside it, then renamed over it: a device or a pipe would be replaced.
        raise UsageError(f"{options.out} is not a regular file: name the file to write")
    try:
        since = iso_instant(options.since) if options.since is not None else None
        until = iso_instant(options.until) if options.until is not None else None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    warnings_to_stderr()
    if options.format == "wacz":
        return export_wacz(options, since, until)
    return export_sqlite(options, since, until)


def _accept(source: str | None, since: str | None, until: str | None) -> Any:
    def accept(line: dict[str, Any]) -> bool:
        when = str((line.get("metadata") or {}).get("dateDownloaded") or "")
        return (
            (source is None or line.get("source") == source)
            and (since is None or when >= since)
            and (until is None or when < until)
        )

    return accept


def export_wacz(options: argparse.Namespace, since: str | None, until: str | None) -> int:
    from ..export.wacz import ExportError, MissingWarcError, write_wacz
    from ..store import ArticleStore

    accept = _accept(options.source, since, until)
    store = ArticleStore(options.data)
    lines = (line for line in store.iter_lines() if accept(line))
    title = "newsarchive export" + (f" ({options.source})" if options.source else "")
    try:
        done = write_wacz(options.out, options.data / "warc", lines, title)
    except MissingWarcError as exc:
        # WARC files moved to other storage: say which, and how much of the export needs it.
        name = exc.path.name
        naming = sum(
            1
            for line in store.iter_lines()
            if accept(line) and (line.get("warc") or {}).get("filename") == name
        )
        why = (
            f"{counted(naming, 'chosen version')} of the store name it"
            if naming
            else "warc/index.cdxj names it for the payload of a revisit"
        )
        print(
            f"newsarchive: {exc.path} is missing ({why}): put it back, or narrow"
            " --source/--since/--until; nothing written",
            file=sys.stderr,
        )
        return 1
    except (ExportError, OSError) as exc:
        if isinstance(exc, OSError) and (exc.errno in REFUSED or is_disk_full(exc)):
            raise  # the command line's one line: refused (73), or a full disk (74)
        print(f"newsarchive: {exc}", file=sys.stderr)
        return 1
    print(f"newsarchive: wrote {options.out}: {done.captures} captures, {done.bytes} bytes")
    return 0


def export_sqlite(options: argparse.Namespace, since: str | None, until: str | None) -> int:
    from ..explorer.readmodel import ReadModel
    from ..store.files import month_files

    partial = options.out.with_name(options.out.name + ".part")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    with ReadModel(partial) as model:
        count = model.rebuild(
            month_files(options.data / "articles"), _accept(options.source, since, until)
        )
        model.db.execute("DELETE FROM files")
        model.db.execute("PRAGMA journal_mode=DELETE")
    if not count:  # as an export of WARC captures: an empty file is no export
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
        print("newsarchive: no stored article matches: nothing to export", file=sys.stderr)
        return 1
    partial.replace(options.out)
    print(f"newsarchive: wrote {options.out}: {count} articles")
    return 0
