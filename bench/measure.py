"""Measuring a child process: user+sys CPU, wall time and peak RSS, from its own rusage.

Linux hands a child the peak RSS of the process that forked it (the copied memory map keeps
its high-water mark, and exec keeps the larger of the two), so a child started by a bench
that has grown to 165 MB reports at least 165 MB. Peak RSS is therefore taken from the
child's rusage only when it exceeds the bench's own peak; otherwise from the child's
``VmHWM`` (the high-water mark of its own, post-exec memory), sampled while it runs.
"""

from __future__ import annotations

import functools
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

PYTHON = sys.executable
REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("crawler", "archive", "bench")


def code_env(code: Path = REPO) -> dict[str, str]:
    """This environment for a child running `code`'s modules: `code` first on its path, its
    bytecode compiled beforehand.

    An installed newsarchive runs compiled bytecode (pip compiles it), as Scrapy, lxml and
    warcio do here. A checkout where ``PYTHONDONTWRITEBYTECODE`` is set would compile its
    sources at every start, a cost no deployment pays; so its ``__pycache__`` is written
    once, as Python itself writes it on a first run without that variable.
    """
    _compile(code.resolve())
    return dict(os.environ, PYTHONPATH=str(code))


@functools.cache
def _compile(code: Path) -> None:
    """Compile `code`'s packages into their ``__pycache__`` (once per bench run and checkout)."""
    folders = [str(code / name) for name in PACKAGES if (code / name).is_dir()]
    subprocess.run(
        [PYTHON, "-m", "compileall", "-q", *folders], check=True, stdout=subprocess.DEVNULL
    )


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
    env = code_env()
    with open(log, "ab") as out:
        out.write(("$ " + " ".join(command) + "\n").encode())
        out.flush()
        start = time.monotonic()
        process = subprocess.Popen(command, stdout=out, stderr=out, cwd=cwd, env=env)
        sampled_kib = 0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            sampled_kib = max(sampled_kib, tree_peak_kib(process.pid))
            time.sleep(SAMPLE_SECONDS)
        wall = time.monotonic() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    # rusage (KiB on Linux) is the child's own only above what it can have inherited from
    # us: our peak now, which is at least our peak when it forked
    inherited_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_kib = usage.ru_maxrss if usage.ru_maxrss > inherited_kib else sampled_kib
    return Measured(
        cpu=usage.ru_utime + usage.ru_stime,
        wall=wall,
        max_rss_mb=peak_kib / 1024,
        returncode=process.returncode,
    )


SAMPLE_SECONDS = 0.02


def tree_peak_kib(pid: int) -> int:
    """The largest ``VmHWM`` of `pid` and its child processes (0 once they are gone)."""
    peak = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for one in pids:
        try:
            status = Path(f"/proc/{one}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]))
    return peak


def dir_bytes(path: Path) -> int:
    """Total size of the files under `path` (0 when it does not exist)."""
    if not path.exists():
        return 0
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
