"""The read model (``state/explorer.sqlite``): kept current by the crawl, caught up line by line,
recreated by ``store rebuild``."""

from __future__ import annotations

import html
import json
import sqlite3
import urllib.request
from pathlib import Path

import pytest

from archive.explorer.readmodel import ReadModel, url_key
from archive.store import ArticleStore
from archive.store.files import month_files

from . import test_replay_helpers as helpers
from .conftest import browsing, copy_data_dir, run_cli, store_lines

site_archive = helpers.site_archive


def query(data: Path, sql: str, *args: object) -> list[tuple]:
    with sqlite3.connect(data / "state" / "explorer.sqlite") as db:
        return db.execute(sql, args).fetchall()


def test_the_crawl_leaves_every_stored_article_in_the_read_model(site_archive: Path) -> None:
    lines = store_lines(site_archive)
    latest = {line["articleId"]: line for line in sorted(lines, key=lambda x: x["version"])}
    rows = query(site_archive, "SELECT article_id, headline, dateline, source FROM articles")
    assert {r[0]: (r[1], r[2], r[3]) for r in rows} == {
        a: (line["headline"], line["dateline"], line["source"]) for a, line in latest.items()
    }
    assert query(site_archive, "SELECT count(*) FROM versions")[0][0] == len(lines)
    assert query(site_archive, "SELECT count(*) FROM captures")[0][0] == len(lines)
    authors = {a: [x["name"] for x in line["authors"]] for a, line in latest.items()}
    for article, names in authors.items():
        got = query(
            site_archive,
            "SELECT name FROM authors WHERE article_id = ? ORDER BY position",
            article,
        )
        assert [r[0] for r in got] == names


def test_full_text_search_over_headline_and_body(site_archive: Path) -> None:
    line = next(x for x in store_lines(site_archive) if x["paragraphs"])
    word = max(line["paragraphs"][0].split(), key=len).strip(".,;:'\"()")
    hits = query(
        site_archive,
        "SELECT a.article_id FROM articles_fts JOIN articles AS a ON a.id = articles_fts.rowid"
        " WHERE articles_fts MATCH ?",
        f'"{word}"',
    )
    assert line["articleId"] in {h[0] for h in hits}


def test_related_links_resolve_to_stored_articles_through_mirror_and_canonical_urls(
    site_archive: Path,
) -> None:
    lines = store_lines(site_archive)
    by_key = {
        url_key(url): line["articleId"]
        for line in lines
        for url in (line["url"], line["canonicalUrl"])
    }
    rows = query(site_archive, "SELECT article_id, url, target_id FROM related_coverage")
    assert rows
    for source, url, target in rows:
        assert target == by_key.get(url_key(url)), (source, url)
    assert any(target for _s, _u, target in rows)


