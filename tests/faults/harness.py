"""Driving the fault server and reading what a crawl against it left behind."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from ..conftest import FAST, REPO, run_cli, spawn_line_server, stop_line_server

HEALTHY_PAGE = (
    REPO / "archive/testsite/site/cnn/2013/01/29/world/africa/mali-timbuktu-retaken/index.html"
)
HEALTHY_HEADLINE = "Troops enter Timbuktu as fighters melt into the desert"
HEALTHY_PATH = "/2013/01/29/world/africa/healthy/index.html"

# Small timeouts and waits, so every fault is bounded in a second or two.
QUICK = [
    *FAST,
    "-s", "DOWNLOAD_TIMEOUT=2",
    "-s", "RETRY_TIMES=1",
    "-s", "NEWSARCHIVE_RETRY_BACKOFF=0.05",
    "-s", "NEWSARCHIVE_RETRY_MAX_DELAY=0.2",
    "-s", "CONCURRENT_REQUESTS=32",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=32",
]  # fmt: skip


def article_path(name: str) -> str:
    """A CNN-shaped article URL path, so the spider follows it from the hub page."""
    return f"/2013/01/29/world/faults/{name}/index.html"


def hub(paths: list[str]) -> dict[str, Any]:
    links = "".join(f'<li><a href="{p}">story {i}</a></li>\n' for i, p in enumerate(paths))
    return {"body": f"<html><body><h1>Section</h1><ul>{links}</ul></body></html>"}


def healthy() -> dict[str, Any]:
    return {"body_path": str(HEALTHY_PAGE)}


@dataclass
class FaultServer:
    process: subprocess.Popen[str]
    urls: dict[str, str]
    log: Path

    def url(self, site: str, path: str = "/") -> str:
        return self.urls[site] + path

    def requested(self) -> list[str]:
        """``SITE PATH`` for every request the server has read so far."""
        return self.log.read_text("utf-8").splitlines() if self.log.exists() else []


@contextmanager
def fault_server(tmp: Path, sites: dict[str, dict[str, dict[str, Any]]]) -> Iterator[FaultServer]:
    """Run ``python -m tests.faults.server`` with these sites until the block ends."""
    scenario = tmp / "scenario.json"
    log = tmp / "requests.log"
    scenario.write_text(json.dumps({"sites": sites, "log": str(log)}), "utf-8")
    process, urls = spawn_line_server("-m", "tests.faults.server", str(scenario))
    try:
        yield FaultServer(process, urls, log)
    finally:
        stop_line_server(process)


def crawl(
    data: Path, *start_urls: str, extra: tuple[str, ...] = (), timeout: float = 90
) -> subprocess.CompletedProcess[str]:
    starts = [arg for url in start_urls for arg in ("--start-url", url)]
    return run_cli(
        "crawl", "cnn", "--data", str(data), "--depth", "0", *starts, *QUICK, *extra,
        timeout=timeout,
    )  # fmt: skip


def report(data: Path) -> dict[str, Any]:
    (path,) = sorted((data / "runs").glob("*.json"))
    result: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return result


def run_log(data: Path) -> str:
    (path,) = sorted((data / "runs").glob("*.log"))
    return path.read_text("utf-8", errors="replace")


def warc_records(data: Path) -> list[Any]:
    """Every record of every closed WARC file, read (and digest-checked) by warcio."""
    found = []
    for path in sorted((data / "warc").glob("*.warc.gz")):
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle, check_digests="raise"):
                record.payload = record.raw_stream.read()  # as received: no decoding
                found.append(record)
    return found


def responses_for(records: list[Any], url: str) -> list[Any]:
    return [
        r
        for r in records
        if r.rec_type in ("response", "revisit")
        and r.rec_headers.get_header("WARC-Target-URI") == url
    ]


def store_lines(data: Path) -> list[dict[str, Any]]:
    """Every line of the article store, each checked to be exactly one JSON line."""
    lines = []
    for path in sorted((data / "articles").glob("articles-*.jsonl")):
        raw = path.read_bytes()
        assert raw.endswith(b"\n") or not raw
        for line in raw.split(b"\n")[:-1]:
            lines.append(json.loads(line))
    return lines


# What the data directory may hold: names from the run, never from page content.
ALLOWED_NAME = re.compile(
    r"^(?:[\w.-]+\.warc\.gz|index\.cdxj|articles-\d{4}-\d{2}\.jsonl|\.lock|"
    r"\d{8}T\d{6}Z-\d+\.(?:json|log)|[\w.-]+\.sqlite3?(?:-\w+)?|[\w.-]+\.json|[\w.-]+)$"
)


def data_files(data: Path) -> list[Path]:
    return [p for p in data.rglob("*") if p.is_file()]


def variant(name: str, *, headline: str | None = None, body_extra: str = "") -> bytes:
    """The healthy article as its own story: its own canonical URL and headline."""
    text = HEALTHY_PAGE.read_text("utf-8")
    title = headline if headline is not None else f"{HEALTHY_HEADLINE} ({name})"
    text = text.replace(
        "http://www.cnn.com/2013/01/29/world/africa/mali-timbuktu-retaken/index.html",
        f"http://www.cnn.com{article_path(name)}",
    )
    text = text.replace(f"<h1>{HEALTHY_HEADLINE}</h1>", f"<h1>{title}</h1>")
    text = text.replace("</p>\n\n</div>", f"</p>{body_extra}\n\n</div>", 1)
    return text.encode("utf-8")


def write(tmp: Path, name: str, body: bytes) -> str:
    path = tmp / "bodies" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return str(path)
