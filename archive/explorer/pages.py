"""The explorer's HTML, written by the server: every value from the archive is escaped, and a
page loads nothing but itself (styles inline, no script, no font or image from elsewhere)."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from html import escape
from types import MappingProxyType
from urllib.parse import quote, urlencode

from . import queries
from .captures import Capture, showing
from .graph import colour, svg
from .queries import Filters, Graph, Listing
from .textdiff import diff_html, inline_diff, paragraphs

_NONE_MISSING: Mapping[Capture, str] = MappingProxyType({})  # no capture shown is missing

COLLECTION = "news"
# At most this many captures listed on an article page: the newest.
MAX_CAPTURES = 200
# At most this many versions shown on an article page, each with its diff: the newest.
MAX_VERSIONS = 100
# At most this many related links shown each way: the first an article holds, the newest
# articles pointing to it.
MAX_LINKS = 100
NO_HEADLINE = "(no headline)"

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#222;background:#fff}
header{background:#1d2b36;color:#fff;padding:.6em 1.2em}header a{color:#fff;text-decoration:none}
main{max-width:1140px;margin:0 auto;padding:1em 1.2em;overflow-wrap:anywhere}
form.filters{display:flex;flex-wrap:wrap;gap:.5em;align-items:end;margin-bottom:1em}
form.filters label{display:flex;flex-direction:column;font-size:.8em;color:#555}
ol.articles{list-style:none;padding:0}ol.articles li{padding:.55em 0;border-bottom:1px solid #eee}
.meta{color:#555;font-size:.85em}.outlet{font-weight:600}.snippet{color:#333;font-size:.9em}
mark{background:#fde68a}del{background:#fecaca}ins{background:#bbf7d0;text-decoration:none}
.diff p{margin:.3em 0}.diff .same{color:#888;font-style:italic}
table{border-collapse:collapse}td,th{padding:.2em .6em;border-bottom:1px solid #eee;text-align:left}
.pager{display:flex;gap:1em}.legend span{margin-right:1em}
svg.story{max-width:100%;height:auto;border:1px solid #ddd}
svg .label{font-size:11px;fill:#222}svg .tick{font-size:11px;fill:#444}
svg .band{font-size:13px;font-weight:600}
"""


def layout(title: str, body: str) -> bytes:
    page = (
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<link rel="icon" href="data:,"><title>{escape(title)} · newsarchive</title>'
        f"<style>{STYLE}</style></head><body>"
        '<header><a href="/"><strong>newsarchive</strong></a> · story explorer</header>'
        f"<main>{body}</main></body></html>"
    )
    return page.encode("utf-8")


def article_href(article_id: str) -> str:
    return "/article/" + quote(article_id, safe="")


def headline(text: str) -> str:
    """A headline as escaped HTML; an empty one (a hand-made store line) as words saying so,
    so a link to its article has something to click."""
    return escape(text) if text.strip() else NO_HEADLINE


def _headline_link(row: sqlite3.Row) -> str:
    """A link to a stored article by its headline, in the headline's own direction."""
    return f'<a dir="auto" href="{article_href(row["article_id"])}">{headline(row["headline"])}</a>'


def replay_href(capture: Capture) -> str:
    return f"/{COLLECTION}/{capture.timestamp}/{capture.url}"


def byline(row: sqlite3.Row) -> str:
    bits = [
        f'<span class="outlet" style="color:{colour(row["source"])}">{escape(row["source"])}</span>'
    ]
    if row["date_published"]:
        bits.append(f"<time>{escape(row['date_published'])}</time>")
    else:
        bits.append(f"<span>first captured {escape(row['first_downloaded'])}</span>")
    if row["dateline"]:
        bits.append(f'<span class="dateline" dir="auto">{escape(row["dateline"])}</span>')
    if row["authors"]:
        bits.append(f'<span class="authors">by <bdi>{escape(row["authors"])}</bdi></span>')
    return '<div class="meta">' + " · ".join(bits) + "</div>"


def _options(values: list[str], chosen: str, blank: str) -> str:
    """A menu's options, the one `chosen` among them even where `values` leave it out (a
    topic rarer than those listed): a menu saying "any" would drop it from the next search."""
    out = [f'<option value="">{escape(blank)}</option>']
    if chosen and chosen not in values:
        values = [*values, chosen]
    for value in values:
        selected = " selected" if value == chosen else ""
        out.append(f'<option value="{escape(value)}"{selected}>{escape(value)}</option>')
    return "".join(out)


