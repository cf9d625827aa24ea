"""The crawl's state from its settings: embedded SQLite files, or a shared Redis.

One state object per process and address, so every component of a worker (fetch history,
digest index, store index, scheduler) shares one Redis connection pool and learns at once
when it is lost. Nothing here imports Redis unless ``NEWSARCHIVE_STATE`` names one.
"""

from __future__ import annotations

import hashlib
import os
import socket

from scrapy.settings import BaseSettings

from archive.state import State, open_state

_states: dict[tuple[str, str, str], State] = {}


def crawl_state(settings: BaseSettings) -> State:
    """The state these settings name: ``NEWSARCHIVE_STATE``, else ``DATA/state/``."""
    address = settings.get("NEWSARCHIVE_STATE") or ""
    data_dir = str(settings.get("NEWSARCHIVE_DATA_DIR") or "data")
    digests = settings.get("NEWSARCHIVE_WARC_DEDUP_INDEX") or ""
    key = (address, "" if address else data_dir, "" if address else digests)
    if key not in _states:
        _states[key] = open_state(address or None, data_dir, digest_index=digests or None)
    return _states[key]


def history_context(settings: BaseSettings) -> str:
    """Which fetch history a crawl keeps: "" for the live web; for a crawl through an archive
    (``--via``), one per archive, ``--at`` (as given) and ``--window``. A page's history of
    one past says nothing of another: a run at another date fetches every page again, and
    a killed one resumes only its own frontier."""
    via = settings.get("NEWSARCHIVE_VIA") or ""
    if not via or not settings.getbool("NEWSARCHIVE_VIA_ENABLED"):
        return ""
    at = settings.get("NEWSARCHIVE_VIA_AT") or ""
    window = settings.getfloat("NEWSARCHIVE_VIA_WINDOW_DAYS")
    named = f"{via}\n{at}\n{window!r}".encode()
    return "via-" + hashlib.sha1(named).hexdigest()[:16]


def worker_id() -> str:
    """``HOST-PID``: unique across machines, and the name a worker's files carry."""
    host = socket.gethostname().split(".")[0] or "localhost"
    return f"{host}-{os.getpid()}"
