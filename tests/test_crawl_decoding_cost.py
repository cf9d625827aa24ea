"""The crawl path decodes each page once, for extraction: Scrapy never guesses its charset.

Scrapy's decoder used to read ``TextResponse.encoding`` on the still-gzipped bytes, and its
MetaRefreshMiddleware decodes every page to look at 4 KB of it; with no charset declared,
both ran charset_normalizer. The spy below counts those guesses.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from typing import Any

import pytest
import scrapy.http.response.text as text_module
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Response
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

import crawler.settings as project_settings
from crawler.decoding import NamedDecodingMiddleware
from crawler.metarefresh import HeadMetaRefreshMiddleware

URL = "http://127.0.0.1:8000/2013/01/29/world/africa/mali/index.html"
# cp1252 bytes, no charset anywhere: not UTF-8, so Scrapy would have to guess.
UNDECLARED = (
    b"<html><head><title>Mali</title></head><body><p>Caf\xe9 r\xe9ouvert \x93ici\x94</p>"
    + b"<script>var x = 1;</script>" * 50
    + b"</body></html>"
)


@pytest.fixture
def guesses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts charset_normalizer guesses made through Scrapy's TextResponse."""
    calls: list[int] = []
    real = text_module.from_bytes

    def spy(data: bytes, *args: Any, **kwargs: Any) -> Any:
        calls.append(len(data))
        return real(data, *args, **kwargs)

    monkeypatch.setattr(text_module, "from_bytes", spy)
    yield calls


def project_crawler(**overrides: Any) -> Any:
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.set("TWISTED_REACTOR_ENABLED", False)  # middlewares only: no crawl, no reactor
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    return get_crawler(settings_dict=settings.copy_to_dict())


def gzipped(body: bytes) -> HtmlResponse:
    return HtmlResponse(
        URL,
        body=gzip.compress(body, mtime=0),
        headers={"Content-Type": "text/html", "Content-Encoding": "gzip"},
        request=Request(URL),
    )


def test_decoding_a_gzipped_page_guesses_no_charset(guesses: list[int]) -> None:
    middleware = NamedDecodingMiddleware.from_crawler(project_crawler())
    response = gzipped(UNDECLARED)
    decoded = middleware.process_response(Request(URL), response)
    assert isinstance(decoded, HtmlResponse)
    assert decoded.body == UNDECLARED
    assert (decoded.url, decoded.status, decoded.request) == (URL, 200, response.request)
    assert b"Content-Encoding" not in decoded.headers
    assert guesses == []
    # The decoded page still answers .text as Scrapy would (guessing only now, if asked).
    assert "Café" in decoded.text


def test_head_request_and_plain_responses_pass_through_untouched() -> None:
    middleware = NamedDecodingMiddleware.from_crawler(project_crawler())
    plain = HtmlResponse(URL, body=b"<p>x</p>", headers={"Content-Type": "text/html"})
    assert middleware.process_response(Request(URL), plain) is plain
    head = gzipped(b"<p>x</p>")
    assert middleware.process_response(Request(URL, method="HEAD"), head) is head


def test_project_uses_the_head_reading_meta_refresh() -> None:
    crawler = project_crawler()
    names = project_settings.DOWNLOADER_MIDDLEWARES
    assert names["scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware"] is None
    assert "crawler.metarefresh.HeadMetaRefreshMiddleware" in names
    assert HeadMetaRefreshMiddleware.from_crawler(crawler).prefilter


def test_meta_refresh_check_does_not_decode_pages_without_one(guesses: list[int]) -> None:
    middleware = HeadMetaRefreshMiddleware.from_crawler(project_crawler())
    response = HtmlResponse(URL, body=UNDECLARED, headers={"Content-Type": "text/html"})
    assert middleware.process_response(Request(URL), response) is response
    assert guesses == []


def test_switched_off_it_is_scrapys_reading(guesses: list[int]) -> None:
    crawler = project_crawler(NEWSARCHIVE_METAREFRESH_ENABLED=False)
    middleware = HeadMetaRefreshMiddleware.from_crawler(crawler)
    response = HtmlResponse(URL, body=UNDECLARED, headers={"Content-Type": "text/html"})
    assert middleware.process_response(Request(URL), response) is response
    assert len(guesses) == 1


REFRESH = b'<html><head><meta http-equiv="refresh" content="0; url=/moved/"></head></html>'
PAGES = {
    "refresh": REFRESH,
    "upper case": REFRESH.replace(b"refresh", b"REFRESH"),
    "slow refresh": REFRESH.replace(b'content="0;', b'content="500;'),
    # Within Scrapy's 4,096 characters, beyond 4,096 bytes.
    "refresh after padding": b"<html><head><title>"
    + "é".encode() * 2500
    + b"</title>"
    + REFRESH[12:],
    "refresh beyond the head": b"<html><head>" + b" " * 20000 + REFRESH[12:],
    "word in a script": b"<html><head><script>refreshAds()</script></head><body>x</body></html>",
    "no refresh": UNDECLARED,
    "utf-16": REFRESH.decode().encode("utf-16"),
    "ebcdic": REFRESH.decode().encode("cp500"),
}
HEADERS = {
    "refresh after padding": "text/html; charset=utf-8",
    "utf-16": "text/html; charset=utf-16",
    "ebcdic": "text/html; charset=cp500",
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_redirects_as_scrapys_middleware_does(name: str) -> None:
    crawler = project_crawler()
    ours = HeadMetaRefreshMiddleware.from_crawler(crawler)
    scrapys = MetaRefreshMiddleware.from_crawler(crawler)
    headers = {"Content-Type": HEADERS.get(name, "text/html")}

    def outcome(middleware: MetaRefreshMiddleware) -> str:
        response = HtmlResponse(URL, body=PAGES[name], headers=headers)
        result = middleware.process_response(Request(URL), response)
        return result.url if isinstance(result, Request) else f"kept {type(result).__name__}"

    assert outcome(ours) == outcome(scrapys)
    if name in ("refresh", "upper case", "refresh after padding", "utf-16"):
        assert outcome(ours) == "http://127.0.0.1:8000/moved/"


def test_a_plain_response_is_left_to_scrapy() -> None:
    middleware = HeadMetaRefreshMiddleware.from_crawler(project_crawler())
    response = Response(URL, body=REFRESH)
    assert middleware.process_response(Request(URL), response) is response
