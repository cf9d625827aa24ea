"""``newsarchive verify``: check the structure and digests of WARC files, one line each."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..exitcodes import ERRORS, OK


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="check WARC files (ours or anyone's): structure, gzip members, every digest",
        description=(
            "Read every record of each WARC file (and of each WARC file a WACZ holds), "
            "checking the headers it must have, its length, and its block and payload "
            "digests. Prints one line per file; exits 0 only if every file is sound, 1 "
            "otherwise."
        ),
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="WARC or WACZ files, or folders holding them (default: data/warc)",
    )
    parser.set_defaults(run=run)


def run(options: argparse.Namespace) -> int:
    from ..cli import UsageError
    from ..warc.verify import expand, verify_file, verify_wacz
    from . import check_inputs

    if not options.paths and not Path("data/warc").is_dir():
        raise UsageError("no WARC files named, and no data/warc here to verify")
    check_inputs(options.paths)  # a typo, as replay has it: no file to call unsound
    files = expand(options.paths or ["data/warc"])
    if not files:
        raise UsageError(f"no WARC files in {' '.join(options.paths or ['data/warc'])}")
    bad = total = 0
    for path in files:
        wacz = path.name.lower().endswith(".wacz")
        for report in verify_wacz(path) if wacz else [verify_file(path)]:
            total += 1
            bad += not report.sound
            print(report.line(), file=sys.stdout if report.sound else sys.stderr)
    print(f"newsarchive: {total - bad} of {total} WARC files sound")
    return OK if bad == 0 else ERRORS
