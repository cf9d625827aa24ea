"""Measuring a child process: user+sys CPU, wall time and peak RSS, from its own rusage."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

PYTHON = sys.executable


@dataclass
class Measured:
    """What one child process cost."""

    cpu: float  # user + sys seconds
    wall: float
    max_rss_mb: float
    returncode: int

    def __add__(self, other: Measured) -> Measured:
        return Measured(
            self.cpu + other.cpu,
            self.wall + other.wall,
            max(self.max_rss_mb, other.max_rss_mb),
            self.returncode or other.returncode,
        )


ZERO = Measured(0.0, 0.0, 0.0, 0)


def run_measured(command: list[str], log: Path, *, cwd: Path | None = None) -> Measured:
    """Run `command` to completion with output to `log`; its rusage alone, not the bench's."""
    log.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    with open(log, "ab") as out:
        out.write(("$ " + " ".join(command) + "\n").encode())
        out.flush()
        start = time.monotonic()
        process = subprocess.Popen(command, stdout=out, stderr=out, cwd=cwd, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return Measured(
        cpu=usage.ru_utime + usage.ru_stime,
        wall=wall,
        max_rss_mb=usage.ru_maxrss / 1024,  # KiB on Linux
        returncode=process.returncode,
    )


def dir_bytes(path: Path) -> int:
    """Total size of the files under `path` (0 when it does not exist)."""
    if not path.exists():
        return 0
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
