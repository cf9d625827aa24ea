"""What the explorer asks the read model: every query bounded (a page, an article, a graph
capped in size), so an answer's cost and memory do not grow with the store."""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .readmodel import url_key

PAGE_SIZE = 50
MANY_MATCHES = 5000  # a search matching more is read along the date index instead of sorted
GRAPH_LIMIT = 120  # nodes in a story view

# Runs of letters and digits: the words FTS5's unicode61 tokenizer makes ("_" splits), with
# the combining accents it folds away inside them ("e" and U+0301 typed for "é").
_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+", re.UNICODE)


def connect(path: Path) -> sqlite3.Connection:
    """A read-only connection: the explorer never writes through it."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    db.row_factory = sqlite3.Row
    return db


# The words a search may hold; the explorer refuses a longer one rather than drop words.
MAX_WORDS = 20


def words(text: str) -> list[str]:
    """The words of a user's search, as the full-text index splits text into them."""
    return _WORD.findall(text)


def fts_query(text: str) -> str:
    """A user's words as an FTS5 query: every word must occur (no FTS syntax to get wrong)."""
    return " ".join(f'"{word}"' for word in words(text))


@dataclass
class Filters:
    q: str = ""
    source: str = ""
    topic: str = ""
    since: str = ""  # publication date, YYYY-MM-DD, inclusive
    until: str = ""  # publication date, YYYY-MM-DD, inclusive
    page: int = 1

    def where(self) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        args: list[Any] = []
        if self.source:
            clauses.append("a.source = ?")
            args.append(self.source)
        if self.topic:
            clauses.append("a.article_id IN (SELECT article_id FROM topics WHERE topic = ?)")
            args.append(self.topic)
        if self.since or self.until:  # by publication: undated articles are left out
            clauses.append("a.date_published IS NOT NULL")
        if self.since:
            clauses.append("a.sort_date >= ?")
            args.append(self.since)
        if self.until:
            clauses.append("a.sort_date < ?")
            args.append(self.until + "\uffff")
        return clauses, args


@dataclass
class Listing:
    rows: list[tuple[sqlite3.Row, str]]  # an article and its search snippet ("" if none)
    more: bool
    marks: tuple[str, str] = ("", "")  # around the matches in the snippets


def snippet_marks() -> tuple[str, str]:
    """Marks around a snippet's matches no stored text holds: a random word of their own,
    left as it is by HTML escaping (control characters as marks were a text's to write)."""
    token = secrets.token_hex(12)
    return f"[{token}[", f"]{token}]"


