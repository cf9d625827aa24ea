"""What needs no server: extraction against trafilatura and lxml, replay, the WARC writer.

Each in-process measure runs on one core and counts CPU time (``time.process_time``), so
its pages per second are per core whatever else the machine is doing.
"""

from __future__ import annotations

import contextlib
import importlib
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from statistics import median
from typing import Any

from .measure import PYTHON, Measured, code_env, run_measured
from .sitegen import Site


@dataclass
class Rate:
    """Pages handled and the CPU (and wall) seconds they took."""

    pages: int
    cpu: float
    wall: float = 0.0
    note: str = ""

    def per_second_cpu(self) -> float:
        return self.pages / self.cpu if self.cpu else float("nan")

    def per_second_wall(self) -> float:
        return self.pages / self.wall if self.wall else float("nan")


def sample_pages(site: Site, count: int) -> list[tuple[str, str, bytes]]:
    """(outlet, url, body) of `count` article pages spread over the site (every template)."""
    files = site.article_files()
    step = max(1, len(files) // max(1, count))
    chosen = files[::step][:count]
    return [(o, "https://www.example.com" + p, f.read_bytes()) for o, p, f in chosen]


def optional_trafilatura() -> Any:
    """The trafilatura module (``pip install '.[bench]'``), or None when it is not installed.

    Imported by name, so that type checking says the same with it installed or not.
    """
    try:
        return importlib.import_module("trafilatura")
    except ImportError:
        return None


def extraction(pages: list[tuple[str, str, bytes]], repeat: int = 1) -> dict[str, Rate]:
    """Our analyse() against trafilatura (if installed) and a bare lxml parse, same bytes.

    Page by page, each contender in turn, so that a machine whose load changes weighs on
    all of them alike; with `repeat`, each page's median of that many runs (trafilatura,
    ten times slower, runs about half as often, an odd number of times so that its median is
    a run, not the slower of two), which leaves out a run another process or a garbage
    collection slowed down.
    """
    from lxml import html

    from crawler.pages import analyse

    headers = {"Content-Type": "text/html"}
    work: dict[str, tuple[Callable[[str, str, bytes], Any], int]] = {
        "newsarchive analyse": (
            lambda o, u, b: analyse(u, headers, b, source=o.split("_")[0]),
            repeat,
        ),
        "lxml.html.fromstring": (lambda o, u, b: html.fromstring(b), repeat),
    }
    trafilatura = optional_trafilatura()
    if trafilatura is not None:
        work["trafilatura extract"] = (
            lambda o, u, b: trafilatura.extract(b, url=u, with_metadata=True),
            max(1, repeat // 2) | 1,
        )
    runs: dict[str, list[list[tuple[float, float]]]] = {name: [[] for _ in pages] for name in work}
    for round_ in range(max(1, repeat)):
        for index, (outlet, url, body) in enumerate(pages):
            for name, (read, times) in work.items():
                if round_ < times:
                    start_cpu, start_wall = time.process_time(), time.monotonic()
                    read(outlet, url, body)
                    runs[name][index].append(
                        (time.process_time() - start_cpu, time.monotonic() - start_wall)
                    )

    rates = {
        name: Rate(
            len(pages),
            sum(median([cpu for cpu, _ in page]) for page in per_page),
            sum(median([wall for _, wall in page]) for page in per_page),
        )
        for name, per_page in runs.items()
    }
    if trafilatura is None:
        rates["trafilatura extract"] = Rate(0, 0.0, note="not installed (pip install .[bench])")
    return rates


def warc_files(data: Path) -> list[Path]:
    return sorted((data / "warc").glob("*.warc.gz"))


def bare_replay(files: list[Path]) -> Rate:
    """warcio's iteration over the WARCs plus a bare lxml parse of each HTML payload."""
    from lxml import etree, html
    from warcio.archiveiterator import ArchiveIterator

    pages = 0
    start_cpu, start_wall = time.process_time(), time.monotonic()
    for path in files:
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                body = record.content_stream().read()
                pages += 1
                if "html" in (record.http_headers.get_header("Content-Type") or "") and body:
                    with contextlib.suppress(etree.ParserError, ValueError):
                        html.fromstring(body)
    return Rate(pages, time.process_time() - start_cpu, time.monotonic() - start_wall)


def replay_available() -> str | None:
    """``newsarchive replay --help`` text, or None while the command does not exist."""
    done = subprocess.run(
        [PYTHON, "-m", "archive", "replay", "--help"],
        capture_output=True,
        text=True,
        env=code_env(),
    )
    return done.stdout if done.returncode == 0 else None


def replay_command(help_text: str, data: Path, out: Path, jobs: int) -> list[str]:
    """The replay command line, from what its --help offers."""
    command = [PYTHON, "-m", "archive", "replay"]
    command += [str(p) for p in warc_files(data)]
    if "--data" in help_text:
        command += ["--data", str(out)]
    if "--jobs" in help_text:
        command += ["--jobs", str(jobs)]
    elif "-j" in help_text:
        command += ["-j", str(jobs)]
    return command


def replay(data: Path, work: Path, logs: Path, jobs: int, help_text: str) -> tuple[Measured, int]:
    """``newsarchive replay`` of the crawl's WARCs with `jobs` workers; (cost, records)."""
    out = work / f"replay-{jobs}"
    measured = run_measured(replay_command(help_text, data, out, jobs), logs / f"replay-{jobs}.log")
    return measured, count_responses(warc_files(data))


def count_responses(files: list[Path]) -> int:
    from warcio.archiveiterator import ArchiveIterator

    count = 0
    for path in files:
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                count += record.rec_type == "response"
    return count


def warc_writer_cpu(data: Path, limit: int = 400) -> Rate:
    """CPU of our WARC writer alone: re-write `limit` captured responses into a temp dir."""
    from warcio.archiveiterator import ArchiveIterator

    from archive.warc import Capture, HttpMessage, WarcWriter

    captures = []
    for path in warc_files(data):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                body = record.raw_stream.read()
                captures.append(
                    Capture(
                        url=url,
                        date=datetime.now(timezone.utc),
                        request=HttpMessage(
                            start_line=f"GET {url} HTTP/1.1",
                            headers=[("Host", "127.0.0.1"), ("Accept-Encoding", "gzip, deflate")],
                        ),
                        response=HttpMessage(
                            start_line=f"HTTP/1.1 {record.http_headers.statusline}",
                            headers=list(record.http_headers.headers),
                            body=body,
                        ),
                        metadata={"hops": 0},
                    )
                )
                if len(captures) >= limit:
                    break
        if len(captures) >= limit:
            break
    with tempfile.TemporaryDirectory() as temp:
        writer = WarcWriter(Path(temp), prefix="bench")
        start_cpu, start_wall = time.process_time(), time.monotonic()
        for capture in captures:
            location = writer.write_capture(capture)
            writer.write_metadata(
                capture.url, location.date, location.record_id, [("hops", "0"), ("outlink", "x")]
            )
        writer.close()
        cpu, wall = time.process_time() - start_cpu, time.monotonic() - start_wall
    return Rate(len(captures), cpu, wall)
