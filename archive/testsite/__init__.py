"""The bundled test site: outlet-shaped pages served on loopback, for tests and the demo."""

from pathlib import Path

SITE_ROOT = Path(__file__).parent / "site"

# Where a crawl of each site folder starts (the folders are named after the outlets they
# imitate, so the demo crawls each with that outlet's spider).
START_PATHS = {
    "cnn": ["/world/africa/", "/sitemaps/cnn/news.xml"],
    "reuters": ["/world/africa/", "/sitemaps/news.xml"],
}
