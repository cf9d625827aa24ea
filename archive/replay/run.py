"""A whole replay: scan the archives, plan captures, extract them on N cores, write items.

Memory stays flat whatever the archive's size: the scan holds headers only (in one
process, also the payloads of the captures waiting for their metadata, up to a budget), at
most a bounded window of captures waits for its metadata, and at most a few parts and
tasks per worker are in flight; with N processes, the workers scan the files (in parts)
and read each payload by offset, one record at a time.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from typing import Any, TextIO

from archive.warc.read import parts
from archive.warc.read.parts import Part, PartScan, scan_part
from archive.warc.read.payload import OpenFiles
from archive.warc.read.reader import Problem, RecordFacts, scan
from archive.warc.read.sources import Source, find_sources, index_files

from ..wording import counted
from .extract import Outcome, extract, extract_in_worker, init_worker
from .memo import Analyses
from .plan import Planner, PlanStats, Task
from .progress import Progress


@dataclass
class ReplayReport:
    files: int = 0
    records: int = 0
    pages: Counter[str] = field(default_factory=Counter)
    articles: int = 0
    problems: list[Problem] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    plan: PlanStats = field(default_factory=PlanStats)
    store: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        pages = sum(n for kind, n in self.pages.items() if kind != "problem")
        parts = [
            counted(self.files, "file"),
            counted(self.records, "record"),
            counted(pages, "page"),
            counted(self.articles, "article"),
        ]
        if self.store:
            parts.append(
                f"store {self.store['new']} new / {self.store['updated']} updated / "
                f"{self.store['unchanged']} unchanged"
                + (
                    f" / {self.store['older']} older than the stored version (not stored)"
                    if self.store["older"]
                    else ""
                )
            )
        parts.append(f"{self.pages['blocked']} blocked")
        plan = self.plan
        if plan.revisits:
            parts.append(f"{plan.revisits_resolved}/{plan.revisits} revisits resolved")
        if plan.redirects:
            parts.append(f"{plan.redirects_followed}/{plan.redirects} redirects followed")
        parts.append(counted(len(self.problems), "problem"))
        return "newsarchive: replay: " + ", ".join(parts)


ItemSink = Callable[[dict[str, Any]], None]


def iter_tasks(
    sources: list[Source],
    planner: Planner,
    report: ReplayReport,
    on_problem: Callable[[Problem], None],
    progress: Progress | None = None,
    scanned: Iterable[tuple[Source, Iterable[Any] | None]] | None = None,
    payloads: bool = False,
) -> Iterator[Task]:
    """Scan every source in order and yield tasks as the planner releases them.

    `scanned` gives each source with its records scanned elsewhere (on a cluster), in order.
    With `payloads`, the scan reads the payloads of the pages with their headers (for
    extraction in this process: each record is read once).
    """
    keep = planner.wants_payload if payloads else None
    done_bytes = 0
    for source, records in scanned or ((s, None) for s in sources):
        report.files += 1

        def moved(position: int, base: int = done_bytes) -> None:
            if progress is not None:
                progress.update(bytes_done=base + position)

        for found in records if records is not None else scan(source, moved, keep=keep):
            if isinstance(found, Problem):
                report.problems.append(found)
                on_problem(found)
                continue
            assert isinstance(found, RecordFacts)
            if progress is not None:  # records as the report counts them
                if records is None:
                    progress.update(records=1)
                else:  # scanned elsewhere: the bytes too
                    progress.update(bytes_done=done_bytes + found.offset + found.length, records=1)
            report.records += 1
            yield from planner.feed(found)
        yield from planner.end_of_source(source)
        with contextlib.suppress(OSError, KeyError):
            done_bytes += source.size()
    yield from planner.finish()
    report.plan = planner.stats


def run_outcomes(
    tasks: Iterable[Task],
    jobs: int,
    sites: dict[str, str],
    check: bool = True,
    pool: Executor | None = None,
) -> Iterator[Outcome]:
    """Extract tasks, in order, on `jobs` processes (in this one for a single job); `check`
    validates each item (off when a store, which checks every line it writes, takes them).
    `pool`: the worker processes to use (see :func:`worker_pool`), else some started here."""
    if jobs <= 1:
        files = OpenFiles()
        analyses = Analyses()  # in archive order here: a revisit's original comes first
        try:
            for task in tasks:
                yield extract(task, sites, files, check, analyses)
        finally:
            files.close()
            analyses.close()
        return
    if pool is None:
        with worker_pool(jobs, sites, check) as own:
            yield from run_outcomes(tasks, jobs, sites, check, own)
        return
    in_flight: deque[Future[Outcome]] = deque()
    limit = jobs * 8
    for task in tasks:
        in_flight.append(pool.submit(extract_in_worker, task))
        if len(in_flight) >= limit:
            yield in_flight.popleft().result()
    while in_flight:
        yield in_flight.popleft().result()


def worker_pool(jobs: int, sites: dict[str, str], check: bool = True) -> Executor:
    """`jobs` worker processes that scan parts of files and extract captures."""
    from concurrent.futures import ProcessPoolExecutor  # multiprocessing: not for one job

    initargs = (sites, check, os.getpid())
    return ProcessPoolExecutor(jobs, initializer=init_worker, initargs=initargs)


def scanned_in_pool(
    pool: Executor, sources: list[Source], part_size: int, jobs: int
) -> Iterator[tuple[Source, Iterator[Any]]]:
    """Each source's records, scanned by the pool's workers in parts as on a cluster (a
    file larger than `part_size` bytes cut at record starts), in order; a few parts ahead."""

    def submit(part: Part) -> Callable[[], PartScan]:
        return pool.submit(scan_part, part).result

    return parts.scanned(sources, part_size, submit, jobs * 2)


def tune_gc(thresholds: tuple[int, int, int]) -> None:
    """Cyclic GC as a crawl tunes it (``crawler.gctuning``): the start-up heap frozen, the
    young generation collected less often. Reference counting frees each page's objects;
    the collector otherwise re-scanned every imported module's objects while a replay ran
    (about 2% of its CPU). Worker processes forked after this inherit it."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*thresholds)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


