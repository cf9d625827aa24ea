"""``-s NAME=VALUE`` checked before a crawl starts: a value its setting cannot take is a
configuration error named by the setting (exit 2), not a crash in the middle of a run.

A value is read as its default's type (bool, int, float, dict, list), a number within its
setting's range (:func:`_in_range`); a few settings have their own rule. ``NEWSARCHIVE_*``
names that no default declares are typos: warned about.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

from scrapy.settings import Settings

from . import settings as project_settings
from .incremental import RECRAWL_MODES, parse_schedule


class SettingError(ValueError):
    """A ``-s`` value its setting cannot take; the message names the setting."""


def _log_level(value: str) -> None:
    if not (str(value).isdigit() or isinstance(logging.getLevelName(str(value).upper()), int)):
        raise ValueError("not a log level (DEBUG, INFO, WARNING, ERROR, CRITICAL)")


def _recrawl(value: str) -> None:
    if value not in RECRAWL_MODES:
        raise ValueError(f"one of {', '.join(RECRAWL_MODES)}")


def _schedule(value: Any) -> None:
    try:
        schedule = Settings({"S": value}).getdict("S")
    except ValueError as exc:
        raise ValueError(f"not a JSON object ({exc})") from None
    parse_schedule(schedule)


def _header_text(value: Any) -> None:
    text = str(value)
    if not (text.isascii() and text.isprintable()):
        raise ValueError("not printable ASCII: it is sent in the User-Agent of every request")


RULES: dict[str, Callable[[Any], None]] = {
    "LOG_LEVEL": _log_level,
    "NEWSARCHIVE_RECRAWL": _recrawl,
    "NEWSARCHIVE_REFETCH_SCHEDULE": _schedule,
    "NEWSARCHIVE_CONTACT_URL": _header_text,
    "USER_AGENT": _header_text,
}


# Settings whose number must be above 0: without it nothing is ever sent (a crawl that hangs
# for good), every download fails at once, or no file or batch can hold a record.
POSITIVE = frozenset(
    {
        "CONCURRENT_REQUESTS",
        "CONCURRENT_REQUESTS_PER_DOMAIN",
        "DOWNLOAD_TIMEOUT",
        "AUTOTHROTTLE_TARGET_CONCURRENCY",
        "NEWSARCHIVE_VIA_CONCURRENCY",
        "NEWSARCHIVE_VIA_CDX_LIMIT",
        "NEWSARCHIVE_VIA_LOOKUP_PAGES",
        "NEWSARCHIVE_WARC_MAX_SIZE",
        "NEWSARCHIVE_STORE_BATCH_SIZE",
        "NEWSARCHIVE_REFUSAL_AFTER",
        "NEWSARCHIVE_STATE_LEASE_SECONDS",
        "NEWSARCHIVE_STATE_POLL_SECONDS",
        "NEWSARCHIVE_ROBOTS_MAX_BYTES",
        "NEWSARCHIVE_GUARDS_MAX_URL_LENGTH",
    }
)


# Settings with a floor of their own above 0. A worker's lease (in Redis, in milliseconds) is
# renewed by its heartbeat every third of it: under a second it lapses between renewals (the
# others take the worker for dead and fetch its pages again), and under a millisecond it is an
# expiry Redis refuses, so the worker ran with no heartbeat at all.
AT_LEAST = {"NEWSARCHIVE_STATE_LEASE_SECONDS": 1.0}


# Seconds Scrapy reads with a fraction (``getfloat``) though their defaults are whole numbers.
FRACTIONAL = frozenset({"DOWNLOAD_TIMEOUT", "DNS_TIMEOUT"})


def _in_range(name: str, number: float) -> None:
    """Every number is finite; this project's numbers (counts, sizes, seconds) are not
    negative, those of :data:`POSITIVE` are above 0, those of :data:`AT_LEAST` at least
    their floor. Scrapy's own may be negative (``DEPTH_PRIORITY = -1``)."""
    if not math.isfinite(number):
        raise ValueError("not a finite number")
    if name in POSITIVE and number <= 0:
        raise ValueError("must be above 0")
    if number < AT_LEAST.get(name, -math.inf):
        raise ValueError(f"must be at least {AT_LEAST[name]:g}")
    if number < 0 and hasattr(project_settings, name):
        raise ValueError("must not be negative")


def defaults() -> Settings:
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    return settings


def _number(read: Callable[[str], Any], name: str, what: str) -> None:
    try:
        read(name)
    except (TypeError, ValueError):
        raise ValueError(f"not {what}") from None


def check_value(name: str, value: Any, default: Any) -> None:
    """Raise :class:`SettingError` when `value` cannot be read as `default`'s type."""
    probe = Settings({name: value})
    try:
        if name in RULES:
            RULES[name](value)
        elif isinstance(default, bool):
            probe.getbool(name)
        elif isinstance(default, int) and name not in FRACTIONAL:
            _number(probe.getint, name, "a whole number")
            _in_range(name, probe.getint(name))
        elif isinstance(default, float) or name in FRACTIONAL:
            _number(probe.getfloat, name, "a number")
            _in_range(name, probe.getfloat(name))
        elif isinstance(default, dict):
            try:
                probe.getdict(name)
            except ValueError as exc:
                raise ValueError(f"not a JSON object ({exc})") from None
        elif isinstance(default, list):
            probe.getlist(name)
    except (ValueError, TypeError) as exc:
        kind = type(default).__name__ if default is not None else "value"
        reason = str(exc).splitlines()[0] if str(exc) else f"not a {kind}"
        raise SettingError(f"-s {name}: {value!r} cannot be used: {reason}") from None


def check_overrides(overrides: dict[str, Any]) -> list[str]:
    """Check every override; returns warnings (unknown names), raises :class:`SettingError`."""
    known = defaults()
    warnings = []
    for name, value in overrides.items():
        if name.startswith("NEWSARCHIVE_") and name not in known:
            warnings.append(f"unknown setting {name} (a typo?): ignored")
            continue
        check_value(name, value, known.get(name))
    return warnings
