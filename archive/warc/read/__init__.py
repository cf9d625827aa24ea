"""Reading WARC files back: sources (files, folders, WACZ), the records reader, payloads
by offset, the CDXJ index, and the captures index that replay and ``crawl --from-archive``
share. Pure archive reading: no extraction, no Scrapy.
"""
