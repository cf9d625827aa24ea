"""Dates as the pages print them, converted to ISO 8601 UTC (``2013-01-29T22:38:00Z``).

:func:`parse_iso` reads structured values (JSON-LD, meta tags); :func:`parse_date` also
reads the stamps the outlets print, such as CNN's "January 29, 2013 -- Updated 2238 GMT
(0638 HKT)" or Reuters' "Fri Jan 18, 2013 8:08am EST".
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

# Offsets of the zone abbreviations the outlets print. "ET", "CT", "MT" and "PT" (standard
# or daylight, as the date has it) are resolved by US rules.
ZONE_OFFSETS: dict[str, float] = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "EST": -5,
    "EDT": -4,
    "ET": -5,
    "CT": -6,
    "MT": -7,
    "PT": -8,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
    "HKT": 8,
    "BST": 1,
    "CET": 1,
    "CEST": 2,
    "MEZ": 1,  # CET and CEST as German stamps print them
    "MESZ": 2,
    "WAT": 1,
    "CAT": 2,
    "EAT": 3,
    "MSK": 3,
    "IST": 5.5,
    "SGT": 8,
    "JST": 9,
    "AEST": 10,
    "AEDT": 11,
    # The zones of other cities the editions print stamps in.
    "WET": 0,
    "WEST": 1,
    "EET": 2,
    "EEST": 3,
    "SAST": 2,
    "GST": 4,  # Gulf
    "PKT": 5,
    "NPT": 5.75,
    "ICT": 7,
    "WIB": 7,
    "WITA": 8,
    "PHT": 8,
    "MYT": 8,
    "AWST": 8,
    "KST": 9,
    "ACST": 9.5,
    "ACDT": 10.5,
    "NZST": 12,
    "NZDT": 13,
    "BRT": -3,
    "BRST": -2,
    "ART": -3,
    "AKST": -9,
    "AKDT": -8,
    "HST": -10,
}

# Abbreviations naming more than one zone: the offset of each reading, and the places that
# keep it. A stamp in one is read only where its own text, or the page's place (its dateline,
# its edition), names places of one reading: a guess would be a wrong instant as often.
AMBIGUOUS_ZONES: dict[str, tuple[tuple[float, re.Pattern[str]], ...]] = {
    "AST": (
        # Atlantic Standard Time: Puerto Rico, the eastern Caribbean, Canada's Maritimes.
        (
            -4,
            re.compile(
                r"\b(?:Atlantic|Puerto\s+Rico|Bermuda|Nova\s+Scotia|Prince\s+Edward\s+Island"
                r"|Barbados|Dominican\s+Republic|Santo\s+Domingo|Virgin\s+Islands|Trinidad"
                r"|Antigua|Martinique|Guadeloupe|Aruba|Cura[c\u00e7]ao|Grenada|Dominica"
                r"|St\.?\s+Lucia)\b",
                re.IGNORECASE,
            ),
        ),
        # Arabia Standard Time: Saudi Arabia, Iraq, Kuwait, Bahrain, Qatar, Yemen.
        (
            3,
            re.compile(
                r"\b(?:Arabia|Saudi|Riyadh|Jeddah|Jiddah?|Mecca|Makkah|Iraq|Baghdad|Basra|Mosul"
                r"|Erbil|Kuwait|Bahrain|Manama|Qatar|Doha|Yemen|Sanaa|Aden)\b",
                re.IGNORECASE,
            ),
        ),
    ),
}
# Hosts of an edition whose region says which zone such an abbreviation names.
EDITION_PLACES: dict[str, str] = {"arabic.cnn.com": "Arabia"}

MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}


def format_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, truncated to seconds."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    utc = moment.astimezone(timezone.utc)
    # As strftime("%Y-%m-%dT%H:%M:%SZ") writes it, at a fifth of its cost, but with the four
    # digits of ISO 8601 in a year before 1000 (strftime writes "201").
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
        f"T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}Z"
    )


# Extended (2016-12-18T10:43:31-05:00) or basic (20161218T104331-0500) form, not mixed; an
# offset of hours alone (-05) as ISO 8601 allows.
_ISO_RE = re.compile(
    r"^\s*(?:(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"|(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(?:(\d{2})(?:[.,](\d+))?)?)?)"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?|[A-Z]{2,4})?\s*$"
)


def _iso_groups(match: re.Match[str]) -> tuple[Any, ...]:
    """(year, month, day, hour, minute, second, fraction, zone) of either form."""
    groups = match.groups()
    return (groups[:7] if groups[0] is not None else groups[7:14]) + (groups[14],)


def parse_iso(value: str | None) -> str | None:
    """ISO 8601 (with an offset, ``Z`` or a zone name; naive means UTC) to the normal form."""
    if not value:
        return None
    if isinstance(value, str):
        return _parse_iso_text(value)
    return _parse_iso(value)


@lru_cache(maxsize=4096)
def _parse_iso_text(value: str) -> str | None:
    """:func:`parse_iso` of a string, remembered: templates read one stamp several times."""
    return _parse_iso(value)


def _parse_iso(value: str) -> str | None:
    match = _ISO_RE.match(value)
    if not match:
        return None
    year, month, day, hour, minute, second, _fraction, zone = _iso_groups(match)
    try:
        moment = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError:
        return None
    return _to_utc(moment, zone or "Z")


def parse_iso_in_zone(value: str | None, zone: str) -> str | None:
    """An ISO value that states no zone read as wall-clock time in `zone` ("ET" by US rules).

    Some pages state local time without saying so (CNNMoney's ``meta[name=date]`` is US
    Eastern, as its "First published ... ET" line shows); a stated zone still wins.
    """
    if not value:
        return None
    match = _ISO_RE.match(value)
    if not match:
        return None
    year, month, day, hour, minute, second, _fraction, stated = _iso_groups(match)
    if stated:
        return parse_iso(value)
    try:
        local = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError:
        return None
    return _to_utc(local, zone)


def zone_offset(zone: str) -> timedelta | None:
    """The UTC offset of ``EST``, ``+05:30``, ``-0500``, ``GMT+1`` or ``Z``; None if unknown."""
    zone = zone.strip()
    if zone.upper() in ZONE_OFFSETS:
        return timedelta(hours=ZONE_OFFSETS[zone.upper()])
    match = _OFFSET_RE.fullmatch(zone)
    if not match:
        return None
    sign = -1 if match.group(1) == "-" else 1
    return sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0))


_OFFSET_RE = re.compile(r"(?:GMT|UTC)?\s*([+-])(\d{1,2}):?(\d{2})?", re.IGNORECASE)

# -- printed stamps ---------------------------------------------------------------------

_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
# "January 29, 2013", "Jan 18, 2013", "Tue January 29, 2013"; the year may run into the
# time that follows ("January 18, 20138:08 AM UTC"), hence no boundary after it.
_DATE_MDY_RE = re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s*(?P<year>\d{4})")
# "18 January 2013", "Fri, 18 Jan 2013 13:08:21 GMT"
_DATE_DMY_RE = re.compile(r"\b(?P<day>\d{1,2})\s+" + _MONTH + r",?\s+(?P<year>\d{4})\b")
# REVISION_DATE: "Fri Jan 18 13:08:21 UTC 2013"
_CTIME_RE = re.compile(
    r"\b[A-Za-z]{3}\s+" + _MONTH + r"\s+(?P<day>\d{1,2})\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2}))?\s+(?P<zone>[A-Za-z]{1,5})\s+(?P<year>\d{4})\b"
)
_TIME_RE = re.compile(
    r"(?<![\d:])(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"(?:\s*(?P<ampm>[aApP])\.?[mM]\.?(?![a-z]))?"
)
_ZONE_NAMES = "|".join(sorted(ZONE_OFFSETS, key=len, reverse=True))
# CNN's "2238 GMT": four digits are a time only with a zone after them (one of the tables,
# or shaped as one: "1508 AST" is a time whose zone the place may tell, "1508 XST" one of
# a zone no table names; see _zone_after).
_HHMM_ZONE_RE = re.compile(
    r"(?<!\d)(?P<hour>[01]\d|2[0-3])(?P<minute>[0-5]\d)\s+"
    r"(?=(?:" + _ZONE_NAMES + r")\b|[A-Z]{2,4}T(?![a-z]))"
)
# A zone right after the time, in brackets or not: a name (not the start of a lower-case
# word: "UTCUpdated" is UTC, "ETa" is not) or a numeric offset, optionally after GMT/UTC,
# glued to a word or not ("GMT+2Last Updated": Reuters' spans read without spaces).
_ZONE_RE = re.compile(
    r"^\s*\(?\s*(?:(?P<name>" + _ZONE_NAMES + r")(?![a-z])\s*)?"
    r"(?P<offset>[+-]\d{1,2}(?::?\d{2})?(?!\d))?"
)


# An abbreviation shaped as a zone's ("XST", "NZT": three capitals or more ending in T) where
# a zone stands, alone, in brackets or glued to a word ("XSTUpdated"); a day, an outlet, a
# place or a label ("THURS", "CNN", "LONDON", "UPDATED") is none.
_OTHER_ZONE_RE = re.compile(r"^\s*\(?\s*([A-Z]{2,4}T)(?=[^A-Za-z]|[A-Z][a-z]|$)")
# Capitals printed after a time that are no zone: days and months, spelt short.
_NO_ZONES = frozenset(MONTHS) | {"mon", "tue", "tues", "wed", "thu", "thur", "fri", "sat", "sun"}


def parse_date(
    value: str | None, default_zone: str = "UTC", place: str | None = None
) -> str | None:
    """An ISO value or a printed stamp, in any format the outlets use, to the normal form.

    A stamp without a zone is read in `default_zone`; without a time it is midnight. A
    zone of several zones ("AST") is read where the stamp or `place` says which, else none.
    """
    if isinstance(value, str) and isinstance(default_zone, str):
        return _parse_date_text(value, default_zone, place)
    return _parse_date(value, default_zone, place)


def reads_as_date(value: str | None) -> bool:
    """Whether `value` is a date :func:`parse_date` reads, or would where a place said which
    zone its abbreviation names (a stamp, whatever the page says of its zone)."""
    if not value or parse_date(value) is not None:
        return bool(value)
    if not any(zone in value.upper() for zone in AMBIGUOUS_ZONES):
        return False
    return parse_date(value, place=_ANY_PLACE) is not None


# A place any reading of an abbreviation of several zones is taken for.
_ANY_PLACE = "\x00any"


@lru_cache(maxsize=4096)
def _parse_date_text(value: str, default_zone: str, place: str | None) -> str | None:
    """:func:`parse_date` of a string, remembered: templates read one stamp several times."""
    return _parse_date(value, default_zone, place)


def _read_zone(zone: str | None, text: str, place: str | None) -> str | None:
    """`zone`, or of an abbreviation of several zones the offset ("+03:00") of the one the
    stamp's `text` or `place` names places of (one reading only), else None."""
    readings = AMBIGUOUS_ZONES.get(zone.strip().upper()) if zone else None
    if not readings:
        return zone
    if place == _ANY_PLACE:
        found = [readings[0][0]]
    else:
        said = f"{text} {place or ''}"
        found = [offset for offset, places in readings if places.search(said)]
    if len(found) != 1:
        return None
    minutes = round(found[0] * 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _parse_date(value: str | None, default_zone: str, place: str | None) -> str | None:
    if not value or not value.strip():
        return None
    iso = parse_iso(value)
    if iso:
        return iso
    text = " ".join(value.replace("\u00a0", " ").split())
    match = _CTIME_RE.search(text)
    if match:
        zone = _read_zone(match.group("zone"), text, place)
        if zone is None:
            return None
        return _assemble(
            match, match.group("hour"), match.group("minute"), match.group("second"), None, zone
        )
    match = _find_date(text)
    if match is None:
        return None
    # Look for the time after the date, then before it ("Updated 10:49 AM EST, Tue ...").
    rest = text[match.end() :]
    clock = _find_clock(rest) or _find_clock(text[: match.start()])
    if clock is None:
        return _assemble(match, "0", "0", None, None, default_zone)
    hour, minute, second, ampm, printed = clock
    if not printed:
        return _assemble(match, hour, minute, second, ampm, default_zone)
    zone = _read_zone(printed, text, place)
    return None if zone is None else _assemble(match, hour, minute, second, ampm, zone)


def _find_date(text: str) -> re.Match[str] | None:
    """The first month-day-year (or day-month-year) whose month is a real month name."""
    for pattern in (_DATE_MDY_RE, _DATE_DMY_RE):
        for found in pattern.finditer(text):
            if found.group("month").lower() in MONTHS:
                return found
    return None


def _find_clock(text: str) -> tuple[str, str, str | None, str | None, str | None] | None:
    """(hour, minute, second, am/pm, zone) of the first time printed in `text`."""
    found = _TIME_RE.search(text)
    if found:
        zone = _zone_after(text[found.end() :])
        return (
            found.group("hour"),
            found.group("minute"),
            found.group("second"),
            found.group("ampm"),
            zone,
        )
    for found in _HHMM_ZONE_RE.finditer(text):
        zone = _zone_after(text[found.end() :])
        if zone:  # not a day, a month or a label shaped as a zone ("1230 SAT")
            return found.group("hour"), found.group("minute"), None, None, zone
    return None


def _zone_after(text: str) -> str | None:
    """The zone printed right after a time: a name or an offset; an abbreviation no table
    here names is returned as it is, which no offset is found for (the stamp gives no
    instant: a wrong one would be worse than none); None when none is printed."""
    found = _ZONE_RE.match(text)
    if not found:
        return None
    name, offset = found.group("name"), found.group("offset")
    if offset:
        return offset
    if name:
        return name
    other = _OTHER_ZONE_RE.match(text)
    if other and other.group(1).lower() not in _NO_ZONES:
        return other.group(1)
    return None


def _assemble(
    match: re.Match[str], hour: str, minute: str, second: str | None, ampm: str | None, zone: str
) -> str | None:
    month = MONTHS.get(match.group("month").lower())
    if month is None:
        return None
    hours = int(hour)
    if ampm:
        if not 1 <= hours <= 12:
            return None
        hours = hours % 12 + (12 if ampm.lower() == "p" else 0)
    try:
        moment = datetime(
            int(match.group("year")),
            month,
            int(match.group("day")),
            hours,
            int(minute),
            int(second or 0),
        )
    except ValueError:
        return None
    return _to_utc(moment, zone)


def _to_utc(local: datetime, zone: str) -> str | None:
    """A wall-clock time in `zone` (``ET`` following US daylight-saving rules) as UTC."""
    us_zone = _US_ZONES.get(zone.strip().upper())
    if us_zone is not None:
        offset: timedelta | None = timedelta(hours=us_zone + (1 if us_eastern_dst(local) else 0))
    else:
        offset = zone_offset(zone)
    if offset is None or abs(offset) >= _DAY:  # no clock is a day or more off UTC
        return None
    try:
        return format_utc(local.replace(tzinfo=timezone(offset)))
    except OverflowError:  # past the calendar once in UTC (year 1 east of UTC, 9999 west)
        return None


_DAY = timedelta(days=1)
# US zones printed without saying standard or daylight time: their standard offsets.
_US_ZONES = {"ET": -5, "CT": -6, "MT": -7, "PT": -8}


def us_eastern_dst(local: datetime) -> bool:
    """Whether US Eastern wall-clock time `local` is daylight time (the repeated hour is not)."""
    year = local.year
    if year >= 2007:
        start = _nth_sunday(year, 3, 2)
        end = _nth_sunday(year, 11, 1)
    else:
        start = _nth_sunday(year, 4, 1)
        end = _last_sunday(year, 10)
    naive = local.replace(tzinfo=None)
    return start.replace(hour=2) <= naive < end.replace(hour=1)


def _nth_sunday(year: int, month: int, nth: int) -> datetime:
    first = datetime(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (nth - 1))


def _last_sunday(year: int, month: int) -> datetime:
    last = datetime(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)
