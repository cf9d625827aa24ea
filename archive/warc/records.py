"""Serialising WARC records: headers, HTTP blocks and digests exactly per the WARC spec."""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http import HTTPStatus
from typing import Any

CRLF = b"\r\n"


@dataclass
class HttpMessage:
    """An HTTP request or response as it crossed the wire (start line, headers, body)."""

    start_line: str
    headers: list[tuple[str, str]]
    body: bytes = b""

    def header_block(self) -> bytes:
        """Start line and headers as bytes (latin-1, the only faithful decoding of header bytes)."""
        lines = [self.start_line] + [f"{name}: {value}" for name, value in self.headers]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None


@dataclass
class Capture:
    """One fetch: the request sent, the response received, and what the crawl knew of it.

    A capture copied from a web archive has the archive's capture time as `date`, no
    request of ours, and `warc_headers` naming where and when we copied it.
    """

    url: str
    date: datetime
    request: HttpMessage | None  # None: we sent no request for it (a copy from an archive)
    response: HttpMessage
    ip_address: str | None = None
    truncated: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    # More WARC headers for the response record (e.g. WARC-Source-URI of an archive's copy).
    warc_headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Revisit:
    """What makes a capture a ``revisit`` record: its profile and the original it refers to.

    `profile` is ``identical-payload-digest`` (same payload as an earlier capture, body
    left out) or ``server-not-modified`` (a 304 answer to a conditional request).
    """

    profile: str
    refers_to_uri: str | None = None
    refers_to_date: str | None = None
    refers_to: str | None = None
    payload_digest: str | None = None


IDENTICAL_PAYLOAD = "identical-payload-digest"
SERVER_NOT_MODIFIED = "server-not-modified"


def revisit_profile(version: str, profile: str) -> str:
    """The profile URI of the file's WARC version (1.0 and 1.1 name them differently)."""
    return f"http://netpreserve.org/warc/{version}/revisit/{profile}"


@dataclass(frozen=True)
class RecordLocation:
    """Where a record sits: what the item's ``warc`` provenance field points to."""

    filename: str
    offset: int
    length: int
    record_id: str
    payload_digest: str | None
    date: str

    def as_provenance(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "offset": self.offset,
            "length": self.length,
            "recordId": self.record_id,
            "payloadDigest": self.payload_digest,
        }


# The digests of no bytes, by algorithm: base32 (WARC's usual form) and hex.
_EMPTY_DIGESTS = {
    name: (
        base64.b32encode(hashlib.new(name, b"").digest()).decode("ascii").rstrip("="),
        hashlib.new(name, b"").hexdigest(),
    )
    for name in ("sha1", "sha256")
}


def is_empty_payload_digest(value: str | None) -> bool:
    """Whether a payload digest (``sha1:BASE32``, in hex or lower case, ``sha256:...``, or a
    CDX digest without its algorithm) is that of no bytes: what a tool writes for a 304's
    or a redirect's empty body, which names no page."""
    if not value:
        return False
    algorithm, _, digest = value.strip().rpartition(":")
    forms = _EMPTY_DIGESTS.get(algorithm.lower() or "sha1")
    return forms is not None and digest.rstrip("=").upper() in (forms[0], forms[1].upper())


def sha1_digest(*chunks: bytes) -> str:
    """``sha1:`` plus the base32 SHA-1, the form WARC digests take."""
    hasher = hashlib.sha1()
    for chunk in chunks:
        hasher.update(chunk)
    return "sha1:" + base64.b32encode(hasher.digest()).decode("ascii")


def new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def warc_date(moment: datetime, version: str) -> str:
    """WARC-Date: seconds for WARC/1.0, microseconds for WARC/1.1 (which allows them)."""
    moment = moment.astimezone(timezone.utc)
    if version == "1.0":
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def warc_date_problem(text: str, *, now: datetime | None = None) -> str | None:
    """Why a WARC-Date cannot be a capture time (None when it can).

    A capture time is a real UTC instant (``2024-01-31T12:00:00Z``, fractions allowed),
    not later than a day from now: ``9999-99-99T99:99:99Z`` names no moment, and a
    capture from the future would sort after every real one.
    """
    if not text:
        return "no WARC-Date"
    if not text.endswith("Z") or len(text) < 20 or text[10] != "T":
        return f"WARC-Date {text[:40]!r} is not a UTC date and time (YYYY-MM-DDThh:mm:ssZ)"
    try:
        moment = datetime.fromisoformat(text[:-1] + "+00:00")
    except ValueError:
        return f"WARC-Date {text[:40]!r} is not a real date and time"
    limit = (now or datetime.now(timezone.utc)).timestamp() + 86400
    if moment.timestamp() > limit:
        return f"WARC-Date {text[:40]!r} is in the future"
    return None


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def record_bytes(
    version: str,
    headers: Iterable[tuple[str, str]],
    block: bytes,
    content_type: str,
) -> bytes:
    """A whole record: version line, WARC headers, Content-Length, block, two CRLFs."""
    lines = [f"WARC/{version}"]
    lines.extend(f"{name}: {value}" for name, value in headers)
    lines.append(f"Content-Type: {content_type}")
    lines.append(f"Content-Length: {len(block)}")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")
    return head + block + CRLF + CRLF


def format_fields(fields: Iterable[tuple[str, Any]]) -> bytes:
    """``application/warc-fields`` body: one ``name: value`` line per field."""
    out = []
    for name, value in fields:
        if value is None:
            continue
        text = str(value).replace("\r", " ").replace("\n", " ")
        out.append(f"{name}: {text}\r\n")
    return "".join(out).encode("utf-8")


def retrieved_from(fields: dict[str, str]) -> dict[str, str] | None:
    """Where a capture copied from a web archive came from, as our metadata record says."""
    if not fields.get("archive") or not fields.get("mementoUrl"):
        return None
    return {
        "archive": fields["archive"],
        "mementoUrl": fields["mementoUrl"],
        "retrieved": fields.get("retrieved", ""),
    }
