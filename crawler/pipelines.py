"""Item pipelines: check an article against the contract, then hand it to the store."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from archive.diskspace import is_disk_full
from archive.state import StateUnavailableError
from archive.store import ArticleStore, InvalidLineError, StoreLockedError
from archive.store.files import torn_urls
from archive.validate import problems

from .diskfull import disk_full, stop_for_disk_full, watch
from .keys import ARTICLE_STATS, ERROR_STATS, EXAMPLES, STORE_LOCKED_STAT
from .linkpolicy import dedup_key
from .pages.capture import iso_seconds
from .pages.outlets import names as outlet_names
from .state import crawl_state, history_context

log = logging.getLogger(__name__)

STORE_LOCKED = "store_locked"  # the close reason of a crawl that could not get the store


_SCALARS = (str, int, float, bool, type(None))


class _NotPlain(Exception):
    """A value that is not JSON-like data (a nested item of another kind)."""


def as_dict(item: Any) -> dict[str, Any]:
    """The item as a new plain dict, nested values copied, as ``ItemAdapter.asdict`` gives it.

    Our spiders yield plain dicts of JSON-like data: those are copied directly. Only another
    kind of item loads itemadapter, whose import (it probes pydantic, attrs, ...) cost a crawl
    about 0.3 s of CPU, and whose recursive ``asdict`` about 0.1 ms per item.
    """
    if type(item) is dict:
        try:
            return _plain_copy(item)
        except _NotPlain:
            pass
    from itemadapter import ItemAdapter

    return ItemAdapter(item).asdict()


def _plain_copy(value: Any) -> Any:
    if isinstance(value, _SCALARS):
        return value
    kind = type(value)
    if kind is dict:
        return {key: _plain_copy(inner) for key, inner in value.items()}
    if kind is list or kind is tuple or kind is set:
        return kind(_plain_copy(inner) for inner in value)
    raise _NotPlain


class ValidationPipeline:
    """Drops (and counts) an item that breaks the store's contract: that is a bug to report.

    Only when nothing is stored: the store checks every line it writes (against the declared
    outlets too), so with it on this would check each item a second time.
    """

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidationPipeline:
        settings = crawler.settings
        if not settings.getbool("NEWSARCHIVE_VALIDATION_ENABLED"):
            raise NotConfigured
        if settings.getbool("NEWSARCHIVE_STORE_ENABLED"):
            raise NotConfigured("the store validates every line it writes")
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        found = problems(as_dict(item), outlet_names())
        if found:
            self.stats.inc_value(ERROR_STATS + "invalid_item")
            raise DropItem(f"item breaks the article contract: {'; '.join(found[:3])}")
        return item


class _SharedStores:
    """One store writer per data directory in a process, shared by its crawlers' pipelines.

    The store holds its lock for a whole batch and waits for it by blocking; two writers in
    one process (``crawl cnn reuters``) would wait on each other in the one reactor thread.
    Sharing the writer makes the process a single lock holder, as it should be.
    """

    def __init__(self) -> None:
        self._stores: dict[Path, tuple[ArticleStore, int]] = {}

    def acquire(self, data_dir: Path, factory: Any) -> ArticleStore:
        key = data_dir.resolve()
        store, users = self._stores.get(key, (None, 0))
        if store is None:
            store = factory()
        self._stores[key] = (store, users + 1)
        return store

    def release(self, store: ArticleStore) -> bool:
        """Forget one user; True when it was the last, and the store should be closed."""
        for key, (known, users) in list(self._stores.items()):
            if known is store:
                if users > 1:
                    self._stores[key] = (known, users - 1)
                    return False
                del self._stores[key]
                return True
        return True


_shared_stores = _SharedStores()


class StorePipeline:
    """Appends each article to the JSONL store; unchanged content writes nothing.

    Lines go out as they come; the store is flushed (fsync, index commit, lock released)
    every ``NEWSARCHIVE_STORE_BATCH_SIZE`` articles, every ``NEWSARCHIVE_STORE_BATCH_SECONDS``
    and at the end of the run. If another writer keeps the store longer than
    ``NEWSARCHIVE_STORE_LOCK_TIMEOUT``, the crawl stops with close reason ``store_locked``;
    on a full disk it stops with ``disk_full`` and drops the articles it could not store
    (their pages stay in the frontier for the next run).
    """

    def __init__(
        self,
        crawler: Crawler,
        store: ArticleStore,
        batch_seconds: float,
        read_model: bool = False,
    ):
        self.crawler = crawler
        self.stats = crawler.stats
        self.store = store
        self.batch_seconds = batch_seconds
        self.read_model = read_model
        self.unstored: list[dict[str, Any]] = []
        self._timer: task.LoopingCall | None = None
        self._reported = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        settings = crawler.settings
        if not settings.getbool("NEWSARCHIVE_STORE_ENABLED"):
            raise NotConfigured
        data_dir = Path(settings.get("NEWSARCHIVE_DATA_DIR"))
        state = crawl_state(settings)
        store = _shared_stores.acquire(
            data_dir,
            lambda: ArticleStore(
                data_dir,
                lock_timeout=settings.getfloat("NEWSARCHIVE_STORE_LOCK_TIMEOUT"),
                batch_size=settings.getint("NEWSARCHIVE_STORE_BATCH_SIZE"),
                sources=outlet_names(),
                # A worker of a shared crawl: the shared version index, its own files.
                index=state.version_index() if state.shared else None,
                worker=(settings.get("NEWSARCHIVE_WORKER") or None) if state.shared else None,
            ),
        )
        watch(crawler)
        return cls(
            crawler,
            store,
            settings.getfloat("NEWSARCHIVE_STORE_BATCH_SECONDS"),
            settings.getbool("NEWSARCHIVE_READ_MODEL_ENABLED"),
        )

    def open_spider(self, spider: Spider | None = None) -> None:
        if self.batch_seconds > 0:
            self._timer = task.LoopingCall(self._flush)
            self._timer.start(self.batch_seconds, now=False)
        self._forget_torn()

    def _forget_torn(self) -> None:
        """Lines a power cut tore are quarantined before the crawl asks for anything, and
        their pages' history forgotten: kept, it would make each later fetch of them a 304,
        and their articles would never be stored again."""
        try:
            torn = self.store.mend_torn()
        except StoreLockedError:
            return  # another writer holds the store: it quarantines them, the next run forgets
        self._note_quarantine()
        urls = {dedup_key(url) for path in torn for url in torn_urls(path)}
        if not urls:
            return
        history = crawl_state(self.crawler.settings).fetch_history(
            history_context(self.crawler.settings)
        )
        try:
            keys = [key for key, url, _ in history.pages() if dedup_key(url) in urls or key in urls]
            forgotten = history.forget(keys)
        finally:
            history.close()
        log.warning(
            "newsarchive: %d pages whose store lines a crash tore will be fetched whole again",
            forgotten,
        )

    def process_item(self, item: Any) -> Any:
        article = as_dict(item)
        if disk_full(self.crawler) and article.get("warc") is None:
            # Its WARC record did not fit: a line must never lack its record. Not "done"
            # either: the next run fetches and stores it again.
            self.stats.inc_value("newsarchive/store/unstored_disk_full")
            raise DropItem(f"not stored, the disk is full: {article.get('url')}")
        if self.unstored:  # the store is locked: keep it for one last try at close
            self.unstored.append(article)
            return item
        try:
            article = self._as_first_archived(article)
            decision = self.store.add(article)
        except InvalidLineError as exc:
            self.stats.inc_value(ERROR_STATS + "invalid_item")
            self._example("invalid_item", str(article.get("url")))
            raise DropItem(str(exc)) from None
        except StoreLockedError as exc:
            self.unstored.append(article)
            # The run's one-line message for exit code 75 (the close reason is store_locked).
            self.stats.set_value(STORE_LOCKED_STAT, str(exc))
            log.error("newsarchive: %s; stopping the crawl", exc)
            if self.crawler.engine is not None:
                deferred_from_coro(self.crawler.engine.close_spider_async(reason=STORE_LOCKED))
            return item
        except Exception as exc:  # OSError or SQLite's "database or disk is full"
            if is_disk_full(exc):
                # The store cut the line back off (or the index lost it): whole lines.
                where = f"writing the article store in {self.store.data_dir}"
                stop_for_disk_full(self.crawler, where, exc)
                self.stats.inc_value("newsarchive/store/unstored_disk_full")
                raise DropItem(f"not stored, the disk is full: {article.get('url')}") from None
            # Anything else (a damaged index, a bug): an error of the run, never a silent
            # drop; the page's history keeps no validators, so the next run stores it.
            self.stats.inc_value(ERROR_STATS + "store_failed")
            self._example("store_failed", str(article.get("url")))
            message = f"not stored ({type(exc).__name__}: {exc}): {article.get('url')}"
            log.error("newsarchive: %s", message)
            raise DropItem(message) from None
        self.stats.inc_value(f"{ARTICLE_STATS}{decision.status}")
        self._note_quarantine()
        if decision.status == "older":
            # Captured before the stored version (a clock stepped back, a --via run at an
            # earlier date): in the WARC, no version. Dropped, so the page's history keeps no
            # validators and a later run fetches it whole again.
            raise DropItem(f"older than the stored version, not stored: {article.get('url')}")
        return item

    def _as_first_archived(self, article: dict[str, Any]) -> dict[str, Any]:
        """A page fetched again with the payload archived first by a run that never stored
        its article (killed, its store locked or its disk full): stored from that record, at
        its capture time, as replay gives it, unless the store holds a version as recent."""
        spider = self.crawler.spider
        record_id = (article.get("warc") or {}).get("recordId")
        first = getattr(spider, "first_archived", {}).pop(record_id, None) if record_id else None
        if first is None:
            return article
        captured = iso_seconds(first.date)
        known = self.store.index.latest(str(article.get("articleId")), self.store.worker)
        if known is not None and not (known.captured and known.captured < captured):
            return article  # replay takes the revisit, a version after the stored one
        metadata = {**article["metadata"], "dateDownloaded": captured}
        return {**article, "warc": first.as_provenance(), "metadata": metadata}

    def _flush(self) -> None:
        try:
            self.store.flush()
        except Exception as exc:
            if is_disk_full(exc):
                stop_for_disk_full(
                    self.crawler, f"syncing the article store in {self.store.data_dir}", exc
                )
            elif isinstance(exc, OSError):
                log.error("newsarchive: could not flush the article store: %s", exc)
            else:
                raise

    def close_spider(self, spider: Spider | None = None) -> None:
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        try:
            if self.unstored and not disk_full(self.crawler):
                self._store_unstored()
            if _shared_stores.release(self.store):
                self.store.close()
                if self.read_model and self.store.stats.lines:
                    self._catch_up_read_model()
            else:
                self.store.flush()
        except StateUnavailableError as exc:
            # Every line is in the files; the next writer indexes them into the shared state.
            log.error("newsarchive: the store's index was not updated: %s", exc)
        except Exception as exc:
            if not is_disk_full(exc):
                raise
            # The lock is released and the files keep every whole line; the next writer
            # re-indexes them (and quarantines a torn tail a lost fsync might leave).
            stop_for_disk_full(
                self.crawler, f"syncing the article store in {self.store.data_dir}", exc
            )
        finally:
            self._note_quarantine()
            self.stats.set_value("newsarchive/store/lines", self.store.stats.lines)
            self.stats.set_value("newsarchive/store/bytes", self.store.stats.bytes)

    def _catch_up_read_model(self) -> None:
        """The explorer's tables and search index take in what this crawl stored."""
        from archive.explorer.readmodel import catch_up

        try:
            added = catch_up(self.store.data_dir)
        except sqlite3.Error as exc:
            if is_disk_full(exc):
                raise
            # Derived data: the explorer catches it up (or `store rebuild` recreates it).
            log.warning("newsarchive: the read model was not updated: %s", exc)
            return
        self.stats.set_value("newsarchive/store/read_model_lines", added)

    def _store_unstored(self) -> None:
        """One more bounded wait for the lock, so what was extracted is not thrown away."""
        try:
            decisions = self.store.add_many(self.unstored)
        except StoreLockedError as exc:
            self.stats.set_value("newsarchive/store/unstored", len(self.unstored))
            log.error(
                "newsarchive: %d articles not stored (%s); their pages are in the WARC files,"
                " from which `newsarchive replay --store` recovers them",
                len(self.unstored),
                exc,
            )
            return
        for decision in decisions:
            self.stats.inc_value(f"{ARTICLE_STATS}{decision.status}")
        self.unstored = []

    def _note_quarantine(self) -> None:
        quarantined = self.store.stats.quarantined
        if len(quarantined) > self._reported:
            self.stats.set_value("newsarchive/store/quarantined", len(quarantined))
            self._reported = len(quarantined)

    def _example(self, kind: str, url: str) -> None:
        examples = self.stats.get_value(EXAMPLES) or {}
        urls = examples.setdefault(kind, [])
        if len(urls) < 5 and url not in urls:
            urls.append(url)
        self.stats.set_value(EXAMPLES, examples)
