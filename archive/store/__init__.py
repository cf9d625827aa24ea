"""The article store: append-only JSONL, one line per version of one article.

Lines go to ``articles/articles-YYYY-MM.jsonl`` by month of ``dateDownloaded``. The
"seen / unchanged / new version" decisions come from a SQLite index in ``state/`` that
the JSONL files can always recreate (:meth:`ArticleStore.rebuild_index`).
"""

from .files import StoreLockedError
from .lines import CONTENT_FIELDS, content_digest, encode_line
from .reading import iso_instant
from .store import ArticleStore, InvalidLineError, StoreDecision

__all__ = [
    "CONTENT_FIELDS",
    "ArticleStore",
    "InvalidLineError",
    "StoreDecision",
    "StoreLockedError",
    "content_digest",
    "encode_line",
    "iso_instant",
]
