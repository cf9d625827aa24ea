"""Rows 8: extraction and crawl CPU per template era, on pages of that era's real density.

The mixed site of rows 1 and 3 pads every page to 100-260 KB, which flatters us: the
outlets served modern CNN pages of 2.5-2.9 MB and modern Reuters pages of about 550 KB.
Here each era gets a site of its own, built from its fixtures (``tests/data/pages/<era>/``,
the era's real markup with text of our own) and given chrome of our own markup up to what
the pages the outlet really served in that era are made of, page for page: weight,
elements, attributes, links, depth, script, JSON and style shares, non-ASCII characters,
where the charset is declared; measured on saved copies of them (``python -m bench.density
DIR --pages``; 43 pages, 2010-2024). Each era's site is crawled by ``newsarchive crawl``
and by the bare spider, and a sample of its pages is extracted by ``analyse``, a bare lxml
parse and trafilatura.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import offline
from .crawls import bare_crawl, newsarchive_crawl
from .density import Density
from .report import Report
from .server import serve
from .sitegen import generate


@dataclass(frozen=True)
class Era:
    """A fixture folder, the years its template was served, and its pages' measured density."""

    folder: str
    label: str
    pages: tuple[Density, ...]  # one per saved real page of the era
    # The fixture (a file name of tests/data/pages/<folder>/, without .html) that follows
    # real page N's story and furniture, where one does; None: the era's fixtures in turn.
    fixtures: tuple[str | None, ...] = ()

    @property
    def profile(self) -> Density:
        """The means over the era's saved real pages."""
        return Density.mean(list(self.pages))

    @property
    def weight(self) -> int:
        """Bytes: the mean size of the saved real pages of the era."""
        return self.profile.bytes


_real = Density  # a real page's counts, in the order of its fields


# What each saved real page of an era is made of, as ``python -m bench.density DIR --pages``
# measures it (43 pages, 2010-2024; bytes as served, uncompressed; shares of characters).
# Numbers only: the pages themselves are not in the repository. Columns: bytes, elements,
# attributes, links, depth, script share, of which inline JSON, style share, text share, non-ASCII
# characters, charset declared after a non-ASCII character (or not at all), elements with a
# class, an id, a data-testid.
CNN_2010 = (  # cnn-2010-2014-*
    _real(29_465, 282, 423, 62, 14, 0.162, 0.000, 0.004, 0.120, 2_432, 1, 87, 32, 0),
    _real(62_734, 677, 991, 96, 19, 0.183, 0.000, 0.053, 0.135, 0, 0, 220, 99, 0),
    _real(58_931, 673, 992, 96, 19, 0.127, 0.000, 0.056, 0.145, 1, 1, 216, 98, 0),
    _real(66_650, 681, 999, 113, 19, 0.207, 0.000, 0.031, 0.168, 0, 0, 269, 93, 0),
    _real(63_082, 714, 1_008, 157, 16, 0.126, 0.000, 0.023, 0.206, 1, 0, 336, 60, 0),
    _real(75_245, 747, 1_171, 128, 18, 0.133, 0.000, 0.026, 0.174, 1, 0, 337, 136, 0),
)
CNN_2015 = (  # cnn-2015-2021-*
    _real(130_737, 699, 1_236, 120, 22, 0.526, 0.011, 0.000, 0.046, 15, 0, 524, 45, 0),
    _real(183_852, 988, 1_875, 110, 21, 0.274, 0.004, 0.000, 0.039, 0, 0, 739, 33, 0),
    _real(126_512, 766, 1_318, 122, 22, 0.444, 0.012, 0.000, 0.063, 4, 0, 587, 45, 0),
    _real(1_392_500, 1_388, 4_065, 288, 21, 0.193, 0.002, 0.674, 0.013, 146, 0, 1_097, 45, 0),
    _real(1_439_507, 1_225, 3_625, 243, 21, 0.179, 0.001, 0.698, 0.004, 146, 0, 962, 38, 0),
    _real(1_491_389, 1_302, 3_877, 274, 21, 0.179, 0.001, 0.689, 0.005, 145, 0, 1_028, 38, 0),
)
CNN_2022 = (  # cnn-2022-*
    _real(2_896_404, 1_067, 5_270, 265, 19, 0.656, 0.002, 0.243, 0.002, 10_727, 1, 907, 33, 0),
    _real(2_543_568, 1_158, 5_617, 274, 19, 0.605, 0.008, 0.265, 0.008, 6_171, 1, 984, 37, 0),
    _real(2_657_460, 1_475, 6_675, 283, 24, 0.587, 0.007, 0.259, 0.006, 5_975, 1, 1_283, 40, 0),
)
CNNMONEY = (  # cnnmoney-*
    _real(67_845, 627, 929, 145, 17, 0.143, 0.000, 0.066, 0.080, 2, 0, 338, 63, 0),
    _real(258_657, 849, 1_572, 133, 20, 0.492, 0.000, 0.133, 0.021, 4, 0, 414, 135, 0),
)
REUTERS_2010 = (  # reuters-2010-2014-*
    _real(99_378, 920, 1_234, 209, 17, 0.234, 0.000, 0.024, 0.054, 0, 0, 378, 127, 0),
    _real(108_605, 1_019, 1_332, 218, 17, 0.213, 0.000, 0.022, 0.097, 4, 1, 395, 162, 0),
    _real(93_180, 829, 1_188, 197, 14, 0.216, 0.000, 0.021, 0.052, 0, 0, 350, 124, 0),
    _real(102_670, 932, 1_293, 213, 15, 0.201, 0.000, 0.019, 0.090, 1, 1, 371, 153, 0),
    _real(110_089, 1_127, 1_385, 270, 18, 0.174, 0.000, 0.005, 0.113, 0, 0, 477, 145, 0),
    _real(228_644, 1_958, 2_856, 391, 23, 0.074, 0.000, 0.083, 0.087, 32, 0, 983, 267, 0),
    _real(92_197, 815, 1_171, 187, 14, 0.237, 0.000, 0.015, 0.047, 35, 1, 345, 120, 0),
    _real(94_826, 857, 1_207, 192, 16, 0.224, 0.000, 0.014, 0.063, 0, 0, 352, 133, 0),
)
REUTERS_2015 = (  # reuters-2015-2018-*
    _real(35_861, 292, 396, 31, 17, 0.143, 0.000, 0.022, 0.141, 21, 0, 102, 35, 0),
    _real(70_176, 659, 872, 136, 15, 0.337, 0.014, 0.008, 0.058, 20, 0, 353, 75, 0),
    _real(103_122, 746, 893, 169, 19, 0.315, 0.012, 0.032, 0.053, 0, 0, 291, 93, 0),
    _real(74_963, 659, 854, 131, 17, 0.364, 0.026, 0.016, 0.054, 17, 0, 344, 74, 0),
    _real(151_794, 659, 854, 131, 17, 0.182, 0.015, 0.008, 0.027, 34, 0, 344, 74, 0),
    _real(76_028, 668, 858, 131, 17, 0.360, 0.027, 0.016, 0.063, 17, 0, 344, 78, 0),
    _real(79_994, 721, 915, 135, 15, 0.303, 0.018, 0.006, 0.106, 20, 0, 373, 97, 0),
    _real(118_599, 778, 1_005, 134, 18, 0.378, 0.010, 0.033, 0.078, 18, 0, 333, 118, 0),
    _real(68_638, 692, 866, 148, 15, 0.207, 0.011, 0.052, 0.067, 21, 0, 378, 71, 0),
)
REUTERS_2019 = (  # reuters-2019-2020-*
    _real(215_733, 399, 644, 35, 18, 0.586, 0.009, 0.128, 0.008, 1, 0, 144, 44, 0),
    _real(231_490, 438, 674, 36, 18, 0.584, 0.009, 0.120, 0.023, 46, 0, 157, 43, 0),
    _real(382_817, 274, 465, 19, 16, 0.901, 0.566, 0.000, 0.012, 346, 0, 134, 7, 0),
    _real(217_664, 428, 652, 43, 18, 0.571, 0.010, 0.127, 0.022, 10, 0, 144, 43, 0),
)
REUTERS_2021 = (  # reuters-2021-*
    _real(755_613, 1_803, 3_674, 103, 25, 0.522, 0.002, 0.158, 0.016, 141, 0, 1_202, 125, 280),
    _real(496_621, 1_095, 2_626, 187, 25, 0.628, 0.005, 0.000, 0.015, 379, 0, 762, 33, 418),
    _real(494_190, 1_080, 2_572, 184, 25, 0.633, 0.005, 0.000, 0.015, 574, 0, 753, 33, 409),
    _real(497_662, 1_054, 2_495, 178, 25, 0.649, 0.005, 0.000, 0.011, 8, 1, 732, 35, 392),
    _real(569_722, 1_148, 2_711, 184, 25, 0.654, 0.006, 0.000, 0.021, 15, 1, 816, 33, 446),
)

