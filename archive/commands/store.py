"""``newsarchive store stats|rebuild``: look after the article store."""

from __future__ import annotations

import argparse
import json
import math
import sqlite3
import sys
from pathlib import Path
from typing import Any

from crawler import settings as defaults

from ..cli import UsageError
from ..exitcodes import LOCKED
from . import folder, refuse_newer
from .articles import warnings_to_stderr


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "store",
        help="article store: counts (stats), or rebuild its indexes from the JSONL files (rebuild)",
        description="Look after the JSONL article store of a data directory.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    stats = actions.add_parser(
        "stats", help="articles and lines per source and month, versions, quarantined lines"
    )
    stats.add_argument("--json", action="store_true", help="print one JSON object")
    rebuild = actions.add_parser(
        "rebuild",
        help="recreate state/store.sqlite and the explorer's state/explorer.sqlite from the"
        " JSONL files (if lost or doubted)",
    )
    rebuild.add_argument(
        "--wait",
        type=float,
        default=defaults.NEWSARCHIVE_STORE_LOCK_TIMEOUT,
        metavar="SECONDS",
        help="how long to wait for a writer to release the store (default %(default)s)",
    )
    for sub in (stats, rebuild):
        sub.add_argument(
            "--data", type=folder, default=Path("data"), help="data directory (default ./data)"
        )
    parser.set_defaults(run=run)


def run(options: argparse.Namespace) -> int:
    if not options.data.is_dir():
        raise UsageError(f"no data directory at {options.data}")
    if (options.data / "articles").exists() and not (options.data / "articles").is_dir():
        raise UsageError(f"data directory {options.data} is not usable: articles is no folder")
    refuse_newer(options.data)
    warnings_to_stderr()
    if options.action == "rebuild":
        return rebuild(options)
    return stats(options)


def rebuild(options: argparse.Namespace) -> int:
    from ..store import ArticleStore, StoreLockedError

    if not 0 <= options.wait < math.inf:  # NaN included: it would wait forever
        raise UsageError("--wait takes seconds >= 0")
    for name in ("articles", "state"):  # what a rebuild reads and writes
        if (options.data / name).exists() and not (options.data / name).is_dir():
            raise UsageError(f"data directory {options.data} is not usable: {name} is no folder")
    with ArticleStore(options.data, lock_timeout=options.wait) as store:
        try:
            articles = store.rebuild_index()
        except StoreLockedError as exc:
            print(f"newsarchive: {exc}", file=sys.stderr)
            return LOCKED
        print(
            f"newsarchive: rebuilt {store.index.path} from {len(store.files())} files:"
            f" {articles} articles"
        )
        forgotten = forget_unstored(options.data, store)
    if forgotten:
        print(
            f"newsarchive: {forgotten} pages whose articles the store lost (damaged lines) are"
            " forgotten by the fetch history: the next crawl fetches them again"
        )
    from ..explorer.readmodel import ReadModel
    from ..explorer.readmodel import rebuild as rebuild_read_model

    path = ReadModel.of(options.data).path
    try:
        held = rebuild_read_model(options.data, options.wait)
    except sqlite3.OperationalError as exc:
        if "database is locked" not in str(exc):
            raise
        print(
            f"newsarchive: the read model {path} is being written by another process (a"
            f" browse or a crawl catching it up): gave up after {options.wait:g}s",
            file=sys.stderr,
        )
        return LOCKED
    print(f"newsarchive: rebuilt {path}: {held} articles")
    return 0


