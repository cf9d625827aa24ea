"""Reuters: the Africa section and the news sitemap by default."""

from .base import NewsSpider


class ReutersSpider(NewsSpider):
    name = "reuters"
    source = "reuters"
    default_start_urls = (
        "https://www.reuters.com/world/africa/",
        "https://www.reuters.com/arc/outboundfeeds/news-sitemap/?outputType=xml",
    )
