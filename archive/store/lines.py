"""What a store line is: its content digest, its changes, its file, its bytes.

The content digest covers the fields whose change makes a new version (headline, body,
authors, dates, highlights, related links), normalised so that only content counts.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from datetime import datetime
from typing import Any

# Fields whose change makes a new version.
CONTENT_FIELDS = (
    "headline",
    "articleBody",
    "authors",
    "datePublished",
    "dateModified",
    "highlights",
    "relatedLinks",
)

# Fields a new version's ``changes`` may name: the article, not where or when it was fetched.
TRACKED_FIELDS = (
    "canonicalUrl",
    "headline",
    "description",
    "datePublished",
    "datePublishedRaw",
    "dateModified",
    "dateModifiedRaw",
    "authors",
    "dateline",
    "highlights",
    "articleBody",
    "paragraphs",
    "relatedLinks",
    "topics",
    "keywords",
    "images",
    "credits",
    "inLanguage",
)

# What the store adds to an item, right after ``articleId``.
STORE_FIELDS = ("version", "contentDigest", "changes")


# One encoder each, made once: json.dumps with options builds a new encoder every call.
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
_LINE = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"))


def _normalised(value: Any) -> Any:
    """NFC strings, recursively: the same text in another Unicode form is the same content."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    if isinstance(value, dict):
        return {k: _normalised(v) for k, v in value.items()}
    return value


def field_value(item: dict[str, Any], name: str) -> Any:
    """A field as the page stated it: a ``dateModified`` the store filled in counts as none."""
    if name == "dateModified" and item.get("dateModifiedRaw") is None:
        return None
    if name == "authors":
        return [a.get("name") for a in item.get("authors") or () if isinstance(a, dict)]
    return item.get(name)


def _canonical_json(value: Any) -> bytes:
    return _CANONICAL.encode(value).encode()


def content_digest(item: dict[str, Any]) -> str:
    """SHA-1 over the normalised content fields: equal digests mean nothing to store."""
    view = {name: _normalised(field_value(item, name)) for name in CONTENT_FIELDS}
    return "sha1:" + hashlib.sha1(_canonical_json(view)).hexdigest()


def field_hashes(item: dict[str, Any]) -> dict[str, str]:
    """A short hash per tracked field: what the index keeps to name a version's changes."""
    return {
        name: hashlib.sha1(_canonical_json(_normalised(field_value(item, name)))).hexdigest()[:16]
        for name in TRACKED_FIELDS
    }


def digest_and_hashes(item: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """``content_digest(item)`` and ``field_hashes(item)`` at once, each field normalised and
    encoded once: the digest's view is the content fields' encodings joined as the canonical
    encoder joins a dict's (keys sorted, no spaces)."""
    encoded = {
        name: _canonical_json(_normalised(field_value(item, name))) for name in TRACKED_FIELDS
    }
    hashes = {name: hashlib.sha1(encoded[name]).hexdigest()[:16] for name in TRACKED_FIELDS}
    view = b",".join(_CONTENT_KEYS[name] + encoded[name] for name in _CONTENT_ORDER)
    return "sha1:" + hashlib.sha1(b"{" + view + b"}").hexdigest(), hashes


_CONTENT_ORDER = sorted(CONTENT_FIELDS)
_CONTENT_KEYS = {name: _CANONICAL.encode(name).encode() + b":" for name in CONTENT_FIELDS}


def changed_fields(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Names of the tracked fields whose hash differs, in the item's field order."""
    return [name for name in TRACKED_FIELDS if before.get(name) != after.get(name)]


def versioned_line(
    item: dict[str, Any], version: int, digest: str, changes: list[str], *, first: bool = False
) -> dict[str, Any]:
    """The item as a store line: ``version``, ``contentDigest`` and ``changes`` after ``articleId``.

    A new version (2 and later) of a page that states no ``dateModified`` gets the capture
    time it was seen changed in; ``dateModifiedRaw`` stays null, which marks it as ours.
    `first`: the article's first line known, whatever its number (past one a writer that
    died may have left unused): no change was seen.
    """
    line: dict[str, Any] = {}
    for key, value in item.items():
        if key in STORE_FIELDS:
            continue
        line[key] = value
        if key == "articleId":
            line["version"] = version
            line["contentDigest"] = digest
            line["changes"] = changes
    if version > 1 and not first and line.get("dateModified") is None:
        downloaded = (line.get("metadata") or {}).get("dateDownloaded")
        if downloaded:
            line["dateModified"] = downloaded
    return line


def captured_at(item: dict[str, Any]) -> str:
    """The capture time of an item or line (``metadata.dateDownloaded``), "" if it has none."""
    return str((item.get("metadata") or {}).get("dateDownloaded") or "")


def month_of(line: dict[str, Any]) -> str:
    """``YYYY-MM`` of the line's ``metadata.dateDownloaded``: the file it belongs in."""
    downloaded = str((line.get("metadata") or {}).get("dateDownloaded") or "")
    try:
        datetime.fromisoformat(downloaded.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"dateDownloaded {downloaded[:40]!r} is not a real ISO date") from None
    return downloaded[:7]


def file_name(month: str, worker: str | None = None) -> str:
    """``articles-YYYY-MM.jsonl``, or ``articles-YYYY-MM.WORKER.jsonl`` for one crawl worker."""
    return f"articles-{month}.{worker}.jsonl" if worker else f"articles-{month}.jsonl"


def worker_of(name: str) -> str | None:
    """The crawl worker whose file `name` is (:func:`file_name`'s), or None for the single
    writer's ``articles-YYYY-MM.jsonl``. A worker's name may hold dots (a host name)."""
    found = _WORKER_FILE.fullmatch(name)
    return found.group(1) if found else None


_WORKER_FILE = re.compile(r"articles-\d{4}-\d{2}\.(.+)\.jsonl")


def encode_line(line: dict[str, Any]) -> bytes:
    """One JSONL line as bytes; ``ensure_ascii`` keeps every newline-like character escaped."""
    return (_LINE.encode(line) + "\n").encode("ascii")
