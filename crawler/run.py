"""One crawl run: the lock, the spiders in one process, then the run report and the exit code.

A run holds ``DATA/newsarchive.lock`` throughout (a second run exits at once with 75),
logs to ``runs/<run-id>.log``, prints a progress line every few seconds on a terminal
(never with ``-q``), and ends with one summary line and ``runs/<run-id>.json``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from archive import __version__
from archive.datadir import DataDirError, DataDirRefused, check_parent, not_usable, prepare
from archive.dataformat import FormatError
from archive.dataformat import check as check_format
from archive.dataformat import mark as mark_format
from archive.diskspace import is_disk_full, reason
from archive.exitcodes import (
    CANT_CREATE,
    CRASH,
    DISK_FULL,
    ERRORS,
    LOCKED,
    OK,
    REFUSED,
    SIGNALLED,
    USAGE,
)
from archive.lock import LockedError, RunLock, hold
from archive.runs import REPORT_VERSION, new_run_id, report_name, write_report
from archive.state import (
    StateRefusedError,
    StateUnavailableError,
    bind_deployment,
    bound_deployment,
    shown,
)
from archive.store.files import month_files
from archive.wording import counted

from . import settings as defaults
from .budget import OVER_LIMIT_STAT, PAGE_LIMIT_REASON
from .closespider import NOT_SENT_STAT, cut_under_way, stats_of, stop_sending
from .diskfull import DISK_FULL as DISK_FULL_REASON
from .diskfull import DISK_FULL_STAT
from .handlers import abort_downloads, scrapy_version_problem
from .keys import (
    ARTICLE_STATS,
    BAD_URL,
    CUT_SHORT_STAT,
    ERROR_STATS,
    EXAMPLES,
    PAGE_STATS,
    RESUMED_STAT,
    STATE_LOST_STAT,
    STORE_LOCKED_STAT,
    TEMPLATE_FAILED_STATS,
    VIA_ANSWERED_STAT,
    VIA_DATED_BY_INDEX_STAT,
    VIA_DATETIME_UNREAD_STAT,
    VIA_INTERNAL_REQUESTS_STAT,
    VIA_INTERNAL_RESPONSES_STAT,
    VIA_INTERNAL_STATUS_STATS,
    VIA_LOOKUPS_CACHED_STAT,
    VIA_LOOKUPS_STAT,
    VIA_STATS,
    VIA_TIMEMAP_INCOMPLETE_STAT,
    WARC_BYTES_STAT,
    WARC_FILES_STAT,
    WARC_NOT_INDEXED_STAT,
    WARC_RECORDS_STAT,
    WARC_STATS,
)
from .pipelines import STORE_LOCKED
from .refusal import REFUSED_HOSTS, refusal_message
from .retry import cut_waits

# How a spider's failure to start on a full disk is noted (then reported as 74, not 70).
DISK_FULL_FAILURE = "disk full: "
STOPPED_CLEANLY = (
    "; stopped cleanly, every record and line written is whole: free some space and run "
    "again, the next run continues"
)
NETWORK_ERRORS = ("dns", "connection_refused", "connection", "timeout", "connection_lost")
# Spiders that end for these reasons completed their run (a bound is not a failure)...
COMPLETED = ("finished", "closespider_pagecount", "closespider_timeout", "closespider_itemcount")
# ... but a run a bound ended is cut short: its status says which bound.
LIMITS = {"closespider_pagecount": "--max-pages", "closespider_timeout": "--max-runtime"}
# A run's status in its report and in `newsarchive runs`: what the exit code means in a word.
# Reasons a spider ends that the report explains; any other (start_error, ...) is a crash.
ENDED = (*COMPLETED, "shutdown", DISK_FULL_REASON, STORE_LOCKED)


@dataclass
class CrawlOptions:
    spiders: list[str]
    data_dir: Path
    start_urls: dict[str, list[str]] = field(default_factory=dict)
    depth: int = defaults.NEWSARCHIVE_DEPTH
    max_pages: int = 0
    max_runtime: float = 0
    recrawl: str = defaults.NEWSARCHIVE_RECRAWL
    settings: dict[str, Any] = field(default_factory=dict)
    quiet: bool = False
    max_error_rate: float = defaults.NEWSARCHIVE_MAX_ERROR_RATE
    # redis://HOST:PORT/DB: this process is one worker of a crawl shared through Redis.
    state: str = ""
    worker: str = ""  # set by run_crawl for a worker: HOST-PID
    # Set by run_crawl for a worker: the name of its report and log, its id, or WORKER~N for
    # the Nth process of the run under that id (a container restarted: its hostname and PID
    # come back alike), so it never writes over its predecessor's.
    instance: str = ""
    deployment: str = ""  # set by run_crawl for a worker: the id its Redis database holds
    resumed: bool = False  # set by run_crawl: the worker picked up a crawl nobody served


def build_settings(options: CrawlOptions, run_id: str) -> Any:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    settings.set("NEWSARCHIVE_DATA_DIR", str(options.data_dir), priority="cmdline")
    settings.set("NEWSARCHIVE_RUN_ID", run_id, priority="cmdline")
    settings.set("NEWSARCHIVE_DEPTH", options.depth, priority="cmdline")
    settings.set("NEWSARCHIVE_RECRAWL", options.recrawl, priority="cmdline")
    settings.set(
        "LOG_FILE", str(log_path(options.data_dir, run_id, options.instance)), priority="cmdline"
    )
    if options.state:
        from .scale import shared_settings

        for name, value in shared_settings(options.state, options.worker).items():
            settings.set(name, value, priority="cmdline")
        extensions = dict(settings.getdict("EXTENSIONS"))
        extensions["crawler.coordinator.CrawlCoordinator"] = 50
        settings.set("EXTENSIONS", extensions, priority="cmdline")
    if options.max_pages:
        settings.set("NEWSARCHIVE_MAX_PAGES", options.max_pages, priority="cmdline")
        settings.set("CLOSESPIDER_PAGECOUNT", options.max_pages, priority="cmdline")
    if options.max_runtime:
        settings.set("CLOSESPIDER_TIMEOUT", options.max_runtime, priority="cmdline")
    for name, value in options.settings.items():
        settings.set(name, value, priority="cmdline")
    contact = settings.get("NEWSARCHIVE_CONTACT_URL")
    if contact and "+" not in settings.get("USER_AGENT", ""):
        settings.set(
            "USER_AGENT", f"{settings.get('USER_AGENT')[:-1]}; +{contact})", priority="cmdline"
        )
    return settings


def log_path(data_dir: Path, run_id: str, worker: str = "") -> Path:
    """``runs/RUN-ID.log``, or ``runs/RUN-ID.WORKER.log`` for one worker of a shared crawl."""
    return data_dir / "runs" / (f"{run_id}.{worker}.log" if worker else f"{run_id}.log")


def run_crawl(options: CrawlOptions) -> int:
    """Lock, crawl, report; returns the exit code (see :mod:`archive.exitcodes`)."""
    early: list[int] = []  # SIGTERM or SIGINT before Scrapy's process takes them over
    previous = _note_signals(early)
    try:
        return _run_crawl(options, early)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _note_signals(early: list[int]) -> dict[int, Any]:
    """Until Scrapy's process installs its handlers, a SIGTERM or SIGINT is noted, not
    fatal: the run then stops before crawling, with its report. Returns the handlers
    replaced (none outside the main thread, where no handler can be set)."""
    previous: dict[int, Any] = {}
    for signum in (signal.SIGTERM, signal.SIGINT):
        try:
            previous[signum] = signal.signal(signum, lambda number, _: early.append(number))
        except ValueError:
            return previous
    return previous


def _run_crawl(options: CrawlOptions, early: list[int]) -> int:
    started = datetime.now(timezone.utc)
    run_id = new_run_id(started)
    problem = scrapy_version_problem()
    if problem:
        print(f"newsarchive: {problem}", file=sys.stderr)
        return USAGE
    try:
        check_parent(options.data_dir)
        check_format(options.data_dir)  # before anything is written, the lock included
    except (DataDirError, FormatError) as exc:
        print(f"newsarchive: {exc}", file=sys.stderr)
        return USAGE
    if options.state:
        try:
            run_id = join_shared_crawl(options, run_id)
        except StateUnavailableError as exc:
            print(f"newsarchive: {exc}; nothing was done, try again later", file=sys.stderr)
            return LOCKED
        except StateRefusedError as exc:
            print(f"newsarchive: {exc}; nothing was done", file=sys.stderr)
            return USAGE
    try:
        options.data_dir.mkdir(exist_ok=True)
        # Workers of a shared crawl may share a data directory; a lone run may not.
        lock = RunLock(options.data_dir, run_id).acquire(shared=bool(options.state))
    except LockedError as exc:
        print(f"newsarchive: {exc}", file=sys.stderr)
        return LOCKED
    except OSError as exc:
        if is_disk_full(exc):
            print(f"newsarchive: {disk_full_message(options.data_dir, exc)}", file=sys.stderr)
            return DISK_FULL
        print(f"newsarchive: {not_usable(options.data_dir, exc)}", file=sys.stderr)
        return CANT_CREATE if exc.errno in REFUSED else USAGE
    try:
        if lock.stale is not None:
            state = "is gone" if not lock.stale.get("alive") else "no longer holds it"
            print(
                f"newsarchive: warning: taking over a stale lock of run "
                f"{lock.stale.get('runId', '?')} (PID {lock.stale.get('pid')}, which {state})",
                file=sys.stderr,
            )
        try:
            prepare(options.data_dir)
            mark_format(options.data_dir)
        except (DataDirError, OSError) as exc:
            if is_disk_full(exc):
                print(f"newsarchive: {disk_full_message(options.data_dir, exc)}", file=sys.stderr)
                return DISK_FULL
            print(f"newsarchive: {exc}", file=sys.stderr)
            refused = isinstance(exc, DataDirRefused) or getattr(exc, "errno", None) in REFUSED
            return CANT_CREATE if refused else USAGE
        if not options.state:
            return _crawl(options, run_id, started, early)
        try:
            bind_deployment(options.data_dir, options.deployment, options.state)
        except OSError as exc:
            if is_disk_full(exc):
                print(f"newsarchive: {disk_full_message(options.data_dir, exc)}", file=sys.stderr)
                return DISK_FULL
            print(f"newsarchive: {not_usable(options.data_dir, exc)}", file=sys.stderr)
            return USAGE
        options.instance = instance_name(options.data_dir, run_id, options.worker)
        with hold(log_path(options.data_dir, run_id, options.instance)):  # this worker runs
            return _crawl(options, run_id, started, early)
    finally:
        lock.release()


def join_shared_crawl(options: CrawlOptions, run_id: str) -> str:
    """Reach the shared state and join its crawl; the run id is the crawl's, not ours."""
    from archive.state.redis import RedisState

    from .coordinator import join_crawl
    from .state import crawl_state, worker_id

    options.worker = options.worker or worker_id()
    settings = {"NEWSARCHIVE_STATE": options.state, "NEWSARCHIVE_DATA_DIR": str(options.data_dir)}
    from scrapy.settings import Settings

    state = crawl_state(Settings(settings))
    assert isinstance(state, RedisState)
    state.ping()
    # Before anything is written there: a data directory whose crawls were shared through
    # another Redis database (another deployment's) is refused, not taken for a new machine.
    options.deployment = state.deployment(str(options.data_dir), bound_deployment(options.data_dir))
    starts = {name: list(options.start_urls.get(name) or ()) for name in options.spiders}
    shared_id, options.resumed = join_crawl(state, run_id, starts, options.depth)
    return shared_id


