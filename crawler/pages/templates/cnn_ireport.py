"""CNN iReport (ireport.cnn.com): readers' submissions CNN did not vet, so not CNN articles."""

from __future__ import annotations

from urllib.parse import urlsplit

from ..article import ArticlePage
from ..base import PageContext


class CnnIReportPage(ArticlePage):
    """Any page of ireport.cnn.com: counted as not-article, with the reason."""

    NAME = "cnn/ireport"
    SOURCE = "cnn"

    @classmethod
    def matches(cls, ctx: PageContext) -> bool:
        host = (urlsplit(ctx.url).hostname or "").lower()
        return host == "ireport.cnn.com" or host.endswith(".ireport.cnn.com")

    def is_article(self) -> bool:
        return False

    def is_non_article_page(self) -> bool:
        return True

    def not_article_reason(self) -> str:
        return "CNN iReport: a reader's submission CNN did not vet, not a CNN article"
