"""``newsarchive articles``: print stored articles as JSONL."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "articles",
        help="print stored articles as JSONL (latest version of each by default)",
        description="Stream the article store to stdout as JSONL, in a stable order.",
    )
    parser.add_argument(
        "--data", type=Path, default=Path("data"), help="data directory (default ./data)"
    )
    parser.add_argument("--source", choices=("cnn", "reuters"), help="only this outlet")
    parser.add_argument(
        "--all-versions", action="store_true", help="every stored version, not just the latest"
    )
    parser.set_defaults(run=run)


def run(options: argparse.Namespace) -> int:
    from ..store import ArticleStore

    store = ArticleStore(options.data)
    out = sys.stdout
    for article in store.iter_articles(source=options.source, all_versions=options.all_versions):
        out.write(json.dumps(article, ensure_ascii=True, separators=(",", ":")) + "\n")
    out.flush()
    store.close()
    return 0