def instance_name(data_dir: Path, run_id: str, worker: str) -> str:
    """The name of this worker's report and log in the run: `worker`, or ``WORKER~N`` when
    N - 1 processes of the run had that id here already (restarted in a container after a
    kill), so the run keeps every process's report."""
    runs = data_dir / "runs"
    name, number = worker, 1
    while any((runs / f"{run_id}.{name}{suffix}").exists() for suffix in (".json", ".log")):
        number += 1
        name = f"{worker}~{number}"
    return name


def disk_full_message(data_dir: Path, exc: BaseException) -> str:
    """The one line for a disk that was full before the crawl began: nothing was fetched."""
    return f"the disk of data directory {data_dir} is full ({reason(exc)}); nothing was fetched"


def _crawl(options: CrawlOptions, run_id: str, started: datetime, early: list[int]) -> int:
    from scrapy.crawler import CrawlerProcess

    clock = time.monotonic()
    # The run log is best effort: a full disk must not print logging's tracebacks on stderr.
    logging.raiseExceptions = False
    store_before = store_bytes(options.data_dir)
    settings = build_settings(options, run_id)
    process = _process_class(CrawlerProcess)(settings)
    if early:
        return _stopped_before_crawling(options, run_id, started, early[0], clock)
    crawlers: list[Any] = []
    failures: dict[str, str] = {}
    deferreds = []
    for name in options.spiders:
        crawler = process.create_crawler(name)
        crawlers.append(crawler)
        deferred = process.crawl(crawler, start_url=options.start_urls.get(name) or None)
        deferred.addErrback(_note_failure, failures, name)
        deferreds.append(deferred)
    if not options.quiet:
        print(
            f"newsarchive: run {run_id}: crawling {', '.join(options.spiders)} into "
            f"{options.data_dir} (log {log_path(options.data_dir, run_id, options.instance)})"
            + (f" as worker {options.worker} of {shown(options.state)}" if options.state else ""),
            file=sys.stderr,
        )
        interval = settings.getfloat("NEWSARCHIVE_PROGRESS_INTERVAL")
        if interval > 0 and sys.stderr.isatty():
            _show_progress(crawlers, interval, clock)
    _write_running_report(options, run_id, started)
    _deliver_early(process, crawlers, early, deferreds)
    process.start()
    try:
        return _end_of_run(
            options, run_id, started, clock, process, crawlers, failures, store_before
        )
    except Exception as exc:  # a bug past the crawl: still a final report, never "running"
        if is_disk_full(exc):
            raise
        return _crashed(options, run_id, started, clock, exc)


