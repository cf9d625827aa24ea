"""``newsarchive browse``: read the archive in a browser, offline, through pywb.

A pywb collection ``news`` over ``DATA/warc`` with our CDXJ index (``warc/index.cdxj``, or
one built into ``state/browse/`` when there is none), and a start page at ``/`` listing the
stored articles (headline, source, date) linked to their archived captures. Needs the
optional extra ``newsarchive[browse]`` (pywb).
"""

from __future__ import annotations

import argparse
import html
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

COLLECTION = "news"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "browse",
        help="serve the archive for reading in a browser, offline (needs newsarchive[browse])",
        description=(
            "Serve DATA/warc through pywb, with a start page listing the stored articles. "
            "Nothing is fetched from the network."
        ),
    )
    parser.add_argument(
        "--data", type=Path, default=Path("data"), help="data directory (default ./data)"
    )
    parser.add_argument("--port", type=int, default=8080, help="port (default 8080; 0: any free)")
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default loopback)"
    )
    parser.set_defaults(run=run)


def cdxj_index(data: Path) -> Path:
    """The crawl's ``warc/index.cdxj``, or one built now for the WARCs there are."""
    existing = data / "warc" / "index.cdxj"
    if existing.is_file():
        return existing
    from cdxj_indexer.main import CDXJIndexer

    folder = data / "state" / "browse"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "index.cdxj"
    warcs = sorted(str(p) for p in (data / "warc").glob("*.warc.gz"))
    unsorted = folder / "index.cdxj.tmp"
    CDXJIndexer(output=str(unsorted), inputs=warcs).process_all() if warcs else unsorted.write_text(
        ""
    )
    lines = sorted(unsorted.read_text("utf-8").splitlines(keepends=True))
    target.write_text("".join(lines), "utf-8")
    unsorted.unlink()
    return target


def start_page(articles: Iterable[dict[str, Any]]) -> bytes:
    """The article list: headline, source and date, each linked to its archived capture."""
    from ..replay.timestamps import wayback_timestamp

    rows = []
    for article in articles:
        when = wayback_timestamp(article["metadata"]["dateDownloaded"])
        link = f"/{COLLECTION}/{when}/{article['url']}"
        date = article.get("datePublished") or article["metadata"]["dateDownloaded"]
        rows.append(
            f'<li><a href="{html.escape(link)}">{html.escape(article["headline"])}</a> '
            f"<span>{html.escape(article['source'])}</span> <time>{html.escape(date)}</time></li>"
        )
    body = "\n".join(rows) or "<li>No articles stored yet.</li>"
    page = (
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>newsarchive</title>"
        f"</head><body><h1>newsarchive</h1><ul>\n{body}\n</ul></body></html>"
    )
    return page.encode("utf-8")


def make_app(data: Path) -> Callable[..., Any]:
    """pywb for everything under ``/news/``, the start page at ``/``."""
    from pywb.apps.frontendapp import FrontEndApp

    from ..store import ArticleStore

    config = {
        "collections": {
            COLLECTION: {
                "index_paths": str(cdxj_index(data)),
                "archive_paths": str((data / "warc").resolve()) + "/",
            }
        },
        "framed_replay": False,
        "enable_memento": True,
    }
    settings = data / "state" / "browse" / "config.yaml"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text("# written by newsarchive browse; the collection is set in code\n")
    pywb = FrontEndApp(config_file=str(settings), custom_config=config)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO", "/") in ("/", "/index.html"):
            store = ArticleStore(data)
            try:
                page = start_page(store.iter_articles())
            finally:
                store.close()
            start_response(
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(page)))],
            )
            return [page]
        return pywb(environ, start_response)

    return app


def run(options: argparse.Namespace) -> int:
    from ..cli import UsageError

    if not (options.data / "warc").is_dir():
        raise UsageError(f"{options.data} has no warc/ folder: nothing to browse")
    try:
        from gevent.pywsgi import WSGIServer
    except ImportError:
        raise UsageError("browse needs pywb: pip install 'newsarchive[browse]'") from None
    try:
        app = make_app(options.data)
    except ImportError:
        raise UsageError("browse needs pywb: pip install 'newsarchive[browse]'") from None
    server = WSGIServer((options.host, options.port), app, log=None)
    try:
        server.start()
    except OSError as exc:
        raise UsageError(f"cannot listen on {options.host}:{options.port}: {exc}") from None
    print(f"newsarchive: browsing {options.data} at http://{options.host}:{server.server_port}/")
    sys.stdout.flush()
    server.serve_forever()
    return 0
