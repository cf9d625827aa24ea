"""Fallback for an outlet page in a template we do not know yet: structured data and <p>s."""

from __future__ import annotations

from .article import ArticlePage, paragraph_texts
from .base import PageContext
from .text import normalize_space


class GenericArticlePage(ArticlePage):
    """Headline from <h1>, body from the <article> (or JSON-LD articleBody), dates from JSON-LD."""

    NAME = "generic"

    @classmethod
    def matches(cls, ctx: PageContext) -> bool:
        return True

    def is_article(self) -> bool:
        if self.ld:
            return bool(self.headline() and self.paragraphs())
        # Without structured data, insist on an <article> with a real body.
        return bool(
            self.headline()
            and len(self.paragraphs()) >= 2
            and self.ctx.first("//article") is not None
        )

    def not_article_reason(self) -> str:
        if not self.headline():
            return "no template matched and the page states no headline"
        return "no template matched and the page has no article body or structured data"

    def byline(self) -> str | None:
        element = self.ctx.first(
            '//*[contains(@class, "byline") or @rel="author" or @itemprop="author"]'
        )
        return normalize_space(element.text_content()) if element is not None else None

    def paragraphs(self) -> list[str]:
        container = self.ctx.first("//article")
        if container is None:
            container = self.ctx.first("//main")
        if container is not None:
            found = paragraph_texts(container.xpath(".//p"))
            if found:
                return found
        body = self.ld.get("articleBody")
        if isinstance(body, str) and body.strip():
            return [p for p in (normalize_space(x) for x in body.split("\n")) if p]
        return []