def _sources(paths: Sequence[str | os.PathLike[str] | Source]) -> list[Source]:
    """The archives under `paths`; archives found already (by a command that checked there
    are some) are not looked for again."""
    found = [path for path in paths if isinstance(path, Source)]
    rest = [path for path in paths if not isinstance(path, Source)]
    return found + find_sources(rest) if rest else found


def replay(
    paths: Sequence[str | os.PathLike[str] | Source],
    sink: ItemSink,
    *,
    jobs: int = 1,
    sites: dict[str, str] | None = None,
    err: TextIO | None = None,
    window: int | None = None,
    check: bool = True,
    shares_terminal: bool = False,
    cluster: Any = None,
    part_size: int = 0,
    on_outcome: Callable[[Outcome], None] | None = None,
    cluster_wait: float | None = None,
) -> ReplayReport:
    """Replay `paths`, handing each article item to `sink` in capture order; with `check`
    off, items are not validated here (a store sink checks every line it writes).

    `shares_terminal`: the sink writes to the terminal the progress bar is drawn on, so the
    bar is taken off its line before each item (output never joins the bar's line).
    With `jobs` > 1 the files are scanned and the captures extracted by that many worker
    processes, with `cluster` (a Dask client) on its workers; a file larger than
    `part_size` bytes (if not 0) is scanned in parts. The items and their order are the
    same. `on_outcome` hears of each capture that gave no item (``replay --diff``).
    `cluster_wait`: seconds the cluster may have no worker (all lost) before the replay
    gives up with :class:`~archive.replay.cluster.ClusterError`.
    """
    err = err if err is not None else sys.stderr
    sources = _sources(paths)
    report = ReplayReport()
    total = 0
    for source in sources:
        try:
            total += source.size()
        except (OSError, KeyError):
            continue
    progress = Progress(err, total)
    planner = Planner(index_files(sources), **({"window": window} if window else {}))

    def on_problem(problem: Problem) -> None:
        _say(err, progress, f"newsarchive: {problem}")

    pool = None
    if cluster is not None:  # archive.replay.cluster: a Dask client
        from . import cluster as dask_cluster

        wait = dask_cluster.WAIT if cluster_wait is None else cluster_wait
        scanned = dask_cluster.scanned(cluster, sources, part_size, wait)
        tasks = iter_tasks(sources, planner, report, on_problem, progress, scanned)
        results = dask_cluster.outcomes(cluster, tasks, dict(sites or {}), check, wait)
    elif jobs > 1:  # the workers scan the files, in parts, and extract
        pool = worker_pool(jobs, dict(sites or {}), check)
        scanned = scanned_in_pool(pool, sources, part_size, jobs)
        tasks = iter_tasks(sources, planner, report, on_problem, progress, scanned)
        results = run_outcomes(tasks, jobs, dict(sites or {}), check, pool)
    else:  # extracted here: the payloads read with the scan, not again by offset
        tasks = iter_tasks(sources, planner, report, on_problem, progress, payloads=True)
        results = run_outcomes(tasks, jobs, dict(sites or {}), check)
    try:
        for outcome in results:
            report.pages[outcome.kind] += 1
            progress.update(pages=1)
            if on_outcome is not None and outcome.item is None:
                on_outcome(outcome)
            if outcome.kind == "problem":
                found = Problem(outcome.label, outcome.offset, outcome.problem or "unusable")
                report.problems.append(found)
                on_problem(found)
            elif outcome.kind == "invalid":
                report.invalid.append(outcome.url)
                _say(
                    err,
                    progress,
                    f"newsarchive: item breaks the contract: {outcome.url}: {outcome.problem}",
                )
            elif outcome.item is not None:
                report.articles += 1
                if shares_terminal:
                    progress.clear()
                sink(outcome.item)
    finally:
        progress.close()
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    for url in planner.stats.unresolved_examples:
        err.write(f"newsarchive: revisit without its original payload: {url}\n")
    return report


def _say(err: TextIO, progress: Progress, line: str) -> None:
    if progress.enabled and progress.drawn:
        err.write("\r\x1b[K")
    err.write(line + "\n")
    err.flush()
