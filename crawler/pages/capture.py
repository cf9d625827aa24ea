"""Article + capture facts -> store item: the one step the live crawl and replay share.

The spider and ``newsarchive replay`` both call :func:`capture_item`, so an item built
from a WARC record cannot drift from the item the crawl stored for that record.
"""

from __future__ import annotations

from typing import Any


def iso_seconds(warc_date: str) -> str:
    """``2013-01-29T22:38:00.123456Z`` (or an isoformat) to ``2013-01-29T22:38:00Z``."""
    text = warc_date.replace("+00:00", "Z")
    return text[:19] + "Z"


def capture_item(
    article: dict[str, Any],
    *,
    warc_date: str,
    provenance: dict[str, Any] | None,
    retrieved_from: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The store item: the article plus its capture time and its WARC record's location.

    `warc_date` is the response record's WARC-Date (``dateDownloaded`` is it truncated to
    seconds: for a page copied from a web archive, the archive's capture time);
    `provenance` is ``{filename, offset, length, recordId, payloadDigest}``;
    `retrieved_from` is ``{archive, mementoUrl, retrieved}`` for a page copied from an archive.
    """
    item = dict(article)
    item["metadata"] = {"dateDownloaded": iso_seconds(warc_date), **article["metadata"]}
    if retrieved_from:
        item["metadata"]["retrievedFrom"] = dict(retrieved_from)
    item["warc"] = dict(provenance) if provenance is not None else None
    return item
