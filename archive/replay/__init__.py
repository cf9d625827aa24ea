"""Offline replay: WARC records back through the live crawl's extraction, into items.

Reads our WARCs and other tools' (wget, warcio, Heritrix, browsertrix, WACZ packages),
pairs responses with our metadata records, resolves revisits, and reports damaged
archives by file and offset without stopping.
"""

from .reader import Problem, RecordFacts, scan
from .run import ReplayReport, default_jobs, replay
from .sources import Source, find_sources

__all__ = [
    "Problem",
    "RecordFacts",
    "ReplayReport",
    "Source",
    "default_jobs",
    "find_sources",
    "replay",
    "scan",
]
