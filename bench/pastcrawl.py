"""Crawling the past (``crawl --via``) against a loopback pywb holding a live crawl's WARCs.

The live crawl's WARC files become a pywb collection; ``newsarchive crawl OUTLET --via
PYWB --at NOW`` then crawls the same start points through it, twice into one data
directory: the first run's CPU per page is compared with the live crawl's, and the index
lookups of both runs are counted (at most one per URL asked in the first, none in the
second: they come from ``state/archive-lookups.sqlite``). pywb's own CPU is the archive's
and is not counted. ``python -m bench.pastcrawl [--pages N]`` runs this alone.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .crawls import CrawlResult, crawl_command, newsarchive_crawl, reported_run, start_urls
from .measure import ZERO
from .report import Report
from .server import free_port, serve
from .sitegen import Site, generate


@dataclass
class PastCrawl:
    result: CrawlResult
    lookups: int
    cached: int
    asked: int  # URLs the run asked the archive for (answered or not)


@contextmanager
def pywb_serving(root: Path, warcs: list[Path]) -> Iterator[str]:
    """pywb on loopback with `warcs` in a collection; yields the collection's URL."""
    tools = Path(sys.executable).parent
    manager = str(tools / "wb-manager")
    root.mkdir(parents=True, exist_ok=True)
    subprocess.run([manager, "init", "bench"], cwd=root, check=True, capture_output=True)
    subprocess.run(
        [manager, "add", "bench", *map(str, warcs)], cwd=root, check=True, capture_output=True
    )
    port = free_port()
    binary = tools / "pywb" if (tools / "pywb").exists() else Path(shutil.which("wayback") or "")
    process = subprocess.Popen(
        [str(binary), "-p", str(port), "-b", "127.0.0.1"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("pywb did not start")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/bench"
    finally:
        process.terminate()
        process.wait(timeout=30)


def via_crawl(
    site: Site, bases: dict[str, str], archive: str, at: str, data: Path, logs: Path
) -> PastCrawl:
    cost, pages, articles, lookups, cached, asked, codes = ZERO, 0, 0, 0, 0, 0, []
    for outlet in site.articles:
        command = crawl_command(start_urls(site, bases, outlet), outlet, data)
        command += ["--via", archive, "--at", at, "-s", "NEWSARCHIVE_VIA_CONCURRENCY=4"]
        measured, reports = reported_run(command, data, logs / f"via-{outlet}.log")
        cost = cost + measured
        codes.append(measured.returncode)
        for report in reports:
            pages += int(report.get("pagesFetched", 0))
            articles += sum(int(v) for v in (report.get("articles") or {}).values())
            found = report.get("archive") or {}
            lookups += int(found.get("lookups", 0))
            cached += int(found.get("lookupsCached", 0))
            missing = (report.get("errors") or {}).get("not_archived", {}).get("count", 0)
            asked += int(found.get("captures", 0)) + int(missing)
    result = CrawlResult(
        cost=cost,
        pages=pages,
        articles=articles,
        ok=not any(codes),
        note="" if not any(codes) else f"exit codes {codes}",
    )
    return PastCrawl(result, lookups, cached, asked)


def past_rows(
    report: Report,
    site: Site,
    bases: dict[str, str],
    live: CrawlResult,
    live_data: Path,
    work: Path,
    logs: Path,
) -> None:
    """Row 7: the --via crawl against the live crawl, and its index lookups."""
    warcs = sorted((live_data / "warc").glob("*.warc.gz"))
    at = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
    with pywb_serving(work / "pywb", warcs) as archive:
        data = work / "data-via"
        first = via_crawl(site, bases, archive, at, data, logs)
        second = via_crawl(site, bases, archive, at, data, logs)
    for label, run in (("first run", first), ("second run", second)):
        cost = run.result.cost
        report.row(
            "7",
            "crawl the past (--via a loopback pywb)",
            f"newsarchive crawl --via, {label}",
            run.result.pages,
            run.result.cpu_per_page_ms(),
            run.result.pages_per_second(),
            cost.max_rss_mb,
            f"{cost.cpu:.1f} s CPU in {cost.wall:.1f} s; {run.lookups} index lookups, "
            f"{run.cached} cached, {run.asked} URLs asked"
            + (f"; {run.result.note}" if run.result.note else ""),
        )
    report.target(
        "7",
        "CPU/page: crawl --via / live crawl",
        first.result.cpu_per_page_ms() / live.cpu_per_page_ms(),
        "<= 1.5",
        at_most=1.5,
    )
    report.target(
        "7",
        "index lookups per URL asked, first run",
        first.lookups / first.asked if first.asked else None,
        "<= 1",
        at_most=1.0,
    )
    report.target("7", "index lookups, second run", float(second.lookups), "0", at_most=0.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pastcrawl", description=__doc__)
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="newsarchive-bench-past-"))
    logs = work / "logs"
    site = generate(work / "site", args.pages, seed=args.seed)
    report = Report()
    folders = {o: site.folder(o) for o in site.articles}
    with serve(folders, work / "nginx", use_nginx=False) as (_, bases):
        live = newsarchive_crawl(site, bases, work / "data", logs)
        report.row(
            "7",
            "crawl the past (--via a loopback pywb)",
            "newsarchive crawl, live",
            live.pages,
            live.cpu_per_page_ms(),
            live.pages_per_second(),
            live.cost.max_rss_mb,
            f"{live.cost.cpu:.1f} s CPU in {live.cost.wall:.1f} s",
        )
        past_rows(report, site, bases, live, work / "data", work, logs)
    print(report.markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main())
