"""Helpers of the WARC tests: servers in subprocesses, crawls, and reading records back."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from ..conftest import FAST, run_cli


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
