"""Page chrome of our own markup that gives a fixture page an era's real density.

A fixture page is one story in its template's markup; the pages the outlet served wrapped
it in navigation, card grids of other stories, icons, ad slots, style sheets and script
blocks, and those, not the story, set the page's element count, link count and weight.
``Chrome`` makes that wrapping for one page from the era's measured ``Density`` minus the
fixture's own: nested navigation lists and card grids up to the era's links, inline SVG
icons and empty boxes (a few of them ad slots) up to its elements, wrappers down to its
depth, ``<style>`` blocks, JavaScript and JSON state up to its shares, its count of
non-ASCII characters inside scripts, and attribute bytes for whatever weight is left; of
its attributes, as many ``class``, ``id`` and ``data-testid`` ones as the era's page has
(the templates index those, so their count sets part of extraction's cost). All of it goes
outside the story's container, after ``<body>`` and before ``</body>`` (style sheets in
``<head>``).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

from .density import Density

# Non-ASCII characters of our own for script strings (curly quotes, dashes, accents): the
# real modern pages carry thousands inside their inline state, which slows the parse.
_WIDE = "’“”—–éèüöñçàâ…·"
_ICON_PATHS = (
    "M12 2 2 7l10 5 10-5-10-5zm0 7.5L4.5 6 12 2.5 19.5 6 12 9.5z",
    "M3 6h18v2H3zm0 5h18v2H3zm0 5h18v2H3z",
    "M10 4a6 6 0 1 0 3.5 10.9l5.3 5.3 1.4-1.4-5.3-5.3A6 6 0 0 0 10 4z",
    "M7 10l5 5 5-5z",
)


def _box_class(index: int) -> str:
    """The class of the `index`-th empty box: one in 16 an ad slot, as on the real pages
    (a few dozen at most), the others grid cells. Templates leave ad slots out of the story,
    so hundreds of them would cost what no real page does."""
    return "ad-slot" if index % 16 == 0 else "grid__cell"


class _Quota:
    """Says yes to `wanted` of `slots` questions, spread evenly over them (all of them when
    `wanted` >= `slots`)."""

    def __init__(self, wanted: int, slots: int):
        self.wanted = wanted
        self.share = min(1.0, wanted / slots) if slots else 0.0
        self.reset()

    def reset(self) -> None:
        self.asked = self.given = 0

    def left(self) -> int:
        """How many of `wanted` were not given (the slots ran out)."""
        return self.wanted - self.given

    def take(self) -> bool:
        self.asked += 1
        if self.given < round(self.asked * self.share):
            self.given += 1
            return True
        return False


@dataclass
class Parts:
    """The chrome of one page: markup for ``<head>``, after ``<body>``, before ``</body>``;
    `early`: the head part goes first in ``<head>``, before the charset declaration."""

    head: str
    top: str
    bottom: str
    early: bool = False


class Chrome:
    """Chunk pools and vocabulary, deterministic by seed; `page` makes one page's chrome."""

    def __init__(self, rng: random.Random):
        syllables = ["ka", "lo", "mi", "ne", "su", "ta", "re", "vi", "do", "pa", "xe", "qu"]
        self.words = [
            "".join(rng.choice(syllables) for _ in range(rng.randint(2, 5))) for _ in range(1500)
        ]
        self.scripts = [self._script(rng, wide=False) for _ in range(32)]
        self.wide_scripts = [self._script(rng, wide=True) for _ in range(32)]
        self.states = [self._state(rng) for _ in range(32)]
        self.styles = [self._style(rng) for _ in range(32)]

    def _ident(self, rng: random.Random) -> str:
        return rng.choice(self.words) + rng.choice(self.words).capitalize()

    def _phrase(self, rng: random.Random, low: int, high: int) -> str:
        return " ".join(rng.choice(self.words) for _ in range(rng.randint(low, high)))

    def _script(self, rng: random.Random, *, wide: bool) -> str:
        """About 6 KB of minified-looking JavaScript; `wide` ones hold non-ASCII strings."""
        lines: list[str] = []
        while sum(len(line) for line in lines) < 6000:
            a, b, c = self._ident(rng), self._ident(rng), self._ident(rng)
            label = self._phrase(rng, 1, 3)
            if wide:
                label = "".join(ch if rng.random() < 0.7 else rng.choice(_WIDE) for ch in label)
            lines.append(
                f"function {a}(e,t){{var n={b}(e);if(!n||n.{c}===void 0||e<t)"
                f"{{return t({rng.randrange(1 << 30):x})}}return n.{c}.map(function(r)"
                f'{{return r.{a}+"{label}"}})}}'
            )
        return ";".join(lines)

    def _state(self, rng: random.Random) -> str:
        """About 12 KB of JSON state, as the outlets inline it for their front end."""
        entries: dict[str, object] = {}
        while len(entries) < 100:
            entries[self._ident(rng)] = {
                "id": f"{rng.randrange(1 << 48):012x}",
                "label": self._phrase(rng, 2, 8),
                "w": rng.randint(1, 2000),
                "on": rng.random() < 0.5,
            }
        return json.dumps(entries, separators=(",", ":"))

    def _style(self, rng: random.Random) -> str:
        """About 8 KB of CSS rules with media queries."""
        rules: list[str] = []
        while sum(len(rule) for rule in rules) < 8000:
            block, part = rng.choice(self.words), rng.choice(self.words)
            rule = (
                f".{block}__{part}{{margin:{rng.randint(0, 24)}px {rng.randint(0, 24)}px;"
                f"color:#{rng.randrange(1 << 24):06x};font-size:{rng.randint(10, 40)}px;"
                f"display:{rng.choice(['flex', 'block', 'grid', 'none'])}}}"
            )
            if rng.random() < 0.2:
                rule = f"@media (min-width:{rng.choice([480, 768, 960, 1280])}px){{{rule}}}"
            rules.append(rule)
        return "".join(rules)

    @staticmethod
    def _path_of(rng: random.Random, size: int) -> str:
        """About `size` characters more of SVG path data."""
        out: list[str] = []
        length = 0
        while length < size:
            out.append(f"l{rng.randint(-99, 99) / 10} {rng.randint(-99, 99) / 10}")
            length += len(out[-1])
        return "".join(out)

    def _words_of(self, rng: random.Random, size: int) -> str:
        """About `size` characters of our words, with a space before each."""
        out: list[str] = []
        length = 0
        while length < size:
            out.append(" " + rng.choice(self.words))
            length += len(out[-1])
        return "".join(out)

    @staticmethod
    def _fill(pool: list[str], rng: random.Random, target: int, blocks: int) -> list[str]:
        """Up to `target` characters from `pool`, cut into about `blocks` blocks."""
        if target <= 0:
            return []
        text: list[str] = []
        size = 0
        while size < target:
            chunk = rng.choice(pool)
            text.append(chunk[: target - size])
            size += len(text[-1])
        joined = "".join(text)
        count = max(1, min(blocks, len(joined) // 200 or 1))
        step = -(-len(joined) // count)
        return [joined[i : i + step] for i in range(0, len(joined), step)]

    def page(self, rng: random.Random, era: Density, own: Density, size: int) -> Parts:
        """The chrome that brings a fixture page of density `own` to `era`'s, at `size` bytes."""
        scale = size / max(1, era.bytes)
        links = max(0, era.links - own.links)
        # Scripts and style blocks are elements too: about one per 20 KB on the real pages.
        style_chars = max(0, round(era.style_share * size) - round(own.style_share * own.bytes))
        json_chars = max(0, round(era.json_share * size) - round(own.json_share * own.bytes))
        script_chars = max(
            0,
            round((era.script_share - era.json_share) * size) - round(own.script_share * own.bytes),
        )
        style_blocks = max(1, style_chars // 60_000) if style_chars else 0
        json_blocks = max(1, json_chars // 30_000) if json_chars else 0
        script_blocks = max(1, script_chars // 20_000) if script_chars else 0
        # Nav lists: 2 elements a link; card grids: 4 a link (div, a, img, span).
        nav_links = links // 2
        card_links = links - nav_links
        wrappers = max(0, era.depth - own.depth)
        fixed = 2 * nav_links + 4 * card_links + style_blocks + json_blocks + script_blocks
        fixed += 2 * wrappers + 8  # wrappers at top and bottom, section containers
        others = max(0, era.elements - own.elements - fixed)
        icons, slots = others // 3, others - 2 * (others // 3)  # an icon is svg + path
        # A wide script chunk holds about 180 non-ASCII characters in its 6 KB.
        wanted = max(0.0, era.non_ascii * scale - own.non_ascii)
        share = min(1.0, wanted / max(1.0, script_chars / 6000 * 180))
        k = round(share * len(self.wide_scripts))
        pool = self.wide_scripts[:k] + self.scripts[: len(self.scripts) - k]

        # Attributes the markup below carries itself; the era's others are data-* attributes
        # spread over the links and ad slots, with whatever weight is left as their values.
        carriers = nav_links + card_links + slots
        own_attrs = 3 * nav_links + 7 * card_links + 4 * icons + 3 * slots
        own_attrs += 2 * json_blocks + 2 * wrappers + 8
        extra_attrs = max(0, era.attributes - own.attributes - own_attrs)
        # The templates index every class, id and data-testid of a page: of the attributes
        # above, as many are of those names as on the era's page, the rest data-* ones.
        # Classes: 2 a nav link (and 2 a sub-menu), 4 a card, 1 an icon, an ad slot and a
        # wrapper, 7 section containers; ids: the ad slots', then extra attributes', then
        # (with data-testids) those of the class slots left over.
        class_slots = 2 * nav_links + 2 * (nav_links // 12) + 4 * card_links + icons + slots
        class_slots += 2 * wrappers + 7
        wanted_classes = max(0, era.classes - own.classes)
        classes = _Quota(wanted_classes, class_slots)
        # Where the markup's own attributes exceed the era's, the class slots left over carry
        # no attribute at all.
        over = max(0, own_attrs - (era.attributes - own.attributes))
        bare = _Quota(over, max(0, class_slots - wanted_classes))
        wanted_ids = max(0, era.ids - own.ids)
        slot_ids = _Quota(wanted_ids, slots)
        extra_ids = max(0, wanted_ids - slots)
        extra_test_ids = max(0, era.test_ids - own.test_ids)

        unplaced = {"id": 0, "data-testid": 0}  # what attrs() found no carrier for

        def cls(name: str, spare: bool = True) -> str:
            """A class attribute; once the era's classes are all placed, an id or data-testid
            still unplaced (on a `spare` element: one without either), else a data-* one, or
            none while the markup has more attributes than the era's page."""
            if classes.take():
                return f'class="{name}"'
            if bare.take():
                return ""
            for kind, count in unplaced.items():
                if spare and count:
                    unplaced[kind] -= 1
                    return f'{kind}="{name.split()[0]}-{count}"'
            return f'data-c="{name}"'

        def attrs(extra: int) -> list[str]:
            """For each carrier, its extra attributes: `extra_attrs` of them over all,
            about `extra` characters long together; the first of a carrier's may be an id,
            the next a data-testid, up to the era's counts of those."""
            if not carriers:
                return []
            count = extra_attrs
            each = max(0, extra - 12 * count) // max(1, count)
            pad = "".join(rng.choice(self.words) for _ in range(each // 3 + 2))
            holding = min(count, carriers)  # carriers with at least one extra attribute
            ids = _Quota(extra_ids, holding)
            test_ids = _Quota(extra_test_ids, holding)
            out = []
            for i in range(carriers):
                mine = count // carriers + (i < count % carriers)
                names = []
                if mine and ids.take():
                    names.append("id")
                if len(names) < mine and test_ids.take():
                    names.append("data-testid")
                names += [f"data-v{j}" for j in range(len(names), mine)]
                parts = []
                for name in names:
                    start = rng.randrange(max(1, len(pad) - each))
                    value = pad[start : start + each]
                    parts.append(f' {name}="{f"x{i}-{value}" if name == "id" else value}"')
                out.append("".join(parts))
            unplaced.update({"id": ids.left(), "data-testid": test_ids.left()})
            return out

        def render(extra: int) -> tuple[str, str]:
            # The weight left goes into new attributes' values, or, when the era has no
            # attributes to spare, into the icons' path data (long SVG paths, as served),
            # else into card headlines.
            classes.reset()
            bare.reset()
            slot_ids.reset()
            unplaced.update({"id": extra_ids, "data-testid": extra_test_ids})
            tags = attrs(extra) if extra_attrs or not (icons or card_links) else [""] * carriers
            spare = 0 if extra_attrs else max(0, extra)
            drawn = spare // icons if icons else 0
            more = 0 if icons or not card_links else spare // card_links
            nav = []
            for i in range(nav_links):
                words = self._phrase(rng, 1, 3)
                href = f"/{words.replace(' ', '-')}/"
                nav.append(
                    f'<li {cls("nav__item")}><a {cls("nav__link", False)} href="{href}"'
                    f"{tags[i]}>{words.title()}</a></li>"
                )
                if i % 12 == 11:  # a sub-menu every twelve items
                    nav.append(f"<li {cls('nav__item nav__item--more')}><ul {cls('nav__sub')}>")
                    nav.append("</ul></li>")
            cards = []
            for i in range(card_links):
                slug = "-".join(rng.choice(self.words) for _ in range(3))
                cards.append(
                    f"<div {cls('card container__item')}>"
                    f'<a {cls("container__link", False)} href="/{slug}"'
                    f'{tags[nav_links + i]}><img {cls("image__dam-img")} src="/i/{slug}.jpg"'
                    ' alt="">'
                    f"<span {cls('container__headline')}>{self._phrase(rng, 3, 8)}"
                    f"{self._words_of(rng, more)}</span></a></div>"
                )
            others_html = []
            for _ in range(icons):
                others_html.append(
                    f'<svg {cls("icon")} viewBox="0 0 24 24" aria-hidden="true">'
                    f'<path d="{rng.choice(_ICON_PATHS)}{self._path_of(rng, drawn)}"></path></svg>'
                )
            for i in range(slots):
                others_html.append(
                    f"<div {cls(_box_class(i), False)}"
                    f' {"id" if slot_ids.take() else "data-id"}="box-{i}"'
                    f' data-pos="{rng.choice(self.words)}"'
                    f"{tags[nav_links + card_links + i]}></div>"
                )
            scripts = [
                f"<script>{text}</script>"
                for text in self._fill(pool, rng, script_chars, script_blocks)
            ]
            states = [
                f'<script type="application/json" data-state="1">{text}</script>'
                for text in self._fill(self.states, rng, json_chars, json_blocks)
            ]
            half = len(nav) // 2
            open_wrap = "".join(f"<div {cls('layout__wrapper')}>" for _ in range(wrappers))
            open_wrap2 = "".join(f"<div {cls('layout__wrapper')}>" for _ in range(wrappers))
            close_wrap = "</div>" * wrappers
            cut = len(cards) // 3
            top = (
                f"<header {cls('header')}>{open_wrap}<nav {cls('header__nav')}><ul {cls('nav')}>"
                + "".join(nav[:half])
                + f"</ul></nav>{close_wrap}</header><section {cls('zone')}>{''.join(cards[:cut])}"
                + "".join(others_html[: len(others_html) // 2])
                + "</section>"
                + "".join(scripts[: len(scripts) // 3])
            )
            bottom = (
                f"<section {cls('zone')}>{open_wrap2}{''.join(cards[cut:])}{close_wrap}</section>"
                + "".join(others_html[len(others_html) // 2 :])
                + f"<footer {cls('footer')}><nav><ul {cls('nav')}>"
                + "".join(nav[half:])
                + "</ul></nav></footer>"
                + "".join(states)
                + "".join(scripts[len(scripts) // 3 :])
            )
            return top, bottom

        styles = "".join(
            f"<style>{text}</style>"
            for text in self._fill(self.styles, rng, style_chars, style_blocks)
        )
        early = era.late_charset >= 0.5
        if early:  # a non-ASCII character before the charset declaration, as served
            styles = f"<style>/* {rng.choice(_WIDE)} */</style>{styles}"
        top, bottom = render(0)
        left = size - own.bytes - len(styles) - len(top) - len(bottom)
        if left > 0:
            top, bottom = render(left)
        return Parts(styles, top, bottom, early)
