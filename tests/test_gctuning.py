"""GC tuning: on engine start the start-up heap is frozen and the thresholds raised."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

import crawler.settings as project_settings
from crawler.gctuning import FROZEN_STAT, GcTuning


def project_crawler(**overrides: object) -> Crawler:
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.set("TWISTED_REACTOR_ENABLED", False)  # no crawl, no reactor
    settings.set("MEMUSAGE_ENABLED", False)  # it wants a reactor on engine start
    # Only the extension under test listens to engine_started (Scrapy's own would start).
    settings.set("EXTENSIONS_BASE", {}, priority="cmdline")
    settings.set("EXTENSIONS", {}, priority="cmdline")
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    return get_crawler(settings_dict=settings.copy_to_dict())


@pytest.fixture
def gc_restored() -> Iterator[None]:
    """The extension changes process-wide gc state: give the test process its own back."""
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_engine_start_freezes_the_heap_and_sets_thresholds(gc_restored: None) -> None:
    crawler = project_crawler(NEWSARCHIVE_GC_THRESHOLDS=[5000, 7, 9])
    crawler.stats.open_spider()
    extension = GcTuning.from_crawler(crawler)  # kept: signal receivers are weak references
    assert gc.get_threshold() != (5000, 7, 9)  # nothing before the engine starts
    crawler.signals.send_catch_log(signals.engine_started)
    assert gc.get_threshold() == (5000, 7, 9)
    assert gc.get_freeze_count() > 1000
    assert crawler.stats.get_value(FROZEN_STAT) > 1000
    del extension


def test_project_settings_enable_it_and_the_switch_turns_it_off() -> None:
    assert "crawler.gctuning.GcTuning" in project_settings.EXTENSIONS
    assert project_settings.NEWSARCHIVE_GC_TUNING_ENABLED is True
    with pytest.raises(NotConfigured):
        GcTuning.from_crawler(project_crawler(NEWSARCHIVE_GC_TUNING_ENABLED=False))
    with pytest.raises(ValueError):
        GcTuning.from_crawler(project_crawler(NEWSARCHIVE_GC_THRESHOLDS=[0, 10, 10]))