def start(filters: Filters, listing: Listing, sources: list[str], topics: list[str]) -> bytes:
    form = (
        '<form class="filters" method="get" action="/" role="search">'
        f'<label>Search<input type="search" name="q" value="{escape(filters.q)}"'
        ' placeholder="words in headline or text" dir="auto"></label>'
        f'<label>Outlet<select name="source">{_options(sources, filters.source, "all")}'
        "</select></label>"
        f'<label>Topic<select name="topic">{_options(topics, filters.topic, "any")}'
        "</select></label>"
        '<label title="articles without a publication date are left out">'
        'Published from<input type="date" name="since"'
        f' value="{escape(filters.since)}"></label>'
        f'<label>to<input type="date" name="until" value="{escape(filters.until)}"></label>'
        '<button type="submit">Show</button></form>'
    )
    items = []
    for row, found in listing.rows:
        snippet = ""
        if found:
            opening, closing = listing.marks
            text = escape(found).replace(opening, "<mark>").replace(closing, "</mark>")
            snippet = f'<div class="snippet" dir="auto">{text}</div>'
        items.append(
            f'<li><a class="headline" dir="auto" href="{article_href(row["article_id"])}">'
            f"{headline(row['headline'])}</a>{byline(row)}{snippet}</li>"
        )
    if not items:
        items.append('<li class="empty">No stored article matches.</li>')
    topic_link = ""
    if filters.topic:
        topic_link = (
            f'<p><a href="/story?{urlencode({"topic": filters.topic})}">Story view of the topic'
            f" “{escape(filters.topic)}”</a></p>"
        )
    title = f"Search: {filters.q}" if filters.q else "Articles"
    return layout(
        title,
        f"<h1>{escape(title)}</h1>{form}{topic_link}"
        f'<ol class="articles">{"".join(items)}</ol>{_pager(filters, listing)}',
    )


def _pager(filters: Filters, listing: Listing) -> str:
    def href(page: int) -> str:
        params = {
            k: v
            for k, v in (
                ("q", filters.q),
                ("source", filters.source),
                ("topic", filters.topic),
                ("since", filters.since),
                ("until", filters.until),
            )
            if v
        }
        params["page"] = str(page)
        return "/?" + urlencode(params)

    links = []
    if filters.page > 1:
        links.append(f'<a rel="prev" href="{escape(href(filters.page - 1))}">← newer</a>')
    links.append(f"<span>page {filters.page}</span>")
    if listing.more:
        links.append(f'<a rel="next" href="{escape(href(filters.page + 1))}">older →</a>')
    return '<nav class="pager">' + "".join(links) + "</nav>"


def article(
    row: sqlite3.Row,
    authors: list[str],
    versions: list[sqlite3.Row],
    count: int,
    captures: list[Capture],
    out_links: list[tuple[sqlite3.Row, Capture | None, sqlite3.Row | None]],
    in_links: list[sqlite3.Row],
    missing: Mapping[Capture, str] = _NONE_MISSING,
    link_counts: tuple[int, int] = (0, 0),
) -> bytes:
    """An article's page: `versions` the newest of its `count` versions (the one before the
    newest :data:`MAX_VERSIONS` too); `missing` the captures shown that cannot replay, each
    with the WARC file it replays from that is not there; `link_counts` how many links
    there are each way, of which the page has the first (`out_links`) and the newest
    (`in_links`)."""
    topics = queries.json_list(row["topics"])
    keywords = queries.json_list(row["keywords"])
    fields = [
        ("Outlet", escape(row["source"])),
        ("Published", escape(row["date_published"] or "unknown")),
        ("Modified", escape(row["date_modified"] or "")),
        ("Dateline", escape(row["dateline"] or "")),
        ("Authors", escape(", ".join(authors))),
        (
            "Topics",
            ", ".join(
                f'<a href="/?{escape(urlencode({"topic": t}))}">{escape(t)}</a>' for t in topics
            ),
        ),
        ("Keywords", escape(", ".join(keywords))),
        ("URL", f"<code>{escape(row['url'])}</code>"),
        ("Canonical URL", f"<code>{escape(row['canonical_url'])}</code>"),
        ("Article id", f"<code>{escape(row['article_id'])}</code>"),
    ]
    table = "".join(f'<tr><th>{k}</th><td dir="auto">{v}</td></tr>' for k, v in fields if v)
    latest = versions[-1]["article_body"] if versions else ""
    body = "".join(f'<p dir="auto">{escape(p)}</p>' for p in paragraphs(latest))
    description = (
        f'<p dir="auto"><em>{escape(row["description"])}</em></p>' if row["description"] else ""
    )
    story = (
        f'<p><a class="story" href="/story?{urlencode({"article": row["article_id"]})}">'
        "Story view: the related coverage around this article</a></p>"
    )
    parts = [
        f'<h1 class="headline" dir="auto">{headline(row["headline"])}</h1>',
        byline(row),
        story,
        f'<table class="fields">{table}</table>',
        _versions(versions, count),
        _captures(captures, missing),
        _related(out_links, in_links, missing, link_counts),
        f'<section class="text"><h2>Text (version {row["version"]})</h2>'
        f"{description}{body}</section>",
    ]
    return layout(row["headline"].strip() or NO_HEADLINE, "".join(parts))


