"""The Scrapy project of newsarchive: how pages are fetched and followed."""
