"""``newsarchive index``: rebuild the CDXJ index of the data directory's WARC files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..exitcodes import ERRORS, OK
from . import folder


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "index",
        help="rebuild warc/index.cdxj (the pywb / cdxj-indexer index) from the WARC files",
        description=(
            "Index every closed WARC file of DATA/warc into DATA/warc/index.cdxj, sorted, "
            "replacing the index a crawl keeps up to date. Leftover .open files are closed first."
        ),
    )
    parser.add_argument(
        "--data", type=folder, default=Path("data"), help="data directory (default ./data)"
    )
    parser.set_defaults(run=run)


def run(options: argparse.Namespace) -> int:
    from ..cli import UsageError, not_allowed
    from ..dataformat import FormatError, check
    from ..diskspace import is_disk_full
    from ..warc.cdxj import INDEX_NAME, update_index
    from ..warc.recovery import recover_directory

    folder = options.data / "warc"
    if not folder.is_dir():
        raise UsageError(f"no WARC folder in {options.data} (is it a data directory?)")
    try:
        check(options.data)  # a newer version's archive is not ours to re-index
    except FormatError as exc:
        raise UsageError(str(exc)) from None
    failed = False
    for recovered in recover_directory(folder):
        if recovered.action == "failed":  # its records stay out of the index: say why
            failed = True
            print(f"newsarchive: {recovered.line()}", file=sys.stderr)
        elif recovered.action != "busy":
            print(f"newsarchive: {recovered.action} {recovered.path.name}")
    skipped: list[str] = []
    try:
        lines = update_index(folder, rebuild=True, skipped=skipped)
    except OSError as exc:
        if is_disk_full(exc):
            raise  # exit 74, as every command on a full disk
        raise not_allowed(
            f"cannot write {folder / INDEX_NAME}: {exc.strerror or exc}", exc
        ) from None
    for wacz in sorted(p for p in folder.iterdir() if p.name.lower().endswith(".wacz")):
        # The index lists the WARC files of warc/ (what pywb and browse replay from).
        skipped.append(f"{wacz.name}: a WACZ (replay and verify read it; unpack it for pywb)")
    for line in skipped:
        print(f"newsarchive: not indexed: {line}", file=sys.stderr)
    print(f"newsarchive: indexed {lines} records into {folder / INDEX_NAME}")
    return ERRORS if skipped or failed else OK
