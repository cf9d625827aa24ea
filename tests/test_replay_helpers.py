"""Helpers and fixtures shared by the replay tests: a crawled site, store diffs, no network."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archive.store.lines import STORE_FIELDS

from .conftest import FAST, SiteServer, cli_env, run_cli, store_lines

SITE_STARTS = {
    "cnn": ("/world/africa/", "/sitemaps/cnn/news.xml"),
    "reuters": ("/world/africa/", "/sitemaps/news.xml"),
}


def crawl_site(site: SiteServer, data: Path, *extra: str) -> None:
    """Crawl both outlets of the test site into `data`, as cron would."""
    for spider, paths in SITE_STARTS.items():
        starts = [arg for path in paths for arg in ("--start-url", site.url(spider, path))]
        result = run_cli("crawl", spider, "--data", str(data), *starts, *FAST, *extra)
        assert result.returncode == 0, result.stderr


def by_version(lines: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    return {(line["articleId"], line["version"]): line for line in lines}


def read_items(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]


def article_fields(item: dict[str, Any]) -> dict[str, Any]:
    """An item without what depends on where it was archived (URL, file, capture time)."""
    kept = {k: v for k, v in item.items() if k not in (*STORE_FIELDS, "warc", "url")}
    kept["metadata"] = {k: v for k, v in item["metadata"].items() if k != "dateDownloaded"}
    return kept


def archived_response(archive: Path, url: str) -> tuple[Any, bytes]:
    """The HTTP headers and the decoded body of the last response for `url` in the WARC
    files of a data directory (``None, b""`` when there is none)."""
    from warcio.archiveiterator import ArchiveIterator

    head, body = None, b""
    for path in sorted((archive / "warc").glob("*.warc.gz")):
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                if (
                    record.rec_type == "response"
                    and record.rec_headers.get_header("WARC-Target-URI") == url
                ):
                    head, body = record.http_headers, record.content_stream().read()
    return head, body


def stores_equal(a: Path, b: Path) -> list[str]:
    """Differences between two stores, field by field (empty when equal)."""
    left, right = by_version(store_lines(a)), by_version(store_lines(b))
    found = [f"only in {a}: {k}" for k in left.keys() - right.keys()]
    found += [f"only in {b}: {k}" for k in right.keys() - left.keys()]
    for key in left.keys() & right.keys():
        for name in sorted(set(left[key]) | set(right[key])):
            if left[key].get(name) != right[key].get(name):
                found.append(f"{key} {name}: {left[key].get(name)!r} != {right[key].get(name)!r}")
    return found


BLOCKER = """
import socket

_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex


def _refuse(sock, address):
    if sock.family != socket.AF_UNIX:
        raise ConnectionRefusedError(f"offline test: connection to {address!r} refused")


def connect(self, address):
    _refuse(self, address)
    return _connect(self, address)


def connect_ex(self, address):
    _refuse(self, address)
    return _connect_ex(self, address)


socket.socket.connect = connect
socket.socket.connect_ex = connect_ex
"""


def refuse_connections() -> tuple[Any, Any]:
    """Patch socket.connect in this process; returns the originals to put back."""
    namespace: dict[str, Any] = {}
    originals = (socket.socket.connect, socket.socket.connect_ex)
    exec(BLOCKER, namespace)
    return originals


def restore_connections(originals: tuple[Any, Any]) -> None:
    socket.socket.connect, socket.socket.connect_ex = originals  # type: ignore[method-assign]


# -- fixtures (imported by the replay, from-archive and browse tests) ------------------------
@pytest.fixture(scope="module")
def site_archive(site: SiteServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding a crawl of the whole test site (WARCs and store)."""
    data = tmp_path_factory.mktemp("crawled")
    crawl_site(site, data)
    assert list((data / "warc").glob("*.warc.gz"))
    return data


@pytest.fixture
def no_network() -> Iterator[None]:
    """Every socket connection in this process refused, except AF_UNIX ones."""
    originals = refuse_connections()
    try:
        yield
    finally:
        restore_connections(originals)


@pytest.fixture
def offline_env(tmp_path: Path) -> dict[str, str]:
    """Environment for a subprocess whose every non-AF_UNIX connection is refused."""
    folder = tmp_path / "offline-site"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(BLOCKER, "utf-8")
    env = cli_env()
    env["PYTHONPATH"] = str(folder) + os.pathsep + env["PYTHONPATH"]
    return env
