"""Rows 8: extraction and crawl CPU per template era, on pages of that era's real weight.

The mixed site of rows 1 and 3 pads every page to 100-260 KB, which flatters us: the
outlets served modern CNN pages of 2.5-2.9 MB and modern Reuters pages of about 550 KB.
Here each era gets a site of its own, built from its fixtures (``tests/data/pages/<era>/``,
the era's real markup with text of our own) and padded to the mean size of the pages the
outlet really served in that era, measured on saved copies of them (``ls -l``; 43 pages,
2010-2024). Each era's site is crawled by ``newsarchive crawl`` and by the bare spider, and
a sample of its pages is extracted by ``analyse``, a bare lxml parse and trafilatura.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import offline
from .crawls import bare_crawl, newsarchive_crawl
from .report import Report
from .server import serve
from .sitegen import generate


@dataclass(frozen=True)
class Era:
    """A fixture folder, the years its template was served, and its pages' mean weight."""

    folder: str
    label: str
    weight: int  # bytes: mean size of the saved real pages of the era
    real_pages: int  # how many saved real pages the mean is taken over


# Mean sizes of the saved real pages of each era (bytes, as served, uncompressed).
ERAS: tuple[Era, ...] = (
    Era("cnn_2013", "CNN 2010-2014", 59_351, 6),
    Era("cnn_2015", "CNN 2015-2021", 794_082, 6),
    Era("cnn_2021", "CNN 2022-", 2_699_144, 3),
    Era("cnn_money", "CNNMoney 2015-2016", 163_251, 2),
    Era("reuters_2013", "Reuters 2010-2014", 116_198, 8),
    Era("reuters_2015", "Reuters 2015-2018", 86_575, 9),
    Era("reuters_2016", "Reuters 2015-2018 (2016 variant)", 86_575, 9),
    Era("reuters_2018", "Reuters 2019-2020", 261_926, 4),
    Era("reuters_2021", "Reuters 2021-", 562_761, 5),
)
# Not here: reuters_blogs (blogs.reuters.com, a host the generated site does not serve) and
# generic (no era of its own).


def select(names: str | None) -> list[Era]:
    """The eras named in a comma-separated list (all of them for None)."""
    if not names:
        return list(ERAS)
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    known = {era.folder: era for era in ERAS}
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise SystemExit(f"unknown era {', '.join(unknown)}; known: {', '.join(known)}")
    return [known[n] for n in wanted]


def era_rows(
    report: Report,
    eras: list[Era],
    pages: int,
    sample: int,
    work: Path,
    *,
    seed: int,
    use_nginx: bool,
    say: Callable[[str], None] = print,
) -> str:
    """For each era: its site, both crawls, the extraction sample; rows and ratios '8'.
    Returns the server that served the sites."""
    served_by = "none"
    for era in eras:
        root = work / f"era-{era.folder}"
        site = generate(root / "site", pages, seed=seed, era=era.folder, weight=era.weight)
        per_page = site.bytes_html / max(1, pages) / 1024
        name = f"{era.folder} ({era.label}, {per_page:,.0f} KiB/page)"
        folders = {o: site.folder(o) for o in site.articles}
        logs = root / "logs"
        with serve(folders, root / "server", use_nginx=use_nginx) as (kind, bases):
            served_by = str(kind)
            full = newsarchive_crawl(site, bases, root / "data", logs)
            bare = bare_crawl(site, bases, root, logs)
        rates = offline.extraction(offline.sample_pages(site, sample))
        ours, parse = rates["newsarchive analyse"], rates["lxml.html.fromstring"]
        trafilatura = rates["trafilatura extract"]
        for contender, result in (("newsarchive crawl", full), ("bare Scrapy spider", bare)):
            report.row(
                "8",
                f"era {name}",
                contender,
                result.pages,
                result.cpu_per_page_ms(),
                result.pages_per_second(),
                result.cost.max_rss_mb,
                f"{result.cost.cpu:.1f} s CPU" + (f"; {result.note}" if result.note else ""),
            )
        for contender, rate in (
            ("analyse", ours),
            ("lxml.html.fromstring", parse),
            ("trafilatura extract", trafilatura),
        ):
            report.row(
                "8",
                f"era {name}",
                contender,
                rate.pages,
                1000 * rate.cpu / rate.pages if rate.pages else None,
                rate.per_second_cpu() if rate.pages else None,
                None,
                rate.note or "one core, in process",
            )
        report.target(
            "8",
            f"{era.folder}: crawl CPU/page, newsarchive / bare spider",
            full.cpu_per_page_ms() / bare.cpu_per_page_ms(),
            "<= 1.3",
            at_most=1.3,
        )
        report.target_at_least(
            "8",
            f"{era.folder}: extraction pages/s, newsarchive / trafilatura",
            ours.per_second_cpu() / trafilatura.per_second_cpu() if trafilatura.pages else None,
            10,
        )
        report.target(
            "8",
            f"{era.folder}: extraction CPU/page, newsarchive / bare lxml parse",
            parse.per_second_cpu() / ours.per_second_cpu(),
            "<= 3",
            at_most=3,
        )
        say(f"era {era.folder}: crawl {full}; bare {bare}")
        shutil.rmtree(root / "site", ignore_errors=True)
    return served_by