def articles(db: sqlite3.Connection, filters: Filters) -> Listing:
    """A page of articles, newest publication first; with ``q``, those matching it.

    The page is read along the date index, with the matches of a search as a set to test
    against, and snippets are made for that page only: a word in every article costs one
    pass over its posting list, never a sort or a snippet per match.
    """
    clauses, args = filters.where()
    offset = (max(1, filters.page) - 1) * PAGE_SIZE
    words = fts_query(filters.q)
    if not words:
        sql = "SELECT a.* FROM articles AS a"
    elif _matches_at_least(db, words, MANY_MATCHES):
        # Many matches: walk the date index, testing each article against the match set.
        sql = "SELECT a.* FROM articles AS a INDEXED BY articles_by_date"
        clauses.insert(0, "a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
        args.insert(0, words)
    else:  # few matches: fetch them and sort them
        sql = "SELECT a.* FROM articles_fts JOIN articles AS a ON a.id = articles_fts.rowid"
        clauses.insert(0, "articles_fts MATCH ?")
        args.insert(0, words)
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += " ORDER BY a.sort_date DESC, a.id DESC LIMIT ? OFFSET ?"
    rows = db.execute(sql, [*args, PAGE_SIZE + 1, offset]).fetchall()
    page = rows[:PAGE_SIZE]
    snippets: dict[int, str] = {}
    marks = snippet_marks()
    if words and page:
        ids = ",".join("?" * len(page))
        snippets = dict(
            db.execute(
                "SELECT rowid, snippet(articles_fts, 1, ?, ?, ' … ', 16) FROM articles_fts"
                f" WHERE articles_fts MATCH ? AND rowid IN ({ids})",
                [*marks, words, *(row["id"] for row in page)],
            ).fetchall()
        )
    return Listing(
        [(row, snippets.get(row["id"], "")) for row in page], len(rows) > PAGE_SIZE, marks
    )


def _matches_at_least(db: sqlite3.Connection, words: str, count: int) -> bool:
    """Whether a search matches ``count`` articles or more (reads at most that many)."""
    row = db.execute(
        "SELECT count(*) FROM (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? LIMIT ?)",
        (words, count),
    ).fetchone()
    return bool(row[0] >= count)


def topics(db: sqlite3.Connection, limit: int = 300) -> list[str]:
    rows = db.execute(
        "SELECT topic FROM topics GROUP BY topic ORDER BY count(*) DESC, topic LIMIT ?", (limit,)
    ).fetchall()
    return sorted(row[0] for row in rows)


def sources(db: sqlite3.Connection) -> list[str]:
    return [row[0] for row in db.execute("SELECT DISTINCT source FROM articles ORDER BY 1")]


def article(db: sqlite3.Connection, article_id: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = db.execute(
        "SELECT * FROM articles WHERE article_id = ?", (article_id,)
    ).fetchone()
    return row


def article_at(db: sqlite3.Connection, url: str) -> sqlite3.Row | None:
    """The stored article at ``url`` (its URL or canonical URL, as related links match)."""
    row: sqlite3.Row | None = db.execute(
        "SELECT a.* FROM article_urls AS u JOIN articles AS a ON a.article_id = u.article_id"
        " WHERE u.key = ?",
        (url_key(url),),
    ).fetchone()
    return row


def versions(db: sqlite3.Connection, article_id: str, limit: int) -> list[sqlite3.Row]:
    """The newest `limit` versions of an article, oldest first."""
    rows = db.execute(
        "SELECT v.*, c.url AS capture_url FROM versions AS v LEFT JOIN captures AS c"
        " ON c.article_id = v.article_id AND c.version = v.version"
        " WHERE v.article_id = ? ORDER BY v.version DESC LIMIT ?",
        (article_id, limit),
    ).fetchall()
    return rows[::-1]


def version_count(db: sqlite3.Connection, article_id: str) -> int:
    row = db.execute("SELECT count(*) FROM versions WHERE article_id = ?", (article_id,))
    return int(row.fetchone()[0])


def capture_urls(db: sqlite3.Connection, article_id: str) -> list[str]:
    """The URLs an article's versions were captured at, each once."""
    rows = db.execute(
        "SELECT DISTINCT url FROM captures WHERE article_id = ? AND url != ''", (article_id,)
    )
    return [row[0] for row in rows]


def authors(db: sqlite3.Connection, article_id: str) -> list[str]:
    rows = db.execute(
        "SELECT name FROM authors WHERE article_id = ? AND name != '' ORDER BY position",
        (article_id,),
    )
    return [row[0] for row in rows]


def links_out(db: sqlite3.Connection, article_id: str, limit: int) -> list[sqlite3.Row]:
    """The first `limit` links to related coverage an article holds, with the stored
    article each one is."""
    return db.execute(
        "SELECT l.url, l.headline, l.kind, t.article_id AS target_id,"
        " t.headline AS target_headline, t.source AS target_source"
        " FROM related_links AS l LEFT JOIN article_urls AS u ON u.key = l.target_key"
        " LEFT JOIN articles AS t ON t.article_id = u.article_id"
        " WHERE l.article_id = ? ORDER BY l.position LIMIT ?",
        (article_id, limit),
    ).fetchall()


def links_out_count(db: sqlite3.Connection, article_id: str) -> int:
    row = db.execute("SELECT count(*) FROM related_links WHERE article_id = ?", (article_id,))
    return int(row.fetchone()[0])


# Each article once, however many of its links point here (by kind, by URL form).
_LINKS_IN = (
    "SELECT DISTINCT a.article_id, a.headline, a.source, a.sort_date"
    " FROM article_urls AS u JOIN related_links AS l ON l.target_key = u.key"
    " JOIN articles AS a ON a.article_id = l.article_id"
    " WHERE u.article_id = ? AND l.article_id != ?"
)


def links_in(db: sqlite3.Connection, article_id: str, limit: int) -> list[sqlite3.Row]:
    """The newest `limit` stored articles whose related coverage points to this one."""
    return db.execute(
        _LINKS_IN + " ORDER BY a.sort_date DESC LIMIT ?", (article_id, article_id, limit)
    ).fetchall()


def links_in_count(db: sqlite3.Connection, article_id: str) -> int:
    row = db.execute(f"SELECT count(*) FROM ({_LINKS_IN})", (article_id, article_id))
    return int(row.fetchone()[0])


@dataclass
class Graph:
    nodes: dict[str, sqlite3.Row] = field(default_factory=dict)
    edges: set[tuple[str, str]] = field(default_factory=set)
    truncated: bool = False


def _neighbours(db: sqlite3.Connection, article_id: str) -> list[tuple[str, str]]:
    """Edges (from, to) between stored articles that touch ``article_id``."""
    out = db.execute(
        "SELECT u.article_id FROM related_links AS l JOIN article_urls AS u"
        " ON u.key = l.target_key WHERE l.article_id = ?",
        (article_id,),
    ).fetchall()
    into = db.execute(
        "SELECT DISTINCT l.article_id FROM article_urls AS u JOIN related_links AS l"
        " ON l.target_key = u.key WHERE u.article_id = ?",
        (article_id,),
    ).fetchall()
    edges = [(article_id, row[0]) for row in out] + [(row[0], article_id) for row in into]
    return [(a, b) for a, b in edges if a != b]


def story(db: sqlite3.Connection, seeds: list[str], limit: int = GRAPH_LIMIT) -> Graph:
    """The connected related-coverage graph around ``seeds``, breadth first, capped."""
    graph = Graph()
    queue = list(dict.fromkeys(seeds))
    seen = set(queue)
    while queue:
        current = queue.pop(0)
        row = article(db, current)
        if row is None:
            continue
        graph.nodes[current] = row
        if len(graph.nodes) >= limit:
            graph.truncated = bool(queue)
            break
        for a, b in _neighbours(db, current):
            graph.edges.add((a, b))
            other = b if a == current else a
            if other not in seen:
                seen.add(other)
                queue.append(other)
    graph.edges = {(a, b) for a, b in graph.edges if a in graph.nodes and b in graph.nodes}
    return graph


def topic_seeds(db: sqlite3.Connection, topic: str, limit: int = GRAPH_LIMIT) -> list[str]:
    rows = db.execute(
        "SELECT a.article_id FROM topics AS t JOIN articles AS a ON a.article_id = t.article_id"
        " WHERE t.topic = ? ORDER BY a.sort_date DESC LIMIT ?",
        (topic, limit),
    )
    return [row[0] for row in rows]


def json_list(text: str | None) -> list[str]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []
