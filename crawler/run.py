"""One crawl run: the spiders in one process, then the run report and the exit code."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from archive import __version__
from archive.datadir import DataDirError, prepare
from archive.exitcodes import ERRORS, OK, USAGE
from archive.runs import REPORT_VERSION, new_run_id, write_report

NETWORK_ERRORS = ("dns", "connection_refused", "connection", "timeout", "connection_lost")


@dataclass
class CrawlOptions:
    spiders: list[str]
    data_dir: Path
    start_urls: dict[str, list[str]] = field(default_factory=dict)
    depth: int = 2
    max_pages: int = 0
    settings: dict[str, Any] = field(default_factory=dict)
    quiet: bool = False
    max_error_rate: float = 0.10


def build_settings(options: CrawlOptions, run_id: str) -> Any:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    settings.set("NEWSARCHIVE_DATA_DIR", str(options.data_dir), priority="cmdline")
    settings.set("NEWSARCHIVE_RUN_ID", run_id, priority="cmdline")
    settings.set("NEWSARCHIVE_DEPTH", options.depth, priority="cmdline")
    settings.set("LOG_FILE", str(options.data_dir / "runs" / f"{run_id}.log"), priority="cmdline")
    if options.max_pages:
        settings.set("CLOSESPIDER_PAGECOUNT", options.max_pages, priority="cmdline")
    for name, value in options.settings.items():
        settings.set(name, value, priority="cmdline")
    contact = settings.get("NEWSARCHIVE_CONTACT_URL")
    if contact and "+" not in settings.get("USER_AGENT", ""):
        settings.set(
            "USER_AGENT", f"{settings.get('USER_AGENT')[:-1]}; +{contact})", priority="cmdline"
        )
    return settings


def run_crawl(options: CrawlOptions) -> int:
    try:
        prepare(options.data_dir)
    except DataDirError as exc:
        print(f"newsarchive: {exc}", file=sys.stderr)
        return USAGE
    from scrapy.crawler import CrawlerProcess

    started = datetime.now(timezone.utc)
    clock = time.monotonic()
    run_id = new_run_id(started)
    settings = build_settings(options, run_id)
    process = CrawlerProcess(settings)
    crawlers = []
    for name in options.spiders:
        crawler = process.create_crawler(name)
        crawlers.append(crawler)
        process.crawl(crawler, start_url=options.start_urls.get(name) or None)
    process.start()
    report = build_report(run_id, options, crawlers, started, time.monotonic() - clock)
    path = write_report(options.data_dir / "runs", report)
    print(summary_line(report, path), file=sys.stderr if report["exitCode"] else sys.stdout)
    if report.get("message"):
        print(f"newsarchive: {report['message']}", file=sys.stderr)
    return int(report["exitCode"])


def build_report(
    run_id: str, options: CrawlOptions, crawlers: list[Any], started: datetime, duration: float
) -> dict[str, Any]:
    totals: dict[str, int] = {}
    statuses: dict[str, int] = {}
    errors: dict[str, dict[str, Any]] = {}
    warc_files: list[str] = []
    finish_reasons = {}
    for crawler in crawlers:
        stats = crawler.stats.get_stats() if crawler.stats else {}
        finish_reasons[crawler.spidercls.name] = stats.get("finish_reason", "crashed")
        for key, value in stats.items():
            if key.startswith("downloader/response_status_count/"):
                code = key.rsplit("/", 1)[1]
                statuses[code] = statuses.get(code, 0) + int(value)
            elif key.startswith("newsarchive/errors/"):
                kind = key.split("/", 2)[2]
                entry = errors.setdefault(kind, {"count": 0, "examples": []})
                entry["count"] += int(value)
            elif key in (
                "downloader/request_count",
                "downloader/response_count",
                "downloader/response_bytes",
                "item_scraped_count",
            ) or (
                key.startswith(("newsarchive/pages/", "newsarchive/articles/", "newsarchive/warc/"))
                and isinstance(value, int)
            ):
                totals[key] = totals.get(key, 0) + int(value)
        for kind, urls in (stats.get("newsarchive/examples") or {}).items():
            if kind in errors:
                errors[kind]["examples"] = (errors[kind]["examples"] + urls)[:5]
        warc_files.extend(stats.get("newsarchive/warc/files") or [])
    requests = totals.get("downloader/request_count", 0)
    responses = totals.get("downloader/response_count", 0)
    error_count = sum(e["count"] for e in errors.values())
    exit_code = OK
    message = ""
    if any(reason == "crashed" for reason in finish_reasons.values()):
        exit_code, message = ERRORS, "a spider did not finish; see the run log"
    elif responses == 0 and any(k in errors for k in NETWORK_ERRORS):
        kind = next(k for k in NETWORK_ERRORS if k in errors)
        example = (errors[kind]["examples"] or ["?"])[0]
        exit_code = ERRORS
        message = (
            f"no site could be reached ({kind.replace('_', ' ')} for {example}): is the network up?"
        )
    elif requests and error_count / requests > options.max_error_rate:
        exit_code = ERRORS
        message = f"{error_count} errors in {requests} requests, above {options.max_error_rate:.0%}"
    return {
        "reportVersion": REPORT_VERSION,
        "runId": run_id,
        "software": f"newsarchive/{__version__}",
        "spiders": list(options.spiders),
        "startTime": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "endTime": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "durationSeconds": round(duration, 3),
        "finishReasons": finish_reasons,
        "pagesFetched": responses,
        "requests": requests,
        "pagesByStatus": dict(sorted(statuses.items())),
        "articles": {
            "new": totals.get("newsarchive/articles/new", 0),
            "updated": totals.get("newsarchive/articles/updated", 0),
            "unchanged": totals.get("newsarchive/articles/unchanged", 0),
        },
        "pages": {
            "article": totals.get("newsarchive/pages/article", 0),
            "listing": totals.get("newsarchive/pages/listing", 0),
            "notArticle": totals.get("newsarchive/pages/not_article", 0),
            "blocked": totals.get("newsarchive/pages/blocked", 0),
        },
        "blocked": totals.get("newsarchive/pages/blocked", 0),
        "notArticle": totals.get("newsarchive/pages/not_article", 0),
        "errors": dict(sorted(errors.items())),
        "bytesReceived": totals.get("downloader/response_bytes", 0),
        "warc": {
            "files": sorted(warc_files),
            "records": totals.get("newsarchive/warc/records", 0),
            "bytesWritten": totals.get("newsarchive/warc/bytes", 0),
        },
        "dataDir": str(options.data_dir),
        "exitCode": exit_code,
        "message": message,
    }


def summary_line(report: dict[str, Any], path: Path) -> str:
    articles = report["articles"]
    errors = sum(e["count"] for e in report["errors"].values())
    return (
        f"newsarchive: run {report['runId']} {'ok' if report['exitCode'] == 0 else 'FAILED'} "
        f"in {report['durationSeconds']:.1f}s: {report['pagesFetched']} pages, "
        f"{articles['new']} new / {articles['updated']} updated / "
        f"{articles['unchanged']} unchanged articles, {report['blocked']} blocked, "
        f"{errors} errors; report {path}"
    )
