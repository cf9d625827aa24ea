"""Items held on disk until the replay ends, then handed back in capture-time order.

Versions follow capture time, not the order of files: a replay reads files by name, and
names (like a clock that went backwards) need not follow capture time. Memory holds one
small key per item; the items themselves wait in a temporary file, in ``marshal``'s format:
this process alone reads it back, and the JSON an item is made of costs several times
less to write and read that way than as JSON.
"""

from __future__ import annotations

import json
import marshal
import os
import tempfile
from collections.abc import Iterator
from typing import Any

BUFFER = 1 << 20  # bytes written or read at a time


class CaptureSpool:
    """Collect items with :meth:`add`; :meth:`in_capture_order` yields them sorted."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(  # noqa: SIM115
            prefix="newsarchive-replay-", buffering=BUFFER
        )
        self._keys: list[tuple[str, int, int, int, int]] = []
        # Counted here, so an add is a buffered write and no seek (the reader below shares
        # the file's offset: after a read, the next add goes back to the end first).
        self._end = 0
        self._read = False

    def add(self, item: dict[str, Any]) -> None:
        metadata = item.get("metadata") or {}
        captured = str(metadata.get("dateDownloaded") or "")
        # Of one capture time, a copy that says where it came from first (see below).
        unsourced = 0 if metadata.get("retrievedFrom") else 1
        try:
            data = marshal.dumps(item)
        except ValueError:  # a value of a subclass (a str of lxml's): held as JSON gives it
            data = marshal.dumps(json.loads(json.dumps(item)))
        if self._read:
            self._file.seek(self._end)
            self._read = False
        self._file.write(data)
        self._keys.append((captured, unsourced, len(self._keys), self._end, len(data)))
        self._end += len(data)

    def __len__(self) -> int:
        return len(self._keys)

    def in_capture_order(self) -> Iterator[dict[str, Any]]:
        """Every item, by capture time; items of the same second keep archive order, but
        that one copied from a web archive and saying so (``retrievedFrom``) comes before
        one that does not: the store keeps the first of one capture of one content. A
        ``crawl --via`` killed between a copy's response record and its metadata record
        left a response naming no archive; the next run fetched the memento again and
        stored the article from that capture (a revisit), its provenance whole."""
        self._keys.sort()
        self._file.flush()
        self._read = True
        # A reader of its own with a large buffer: items already in capture order (the
        # usual case) are read straight on, a buffer at a time, with no seek per item.
        with open(os.dup(self._file.fileno()), "rb", buffering=BUFFER) as reader:
            position = -1
            for _captured, _unsourced, _seq, offset, length in self._keys:
                if offset != position:
                    reader.seek(offset)
                yield marshal.loads(reader.read(length))
                position = offset + length

    def close(self) -> None:
        self._file.close()
