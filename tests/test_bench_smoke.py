"""The benchmark script, tiny: the generated site is what the extractors expect, and a
20-page run of ``python -m bench`` (40 for the scale rows) prints every measurement and every
target ratio."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from bench.density import Density, measure
from bench.eras import ERAS
from bench.server import serve
from bench.sitegen import generate
from crawler.linkpolicy import is_article_url
from crawler.pages import analyse

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "data" / "pages"


def test_site_is_deterministic_heavy_and_extractable(tmp_path: Path) -> None:
    one = generate(tmp_path / "one", 24, seed=7)
    two = generate(tmp_path / "two", 24, seed=7)
    files_one = sorted(p.relative_to(one.root) for p in one.root.rglob("*") if p.is_file())
    files_two = sorted(p.relative_to(two.root) for p in two.root.rglob("*") if p.is_file())
    assert files_one == files_two
    assert all((one.root / f).read_bytes() == (two.root / f).read_bytes() for f in files_one)
    extractors = set()
    generated = {path for paths in one.articles.values() for path in paths}
    for outlet, path, file in one.article_files():
        body = file.read_bytes()
        assert 100_000 <= len(body) <= 300_000
        found = analyse(
            "http://127.0.0.1:8000" + path, {"Content-Type": "text/html"}, body, source=outlet
        )
        assert found.kind == "article", path
        extractors.add(found.extractor)
        for link in found.links:
            if is_article_url(link.url, outlet):
                assert link.url.split("://", 1)[1].split("/", 1)[1] in {
                    p.lstrip("/") for p in generated
                }
    assert {"cnn/2013", "cnn/2015", "cnn/2021"} <= extractors
    assert any((e or "").startswith("reuters/") for e in extractors)
    for outlet in one.articles:
        sitemap = (one.folder(outlet) / "sitemaps" / "news-0.xml").read_text("utf-8")
        assert all(path in sitemap for path in one.articles[outlet])
        assert (one.folder(outlet) / "world" / "africa" / "index.html").exists()


def test_every_article_link_of_the_site_leads_to_a_page_it_serves(tmp_path: Path) -> None:
    """An article-shaped link, read from where its page now lives (relative ones too), is
    one of the site's pages: a crawler following every such link (the bare spider) fetches
    no page the other crawlers do not."""
    from urllib.parse import urljoin, urlsplit

    from lxml import html

    site = generate(tmp_path / "site", 40)
    for outlet in site.articles:
        folder = site.folder(outlet)
        served = {"/" + str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
        for page in folder.rglob("*.html"):
            base = "http://127.0.0.1:8000/" + str(page.relative_to(folder))
            for href in html.fromstring(page.read_bytes()).xpath("//a/@href"):
                url = urljoin(base, href)
                if is_article_url(url, outlet):
                    path = urlsplit(url).path
                    assert path in served or path.rstrip("/") + "/index.html" in served, (
                        page,
                        href,
                    )


@pytest.mark.parametrize(
    "era", ["cnn_2021", "reuters_2021", "cnn_2015", "cnn_2013", "reuters_2013"]
)
def test_era_site_has_the_eras_templates_at_its_real_density(tmp_path: Path, era: str) -> None:
    """An era's site is built from that era's fixtures only; page N has the weight of the
    era's real page N, and is made from the fixture that follows that page where the era
    names one; over the pages, the era's elements, attributes, links and the class, id and
    data-testid attributes the templates index."""
    chosen = {e.folder: e for e in ERAS}[era]
    site = generate(
        tmp_path / "site",
        len(chosen.pages),
        seed=2,
        era=era,
        profiles=chosen.pages,
        fixtures=chosen.fixtures,
    )
    assert site.templates and all(name.startswith(f"{era}/") for name in site.templates)
    measured = []
    pages = zip(
        site.article_files(),
        chosen.pages,
        chosen.fixtures or [None] * len(chosen.pages),
        strict=True,
    )
    for (outlet, path, file), real, fixture in pages:
        body = file.read_bytes()
        measured.append(measure(body))
        if len(body) > 1.3 * real.bytes:  # the fixture alone outweighs that real page
            assert measured[-1].links < 1.6 * real.links, (path, measured[-1], real)
        else:
            assert 0.9 * real.bytes <= len(body) <= 1.1 * real.bytes, (path, len(body))
        found = analyse(
            "http://127.0.0.1:8000" + path, {"Content-Type": "text/html"}, body, source=outlet
        )
        assert found.kind == "article", path
        assert found.article is not None
        if fixture:
            expected = json.loads((FIXTURES / era / f"{fixture}.json").read_text("utf-8"))
            assert found.article["headline"] == expected["headline"], (path, fixture)
    ours, theirs = Density.mean(measured), chosen.profile
    for name in ("elements", "attributes", "links", "script_share", "style_share", "classes"):
        assert 0.85 <= getattr(ours, name) / getattr(theirs, name) <= 1.15, (name, ours, theirs)
    for name in ("ids", "test_ids"):
        assert getattr(theirs, name) * 0.85 <= getattr(ours, name) <= getattr(theirs, name) * 1.15
    assert ours.depth >= theirs.depth - 4


def test_every_fixture_of_an_era_is_on_its_site() -> None:
    """Every fixture of an era is on its site, at a path of a shape the crawl follows."""
    from bench.sitegen import load_templates

    for era in ERAS:
        on_disk = {p.stem for p in (FIXTURES / era.folder).glob("*.json")}
        assert {t.name.split("/", 1)[1] for t in load_templates(era.folder)} == on_disk, era.folder
        assert {f for f in era.fixtures if f} <= on_disk, era.folder
        # The site takes page N's fixture from the same place in `fixtures` as its profile.
        assert len(era.fixtures) in (0, len(era.pages)), era.folder


def test_every_era_has_fixtures_that_extract() -> None:
    """Each era of the table names a fixture folder with at least one article page."""
    from bench.sitegen import load_templates

    for era in ERAS:
        assert load_templates(era.folder), era.folder


def test_python_server_gzips_on_loopback(tmp_path: Path) -> None:
    site = generate(tmp_path / "site", 4)
    outlet, path, file = site.article_files()[0]
    with serve({outlet: site.folder(outlet)}, tmp_path / "run", use_nginx=False) as (kind, bases):
        request = urllib.request.Request(bases[outlet] + path, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request) as response:
            assert kind == "python"
            assert response.headers["Content-Encoding"] == "gzip"
            assert gzip.decompress(response.read()) == file.read_bytes()


PEAK_PROBE = """
import sys
from pathlib import Path
from bench.measure import PYTHON, run_measured
grown = bytearray(200 * 1024 * 1024)
grown[::4096] = b"x" * len(grown[::4096])  # touched: 200 MB resident in the bench
del grown
log = Path(sys.argv[1])
small = run_measured([PYTHON, "-c", "pass"], log)
big = run_measured([PYTHON, "-c", "b = bytearray(300 << 20); b[::4096] = b'x' * (75 << 10)"], log)
print(small.max_rss_mb, big.max_rss_mb)
"""


def test_peak_rss_is_the_childs_own_not_the_benchs(tmp_path: Path) -> None:
    """A child forked by a grown bench inherits its peak RSS: the measure must not report it."""
    done = subprocess.run(
        [sys.executable, "-c", PEAK_PROBE, str(tmp_path / "probe.log")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    small, big = (float(v) for v in done.stdout.split())
    assert small < 100  # `python -c pass`, whatever the bench's 200 MB
    assert big >= 300  # a child above the bench's peak: its own rusage


@pytest.mark.slow
@pytest.mark.bench
def test_bench_smoke_run_prints_the_table(tmp_path: Path) -> None:
    table = tmp_path / "table.md"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--pages",
            "20",
            "--sample",
            "6",
            "--scale-pages",
            "40",
            "--era-pages",
            "2",
            "--era-sample",
            "2",
            "--eras",
            "reuters_2021",
            "--python-server",
            "--workdir",
            str(tmp_path / "work"),
            "--output",
            str(table),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    text = table.read_text("utf-8")
    assert text in done.stdout
    rows = [line.split("|")[1:-1] for line in text.splitlines() if line.startswith("| ")]
    measured = {(r[0].strip(), r[2].strip()): r for r in rows if len(r) == 8}
    crawl = measured[("1", "newsarchive crawl (WARC + extraction + store)")]
    bare = measured[("1", "bare Scrapy spider (same links)")]
    pages = int(crawl[3].replace(",", ""))
    assert pages == int(bare[3].replace(",", "")) and pages >= 20  # articles + listings
    assert float(crawl[4]) > 0 and float(bare[4]) > 0
    for number in ("2", "3", "4", "5", "6", "7"):
        assert any(key[0] == number for key in measured), number
    assert float(measured[("3", "newsarchive analyse")][4]) > 0
    ratios = [r for r in rows if len(r) == 5]
    assert {r[0].strip() for r in ratios} >= {"1", "3", "5", "6", "7"}
    scale = {r[1].strip() for r in ratios if r[0].strip() == "5"}
    assert scale == {"CPU/page: 40 / 20 pages", "peak RSS: 40 / 20 pages"}
    assert float(measured[("5", "newsarchive crawl, 40 pages")][4]) > 0
    assert "Machine: " in text and "Scrapy" in text
    era = [key for key in measured if key[0] == "8"]
    assert {key[1] for key in era} == {
        "newsarchive crawl",
        "bare Scrapy spider",
        "analyse",
        "lxml.html.fromstring",
        "trafilatura extract",
    }
    era_ratios = {r[1].strip() for r in ratios if r[0].strip() == "8"}
    assert era_ratios == {
        "reuters_2021: crawl CPU/page, newsarchive / bare spider",
        "reuters_2021: extraction pages/s, newsarchive / trafilatura",
        "reuters_2021: extraction CPU/page, newsarchive / bare lxml parse",
    }


def test_era_chrome_leaves_every_fixtures_item_as_it_was() -> None:
    """The chrome of each era goes around the story: every fixture of the era gives the
    same item with it as without it, at every real page's density of the era."""
    import random

    from bench.filler import Chrome
    from bench.sitegen import _dress, load_templates

    chrome = Chrome(random.Random(3))
    headers = {"Content-Type": "text/html"}
    for era in ERAS:
        for index, template in enumerate(load_templates(era.folder)):
            url = "https://example.com" + template.path
            profile = era.pages[index % len(era.pages)]
            plain = analyse(url, headers, template.html.encode("utf-8"), source=template.outlet)
            own = measure(template.html.encode("utf-8"))
            parts = chrome.page(random.Random(index), profile, own, profile.bytes)
            dressed = _dress(template.html, parts).encode("utf-8")
            found = analyse(url, headers, dressed, source=template.outlet)
            assert found.kind == plain.kind == "article", template.name
            assert found.extractor == plain.extractor, template.name
            assert found.article == plain.article, template.name


def test_redesign_compares_the_generic_item_of_a_renamed_page_with_the_templates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench.redesign import main, redesigned

    from .conftest import REPO

    assert redesigned(b'<p class="a b" id="x" data-testid="t">') == (
        b'<p class="zzb a" id="zzx" data-testid="zzt">'
    )
    fixture = REPO / "tests" / "data" / "pages" / "cnn_2021" / "analysis_related_card_subheads"
    stated = json.loads(fixture.with_suffix(".json").read_text("utf-8"))
    shutil.copy(fixture.with_suffix(".html"), tmp_path / "story.html")
    side = {"url": stated["url"], "source": stated["source"]}
    (tmp_path / "story.json").write_text(json.dumps(side), "utf-8")
    assert main([str(tmp_path)]) == 0
    table = capsys.readouterr().out.splitlines()
    (row,) = [line for line in table if line.startswith("| story |")]
    assert row.startswith("| story | cnn/2021 | cnn/generic | 1 | 1 |"), row
    assert table[-1].startswith("| all 1 |")
