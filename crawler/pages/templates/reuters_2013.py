"""Reuters 2010-2016: ``span#articleText``, ``div#articleInfo`` and the left-rail modules.

The story sits in ``span#articleText`` (first paragraph in ``span.focusParagraph``, ad
slots as ``span#midArticle_N`` markers); ``div#articleInfo`` holds the location, the
stamp ("Fri Jan 18, 2013 8:08am EST") and ``p.byline``; the rail holds ``div#relatedNews``
and ``div#relatedTopics`` ("Africa »"). No structured data: the stamp is the publication
time and ``meta[name=REVISION_DATE]`` the last revision.
"""

from __future__ import annotations

from lxml import html

from ..article import headline_suffixes
from ..base import PageContext, compiled, once
from ..boilerplate import EMBEDDED_POST_CLASSES
from ..text import strip_suffixes, text_of
from .reuters_common import ReutersPage, outside_modules

# Boxes that may sit inside the story span and are not its text: div#articleInfo, a div
# whose class holds "module", "inlineRelated", "related" or "factBox", a table, and
# anything whose class holds "shareLinks" (substrings, as XPath contains() tests them) or
# names an embedded post (a tweet).
_INLINE_MODULE_CLASSES = ("module", "inlineRelated", "related", "factBox")
_LOCATION = compiled(".//span[@class='articleLocation']")
_CAPTIONS = compiled(
    ".//*[contains(@class, 'captionText')]/p[not(contains(@class, 'credit'))]"
    "|.//*[contains(@class, 'caption')]/p[not(contains(@class, 'credit'))]"
)
_IMAGES = compiled(".//img[not(ancestor::*[@id='photoControls'])]")


def _is_inline_module(element: html.HtmlElement) -> bool:
    tag = element.tag
    classes = element.get("class") or ""
    if tag == "div" and (
        element.get("id") == "articleInfo" or any(c in classes for c in _INLINE_MODULE_CLASSES)
    ):
        return True
    return (
        tag == "table"
        or "shareLinks" in classes
        or any(name in classes for name in EMBEDDED_POST_CLASSES)
    )


class Reuters2013Page(ReutersPage):
    """Reuters article pages of 2010-2016 (the ``articleText`` layout)."""

    NAME = "reuters/2013"
    BODY_ID = "articleText"  # span#articleText
    # Not scoped: every box is found from the id or class index (ReutersPage.under), so no
    # query walks the page for its first step.

    @classmethod
    def matches(cls, ctx: PageContext) -> bool:
        # The 2015-2016 pages keep span#articleText under the newer header (reuters/2015).
        return ctx.has_id(cls.BODY_ID, "span") and not ctx.classes.has_value("article-header")

    @once
    def headline(self) -> str:
        # The breaking-news band and the trackbar above the story carry <h1>s of their own.
        ids = self.ctx.ids
        bands = {*ids.containing("breakingNews"), *ids.containing("trackbar")}
        for h1 in self.ctx.doc.iter("h1"):
            if bands and any(a in bands for a in (h1, *h1.iterancestors())):
                continue
            text = text_of(h1)
            if text:
                return strip_suffixes(text, headline_suffixes())
        return super().headline()

    @once
    def body(self) -> html.HtmlElement | None:
        found = self.ctx.ids.equal(self.BODY_ID, "span")
        return found[0] if found else None

    @once
    def body_elements(self) -> list[html.HtmlElement]:
        body = self.body()
        if body is None:
            return []
        paragraphs = [e for e in body.iter("p", "h2", "h3") if e is not body]
        return outside_modules(body, paragraphs, _is_inline_module)

    @once
    def article_info(self) -> list[html.HtmlElement]:
        """The ``div#articleInfo`` boxes (location, stamp, byline)."""
        return self.with_id("div", "articleInfo")

    def byline_element(self) -> html.HtmlElement | None:
        found = self.under(self.article_info(), "//*[contains(@class, 'byline')]")
        return found[0] if found else None

    def stamp_element(self) -> html.HtmlElement | None:
        found = self.under(self.article_info(), "//span[contains(@class, 'timestamp')]")
        return found[0] if found else None

    def dateline_element(self) -> html.HtmlElement | None:
        body = self.body()
        found = _LOCATION(body) if body is not None else []
        if found:
            return found[0]
        found = self.under(self.article_info(), "//span[@class='location']")
        return found[0] if found else None

    @once
    def related_containers(self) -> list[html.HtmlElement]:
        return self.under(
            self.with_id("div", "relatedNews"), "//div[contains(@class, 'moduleBody')]"
        )

    def topic_anchors(self) -> list[html.HtmlElement]:
        return self.under(self.with_id("div", "relatedTopics"), "//li//a")

    def image_elements(self) -> list[tuple[html.HtmlElement, html.HtmlElement | None]]:
        pairs: list[tuple[html.HtmlElement, html.HtmlElement | None]] = []
        for box in self.with_id("div", "slideshowInlineLarge", "articleImage", "articleImageLarge"):
            captions = _CAPTIONS(box)
            # The slideshow's previous/next buttons are images too.
            imgs = _IMAGES(box)
            for index, img in enumerate(imgs):
                # The caption box shows the first slide's caption; the others load by script.
                pairs.append((img, captions[0] if captions and index == 0 else None))
        return pairs

    def caption_skip_xpath(self) -> str:
        return ".//span[contains(@class, 'label')]"
