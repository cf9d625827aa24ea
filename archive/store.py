"""The article store: append-only JSONL, one line per version of one article.

Lines go to ``articles/articles-YYYY-MM.jsonl`` by month of ``dateDownloaded``. The
"seen / unchanged / new version" decisions come from a SQLite index in ``state/``
that :meth:`ArticleStore.rebuild_index` can always recreate from the JSONL files.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONTENT_FIELDS = (
    "headline",
    "articleBody",
    "authors",
    "datePublished",
    "dateModified",
    "highlights",
    "relatedLinks",
)


def content_digest(item: dict[str, Any]) -> str:
    """SHA-1 over the fields whose change makes a new version."""
    subset = {name: item.get(name) for name in CONTENT_FIELDS}
    encoded = json.dumps(subset, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha1:" + hashlib.sha1(encoded.encode("utf-8")).hexdigest()


def dumps_line(record: dict[str, Any]) -> str:
    """One JSON line: ``ensure_ascii`` keeps U+2028 and control characters escaped."""
    return json.dumps(record, ensure_ascii=True, separators=(",", ":")) + "\n"


@dataclass(frozen=True)
class StoreDecision:
    status: str  # "new", "updated" or "unchanged"
    article_id: str
    version: int


class StoreLockedError(RuntimeError):
    """Another writer holds the store for longer than we are willing to wait."""


class ArticleStore:
    """Append and read articles under a data directory (``articles/`` and ``state/``)."""

    def __init__(self, data_dir: str | os.PathLike[str]):
        self.data_dir = Path(data_dir)
        self.articles_dir = self.data_dir / "articles"
        self.state_dir = self.data_dir / "state"
        self._db: sqlite3.Connection | None = None

    # -- index ---------------------------------------------------------------------------
    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self.state_dir.mkdir(parents=True, exist_ok=True)
            fresh = not (self.state_dir / "store.sqlite").exists()
            self._db = sqlite3.connect(self.state_dir / "store.sqlite")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS latest ("
                " article_id TEXT PRIMARY KEY, version INTEGER NOT NULL,"
                " content_digest TEXT NOT NULL, item TEXT NOT NULL)"
            )
            self._db.commit()
            if fresh and any(self.articles_dir.glob("articles-*.jsonl")):
                self.rebuild_index()
        return self._db

    def rebuild_index(self) -> int:
        """Recreate the index from the JSONL files; returns the number of lines read."""
        db = self.db
        db.execute("DELETE FROM latest")
        count = 0
        for line in self.iter_lines():
            count += 1
            self._remember(db, line)
        db.commit()
        return count

    @staticmethod
    def _remember(db: sqlite3.Connection, line: dict[str, Any]) -> None:
        db.execute(
            "INSERT INTO latest (article_id, version, content_digest, item) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(article_id) DO UPDATE SET version = excluded.version,"
            " content_digest = excluded.content_digest, item = excluded.item"
            " WHERE excluded.version > latest.version",
            (line["articleId"], line["version"], line["contentDigest"], json.dumps(line)),
        )

    # -- writing -------------------------------------------------------------------------
    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.articles_dir.mkdir(parents=True, exist_ok=True)
        with open(self.articles_dir / ".lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def add(self, item: dict[str, Any]) -> StoreDecision:
        """Store an item unless its content is unchanged; never rewrites an earlier line."""
        return self.add_many([item])[0]

    def add_many(self, items: list[dict[str, Any]]) -> list[StoreDecision]:
        decisions: list[StoreDecision] = []
        with self._locked():
            db = self.db
            pending: dict[Path, list[str]] = {}
            for item in items:
                decision, line = self._decide(db, item)
                decisions.append(decision)
                if line is None:
                    continue
                path = self.articles_dir / f"articles-{_month(line)}.jsonl"
                pending.setdefault(path, []).append(dumps_line(line))
                self._remember(db, line)
            for path, lines in pending.items():
                with open(path, "a", encoding="utf-8") as handle:
                    handle.write("".join(lines))
                    handle.flush()
                    os.fsync(handle.fileno())
            db.commit()
        return decisions

    def _decide(
        self, db: sqlite3.Connection, item: dict[str, Any]
    ) -> tuple[StoreDecision, dict[str, Any] | None]:
        digest = content_digest(item)
        row = db.execute(
            "SELECT version, content_digest, item FROM latest WHERE article_id = ?",
            (item["articleId"],),
        ).fetchone()
        if row is None:
            version, changes = 1, []
        elif row[1] == digest:
            return StoreDecision("unchanged", item["articleId"], row[0]), None
        else:
            previous = json.loads(row[2])
            version = row[0] + 1
            changes = [f for f in CONTENT_FIELDS if previous.get(f) != item.get(f)]
        line = _with_version(item, version, digest, changes)
        status = "new" if version == 1 else "updated"
        return StoreDecision(status, item["articleId"], version), line

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # -- reading -------------------------------------------------------------------------
    def files(self) -> list[Path]:
        return sorted(self.articles_dir.glob("articles-*.jsonl"))

    def iter_lines(self) -> Iterator[dict[str, Any]]:
        """Every complete line of every month file, oldest file first."""
        for path in self.files():
            with open(path, encoding="utf-8") as handle:
                for raw in handle:
                    if not raw.endswith("\n"):
                        break  # a torn last line: a writer died mid-write
                    try:
                        yield json.loads(raw)
                    except ValueError:
                        continue

    def iter_articles(
        self, *, source: str | None = None, all_versions: bool = False
    ) -> Iterator[dict[str, Any]]:
        """Stored articles in a stable order (file, then line); latest version by default."""
        if all_versions:
            for line in self.iter_lines():
                if source is None or line.get("source") == source:
                    yield line
            return
        latest = {
            row[0]: row[1] for row in self.db.execute("SELECT article_id, version FROM latest")
        }
        for line in self.iter_lines():
            if latest.get(line["articleId"]) != line["version"]:
                continue
            if source is None or line.get("source") == source:
                yield line


def _month(line: dict[str, Any]) -> str:
    downloaded = (line.get("metadata") or {}).get("dateDownloaded") or "0000-00"
    return downloaded[:7]


def _with_version(
    item: dict[str, Any], version: int, digest: str, changes: list[str]
) -> dict[str, Any]:
    line: dict[str, Any] = {}
    for key, value in item.items():
        line[key] = value
        if key == "articleId":
            line["version"] = version
            line["contentDigest"] = digest
            line["changes"] = changes
    return line
