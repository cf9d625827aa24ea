"""WARC files: writing captures faithfully, reading them back, indexing them."""

from .records import Capture, HttpMessage, RecordLocation
from .writer import WarcWriter

__all__ = ["Capture", "HttpMessage", "RecordLocation", "WarcWriter"]
