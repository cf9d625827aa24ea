"""Dependency-free checks of an item, and of a store line, against the article contract.

The full JSON Schema (``archive/schema/article.schema.json``) is what tests and other
tools validate with; this check runs in the crawl, where a bad item is a bug to count.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

_SOURCE = re.compile(r"^[a-z][a-z0-9_]*$")  # as archive/schema/article.schema.json says
_ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")

REQUIRED: dict[str, type | tuple[type, ...]] = {
    "url": str,
    "canonicalUrl": str,
    "source": str,
    "articleId": str,
    "headline": str,
    "authors": list,
    "highlights": list,
    "articleBody": str,
    "paragraphs": list,
    "relatedLinks": list,
    "topics": list,
    "keywords": list,
    "images": list,
    "credits": list,
    "metadata": dict,
}


def problems(item: dict[str, Any], sources: Collection[str] = ()) -> list[str]:
    """What is wrong with an item; empty when it keeps the contract.

    The contract asks a ``source`` shaped like an outlet's name; `sources`, when given (the
    declared outlets, known only above this floor), must also hold it.
    """
    found = []
    for name, kind in REQUIRED.items():
        if not isinstance(item.get(name), kind):
            found.append(f"{name} missing or not {getattr(kind, '__name__', kind)}")
    source = item.get("source")
    if not (isinstance(source, str) and _SOURCE.match(source)):
        found.append(f"source {source!r} is not an outlet's name")
    elif sources and source not in sources:
        found.append(f"source {source!r} is not a declared outlet ({', '.join(sources)})")
    if not item.get("headline"):
        found.append("headline is empty")
    for name in ("datePublished", "dateModified"):
        value = item.get(name)
        if value is not None and not (isinstance(value, str) and _ISO_UTC.match(value)):
            found.append(f"{name} {value!r} is not ISO 8601 UTC")
    return found


_DIGEST = re.compile(r"^sha1:[0-9a-f]{40}$")
WARC_FIELDS: dict[str, type | tuple[type, ...]] = {
    "filename": str,
    "offset": int,
    "length": int,
    "recordId": str,
    "payloadDigest": (str, type(None)),
}


def line_problems(line: dict[str, Any], sources: Collection[str] = ()) -> list[str]:
    """What is wrong with a store line: the item's contract plus version and provenance."""
    found = problems(line, sources)
    version = line.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        found.append(f"version {version!r} is not a positive integer")
    if not (isinstance(line.get("contentDigest"), str) and _DIGEST.match(line["contentDigest"])):
        found.append("contentDigest missing or not sha1:<hex>")
    changes = line.get("changes")
    if not (isinstance(changes, list) and all(isinstance(c, str) for c in changes)):
        found.append("changes missing or not a list of field names")
    metadata = line.get("metadata")
    downloaded = metadata.get("dateDownloaded") if isinstance(metadata, dict) else None
    if not (isinstance(downloaded, str) and _ISO_UTC.match(downloaded)):
        found.append(f"metadata.dateDownloaded {downloaded!r} is not ISO 8601 UTC")
    warc = line.get("warc")
    if not isinstance(warc, dict):
        found.append("warc provenance missing: a store line must name its WARC record")
    else:
        for name, kind in WARC_FIELDS.items():
            if not isinstance(warc.get(name), kind):
                found.append(f"warc.{name} missing or not {getattr(kind, '__name__', kind)}")
    return found
