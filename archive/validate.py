"""A dependency-free check of an item against the article contract (the JSON Schema's core).

The full JSON Schema (``archive/schema/article.schema.json``) is what tests and other
tools validate with; this check runs in the crawl, where a bad item is a bug to count.
"""

from __future__ import annotations

import re
from typing import Any

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


def problems(item: dict[str, Any]) -> list[str]:
    """What is wrong with an item; empty when it keeps the contract."""
    found = []
    for name, kind in REQUIRED.items():
        if not isinstance(item.get(name), kind):
            found.append(f"{name} missing or not {getattr(kind, '__name__', kind)}")
    if item.get("source") not in ("cnn", "reuters"):
        found.append(f"source {item.get('source')!r} is not cnn or reuters")
    if not item.get("headline"):
        found.append("headline is empty")
    for name in ("datePublished", "dateModified"):
        value = item.get(name)
        if value is not None and not (isinstance(value, str) and _ISO_UTC.match(value)):
            found.append(f"{name} {value!r} is not ISO 8601 UTC")
    return found