def _end_of_run(
    options: CrawlOptions,
    run_id: str,
    started: datetime,
    clock: float,
    process: Any,
    crawlers: list[Any],
    failures: dict[str, str],
    store_before: int,
) -> int:
    """The crawl over: its report, its summary line and its exit code."""
    stopped_by = process.stopped_by
    report = build_report(run_id, options, crawlers, started, time.monotonic() - clock)
    report["bytesWritten"]["store"] = store_bytes(options.data_dir) - store_before
    report["logFile"] = str(log_path(options.data_dir, run_id, options.instance))
    full = [m for m in failures.values() if m.startswith(DISK_FULL_FAILURE)]
    if full and report["exitCode"] != DISK_FULL:
        report["exitCode"] = DISK_FULL
        report["message"] = full[0][len(DISK_FULL_FAILURE) :] + STOPPED_CLEANLY
    elif failures and not full:
        report["exitCode"] = CRASH
        report["message"] = "; ".join(f"{n} crashed: {m}" for n, m in failures.items())
    elif stopped_by and (report["exitCode"] != CRASH or len(stopped_by) > 1):
        report["exitCode"] = SIGNALLED + stopped_by[0]
        again = " twice (downloads under way cut off)" if len(stopped_by) > 1 else ""
        report["message"] = (
            f"stopped by {signal.Signals(stopped_by[0]).name}{again}; "
            "the next run resumes the crawl"
        )
    report["status"] = run_status(report)
    return _end(options, report)


