"""Run reports: ``runs/<run-id>.json``, one per run, for people and monitors."""

from __future__ import annotations

import contextlib
import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

# 2: incremental counts, bytesWritten, resumed, logFile; 3: status, limitedBy, each count once
REPORT_VERSION = 3


def new_run_id(now: datetime | None = None) -> str:
    """``20261121T094512Z-4242``: sortable, and unique per process."""
    now = now or datetime.now(timezone.utc)
    return f"{now.strftime('%Y%m%dT%H%M%SZ')}-{os.getpid()}"


def write_report(runs_dir: Path, report: dict[str, Any]) -> Path:
    """Write atomically (temp file, fsync, rename), so a reader never sees half a report."""
    runs_dir.mkdir(parents=True, exist_ok=True)
    path = runs_dir / f"{report['runId']}.json"
    temp = path.with_suffix(".json.tmp")
    try:
        with open(temp, "w", encoding="utf-8") as handle:
            json.dump(report, handle, indent=2, sort_keys=False)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError:  # a full disk: no half report, no temp file left behind
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return path


def read_reports(runs_dir: Path) -> list[dict[str, Any]]:
    reports = []
    for path in sorted(runs_dir.glob("*.json")):
        try:
            reports.append(json.loads(path.read_text("utf-8")))
        except (OSError, ValueError):
            continue
    return reports
