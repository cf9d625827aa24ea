"""Dates as the pages print them, converted to ISO 8601 UTC (``2013-01-29T22:38:00Z``)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

# Offsets of the zone abbreviations the outlets print.
ZONE_OFFSETS: dict[str, float] = {
    "UTC": 0, "GMT": 0, "Z": 0,
    "EST": -5, "EDT": -4, "ET": -5,
    "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "HKT": 8, "BST": 1, "CET": 1, "CEST": 2,
}


def format_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, truncated to seconds."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


_ISO_RE = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2}|[A-Z]{2,4})?\s*$"
)


def parse_iso(value: str | None) -> str | None:
    """ISO 8601 (with an offset, ``Z`` or a zone name; naive means UTC) to the normal form."""
    if not value:
        return None
    match = _ISO_RE.match(value)
    if not match:
        return None
    year, month, day, hour, minute, second, _fraction, zone = match.groups()
    try:
        moment = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError:
        return None
    offset = zone_offset(zone or "Z")
    if offset is None:
        return None
    return format_utc(moment.replace(tzinfo=timezone(offset)))


def zone_offset(zone: str) -> timedelta | None:
    """The UTC offset of ``EST``, ``+05:30``, ``-0500`` or ``Z``; None if unknown."""
    zone = zone.strip()
    if zone.upper() in ZONE_OFFSETS:
        return timedelta(hours=ZONE_OFFSETS[zone.upper()])
    match = re.fullmatch(r"(?:GMT|UTC)?([+-])(\d{1,2}):?(\d{2})?", zone)
    if not match:
        return None
    sign = -1 if match.group(1) == "-" else 1
    return sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0))
