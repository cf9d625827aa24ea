"""The store's read model in ``state/explorer.sqlite``: articles as tables, with full-text search.

Derived data, like the store's index: the JSONL files are the truth. Tables ``articles``
(the latest version of each), ``versions`` (every version, with its text), ``authors``,
``related_links`` (with the stored article each points to, when there is one), ``topics``,
``captures`` (the WARC record of each version) and ``articles_fts`` (FTS5 over headline and
body of the latest version). It is caught up line by line from where it stopped (a byte
count per month file), in bounded transactions; a rebuild is one transaction, so readers
see the old model until the new one is whole. Building it streams: memory does not grow
with the store. The crawl catches it up at its end, ``newsarchive store rebuild``
recreates it, and the explorer catches it up before it answers.

The same builder writes ``newsarchive export sqlite``, with a filter on the lines. It sits
above the store (floor 2, with the offline readers): linking an article to the coverage it
points to needs the outlets' URL rules from extraction.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from archive.store.files import complete_lines, month_files, whole_size
from archive.store.reading import parse
from crawler.pages.urls import canonicalize_url, same_page_form, site_key

from ..statedb import open_state_db, versioned_tables

log = logging.getLogger("archive.store")

READ_MODEL_NAME = "explorer.sqlite"
READ_MODEL_VERSION = "2"  # 2: one url_key for every form of a page
COMMIT_EVERY = 2000  # lines per transaction while catching up
MAX_WAIT = (2**31 - 1) // 1000  # seconds: the longest wait for a writer SQLite takes

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY, size INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    url TEXT NOT NULL,
    canonical_url TEXT NOT NULL,
    headline TEXT NOT NULL,
    description TEXT,
    date_published TEXT,
    date_modified TEXT,
    dateline TEXT,
    authors TEXT NOT NULL,
    topics TEXT NOT NULL,
    keywords TEXT NOT NULL,
    version INTEGER NOT NULL,
    first_downloaded TEXT NOT NULL,
    last_downloaded TEXT NOT NULL,
    sort_date TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_by_date ON articles (sort_date DESC, id DESC);
CREATE INDEX IF NOT EXISTS articles_by_source ON articles (source, sort_date DESC, id DESC);
CREATE TABLE IF NOT EXISTS versions (
    article_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    date_downloaded TEXT NOT NULL,
    date_modified TEXT,
    headline TEXT NOT NULL,
    article_body TEXT NOT NULL,
    changes TEXT NOT NULL,
    content_digest TEXT NOT NULL,
    PRIMARY KEY (article_id, version)
);
CREATE TABLE IF NOT EXISTS authors (
    article_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    name_raw TEXT NOT NULL,
    PRIMARY KEY (article_id, position)
);
CREATE INDEX IF NOT EXISTS authors_by_name ON authors (name);
CREATE TABLE IF NOT EXISTS related_links (
    article_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    url TEXT NOT NULL,
    headline TEXT NOT NULL,
    kind TEXT NOT NULL,
    target_key TEXT NOT NULL,
    PRIMARY KEY (article_id, position)
);
CREATE INDEX IF NOT EXISTS related_links_by_target ON related_links (target_key);
CREATE TABLE IF NOT EXISTS article_urls (
    key TEXT PRIMARY KEY,
    article_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS article_urls_by_article ON article_urls (article_id);
CREATE VIEW IF NOT EXISTS related_coverage AS
    SELECT l.article_id, l.position, l.url, l.headline, l.kind, u.article_id AS target_id
    FROM related_links AS l LEFT JOIN article_urls AS u ON u.key = l.target_key;
CREATE TABLE IF NOT EXISTS topics (
    article_id TEXT NOT NULL,
    topic TEXT NOT NULL,
    PRIMARY KEY (article_id, topic)
);
CREATE INDEX IF NOT EXISTS topics_by_topic ON topics (topic, article_id);
CREATE TABLE IF NOT EXISTS captures (
    article_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    date_downloaded TEXT NOT NULL,
    url TEXT NOT NULL,
    warc_filename TEXT,
    warc_offset INTEGER,
    warc_length INTEGER,
    record_id TEXT,
    payload_digest TEXT,
    PRIMARY KEY (article_id, version)
);
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    headline, body, tokenize = 'unicode61 remove_diacritics 2'
);
"""

TABLES = (
    "files",
    "articles",
    "versions",
    "authors",
    "related_links",
    "article_urls",
    "topics",
    "captures",
)

LineFilter = Callable[[dict[str, Any]], bool]


