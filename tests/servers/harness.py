"""Helpers of the WARC tests: servers in subprocesses, crawls, and reading records back."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from ..conftest import FAST, REPO, cli_env, run_cli


@contextmanager
def line_server(*command: str) -> Iterator[dict[str, Any]]:
    """Run a server that prints one JSON line when listening and serves until stdin closes."""
    process = subprocess.Popen(
        [sys.executable, *command],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=cli_env(),
    )
    assert process.stdout is not None and process.stdin is not None
    line = process.stdout.readline()
    try:
        if not line:
            raise RuntimeError(f"{command} did not start")
        yield json.loads(line)
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Rec:
    """One record read back: its WARC headers, HTTP headers and raw (stored) payload."""

    type: str
    url: str
    headers: Any
    http: Any
    payload: bytes
    filename: str
    offset: int

    def get(self, name: str) -> str | None:
        return self.headers.get_header(name)


def read_records(paths: list[Path]) -> list[Rec]:
    found = []
    for path in paths:
        with open(path, "rb") as handle:
            iterator = ArchiveIterator(handle)
            for record in iterator:
                payload = record.raw_stream.read()
                found.append(
                    Rec(
                        record.rec_type,
                        record.rec_headers.get_header("WARC-Target-URI") or "",
                        record.rec_headers,
                        record.http_headers,
                        payload,
                        path.name,
                        iterator.get_record_offset(),
                    )
                )
    return found


def warc_paths(data: Path) -> list[Path]:
    return sorted((data / "warc").glob("*.warc.gz"))


def crawl(
    data: Path, spider: str, *urls: str, extra: tuple[str, ...] = (), codes: tuple[int, ...] = (0,)
) -> Any:
    """``newsarchive crawl SPIDER --start-url URL ...`` into `data`, fast settings."""
    starts = [arg for url in urls for arg in ("--start-url", url)]
    result = run_cli("crawl", spider, "--data", str(data), *starts, *FAST, *extra)
    assert result.returncode in codes, result.stderr
    return result
