"""The story view's SVG, drawn by the server: articles as nodes on a time axis (one band per
outlet, outlet by colour), related links as arrows, each node a link to its article page."""

from __future__ import annotations

from datetime import datetime, timezone
from html import escape
from urllib.parse import quote

from crawler.pages.outlets import names as outlet_names

from .queries import Graph

# One colour per declared outlet, in declaration order (cnn red, reuters orange, ...).
PALETTE = ("#c0392b", "#e67e22", "#2980b9", "#27ae60", "#8e44ad", "#16a085")
OTHER_COLOUR = "#2c3e50"
WIDTH, MARGIN, LABEL, LABEL_WIDTH, LANE = 1100, 40, 40, 190, 30


def colour(source: str) -> str:
    known = outlet_names()
    return PALETTE[known.index(source) % len(PALETTE)] if source in known else OTHER_COLOUR


def _seconds(iso: str) -> float:
    try:
        return (
            datetime.strptime(iso[:19], "%Y-%m-%dT%H:%M:%S")
            .replace(tzinfo=timezone.utc)
            .timestamp()
        )
    except ValueError:
        return 0.0


def _ticks(low: float, high: float, count: int = 6) -> list[float]:
    if high <= low:
        return [low]
    step = (high - low) / (count - 1)
    return [low + step * i for i in range(count)]


def svg(graph: Graph) -> str:
    """The graph as an ``<svg>`` element (no script, no external reference)."""
    nodes = sorted(graph.nodes.values(), key=lambda r: (r["sort_date"], r["article_id"]))
    bands = sorted({row["source"] for row in nodes}) or [""]
    times = [_seconds(row["sort_date"]) for row in nodes] or [0.0]
    low, high = min(times), max(times)
    span = (high - low) or 1.0
    left, right = LABEL + MARGIN, WIDTH - MARGIN - LABEL_WIDTH

    def x(t: float) -> float:
        return left + (right - left) * ((t - low) / span if high > low else 0.5)

    # Lanes inside each band, filled greedily in time order, so no label covers a node.
    lanes: dict[str, list[float]] = {source: [] for source in bands}
    lane_of: dict[str, tuple[str, int, float]] = {}
    for row in nodes:
        cx = x(_seconds(row["sort_date"]))
        ends = lanes[row["source"]]
        lane = next((n for n, end in enumerate(ends) if end < cx - 14), len(ends))
        if lane == len(ends):
            ends.append(0.0)
        ends[lane] = cx + LABEL_WIDTH
        lane_of[row["article_id"]] = (row["source"], lane, cx)
    tops: dict[str, float] = {}
    heights: dict[str, float] = {}
    top = float(MARGIN)
    for source in bands:
        tops[source] = top
        heights[source] = 30 + LANE * max(1, len(lanes[source]))
        top += heights[source]
    height = int(top + MARGIN)
    place = {
        aid: (cx, tops[source] + 30 + LANE * lane) for aid, (source, lane, cx) in lane_of.items()
    }
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="story" viewBox="0 0 {WIDTH} {height}"'
        f' width="{WIDTH}" height="{height}" role="img" aria-label="related coverage graph">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="16" refY="5" markerWidth="7"'
        ' markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"'
        ' fill="#7f8c8d"/></marker></defs>',
    ]
    for band, source in enumerate(bands):
        top, band_height = tops[source], heights[source]
        fill = "#fafafa" if band % 2 else "#f2f2f2"
        out.append(
            f'<rect x="0" y="{top}" width="{WIDTH}" height="{band_height}" fill="{fill}"/>'
            f'<text x="8" y="{top + 18}" class="band" fill="{colour(source)}">'
            f"{escape(source)}</text>"
        )
    axis = height - MARGIN + 10
    out.append(
        f'<line x1="{LABEL + MARGIN}" y1="{axis}" x2="{WIDTH - MARGIN}" y2="{axis}" stroke="#555"/>'
    )
    for t in _ticks(low, high) if nodes else []:
        label = datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%d")
        out.append(
            f'<line x1="{x(t):.1f}" y1="{axis - 4}" x2="{x(t):.1f}" y2="{axis + 4}" stroke="#555"/>'
            f'<text x="{x(t):.1f}" y="{axis + 18}" text-anchor="middle" class="tick">{label}</text>'
        )
    for a, b in sorted(graph.edges):
        (x1, y1), (x2, y2) = place[a], place[b]
        out.append(
            f'<line class="edge" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"'
            ' stroke="#7f8c8d" stroke-width="1.4" marker-end="url(#arrow)"/>'
        )
    for row in nodes:
        cx, cy = place[row["article_id"]]
        headline = row["headline"].strip() or "(no headline)"
        short = headline if len(headline) <= 32 else headline[:31] + "…"
        title = f"{headline} ({row['source']}, {row['sort_date'][:10]})"
        out.append(
            f'<a class="node" href="/article/{quote(row["article_id"])}">'
            f"<title>{escape(title)}</title>"
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="9" fill="{colour(row["source"])}"'
            ' stroke="#fff" stroke-width="2"/>'
            f'<text x="{cx + 12:.1f}" y="{cy + 4:.1f}" class="label">{escape(short)}</text></a>'
        )
    out.append("</svg>")
    return "\n".join(out)
