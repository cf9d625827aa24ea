"""CNN 2021+: ``headline__text``, ``byline__names``, ``article__content`` with ``p.paragraph``.

The source line ("Gao, Mali CNN —") is a ``cite.source__cite`` before the first paragraph
and is read as part of it; ``related-content`` cards in the body are related coverage;
the "More from CNN" and "Most read" zones below the article are recirculation, not.
"""

from __future__ import annotations

from typing import Any

from lxml import etree, html

from ..base import Link, PageContext, once
from ..text import headline_text, normalize_space, text_of
from .cnn_common import CnnPage, classed_in, has_token

_NOT_BODY_CLASSES = (
    "related-content",
    "video-resource",
    "image",
    "gallery",
    "factbox",
    "editor-note",
    "ad-slot",
    "interactive",
    "source",
    "footnote",
    "social-share",
)
# Boxes of <main> whose photos are not the story's.
_NOT_PHOTO_CLASSES = ("related-content", "video-resource", "gallery")
# The queries below are Python tests over the class index and tag iterators: libxml2 reads
# a class attribute for a contains() test far slower than Python does.
_TEXT_CLASSES = {"p": "paragraph", "h2": "subheader", "h3": "subheader"}


def _text_elements(content: html.HtmlElement) -> list[html.HtmlElement]:
    """``.//p[contains(@class, 'paragraph')]`` and ``.//h2|h3[contains(@class, 'subheader')]``
    of `content`, in page order."""
    return [
        element
        for element in content.iter("p", "h2", "h3")
        if _TEXT_CLASSES[element.tag] in (element.get("class") or "") and element is not content
    ]


def _in_div_classed(element: html.HtmlElement, fragment: str) -> bool:
    """Whether an ancestor ``<div>`` of `element` has `fragment` in its class."""
    return any(
        ancestor.tag == "div" and fragment in (ancestor.get("class") or "")
        for ancestor in element.iterancestors()
    )


def _cites(element: html.HtmlElement) -> list[html.HtmlElement]:
    """``.//cite[contains(@class, 'source__cite')]`` of `element`."""
    return [
        cite
        for cite in element.iter("cite")
        if "source__cite" in (cite.get("class") or "") and cite is not element
    ]


_LINKS = etree.XPath(".//a[@href]")


class Cnn2021Page(CnnPage):
    """An article of the 2021+ CNN.com template."""

    NAME = "cnn/2021"

    REGION_CLASSES = ("article__content", "article__main", "headline", "byline__names")

    @classmethod
    def matches(cls, ctx: PageContext) -> bool:
        return ctx.classes.has(
            "article__content", "headline__text", "byline__names", "layout__content-wrapper"
        )

    @once
    def content(self) -> list[html.HtmlElement]:
        """The ``div.article__content`` elements (from the page's class index)."""
        return [
            element
            for element in self.ctx.classes.containing("article__content", "div")
            if "article__content" in (element.get("class") or "").split()
        ]

    def is_article(self) -> bool:
        if not self.content():
            return False
        return super().is_article()

    @once
    def headline(self) -> str:
        h1 = self.first_classed("headline__text", "h1")
        return text_of(h1) if h1 is not None else super().headline()

    def byline_element(self) -> html.HtmlElement | None:
        return self.first_classed("byline__names", "div")

    def byline(self) -> str | None:
        return text_of(self.byline_element()) or None

    def stamp_element(self) -> html.HtmlElement | None:
        for element in self.classed("timestamp", "div"):
            if _in_div_classed(element, "headline"):
                return element
        return None

    @once
    def body_candidates(self) -> list[html.HtmlElement]:
        in_other_box = self.box_test(_NOT_BODY_CLASSES)
        return [
            e for content in self.content() for e in _text_elements(content) if not in_other_box(e)
        ]

    @once
    def source_cite(self) -> html.HtmlElement | None:
        """The story's first ``cite.source__cite``: its source line."""
        cites = [cite for content in self.content() for cite in _cites(content)]
        return cites[0] if cites else None

    def source_line(self) -> str:
        """ "Gao, Mali CNN —": location, outlet and dash, with the spaces a reader sees."""
        cite = self.source_cite()
        return normalize_space(" ".join(cite.itertext())) if cite is not None else ""

    def dateline(self) -> str | None:
        """The source line's place, which it prints in a span of its own whatever CNN
        service the next span names ("London CNN Sport —"); else the opening's."""
        cite = self.source_cite()
        for span in cite.iter("span") if cite is not None else ():
            if "source__location" in (span.get("class") or ""):
                return text_of(span) or None
        return super().dateline()

    def paragraph_text(self, element: html.HtmlElement, text: str) -> str:
        if element not in self.holders("source__cite"):
            return text
        cites = _cites(element)
        return text_of(element, skip=cites) if cites else text

    @once
    def paragraphs(self) -> list[str]:
        found = super().paragraphs()
        source = self.source_line()
        if source and found:
            found[0] = f"{source} {found[0]}"
        return found

    @once
    def related_links(self) -> list[Link]:
        """ "READ:" lines (inline) and the ``related-content`` cards of the body (related)."""
        found = self.read_line_links()
        for card in self.related_cards():
            title = classed_in(card, "related-content__headline")
            title_text = headline_text(title[0]) if title else ""
            for anchor in _LINKS(card):
                headline = title_text if title else headline_text(anchor)
                url = self.ctx.absolute(anchor.get("href")) if headline else None
                if headline and url:
                    found.append((card, Link(url=url, kind="related", headline=headline)))
                    break
        return self.in_page_order(found)

    def related_cards(self) -> list[html.HtmlElement]:
        """The outermost ``div.related-content`` boxes of each ``article__content``."""
        cards = [
            card
            for card in self.classed("related-content", "div")
            if not _in_div_classed(card, "related-content")
        ]
        return [
            card for content in self.content() for card in cards if content in card.iterancestors()
        ]

    def image_boxes(self, main: html.HtmlElement) -> list[html.HtmlElement]:
        """The photo boxes of `main`: ``div[@data-component-name = 'image']`` or
        ``div.image``, not in a related card, a video or a gallery."""
        in_other_box = self.box_test(_NOT_PHOTO_CLASSES)
        return [
            div
            for div in main.iter("div")
            if (div.get("data-component-name") == "image" or has_token(div.get("class"), "image"))
            and div is not main
            and not in_other_box(div)
        ]

    def images(self) -> list[dict[str, Any]]:
        """Editorial photos (lede and body) with their captions, credits left out."""
        found = []
        for box in self.within(self.classed("article__main", "main"), self.image_boxes):
            caption = classed_in(box, "image__caption")
            entry = self.image(box.find(".//img"), text_of(caption[0]) if caption else "")
            if entry and entry not in found:
                found.append(entry)
        return found