def _versions(versions: list[sqlite3.Row], count: int) -> str:
    shown = versions[-MAX_VERSIONS:]
    if len(shown) == count:
        out = [f'<section class="versions"><h2>Versions ({count})</h2>']
    else:
        older = count - len(shown)
        out = [
            f'<section class="versions"><h2>Versions (the newest {len(shown)} of {count})</h2>'
            f'<p class="meta">{older} older version{"s are" if older != 1 else " is"}'
            " not shown.</p>"
        ]
    previous = versions[-len(shown) - 1] if len(versions) > len(shown) else None
    for version in shown:
        changes = ", ".join(queries.json_list(version["changes"])) or "first version"
        out.append(
            f'<article class="version" id="v{version["version"]}"><h3>Version {version["version"]}'
            f' <span class="meta">captured {escape(version["date_downloaded"])}'
            f" · changed: {escape(changes)}</span></h3>"
        )
        if previous is not None:
            if previous["headline"] != version["headline"]:
                out.append(
                    "<p>Headline: <bdi>"
                    f"{inline_diff(previous['headline'], version['headline'])}</bdi></p>"
                )
            out.append(diff_html(previous["article_body"], version["article_body"]))
        out.append("</article>")
        previous = version
    out.append("</section>")
    return "".join(out)


def _captures(captures: list[Capture], missing: Mapping[Capture, str] = _NONE_MISSING) -> str:
    if not captures:
        return (
            '<section class="captures"><h2>Captures</h2><p>No capture in the index.</p></section>'
        )
    shown = captures[-MAX_CAPTURES:]
    rows = "".join(
        f"<tr><td>{escape(c.when)}</td><td>{escape(c.kind)}</td><td>{escape(c.status)}</td>"
        f"<td>{_replay_link(captures, c, missing)}</td></tr>"
        for c in shown
    )
    count = (
        f"{len(captures)}"
        if len(shown) == len(captures)
        else f"the newest {len(shown)} of {len(captures)}"
    )
    return (
        f'<section class="captures"><h2>Captures ({count})</h2>'
        f"<table><tr><th>captured</th><th>record</th><th>status</th><th></th></tr>{rows}"
        "</table></section>"
    )


def _replay_link(
    captures: list[Capture], capture: Capture, missing: Mapping[Capture, str] = _NONE_MISSING
) -> str:
    """A capture's replay link; a 304's goes to the capture holding the page it confirmed."""
    page = showing(captures, capture)
    if page is None:
        return '<span class="meta">not modified; no earlier capture</span>'
    if page in missing:
        return f'<span class="meta">{escape(not_replayable(missing[page]))}</span>'
    if page is capture:
        return f'<a class="replay" href="{escape(replay_href(capture))}">replay</a>'
    return (
        f'<a class="replay" href="{escape(replay_href(page))}">'
        f"replay (unchanged since {escape(page.when)})</a>"
    )


