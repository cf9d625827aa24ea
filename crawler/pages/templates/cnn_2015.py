"""CNN 2015-2020: ``pg-headline``, ``zn-body__paragraph``, ``metadata__byline__author``.

The body mixes ``<p>`` and ``<div>`` paragraphs with embedded media (``el__leafmedia``,
``el__embedded``, video and gallery boxes) that are not text; the first paragraph is a
``el__leafmedia--sourced-paragraph`` whose ``<cite>`` holds "(CNN)". The ``update-time``
stamp says "Updated ...", a last-update time.
"""

from __future__ import annotations

from typing import Any

from lxml import html

from ..base import Link, PageContext, once
from ..text import text_of
from .cnn_common import CnnPage, class_xpath

_PARAGRAPH = "contains(concat(' ', normalize-space(@class), ' '), ' zn-body__paragraph ')"
# Boxes inside the body that are not its text.
_NOT_BODY = (
    class_xpath(
        "zn-body__footer",
        "zn-body__read-more",
        "el__video",
        "el__gallery",
        "media__video",
        "el__article--embed",
        "el__storyhighlights",
        "el__embedded",
        "el__image",
        "js-gigya",
        "el__leafmedia--factbox",
    )
    + " or (contains(@class, 'el__leafmedia')"
    " and not(contains(@class, 'el__leafmedia--sourced-paragraph')))"
)
_BODY_XPATH = f"//*[{_PARAGRAPH}][not(ancestor::*[{_NOT_BODY}])]"
_IMAGE_XPATH = (
    "//div[contains(@class, 'el__image--')]"
    "[not(ancestor::*[" + class_xpath("video", "gallery", "el__article--embed") + "])]"
)


class Cnn2015Page(CnnPage):
    """An article of the 2015-2020 CNN.com "zone" template."""

    NAME = "cnn/2015"
    STAMP_XPATH = "//p[contains(@class, 'update-time')]"
    CREDIT_XPATH = (
        "//*[contains(@class, 'zn-body__footer')]//*[self::p or self::div]"
        "[not(*[self::p or self::div])]"
    )

    REGION_CLASSES = (
        "zn-body__paragraph",
        "el__image--",
        "update-time",
        "zn-body__footer",
        "pg-headline",
        "metadata__byline__author",
        "el__storyhighlights__item",
        "el__article--embed",
    )

    @classmethod
    def matches(cls, ctx: PageContext) -> bool:
        return ctx.classes.has(
            "pg-headline",
            "zn-body__paragraph",
            "metadata__byline",
            "el__storyhighlights",
            "pg-rail-tall",
        )

    def headline(self) -> str:
        h1 = self.first("//h1[contains(@class, 'pg-headline')]")
        return text_of(h1) if h1 is not None else super().headline()

    def byline(self) -> str | None:
        return self.text("//*[contains(@class, 'metadata__byline__author')]") or None

    def highlights(self) -> list[str]:
        items = self.xpath("//li[contains(@class, 'el__storyhighlights__item')]")
        return [text for text in (text_of(item) for item in items) if text]

    @once
    def body_candidates(self) -> list[html.HtmlElement]:
        return self.xpath(_BODY_XPATH)

    def related_links(self) -> list[Link]:
        """ "READ:" lines (inline) and the related-story cards embedded in the body (related)."""
        found = self.read_line_links()
        for card in self.xpath("//*[contains(@class, 'el__article--embed')]"):
            title = card.xpath(".//*[contains(@class, 'cd__headline-text')]")
            for anchor in card.xpath(".//a[@href]"):
                headline = text_of(title[0]) if title else text_of(anchor)
                url = self.ctx.absolute(anchor.get("href"))
                if headline and url:
                    found.append((card, Link(url=url, kind="related", headline=headline)))
                    break
        return self.in_page_order(found)

    def images(self) -> list[dict[str, Any]]:
        """Story photos (``el__image--*``) with their captions; video and card images left out."""
        found = []
        for box in self.xpath(_IMAGE_XPATH):
            caption = box.xpath(".//*[contains(@class, 'media__caption')]")
            entry = self.image(
                box.find(".//img"), text_of(caption[0]) if caption else "", "data-src-large"
            )
            if entry and entry not in found:
                found.append(entry)
        return found
