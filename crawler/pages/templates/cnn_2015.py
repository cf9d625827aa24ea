"""CNN 2015-2020: ``pg-headline``, ``zn-body__paragraph``, ``metadata__byline__author``.

The body mixes ``<p>`` and ``<div>`` paragraphs with embedded media (``el__leafmedia``,
``el__embedded``, video and gallery boxes) that are not text; the first paragraph is a
``el__leafmedia--sourced-paragraph`` whose ``<cite>`` holds "(CNN)". The ``update-time``
stamp says "Updated ...", a last-update time.
"""

from __future__ import annotations

from typing import Any

from lxml import etree, html

from ..base import Link, PageContext, once
from ..text import headline_text, text_of
from .cnn_common import CnnPage, classed_in, dateline_of, has_token

# Boxes inside the body that are not its text.
_NOT_BODY_CLASSES = (
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
# Embedded media boxes, except the one that holds the opening paragraph.
_LEAFMEDIA, _SOURCED = ("el__leafmedia",), "el__leafmedia--sourced-paragraph"
_LINKS = etree.XPath(".//a[@href]")
_SOURCE_CITE = etree.XPath(".//cite[contains(@class, 'el-editorial-source')]")
_CAPTION_BESIDE = etree.XPath("following-sibling::div[contains(@class, 'media__caption')]")
# The lede photo, in section#large-media.
_LEDE_IMAGE = etree.XPath(
    "div[contains(@class, 'l-container')]/img[contains(@class, 'media__image')]"
)
# Credit lines of the body's footer: its innermost paragraphs.
_CREDIT_LINES = etree.XPath(".//*[self::p or self::div][not(*[self::p or self::div])]")


class Cnn2015Page(CnnPage):
    """An article of the 2015-2020 CNN.com "zone" template."""

    NAME = "cnn/2015"

    REGION_CLASSES = (
        "zn-body__paragraph",
        "el__image--",
        "update-time",
        "zn-body__footer",
        "pg-headline",
        "metadata__byline__author",
        "el__storyhighlights__item",
        "el__article--embed",
        "el-editorial-source",
        "zn-large-media",
    )
    REGION_IDS = ("large-media",)

    @classmethod
    def matches(cls, ctx: PageContext) -> bool:
        return ctx.classes.has(
            "pg-headline",
            "zn-body__paragraph",
            "metadata__byline",
            "el__storyhighlights",
            "pg-rail-tall",
        )

    @once
    def headline(self) -> str:
        found = self.ctx.classes.containing("pg-headline", "h1")
        return text_of(found[0]) if found else super().headline()

    def byline_element(self) -> html.HtmlElement | None:
        found = self.ctx.classes.containing("metadata__byline__author")
        return found[0] if found else None

    def byline(self) -> str | None:
        return text_of(self.byline_element()) or None

    def highlights(self) -> list[str]:
        items = self.ctx.classes.containing("el__storyhighlights__item", "li")
        return [text for text in (text_of(item) for item in items) if text]

    @once
    def body_candidates(self) -> list[html.HtmlElement]:
        in_other_box = self.box_test(_NOT_BODY_CLASSES)
        in_media = self.box_test(_LEAFMEDIA, _SOURCED)
        return [
            e
            for e in self.with_class("zn-body__paragraph")
            if not in_other_box(e) and not in_media(e)
        ]

    @once
    def source_cite(self) -> str:
        """The opening's ``cite.el-editorial-source``: "Jerusalem (CNN)", "(CNN)", or a bare
        place when the CMS dropped the outlet ("Washington")."""
        for cite in self.classed("el-editorial-source", "cite"):
            # The opening's source sits inside a body paragraph.
            if any(has_token(a.get("class"), "zn-body__paragraph") for a in cite.iterancestors()):
                return text_of(cite)
        return ""

    def stamp_element(self) -> html.HtmlElement | None:
        return self.first_classed("update-time", "p")

    def credit_elements(self) -> list[html.HtmlElement]:
        return self.within(self.classed("zn-body__footer"), _CREDIT_LINES)

    def paragraph_text(self, element: html.HtmlElement, text: str) -> str:
        cite = self.source_cite()
        # "(CNN)After ..." reads as printed; a bare place is not glued to the first word.
        if cite and not cite.endswith(")") and text.startswith(cite) and _SOURCE_CITE(element):
            rest = text[len(cite) :]
            if rest and not rest[0].isspace():
                text = f"{cite} {rest}"
        return text

    def dateline(self) -> str | None:
        cite = self.source_cite()
        if cite and "(" not in cite:
            return cite.strip(" -—–,") or None
        return dateline_of(cite) if cite else super().dateline()

    @once
    def related_links(self) -> list[Link]:
        """ "READ:" lines (inline) and the related-story cards embedded in the body (related)."""
        found = self.read_line_links()
        for card in self.ctx.classes.containing("el__article--embed"):
            title = classed_in(card, "cd__headline-text")
            title_text = headline_text(title[0]) if title else ""
            for anchor in _LINKS(card):
                headline = title_text if title else headline_text(anchor)
                url = self.ctx.absolute(anchor.get("href")) if headline else None
                if headline and url:
                    found.append((card, Link(url=url, kind="related", headline=headline)))
                    break
        return self.in_page_order(found)

    def images(self) -> list[dict[str, Any]]:
        """Story photos (``el__image--*``) with their captions; video and card images left out."""
        found = []
        # The lede photo over the story (a lede video's still is not a photo).
        for img in self.within(self.ctx.ids.equal("large-media", "section"), _LEDE_IMAGE):
            caption = _CAPTION_BESIDE(img)
            entry = self.image(img, text_of(caption[0]) if caption else "", "data-src-large")
            if entry and entry not in found:
                found.append(entry)
        for box in self.ctx.classes.containing("el__image--", "div"):
            if self.in_box(box, ("video", "gallery", "el__article--embed")):
                continue
            caption = classed_in(box, "media__caption")
            entry = self.image(
                box.find(".//img"), text_of(caption[0]) if caption else "", "data-src-large"
            )
            if entry and entry not in found:
                found.append(entry)
        return found
