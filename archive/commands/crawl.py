"""``newsarchive crawl``: run the spiders into the data directory."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..exitcodes import EPILOG

SPIDERS = ("cnn", "reuters")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "crawl",
        help="crawl outlets into WARC files and the article store",
        description=(
            "Run the named spiders (default: all) in one process. Each page is fetched once "
            "per run, written to a WARC file, and each article becomes a store line."
        ),
        epilog=EPILOG,
    )
    parser.add_argument("spiders", nargs="*", metavar="SPIDER", help=f"one of {', '.join(SPIDERS)}")
    parser.add_argument(
        "--data", type=Path, default=Path("data"), help="data directory (default ./data)"
    )
    parser.add_argument(
        "--start-url",
        action="append",
        default=[],
        metavar="URL",
        help="start here instead of the defaults; the URL's host is treated as the site "
        "(how a mirror or a test server is crawled); needs exactly one SPIDER",
    )
    parser.add_argument(
        "--depth", type=int, default=2, help="related-coverage hops to follow (default 2)"
    )
    parser.add_argument(
        "--max-pages", type=int, default=0, help="stop after N responses (0: no limit)"
    )
    parser.add_argument(
        "-s",
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        dest="settings",
        help="a Scrapy setting, e.g. -s DOWNLOAD_DELAY=0",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print only the summary and errors"
    )
    parser.set_defaults(run=run)


def run(options: argparse.Namespace) -> int:
    from ..cli import UsageError

    spiders = options.spiders or list(SPIDERS)
    unknown = [s for s in spiders if s not in SPIDERS]
    if unknown:
        raise UsageError(f"unknown spider {unknown[0]!r} (choose from {', '.join(SPIDERS)})")
    if options.start_url and len(spiders) != 1:
        raise UsageError("--start-url needs exactly one SPIDER")
    if options.depth < 0 or options.max_pages < 0:
        raise UsageError("--depth and --max-pages take numbers >= 0")
    overrides = {}
    for pair in options.settings:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"-s takes NAME=VALUE, not {pair!r}")
        overrides[name.strip()] = value
    from crawler.run import CrawlOptions, run_crawl

    return run_crawl(
        CrawlOptions(
            spiders=spiders,
            data_dir=options.data,
            start_urls={spiders[0]: options.start_url} if options.start_url else {},
            depth=options.depth,
            max_pages=options.max_pages,
            settings=overrides,
            quiet=options.quiet,
        )
    )
