"""``newsarchive articles``: print stored articles as JSONL."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from crawler.pages.outlets import names as outlet_names

from ..cli import UsageError
from . import folder, refuse_newer


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "articles",
        help="print stored articles as JSONL (latest version of each by default)",
        description=(
            "Stream the article store to stdout as JSONL, in a stable order (month file, then "
            "line). --since and --until bound metadata.dateDownloaded, the capture time of a "
            "version: without --all-versions each article appears as its latest version "
            "captured before --until, if that version was captured at or after --since. "
            "--published-since and --published-until bound the article's datePublished "
            "(articles without one are left out when either is given)."
        ),
    )
    parser.add_argument(
        "--data", type=folder, default=Path("data"), help="data directory (default ./data)"
    )
    parser.add_argument("--source", choices=outlet_names(), help="only this outlet")
    parser.add_argument(
        "--since", metavar="ISO", help="captured (downloaded) at or after (e.g. 2024-05-01)"
    )
    parser.add_argument(
        "--until", metavar="ISO", help="captured (downloaded) before (e.g. 2024-06-01T00:00Z)"
    )
    parser.add_argument(
        "--published-since", metavar="ISO", help="datePublished at or after (e.g. 2013-01-01)"
    )
    parser.add_argument(
        "--published-until", metavar="ISO", help="datePublished before (e.g. 2013-02-01)"
    )
    parser.add_argument(
        "--all-versions", action="store_true", help="every stored version, not just the latest"
    )
    parser.add_argument(
        "--fields",
        metavar="A,B,C",
        help="only these fields, in this order (dotted for metadata.* and warc.*)",
    )
    parser.set_defaults(run=run)


def warnings_to_stderr() -> None:
    """The store's warnings (a skipped torn line) as one ``newsarchive: warning:`` line each."""
    logger = logging.getLogger("archive.store")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("newsarchive: warning: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)
        logger.propagate = False


def run(options: argparse.Namespace) -> int:
    from ..store import ArticleStore
    from ..store.reading import check_fields, iso_instant

    if not options.data.is_dir():
        raise UsageError(f"no data directory at {options.data}")
    if (options.data / "articles").exists() and not (options.data / "articles").is_dir():
        raise UsageError(f"data directory {options.data} is not usable: articles is no folder")
    refuse_newer(options.data)
    try:
        for moment in (
            options.since,
            options.until,
            options.published_since,
            options.published_until,
        ):
            if moment is not None:  # an empty value too: it names no moment
                iso_instant(moment)
        fields = check_fields(options.fields.split(",")) if options.fields is not None else None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    warnings_to_stderr()
    store = ArticleStore(options.data)
    out = sys.stdout
    for article in store.iter_articles(
        source=options.source,
        since=options.since,
        until=options.until,
        all_versions=options.all_versions,
        fields=fields,
        published_since=options.published_since,
        published_until=options.published_until,
    ):
        out.write(json.dumps(article, ensure_ascii=True, separators=(",", ":")) + "\n")
    out.flush()
    return 0
