"""The run report's name for a download failure, whichever library raised it.

Scrapy (2.19 has ``DownloadConnectionRefusedError``, ``DownloadTimeoutError``...) and Twisted
(``DNSLookupError``, ``ResponseNeverReceived``...) name the same failures variously: the
report keeps one short, stable kind per failure, read off the exception's class name.
"""

from __future__ import annotations

# (a fragment of the lower-cased class name, the kind), first match wins.
ERROR_KINDS = (
    ("dns", "dns"),
    ("downloadfailed", "connection_lost"),
    ("resolve", "dns"),
    ("refused", "connection_refused"),
    ("timeout", "timeout"),
    ("timedout", "timeout"),
    ("dataloss", "dataloss"),
    ("cancelled", "too_large"),
    ("neverreceived", "connection_lost"),
    ("connectionlost", "connection_lost"),
    ("responsefailed", "connection_lost"),
    ("connect", "connection"),
    ("ignore", "ignored"),
    ("notarchived", "not_archived"),
)
# Kinds that say the site itself cannot be reached (not one answer of it failing).
SITE_UNREACHABLE = frozenset({"dns", "connection_refused"})


# Failures Twisted hands on inside ``ResponseFailed(reasons)``, named by their own kind.
INNER_KINDS = (("headerblocktoolarge", "headers_too_large"),)


def error_kind(exc: BaseException | None) -> str:
    """A short, stable name for a download failure."""
    cause: BaseException | None = exc
    for _ in range(3):  # Scrapy's DownloadFailedError, from Twisted's ResponseFailed
        for reason in getattr(cause, "reasons", None) or ():
            inner = type(getattr(reason, "value", reason)).__name__.lower()
            for marker, kind in INNER_KINDS:
                if marker in inner:
                    return kind
        cause = getattr(cause, "__cause__", None)
    name = type(exc).__name__.lower()
    for marker, kind in ERROR_KINDS:
        if marker in name:
            return kind
    return name.removesuffix("error") or "error"
