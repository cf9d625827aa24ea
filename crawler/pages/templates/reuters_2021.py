"""Reuters 2021+: Arc/Fusion pages with ``data-testid`` hooks and hashed module classes.

Paragraphs are ``[data-testid="paragraph-N"]`` (``article-body__paragraph__*``), sub-heads
``h2[data-testid="Heading"]``; the byline is ``[data-testid="AuthorByline"]``; related
stories are the "Related Coverage" and "Read Next" cards; topics the tag navigation.
Dates come from JSON-LD ``datePublished``: its ``dateCreated`` and the Fusion payload's
``published_time`` (``script#fusion-metadata``) are creation times, never read here.
"""

from __future__ import annotations

from lxml import html

from ..base import PageContext
from ..registry import register
from ..text import class_prefix_xpath as has_prefix
from ..text import text_of
from .reuters_common import ReutersPage, modules_headed, without_descendants_of

_RELATED_TITLES = ("Related Coverage", "Read Next")
# Boxes that are not story text wherever they sit (cards, badges, media, ads).
_MODULES = (
    "//*[@data-testid='RelatedCoverage' or @data-testid='ReadNext' or @data-testid='Video'"
    " or @data-testid='primary-image' or @data-testid='primary-gallery'"
    f" or {has_prefix('related-coverage')} or {has_prefix('read-next')}"
    f" or {has_prefix('trust-badge')} or {has_prefix('article-body__trust')}"
    f" or {has_prefix('ad-slot')} or {has_prefix('video-player')} or self::figure or self::aside]"
)
_BODY_PARTS = (
    ".//*[starts-with(@data-testid, 'paragraph-')"
    " or ((self::h2 or self::h3) and @data-testid='Heading')"
    f" or {has_prefix('article-body__paragraph')} or {has_prefix('article-body__heading')}]"
)
_TAGS = (
    "//nav[@aria-label='Tags']//a|//*[@data-testid='TagsList']//a"
    f"|//*[{has_prefix('tags-with-label')}]//a"
)


@register("reuters")
class Reuters2021Page(ReutersPage):
    """Reuters article pages from 2021 on (Arc/Fusion)."""

    NAME = "reuters/2021"

    @classmethod
    def matches(cls, ctx: PageContext) -> bool:
        return (
            ctx.first("//script[@id='fusion-metadata']") is not None
            or ctx.first("//*[starts-with(@data-testid, 'paragraph-')]") is not None
            or ctx.first("//*[@data-testid='AuthorByline']") is not None
        )

    def article(self) -> html.HtmlElement:
        for query in ("//article", "//main"):
            found = self.ctx.first(query)
            if found is not None:
                return found
        return self.ctx.doc

    def body(self) -> html.HtmlElement:
        article = self.article()
        found = article.xpath(
            f".//div[{has_prefix('article-body__content')}]"
            "|.//*[@data-testid='ArticleBody']"
        )
        return found[0] if found else article

    def modules(self) -> list[html.HtmlElement]:
        return list(self.ctx.xpath(_MODULES)) + self.related_containers()

    def body_elements(self) -> list[html.HtmlElement]:
        parts = self.body().xpath(_BODY_PARTS)
        # A paragraph-N wrapper may hold a p.article-body__paragraph: keep the outer one.
        inside = set(parts)
        outer = [p for p in parts if not any(a in inside for a in p.iterancestors())]
        return without_descendants_of(outer, self.modules())

    def headline(self) -> str:
        found = self.ctx.first("//h1[@data-testid='Heading']")
        if found is not None:
            text = text_of(found)
            if text:
                return text
        return super().headline()

    def byline_element(self) -> html.HtmlElement | None:
        return self.ctx.first("//*[@data-testid='AuthorByline']")

    def stamp_element(self) -> html.HtmlElement | None:
        return self.ctx.first(
            "//article//time|//*[@data-testid='Body' and contains(@class, 'date-line')]"
        )

    def related_containers(self) -> list[html.HtmlElement]:
        found = modules_headed(self.ctx.doc, _RELATED_TITLES)
        for box in self.ctx.xpath("//*[@data-testid='RelatedCoverage' or @data-testid='ReadNext']"):
            if box not in found and not any(a in found for a in box.iterancestors()):
                found.append(box)
        found.sort(key=lambda element: _position(self.ctx.doc, element))
        return found

    def topic_anchors(self) -> list[html.HtmlElement]:
        return list(self.ctx.xpath(_TAGS))

    def image_elements(self) -> list[tuple[html.HtmlElement, html.HtmlElement | None]]:
        cards = self.related_containers() + list(
            self.ctx.xpath("//*[@data-testid='Video' or " + has_prefix("video-player") + "]")
        )
        figures = without_descendants_of(self.article().xpath(".//figure"), cards)
        pairs: list[tuple[html.HtmlElement, html.HtmlElement | None]] = []
        for figure in figures:
            captions = figure.xpath(".//figcaption")
            for img in figure.xpath(".//img"):
                pairs.append((img, captions[0] if captions else None))
        return pairs


def _position(root: html.HtmlElement, element: html.HtmlElement) -> int:
    """Document order of an element (for sorting modules found by different routes)."""
    for index, node in enumerate(root.iter()):
        if node is element:
            return index
    return -1
