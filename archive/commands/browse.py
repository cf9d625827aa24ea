"""``newsarchive browse``: the story explorer, and replay of the archive through pywb, offline.

The explorer (:mod:`archive.explorer`) answers ``/``, ``/article/ID`` and ``/story`` from the
read model in ``state/explorer.sqlite``; a pywb collection ``news`` over ``DATA/warc`` with our
CDXJ index (``warc/index.cdxj``, or one built into ``state/browse/`` when there is none)
replays each capture, framed with its banner. Needs the optional extra
``newsarchive[browse]`` (pywb).
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import folder

COLLECTION = "news"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "browse",
        help="serve the archive for reading in a browser, offline (needs newsarchive[browse])",
        description=(
            "Serve the story explorer (articles, search, versions, related coverage, story "
            "graphs) and replay DATA/warc through pywb. Nothing is fetched from the network."
        ),
    )
    parser.add_argument(
        "--data", type=folder, default=Path("data"), help="data directory (default ./data)"
    )
    parser.add_argument("--port", type=int, default=8080, help="port (default 8080; 0: any free)")
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default loopback)"
    )
    parser.set_defaults(run=run)


def cdxj_index(data: Path, folder: Path | None = None) -> Path:
    """The crawl's ``warc/index.cdxj``, or one built now for the WARCs there are, into
    `folder` (default ``state/browse/``)."""
    from ..warc.cdxj import INDEX_NAME, index_lines, warc_files

    existing = data / "warc" / INDEX_NAME
    if existing.is_file():
        return existing

    folder = folder or data / "state" / "browse"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / INDEX_NAME
    # The WARC files a killed crawl left open too (the next crawl closes them): their whole
    # records replay; a damaged file or record is left out, as `newsarchive index` does.
    found = data / "warc"
    warcs = sorted([*warc_files(found), *found.glob("*.warc.gz.open")]) if found.is_dir() else []
    skipped: list[str] = []
    target.write_text("".join(index_lines(warcs, skipped)), "utf-8")
    return target


def make_app(data: Path) -> Callable[..., Any]:
    """The story explorer, with pywb (framed, banner on) for everything under ``/news/``."""
    from pywb.apps.frontendapp import FrontEndApp

    from ..explorer.app import Explorer

    folder = _writable(data / "state" / "browse")
    model = None  # the data directory's own read model
    if folder is None:  # read-only: everything browse writes goes to a scratch folder
        folder = Path(tempfile.mkdtemp(prefix="newsarchive-browse-"))
        atexit.register(shutil.rmtree, folder, True)
        print(
            f"newsarchive: {data / 'state'} cannot be written: browsing with the read model "
            f"and index kept in {folder}",
            file=sys.stderr,
        )
        model = folder / "explorer.sqlite"
        stored = data / "state" / "explorer.sqlite"
        if stored.is_file():  # caught up from where it stands, not rebuilt
            shutil.copyfile(stored, model)
    index = cdxj_index(data, folder)
    config = {
        "collections": {
            COLLECTION: {
                "index_paths": str(index),
                "archive_paths": str((data / "warc").resolve()) + "/",
            }
        },
        "framed_replay": True,
        "enable_memento": True,
    }
    settings = folder / "config.yaml"
    settings.write_text("# written by newsarchive browse; the collection is set in code\n")
    pywb = FrontEndApp(config_file=str(settings), custom_config=config)
    return Explorer(data, index, pywb, model=model)


def _writable(folder: Path) -> Path | None:
    """`folder`, made if needed, when browse can write into it; else None (a read-only
    data directory, a file where it goes)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        from ..diskspace import is_disk_full

        if is_disk_full(exc):
            raise
        return None
    return folder


def base_url(host: str, port: int) -> str:
    """The explorer's address as a browser takes it: an IPv6 literal in brackets."""
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def run(options: argparse.Namespace) -> int:
    from ..cli import UsageError, not_allowed
    from . import refuse_newer

    if not 0 <= options.port <= 65535:
        raise UsageError(f"--port takes a number from 0 to 65535, not {options.port}")
    if not (options.data / "warc").is_dir():
        raise UsageError(f"{options.data} has no warc/ folder: nothing to browse")
    refuse_newer(options.data)  # browse writes its read model and pywb's config into state/
    try:
        from gevent.pywsgi import WSGIServer
    except ImportError:
        raise UsageError("browse needs pywb: pip install 'newsarchive[browse]'") from None
    try:
        app = make_app(options.data)
    except ImportError:
        raise UsageError("browse needs pywb: pip install 'newsarchive[browse]'") from None
    except sqlite3.Error as exc:
        model = options.data / "state" / "explorer.sqlite"
        raise UsageError(
            f"cannot use the read model {model}: {exc} (newsarchive store rebuild recreates it)"
        ) from None
    except OSError as exc:  # a read-only data directory, a file where state/browse goes
        from ..diskspace import is_disk_full

        if is_disk_full(exc):
            raise  # exit 74, as every command on a full disk
        where = f"{exc.filename}: " if exc.filename else ""
        raise not_allowed(
            f"cannot write the explorer's state in {options.data / 'state'} ({where}"
            f"{exc.strerror or exc}): browse keeps its read model and pywb's config there",
            exc,
        ) from None
    server = WSGIServer((options.host, options.port), app, log=None)
    try:
        server.start()
    except OSError as exc:
        raise UsageError(f"cannot listen on {options.host}:{options.port}: {exc}") from None
    print(f"newsarchive: browsing {options.data} at {base_url(options.host, server.server_port)}")
    sys.stdout.flush()
    server.serve_forever()
    return 0
