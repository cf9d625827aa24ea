"""The crawl's state from its settings: embedded SQLite files, or a shared Redis.

One state object per process and address, so every component of a worker (fetch history,
digest index, store index, scheduler) shares one Redis connection pool and learns at once
when it is lost. Nothing here imports Redis unless ``NEWSARCHIVE_STATE`` names one.
"""

from __future__ import annotations

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


def worker_id() -> str:
    """``HOST-PID``: unique across machines, and the name a worker's files carry."""
    host = socket.gethostname().split(".")[0] or "localhost"
    return f"{host}-{os.getpid()}"
