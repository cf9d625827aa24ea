"""CNN 2010-2014: ``cnn_strycntntlft`` body, ``cnnByline``, "Part of complete coverage on X".

The visible ``cnn_strytmstmp`` ("January 29, 2013 -- Updated 2238 GMT (0638 HKT)") is the
last update, so it feeds dateModified only; the publication time is ``meta[name=pubdate]``.
"""

from __future__ import annotations

from typing import Any

from lxml import html

from ..base import Link, PageContext, once
from ..text import normalize_space, text_of
from .cnn_common import CnnPage, class_xpath

# Regions of the story column that are not body text.
_NOT_BODY = class_xpath(
    "cnn_strylftcntnt",
    "cnn_html_slideshow",
    "caption",
    "cnn_stryshrwdgt",
    "cnn_strybtmcntnt",
    "cnn_stryimg",
    "cnnstrylccimg",
    "cnn_stryvid",
    "cnnVideo",
    "cnn_vid",
    "cnn_sharebar",
    "c_sharebar",
    "cnnStryHghLght",
    "cnn_strycbftrtxt",
    "cnnExplainer",
    "cnn_adspc",
)
# Classes of the era's story template and page chrome (on <div>s), or div#cnn_hdr.
_MARKERS = ("cnn_strycntntlft", "cnnByline", "cnn_strytmstmp", "cnn_maincntnr")
_BODY_XPATH = (
    "//div[contains(@class, 'cnn_strycntntlft')]//p"
    "[not(@class) or contains(@class, 'cnn_storypgraphtxt') or @class = '']"
    f"[not(ancestor::*[{_NOT_BODY}])]"
)


class Cnn2013Page(CnnPage):
    """An article of the 2010-2014 CNN.com story template."""

    NAME = "cnn/2013"
    STAMP_XPATH = "//div[contains(@class, 'cnn_strytmstmp')]"
    CREDIT_XPATH = "//p[contains(@class, 'cnn_strycbftrtxt')]"

    REGION_CLASSES = (
        "cnn_strycntntlft",
        "cnn_strytmstmp",
        "cnn_strycbftrtxt",
        "cnn_storyarea",
        "cnnByline",
        "cnnStryHghLght",
        "cnn_strycrcntr",
    )

    @classmethod
    def matches(cls, ctx: PageContext) -> bool:
        """The story template's containers, or the era's page chrome (for its video pages)."""
        return any(ctx.classes.containing(marker, "div") for marker in _MARKERS) or bool(
            ctx.ids.equal("cnn_hdr", "div")
        )

    def is_article(self) -> bool:
        if not self.ctx.classes.containing("cnn_strycntntlft", "div"):
            return False
        return super().is_article()

    def headline(self) -> str:
        h1 = self.first("//div[contains(@class, 'cnn_storyarea')]//h1")
        return text_of(h1) if h1 is not None else super().headline()

    def byline(self) -> str | None:
        return self.text("//div[contains(@class, 'cnnByline')]") or None

    def highlights(self) -> list[str]:
        items = self.xpath("//ul[contains(@class, 'cnnStryHghLght')]/li")
        return [text for text in (text_of(item) for item in items) if text]

    @once
    def body_candidates(self) -> list[html.HtmlElement]:
        return self.xpath(_BODY_XPATH)

    def related_links(self) -> list[Link]:
        """ "READ:" lines (inline) and the "Part of complete coverage" cards (related)."""
        found = self.read_line_links()
        for box in self.xpath(
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
        topic = self.text(
            "//div[contains(@class, 'cnn_strycrcntr')]//*[contains(@class, 'cnn_stryspcvh3')]"
        )
        return [topic] if topic else []

    def images(self) -> list[dict[str, Any]]:
        """Captioned story photos and the photos of an in-story gallery; not video teases."""
        found = []
        for box in self.xpath(
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
