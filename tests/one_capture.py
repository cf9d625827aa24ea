"""WARC records for tests: a capture as a crawl's writer leaves it, or as another tool wrote it."""

from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

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


def write_foreign_response(
    writer: WARCWriter, url: str, body: bytes, date: str = "2013-11-27T12:00:00Z"
) -> None:
    """A response record of an HTML page as warcio writes it (another tool's archive); `url`
    as given, whatever it is."""
    head = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], "HTTP/1.1")
    record = writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), http_headers=head,
        warc_headers_dict={"WARC-Date": date},
    )  # fmt: skip
    writer.write_record(record)
