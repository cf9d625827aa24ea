"""Counts in words for one-line messages: "1 error", "2 errors"."""

from __future__ import annotations

IRREGULAR = {"was": "were", "is": "are", "this": "these"}


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``counted(1, "error")`` is "1 error", ``counted(2, "error")`` "2 errors"."""
    if count == 1:
        return f"{count} {noun}"
    return f"{count} {plural or IRREGULAR.get(noun) or noun + 's'}"