def test_a_new_version_replaces_the_searchable_text_and_keeps_both_versions(
    site_archive: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    copy_data_dir(site_archive, data)
    line = store_lines(data)[0]
    changed = {k: v for k, v in line.items() if k not in ("version", "contentDigest", "changes")}
    changed["headline"] = "Zanzibarite rewrite of the story"
    with ArticleStore(data) as store:
        assert store.add(changed).status == "updated"
    with ReadModel.of(data) as model:
        assert model.catch_up(month_files(data / "articles")) == 1
        assert model.catch_up(month_files(data / "articles")) == 0
    hits = query(data, "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'zanzibarite'")
    assert len(hits) == 1
    old = line["headline"].split()[0]
    assert (line["articleId"], line["version"] + 1) in query(
        data, "SELECT article_id, version FROM versions"
    )
    assert query(data, "SELECT headline FROM articles WHERE article_id = ?", line["articleId"]) == [
        ("Zanzibarite rewrite of the story",)
    ]
    assert old  # the old headline stays in the versions table
    assert (line["headline"],) in query(
        data, "SELECT headline FROM versions WHERE article_id = ?", line["articleId"]
    )


def test_store_rebuild_recreates_a_lost_read_model(site_archive: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    copy_data_dir(site_archive, data)
    before = query(data, "SELECT article_id, headline, version FROM articles ORDER BY article_id")
    for path in (data / "state").glob("explorer.sqlite*"):
        path.unlink()
    result = run_cli("store", "rebuild", "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert "explorer.sqlite" in result.stdout
    after = query(data, "SELECT article_id, headline, version FROM articles ORDER BY article_id")
    assert after == before


def test_every_form_of_one_page_has_one_url_key() -> None:
    """The crawl fetches .../slug/, .../slug and .../slug/index.html once, as one page, and
    a path written with é or %C3%A9 is one path: the explorer said "not stored" or "not
    archived" of a related link written in another form than the stored or indexed one."""
    from archive.explorer.readmodel import url_key

    forms = [
        "https://www.cnn.com/2024/05/01/world/café-story/index.html",
        "https://www.cnn.com/2024/05/01/world/café-story/",
        "https://www.cnn.com/2024/05/01/world/café-story",
        "http://edition.cnn.com/2024/05/01/world/caf%C3%A9-story",
        "https://www.cnn.com/2024/05/01/world/caf%c3%a9-story/index.html",
    ]
    assert len({url_key(form) for form in forms}) == 1
    assert url_key(forms[0]) != url_key("https://www.cnn.com/2024/05/01/world/cafe-story")


def test_a_rebuild_shows_readers_the_old_model_until_the_new_one_is_whole(
    site_archive: Path, tmp_path: Path, monkeypatch: object
) -> None:
    """`store rebuild` while the explorer runs: the tables were emptied and committed first,
    then filled in transactions of 2000 lines, so the explorer said "No stored article
    matches" and showed a part of the store until the end."""
    import pytest

    from archive.explorer import readmodel

    data = tmp_path / "data"
    copy_data_dir(site_archive, data)
    path = data / "state" / "explorer.sqlite"
    before = query(data, "SELECT count(*) FROM articles")[0][0]
    assert before > 2
    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setattr(readmodel, "COMMIT_EVERY", 1)
    seen: list[int] = []

    class Watched(ReadModel):
        def _add(self, line: dict) -> None:
            super()._add(line)
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as reader:
                seen.append(reader.execute("SELECT count(*) FROM articles").fetchone()[0])

    with Watched(path) as model:
        assert model.rebuild(month_files(data / "articles")) == before
    assert seen and set(seen) == {before}


def test_a_lone_surrogate_in_a_store_line_reads_as_a_replacement_character(
    site_archive: Path, tmp_path: Path
) -> None:
    """A line holding an escaped lone surrogate ("\\ud800", which JSON allows and UTF-8 cannot
    write) stopped `store rebuild`, both exports and `browse` with an internal error."""
    data = tmp_path / "data"
    copy_data_dir(site_archive, data)
    (path,) = month_files(data / "articles")
    line = store_lines(data)[0]
    # The line's own headline: the same words may stand as another line's related link.
    written = b'"headline":' + json.dumps(line["headline"]).encode("ascii")
    raw = path.read_bytes().split(b"\n")
    assert raw[0].count(written) == 1
    raw[0] = raw[0].replace(written, written[:-1] + b' \\ud800"')
    path.write_bytes(b"\n".join(raw))
    result = run_cli("store", "rebuild", "--data", str(data))
    assert result.returncode == 0, result.stderr
    headline = line["headline"] + " \ufffd"
    assert query(data, "SELECT headline FROM articles WHERE article_id = ?", line["articleId"]) == [
        (headline,)
    ]
    for fmt, out in (("sqlite", tmp_path / "news.db"), ("wacz", tmp_path / "news.wacz")):
        result = run_cli("export", fmt, str(out), "--data", str(data))
        assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "news.db") as db:
        assert (headline,) in db.execute("SELECT headline FROM articles").fetchall()
    with browsing(data) as base, urllib.request.urlopen(base + "/", timeout=30) as answer:
        assert html.escape(headline) in answer.read().decode("utf-8")


def test_store_rebuild_while_another_process_writes_the_read_model_exits_75(
    site_archive: Path, tmp_path: Path
) -> None:
    """The read model's rebuild waited a minute for a writer (a browse or a crawl catching
    it up) whatever --wait said, then stopped with an internal error (exit 70)."""
    data = tmp_path / "data"
    copy_data_dir(site_archive, data)
    writer = sqlite3.connect(data / "state" / "explorer.sqlite", isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        result = run_cli("store", "rebuild", "--data", str(data), "--wait", "0.3", timeout=50)
        writer.execute("ROLLBACK")
    finally:
        writer.close()
    assert result.returncode == 75, result.stderr
    message = result.stderr.strip()
    assert "\n" not in message and "Traceback" not in message
    assert "explorer.sqlite" in message and "being written by another process" in message
    assert run_cli("store", "rebuild", "--data", str(data)).returncode == 0


@pytest.mark.parametrize("seconds", [3_000_000, 10**9])
def test_a_wait_of_weeks_or_more_waits_rather_than_not_at_all(
    tmp_path: Path, seconds: float
) -> None:
    """``store rebuild --wait 1000000000`` (wait as long as it takes) gave up at once: SQLite
    takes its wait in milliseconds as a 32-bit number, and the overflow was no wait."""
    with ReadModel(tmp_path / "explorer.sqlite", timeout=seconds) as model:
        (waits,) = model.db.execute("PRAGMA busy_timeout").fetchone()
    assert waits >= 2_000_000_000  # milliseconds: more than 23 days