def _end(options: CrawlOptions, report: dict[str, Any]) -> int:
    """The run's final report written (a full disk makes it a failed run, reported still),
    its summary line and message said; its exit code."""
    try:
        path: Path | str = _write_final_report(options.data_dir / "runs", report)
    except OSError as exc:
        if not is_disk_full(exc):
            raise
        path = "not written (no space left)"
        if report["exitCode"] != DISK_FULL:
            report["exitCode"] = DISK_FULL
            report["message"] = (
                f"the disk of {options.data_dir} filled up as the run ended (writing its "
                f"report: {reason(exc)}); free some space: the next run checks what this one did"
            )
            report["status"] = "failed"
    print(summary_line(report, path), flush=True)
    if report.get("message"):
        print(f"newsarchive: {report['message']}", file=sys.stderr)
    return int(report["exitCode"])


def _crashed(
    options: CrawlOptions, run_id: str, started: datetime, clock: float, exc: Exception
) -> int:
    """The run failed past its crawl: its report says so (70), in place of the one saying
    it runs, which would have it killed; one line on stderr, the details in the log."""
    logging.getLogger(__name__).exception("internal error as the run ended")
    report = build_report(run_id, options, [], started, time.monotonic() - clock)
    report["logFile"] = str(log_path(options.data_dir, run_id, options.instance))
    message = f"internal error: {type(exc).__name__}: {exc}"
    report.update(exitCode=CRASH, completed=False, message=message, status="failed")
    path: Path | str = "not written"
    with contextlib.suppress(OSError):
        path = _write_final_report(options.data_dir / "runs", report)
    print(summary_line(report, path), flush=True)
    print(f"newsarchive: {message}", file=sys.stderr)
    return CRASH


