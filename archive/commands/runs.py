"""``newsarchive runs``: the run reports in ``DATA/runs/`` as a table, newest last."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from ..lock import held, held_by
from ..runs import merge_workers, read_reports
from . import folder

COLUMNS = (
    ("run", lambda r: r.get("runId", "?") + _workers(r)),
    ("status", lambda r: r.get("status", "?")),
    ("started", lambda r: r.get("startTime", "?")),
    ("secs", lambda r: f"{float(r.get('durationSeconds') or 0):.0f}"),
    ("spiders", lambda r: ",".join(r.get("spiders") or [])),
    ("pages", lambda r: r.get("pagesFetched", 0)),
    ("new", lambda r: (r.get("articles") or {}).get("new", 0)),
    ("upd", lambda r: (r.get("articles") or {}).get("updated", 0)),
    ("same", lambda r: (r.get("articles") or {}).get("unchanged", 0)),
    ("304", lambda r: (r.get("pages") or {}).get("notModified", r.get("notModified", 0))),
    ("errors", lambda r: sum(e.get("count", 0) for e in (r.get("errors") or {}).values())),
    ("MB", lambda r: f"{_written(r) / 1e6:.2f}"),
    ("exit", lambda r: "-" if r.get("exitCode") is None else r.get("exitCode", "?")),
)

LEFT = (0, 1, 2, 4)  # run, status, started, spiders; numbers to the right


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "runs",
        help="list past crawl runs from their reports",
        description=(
            "Print one line per run report in DATA/runs/ (oldest first): its status (ok, "
            "limited by --max-pages/--max-runtime, interrupted, failed, running, or killed: "
            "a run that died before its end), pages fetched, articles new, updated and "
            "unchanged, 304s, errors, megabytes written, exit code. A crawl shared by "
            "workers is one line, its workers counted after its run id with how many ended "
            "other than ok; it is ok (exit 0) when one worker saw it to its end, as "
            "workers killed or failed on the way had their requests done by the others; "
            "otherwise it is running while a worker runs, else it ends as its worst worker "
            "(failed, killed, interrupted, limited) with that worker's exit code."
        ),
    )
    parser.add_argument(
        "--data", type=folder, default=Path("data"), help="data directory (default ./data)"
    )
    parser.add_argument("--last", type=int, default=0, metavar="N", help="only the last N runs")
    parser.set_defaults(run=run)


def run(options: argparse.Namespace) -> int:
    from ..cli import UsageError
    from . import refuse_newer

    if options.last < 0:
        raise UsageError("--last takes a number >= 0")
    if not (options.data / "runs").is_dir():
        raise UsageError(f"no runs in {options.data} (is it a data directory?)")
    refuse_newer(options.data)
    unreadable: list[str] = []
    reports = read_reports(options.data / "runs", unreadable)
    for line in unreadable:
        print(f"newsarchive: skipped {line}", file=sys.stderr)
    live = held_by(options.data)
    for report in reports:
        if report.get("status") == "running" and not _alive(options.data, report, live):
            report["status"] = "killed"  # its report was never finished: the run died
        elif "status" not in report:  # written before reports had one
            report["status"] = "ok" if report.get("exitCode") == 0 else "failed"
    reports = merge_workers(reports)
    if options.last:
        reports = reports[-options.last :]
    print(format_table(reports), end="")
    return 0


def _alive(data: Path, report: dict[str, Any], live: str | None) -> bool:
    """A lone run holds the data directory's lock; a worker of a shared crawl, its log."""
    worker = report.get("worker")
    if worker:
        return held(data / "runs" / f"{report.get('runId')}.{worker}.log")
    return report.get("runId") == live


def format_table(reports: list[dict[str, Any]]) -> str:
    rows = [[name for name, _ in COLUMNS]]
    rows += [[str(cell(report)) for _, cell in COLUMNS] for report in reports]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = []
    for row in rows:
        cells = [
            value.ljust(width) if i in LEFT else value.rjust(width)
            for i, (value, width) in enumerate(zip(row, widths, strict=False))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def _workers(report: dict[str, Any]) -> str:
    """`` (3 workers)`` after the run id of a crawl shared by several worker processes, with
    how many ended other than ok: `` (3 workers, 1 killed)``."""
    workers = report.get("workers") or []
    if not workers:
        return ""
    ends = Counter(s for s in report.get("workerStatus") or [] if s not in ("ok", "running"))
    counts = "".join(f", {n} {status}" for status, n in sorted(ends.items()))
    return f" ({len(workers)} worker{'s' if len(workers) != 1 else ''}{counts})"


def _written(report: dict[str, Any]) -> int:
    written = report.get("bytesWritten") or {}
    if isinstance(written, dict):
        return int(sum(int(v) for v in written.values()))
    return int((report.get("warc") or {}).get("bytesWritten", 0))
