"""Replay on a real Dask cluster of local processes: the same bytes as one process."""

from __future__ import annotations

import io
import os
import shutil
import signal
from pathlib import Path
from typing import Any

import pytest

from archive.warc.read.parts import split
from archive.warc.read.sources import Source

from .conftest import cli_env, free_port, run_cli
from .test_replay_helpers import site_archive  # noqa: F401 (a fixture)
from .test_replay_parts import one_large_file

pytestmark = [pytest.mark.slow, pytest.mark.scale]


def many_files(archive: Path, folder: Path, copies: int) -> Path:
    """The crawl's WARC files copied under new names: many files, several batches of pages."""
    folder.mkdir()
    for number in range(copies):
        for path in sorted((archive / "warc").glob("*.warc.gz")):
            shutil.copy(path, folder / f"{number:03d}-{path.name}")
    return folder


def assert_same_store_files(one: Path, other: Path) -> None:
    """The two stores' month files: the same names, byte for byte the same lines."""
    names = sorted(p.name for p in (one / "articles").glob("*.jsonl"))
    assert names and names == sorted(p.name for p in (other / "articles").glob("*.jsonl"))
    for name in names:
        assert (one / "articles" / name).read_bytes() == (other / "articles" / name).read_bytes()


def test_dask_replay_equals_a_single_process_replay_byte_for_byte(
    site_archive: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    warcs = many_files(site_archive, tmp_path / "warcs", 24)
    found = {}
    for name, how in (("alone", ("--jobs", "1")), ("dask", ("--cluster", "local:2"))):
        out, store = tmp_path / f"{name}.jsonl", tmp_path / f"{name}-store"
        every = run_cli(
            "replay", str(warcs), "--out", str(out), "--all-captures", *how, timeout=300
        )
        assert every.returncode == 0, every.stderr
        stored = run_cli("replay", str(warcs), "--store", str(store), *how, timeout=300)
        assert stored.returncode == 0, stored.stderr
        # The same summary: files, records, pages, articles, problems.
        found[name] = (out.read_bytes(), every.stderr.strip().splitlines()[-1], store)
    alone, dask = found["alone"], found["dask"]
    assert alone[0] == dask[0] and alone[0].count(b"\n") > 64  # several batches of items
    assert alone[1] == dask[1]
    assert_same_store_files(alone[2], dask[2])


def test_an_unreachable_scheduler_is_one_line_and_exit_75(
    site_archive: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    out = tmp_path / "items.jsonl"
    result = run_cli(
        "replay",
        str(site_archive / "warc"),
        "--out",
        str(out),
        "--cluster",
        f"tcp://127.0.0.1:{free_port()}",
        timeout=120,
    )
    assert result.returncode == 75, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "cannot be reached" in result.stderr


def test_a_port_that_is_no_dask_scheduler_is_one_line_and_exit_75(
    site_archive: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Something else listening there (the dashboard's port, a web server) accepted the
    connection and never answered Dask's handshake: the replay hung with no output."""
    import socket

    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()  # connections complete, and nothing is ever said on them
        port = listening.getsockname()[1]
        result = run_cli(
            "replay", str(site_archive / "warc"), "--out", str(tmp_path / "items.jsonl"),
            "--cluster", f"tcp://127.0.0.1:{port}", timeout=120,
        )  # fmt: skip
    assert result.returncode == 75, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "does not answer as a Dask scheduler" in result.stderr


def test_a_scheduler_without_workers_is_one_line_and_exit_75(
    site_archive: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    """A scheduler no worker has joined (yet) took the replay's tasks and waited for one
    forever, saying nothing. It waits --cluster-wait seconds for a first worker now."""
    from distributed import LocalCluster

    out = tmp_path / "items.jsonl"
    with LocalCluster(
        n_workers=0, processes=True, dashboard_address=None, host="127.0.0.1"
    ) as cluster:
        result = run_cli(
            "replay", str(site_archive / "warc"), "--out", str(out),
            "--cluster", cluster.scheduler_address, "--cluster-wait", "0.5", timeout=120,
        )  # fmt: skip
        at_once = run_cli(  # 0: no wait at all (Dask's own 0 means no deadline)
            "replay", str(site_archive / "warc"), "--out", str(out),
            "--cluster", cluster.scheduler_address, "--cluster-wait", "0", timeout=120,
        )  # fmt: skip
    assert result.returncode == 75, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "no worker" in result.stderr and "0.5s" in result.stderr
    assert at_once.returncode == 75 and "no worker" in at_once.stderr, at_once.stderr
    assert not out.exists() or out.read_bytes() == b""
    bad = run_cli("replay", str(site_archive / "warc"), "--cluster", "local:1",
                  "--cluster-wait", "-1")  # fmt: skip
    assert bad.returncode == 2 and "--cluster-wait" in bad.stderr


def test_a_bad_cluster_is_a_usage_error(site_archive: Path) -> None:  # noqa: F811
    result = run_cli("replay", str(site_archive / "warc"), "--cluster", "somewhere")
    assert result.returncode == 2
    assert "tcp://HOST:PORT or local:N" in result.stderr
    # A local cluster of a million processes started spawning them, as --jobs once did.
    many = run_cli("replay", str(site_archive / "warc"), "--cluster", "local:1000000")
    assert many.returncode == 2 and many.stderr.count("\n") == 1, many.stderr
    assert "per core" in many.stderr


@pytest.mark.parametrize(
    "address",
    ["tcp://:8786", "tcp://127.0.0.1:0", "tcp://127.0.0.1:99999", "tcp://127.0.0.1:port"],
)
def test_a_cluster_address_that_names_no_scheduler_is_a_usage_error(
    site_archive: Path,  # noqa: F811
    address: str,
) -> None:
    """No host, port 0 or past 65535: "cannot be reached ... try again later", exit 75,
    after ten seconds, before; no later try can reach it."""
    result = run_cli("replay", str(site_archive / "warc"), "--cluster", address)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "tcp://HOST:PORT" in result.stderr


def test_a_tls_cluster_without_dasks_tls_settings_is_a_usage_error(
    site_archive: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    """tls:// needs Dask's TLS settings (its CA and the client's certificate and key):
    without them, an internal error (a TypeError of Dask's, exit 70), before."""
    env = {**cli_env(), "DASK_CONFIG": str(tmp_path / "no-dask-config")}
    result = run_cli(
        "replay", str(site_archive / "warc"), "--cluster", f"tls://127.0.0.1:{free_port()}", env=env
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "distributed.comm.tls" in result.stderr


def replay_losing_a_worker(paths: list[str], **options: Any) -> tuple[list[dict], list[dict]]:
    """The items of a one-process replay of `paths`, and those of a replay on a local Dask
    cluster that loses one of its two workers (``kill -9``) once the first item is back."""
    from distributed import Client, LocalCluster

    from archive.replay import replay

    alone: list[dict] = []
    replay(paths, alone.append, jobs=1, err=io.StringIO())
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = Client(cluster)
    try:
        before = client.run(os.getpid)
        items: list[dict] = []

        def sink(item: dict) -> None:
            items.append(item)
            if len(items) == 1:  # parts and batches are in flight on both workers now
                os.kill(next(iter(before.values())), signal.SIGKILL)

        replay(paths, sink, cluster=client, err=io.StringIO(), **options)
        after = client.run(os.getpid)
    finally:
        client.close()
        cluster.close()
    assert set(before.values()) - set(after.values())  # a worker died (its nanny restarted it)
    return alone, items


def test_a_dask_worker_killed_mid_run_costs_a_retry_not_the_run(
    site_archive: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    alone, items = replay_losing_a_worker([str(many_files(site_archive, tmp_path / "warcs", 24))])
    assert items == alone


def test_large_files_replayed_in_parts_give_the_bytes_of_one_process(
    site_archive: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Large files (.warc.gz and .warc, sound and damaged in the middle) cut into parts
    scanned on several workers: the items, the store and the damage reported are those
    of ``--jobs 1``."""
    files = one_large_file(site_archive, tmp_path / "warcs")
    part_size = 20_000
    for path in files.values():
        assert len(split(Source(str(path)), part_size)) >= 8
    warcs = str(tmp_path / "warcs")
    found = {}
    for name, how in (
        ("alone", ("--jobs", "1")),
        ("dask", ("--cluster", "local:2", "--part-size", str(part_size))),
    ):
        out, store = tmp_path / f"{name}.jsonl", tmp_path / f"{name}-store"
        every = run_cli("replay", warcs, "--out", str(out), "--all-captures", *how, timeout=300)
        assert every.returncode == 0, every.stderr
        stored = run_cli("replay", warcs, "--store", str(store), *how, timeout=300)
        assert stored.returncode == 0, stored.stderr
        said = [line for line in every.stderr.splitlines() if line.startswith("newsarchive:")]
        found[name] = (out.read_bytes(), said, store)
    alone, dask = found["alone"], found["dask"]
    assert alone[0] == dask[0] and alone[0].count(b"\n") > 64
    # The same damage, each by file and offset, and the same summary line.
    assert sorted(alone[1]) == sorted(dask[1])
    assert any("large-damaged.warc.gz:" in line for line in alone[1])
    assert any("large-damaged.warc:" in line for line in alone[1])
    assert alone[1][-1] == dask[1][-1]
    assert_same_store_files(alone[2], dask[2])


def test_a_part_lost_with_its_worker_is_scanned_again_not_the_run(
    site_archive: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    large = one_large_file(site_archive, tmp_path / "warcs", copies=12)["gz"]
    alone, items = replay_losing_a_worker([str(large)], part_size=10_000)
    assert items == alone


def _cluster_processes(*worker_options: str) -> tuple[str, Any, Any]:
    """A Dask scheduler and one worker (with `worker_options`) as processes on loopback:
    their address and the two processes, for a test to kill."""
    import subprocess
    import sys

    from .conftest import REPO

    address = f"tcp://127.0.0.1:{free_port()}"
    module = [sys.executable, "-m"]
    scheduler = subprocess.Popen(
        [*module, "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
         "--port", address.rsplit(":", 1)[1], "--no-dashboard"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    worker = subprocess.Popen(
        [*module, "distributed.cli.dask_worker", address, "--nthreads", "1", "--no-dashboard",
         *worker_options],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=cli_env(), cwd=REPO,
    )  # fmt: skip
    return address, scheduler, worker


def test_a_scheduler_lost_mid_replay_is_a_cluster_error_not_a_crash(
    site_archive: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    """The Dask scheduler killed (its machine down) while the replay runs: Dask's
    CommClosedError went up as an internal error (exit 70, a traceback in the log). It is
    the cluster lost, as one unreachable at the start is: ClusterError, one line, exit 75."""

    from distributed import Client

    from archive.replay import replay
    from archive.replay.cluster import ClusterError

    address, scheduler, worker = _cluster_processes()
    try:
        client = Client(address, timeout=60)
        client.wait_for_workers(1, timeout=60)

        def sink(item: dict) -> None:
            if scheduler.poll() is None:  # the first item: batches are in flight
                scheduler.kill()
                scheduler.wait()

        paths = [str(many_files(site_archive, tmp_path / "warcs", 24))]
        with pytest.raises(ClusterError, match="lost the Dask scheduler"):
            replay(paths, sink, cluster=client, err=io.StringIO())
        client.close(timeout=5)
    finally:
        for process in (scheduler, worker):
            process.kill()
            process.wait()


def test_a_replay_that_lost_its_last_worker_stops_after_the_cluster_wait(
    site_archive: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    """The one Dask worker lost mid-replay (its machine down: no nanny restarts it): the
    scheduler held the replay's tasks for a worker to come, and the replay waited for ever
    without a word. It waits --cluster-wait seconds for one to join, then one line, exit
    75, and nothing in the store."""
    import subprocess
    import sys

    from distributed import Client

    from .conftest import REPO
    from .scale_harness import wait_until

    address, scheduler, worker = _cluster_processes("--no-nanny")
    module = [sys.executable, "-m"]
    store = tmp_path / "store"
    replaying = None
    try:
        watcher = Client(address, timeout=60)
        watcher.wait_for_workers(1, timeout=60)
        # Stopped, the worker takes the replay's tasks and finishes none of them.
        os.kill(worker.pid, signal.SIGSTOP)
        replaying = subprocess.Popen(
            [*module, "archive", "replay", str(site_archive / "warc"), "--store", str(store),
             "--cluster", address, "--cluster-wait", "1"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env(), cwd=REPO,
        )  # fmt: skip
        wait_until(lambda: any(watcher.processing().values()), "the worker to hold a task")
        worker.kill()  # its machine down
        worker.wait()
        _out, err = replaying.communicate(timeout=120)
        watcher.close(timeout=5)
    finally:
        for process in (scheduler, worker, replaying):
            if process is not None:
                process.kill()
                process.wait()
    assert replaying.returncode == 75, err
    assert err.count("\n") == 1 and "no worker" in err, err
    assert not list(store.glob("articles/*.jsonl"))


def _timed_out(path: str) -> None:
    """A task whose read of a file on a network disk timed out (ETIMEDOUT)."""
    raise TimeoutError(110, "Connection timed out", path)


def test_a_task_failing_with_a_timeout_error_is_its_error_not_a_result_not_back_yet() -> None:
    """A task that raised TimeoutError (ETIMEDOUT reading an archive on a network disk) was
    taken for a result not back yet: polled for ever, the workers there, the replay hung.
    Its error is raised, as every other task's."""
    import threading

    from distributed import Client, LocalCluster

    from archive.replay.cluster import result_of

    raised: list[BaseException] = []

    def wait_for(future: Any) -> None:
        try:
            result_of(future, 3600.0)
        except BaseException as exc:
            raised.append(exc)

    with (
        LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        future = client.submit(_timed_out, "/mnt/archive/a.warc.gz", pure=False)
        waiting = threading.Thread(target=wait_for, args=(future,), daemon=True)
        waiting.start()
        waiting.join(timeout=120)  # a bound on a hang, never reached when right
        assert not waiting.is_alive(), "result_of still polling a task that failed"
    (error,) = raised
    assert isinstance(error, TimeoutError), repr(error)
    assert error.errno == 110 and error.filename == "/mnt/archive/a.warc.gz"


def test_a_scheduler_of_another_dask_release_is_one_line_and_exit_2(
    site_archive: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    """A scheduler running another Dask release than the replay (2024.8.0's, whose
    handshake takes no argument newer clients send): an internal error, exit 70, with
    "Scheduler.identity() got an unexpected keyword argument 'n_workers'". The replay
    names both releases in one line, exit 2: trying again later changes nothing."""
    import socket
    import subprocess
    import sys

    from .conftest import REPO
    from .scale_harness import wait_until

    port = free_port()
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
         "--port", str(port), "--no-dashboard", "--preload", "tests.servers.older_dask"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=cli_env(), cwd=REPO,
    )  # fmt: skip
    try:

        def listening() -> bool:
            with socket.socket() as probe:
                return probe.connect_ex(("127.0.0.1", port)) == 0

        wait_until(listening, "the scheduler to listen")
        out = tmp_path / "items.jsonl"
        result = run_cli(
            "replay", str(site_archive / "warc"), "--out", str(out),
            "--cluster", f"tcp://127.0.0.1:{port}", "--cluster-wait", "5", timeout=120,
        )  # fmt: skip
    finally:
        scheduler.kill()
        scheduler.wait()
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "2024.8.0" in result.stderr and "internal error" not in result.stderr
    assert not out.exists() or out.read_bytes() == b""
