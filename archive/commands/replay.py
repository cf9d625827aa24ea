"""``newsarchive replay``: re-extract articles from WARC files, offline."""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from ..replay.spool import CaptureSpool

from crawler import settings as defaults
from crawler.pages.outlets import names as outlet_names

from ..diskspace import is_disk_full
from ..exitcodes import DISK_FULL, ERRORS, LOCKED, OK, USAGE
from ..wording import counted
from . import check_inputs, file_or_folder, folder


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "replay",
        help="re-extract articles from WARC files (ours or other tools'), offline",
        description=(
            "Read WARC files or folders (.warc, .warc.gz, .wacz), run every archived HTML "
            "response through the crawl's own extraction and write the articles as JSONL "
            "(stdout, --out FILE) or into a store (--store DATA). Damaged archives are "
            "reported by file and offset and skipped."
        ),
        epilog="exit codes: 0 done (damage reported but tolerated); 1 with --strict, captures "
        "lost (damage, items that break the contract, revisits without their original); 2 "
        "usage error (or a store written by a newer newsarchive); 70 internal error; 73 the "
        "system does not let us write the store or --out (a read-only disk); 74 the "
        "store's disk is full; 75 another process kept the store past --wait, or the Dask "
        "scheduler of --cluster could not be reached",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        type=file_or_folder,
        metavar="PATH",
        help="WARC/WACZ files or folders",
    )
    parser.add_argument(
        "--out", type=Path, metavar="FILE", help="write JSONL here (default stdout)"
    )
    parser.add_argument(
        "--store", type=folder, metavar="DATA", help="add the items to the store of data dir DATA"
    )
    parser.add_argument(
        "--site",
        action="append",
        default=[],
        metavar="HOST=SOURCE",
        help="read pages of HOST (a mirror, host or host:port) as outlet SOURCE "
        f"({', '.join(outlet_names())})",
    )
    parser.add_argument(
        "--jobs", type=int, default=0, metavar="N", help="worker processes (default: all cores)"
    )
    parser.add_argument(
        "--cluster",
        metavar="tcp://HOST:8786|local:N",
        help="scan and extract on a Dask cluster: a running scheduler, or N local worker "
        "processes (pip install 'newsarchive[scale]'); same items, same order",
    )
    parser.add_argument(
        "--cluster-wait",
        type=float,
        default=defaults.NEWSARCHIVE_CLUSTER_WAIT,
        metavar="SECONDS",
        help="with --cluster: how long to wait for the scheduler to have a worker, its first "
        "(tcp://...) or a new one once every worker is lost mid-replay, before giving up "
        f"with exit 75 (default {defaults.NEWSARCHIVE_CLUSTER_WAIT:g})",
    )
    parser.add_argument(
        "--part-size",
        type=int,
        default=None,
        metavar="BYTES",
        help="with --cluster, or more than one job: scan a WARC file larger than this in parts of "
        "about this size, each on a worker, cut at record starts; 0: whole files "
        f"(default {defaults.NEWSARCHIVE_REPLAY_PART_SIZE} with --cluster, "
        f"{defaults.NEWSARCHIVE_REPLAY_JOBS_PART_SIZE} with --jobs)",
    )
    parser.add_argument(
        "--diff",
        type=folder,
        metavar="OLD_STORE",
        help="store nothing; show per article and field what differs from data dir OLD_STORE",
    )
    parser.add_argument(
        "--all-captures",
        action="store_true",
        help="write every capture as an item, in archive order (default: the lines a store "
        "would hold, each article version once, by capture time)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when any capture is lost: damage, an item that breaks the contract, a "
        "revisit without its original",
    )
    parser.add_argument(
        "--wait",
        type=float,
        default=defaults.NEWSARCHIVE_STORE_LOCK_TIMEOUT,
        metavar="SECONDS",
        help="with --store: how long to wait for a crawl to release the store "
        f"(default {defaults.NEWSARCHIVE_STORE_LOCK_TIMEOUT:g})",
    )
    parser.set_defaults(run=run)


