"""``newsarchive crawl``: run the spiders into the data directory."""

from __future__ import annotations

import argparse
import math
import os
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from crawler import settings as defaults
from crawler.pages.outlets import names as outlet_names

from ..exitcodes import EPILOG
from ..state import ENV as STATE_ENV
from . import check_inputs, folder

DEFAULT_DATA = Path("data")


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
    parser.add_argument(
        "spiders",
        nargs="*",
        metavar="SPIDER",
        help=f"one of {', '.join(outlet_names())} (default: all)",
    )
    parser.add_argument(
        "--data",
        type=folder,
        default=None,
        help="data directory (default ./data; wins over -s NEWSARCHIVE_DATA_DIR)",
    )
    parser.add_argument(
        "--start-url",
        action="append",
        default=[],
        metavar="URL",
        help="start here instead of the defaults; the URLs' hosts, with their ports, are the "
        "site (how a mirror or a test server is crawled); needs exactly one SPIDER",
    )
    parser.add_argument(
        "--depth",
        type=int,
        default=defaults.NEWSARCHIVE_DEPTH,
        help=f"related-coverage hops to follow (default {defaults.NEWSARCHIVE_DEPTH})",
    )
    parser.add_argument(
        "--max-pages",
        type=int,
        default=0,
        metavar="N",
        help="send at most N requests (robots.txt and retries count), then stop; 0: no limit",
    )
    parser.add_argument(
        "--max-runtime",
        type=float,
        default=0,
        metavar="SECONDS",
        help="end the run cleanly after this long (0: no limit); the next run resumes",
    )
    parser.add_argument(
        "--recrawl",
        choices=("auto", "all", "none"),
        default=defaults.NEWSARCHIVE_RECRAWL,
        help="re-fetch known articles: auto by their age (default), all, or none",
    )
    parser.add_argument(
        "--max-error-rate",
        type=float,
        default=defaults.NEWSARCHIVE_MAX_ERROR_RATE,
        metavar="FRACTION",
        help="exit 1 when more than this share of requests failed "
        f"(default {defaults.NEWSARCHIVE_MAX_ERROR_RATE:.2f})",
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
    parser.add_argument(
        "--state",
        metavar="redis://HOST:PORT/DB",
        default=None,  # then $NEWSARCHIVE_STATE (see run: a refusal names where it came from)
        help="run as one worker of a crawl shared through this Redis (queue, seen set, "
        f"history, indexes); default ${STATE_ENV}, else the embedded state in DATA/state/",
    )
    parser.add_argument(
        "--from-archive",
        nargs="+",
        default=[],
        metavar="PATH",
        help="answer every request from these WARC/WACZ files or folders, never the network "
        "(a URL they lack fails as 'not archived')",
    )
    parser.add_argument(
        "--via",
        metavar="ARCHIVE",
        help="crawl the past through a public web archive: every request is answered by "
        "its capture nearest --at (wayback, commoncrawl[:CRAWL], timegate:URL, timemap:URL, "
        "or the base URL of a pywb/OpenWayback collection)",
    )
    parser.add_argument(
        "--at",
        metavar="TIMESTAMP",
        help="with --from-archive or --via: use the captures nearest this time "
        "(20130129223800, 20130129 or ISO 8601; default the latest, or now)",
    )
    parser.add_argument(
        "--window",
        type=float,
        metavar="DAYS",
        help="with --via: a capture further than this from --at counts as not archived "
        "(default 30)",
    )
    parser.set_defaults(run=run)


def run(options: argparse.Namespace) -> int:
    from ..cli import UsageError

    known = outlet_names()
    spiders = options.spiders or list(known)
    unknown = [s for s in spiders if s not in known]
    if unknown:
        raise UsageError(f"unknown spider {unknown[0]!r} (choose from {', '.join(known)})")
    if options.start_url and len(spiders) != 1:
        raise UsageError("--start-url needs exactly one SPIDER")
    from crawler.linkpolicy import url_problem

    for url in options.start_url:
        problem = url_problem(url)
        if problem:
            raise UsageError(f"--start-url {url!r}: {problem}")
    if options.depth < 0 or options.max_pages < 0:
        raise UsageError("--depth and --max-pages take numbers >= 0")
    if not 0 <= options.max_runtime < math.inf:  # NaN included
        raise UsageError("--max-runtime takes seconds >= 0")
    if not 0 <= options.max_error_rate <= 1:
        raise UsageError("--max-error-rate takes a fraction between 0 and 1")
    overrides = {}
    for pair in options.settings:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"-s takes NAME=VALUE, not {pair!r}")
        overrides[name.strip()] = value
    from crawler.settingscheck import SettingError, check_overrides

    try:
        warnings = check_overrides(overrides)
    except SettingError as exc:
        raise UsageError(str(exc)) from None
    data_dir = overrides.pop("NEWSARCHIVE_DATA_DIR", None)
    if data_dir is not None and options.data is None:
        options.data = Path(data_dir)
    elif data_dir is not None and Path(data_dir) != options.data:
        warnings.append(f"--data {options.data} wins over -s NEWSARCHIVE_DATA_DIR={data_dir}")
    if options.data is None:
        options.data = DEFAULT_DATA
    for warning in warnings:
        print(f"newsarchive: warning: {warning}", file=sys.stderr)
    if options.at and not (options.from_archive or options.via):
        raise UsageError("--at needs --from-archive or --via")
    if options.window is not None and not options.via:
        raise UsageError("--window needs --via")
    if options.via and options.from_archive:
        raise UsageError("--via and --from-archive exclude each other")
    named = "--state"
    if options.state is None:
        options.state = os.environ.get(STATE_ENV) or ""
        named = f"--state (${STATE_ENV})"
    if options.state:
        from ..state import check_address

        try:
            check_address(options.state)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        if options.from_archive or options.via:
            unset = f"; run it with {STATE_ENV}= before it" if named != "--state" else ""
            raise UsageError(f"{named} does not go with --from-archive or --via{unset}")
        try:
            import scrapy_redis  # noqa: F401
        except ImportError:
            raise UsageError(
                "--state needs scrapy-redis: pip install 'newsarchive[scale]'"
            ) from None
    if options.via:
        overrides = {**_via_settings(options), **overrides}
    if options.from_archive:
        from ..warc.read.timestamps import parse_at

        check_inputs(options.from_archive)
        if options.at:
            try:
                parse_at(options.at)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
        # The archive is the only network: no politeness delays are owed to anyone.
        archived: dict[str, object] = {
            "NEWSARCHIVE_FROM_ARCHIVE": list(options.from_archive),
            "AUTOTHROTTLE_ENABLED": "False",
            "DOWNLOAD_DELAY": "0",
        }
        if options.at:
            archived["NEWSARCHIVE_FROM_ARCHIVE_AT"] = options.at
        overrides = {**archived, **overrides}
    from crawler.run import CrawlOptions, run_crawl

    return run_crawl(
        CrawlOptions(
            spiders=spiders,
            data_dir=options.data,
            start_urls={spiders[0]: options.start_url} if options.start_url else {},
            depth=options.depth,
            max_pages=options.max_pages,
            max_runtime=options.max_runtime,
            recrawl=options.recrawl,
            max_error_rate=options.max_error_rate,
            settings=overrides,
            quiet=options.quiet,
            state=options.state,
        )
    )


