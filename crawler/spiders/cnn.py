"""CNN: the Africa section and the news sitemap by default."""

from .base import NewsSpider


class CnnSpider(NewsSpider):
    name = "cnn"
    source = "cnn"
    default_start_urls = (
        "https://edition.cnn.com/world/africa",
        "https://edition.cnn.com/sitemaps/cnn/news.xml",
    )
