"""Reuters 2016-2017: the ``article-text`` variant of the old layout, with JSON-LD.

The story sits in ``span#article-text`` (lead in ``span.article-prime``, ``midArticle_N``
markers between paragraphs); the header holds ``.article-info`` with the section and the
stamp ("Mon Jun 19, 2017 | 2:12pm EDT"); related stories are ``div.related-content``
boxes titled "Related Coverage" (boxes titled "Also In ..." are section recirculation),
topics the ``related-topics`` box. JSON-LD ``dateCreated`` is not the publication time.
"""

from __future__ import annotations

from lxml import html

from ..base import PageContext, compiled, in_page_order, once
from ..text import text_of
from .reuters_2013 import Reuters2013Page

# Titles of related-content boxes that list the section's other stories, not coverage.
_RECIRCULATION_TITLES = ("also in", "next in", "more from", "trending", "most popular")
# A class attribute naming the class itself, not a longer one ("related-content-title").
_IS_RELATED_CONTENT = compiled("self::*[contains(concat(' ', @class, ' '), ' related-content ')]")
_IS_RELATED_TOPICS = compiled("self::*[contains(concat(' ', @class, ' '), ' related-topics ')]")
_LOCATION = compiled(".//span[@class='articleLocation']")
_RELATED_TITLES = compiled(".//*[contains(@class, 'related-content-title')]|.//h3")
_SLIDE_CAPTIONS = compiled(
    "following-sibling::div[contains(@class, 'module-meta')][1]"
    "//div[contains(@class, 'module-caption')]"
)
_PHOTO_CAPTIONS = compiled("..//*[contains(@class, 'related-photo-caption')]")


class Reuters2016Page(Reuters2013Page):
    """Reuters article pages of 2016-2017 (the ``article-text`` layout)."""

    NAME = "reuters/2016"
    BODY_ID = "article-text"  # span#article-text

    @classmethod
    def matches(cls, ctx: PageContext) -> bool:
        return ctx.has_id(cls.BODY_ID, "span")

    def byline_element(self) -> html.HtmlElement | None:
        found = in_page_order(
            self.ctx.doc,
            self.under(self.ctx.ids.equal("article-byline"), "//*[contains(@class, 'author')]")
            + self.under(self.article_header(), "//*[contains(@class, 'byline')]"),
        )
        return found[0] if found else None

    def stamp_element(self) -> html.HtmlElement | None:
        found = in_page_order(
            self.ctx.doc,
            self.under(
                self.with_class("div", "article-info"), "//span[contains(@class, 'timestamp')]"
            )
            + self.under(self.article_header(), "/span[contains(@class, 'timestamp')]"),
        )
        return found[0] if found else None

    @once
    def article_header(self) -> list[html.HtmlElement]:
        """The ``div.article-header`` boxes (section, stamp, headline, byline)."""
        return self.with_class("div", "article-header")

    def dateline_element(self) -> html.HtmlElement | None:
        body = self.body()
        found = _LOCATION(body) if body is not None else []
        return found[0] if found else None

    @once
    def related_containers(self) -> list[html.HtmlElement]:
        boxes = []
        for box in self.with_class("div", "related-content"):
            if not _IS_RELATED_CONTENT(box):
                continue
            titles = _RELATED_TITLES(box)
            title = text_of(titles[0]).lower() if titles else ""
            if not title.startswith(_RECIRCULATION_TITLES):
                boxes.append(box)
        return boxes

    def topic_anchors(self) -> list[html.HtmlElement]:
        boxes = [box for box in self.with_class("div", "related-topics") if _IS_RELATED_TOPICS(box)]
        return self.under(boxes, "//a")

    def caption_skip_xpath(self) -> str:
        return ".//span[contains(@class, 'module-credit') or contains(@class, 'label')]"

    def image_elements(self) -> list[tuple[html.HtmlElement, html.HtmlElement | None]]:
        pairs: list[tuple[html.HtmlElement, html.HtmlElement | None]] = []
        # 2016-2017 photo sliders: one slide per photo, each with its caption and "1/3".
        for slide in self.under(
            self.with_class("div", "slider-module"),
            "//div[contains(@class, 'module-slide-media')]",
        ):
            captions = _SLIDE_CAPTIONS(slide)
            for img in slide.iter("img"):
                pairs.append((img, captions[0] if captions else None))
        for box in self.with_class("div", "related-photo-container"):
            # The caption sits beside the container, in div.related-photo-txt.
            captions = _PHOTO_CAPTIONS(box)
            for img in box.iter("img"):
                pairs.append((img, captions[0] if captions else None))
        return pairs