def _part(shown: int, count: int, which: str) -> str:
    """`` (the first 100 of 150)`` for a list cut short; nothing for a whole one."""
    return f" (the {which} {shown} of {count})" if count > shown else ""


def not_replayable(filename: str) -> str:
    return f"not replayable: its WARC file {filename} is missing"


def _error_status(capture: Capture) -> str:
    """`` (404)`` for a capture of an error page: archived, but no story to read."""
    return f" ({escape(capture.status)})" if capture.status[:1] in ("4", "5") else ""


def _related(
    out_links: list[tuple[sqlite3.Row, Capture | None, sqlite3.Row | None]],
    in_links: list[sqlite3.Row],
    missing: Mapping[Capture, str] = _NONE_MISSING,
    link_counts: tuple[int, int] = (0, 0),
) -> str:
    out = [
        '<section class="related"><h2>Related coverage</h2><h3>This article points to'
        f"{_part(len(out_links), link_counts[0], 'first')}</h3>"
    ]
    if not out_links:
        out.append("<p>No related links.</p>")
    else:
        out.append('<ul class="links-out">')
        for link, capture, redirected in out_links:
            if redirected is not None:
                text = headline(link["headline"] or redirected["headline"])
                name = (
                    f'<a dir="auto" href="{article_href(redirected["article_id"])}">{text}</a>'
                    ' <span class="meta">stored, through a redirect</span>'
                )
            elif link["target_id"]:
                text = headline(link["headline"] or link["target_headline"])
                name = (
                    f'<a dir="auto" href="{article_href(link["target_id"])}">{text}</a>'
                    ' <span class="meta">stored</span>'
                )
            else:
                text = escape(link["headline"] or link["url"])
                name = f'<bdi>{text}</bdi> <span class="meta">not stored</span>'
            if capture is None:
                archived = ' · <span class="meta">not archived</span>'
            elif capture in missing:
                archived = (
                    f' · <span class="meta">archived {escape(capture.when)},'
                    f" {escape(not_replayable(missing[capture]))}</span>"
                )
            else:
                archived = (
                    f' · <a class="replay" href="{escape(replay_href(capture))}">'
                    f"archived {escape(capture.when)}{_error_status(capture)}</a>"
                )
            out.append(
                f'<li>{name}{archived} <span class="meta">({escape(link["kind"])})'
                f" <code>{escape(link['url'])}</code></span></li>"
            )
        out.append("</ul>")
    out.append(
        f"<h3>Stored articles pointing here{_part(len(in_links), link_counts[1], 'newest')}</h3>"
    )
    if not in_links:
        out.append("<p>None.</p>")
    else:
        out.append('<ul class="links-in">')
        out.extend(
            f"<li>{_headline_link(row)}"
            f' <span class="meta">{escape(row["source"])} ·'
            f" {escape(row['sort_date'][:10])}</span></li>"
            for row in in_links
        )
        out.append("</ul>")
    out.append("</section>")
    return "".join(out)


def story(title: str, graph: Graph) -> bytes:
    legend = "".join(
        f'<span><svg width="12" height="12"><circle cx="6" cy="6" r="5" fill="{colour(s)}"/>'
        f"</svg> {escape(s)}</span>"
        for s in sorted({row["source"] for row in graph.nodes.values()})
    )
    note = (
        f'<p class="meta">Showing the first {len(graph.nodes)} articles reached;'
        " the story goes on.</p>"
        if graph.truncated
        else ""
    )
    listing = "".join(
        f"<li>{_headline_link(row)}"
        f' <span class="meta">{escape(row["source"])} · {escape(row["sort_date"][:10])}</span></li>'
        for row in sorted(graph.nodes.values(), key=lambda r: r["sort_date"])
    )
    body = (
        f"<h1>{escape(title)}</h1>"
        f'<p class="meta">{len(graph.nodes)} articles, {len(graph.edges)} related links;'
        " time runs left to right, arrows go from an article to the coverage it links to.</p>"
        f'<p class="legend">{legend}</p>{note}<figure>{svg(graph)}</figure>'
        f'<h2>The articles in time order</h2><ol class="story-articles">{listing}</ol>'
    )
    return layout(title, body)


def message(title: str, text: str) -> bytes:
    return layout(title, f"<h1>{escape(title)}</h1><p>{escape(text)}</p>")
