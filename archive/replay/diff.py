"""``replay --diff OLD_STORE``: per article and field, what re-extraction would change.

Each replayed item is compared with the stored line of the same capture (same WARC record
id), field by field. A capture with no line of its own (an unchanged re-fetch, which the
store kept no line of) is compared with the version the store held at its capture time,
by the store's own test: only a content digest that differs would write a line, and then
the content fields that differ are shown. So the same extraction of the captures a store
was made from shows nothing, and a parser change can be reviewed before it is applied.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any, TextIO

from archive.store import ArticleStore
from archive.store.lines import STORE_FIELDS, TRACKED_FIELDS, captured_at, digest_and_hashes

from .extract import Outcome


class StoreDiff:
    def __init__(self, old_store: Path, out: TextIO):
        self.out = out
        self.by_record: dict[str, dict[str, Any]] = {}
        # Each article's versions, by version number.
        self.by_article: dict[str, list[dict[str, Any]]] = {}
        store = ArticleStore(old_store)
        try:
            for line in store.iter_lines():
                record_id = (line.get("warc") or {}).get("recordId")
                if record_id:
                    self.by_record[record_id] = line
                self.by_article.setdefault(line["articleId"], []).append(line)
        finally:
            store.close()
        for versions in self.by_article.values():
            versions.sort(key=lambda line: line.get("version", 0))
        self.compared = 0
        self.changed = 0
        self.new_articles: set[str] = set()
        self.lost = 0
        self.fields: Counter[str] = Counter()

    def add(self, item: dict[str, Any]) -> None:
        record_id = (item.get("warc") or {}).get("recordId")
        own = self.by_record.get(record_id or "")
        versions = self.by_article.get(item["articleId"])
        if own is None and not versions:
            if item["articleId"] not in self.new_articles:  # once, whatever its URLs
                self.new_articles.add(item["articleId"])
                self.out.write(f"+ {item['articleId']} {item['url']}: not in the old store\n")
            return
        self.compared += 1
        if own is not None:
            changes = field_changes(own, item)
        else:
            assert versions
            changes = _content_changes(_held_at(versions, captured_at(item)), item)
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
        old = self.by_record.get(outcome.record_id) if outcome.record_id else None
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


def _held_at(versions: list[dict[str, Any]], captured: str) -> dict[str, Any]:
    """The version the store held when `captured` was taken (the first, if before it)."""
    held = versions[0]
    for line in versions:
        if captured_at(line) <= captured:
            held = line
    return held


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
