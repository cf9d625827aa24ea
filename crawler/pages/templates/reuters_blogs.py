"""Reuters blogs and Breakingviews columns (blogs.reuters.com, WordPress, 2008-2018).

The post sits in ``div#single``: the headline is its ``<h2>`` (the page has no ``<h1>``),
``div#thebyline`` holds ``div.author`` ("By Lena Weiss") and ``div.timestamp`` (the day
only: "August 22, 2016"), ``div.posttags`` the tags and ``div#postcontent`` the text,
opened by an editorial note in ``<em>`` ("The author is a Reuters Breakingviews
columnist ..."). ``meta[name=CREATION_DATE]`` is the post's creation time, without a zone.
"""

from __future__ import annotations

from lxml import html

from ..base import PageContext, once
from ..text import text_of
from .reuters_common import ReutersPage


class ReutersBlogPage(ReutersPage):
    """A blogs.reuters.com post: a Breakingviews column or a correspondent's blog entry."""

    NAME = "reuters/blogs"
    # Not scoped: the post's boxes are found from the id index.

    @classmethod
    def matches(cls, ctx: PageContext) -> bool:
        return ctx.has_id("postcontent", "div") and ctx.has_id("thebyline")

    @once
    def headline(self) -> str:
        found = self.under(self.with_id("div", "single"), "/h2")
        return (text_of(found[0]) if found else "") or super().headline()

    @once
    def post(self) -> list[html.HtmlElement]:
        """The ``div#postcontent`` boxes (the post's text)."""
        return self.with_id("div", "postcontent")

    def body_elements(self) -> list[html.HtmlElement]:
        parts = self.under(self.post(), "/*[self::p or self::h3]")
        return [p for p in parts if not _is_editorial_note(p)]

    def byline_element(self) -> html.HtmlElement | None:
        found = self.under(self.with_id("div", "thebyline"), "/div[contains(@class, 'author')]")
        return found[0] if found else None

    def stamp_element(self) -> html.HtmlElement | None:
        found = self.under(self.with_id("div", "thebyline"), "/div[contains(@class, 'timestamp')]")
        return found[0] if found else None

    def topic_anchors(self) -> list[html.HtmlElement]:
        return self.under(self.with_id("div", "single"), "/div[contains(@class, 'posttags')]/a")

    def image_elements(self) -> list[tuple[html.HtmlElement, html.HtmlElement | None]]:
        pairs: list[tuple[html.HtmlElement, html.HtmlElement | None]] = []
        for img in self.under(self.post(), "//img"):
            caption = img.xpath("ancestor::*[contains(@class, 'wp-caption')][1]")
            texts = caption[0].xpath(".//*[contains(@class, 'wp-caption-text')]") if caption else []
            pairs.append((img, texts[0] if texts else None))
        return pairs


def _is_editorial_note(paragraph: html.HtmlElement) -> bool:
    """A paragraph that holds only an ``<em>`` (the column's disclaimer)."""
    children = [child for child in paragraph if isinstance(child.tag, str)]
    if len(children) != 1 or children[0].tag not in ("em", "i"):
        return False
    own = (paragraph.text or "").strip() + (children[0].tail or "").strip()
    return not own and bool(text_of(children[0]))