def forget_unstored(data: Path, store: Any) -> int:
    """Make the fetch history claim no article the store does not hold.

    A damaged line, or a torn one a writer quarantined, hides its article: a re-crawl would
    get 304 for it and never store it again. The history's rows for the URLs still
    readable in torn lines, and in damaged ones but stored by no whole line, are dropped;
    when a damaged line has no readable URL, so are those of every article no whole line
    names. Returns the number of rows dropped.
    """
    from crawler.pages.urls import dedup_key

    from ..fetchstate import FetchState
    from ..store.files import torn_urls
    from ..store.reading import damaged_lines

    histories = sorted((data / "state").glob("fetch*.sqlite"))  # the live web's, each past's
    if not histories:
        return 0
    damaged = list(damaged_lines(store.articles_dir, store.files()))
    # Lines a crash tore, quarantined by a writer: their pages are lost as a damaged line's.
    torn = {url for path in store.quarantined() for url in torn_urls(path)}
    if not damaged and not torn:
        return 0  # the usual case: one pass over the store, not two
    stored: set[str] = set()
    for line in store.iter_lines():
        for name in ("url", "canonicalUrl"):
            if isinstance(line.get(name), str):
                stored.add(dedup_key(line[name]))
    # A torn line's page is forgotten even where an earlier version is whole: the torn one
    # may hold a change the store lacks (a re-fetch of an unchanged page stores nothing).
    lost = {dedup_key(url) for line in damaged for url in line.urls} - stored
    lost |= {dedup_key(url) for url in torn}
    unnamed = any(not line.urls for line in damaged)
    dropped = 0
    for history in histories:
        state = FetchState(history)
        try:
            keys = [
                key
                for key, url, article in state.pages()
                if dedup_key(url) in lost
                or key in lost
                or (unnamed and article and dedup_key(url) not in stored)
            ]
            dropped += state.forget(keys)
        finally:
            state.close()
    return dropped


def collect(data: Path) -> dict[str, Any]:
    """Counts over one streaming pass of the store (memory: one small entry per article)."""
    from ..store import ArticleStore
    from ..store.reading import damaged_lines, downloaded

    store = ArticleStore(data)
    latest: dict[str, tuple[str, int]] = {}
    months: dict[str, int] = {}
    lines: dict[str, int] = {}
    for line in store.iter_lines():
        source = str(line.get("source"))
        lines[source] = lines.get(source, 0) + 1
        month = downloaded(line)[:7] or "?"
        months[month] = months.get(month, 0) + 1
        known = latest.get(line["articleId"])
        if known is None or line["version"] > known[1]:
            latest[line["articleId"]] = (source, line["version"])
    articles: dict[str, int] = {}
    versions: dict[str, int] = {}
    for source, version in latest.values():
        articles[source] = articles.get(source, 0) + 1
        versions[str(version)] = versions.get(str(version), 0) + 1
    quarantined = store.quarantined()
    damaged = list(damaged_lines(store.articles_dir, store.files()))
    return {
        "articles": dict(sorted(articles.items())),
        "lines": dict(sorted(lines.items())),
        "linesByMonth": dict(sorted(months.items())),
        "articlesByVersions": dict(sorted(versions.items(), key=lambda kv: int(kv[0]))),
        "quarantined": {
            "files": len(quarantined),
            "bytes": sum(path.stat().st_size for path in quarantined),
        },
        "damaged": {
            "lines": len(damaged),
            "examples": [f"{d.path.name}:{d.offset}" for d in damaged[:5]],
        },
    }


def stats(options: argparse.Namespace) -> int:
    counts = collect(options.data)
    if options.json:
        print(json.dumps(counts, separators=(",", ":")))
        return 0
    out = [f"store {options.data / 'articles'}"]
    for source, count in counts["articles"].items():
        out.append(f"  {source}: {count} articles, {counts['lines'][source]} lines")
    out.append(
        f"  total: {sum(counts['articles'].values())} articles,"
        f" {sum(counts['lines'].values())} lines"
    )
    out.append("lines by month (dateDownloaded):")
    out.extend(f"  {month}: {count}" for month, count in counts["linesByMonth"].items())
    out.append("articles by number of versions:")
    out.extend(f"  {n}: {count}" for n, count in counts["articlesByVersions"].items())
    quarantine = counts["quarantined"]
    out.append(f"quarantined torn lines: {quarantine['files']} ({quarantine['bytes']} bytes)")
    damaged = counts["damaged"]
    out.append(f"damaged lines (not store lines, skipped): {damaged['lines']}")
    out.extend(f"  at {where}" for where in damaged["examples"])
    if damaged["lines"]:
        out.append("  `newsarchive store rebuild` makes the next crawl fetch their articles again")
    print("\n".join(out))
    return 0