def _deliver_early(
    process: Any, crawlers: list[Any], early: list[int], deferreds: list[Any]
) -> None:
    """Scrapy takes the signals once its reactor runs: one that came while the crawlers
    were made is handed to it once their engines run (stopped before, a spider is never
    closed), a graceful stop before the crawl goes far. A crawler whose crawl ended before
    its engine ran (it failed to start) waits for nothing: the others get the signal."""
    from scrapy import signals

    waiting = {id(crawler) for crawler in crawlers}

    def started(crawler: Any) -> None:
        if id(crawler) not in waiting:
            return  # its engine ran already: the crawl's end is no news
        waiting.discard(id(crawler))
        if early and not waiting:
            process._signal_shutdown(early[0], None)

    def ended(result: Any, crawler: Any) -> Any:
        started(crawler)
        return result

    for crawler, deferred in zip(crawlers, deferreds, strict=True):
        crawler.signals.connect(
            lambda crawler=crawler, **_: started(crawler),
            signal=signals.engine_started,
            weak=False,
        )
        deferred.addBoth(ended, crawler)


def _stopped_before_crawling(
    options: CrawlOptions, run_id: str, started: datetime, signum: int, clock: float
) -> int:
    """A SIGTERM or SIGINT came as the run started: nothing fetched; its report and summary
    line all the same, and the exit code of a run the signal stopped."""
    report = build_report(run_id, options, [], started, time.monotonic() - clock)
    report["logFile"] = str(log_path(options.data_dir, run_id, options.instance))
    report.update(
        exitCode=SIGNALLED + signum,
        completed=False,
        message=(
            f"stopped by {signal.Signals(signum).name} before the crawl began; nothing was "
            "fetched, the next run does the crawl"
        ),
    )
    report["status"] = run_status(report)
    return _end(options, report)


def _write_running_report(options: CrawlOptions, run_id: str, started: datetime) -> None:
    """A report saying the run is under way: a run killed before its end still shows in
    ``newsarchive runs`` (as killed, once its lock is free). The final report replaces it."""
    report = build_report(run_id, options, [], started, 0.0)
    report.update(status="running", exitCode=None, endTime=None, completed=False)
    report["logFile"] = str(log_path(options.data_dir, run_id, options.instance))
    try:
        write_report(options.data_dir / "runs", report)
    except OSError as exc:
        if not is_disk_full(exc):
            raise
        # A full disk is met, and reported, by the crawl's own writers.


def _write_final_report(runs_dir: Path, report: dict[str, Any]) -> Path:
    """Replace the running report; on a full disk, drop it (its space may let the final one
    fit) and try once more, so a stale "running" report never outlives the run."""
    try:
        return write_report(runs_dir, report)
    except OSError as exc:
        if not is_disk_full(exc):
            raise
        with contextlib.suppress(OSError):
            (runs_dir / report_name(report)).unlink()
        return write_report(runs_dir, report)


def run_status(report: dict[str, Any]) -> str:
    """ok (a whole run), limited (ended by --max-pages/--max-runtime), interrupted (a
    signal), failed (any other non-zero exit code)."""
    code = report["exitCode"]
    if code in (SIGNALLED + signal.SIGINT, SIGNALLED + signal.SIGTERM):
        return "interrupted"
    if code != OK:
        return "failed"
    if report.get("limitedBy"):
        return "limited"
    return "ok"


def _note_failure(failure: Any, failures: dict[str, str], name: str) -> None:
    if is_disk_full(failure.value):  # e.g. opening the fetch history on a full disk
        failures[name] = f"{DISK_FULL_FAILURE}the disk is full ({reason(failure.value)})"
        return
    failures[name] = f"{type(failure.value).__name__}: {failure.value}"


def _process_class(base: type) -> type:
    from scrapy.utils.ossignal import install_shutdown_handlers

    """Scrapy's process, noting which signal (SIGINT, SIGTERM) asked it to stop gracefully."""

    class Process(base):
        stopped_by: list[int]

        def _signal_shutdown(self, signum: int, frame: Any) -> None:
            """A first signal: Scrapy's graceful stop, not held by waits before retries."""
            from twisted.internet import reactor

            self.stopped_by.append(signum)
            super()._signal_shutdown(signum, frame)
            install_shutdown_handlers(self._signal_again)
            reactor.callFromThread(self._stop_sending)

        def _stop_sending(self) -> None:
            """No wait before a retry, no request queued behind DOWNLOAD_DELAY sent, no
            download under way waited for."""
            cut_waits()
            for crawler in self.crawlers:
                stop_sending(crawler)
                cut_under_way(crawler)  # not waited for, up to DOWNLOAD_TIMEOUT

        def _signal_again(self, signum: int, frame: Any) -> None:
            """A second signal: cut the downloads under way, so the graceful stop ends now
            (WARC files closed, store flushed) instead of Scrapy's unclean one. A third
            signal gets Scrapy's forced stop."""
            from twisted.internet import reactor

            self.stopped_by.append(signum)
            install_shutdown_handlers(super()._signal_kill)
            reactor.callFromThread(self._cut_downloads)

        def _cut_downloads(self) -> None:
            for crawler in self.crawlers:
                stats = stats_of(crawler)
                if stats is not None:
                    stats.set_value(CUT_SHORT_STAT, 1)
                stop_sending(crawler)
            logging.getLogger(__name__).warning(
                "stopping now: %d connections cut", abort_downloads()
            )

    Process.stopped_by = []
    return Process


