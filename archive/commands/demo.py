"""``newsarchive demo``: crawl the bundled test site on loopback, offline, in seconds."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..exitcodes import USAGE
from . import folder

# A loopback server needs none of the politeness a real site is owed.
TEST_SERVER_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="crawl the bundled test site on loopback (no internet needed)",
        description=(
            "Start the bundled test site (CNN- and Reuters-shaped pages) on free loopback "
            "ports, crawl it with both spiders, and say where the WARCs and articles went."
        ),
    )
    parser.add_argument(
        "--data",
        type=folder,
        default=Path("demo-data"),
        help="data directory (default ./demo-data)",
    )
    parser.set_defaults(run=run)


def run(options: argparse.Namespace) -> int:
    from crawler.run import CrawlOptions, run_crawl

    from ..testsite import SITE_ROOT, START_PATHS
    from ..testsite.server import serve_site

    servers = {name: serve_site(SITE_ROOT / name) for name in START_PATHS}
    start_urls = {}
    for name, server in servers.items():
        host, port = str(server.server_address[0]), int(server.server_address[1])
        start_urls[name] = [f"http://{host}:{port}{path}" for path in START_PATHS[name]]
    code = run_crawl(
        CrawlOptions(
            spiders=list(servers),
            data_dir=options.data,
            start_urls=start_urls,
            settings=dict(TEST_SERVER_SETTINGS),
        )
    )
    for server in servers.values():
        server.shutdown()
    if code == USAGE:  # nothing was written: its one line said why
        return code
    for name, server in servers.items():
        host, port = str(server.server_address[0]), int(server.server_address[1])
        print(f"test site {name}: http://{host}:{port}/ (served for this crawl)")
    data = options.data
    print(f"WARC files:   {data / 'warc'}")
    print(f"articles:     {data / 'articles'}  (newsarchive articles --data {data})")
    print(f"run reports:  {data / 'runs'}")
    return code