ERAS: tuple[Era, ...] = (
    Era(
        "cnn_2013",
        "CNN 2010-2014",
        CNN_2010,
        (
            "arabic_rtl_columns",
            "script_stamp_banner_topic",
            "script_stamp_banner_topic",
            "script_stamp_wire_staff_video_tease",
            "opinion_italic_promos_link_lines",
            "gallery_two_authors_no_place",
        ),
    ),
    Era(
        "cnn_2015",
        "CNN 2015-2021",
        CNN_2015,
        (
            "sourced_paragraph_lede_photo_no_byline",
            "bare_place_cite_link_lines",
            "credits_by_role",
            "div_paragraphs_embeds_service_notes",
            "cnn_business_source",
            None,
        ),
    ),
    Era(
        "cnn_2021",
        "CNN 2022-",
        CNN_2022,
        ("older_story_video_lede", "analysis_related_card_subheads", "empty_related_card_videos"),
    ),
    Era(
        "cnn_money",
        "CNNMoney 2015-2016",
        CNNMONEY,
        ("footer_stamp_related_lines", "first_published_widget"),
    ),
    Era("reuters_2013", "Reuters 2010-2014", REUTERS_2010),
    Era("reuters_2015", "Reuters 2015-2018", REUTERS_2015),
    Era("reuters_2016", "Reuters 2015-2018 (2016 variant)", REUTERS_2015),
    Era("reuters_2018", "Reuters 2019-2020", REUTERS_2019),
    Era("reuters_2021", "Reuters 2021-", REUTERS_2021),
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
        site = generate(
            root / "site",
            pages,
            seed=seed,
            era=era.folder,
            profiles=era.pages,
            fixtures=era.fixtures,
        )
        per_page = site.bytes_html / max(1, pages) / 1024
        name = f"{era.folder} ({era.label}, {per_page:,.0f} KiB/page)"
        folders = {o: site.folder(o) for o in site.articles}
        logs = root / "logs"
        with serve(folders, root / "server", use_nginx=use_nginx) as (kind, bases):
            served_by = str(kind)
            full = newsarchive_crawl(site, bases, root / "data", logs)
            bare = bare_crawl(site, bases, root, logs)
        # Each page's median of 5 runs: the ratios compare with bench.saved's on real pages.
        rates = offline.extraction(offline.sample_pages(site, sample), repeat=5)
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
