"""The README's "Several machines" commands, run as written on loopback (hosts and ports
replaced, the test site as start point): Redis, two crawl workers, the readers, a Dask
scheduler with a worker, and a replay on it."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import FAST, REPO, SiteServer, cli_env, free_port
from .scale_harness import RedisServer, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.scale]


def section_commands() -> list[str]:
    text = (REPO / "README.md").read_text("utf-8")
    section = text.split("## Several machines", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line and not line.startswith("#")]


def local(command: str, ports: dict[str, int], tmp: Path) -> list[str]:
    """A README line with this machine's hosts, ports and folders; `newsarchive` run as a module."""
    command = command.replace("redis-host:6379", f"127.0.0.1:{ports['redis']}")
    command = command.replace("scheduler-host:8786", f"127.0.0.1:{ports['dask']}")
    command = command.replace("--port 8786", f"--port {ports['dask']} --host 127.0.0.1")
    words = shlex.split(command)
    if words[0] == "newsarchive":
        words = [sys.executable, "-m", "archive", *words[1:]]
    elif words[0] == "dask":
        words = [str(Path(sys.executable).parent / "dask"), *words[1:]]
    return words


def test_the_several_machines_commands_work_on_loopback(site: SiteServer, tmp_path: Path) -> None:
    commands = section_commands()
    assert [c.split()[0] for c in commands] == [
        "redis-server",
        "newsarchive",
        "newsarchive",
        "newsarchive",
        "dask",
        "dask",
        "newsarchive",
    ]
    ports = {"redis": free_port(), "dask": free_port()}
    (tmp_path / "redis").mkdir()
    redis = RedisServer(tmp_path / "redis", port=ports["redis"])
    assert "--port 6379" in commands[0] and "--dir" in commands[0]
    redis.start()  # the README's redis-server line, with a free port and a folder of ours
    background: list[subprocess.Popen[bytes]] = []

    def run(words: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            words, capture_output=True, text=True, cwd=tmp_path, env=cli_env(), timeout=240
        )

    try:
        crawl = local(commands[1], ports, tmp_path)
        crawl += ["--start-url", site.url("cnn", "/world/africa/"), *FAST]
        workers = [
            subprocess.Popen(crawl, cwd=tmp_path, env=cli_env(), stderr=subprocess.PIPE)
            for _ in range(2)
        ]
        for worker in workers:
            _out, err = worker.communicate(timeout=240)
            assert worker.returncode == 0, err
        articles = run(local(commands[2], ports, tmp_path))
        assert articles.returncode == 0 and articles.stdout.count("\n") >= 3, articles.stderr
        runs = run(local(commands[3], ports, tmp_path))
        assert runs.returncode == 0 and "(2 workers)" in runs.stdout, runs.stdout
        # The scheduler and workers run elsewhere (on other machines, another folder): the
        # replay's relative `data/warc` must reach them as a path they can open.
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        for line in commands[4:6]:
            background.append(
                subprocess.Popen(
                    local(line, ports, tmp_path),
                    cwd=elsewhere,
                    env=cli_env(),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        client = _dask_client(ports["dask"])
        wait_until(lambda: len(client.scheduler_info()["workers"]) >= 2, "two Dask workers")
        client.close()
        replayed = run(local(commands[6], ports, tmp_path))
        assert replayed.returncode == 0, replayed.stderr
        again = run([sys.executable, "-m", "archive", "articles", "--data", "rebuilt-data"])
        assert sorted(again.stdout.splitlines()) == sorted(articles.stdout.splitlines())
    finally:
        for process in background:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        redis.stop()


def _dask_client(port: int) -> Any:
    from distributed import Client

    deadline = time.monotonic() + 60
    while True:
        try:
            return Client(f"tcp://127.0.0.1:{port}", timeout=5)
        except OSError:
            if time.monotonic() > deadline:
                raise
