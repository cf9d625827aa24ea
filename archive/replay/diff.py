"""``replay --diff OLD_STORE``: per article and field, what re-extraction would change.

Each replayed item is compared with the stored line of the same capture (same WARC record
id), field by field. A capture with no line of its own (an unchanged re-fetch, which the
store kept no line of) is compared with the version the store held at its capture time,
by the store's own test: only a content digest that differs would write a line, and then
the content fields that differ are shown. So the same extraction of the captures a store
was made from shows nothing, and a parser change can be reviewed before it is applied.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from archive.store import ArticleStore
from archive.store.lines import STORE_FIELDS, TRACKED_FIELDS, captured_at, digest_and_hashes
from archive.store.reading import snapshot_lines

from .extract import Outcome


class StoreDiff:
    """Compares replayed items with an old store, holding an index of its lines (where each
    lies, by capture and by article) in a scratch SQLite file, not the lines: memory stays
    flat whatever the store's size, and a line is read again when an item is compared."""

    def __init__(self, old_store: Path, out: TextIO):
        self.out = out
        self._scratch = tempfile.TemporaryDirectory(prefix="newsarchive-diff-")
        self._index = sqlite3.connect(Path(self._scratch.name) / "lines.sqlite")
        self._index.execute(
            "CREATE TABLE lines (seq INTEGER PRIMARY KEY, record_id TEXT, article_id TEXT,"
            " version INTEGER, captured TEXT, file INTEGER, offset INTEGER)"
        )
        store = ArticleStore(old_store)
        try:
            self._files = store.files()
            sizes = [path.stat().st_size for path in self._files]
            rows = (
                (
                    (line.get("warc") or {}).get("recordId") or None,
                    line["articleId"],
                    line.get("version", 0),
                    captured_at(line),
                    number,
                    offset,
                )
                for (number, offset), line in snapshot_lines(store.articles_dir, self._files, sizes)
            )
            self._index.executemany(
                "INSERT INTO lines (record_id, article_id, version, captured, file, offset)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
        finally:
            store.close()
        self._index.execute("CREATE INDEX by_record ON lines (record_id)")
        self._index.execute("CREATE INDEX by_article ON lines (article_id, version, seq)")
        self._handles: dict[int, BinaryIO] = {}
        self._open = contextlib.ExitStack()
        self.compared = 0
        self.changed = 0
        self.new_articles: set[str] = set()
        self.lost = 0
        self.fields: Counter[str] = Counter()

    def close(self) -> None:
        """Drop the scratch index and close the store's files."""
        self._open.close()
        self._handles.clear()
        self._index.close()
        self._scratch.cleanup()

    def _line_at(self, number: int, offset: int) -> dict[str, Any]:
        """The stored line at `offset` of the snapshot's file `number` (read and checked
        whole when the index was made)."""
        handle = self._handles.get(number)
        if handle is None:
            handle = self._handles[number] = self._open.enter_context(
                self._files[number].open("rb")
            )
        handle.seek(offset)
        line: dict[str, Any] = json.loads(handle.readline())
        return line

    def _own_line(self, record_id: str | None) -> dict[str, Any] | None:
        """The stored line of the capture `record_id` (the last, if the store holds several)."""
        if not record_id:
            return None
        found = self._index.execute(
            "SELECT file, offset FROM lines WHERE record_id = ? ORDER BY seq DESC LIMIT 1",
            (record_id,),
        ).fetchone()
        return None if found is None else self._line_at(*found)

    def _held_at(self, article_id: str, captured: str) -> dict[str, Any] | None:
        """The version of `article_id` the store held when `captured` was taken (the
        first, if before it), None for an article the store lacks."""
        held = None
        for when, number, offset in self._index.execute(
            "SELECT captured, file, offset FROM lines WHERE article_id = ? ORDER BY version, seq",
            (article_id,),
        ):
            if held is None or when <= captured:
                held = (number, offset)
        return None if held is None else self._line_at(*held)

    def add(self, item: dict[str, Any]) -> None:
        own = self._own_line((item.get("warc") or {}).get("recordId"))
        held = self._held_at(item["articleId"], captured_at(item)) if own is None else None
        if own is None and held is None:
            if item["articleId"] not in self.new_articles:  # once, whatever its URLs
                self.new_articles.add(item["articleId"])
                self.out.write(f"+ {item['articleId']} {item['url']}: not in the old store\n")
            return
        self.compared += 1
        if own is not None:
            changes = field_changes(own, item)
        else:
            assert held is not None
            changes = _content_changes(held, item)
        if not changes:
            return
        self.changed += 1
        extractor = (item.get("metadata") or {}).get("extractor")
        self.out.write(f"~ {item['articleId']} {item['url']} ({extractor})\n")
        for name, before, after in changes:
            self.fields[name] += 1
            shown_before, shown_after = show_change(before, after)
            self.out.write(f"    {name}: {shown_before} -> {shown_after}\n")

    def gone(self, outcome: Outcome) -> None:
        """A capture that gave no item: listed if the old store holds its article."""
        old = self._own_line(outcome.record_id)
        if old is None:
            return
        self.lost += 1
        why = outcome.kind + (f": {outcome.problem}" if outcome.problem else "")
        self.out.write(f"- {old['articleId']} {old['url']}: no article now ({why})\n")

    def summary(self) -> str:
        fields = ", ".join(f"{name} {count}" for name, count in sorted(self.fields.items()))
        return (
            f"diff: {self.compared} captures compared, {self.changed} would change, "
            f"{len(self.new_articles)} not in the old store, {self.lost} no longer an article"
            + (f"; fields: {fields}" if fields else "")
        )


def _content_changes(held: dict[str, Any], item: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """What a capture with no line of its own would change: nothing when the store would
    find its content unchanged (the same content digest), else the content fields that
    differ (a dateModified the store filled in for a later version is not the page's)."""
    if digest_and_hashes(item)[0] == held.get("contentDigest"):
        return []
    filled = _store_filled(held, item)
    return [
        (name, held.get(name), item.get(name))
        for name in TRACKED_FIELDS
        if held.get(name) != item.get(name) and not (filled and name == "dateModified")
    ]


def _store_filled(line: dict[str, Any], item: dict[str, Any]) -> bool:
    """Whether the line's dateModified is the store's (its capture time, for a later
    version of a page that states none) where the item states none either."""
    return line.get("dateModifiedRaw") is None and item.get("dateModified") is None


def field_changes(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(field, old value, new value) for every field that differs; nested metadata by key
    (a dateModified the store filled in for a later version is not the page's)."""
    changes: list[tuple[str, Any, Any]] = []
    for name in sorted(set(old) | set(new)):
        if name in STORE_FIELDS or (name == "dateModified" and _store_filled(old, new)):
            continue
        before, after = old.get(name), new.get(name)
        if name == "metadata" and isinstance(before, dict) and isinstance(after, dict):
            for key in sorted(set(before) | set(after)):
                if before.get(key) != after.get(key):
                    changes.append((f"metadata.{key}", before.get(key), after.get(key)))
        elif before != after:
            changes.append((name, before, after))
    return changes


def show_change(before: Any, after: Any, limit: int = 160, context: int = 40) -> tuple[str, str]:
    """Two values as JSON, cut to the part that differs with `context` characters around it.

    Values up to `limit` characters are shown whole; longer ones from a little before the
    first difference to a little after the last, so a change late in a body shows.
    """
    old = json.dumps(before, ensure_ascii=False)
    new = json.dumps(after, ensure_ascii=False)
    if len(old) <= limit and len(new) <= limit:
        return old, new
    prefix = 0
    shortest = min(len(old), len(new))
    while prefix < shortest and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < shortest - prefix and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]:
        suffix += 1
    start = max(0, prefix - context)
    return (
        _window(old, start, len(old) - suffix + context, limit),
        _window(new, start, len(new) - suffix + context, limit),
    )


def _window(text: str, start: int, end: int, limit: int) -> str:
    """``text[start:end]`` (at most `limit` characters), marked where it was cut."""
    end = min(len(text), end, start + limit)
    return ("..." if start > 0 else "") + text[start:end] + ("..." if end < len(text) else "")
