"""Start points are recognised by content (feeds, sitemaps, sections, articles); polite defaults."""

from __future__ import annotations

from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from crawler.pages import analyse
from crawler.run import CrawlOptions, build_settings

from .conftest import FAST, SiteServer, run_cli, store_lines

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>One</title><link>https://www.reuters.com/article/us-mali-one-idUSKBN1A</link></item>
<item><title>Two</title><link>https://www.reuters.com/article/us-mali-two-idUSKBN2B</link></item>
</channel></rss>"""
ATOM = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><title>Three</title><link href="https://www.cnn.com/2023/05/02/africa/three/index.html"/></entry>
</feed>"""
SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://www.cnn.com/sitemaps/cnn/news-1.xml</loc></sitemap></sitemapindex>"""


def test_feeds_and_sitemaps_are_recognised_whatever_their_content_type() -> None:
    for body, content_type, expected in (
        (RSS, "text/html; charset=utf-8", ["One", "Two"]),
        (ATOM, "application/octet-stream", ["Three"]),
        (SITEMAP_INDEX, "text/plain", [""]),
    ):
        analysis = analyse("https://www.example.org/feed", {"Content-Type": content_type}, body)
        assert analysis.kind == "listing"
        assert [link.headline for link in analysis.links] == expected
        assert all(link.url.startswith("https://www.") for link in analysis.links)


def test_crawl_from_an_rss_feed(site: SiteServer, tmp_path: Path) -> None:
    feed = site.url("cnn", "/rss/edition_africa.rss")
    result = run_cli(
        "crawl", "cnn", "--data", str(tmp_path), "--start-url", feed, "--depth", "0", *FAST
    )
    assert result.returncode == 0, result.stderr
    headlines = sorted(line["headline"] for line in store_lines(tmp_path))
    assert headlines == ["Scholars race to save the manuscripts", "Talks begin over Kidal"]
    # The feed names edition.cnn.com (with a tracking parameter): every fetch stayed on the
    # mirror, and the items carry the pages' own canonical URLs.
    fetched = [
        record.rec_headers.get_header("WARC-Target-URI")
        for path in sorted((tmp_path / "warc").glob("*.warc.gz"))
        for record in ArchiveIterator(path.open("rb"))
        if record.rec_type in ("response", "revisit")
    ]
    assert fetched and all(url.startswith(site.urls["cnn"] + "/") for url in fetched)
    assert {line["canonicalUrl"].split("/")[2] for line in store_lines(tmp_path)} == {"www.cnn.com"}


def test_polite_defaults_and_contact_in_the_user_agent(tmp_path: Path) -> None:
    settings = build_settings(
        CrawlOptions(
            spiders=["cnn"],
            data_dir=tmp_path,
            settings={"NEWSARCHIVE_CONTACT_URL": "https://archive.example.org/contact"},
        ),
        "test-run",
    )
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2
    user_agent = settings.get("USER_AGENT")
    assert user_agent.startswith("newsarchive/")
    assert "+https://archive.example.org/contact" in user_agent


def test_a_start_point_that_is_gone_is_an_error_of_the_run(
    site: SiteServer, tmp_path: Path
) -> None:
    """A section that moved (404) gave exit 0, "ok" and no error, run after run: the cron
    mail that should say the start points need updating never came."""
    import json

    gone = site.url("cnn", "/world/no-such-section/")
    result = run_cli(
        "crawl", "cnn", "--data", str(tmp_path), "--start-url", gone, "--depth", "0", *FAST
    )  # fmt: skip
    report = json.loads(next((tmp_path / "runs").glob("*.json")).read_text())
    assert report["errors"]["start_gone"]["examples"] == [gone]
    assert result.returncode == 1 and "FAILED" in result.stdout
