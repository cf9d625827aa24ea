"""One run at a time: the lock in the data directory, held by a real second process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.lock import LOCK_NAME, LockedError, RunLock, pid_alive

from .conftest import FAST, REPO, SiteServer, cli_env, run_cli

HOLD = (
    "import sys; from pathlib import Path; from archive.lock import RunLock; "
    "lock = RunLock(Path(sys.argv[1]), 'holder-run').acquire(); "
    "print('held', flush=True); sys.stdin.read(); lock.release()"
)


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the data directory's lock until we close its stdin."""
    data = tmp_path / "data"
    data.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(data)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=cli_env(),
    )
    assert process.stdout is not None and process.stdout.readline() == "held\n"
    yield process
    assert process.stdin is not None
    process.stdin.close()
    process.wait(timeout=10)


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
    }


def test_second_run_exits_75_at_once_touching_nothing(
    holder: subprocess.Popen[str], tmp_path: Path, site: SiteServer
) -> None:
    data = tmp_path / "data"
    before = snapshot(data)
    result = run_cli(
        "crawl", "cnn", "--data", str(data), "--start-url", site.url("cnn", "/world/africa/"), *FAST
    )
    assert result.returncode == 75
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "another run holds" in result.stderr and f"PID {holder.pid}" in result.stderr
    assert "holder-run" in result.stderr
    assert snapshot(data) == before  # no report, no log, no state, no WARC


def test_lock_in_process_api(holder: subprocess.Popen[str], tmp_path: Path) -> None:
    with pytest.raises(LockedError, match="not starting"):
        RunLock(tmp_path / "data", "second").acquire()


def test_stale_lock_of_a_dead_process_is_taken_over_with_a_warning(
    tmp_path: Path, site: SiteServer
) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    assert not pid_alive(dead.pid)
    data = tmp_path / "data"
    data.mkdir()
    (data / LOCK_NAME).write_text(json.dumps({"pid": dead.pid, "runId": "old-run"}))
    result = run_cli(
        "crawl", "cnn", "-q", "--data", str(data),
        "--start-url", site.url("cnn", "/world/africa/"), *FAST,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "warning: taking over a stale lock of run old-run" in result.stderr
    assert f"PID {dead.pid}, which is gone" in result.stderr
    assert (data / LOCK_NAME).read_text() == ""  # released at the end of the run
    assert list((data / "runs").glob("*.json"))


@pytest.mark.parametrize("pid", ['"x"', "[1]", "99999999999999999999", "true"])
def test_a_lock_file_naming_no_pid_is_a_stale_lock(tmp_path: Path, pid: str) -> None:
    """A lock file a hand or a disk damaged, its PID no number (or one no process can
    have): every run crashed on it (exit 70), each leaving it as it was, so cron never
    crawled again."""
    (tmp_path / LOCK_NAME).write_text('{"pid": ' + pid + ', "runId": "old-run"}')
    with RunLock(tmp_path, "run-1") as lock:
        assert lock.stale is not None and lock.stale["alive"] is False
        assert json.loads((tmp_path / LOCK_NAME).read_text())["runId"] == "run-1"


def test_lock_names_its_holder_and_is_released(tmp_path: Path) -> None:
    with RunLock(tmp_path, "run-1") as lock:
        assert lock.stale is None
        held = json.loads((tmp_path / LOCK_NAME).read_text())
        assert held["pid"] == os.getpid() and held["runId"] == "run-1"
    assert (tmp_path / LOCK_NAME).read_text() == ""
    with RunLock(tmp_path, "run-2") as again:  # a clean release leaves nothing stale
        assert again.stale is None


def test_a_killed_holder_never_blocks_the_next_run(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=cli_env(),
    )
    assert process.stdout is not None and process.stdout.readline() == "held\n"
    process.kill()
    process.wait()
    assert process.stdin is not None
    process.stdin.close()
    with RunLock(tmp_path, "next") as lock:
        assert lock.stale is not None and lock.stale["pid"] == process.pid
        assert lock.stale["runId"] == "holder-run"
