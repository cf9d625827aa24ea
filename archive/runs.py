"""Run reports: ``runs/<run-id>.json``, one per run, for people and monitors."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any

from .atomicjson import write_json
from .schema import Shape, conforms, field_shapes, run_report_schema

# 2: incremental counts, bytesWritten, resumed, logFile; 3: status, limitedBy, each count once
REPORT_VERSION = 3


def new_run_id(now: datetime | None = None) -> str:
    """``20261121T094512Z-4242``: sortable, and unique per process."""
    now = now or datetime.now(timezone.utc)
    return f"{now.strftime('%Y%m%dT%H%M%SZ')}-{os.getpid()}"


def report_name(report: dict[str, Any]) -> str:
    """``RUN-ID.json``; one worker of a shared crawl (its ``worker`` named) writes
    ``RUN-ID.WORKER.json``: one run, one file per worker."""
    worker = report.get("worker")
    return f"{report['runId']}.{worker}.json" if worker else f"{report['runId']}.json"


def write_report(runs_dir: Path, report: dict[str, Any]) -> Path:
    """Write atomically (temp file, fsync, rename), so a reader never sees half a report."""
    runs_dir.mkdir(parents=True, exist_ok=True)
    path = runs_dir / report_name(report)
    write_json(path, report, indent=2)
    return path


def read_reports(runs_dir: Path, unreadable: list[str] | None = None) -> list[dict[str, Any]]:
    """The run reports in `runs_dir`, in the order the runs started (:func:`run_order`);
    each file that is none (torn, empty, not an object of the report's shape) is left out
    and named in `unreadable`, with why."""
    reports = []
    for path in sorted(runs_dir.glob("*.json")):
        try:
            report = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not JSON"
            if unreadable is not None:
                unreadable.append(f"{path}: {reason or exc}")
            continue
        if not (isinstance(report, dict) and conforms(report, _report_shapes())):
            if unreadable is not None:
                unreadable.append(f"{path}: not a run report of this version's shape")
            continue
        reports.append(report)
    return sorted(reports, key=run_order)


def run_order(report: dict[str, Any]) -> tuple[str, int, str]:
    """When the run started: ``startTimeExact``; a report of an earlier version has only the
    second, then its PID (a run id's text puts ``-1000`` before ``-999``)."""
    exact = str(report.get("startTimeExact") or "")
    start = str(report.get("startTime") or "")
    if not exact and start.endswith("Z"):
        exact = start[:-1] + ".000000Z"
    pid = str(report.get("runId") or "").rpartition("-")[2]
    return exact, int(pid) if pid.isdigit() else 0, str(report.get("worker") or "")


@cache
def _report_shapes() -> dict[str, Shape]:
    return field_shapes(run_report_schema())


def merge_workers(reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One report per run: the reports of a shared crawl's workers summed into one.

    The merged report keeps the first report's order, names its ``workers`` and their
    ``workerStatus``, and takes its status and exit code by `shared_outcome`.
    """
    merged: list[dict[str, Any]] = []
    by_run: dict[str, dict[str, Any]] = {}
    # run -> the spiders a worker crawled -> those workers' (status, exit code)
    ends: dict[str, dict[tuple[str, ...], list[tuple[str, int | None]]]] = {}
    statuses: dict[str, list[str]] = {}
    for report in reports:
        worker = report.get("worker")
        if not worker:
            merged.append(report)
            continue
        run_id = report.get("runId", "")
        end = (str(report.get("status") or "?"), report.get("exitCode"))
        spiders = tuple(sorted(report.get("spiders") or ()))
        ends.setdefault(run_id, {}).setdefault(spiders, []).append(end)
        statuses.setdefault(run_id, []).append(end[0])
        run = by_run.get(run_id)
        if run is None:
            run = by_run[run_id] = {**report, "workers": [worker]}
            run.pop("worker", None)
            merged.append(run)
            continue
        run["workers"].append(worker)
        _add_into(run, report)
    for run_id, run in by_run.items():
        run["workerStatus"] = statuses[run_id]
        # Each spider's crawl is its own queue: the run is ok once each of them is.
        outcomes = [shared_outcome(group) for group in ends[run_id].values()]
        ok = all(status == "ok" for status, _ in outcomes)
        run["status"], run["exitCode"] = ("ok", 0) if ok else _worst(outcomes)
    return merged


# The worse of two ends of a crawl that did not finish: failed, killed, interrupted, limited.
_WORSE = {"running": 5, "failed": 4, "killed": 3, "interrupted": 2, "limited": 1, "ok": 0}


def shared_outcome(outcomes: list[tuple[str, int | None]]) -> tuple[str, int | None]:
    """The status and exit code of a shared crawl from its workers' (status, exit code).

    A worker ends ``ok`` only when the shared queue is empty and no worker holds a request,
    so one ``ok`` worker means the crawl finished: the requests of workers killed, stopped
    or failed on the way went back to the queue and were done by the others, and the crawl
    is ``ok``, exit 0. Otherwise a worker still running makes it ``running``; else the
    crawl ends as its worst worker (failed, killed, interrupted, limited, in that order),
    with that worker's exit code.
    """
    if any(status == "ok" for status, _ in outcomes):
        return "ok", 0
    return _worst(outcomes)


def _worst(outcomes: list[tuple[str, int | None]]) -> tuple[str, int | None]:
    """The worst of these ends (failed, killed, interrupted, limited), with its exit code."""
    status, code = max(outcomes, key=lambda o: (_WORSE.get(o[0], 4), o[1] or 0))
    return status, code


_SUMMED = ("pagesFetched", "requests", "notModified", "blocked", "notArticle", "bytesReceived")


def _add_into(run: dict[str, Any], report: dict[str, Any]) -> None:
    for key in _SUMMED:
        run[key] = int(run.get(key) or 0) + int(report.get(key) or 0)
    for group in ("articles", "pages", "bytesWritten", "pagesByStatus"):
        total = dict(run.get(group) or {})
        for name, value in (report.get(group) or {}).items():
            total[name] = int(total.get(name) or 0) + int(value or 0)
        run[group] = total
    errors = {k: dict(v) for k, v in (run.get("errors") or {}).items()}
    for kind, entry in (report.get("errors") or {}).items():
        known = errors.setdefault(kind, {"count": 0, "examples": []})
        known["count"] = int(known.get("count", 0)) + int(entry.get("count", 0))
        known["examples"] = (known.get("examples", []) + entry.get("examples", []))[:5]
    run["errors"] = errors
    run["startTime"] = min(str(run.get("startTime", "")), str(report.get("startTime", "")))
    if run.get("startTimeExact") and report.get("startTimeExact"):
        run["startTimeExact"] = min(str(run["startTimeExact"]), str(report["startTimeExact"]))
    run["endTime"] = max(str(run.get("endTime", "")), str(report.get("endTime", "")))
    run["durationSeconds"] = max(
        float(run.get("durationSeconds") or 0), float(report.get("durationSeconds") or 0)
    )
    run["spiders"] = sorted(set(run.get("spiders") or []) | set(report.get("spiders") or []))
    run["exitCode"] = max(int(run.get("exitCode") or 0), int(report.get("exitCode") or 0))
    run["resumed"] = bool(run.get("resumed")) or bool(report.get("resumed"))
