"""Bylines split into people: "By Dana Ford and Tom Watkins, CNN" gives two authors."""

from __future__ import annotations

import re

from .text import normalize_space

_LEAD_RE = re.compile(r"^(?:analysis\s+by|opinion\s+by|by|from)\s+", re.IGNORECASE)
_OUTLETS = ("CNN", "Reuters", "CNN.com", "Thomson Reuters")
_SPLIT_RE = re.compile(r"\s*(?:,\s*and\s+|\s+and\s+|,|;|&)\s*", re.IGNORECASE)


def parse_byline(raw: str | None) -> list[dict[str, str]]:
    """People named by a visible byline, each ``{"name", "nameRaw"}``; ``[]`` for staff lines."""
    text = normalize_space(raw)
    if not text:
        return []
    body = _LEAD_RE.sub("", text)
    names = []
    for part in _SPLIT_RE.split(body):
        part = part.strip(" .")
        if not part or part in _OUTLETS or "staff" in part.lower() or "wire" in part.lower():
            continue
        names.append(part)
    return [{"name": name, "nameRaw": text} for name in names]
