"""An outlet of the tests' own, declared in this one module with its one template.

``NEWSARCHIVE_OUTLETS=tests.outlet_example`` makes it a declared outlet: it gets a spider,
its host table, URL shapes, byline words and headline suffixes, and its pages are read by
:class:`ExampleStoryPage`, with no other edit anywhere.
"""

from __future__ import annotations

import re

from crawler.pages.article import ArticlePage, paragraph_texts
from crawler.pages.base import Link, PageContext
from crawler.pages.outlets import Outlet


class ExampleStoryPage(ArticlePage):
    """A story in ``<div class="story">``: an h1, a ``p.author`` byline, body paragraphs."""

    NAME = "example/2024"
    SOURCE = "example"

    @classmethod
    def matches(cls, ctx: PageContext) -> bool:
        return True  # the only template, so the fallback too

    def is_article(self) -> bool:
        return self.ctx.first('//div[@class="story"]') is not None and super().is_article()

    def byline(self) -> str | None:
        element = self.ctx.first('//p[@class="author"]')
        return element.text_content() if element is not None else None

    def related_links(self) -> list[Link]:
        found = []
        for anchor in self.ctx.doc.xpath('//ul[@class="related"]//a[@href]'):
            url = self.ctx.absolute(anchor.get("href"))
            if url:
                found.append(Link(url, "related", anchor.text_content().strip()))
        return found

    def paragraphs(self) -> list[str]:
        return paragraph_texts(self.ctx.doc.xpath('//div[@class="story"]/p[not(@class)]'))


OUTLET = Outlet(
    name="example",
    domains=("example-news.test",),
    same_site_hosts=frozenset({"example-news.test", "www.example-news.test"}),
    article_paths=(re.compile(r"^/stories/\d{4}/[a-z0-9-]+\.html$"),),
    start_points=("https://www.example-news.test/front.html",),
    templates=(ExampleStoryPage,),
    byline_words=frozenset({"examplewire"}),
    headline_suffixes=(" :: Example News",),
    site_names=("example news",),
)
