"""Offline replay: WARC records back through the live crawl's extraction, into items.

Reads our WARCs and other tools' (wget, warcio, Heritrix, browsertrix, WACZ packages)
through the archive floor's readers (:mod:`archive.warc.read`), pairs responses with our
metadata records, resolves revisits, and reports damaged archives by file and offset
without stopping.
"""

from .run import ReplayReport, default_jobs, replay

__all__ = ["ReplayReport", "default_jobs", "replay"]
