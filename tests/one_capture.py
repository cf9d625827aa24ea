"""A closed WARC file of one capture, as a crawl's writer leaves it: for the index's tests."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from archive.warc import Capture, HttpMessage, WarcWriter


def write_one_capture(folder: Path, n: int) -> str:
    """Write ``http://example.org/N`` into a WARC file of its own in `folder`; its name."""
    body = f"<p>page {n}</p>".encode()
    writer = WarcWriter(folder, prefix=f"newsarchive-cnn-w{n}")
    writer.write_capture(
        Capture(
            url=f"http://example.org/{n}",
            date=datetime.now(timezone.utc),
            request=HttpMessage(f"GET /{n} HTTP/1.1", [("Host", "example.org")]),
            response=HttpMessage("HTTP/1.1 200 OK", [("Content-Length", str(len(body)))], body),
        )
    )
    writer.close()
    return writer.files_written[0]