def parse_sites(pairs: list[str]) -> dict[str, str]:
    from ..cli import UsageError

    sites: dict[str, str] = {}
    for pair in pairs:
        host, sep, source = pair.partition("=")
        if not sep or not host.strip() or source.strip() not in outlet_names():
            raise UsageError(
                f"--site takes HOST=SOURCE with SOURCE one of {', '.join(outlet_names())}, "
                f"not {pair!r}"
            )
        sites[host.strip().lower()] = source.strip()
    return sites


# Replay is CPU-bound: processes beyond a few per core add start-up and memory, not speed.
MAX_JOBS_PER_CORE = 4


def _names_as_text(name: str) -> bool:
    """Whether a file name is text a store line can hold (JSON holds text): a name of bytes
    that are not UTF-8 reads as escapes (surrogates), which every reader of the line takes
    for U+FFFD, so that ``export wacz`` could not find the file it names. Refused rather
    than stored in an escape of our own, which no other reader of the store would know."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def run(options: argparse.Namespace) -> int:
    from ..cli import UsageError, not_allowed
    from ..replay import default_jobs, replay
    from ..replay.diff import StoreDiff
    from ..replay.spool import CaptureSpool
    from ..store import ArticleStore, StoreLockedError
    from . import refuse_newer

    sites = parse_sites(options.site)
    if options.jobs < 0:
        raise UsageError("--jobs takes a number >= 1 (0: all cores)")
    most = MAX_JOBS_PER_CORE * default_jobs()
    if options.jobs > most:  # each one a process: thousands take minutes just to start
        raise UsageError(
            f"--jobs takes at most {most} here ({MAX_JOBS_PER_CORE} per core): more processes"
            " than that only slow a replay down"
        )
    if options.part_size is None:
        options.part_size = (
            defaults.NEWSARCHIVE_REPLAY_PART_SIZE
            if options.cluster
            else defaults.NEWSARCHIVE_REPLAY_JOBS_PART_SIZE
        )
    if options.part_size < 0:
        raise UsageError("--part-size takes a number of bytes >= 1 (0: whole files)")
    if not 0 <= options.wait < math.inf:  # NaN included: it would wait forever
        raise UsageError("--wait takes seconds >= 0")
    if not 0 <= options.cluster_wait < math.inf:
        raise UsageError("--cluster-wait takes seconds >= 0")
    check_inputs(options.paths)
    from ..warc.read.sources import find_sources

    if options.cluster:
        # A cluster's workers run in folders (on machines) of their own: they open the
        # archives by the paths given, which must not be relative to this one.
        options.paths = [os.path.abspath(path) for path in options.paths]
    # The folders are walked once: the archives found are the ones replayed.
    found = find_sources(options.paths)
    if not found:  # folders only: a file named is read whatever it is
        raise UsageError(f"no WARC or WACZ files in {' '.join(map(str, options.paths))}")
    if options.diff is not None and options.store is not None:
        raise UsageError("--diff only shows changes; it cannot be combined with --store")
    if options.all_captures and (options.store is not None or options.diff is not None):
        raise UsageError("--all-captures is for --out (or stdout), not --store or --diff")
    if options.diff is not None and not (options.diff / "articles").is_dir():
        raise UsageError(f"{options.diff} is not a data directory with a store (no articles/)")
    if options.diff is not None:
        refuse_newer(options.diff)
    if options.diff is None:  # store lines, into the store, --out or standard output
        for source in found:
            if not _names_as_text(source.name):
                shown = os.fsencode(source.path).decode("utf-8", "backslashreplace")
                raise UsageError(
                    f"{shown}: its file name is not UTF-8, which a store line cannot name as "
                    "it is; rename the file (convmv) and replay it"
                )
    if options.store is not None:
        from ..datadir import DataDirError, check_parent
        from ..dataformat import FormatError, check

        try:
            check_parent(options.store)
            check(options.store)
        except (DataDirError, FormatError) as exc:
            raise UsageError(str(exc)) from None
    jobs = options.jobs or default_jobs()
    if options.cluster:
        from ..replay.cluster import check_spec

        try:
            check_spec(options.cluster)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        local = options.cluster.removeprefix("local:")
        if local != options.cluster and int(local) > most:  # processes, as --jobs starts
            raise UsageError(
                f"--cluster local:N takes at most {most} here ({MAX_JOBS_PER_CORE} per core)"
            )

    out: TextIO | None = None
    if options.out is not None:
        try:
            out = open(options.out, "w", encoding="utf-8")  # noqa: SIM115 (closed below)
        except OSError as exc:
            raise not_allowed(f"cannot write {options.out}: {exc.strerror or exc}", exc) from None
    elif options.store is None:
        out = sys.stdout

    store = None
    if options.store is not None:
        from ..dataformat import mark

        try:
            options.store.mkdir(exist_ok=True)
            mark(options.store)
        except OSError as exc:
            if is_disk_full(exc):
                return _store_failed(options.store, exc, out)
            raise not_allowed(
                f"cannot write the store {options.store}: {exc.strerror or exc}", exc
            ) from None
        store = ArticleStore(options.store, lock_timeout=options.wait, sources=outlet_names())
    diff = StoreDiff(options.diff, out or sys.stdout) if options.diff is not None else None
    decisions: dict[str, int] = {}
    spool = CaptureSpool() if diff is None and not options.all_captures else None

    def sink(item: dict[str, Any]) -> None:
        if diff is not None:
            diff.add(item)
        elif spool is not None:
            spool.add(item)
        elif out is not None:
            out.write(json.dumps(item, ensure_ascii=True, separators=(",", ":")) + "\n")

    client = None
    if options.cluster:
        from ..replay.cluster import ClusterError, ClusterRefusedError, connect

        try:
            client = connect(options.cluster, wait=options.cluster_wait)
        except ClusterError as exc:
            if store is not None:
                store.close()
            if diff is not None:
                diff.close()
            if out is not None and out is not sys.stdout:
                out.close()
            if isinstance(exc, ClusterRefusedError):  # no later try helps
                print(f"newsarchive: {exc}; nothing was replayed", file=sys.stderr)
                return USAGE
            print(f"newsarchive: {exc}; nothing was replayed, try again later", file=sys.stderr)
            return LOCKED
    if defaults.NEWSARCHIVE_GC_TUNING_ENABLED:
        from ..replay.run import tune_gc

        thresholds = defaults.NEWSARCHIVE_GC_THRESHOLDS
        tune_gc((thresholds[0], thresholds[1], thresholds[2]))
    failed: Exception | None = None  # the store's: locked past --wait, or a full disk
    gone: Exception | None = None  # the Dask scheduler, lost mid-replay
    try:
        # A store checks every line it writes: the items need no check of their own then.
        shares_terminal = _is_tty(out or sys.stdout) and _is_tty(sys.stderr)
        report = replay(
            found,
            sink,
            jobs=jobs,
            sites=sites,
            check=store is None,
            shares_terminal=shares_terminal,
            cluster=client,
            part_size=options.part_size,
            on_outcome=diff.gone if diff is not None else None,
            cluster_wait=options.cluster_wait,
        )
        if spool is not None:
            _store_in_capture_order(spool, store, out, decisions)
    except Exception as exc:
        from ..replay.cluster import ClusterError

        if isinstance(exc, ClusterError):
            gone = exc
        elif not (isinstance(exc, StoreLockedError) or is_disk_full(exc)):
            raise
        else:
            failed = exc
    finally:
        if client is not None:
            from ..replay.cluster import close

            close(client)
        if spool is not None:
            spool.close()
        if diff is not None:
            diff.close()
        if store is not None:
            try:
                store.close()
            except Exception as exc:
                if not is_disk_full(exc):
                    raise
                failed = failed or exc
        if out is not None and out is not sys.stdout:
            out.close()
        elif out is not None:
            out.flush()
    if failed is not None:
        return _store_failed(options.store, failed, out, options.out)
    if gone is not None:
        print(f"newsarchive: {gone}; the replay is incomplete, run it again", file=sys.stderr)
        return LOCKED
    report.store.update(decisions)
    if diff is not None:
        print(diff.summary(), file=sys.stderr)
    print(report.summary(), file=sys.stderr)
    # Captures lost: damage, items that break the store's contract, revisits whose payload
    # is nowhere. --strict fails the run on any (a store rebuilt without them is short).
    lost = [
        counted(len(report.problems), "damaged record or file", "damaged records or files"),
        counted(
            len(report.invalid), "item that breaks the contract", "items that break the contract"
        ),
        counted(
            report.plan.revisits_unresolved,
            "revisit without its original",
            "revisits without their original",
        ),
    ]
    if options.strict and (report.problems or report.invalid or report.plan.revisits_unresolved):
        print(f"newsarchive: {', '.join(lost)} (--strict)", file=sys.stderr)
        return ERRORS
    return OK


def _is_tty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


# Lines of the temporary store behind --out per flush: it need not survive a crash.
SCRATCH_BATCH = 1 << 30


def _store_in_capture_order(
    spool: CaptureSpool, store: Any, out: TextIO | None, decisions: dict[str, int]
) -> None:
    """Add the spooled items by capture time to the store and, for ``--out``, to a
    temporary store whose lines (each version once, as the store holds them) are written.

    The temporary store's files are copied to ``--out`` as they are: its lines are the
    bytes ``--out`` writes (the same JSON encoding), so they are not decoded and encoded
    again; it is flushed (fsynced) once, at the end, not every few lines. Its index is its
    own SQLite file, so memory stays flat whatever the archive's size (an index in memory
    grew by about 2 KB an article, for no time saved).
    """
    import shutil
    import tempfile

    from ..store import ArticleStore

    with tempfile.TemporaryDirectory(prefix="newsarchive-replay-") as scratch:
        lines = ArticleStore(scratch, batch_size=SCRATCH_BATCH) if out is not None else None
        for item in spool.in_capture_order():
            if store is not None:
                try:
                    status = store.add(item).status
                except ValueError as exc:  # the store refuses a line breaking its contract
                    print(f"newsarchive: not stored: {exc}", file=sys.stderr)
                    status = "invalid"
                decisions[status] = decisions.get(status, 0) + 1
            if lines is not None:
                try:
                    lines.add(item)
                except ValueError as exc:
                    if store is None:
                        print(f"newsarchive: not written: {exc}", file=sys.stderr)
        if store is not None:
            store.flush()
        if lines is not None and out is not None:
            lines.close()
            for path in lines.files():
                with open(path, encoding="ascii") as handle:
                    shutil.copyfileobj(handle, out)


def _store_failed(
    data: Path | None, exc: BaseException, out: TextIO | None, output: Path | None = None
) -> int:
    """One line for a store that could not be written: locked (75) or on a full disk (74);
    with no store (`data` None), for the output (`output`, else standard output)."""
    from ..diskspace import reason

    if out is not None and out is not sys.stdout and not out.closed:
        with contextlib.suppress(OSError):  # the same full disk, flushing the rest
            out.close()
    if is_disk_full(exc) and data is None:
        print(
            f"newsarchive: cannot write {output or 'the output'}: the disk is full "
            f"({reason(exc)}); it is cut short: free some space and replay again",
            file=sys.stderr,
        )
        return DISK_FULL
    if is_disk_full(exc):
        print(
            f"newsarchive: the disk of {data} is full ({reason(exc)}); every line stored is "
            "whole: free some space and replay again (stored articles are not repeated)",
            file=sys.stderr,
        )
        return DISK_FULL
    print(f"newsarchive: {exc}; nothing more was stored: replay again later", file=sys.stderr)
    return LOCKED
