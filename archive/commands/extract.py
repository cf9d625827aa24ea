"""``newsarchive extract``: the item of one saved page, for debugging and other tools."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from crawler.pages.outlets import names as outlet_names


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "extract",
        help="print the article item extracted from one saved HTML file",
        description="Run the extractor on a saved page and print its item (or why it is none).",
    )
    parser.add_argument("file", type=Path, metavar="FILE.html")
    parser.add_argument("--url", required=True, help="the URL the page was fetched from")
    parser.add_argument(
        "--source", choices=outlet_names(), help="the outlet (default: from the URL or page)"
    )
    parser.add_argument(
        "--content-type", default="text/html", help="the HTTP Content-Type, charset included"
    )
    parser.set_defaults(run=run)


def run(options: argparse.Namespace) -> int:
    from urllib.parse import urlsplit

    from crawler.pages import analyse
    from crawler.pages.urls import url_error

    from ..cli import UsageError, not_allowed

    unreadable = url_error(options.url)
    if not unreadable:
        parts = urlsplit(options.url.strip())
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            unreadable = f"{options.url!r} is not an http(s) URL with a host"
    if unreadable:
        raise UsageError(f"--url takes the URL the page was fetched from: {unreadable}")
    try:
        body = options.file.read_bytes()
    except OSError as exc:
        message = f"cannot read {options.file}: {exc.strerror or exc}"
        raise not_allowed(message, exc, reading=True) from None
    analysis = analyse(
        options.url, {"Content-Type": options.content_type}, body, source=options.source
    )
    if analysis.article is None:
        print(f"newsarchive: not an article ({analysis.kind}: {analysis.reason})", file=sys.stderr)
        return 1
    print(json.dumps(analysis.article, ensure_ascii=False, indent=2))
    return 0
