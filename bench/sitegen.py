"""A generated news site for the benchmarks: N article pages in every template we extract.

Each page is one of the saved fixture pages (``tests/data/pages/<template>/``) moved to a
URL of its own, its article-shaped links pointed at other generated pages (so related
coverage links pages together), and padded to 100-260 KB with what makes real pages heavy:
inline scripts and state blobs, navigation, ad slots, footers. An era's site (see
``bench/eras.py``) gets instead chrome up to the measured density of the pages the outlet
served in that era: weight, elements, attributes, links, depth, script and style shares
(``bench/filler.py``), each page made from the fixture that follows that real page's
story where the era names one. Each outlet gets a folder with paginated section pages, a news
sitemap index and robots.txt. Same seed, same bytes.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from crawler.linkpolicy import is_article_url
from crawler.pages import analyse

from .density import Density, measure
from .filler import Chrome, Parts

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "data" / "pages"
OUTLETS = ("cnn", "reuters")
SECTION_PATH = "/world/africa/"
SECTION_PAGE_SIZE = 100
SITEMAP_SIZE = 1000
HOSTS = {"cnn": "https://www.cnn.com", "reuters": "https://www.reuters.com"}

_HREF_RE = re.compile(r'href="([^"]*)"')
_BODY_OPEN_RE = re.compile(r"<body[^>]*>", re.I)
_HEAD_CLOSE_RE = re.compile(r"</head\s*>", re.I)
_HEAD_OPEN_RE = re.compile(r"<head(?:\s[^>]*)?>", re.I)


@dataclass
class Template:
    """One fixture page, ready to be copied to new URLs."""

    name: str  # e.g. "cnn_2013/mali_gao_airport"
    outlet: str
    html: str
    path: str  # the fixture's own canonical path, replaced in each copy


@dataclass
class Site:
    """What was generated: per outlet its folder, start paths and article paths."""

    root: Path
    seed: int
    pages: int
    articles: dict[str, list[str]] = field(default_factory=dict)
    templates: list[str] = field(default_factory=list)
    bytes_html: int = 0

    def folder(self, outlet: str) -> Path:
        return self.root / outlet

    def start_paths(self, outlet: str) -> list[str]:
        return [SECTION_PATH, "/sitemaps/news.xml"]

    def article_files(self) -> list[tuple[str, str, Path]]:
        """(outlet, path, file) of every article page, in generation order."""
        out = []
        for outlet, paths in self.articles.items():
            for path in paths:
                out.append((outlet, path, file_for(self.folder(outlet), path)))
        return out


def load_templates(era: str | None = None) -> list[Template]:
    """Fixture pages that extract as articles at an article-shaped URL of their own (of one
    template era, ``tests/data/pages/<era>/``, when `era` is given)."""
    templates = []
    for page in sorted(FIXTURES.glob(f"{era or '*'}/*.html")):
        expected_file = page.with_suffix(".json")
        if not expected_file.exists() or page.with_suffix(".headers.json").exists():
            continue  # in progress, or needs headers a static server does not send
        expected = json.loads(expected_file.read_text("utf-8"))
        html = page.read_text("utf-8")
        path = urlsplit(expected["canonicalUrl"]).path
        template = Template(f"{page.parent.name}/{page.stem}", expected["source"], html, path)
        new_path = _moved_path(path, 0, template.outlet)
        if new_path is None:
            continue
        url = HOSTS[template.outlet] + new_path
        body = html.replace(path, new_path).encode("utf-8")
        found = analyse(url, {"Content-Type": "text/html"}, body, source=template.outlet)
        if found.kind == "article":
            templates.append(template)
    return templates


def _moved_path(path: str, serial: int, outlet: str) -> str | None:
    """The fixture's path with a serial in front of its slug (its own shape, which the
    outlet declares: the crawl follows it), or None if the outlet would not follow it."""
    parts = path.split("/")
    index = len(parts) - 1
    while index > 0 and parts[index] in ("", "index.html"):
        index -= 1
    parts[index] = f"b{serial:06d}-{parts[index]}"
    moved = "/".join(parts)
    return moved if is_article_url(HOSTS[outlet] + moved, outlet) else None


def file_for(folder: Path, path: str) -> Path:
    """Where a URL path lives on disk (``/a/`` is ``a/index.html``)."""
    relative = path.lstrip("/")
    if not relative or relative.endswith("/"):
        relative += "index.html"
    return folder / relative


class Padding:
    """Page weight: scripts, state blobs, navigation and ad slots, deterministic by seed."""

    def __init__(self, rng: random.Random):
        syllables = ["ka", "lo", "mi", "ne", "su", "ta", "re", "vi", "do", "pa", "xe", "qu"]
        self.words = [
            "".join(rng.choice(syllables) for _ in range(rng.randint(2, 5))) for _ in range(1500)
        ]
        self.chunks = [self._script(rng) for _ in range(48)] + [self._state(rng) for _ in range(48)]
        self.nav = self._nav(rng)

    def _ident(self, rng: random.Random) -> str:
        return rng.choice(self.words) + rng.choice(self.words).capitalize()

    def _script(self, rng: random.Random) -> str:
        lines: list[str] = []
        while sum(len(line) for line in lines) < 6000:
            a, b, c = self._ident(rng), self._ident(rng), self._ident(rng)
            lines.append(
                f"function {a}(e,t){{var n={b}(e);if(!n||n.{c}===void 0)"
                f"{{return t({rng.randrange(1 << 30):x})}}return n.{c}.map(function(r)"
                f'{{return r.{a}+"{rng.choice(self.words)}"}})}}'
            )
        return "<script>" + ";".join(lines) + "</script>\n"

    def _state(self, rng: random.Random) -> str:
        entries: dict[str, object] = {}
        while len(entries) < 120:
            entries[self._ident(rng)] = {
                "id": f"{rng.randrange(1 << 48):012x}",
                "label": " ".join(rng.choice(self.words) for _ in range(rng.randint(2, 8))),
                "w": rng.randint(1, 2000),
                "on": rng.random() < 0.5,
            }
        blob = json.dumps(entries, separators=(",", ":"))
        return f'<script type="application/json" data-state="1">{blob}</script>\n'

    def _nav(self, rng: random.Random) -> str:
        links = []
        for _ in range(250):
            words = [rng.choice(self.words) for _ in range(rng.randint(1, 3))]
            links.append(f'<li><a href="/{"-".join(words)}">{" ".join(words).title()}</a></li>')
        return '<nav class="bench-nav"><ul>' + "".join(links) + "</ul></nav>\n"

    def head_and_tail(self, rng: random.Random, target: int) -> tuple[str, str]:
        """Markup for after ``<body>`` and before ``</body>``, about `target` characters
        (within half a chunk: light eras' pages stay near their weight)."""
        if 2 * len(self.nav) <= target:
            head = [self.nav]
            tail = ['<footer class="bench-footer">', self.nav, "</footer>\n"]
            size = 2 * len(self.nav)
        else:
            head, tail, size = [], [], 0
        slot = 0
        while size < target:
            chunk = rng.choice(self.chunks)
            if size + len(chunk) // 2 > target:
                break
            ad = (
                f'<div class="ad-slot" id="ad-slot-{slot}" data-pos="{rng.choice(self.words)}"'
                f' data-sizes="300x250,728x90"></div>\n'
            )
            slot += 1
            (head if rng.random() < 0.3 else tail).append(ad + chunk)
            size += len(ad) + len(chunk)
        return "".join(head), "".join(tail)


def generate(
    root: Path,
    pages: int,
    *,
    seed: int = 1,
    era: str | None = None,
    profiles: Sequence[Density] = (),
    fixtures: Sequence[str | None] = (),
) -> Site:
    """Write a site of about `pages` article pages (split over the outlets) under `root`.

    With `era`, only that template era's fixtures are used; with `profiles` (the measured
    densities of the pages the outlet served in that era), article page N gets chrome of
    our own that brings it to the density of profile N modulo their count, its weight
    within 5%, instead of 100-260 KB of padding. `fixtures` names, per profile, the fixture
    (file name without ``.html``) that follows that real page; its pages are made from it,
    the others' from the era's fixtures in turn.
    """
    rng = random.Random(seed)
    templates = load_templates(era)
    if not templates:
        raise RuntimeError(
            f"no fixture page{f' of {era}' if era else ''} extracts as an article:"
            " nothing to generate from"
        )
    padding = Padding(rng)
    chrome = Chrome(rng) if profiles else None
    own: dict[str, Density] = {}
    site = Site(root=root, seed=seed, pages=pages, templates=[t.name for t in templates])
    by_name = {t.name.split("/", 1)[1]: t for t in templates}
    missing = {name for name in fixtures if name and name not in by_name}
    if missing:
        raise RuntimeError(
            f"fixture {', '.join(sorted(missing))} of {era} does not extract as an article"
        )
    plan: list[tuple[Template, str]] = []
    for serial in range(pages):
        named = fixtures[serial % len(profiles)] if fixtures and profiles else None
        template = by_name[named] if named else templates[serial % len(templates)]
        moved = _moved_path(template.path, serial, template.outlet)
        assert moved is not None  # load_templates kept only fixtures whose path moves
        plan.append((template, moved))
    by_outlet: dict[str, list[str]] = {o: [] for o in OUTLETS}
    for template, path in plan:
        by_outlet[template.outlet].append(path)
    site.articles = {o: p for o, p in by_outlet.items() if p}
    for serial, (template, path) in enumerate(plan):
        if chrome:
            profile = profiles[serial % len(profiles)]
            size = rng.randint(int(profile.bytes * 0.95), int(profile.bytes * 1.05))
            if template.name not in own:
                own[template.name] = measure(template.html.encode("utf-8"))
            html = _page(template, path, site.articles[template.outlet], None, rng, size)
            html = _dress(html, chrome.page(rng, profile, own[template.name], size))
        else:
            size = rng.randint(103_000, 260_000)
            html = _page(template, path, site.articles[template.outlet], padding, rng, size)
        file = file_for(site.folder(template.outlet), path)
        file.parent.mkdir(parents=True, exist_ok=True)
        data = html.encode("utf-8")
        file.write_bytes(data)
        site.bytes_html += len(data)
    for outlet, paths in site.articles.items():
        _write_listings(site.folder(outlet), outlet, paths, padding, rng)
    return site


def _page(
    template: Template,
    path: str,
    peers: list[str],
    padding: Padding | None,
    rng: random.Random,
    size: int,
) -> str:
    """The fixture moved to `path`, its article links pointed at `peers`, padded to about
    `size` characters (not padded without `padding`)."""
    html = template.html.replace(template.path, path)

    def relink(match: re.Match[str]) -> str:
        href = match.group(1).replace("&amp;", "&")
        parts = urlsplit(href)
        # A relative link is read from the page's new place (a crawler follows it there).
        where = urlsplit(urljoin(HOSTS[template.outlet] + path, href)).path
        if where == path or not is_article_url(HOSTS[template.outlet] + where, template.outlet):
            return match.group(0)
        target = rng.choice(peers)
        prefix = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
        return f'href="{prefix}{target}"'

    html = _HREF_RE.sub(relink, html)
    if padding is None:
        return html
    # Padded to a total of about `size` characters, whatever the fixture page weighs itself.
    head, tail = padding.head_and_tail(rng, max(0, size - len(html)))
    return _around_body(html, head, tail)


def _around_body(html: str, top: str, bottom: str) -> str:
    """`top` right after ``<body>`` and `bottom` right before ``</body>`` (both at the end
    of a page without them)."""
    opened = _BODY_OPEN_RE.search(html)
    if opened:
        html = html[: opened.end()] + top + html[opened.end() :]
    else:
        bottom = top + bottom
    closing = html.lower().rfind("</body>")
    if closing < 0:
        return html + bottom
    return html[:closing] + bottom + html[closing:]


def _dress(html: str, parts: Parts) -> str:
    """The page with its chrome: style sheets before ``</head>``, the rest around the story."""
    top, bottom = parts.top, parts.bottom
    at = _HEAD_OPEN_RE.search(html) if parts.early else None
    if at:  # before the page's charset declaration
        html = html[: at.end()] + parts.head + html[at.end() :]
    elif at := _HEAD_CLOSE_RE.search(html):
        html = html[: at.start()] + parts.head + html[at.start() :]
    else:
        top = parts.head + top
    return _around_body(html, top, bottom)


def _write_listings(
    folder: Path, outlet: str, paths: list[str], padding: Padding, rng: random.Random
) -> None:
    """Paginated section pages, a news sitemap index with its sitemaps, robots.txt."""
    newest_first = list(reversed(paths))
    pages = max(1, -(-len(newest_first) // SECTION_PAGE_SIZE))
    for number in range(pages):
        batch = newest_first[number * SECTION_PAGE_SIZE : (number + 1) * SECTION_PAGE_SIZE]
        items = "".join(
            f'<li class="card"><a href="{p}"><span class="headline">Story {p.split("/")[-2]}'
            f"</span></a></li>"
            for p in batch
        )
        more = (
            f'<a class="pager" href="{SECTION_PATH}page/{number + 2}/">More</a>'
            if number + 1 < pages
            else ""
        )
        head, tail = padding.head_and_tail(rng, 60_000)
        html = (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>Africa - {outlet}</title></head><body>{head}"
            f'<main><h2>Africa</h2><ul class="section-list">{items}</ul>{more}</main>'
            f"{tail}</body></html>"
        )
        section = SECTION_PATH if number == 0 else f"{SECTION_PATH}page/{number + 1}/"
        target = file_for(folder, section)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, "utf-8")
    sitemaps = []
    for number in range(0, len(paths), SITEMAP_SIZE):
        name = f"/sitemaps/news-{number // SITEMAP_SIZE}.xml"
        sitemaps.append(name)
        urls = "".join(
            f"<url><loc>{HOSTS[outlet]}{p}</loc><news:news><news:title>Story {i}</news:title>"
            f"</news:news></url>\n"
            for i, p in enumerate(paths[number : number + SITEMAP_SIZE], start=number)
        )
        _write_xml(
            file_for(folder, name),
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
            ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
            f"{urls}</urlset>\n",
        )
    index = "".join(f"<sitemap><loc>{name}</loc></sitemap>\n" for name in sitemaps)
    _write_xml(
        file_for(folder, "/sitemaps/news.xml"),
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{index}'
        "</sitemapindex>\n",
    )
    (folder / "robots.txt").write_text(
        "User-agent: *\nDisallow: /private/\nSitemap: /sitemaps/news.xml\n", "utf-8"
    )


def _write_xml(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + text, "utf-8")
