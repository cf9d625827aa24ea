"""Helpers of the several-machines tests: a real redis-server, workers, stores compared."""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .conftest import FAST, REPO, cli_env, free_port, line_server


@dataclass
class RedisServer:
    """A ``redis-server`` subprocess on a loopback port, persisting into ``directory``."""

    directory: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        """Start and wait until *this* server answers (another test's Redis may have taken a
        free port first: then, unless the port was chosen, try another)."""
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed (.ci/run installs it)")
        chosen = bool(self.port)
        for _attempt in range(5):
            self.port = self.port if chosen else free_port()
            self.process = subprocess.Popen(
                [
                    binary,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--dir",
                    str(self.directory),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--protected-mode",
                    "no",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if self._answers():
                return self
            self.process.kill()
            self.process.wait()
            if chosen:
                break
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def _answers(self) -> bool:
        """True once our process answers on the port; False if it exited (port taken)."""
        assert self.process is not None
        client = self.client()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if int(client.info("server")["process_id"]) == self.process.pid:
                    return True
            except Exception:
                pass
            time.sleep(0.05)  # waiting for the server to listen, not for an outcome
        return False

    def client(self) -> Any:
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port)

    def stop(self, *, save: bool = False) -> None:
        """SHUTDOWN (writing dump.rdb when `save`), as an operator stopping Redis would."""
        if self.process is None:
            return
        import redis

        with contextlib.suppress(redis.ConnectionError):
            self.client().shutdown(save=save, nosave=not save)
        self.process.wait(timeout=30)
        self.process = None


@contextmanager
def counting_site(*args: str) -> Iterator[dict[str, str]]:
    """The test site that counts requests per path (tests/servers/counting.py)."""
    with line_server("-m", "tests.servers.counting", *args) as info:
        yield info


def control(site: dict[str, str], action: str) -> dict[str, int]:
    with urllib.request.urlopen(f"{site['control']}/{action}", timeout=30) as answer:
        return dict(json.loads(answer.read()))


START = ("/world/africa/", "/sitemaps/cnn/news.xml")


def crawl_args(site: dict[str, str], data: Path, *extra: str) -> list[str]:
    starts = [arg for path in START for arg in ("--start-url", site["url"] + path)]
    return [
        sys.executable,
        "-m",
        "archive",
        "crawl",
        "cnn",
        "--data",
        str(data),
        *starts,
        *FAST,
        "-q",
        *extra,
    ]


def start_worker(
    site: dict[str, str], data: Path, state: str, *extra: str, lease: float = 30
) -> subprocess.Popen[str]:
    """One worker of the crawl at `state`; a short `lease` lets others take over quickly
    from a killed worker (and from one merely starved of CPU for that long)."""
    settings = [
        "-s",
        f"NEWSARCHIVE_STATE_LEASE_SECONDS={lease}",
        "-s",
        "NEWSARCHIVE_STATE_POLL_SECONDS=0.2",
    ]
    return subprocess.Popen(
        crawl_args(site, data, "--state", state, *settings, *extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=cli_env(),
    )


def finish(process: subprocess.Popen[str], timeout: float = 120) -> tuple[int, str]:
    _out, err = process.communicate(timeout=timeout)
    return process.returncode, err


def wait_until(condition: Any, what: str, timeout: float = 60) -> None:
    """Poll `condition` until true (a state to reach, not a time to wait)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def comparable(data: Path) -> dict[str, dict[str, Any]]:
    """The store's latest articles without what only says where and when they were captured."""
    from archive.store import ArticleStore

    found = {}
    for line in ArticleStore(data).iter_articles():
        line = dict(line)
        line.pop("warc", None)
        # Which of a page's URLs (tracking parameters, aliases) reached it first depends on
        # the order responses arrive in, with one worker or three; canonicalUrl does not.
        line.pop("url", None)
        line["metadata"] = {k: v for k, v in line["metadata"].items() if k != "dateDownloaded"}
        found[line["articleId"]] = line
    return found


def all_versions(data: Path) -> list[tuple[str, int]]:
    from archive.store import ArticleStore

    return sorted(
        (x["articleId"], x["version"]) for x in ArticleStore(data).iter_articles(all_versions=True)
    )
