"""The crawls the benchmark compares: ``newsarchive crawl``, the bare spider, wget.

Every crawler is its own child process, one per outlet (the spiders crawl one outlet's host
each), with politeness off against the loopback server; costs are summed over the outlets.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from .bare_spider import BENCH_SETTINGS
from .measure import PYTHON, ZERO, Measured, dir_bytes, run_measured
from .sitegen import SECTION_PATH, Site


@dataclass
class CrawlResult:
    """One crawler over the whole site: its cost and what it fetched and wrote."""

    cost: Measured
    pages: int
    articles: int = 0
    warc_bytes: int = 0
    store_bytes: int = 0
    ok: bool = True
    note: str = ""

    def cpu_per_page_ms(self) -> float:
        return 1000 * self.cost.cpu / self.pages if self.pages else float("nan")

    def pages_per_second(self) -> float:
        return self.pages / self.cost.wall if self.cost.wall else float("nan")


def start_urls(site: Site, bases: dict[str, str], outlet: str) -> list[str]:
    return [bases[outlet] + path for path in site.start_paths(outlet)]


def crawl_command(urls: list[str], outlet: str, data: Path) -> list[str]:
    command = [PYTHON, "-m", "archive", "crawl", outlet, "--data", str(data), "-q"]
    for url in urls:
        command += ["--start-url", url]
    for name, value in BENCH_SETTINGS.items():
        command += ["-s", f"{name}={value}"]
    return command


def reported_run(command: list[str], data: Path, log: Path) -> tuple[Measured, list[dict]]:
    """Run a ``newsarchive crawl`` command, measured; with the run reports it wrote in `data`."""
    runs = data / "runs"
    known = set(runs.glob("*.json")) if runs.exists() else set()
    measured = run_measured(command, log)
    fresh = sorted(set(runs.glob("*.json")) - known) if runs.exists() else []
    return measured, [json.loads(path.read_text("utf-8")) for path in fresh]


def newsarchive_crawl(
    site: Site, bases: dict[str, str], data: Path, logs: Path, *, profile_dir: Path | None = None
) -> CrawlResult:
    """``newsarchive crawl`` of each outlet into `data` (WARC, extraction, store)."""
    cost, pages, articles, codes = ZERO, 0, 0, []
    warc_before = dir_bytes(data / "warc")
    store_before = dir_bytes(data / "articles") + dir_bytes(data / "state")
    for outlet in site.articles:
        command = crawl_command(start_urls(site, bases, outlet), outlet, data)
        if profile_dir is not None:
            profile_dir.mkdir(parents=True, exist_ok=True)
            out = profile_dir / f"crawl-{outlet}.prof"
            command = [PYTHON, "-m", "cProfile", "-o", str(out), *command[1:]]
        measured, reports = reported_run(command, data, logs / f"newsarchive-{outlet}.log")
        cost = cost + measured
        codes.append(measured.returncode)
        for report in reports:
            pages += int(report.get("pagesFetched", 0))
            articles += sum(int(v) for v in (report.get("articles") or {}).values())
    return CrawlResult(
        cost=cost,
        pages=pages,
        articles=articles,
        warc_bytes=dir_bytes(data / "warc") - warc_before,
        store_bytes=dir_bytes(data / "articles") + dir_bytes(data / "state") - store_before,
        ok=not any(codes),
        note="" if not any(codes) else f"exit codes {codes}",
    )


def bare_crawl(site: Site, bases: dict[str, str], work: Path, logs: Path) -> CrawlResult:
    """The bare spider over each outlet: download and follow, nothing else."""
    cost, pages = ZERO, 0
    for outlet in site.articles:
        stats = work / f"bare-{outlet}.json"
        command = [PYTHON, "-m", "bench.bare_spider", "--source", outlet, "--stats", str(stats)]
        command += ["--log-file", str(logs / f"bare-{outlet}.scrapy.log")]
        command += start_urls(site, bases, outlet)
        measured = run_measured(command, logs / f"bare-{outlet}.log")
        cost = cost + measured
        if stats.exists():
            pages += int(json.loads(stats.read_text("utf-8"))["responses"])
    return CrawlResult(cost=cost, pages=pages, ok=cost.returncode == 0)


_DOWNLOADED_RE = re.compile(r"Downloaded: (\d+) files")


def wget_crawl(site: Site, bases: dict[str, str], work: Path, logs: Path) -> CrawlResult | None:
    """``wget --recursive --warc-file`` from each section page; None without wget."""
    wget = shutil.which("wget")
    if wget is None:
        return None
    cost, pages = ZERO, 0
    warcs = work / "wget-warc"
    warcs.mkdir(parents=True, exist_ok=True)
    for outlet in site.articles:
        files = work / f"wget-files-{outlet}"
        log = logs / f"wget-{outlet}.log"
        command = [
            wget,
            "--recursive",
            "--level=inf",
            "--no-verbose",
            "--delete-after",
            "--no-directories",
            f"--directory-prefix={files}",
            # section pages, their next pages and the generated articles; no navigation
            f"--accept-regex=({re.escape(SECTION_PATH)}(page/[0-9]+/)?$|/b[0-9]{{6}}-)",
            f"--warc-file={warcs / outlet}",
            bases[outlet] + SECTION_PATH,
        ]
        measured = run_measured(command, log)
        cost = cost + measured
        found = _DOWNLOADED_RE.findall(log.read_text("utf-8", "replace"))
        pages += int(found[-1]) if found else 0
        shutil.rmtree(files, ignore_errors=True)
    # wget exits 8 when any page answered an error (a missing favicon is enough)
    return CrawlResult(cost=cost, pages=pages, warc_bytes=dir_bytes(warcs), ok=True)
