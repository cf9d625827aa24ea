"""Capture times: ``--at`` timestamps (Wayback's 14 digits or ISO 8601) and WARC-Dates."""

from __future__ import annotations

from datetime import datetime, timezone


def parse_at(text: str) -> datetime:
    """``20130129223800`` (any prefix of it, as in Wayback URLs) or ISO 8601, in UTC."""
    text = text.strip()
    try:
        if text.isdigit() and 4 <= len(text) <= 14:
            padded = text + "0101000000"[len(text) - 4 :] if len(text) < 14 else text
            return datetime.strptime(padded[:14], "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:  # also 20131399..., a month or second that no calendar has
        raise ValueError(f"not a timestamp: {text!r} (use 20130129223800 or ISO 8601)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def warc_moment(date: str) -> float:
    """Seconds since the epoch of a WARC-Date (0 for a date that cannot be read)."""
    try:
        return parse_at(date).timestamp()
    except ValueError:
        return 0.0


def wayback_timestamp(date: str) -> str:
    """``2013-01-29T22:38:00Z`` to ``20130129223800`` (pywb's URL form)."""
    return "".join(ch for ch in date if ch.isdigit())[:14]