# The years an archive's 14-digit timestamps can name.
_FIRST_LOOKUP = datetime(1000, 1, 1, tzinfo=timezone.utc)
_LAST_LOOKUP = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)


def _lookup_span(at: datetime, days: float) -> None:
    """Refuse an --at and --window whose lookups would reach outside the years 1000-9999."""
    from ..cli import UsageError

    try:
        window = timedelta(days=days)
        inside = at - window >= _FIRST_LOOKUP and at + window <= _LAST_LOOKUP
    except OverflowError:
        inside = False
    if not inside:
        raise UsageError(
            f"--at {at.year:04d}-{at:%m-%d} with --window {days:g} reaches outside the years"
            " 1000-9999"
            " that archives' timestamps name"
        )


def _via_settings(options: argparse.Namespace) -> dict[str, object]:
    """Settings of a crawl through a public web archive (``--via``)."""
    from ..cli import UsageError
    from ..warc.read.timestamps import parse_at

    spec = options.via
    schemes = ("http://", "https://")
    known = spec in ("wayback", "commoncrawl") or spec.startswith(
        (
            "commoncrawl:",
            *schemes,
            *(f"{kind}:{scheme}" for kind in ("timegate", "timemap") for scheme in schemes),
        )
    )
    if spec.startswith("commoncrawl:") and not spec.removeprefix("commoncrawl:").strip():
        known = False  # a crawl named by nothing
    if not known:
        raise UsageError(
            f"--via takes wayback, commoncrawl[:CRAWL], timegate:URL, timemap:URL or an "
            f"archive's URL, "
            f"not {spec!r}"
        )
    if spec.startswith(("timegate:", "timemap:", "http:", "https:")):
        from crawler.linkpolicy import url_problem

        problem = url_problem(spec.removeprefix("timegate:").removeprefix("timemap:"))
        if problem:
            raise UsageError(f"--via {spec!r}: {problem}")
    at = None
    if options.at:
        try:
            at = parse_at(options.at)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    if options.window is not None and not 0 < options.window < math.inf:  # NaN included
        raise UsageError("--window takes days > 0")
    if at is not None:
        _lookup_span(
            at, defaults.NEWSARCHIVE_VIA_WINDOW_DAYS if options.window is None else options.window
        )
    settings: dict[str, object] = {
        "NEWSARCHIVE_VIA": spec,
        # We never contact the outlet: its robots.txt of today does not govern its past,
        # and the archive applies its own access rules to what it serves.
        "NEWSARCHIVE_ROBOTS_ENABLED": "False",
    }
    if options.at:
        settings["NEWSARCHIVE_VIA_AT"] = options.at
    if options.window is not None:
        settings["NEWSARCHIVE_VIA_WINDOW_DAYS"] = str(options.window)
    return settings