def _show_progress(crawlers: list[Any], interval: float, clock: float) -> None:
    """A progress line on stderr every `interval` seconds, from the moment the engine starts."""
    from scrapy import signals

    def start() -> None:
        from twisted.internet import task

        def show() -> None:
            print(progress_line(crawlers, time.monotonic() - clock), file=sys.stderr, flush=True)

        loop = task.LoopingCall(show)
        loop.start(interval, now=True)
        running = [len(crawlers)]

        def stop(**_: Any) -> None:
            running[0] -= 1
            if running[0] <= 0 and loop.running:
                loop.stop()

        for crawler in crawlers:
            crawler.signals.connect(stop, signal=signals.engine_stopped, weak=False)

    crawlers[0].signals.connect(start, signal=signals.engine_started, weak=False)


def store_bytes(data_dir: Path) -> int:
    return sum(p.stat().st_size for p in month_files(data_dir / "articles"))


# Scrapy's stats of the exceptions spider callbacks raised, and our error kind for them.
SPIDER_EXCEPTIONS = "spider_exceptions/"
SPIDER_EXCEPTION = "spider_exception"


def build_report(
    run_id: str, options: CrawlOptions, crawlers: list[Any], started: datetime, duration: float
) -> dict[str, Any]:
    totals: dict[str, int] = {}
    statuses: dict[str, int] = {}
    errors: dict[str, dict[str, Any]] = {}
    # Pages a template raised on (the generic reader answered), by template name.
    template_failures: dict[str, int] = {}
    warc_files: list[str] = []
    not_indexed: list[str] = []
    finish_reasons = {}
    resumed = False
    store_locked = ""
    disk_full = ""
    state_lost = ""
    refused_hosts: list[str] = []
    raised: dict[str, int] = {}  # exceptions the spider's callbacks raised, by class
    for crawler in crawlers:
        collector = stats_of(crawler)
        stats = collector.get_stats() if collector is not None else {}
        refused_hosts.extend(stats.get(REFUSED_HOSTS) or [])
        finish_reasons[crawler.spidercls.name] = stats.get("finish_reason", "crashed")
        store_locked = store_locked or str(stats.get(STORE_LOCKED_STAT) or "")
        disk_full = disk_full or str(stats.get(DISK_FULL_STAT) or "")
        state_lost = state_lost or str(stats.get(STATE_LOST_STAT) or "")
        resumed = resumed or bool(stats.get(RESUMED_STAT))
        for key, value in stats.items():
            if key.startswith("downloader/response_status_count/"):
                code = key.rsplit("/", 1)[1]
                # A web archive's own answers (--via: index lookups, captures) are not pages.
                internal = int(stats.get(f"{VIA_INTERNAL_STATUS_STATS}{code}", 0))
                if int(value) - internal:
                    statuses[code] = statuses.get(code, 0) + int(value) - internal
            elif key.startswith(TEMPLATE_FAILED_STATS):
                name = key[len(TEMPLATE_FAILED_STATS) :]
                template_failures[name] = template_failures.get(name, 0) + int(value)
            elif key.startswith(SPIDER_EXCEPTIONS):  # Scrapy's: a callback that raised
                name = key[len(SPIDER_EXCEPTIONS) :]
                if name == "count":  # Scrapy's total beside the count per class
                    continue
                raised[name] = raised.get(name, 0) + int(value)
                entry = errors.setdefault(SPIDER_EXCEPTION, {"count": 0, "examples": []})
                entry["count"] += int(value)
            elif key.startswith(ERROR_STATS):
                kind = key.split("/", 2)[2]
                entry = errors.setdefault(kind, {"count": 0, "examples": []})
                entry["count"] += int(value)
            elif key in (
                "downloader/request_count",
                "downloader/response_count",
                "downloader/response_bytes",
                "item_scraped_count",
                NOT_SENT_STAT,
            ) or (
                key.startswith((PAGE_STATS, ARTICLE_STATS, WARC_STATS, VIA_STATS))
                and isinstance(value, int)
            ):
                totals[key] = totals.get(key, 0) + int(value)
        for kind, urls in (stats.get(EXAMPLES) or {}).items():
            if kind in errors:
                errors[kind]["examples"] = (errors[kind]["examples"] + urls)[:5]
        warc_files.extend(stats.get(WARC_FILES_STAT) or [])
        not_indexed.extend(
            line for line in stats.get(WARC_NOT_INDEXED_STAT) or [] if line not in not_indexed
        )
    # A web archive's own requests (--via) are counted apart, in "archive"; Scrapy counts
    # requests as they enter the downloader, those a closing run or --max-pages left unsent
    # too.
    requests = (
        totals.get("downloader/request_count", 0)
        - totals.get(VIA_INTERNAL_REQUESTS_STAT, 0)
        - totals.get(NOT_SENT_STAT, 0)
        - totals.get(OVER_LIMIT_STAT, 0)
    )
    responses = totals.get("downloader/response_count", 0) - totals.get(
        VIA_INTERNAL_RESPONSES_STAT, 0
    )
    limits = {LIMITS[r] for r in finish_reasons.values() if r in LIMITS}
    if totals.get(OVER_LIMIT_STAT):
        limits.add(LIMITS[PAGE_LIMIT_REASON])
    limited_by = sorted(limits)
    error_count = sum(e["count"] for e in errors.values())
    exit_code = OK
    message = ""
    if disk_full:
        exit_code, message = DISK_FULL, disk_full + STOPPED_CLEANLY
    elif state_lost:
        exit_code = LOCKED
        message = f"{state_lost}; stopped cleanly, the next run resumes the crawl"
    elif any(reason not in ENDED for reason in finish_reasons.values()):
        exit_code, message = CRASH, "a spider did not finish; see the run log"
    elif raised:  # a bug: the pages it broke on gave nothing, whatever the rest did
        kinds = ", ".join(f"{name} {count}" for name, count in sorted(raised.items()))
        exit_code = CRASH
        pages = counted(sum(raised.values()), "page")
        message = f"the spider raised on {pages} ({kinds}); see the run log"
    elif store_locked:
        exit_code, message = LOCKED, f"{store_locked}; the next run stores what this one could not"
    elif BAD_URL in errors:
        urls = ", ".join(repr(u) for u in errors[BAD_URL]["examples"])
        exit_code = ERRORS
        message = f"not http(s) URLs, never requested (dropped from the frontier): {urls}"
    elif responses == 0 and any(k in errors for k in NETWORK_ERRORS):
        kind = next(k for k in NETWORK_ERRORS if k in errors)
        example = (errors[kind]["examples"] or ["?"])[0]
        exit_code = ERRORS
        message = (
            f"no site could be reached ({kind.replace('_', ' ')} for {example}): is the network up?"
        )
    elif error_count and not requests:  # every request failed before it was sent
        exit_code = ERRORS
        message = f"{counted(error_count, 'error')} and no request sent"
    elif requests and error_count / requests > options.max_error_rate:
        exit_code = ERRORS
        message = (
            f"{counted(error_count, 'error')} in {counted(requests, 'request')}, "
            f"above {options.max_error_rate:.0%}"
        )
    if refused_hosts:
        refusal = refusal_message(refused_hosts, list(options.spiders))
        message = f"{refusal}; {message}" if message else refusal
        exit_code = exit_code or ERRORS
    report = {
        "reportVersion": REPORT_VERSION,
        "runId": run_id,
        "software": f"newsarchive/{__version__}",
        "spiders": list(options.spiders),
        "startTime": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "startTimeExact": started.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "endTime": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "durationSeconds": round(duration, 3),
        "finishReasons": finish_reasons,
        "completed": all(reason in COMPLETED for reason in finish_reasons.values()),
        "limitedBy": limited_by,
        "resumed": resumed,
        "recrawl": options.recrawl,
        "pagesFetched": responses,
        "requests": requests,
        "pagesByStatus": dict(sorted(statuses.items())),
        "articles": {
            "new": totals.get(ARTICLE_STATS + "new", 0),
            "updated": totals.get(ARTICLE_STATS + "updated", 0),
            "unchanged": totals.get(ARTICLE_STATS + "unchanged", 0),
            # captured before the stored latest version: in the WARC, not a store version
            "older": totals.get(ARTICLE_STATS + "older", 0),
        },
        "pages": {
            "article": totals.get(PAGE_STATS + "article", 0),
            "listing": totals.get(PAGE_STATS + "listing", 0),
            "notArticle": totals.get(PAGE_STATS + "not_article", 0),
            "blocked": totals.get(PAGE_STATS + "blocked", 0),
            "notModified": totals.get(PAGE_STATS + "not_modified", 0),
            "identical": totals.get(PAGE_STATS + "identical", 0),
            "skipped": totals.get(PAGE_STATS + "skipped", 0),
        },
        "errors": dict(sorted(errors.items())),
        "templateFailures": dict(sorted(template_failures.items())),
        "errorRate": round(error_count / requests, 4) if requests else 0.0,
        "bytesReceived": totals.get("downloader/response_bytes", 0),
        "warc": {
            "files": sorted(warc_files),
            "records": totals.get(WARC_RECORDS_STAT, 0),
            "notIndexed": not_indexed,
        },
        "bytesWritten": {"warc": totals.get(WARC_BYTES_STAT, 0), "store": 0},
        "refusedBy": refused_hosts,
        "dataDir": str(options.data_dir),
        "exitCode": exit_code,
        "message": message,
    }
    if options.settings.get("NEWSARCHIVE_VIA"):
        report["archive"] = {
            "via": str(options.settings["NEWSARCHIVE_VIA"]),
            "at": str(options.settings.get("NEWSARCHIVE_VIA_AT") or ""),
            "captures": totals.get(VIA_ANSWERED_STAT, 0),
            "lookups": totals.get(VIA_LOOKUPS_STAT, 0),
            "lookupsCached": totals.get(VIA_LOOKUPS_CACHED_STAT, 0),
            "requests": totals.get(VIA_INTERNAL_REQUESTS_STAT, 0),
            "datedByIndex": totals.get(VIA_DATED_BY_INDEX_STAT, 0),
            "mementoDatetimeUnread": totals.get(VIA_DATETIME_UNREAD_STAT, 0),
            "timemapsIncomplete": totals.get(VIA_TIMEMAP_INCOMPLETE_STAT, 0),
        }
    if options.state:  # one worker of a shared crawl: its own report, RUN-ID.WORKER.json
        report["worker"] = options.instance or options.worker
        report["resumed"] = report["resumed"] or options.resumed
    return report


