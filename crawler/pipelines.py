"""Item pipelines: check an article against the contract, then hand it to the store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from archive.store import ArticleStore
from archive.validate import problems


class ValidationPipeline:
    """Drops (and counts) an item that breaks the store's contract: that is a bug to report."""

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidationPipeline:
        if not crawler.settings.getbool("NEWSARCHIVE_VALIDATION_ENABLED"):
            raise NotConfigured
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        found = problems(ItemAdapter(item).asdict())
        if found:
            self.stats.inc_value("newsarchive/errors/invalid_item")
            raise DropItem(f"item breaks the article contract: {'; '.join(found[:3])}")
        return item


class StorePipeline:
    """Appends each article to the JSONL store; unchanged content writes nothing."""

    def __init__(self, crawler: Crawler, store: ArticleStore):
        self.stats = crawler.stats
        self.store = store

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        if not crawler.settings.getbool("NEWSARCHIVE_STORE_ENABLED"):
            raise NotConfigured
        store = ArticleStore(Path(crawler.settings.get("NEWSARCHIVE_DATA_DIR")))
        return cls(crawler, store)

    def process_item(self, item: Any) -> Any:
        decision = self.store.add(ItemAdapter(item).asdict())
        self.stats.inc_value(f"newsarchive/articles/{decision.status}")
        return item

    def close_spider(self, spider: Spider | None = None) -> None:
        self.store.close()
