"""Pages past the parser's default limits (deep nesting, a text node over 10 MB, a JSON-LD
block nested past Python's recursion limit) still give their article, whole."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from crawler.pages import analyse

PAGE = Path(__file__).parent / "data" / "pages" / "cnn_2021" / "analysis_related_card_subheads"
HEADERS = {"Content-Type": "text/html; charset=utf-8"}


def _fixture() -> tuple[str, bytes]:
    expected = json.loads(PAGE.with_suffix(".json").read_text())
    return expected["url"], PAGE.with_suffix(".html").read_bytes()


def _item(url: str, body: bytes) -> dict[str, Any]:
    analysis = analyse(url, HEADERS, body)
    assert analysis.kind == "article", analysis.reason
    assert analysis.article is not None
    return {k: v for k, v in analysis.article.items() if k != "metadata"}


def _after_body(body: bytes, inserted: bytes) -> bytes:
    opening = re.search(rb"<body[^>]*>", body)
    assert opening is not None
    return body[: opening.end()] + inserted + body[opening.end() :]


@pytest.mark.parametrize(
    "inserted",
    [
        # A promo 300 elements deep before the story: libxml2 stops at depth 256 by default
        # and the rest of the page was lost ("no template matched").
        b"<aside>" + b"<div>" * 300 + b"promo" + b"</div>" * 300 + b"</aside>",
        # A hidden block of one text node over 10 MB: libxml2 dropped the rest of the page.
        b'<div style="display:none">' + b"x" * 10_500_000 + b"</div>",
    ],
    ids=["deep-promo", "ten-mb-text-node"],
)
def test_a_page_past_the_parsers_default_limits_gives_its_whole_article(inserted: bytes) -> None:
    url, body = _fixture()
    assert _item(url, _after_body(body, inserted)) == _item(url, body)


def test_a_story_wrapped_250_deep_keeps_every_paragraph() -> None:
    url, body = _fixture()
    opening = re.search(rb"<body[^>]*>", body)
    closing = body.rfind(b"</body>")
    assert opening is not None and closing > 0
    wrapped = (
        body[: opening.end()]
        + b"<div>" * 250
        + body[opening.end() : closing]
        + b"</div>" * 250
        + body[closing:]
    )
    assert _item(url, wrapped)["paragraphs"] == _item(url, body)["paragraphs"]


def test_a_json_ld_block_nested_past_the_recursion_limit_is_skipped() -> None:
    # json.loads raised RecursionError, and the page was "document too deeply nested".
    url, body = _fixture()
    deep = b'<script type="application/ld+json">' + b"[" * 5000 + b"]" * 5000 + b"</script>"
    head = body.index(b"</head>")
    assert _item(url, body[:head] + deep + body[head:]) == _item(url, body)


@pytest.mark.parametrize(
    ("page", "stated"),
    [
        ("cnn_2021/older_story_video_lede", "2016-12-18T15:43:31Z"),
        ("reuters_2015/bamako_startups_2016", "2016-05-13T16:43:53+0000"),
    ],
)
def test_a_json_ld_date_no_reader_can_read_hands_over_to_the_meta_date(
    page: str, stated: str
) -> None:
    # The spec's sources in order: one that yields no date gives way to the next. Before,
    # the unreadable JSON-LD string was taken, and datePublished was null.
    path = Path(__file__).parent / "data" / "pages" / page
    url = json.loads(path.with_suffix(".json").read_text())["url"]
    body = path.with_suffix(".html").read_bytes()
    broken = body.replace(f'"datePublished": "{stated}"'.encode(), b'"datePublished": "2016-02-30"')
    assert broken != body
    item = _item(url, broken)
    assert item["datePublished"] == _item(url, body)["datePublished"] is not None
    assert item["datePublishedRaw"] != "2016-02-30"
