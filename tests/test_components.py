"""Crawl components built from the project's settings with Scrapy's ``get_crawler`` and
called directly: what a whole crawl would show of each, in milliseconds."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import DropItem, NotConfigured, StopDownload
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

import crawler.settings as project_settings
from archive.exitcodes import ERRORS, OK
from archive.warc.records import RecordLocation
from crawler.guards import Refused, RequestGuard
from crawler.keys import TRUNCATED
from crawler.limits import DownloadLimits
from crawler.pages import analyse
from crawler.pages.capture import capture_item
from crawler.pages.outlets import outlets
from crawler.pipelines import StorePipeline, ValidationPipeline, as_dict
from crawler.run import CrawlOptions, build_report
from crawler.spiders.base import NewsSpider
from crawler.spiders.outlets import CnnSpider

from .conftest import REPO, run_cli, store_lines

SITE = Path(__file__).resolve().parent.parent / "archive" / "testsite" / "site" / "cnn"
CAMPS = "/2013/01/27/world/africa/mali-refugees-niger-camps/index.html"


def project_crawler(spidercls: type | None = None, **overrides: Any) -> Any:
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.set("TWISTED_REACTOR_ENABLED", False)  # components only: no crawl, no reactor
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    return get_crawler(spidercls, settings_dict=settings.copy_to_dict())


def stored_item(source: str = "cnn") -> dict[str, Any]:
    body = (SITE / CAMPS.lstrip("/")).read_bytes()
    article = analyse("https://edition.cnn.com" + CAMPS, {"Content-Type": "text/html"}, body)
    assert article.article is not None
    location = RecordLocation("a.warc.gz", 0, 10, "<urn:uuid:1>", None, "2024-05-01T10:00:00Z")
    item = capture_item(
        article.article, warc_date=location.date, provenance=location.as_provenance()
    )
    if source != item["source"]:  # another article, so the store does not call it unchanged
        item["articleId"] = f"{source}-{item['articleId']}"
    return {**item, "source": source}


def test_one_spider_per_declared_outlet_starting_at_its_start_points() -> None:
    from crawler.spiders import outlets as spiders

    for outlet in outlets():
        found = [
            cls
            for cls in vars(spiders).values()
            if isinstance(cls, type) and getattr(cls, "name", None) == outlet.name
        ]
        assert len(found) == 1 and issubclass(found[0], NewsSpider), outlet.name
        assert found[0].default_start_urls == outlet.start_points


def test_the_spiders_depth_is_the_setting() -> None:
    crawler = project_crawler(CnnSpider, NEWSARCHIVE_DEPTH=5)
    spider = CnnSpider.from_crawler(crawler)
    assert spider.policy.max_hops == 5
    assert CnnSpider.from_crawler(project_crawler(CnnSpider)).policy.max_hops == (
        project_settings.NEWSARCHIVE_DEPTH
    )


def test_validation_runs_once_per_item_in_the_store_when_there_is_one() -> None:
    with pytest.raises(NotConfigured):
        ValidationPipeline.from_crawler(project_crawler())
    pipeline = ValidationPipeline.from_crawler(project_crawler(NEWSARCHIVE_STORE_ENABLED=False))
    item = stored_item()
    assert pipeline.process_item(item) is item
    with pytest.raises(DropItem, match="not a declared outlet"):
        pipeline.process_item(stored_item(source="nobody"))
    assert pipeline.stats.get_value("newsarchive/errors/invalid_item") == 1


@contextlib.contextmanager
def store_pipeline(data: Path, *, close_may_fail: bool = False) -> Iterator[tuple[Any, Any]]:
    """A crawler of the project's settings storing into `data` and its opened store
    pipeline (closed at the end; `close_may_fail` for a store a test damaged)."""
    crawler = project_crawler(NEWSARCHIVE_DATA_DIR=str(data), NEWSARCHIVE_STORE_BATCH_SECONDS=0)
    crawler.stats.open_spider()
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.open_spider(None)
    try:
        yield crawler, pipeline
    finally:
        with contextlib.suppress(Exception) if close_may_fail else contextlib.nullcontext():
            pipeline.close_spider(None)


def test_the_store_pipeline_writes_a_line_and_refuses_an_undeclared_outlet(
    tmp_path: Path,
) -> None:
    with store_pipeline(tmp_path) as (crawler, pipeline):
        pipeline.process_item(stored_item())
        pipeline.process_item(stored_item())  # the same content again: nothing written
        with pytest.raises(DropItem, match="not a declared outlet"):
            pipeline.process_item(stored_item(source="nobody"))
    (line,) = store_lines(tmp_path)
    assert line["source"] == "cnn" and line["warc"]["filename"] == "a.warc.gz"
    assert crawler.stats.get_value("newsarchive/articles/new") == 1
    assert crawler.stats.get_value("newsarchive/articles/unchanged") == 1
    assert crawler.stats.get_value("newsarchive/errors/invalid_item") == 1


def test_the_store_pipeline_counts_an_item_it_cannot_store_as_an_error(tmp_path: Path) -> None:
    """An item of the wrong shape (a template's slip), or a store that fails in a way no one
    foresaw (a file it cannot open): each is an error of the run, never a silent drop."""
    with store_pipeline(tmp_path, close_may_fail=True) as (crawler, pipeline):
        with pytest.raises(DropItem, match="of another JSON type"):
            pipeline.process_item({**stored_item(), "authors": ["A Byline As A String"]})
        pipeline.process_item(stored_item())
        # The next month's file cannot be opened: a folder stands in its place.
        june = stored_item(source="reuters")
        june["metadata"] = {**june["metadata"], "dateDownloaded": "2024-06-01T10:00:00Z"}
        (tmp_path / "articles" / "articles-2024-06.jsonl").mkdir()
        with pytest.raises(DropItem, match="IsADirectoryError"):
            pipeline.process_item(june)
    assert crawler.stats.get_value("newsarchive/errors/invalid_item") == 1
    assert crawler.stats.get_value("newsarchive/errors/store_failed") == 1
    assert crawler.stats.get_value("newsarchive/articles/new") == 1


def test_a_capture_older_than_the_stored_version_is_dropped_so_its_page_is_fetched_again(
    tmp_path: Path,
) -> None:
    """A changed page captured before the stored version (a clock stepped back, a --via run
    at an earlier date) is not a version; it went through as scraped, so the fetch history
    kept its validators, every later run got a 304, and the change was never stored."""
    with store_pipeline(tmp_path) as (crawler, pipeline):
        pipeline.process_item(stored_item())
        earlier = stored_item()
        earlier["headline"] = "A headline changed before its time"
        earlier["metadata"] = {**earlier["metadata"], "dateDownloaded": "2024-04-30T10:00:00Z"}
        with pytest.raises(DropItem, match="older than the stored version"):
            pipeline.process_item(earlier)
    assert crawler.stats.get_value("newsarchive/articles/older") == 1


def test_pipelines_copy_a_dict_item_as_itemadapter_does_without_loading_it() -> None:
    """Our items are plain dicts: copied directly, nested values too; itemadapter (whose
    import probes pydantic and attrs) is loaded only for another kind of item."""
    from dataclasses import dataclass

    from itemadapter import ItemAdapter

    item = stored_item()
    item["extra"] = {"list": [{"a": 1}], "tuple": ("x", 2.5), "set": {3}, "none": None}
    copied = as_dict(item)
    assert copied == ItemAdapter(item).asdict() and type(copied) is dict
    assert copied["extra"]["list"][0] is not item["extra"]["list"][0]  # a copy, not a view

    @dataclass
    class Related:
        url: str

    item["extra"]["nested"] = Related("https://example.org/")
    assert as_dict(item) == ItemAdapter(item).asdict()
    assert as_dict(item)["extra"]["nested"] == {"url": "https://example.org/"}

    code = "import sys, crawler.pipelines; print('itemadapter' in sys.modules)"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert loaded.stdout.strip() == "False"


def test_the_request_guard_refuses_what_the_spider_must_not_fetch() -> None:
    crawler = project_crawler(CnnSpider)
    crawler.spider = CnnSpider.from_crawler(crawler, start_url="http://127.0.0.1:8000/")
    guard = RequestGuard.from_crawler(crawler)
    assert guard.process_request(Request("http://127.0.0.1:8000" + CAMPS)) is None
    refused = {
        "offsite": "https://example.org" + CAMPS,
        "url_too_long": "http://127.0.0.1:8000/" + "a" * 3000,
    }
    for kind, url in refused.items():
        with pytest.raises(Refused) as caught:
            guard.process_request(Request(url))
        assert caught.value.newsarchive_kind == kind


def test_download_limits_cut_a_body_at_the_byte_limit() -> None:
    crawler = project_crawler(NEWSARCHIVE_LIMITS_MAX_BYTES=1000)
    crawler.stats.open_spider()
    limits = DownloadLimits.from_crawler(crawler)
    request = Request("http://127.0.0.1:8000/big")
    limits.process_request(request)
    assert request.meta["download_maxsize"] == 0  # the limit cuts, the handler does not cancel
    limits.bytes_received(b"x" * 600, request)
    with pytest.raises(StopDownload):
        limits.bytes_received(b"x" * 600, request)
    assert request.meta[TRUNCATED] == "length"
    assert crawler.stats.get_value("newsarchive/limits/length") == 1


def test_the_error_rate_threshold_decides_exit_1(tmp_path: Path) -> None:
    crawler = project_crawler(CnnSpider)
    crawler.stats.open_spider()
    for key, value in {
        "finish_reason": "finished",
        "downloader/request_count": 10,
        "downloader/response_count": 10,
        "newsarchive/errors/http_500": 2,
    }.items():
        crawler.stats.set_value(key, value)
    started = datetime.now(timezone.utc)

    def exit_code(**options: Any) -> int:
        run = CrawlOptions(spiders=["cnn"], data_dir=tmp_path, **options)
        return int(build_report("20240501T100000Z-1", run, [crawler], started, 1.0)["exitCode"])

    assert project_settings.NEWSARCHIVE_MAX_ERROR_RATE < 0.2
    assert exit_code() == ERRORS  # 20% of requests failed
    assert exit_code(max_error_rate=0.5) == OK


def test_errors_before_any_request_was_sent_are_no_ok_run(tmp_path: Path) -> None:
    """A request that fails before it is sent (a header that cannot be encoded) counts no
    request: one such error and nothing sent was a rate of none, and the run was ok."""
    crawler = project_crawler(CnnSpider)
    crawler.stats.open_spider()
    for key, value in {"finish_reason": "finished", "newsarchive/errors/unicodeencode": 1}.items():
        crawler.stats.set_value(key, value)
    run = CrawlOptions(spiders=["cnn"], data_dir=tmp_path, max_error_rate=1.0)
    report = build_report("20240501T100000Z-1", run, [crawler], datetime.now(timezone.utc), 1.0)
    assert report["exitCode"] == ERRORS
    assert report["message"] == "1 error and no request sent"


def test_a_contact_url_no_header_can_carry_is_a_setting_error(tmp_path: Path) -> None:
    result = run_cli(
        "crawl", "cnn", "--data", str(tmp_path / "data"),
        "--start-url", "http://127.0.0.1:9/world/africa/",
        "-s", "NEWSARCHIVE_CONTACT_URL=https://example.org/caf\u00e9",
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "NEWSARCHIVE_CONTACT_URL" in result.stderr and result.stderr.count("\n") == 1