def summary_line(report: dict[str, Any], path: Path | str) -> str:
    """The one line a run ends with, on stdout whatever the outcome (details on stderr)."""
    articles = report["articles"]
    pages = report["pages"]
    errors = sum(e["count"] for e in report["errors"].values())
    return (
        f"newsarchive: run {report['runId']} {status_words(report)} "
        f"in {report['durationSeconds']:.1f}s: {counted(report['pagesFetched'], 'page')}, "
        f"{articles['new']} new / {articles['updated']} updated / "
        f"{articles['unchanged']} unchanged articles, "
        + (
            f"{articles['older']} older than the stored version (not stored), "
            if articles.get("older")
            else ""
        )
        + f"{pages['notModified']} not modified, {pages['blocked']} blocked, "
        f"{counted(errors, 'error')}; report {path}"
    )


def status_words(report: dict[str, Any]) -> str:
    status = report.get("status") or run_status(report)
    if status == "limited":
        return f"cut short by {' and '.join(report['limitedBy'])}"
    if status == "interrupted":
        return f"interrupted by {signal.Signals(report['exitCode'] - SIGNALLED).name}"
    return "ok" if status == "ok" else "FAILED"


def progress_line(crawlers: list[Any], elapsed: float) -> str:
    pages = articles = errors = 0
    for crawler in crawlers:
        collector = stats_of(crawler)
        stats = collector.get_stats() if collector is not None else {}
        pages += int(stats.get("downloader/response_count", 0))
        articles += sum(int(stats.get(f"{ARTICLE_STATS}{k}", 0)) for k in ("new", "updated"))
        errors += sum(int(v) for k, v in stats.items() if k.startswith(ERROR_STATS))
    rate = pages / elapsed if elapsed > 0 else 0.0
    return (
        f"newsarchive: {elapsed:5.0f}s  {counted(pages, 'page')} ({rate:.1f}/s), "
        f"{counted(articles, 'article')} new or updated, {counted(errors, 'error')}"
    )
