"""Shared fixtures: the loopback test site in a subprocess, and running the CLI."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

REPO = Path(__file__).resolve().parent.parent

# Property tests draw the same examples on every run and every machine, and keep no
# example database: a run's outcome depends on the code alone.
hypothesis_settings.register_profile("newsarchive", derandomize=True, database=None)
hypothesis_settings.load_profile("newsarchive")

# No test may reach the internet. Every HTTP client the tests start (Scrapy, urllib, wget,
# Chromium) inherits these: what is not for loopback goes to a closed loopback port and fails
# at once, so a stray request for a real outlet or archive never leaves the machine. Names
# under .invalid stay direct, so a DNS failure is still a DNS failure.
NOWHERE = "http://127.0.0.1:9"
for _name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
    os.environ[_name] = NOWHERE
os.environ["no_proxy"] = os.environ["NO_PROXY"] = "127.0.0.1,localhost,::1,invalid"

# The several-machines tests (all marked scale) need the scale extra: scrapy-redis and a
# redis client newer than pywb's pin. Where it is not installed (the default environment),
# their modules are not even imported: deselecting them by marker imports them all the same.
if importlib.util.find_spec("scrapy_redis") is None:
    collect_ignore_glob = ["test_scale_*.py"]

# A loopback server is owed no politeness; robots.txt stays obeyed.
FAST = [
    "-s",
    "AUTOTHROTTLE_ENABLED=False",
    "-s",
    "DOWNLOAD_DELAY=0",
    "-s",
    "CONCURRENT_REQUESTS_PER_DOMAIN=8",
]


@dataclass
class SiteServer:
    """A running `python -m archive.testsite` process and the base URL of each site."""

    process: subprocess.Popen[str]
    urls: dict[str, str]

    def url(self, site: str, path: str = "/") -> str:
        return self.urls[site] + path


def spawn_line_server(*args: str) -> tuple[subprocess.Popen[str], Any]:
    """Start ``python ARGS``, a server that prints one JSON line once it listens.

    It serves until its stdin closes (:func:`stop_line_server`), so a test never has to
    guess when it is ready or kill it blindly.
    """
    process = subprocess.Popen(
        [sys.executable, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=cli_env(),
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        process.kill()
        process.wait()
        raise RuntimeError(f"server {' '.join(args)} did not start")
    return process, json.loads(line)


def stop_line_server(process: subprocess.Popen[str]) -> None:
    assert process.stdin is not None
    process.stdin.close()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def line_server(*args: str) -> Iterator[Any]:
    """:func:`spawn_line_server` for the length of a ``with`` block; yields its JSON line."""
    process, info = spawn_line_server(*args)
    try:
        yield info
    finally:
        stop_line_server(process)


def start_site_server(root: Path | None = None) -> SiteServer:
    extra = ["--root", str(root)] if root is not None else []
    process, urls = spawn_line_server("-m", "archive.testsite", *extra)
    return SiteServer(process, urls)


def stop_site_server(server: SiteServer) -> None:
    stop_line_server(server.process)


@pytest.fixture(scope="session")
def site() -> Iterator[SiteServer]:
    """The bundled test site, served by a real HTTP server in a subprocess."""
    server = start_site_server()
    yield server
    stop_site_server(server)


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def run_cli(
    *args: str, timeout: float = 120, env: dict[str, str] | None = None, cwd: Path = REPO
) -> subprocess.CompletedProcess[str]:
    """Run ``newsarchive ARGS`` in a subprocess, as cron would, in `cwd`.

    `env` is the whole environment it gets (default :func:`cli_env`, which puts this
    checkout first on the path, wherever `cwd` is).
    """
    return subprocess.run(
        [sys.executable, "-m", "archive", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env=cli_env() if env is None else env,
    )


@contextmanager
def browsing(data: Path) -> Iterator[str]:
    """`newsarchive browse` of `data` on a free loopback port; yields its base URL (no
    trailing /) once it listens, and stops it after."""
    process = subprocess.Popen(
        [sys.executable, "-m", "archive", "browse", "--data", str(data), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=cli_env(),
    )  # fmt: skip
    assert process.stdout is not None
    line = process.stdout.readline()  # printed once the server listens
    try:
        found = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert found, line + (process.stderr.read() if process.poll() is not None else "")  # type: ignore[union-attr]
        yield found.group(0)
    finally:
        process.terminate()
        process.wait(timeout=20)


def free_port() -> int:
    """A loopback port nothing listens on (the system's pick), for a server or a refusal."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def free_ports(count: int, pick: Callable[[], int] = free_port) -> int:
    """The first of `count` consecutive loopback ports a server can listen on now.

    :func:`free_port` vouches for one port only. A server told "P, and P+1 for the next
    site" needs P+1 too, and Linux hands ``bind(0)`` and ``connect()`` ports of opposite
    parity: P+1 is of the kind every loopback client connection of the test run takes, and
    keeps through its TIME_WAIT, so it is often taken. Each port is probed as the servers
    bind (``SO_REUSEADDR``). Another process can still take one before the server binds:
    a caller retries with another run when its server says it cannot listen.
    """
    for _attempt in range(50):
        first = pick()
        probes: list[socket.socket] = []
        try:
            for port in range(first, first + count):
                probe = socket.socket()
                probes.append(probe)
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for probe in probes:
                probe.close()
    raise RuntimeError(f"no {count} consecutive free loopback ports in 50 tries")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]


def store_lines(data: Path) -> list[dict]:
    lines: list[dict] = []
    for path in sorted((data / "articles").glob("articles-*.jsonl")):
        lines.extend(read_jsonl(path))
    return lines


def copy_data_dir(source: Path, target: Path) -> None:
    """A copy of a data directory other tests may read meanwhile: SQLite's ``-shm`` and
    ``-wal`` files come and go with its readers, and a store no one writes holds all of
    its data in its main files."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*-shm", "*-wal"))


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real ``redis-server`` on a free loopback port, one per test module (the
    several-machines tests: ``tests/scale_harness.py``)."""
    from .scale_harness import RedisServer

    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()
