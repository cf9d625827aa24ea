"""newsarchive: what outlives a crawl (WARC files, the article store, replay, the CLI)."""

__version__ = "0.1.0"
