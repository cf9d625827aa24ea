"""Shared fixtures: the loopback test site in a subprocess, and running the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

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


def start_site_server(root: Path | None = None) -> SiteServer:
    command = [sys.executable, "-m", "archive.testsite"]
    if root is not None:
        command += ["--root", str(root)]
    process = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO, env=cli_env()
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # printed once every port is listening
    if not line:
        process.kill()
        raise RuntimeError("test site server did not start")
    return SiteServer(process, json.loads(line))


def stop_site_server(server: SiteServer) -> None:
    assert server.process.stdin is not None
    server.process.stdin.close()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


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


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``newsarchive ARGS`` in a subprocess, as cron would."""
    return subprocess.run(
        [sys.executable, "-m", "archive", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        env=cli_env(),
    )


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]


def store_lines(data: Path) -> list[dict]:
    lines: list[dict] = []
    for path in sorted((data / "articles").glob("articles-*.jsonl")):
        lines.extend(read_jsonl(path))
    return lines
