"""Items held on disk until the replay ends, then handed back in capture-time order.

Versions follow capture time, not the order of files: a replay reads files by name, and
names (like a clock that went backwards) need not follow capture time. Memory holds one
small key per item; the items themselves wait in a temporary file.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from typing import Any


class CaptureSpool:
    """Collect items with :meth:`add`; :meth:`in_capture_order` yields them sorted."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="newsarchive-replay-")  # noqa: SIM115
        self._keys: list[tuple[str, int, int, int]] = []

    def add(self, item: dict[str, Any]) -> None:
        captured = str((item.get("metadata") or {}).get("dateDownloaded") or "")
        data = json.dumps(item, ensure_ascii=True, separators=(",", ":")).encode("ascii")
        offset = self._file.seek(0, 2)
        self._file.write(data)
        self._keys.append((captured, len(self._keys), offset, len(data)))

    def __len__(self) -> int:
        return len(self._keys)

    def in_capture_order(self) -> Iterator[dict[str, Any]]:
        """Every item, by capture time; items of the same second keep archive order."""
        self._keys.sort()
        for _captured, _seq, offset, length in self._keys:
            self._file.seek(offset)
            yield json.loads(self._file.read(length))

    def close(self) -> None:
        self._file.close()
