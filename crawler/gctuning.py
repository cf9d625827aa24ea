"""Cyclic GC tuned for a long crawl: start-up objects frozen, young collections less often.

Profiled, Python's cyclic collector took about 9% of a crawl's CPU: every full collection
re-scanned the ~100,000 objects Scrapy, Twisted and lxml create at import and never free,
and the young generation was collected every 700 allocations (each page allocates far more).
On ``engine_started`` this extension collects once, moves what survives to the permanent
generation (``gc.freeze``) and raises the thresholds; reference counting frees most objects
anyway, only cycles wait longer. ``NEWSARCHIVE_GC_TUNING_ENABLED = False`` leaves gc alone.
"""

from __future__ import annotations

import gc

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

FROZEN_STAT = "newsarchive/gc/frozen"


class GcTuning:
    """Freezes the start-up heap and sets ``gc.set_threshold`` once the engine has started."""

    def __init__(self, crawler: Crawler, thresholds: tuple[int, int, int]):
        self.crawler = crawler
        self.thresholds = thresholds

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GcTuning:
        settings = crawler.settings
        if not settings.getbool("NEWSARCHIVE_GC_TUNING_ENABLED"):
            raise NotConfigured
        values = [int(v) for v in settings.getlist("NEWSARCHIVE_GC_THRESHOLDS")]
        if len(values) != 3 or values[0] <= 0:
            raise ValueError("NEWSARCHIVE_GC_THRESHOLDS must be three integers, the first > 0")
        extension = cls(crawler, (values[0], values[1], values[2]))
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        return extension

    def engine_started(self) -> None:
        gc.collect()
        gc.freeze()
        gc.set_threshold(*self.thresholds)
        self.crawler.stats.set_value(FROZEN_STAT, gc.get_freeze_count())