def url_key(url: str) -> str:
    """What a link and an article's URL or canonical URL share when they name one page:
    tracking parameters, fragment, scheme and an outlet's host aliases ignored, the forms
    the crawl takes for one page (``slug``, ``slug/``, ``slug/index.html``) made one, and
    non-ASCII characters written percent-encoded (``é`` as ``%C3%A9``)."""
    try:
        key = same_page_form(site_key(canonicalize_url(url)))
    except ValueError:
        return ""
    if not key.isascii():
        key = _NON_ASCII_RE.sub(lambda m: quote(m.group(), safe=""), key)
    return _ESCAPE_RE.sub(lambda m: m.group().upper(), key)


_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]+")
_ESCAPE_RE = re.compile(r"%[0-9a-f][0-9a-fA-F]|%[0-9A-F][a-f]")


class ReadModel:
    """A SQLite file of tables over the store; one writer at a time (SQLite's own lock)."""

    def __init__(self, path: Path, timeout: float = 60):
        """`timeout`: seconds to wait for another writer before "database is locked"."""
        self.path = Path(path)
        self.timeout = timeout
        self._db: sqlite3.Connection | None = None

    @classmethod
    def of(cls, data_dir: Path, timeout: float = 60) -> ReadModel:
        return cls(Path(data_dir) / "state" / READ_MODEL_NAME, timeout)

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            # SQLite takes the wait in milliseconds as a 32-bit number: a longer one overflows
            # to no wait at all, so it is cut to the longest it takes (24 days).
            timeout = min(self.timeout, MAX_WAIT)
            self._db = open_state_db(self.path, _set_up, isolation_level=None, timeout=timeout)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            self._db.close()
            self._db = None

    def __enter__(self) -> ReadModel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- building ----------------------------------------------------------------------------
    def stale(self, files: list[Path]) -> bool:
        """Whether the files hold whole lines the model has not read (a cheap stat check)."""
        known = dict(self.db.execute("SELECT name, size FROM files").fetchall())
        return any(known.get(path.name, 0) != path.stat().st_size for path in files) or bool(
            set(known) - {path.name for path in files}
        )

    def catch_up(
        self,
        files: list[Path],
        accept: LineFilter | None = None,
        *,
        clear: bool = False,
        limit: int | None = None,
    ) -> int:
        """Read the lines appended since the last call, at most `limit` of them (the rest
        are read by the next call); returns how many were added. With `clear` (or when a
        file shrank or vanished), the model is made anew from all lines in one
        transaction: readers see the old model until the new one is whole."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            known = dict(db.execute("SELECT name, size FROM files").fetchall())
            names = {path.name for path in files}
            if not clear and (
                set(known) - names
                or any(known.get(path.name, 0) > path.stat().st_size for path in files)
            ):
                log.warning("the read model is ahead of the store's files; rebuilding it")
                clear = True
            if clear:
                self._clear()
                known = {}
            added = pending = read = 0
            for path in files:
                start = known.get(path.name, 0)
                end = stop = whole_size(path)
                if end <= start:
                    continue
                for offset, raw in complete_lines(path, start, end):
                    if limit is not None and not clear and read >= limit:
                        stop = offset
                        break
                    read += 1
                    line = parse(raw, path, offset)
                    if line is None or (accept is not None and not accept(line)):
                        continue
                    self._add(line)
                    added += 1
                    pending += 1
                    if pending >= COMMIT_EVERY and not clear:
                        self._set_size(path.name, offset + len(raw) + 1)
                        db.execute("COMMIT")
                        db.execute("BEGIN IMMEDIATE")
                        pending = 0
                self._set_size(path.name, stop)
                if stop < end:
                    break
            db.execute("COMMIT")
            return added
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def rebuild(self, files: list[Path], accept: LineFilter | None = None) -> int:
        """Recreate the model from the files; returns the articles it holds."""
        self.catch_up(files, accept, clear=True)
        return self.count()

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def _clear(self) -> None:
        for name in TABLES:
            self.db.execute(f"DELETE FROM {name}")
        self.db.execute("DELETE FROM articles_fts")

    def _set_size(self, name: str, size: int) -> None:
        self.db.execute(
            "INSERT INTO files (name, size) VALUES (?, ?)"
            " ON CONFLICT(name) DO UPDATE SET size = excluded.size",
            (name, size),
        )

    def _add(self, line: dict[str, Any]) -> None:
        db = self.db
        aid = line["articleId"]
        version = int(line["version"])
        downloaded = str((line.get("metadata") or {}).get("dateDownloaded") or "")
        body = str(line.get("articleBody") or "")
        headline = str(line.get("headline") or "")
        db.execute(
            "INSERT OR IGNORE INTO versions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                aid,
                version,
                downloaded,
                line.get("dateModified"),
                headline,
                body,
                json.dumps(line.get("changes") or []),
                str(line.get("contentDigest") or ""),
            ),
        )
        warc = line.get("warc") or {}
        db.execute(
            "INSERT OR IGNORE INTO captures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                aid,
                version,
                downloaded,
                str(line.get("url") or ""),
                warc.get("filename"),
                warc.get("offset"),
                warc.get("length"),
                warc.get("recordId"),
                warc.get("payloadDigest"),
            ),
        )
        row = db.execute(
            "SELECT id, version, first_downloaded FROM articles WHERE article_id = ?", (aid,)
        ).fetchone()
        if row is not None and row[1] >= version:
            if downloaded and downloaded < row[2]:
                db.execute(
                    "UPDATE articles SET first_downloaded = ? WHERE id = ?", (downloaded, row[0])
                )
            return
        authors = [a for a in line.get("authors") or [] if isinstance(a, dict)]
        topics = [str(t) for t in line.get("topics") or []]
        first = downloaded if row is None else min(row[2], downloaded) if downloaded else row[2]
        published = line.get("datePublished")
        values = (
            aid,
            str(line.get("source") or ""),
            str(line.get("url") or ""),
            str(line.get("canonicalUrl") or line.get("url") or ""),
            headline,
            line.get("description"),
            published,
            line.get("dateModified"),
            line.get("dateline"),
            ", ".join(str(a["name"]) for a in authors if a.get("name")),
            json.dumps(topics),
            json.dumps([str(k) for k in line.get("keywords") or []]),
            version,
            first,
            downloaded,
            published or first,
        )
        if row is None:
            rowid = db.execute(
                "INSERT INTO articles (article_id, source, url, canonical_url, headline,"
                " description, date_published, date_modified, dateline, authors, topics,"
                " keywords, version, first_downloaded, last_downloaded, sort_date)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                values,
            ).lastrowid
        else:
            rowid = row[0]
            db.execute(
                "UPDATE articles SET article_id = ?, source = ?, url = ?, canonical_url = ?,"
                " headline = ?, description = ?, date_published = ?, date_modified = ?,"
                " dateline = ?, authors = ?, topics = ?, keywords = ?, version = ?,"
                " first_downloaded = ?, last_downloaded = ?, sort_date = ? WHERE id = ?",
                (*values, rowid),
            )
            db.execute("DELETE FROM articles_fts WHERE rowid = ?", (rowid,))
            for table in ("authors", "related_links", "topics"):
                db.execute(f"DELETE FROM {table} WHERE article_id = ?", (aid,))
        db.execute(
            "INSERT INTO articles_fts (rowid, headline, body) VALUES (?, ?, ?)",
            (rowid, headline, body),
        )
        db.executemany(
            "INSERT INTO authors VALUES (?, ?, ?, ?)",
            [
                (aid, n, str(a.get("name") or ""), str(a.get("nameRaw") or ""))
                for n, a in enumerate(authors)
            ],
        )
        db.executemany(
            "INSERT OR REPLACE INTO article_urls VALUES (?, ?)",
            [(key, aid) for key in {url_key(values[2]), url_key(values[3])} if key],
        )
        db.executemany(
            "INSERT OR IGNORE INTO topics VALUES (?, ?)", [(aid, topic) for topic in topics]
        )
        links = [link for link in line.get("relatedLinks") or [] if isinstance(link, dict)]
        db.executemany(
            "INSERT INTO related_links VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    aid,
                    n,
                    str(link.get("url") or ""),
                    str(link.get("headline") or ""),
                    str(link.get("kind") or ""),
                    url_key(str(link.get("url") or "")),
                )
                for n, link in enumerate(links)
            ],
        )


def catch_up(data_dir: Path) -> int:
    """Bring ``state/explorer.sqlite`` up to date with the store; the lines added."""
    with ReadModel.of(data_dir) as model:
        return model.catch_up(month_files(Path(data_dir) / "articles"))


def rebuild(data_dir: Path, timeout: float = 60) -> int:
    """Recreate ``state/explorer.sqlite`` from the store; the articles it holds. Waits
    `timeout` seconds for another writer of it (then sqlite3's "database is locked")."""
    with ReadModel.of(data_dir, timeout) as model:
        return model.rebuild(month_files(Path(data_dir) / "articles"))


def _set_up(db: sqlite3.Connection) -> None:
    """The read model's pragmas and tables; its tables dropped when made by another version."""
    versioned_tables(
        db,
        READ_MODEL_VERSION,
        "".join(f"DROP TABLE IF EXISTS {name};" for name in TABLES)
        + "DROP TABLE IF EXISTS articles_fts; DROP VIEW IF EXISTS related_coverage;",
    )
    fresh = not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles_fts'").fetchone()
    db.executescript(SCHEMA)
    if fresh:
        # FTS5's automatic merges hold a growing share of the index in memory as it
        # grows (100 MiB at 100,000 articles against 33 without them); its crisis
        # merges alone keep the segments few, in constant memory.
        db.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', 0)")
