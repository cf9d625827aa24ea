"""CNN 2010-2014: ``cnn_strycntntlft`` body, ``cnnByline``, "Part of complete coverage on X".

The visible ``cnn_strytmstmp`` ("January 29, 2013 -- Updated 2238 GMT (0638 HKT)") is the
last update, so it feeds dateModified only; the publication time is ``meta[name=pubdate]``.
"""

from __future__ import annotations

from typing import Any

from lxml import html

from ..base import Link, PageContext
from ..registry import register
from ..text import normalize_space, text_of
from .cnn_common import CnnPage, class_xpath

# Regions of the story column that are not body text.
_NOT_BODY = class_xpath(
    "cnn_strylftcntnt", "cnn_html_slideshow", "caption", "cnn_stryshrwdgt", "cnn_strybtmcntnt",
    "cnn_stryimg", "cnnstrylccimg", "cnn_stryvid", "cnnVideo", "cnn_vid", "cnn_sharebar",
    "c_sharebar", "cnnStryHghLght", "cnn_strycbftrtxt", "cnnExplainer", "cnn_adspc",
)
_BODY_XPATH = (
    "//div[contains(@class, 'cnn_strycntntlft')]//p"
    "[not(@class) or contains(@class, 'cnn_storypgraphtxt') or @class = '']"
    f"[not(ancestor::*[{_NOT_BODY}])]"
)


@register("cnn")
class Cnn2013Page(CnnPage):
    """An article of the 2010-2014 CNN.com story template."""

    NAME = "cnn/2013"
    STAMP_XPATH = "//div[contains(@class, 'cnn_strytmstmp')]"
    CREDIT_XPATH = "//p[contains(@class, 'cnn_strycbftrtxt')]"

    @classmethod
    def matches(cls, ctx: PageContext) -> bool:
        """The story template's containers, or the era's page chrome (for its video pages)."""
        return bool(
            ctx.first(
                "//div[contains(@class, 'cnn_strycntntlft') or contains(@class, 'cnnByline')"
                " or contains(@class, 'cnn_strytmstmp') or contains(@class, 'cnn_maincntnr')"
                " or @id = 'cnn_hdr']"
            )
            is not None
        )

    def is_article(self) -> bool:
        if self.ctx.first("//div[contains(@class, 'cnn_strycntntlft')]") is None:
            return False
        return super().is_article()

    def headline(self) -> str:
        h1 = self.ctx.first("//div[contains(@class, 'cnn_storyarea')]//h1")
        return text_of(h1) if h1 is not None else super().headline()

    def byline(self) -> str | None:
        return self.ctx.text("//div[contains(@class, 'cnnByline')]") or None

    def highlights(self) -> list[str]:
        items = self.ctx.xpath("//ul[contains(@class, 'cnnStryHghLght')]/li")
        return [text for text in (text_of(item) for item in items) if text]

    def body_candidates(self) -> list[html.HtmlElement]:
        return self.ctx.xpath(_BODY_XPATH)

    def related_links(self) -> list[Link]:
        """"READ:" lines (inline) and the "Part of complete coverage" cards (related)."""
        found = self.read_line_links()
        for box in self.ctx.xpath(
            "//div[contains(@class, 'cnn_strycrcntr')]"
            "//div[contains(concat(' ', normalize-space(@class), ' '), ' cnn_stryspcvbx ')]"
        ):
            for anchor in box.xpath(".//a[@href]"):
                headline = text_of(anchor)
                url = self.ctx.absolute(anchor.get("href"))
                if headline and url:
                    found.append((anchor, Link(url=url, kind="related", headline=headline)))
                    break
        return self.in_page_order(found)

    def topics(self) -> list[str]:
        topic = self.ctx.text(
            "//div[contains(@class, 'cnn_strycrcntr')]//*[contains(@class, 'cnn_stryspcvh3')]"
        )
        return [topic] if topic else []

    def images(self) -> list[dict[str, Any]]:
        """Captioned story photos and the photos of an in-story gallery; not video teases."""
        found = []
        for box in self.ctx.xpath(
            "//div[contains(@class, 'cnn_strycntntlft')]//div["
            "contains(@class, 'cnn_stryimg640captioned')"
            " or contains(@class, 'cnnArticleGalleryPhotoContainer')]"
        ):
            caption_element = box.xpath(
                ".//*[contains(@class, 'cnn_strycaptiontxt') or self::cite]"
            )
            # Gallery captions are display:none until their slide shows; still captions.
            caption = normalize_space(caption_element[0].text_content()) if caption_element else ""
            entry = self.image(box.find(".//img"), caption)
            if entry:
                found.append(entry)
        return found
