"""Reuters 2018-2020: React pages with CSS-module classes whose hashed suffixes change.

Classes are matched on their stable prefix only: 2018-2019 pages use underscore modules
(``StandardArticleBody_body``, ``BylineBar_byline``, ``ArticleHeader_date``,
``RelatedCoverage_container``, ``Attribution_content``), 2020 pages dash modules
(``ArticleBody-para-*``, ``Paragraph-paragraph-*``, ``Byline-byline-*``,
``RelatedCoverage-container-*``, ``Attribution-attribution-*``). The stamp ("February 10,
2013 / 9:03 AM / 6 years ago") is printed in UTC without a zone.
"""

from __future__ import annotations

from lxml import html

from ..base import PageContext
from ..registry import register
from ..text import class_prefix_xpath as has_prefix
from .reuters_common import ReutersPage, without_descendants_of

_BODY = (
    f"//div[{has_prefix('StandardArticleBody_body')}]"
    f"|//div[{has_prefix('ArticleBodyWrapper')}]"
    f"|//div[{has_prefix('ArticleBody-container')}]"
)
_PARAGRAPHS_2020 = f"//p[{has_prefix('Paragraph-paragraph')} or {has_prefix('ArticleBody-para')}]"
# Boxes inside the body that are not story text.
_BODY_MODULES = " or ".join(
    has_prefix(prefix)
    for prefix in (
        "RelatedCoverage", "Attribution", "StandardArticleBody_trustBadge", "TrustBadge",
        "PrimaryAsset", "Image_", "Image-", "Slideshow", "Video", "MoreCoverage", "Factbox",
        "ArticleBody-byline", "Byline", "AdSlot", "Ad-", "Ad_", "ShareBar", "SocialTools",
    )
)
# Figures inside these are card thumbnails or video posters, not editorial photos.
_NOT_EDITORIAL = f"ancestor::*[{has_prefix('RelatedCoverage')} or {has_prefix('Video')}]"


@register("reuters")
class Reuters2018Page(ReutersPage):
    """Reuters article pages of 2018-2020 (CSS-module class names)."""

    NAME = "reuters/2018"

    @classmethod
    def matches(cls, ctx: PageContext) -> bool:
        return ctx.first(_BODY) is not None or ctx.first(_PARAGRAPHS_2020) is not None

    def body(self) -> html.HtmlElement | None:
        return self.ctx.first(_BODY)

    def body_elements(self) -> list[html.HtmlElement]:
        body = self.body()
        if body is None:
            return list(self.ctx.xpath(_PARAGRAPHS_2020))
        candidates = body.xpath(".//p|.//h2|.//h3")
        return without_descendants_of(candidates, body.xpath(f".//*[{_BODY_MODULES}]"))

    def byline_element(self) -> html.HtmlElement | None:
        return self.ctx.first(
            f"//*[{has_prefix('BylineBar_byline')} or {has_prefix('Byline-byline')}]"
        )

    def stamp_element(self) -> html.HtmlElement | None:
        return self.ctx.first(
            f"//*[{has_prefix('ArticleHeader_date')} or {has_prefix('ArticleHeader-date')}]"
        )

    def credits_elements(self) -> list[html.HtmlElement]:
        return list(
            self.ctx.xpath(
                f"//*[{has_prefix('Attribution_content')}"
                f" or {has_prefix('Attribution-attribution')}]"
            )
        )

    def related_containers(self) -> list[html.HtmlElement]:
        return list(
            self.ctx.xpath(
                f"//div[{has_prefix('RelatedCoverage_container')}"
                f" or {has_prefix('RelatedCoverage-container')}]"
            )
        )

    def image_elements(self) -> list[tuple[html.HtmlElement, html.HtmlElement | None]]:
        body = self.body()
        root = body if body is not None else self.ctx.doc
        pairs: list[tuple[html.HtmlElement, html.HtmlElement | None]] = []
        for figure in root.xpath(".//figure"):
            if figure.xpath(_NOT_EDITORIAL):
                continue
            captions = figure.xpath(".//figcaption")
            for img in figure.xpath(".//img"):
                pairs.append((img, captions[0] if captions else None))
        return pairs
