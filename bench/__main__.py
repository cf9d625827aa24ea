"""``python -m bench``: the six measurements side by side in one run, as a markdown table.

1 crawl CPU per page (newsarchive crawl against a bare Scrapy spider), 2 WARC bytes and
writer CPU (against wget --warc-file), 3 extraction (against trafilatura and a bare lxml
parse), 4 replay (against warcio iteration plus a bare parse), 5 scale (a small crawl
against a large one), 6 recrawl (bytes an unchanged second run writes), 7 crawling the
past (``crawl --via`` a loopback pywb holding the crawl's WARCs, against the live crawl),
8 per template era, on pages of the era's real weight and density: crawl CPU against the bare
spider, extraction against a bare parse and trafilatura (``--eras-only`` runs just these).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import scrapy

from . import eras, offline, pastcrawl, profiling
from .crawls import CrawlResult, bare_crawl, newsarchive_crawl, wget_crawl
from .report import Report
from .server import serve
from .sitegen import generate


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--pages", type=int, default=2000, help="article pages (default 2000)")
    parser.add_argument(
        "--scale-pages",
        type=int,
        default=20000,
        help="crawl a site of this many pages for the scale rows (default 20000; 0: skip)",
    )
    parser.add_argument("--sample", type=int, default=300, help="pages for the extraction rows")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=None, help="keep everything here")
    parser.add_argument("--python-server", action="store_true", help="do not use nginx")
    parser.add_argument("--no-profile", action="store_true", help="skip the profiled crawl")
    parser.add_argument("--no-past", action="store_true", help="skip the --via rows (7)")
    parser.add_argument("--output", type=Path, default=None, help="also write the table here")
    parser.add_argument(
        "--era-pages",
        type=int,
        default=40,
        help="article pages of each template era's own site for rows 8 (default 40; 0: skip)",
    )
    parser.add_argument(
        "--era-sample", type=int, default=20, help="pages per era for its extraction rows"
    )
    parser.add_argument(
        "--eras", default=None, help="comma-separated template eras for rows 8 (default: all)"
    )
    parser.add_argument("--eras-only", action="store_true", help="run rows 8 only")
    return parser.parse_args(argv)


def machine() -> str:
    return (
        f"{os.cpu_count()} cores ({platform.processor() or platform.machine()}), "
        f"Python {platform.python_version()}, Scrapy {scrapy.__version__}, "
        f"{platform.system()} {platform.release()}"
    )


def crawl_row(report: Report, number: str, what: str, name: str, result: CrawlResult) -> None:
    other = f"{result.cost.cpu:.1f} s CPU in {result.cost.wall:.1f} s"
    if result.note:
        other += f"; {result.note}"
    report.row(
        number,
        what,
        name,
        result.pages,
        result.cpu_per_page_ms(),
        result.pages_per_second(),
        result.cost.max_rss_mb,
        other,
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="newsarchive-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    logs = work / "logs"
    report = Report()
    clock = time.monotonic()

    def say(message: str) -> None:
        print(f"[{time.monotonic() - clock:6.1f}s] {message}", file=sys.stderr, flush=True)

    selected = eras.select(args.eras)

    def era_rows() -> str:
        if not args.era_pages:
            return "none"
        say(f"template eras: {', '.join(e.folder for e in selected)}")
        return eras.era_rows(
            report,
            selected,
            args.era_pages,
            args.era_sample,
            work,
            seed=args.seed,
            use_nginx=not args.python_server,
            say=say,
        )

    if args.eras_only:
        served_by = era_rows()
        return finish(args, work, f"Server: {served_by}", report, None, say, clock)

    say(f"generating {args.pages} pages under {work}")
    site = generate(work / "site", args.pages, seed=args.seed)
    say(
        f"{site.bytes_html / args.pages / 1024:.0f} KiB of HTML per page, {len(site.templates)}"
        " templates"
    )
    folders = {o: site.folder(o) for o in site.articles}
    with serve(folders, work / "nginx", use_nginx=not args.python_server) as (server, bases):
        say(f"serving with {server}: {bases}")
        data = work / "data"
        full = newsarchive_crawl(site, bases, data, logs)
        say(f"newsarchive crawl: {full}")
        bare = bare_crawl(site, bases, work, logs)
        say(f"bare spider: {bare}")
        crawl_row(report, "1", "crawl", "newsarchive crawl (WARC + extraction + store)", full)
        crawl_row(report, "1", "crawl", "bare Scrapy spider (same links)", bare)
        report.target(
            "1",
            "CPU/page: newsarchive crawl / bare spider",
            full.cpu_per_page_ms() / bare.cpu_per_page_ms(),
            "<= 1.3",
            at_most=1.3,
        )
        if not args.no_past:
            say("crawling the past through pywb (--via)")
            pastcrawl.past_rows(report, site, bases, full, data, work, logs)

        writer = offline.warc_writer_cpu(data)
        report.row(
            "2",
            "archive fidelity",
            "newsarchive WARC",
            full.pages,
            None,
            full.pages_per_second(),
            None,
            f"{full.warc_bytes / max(1, full.pages) / 1024:.1f} KiB WARC/page; "
            f"writer {1000 * writer.cpu / max(1, writer.pages):.2f} ms CPU/page "
            f"({writer.pages} pages re-written)",
        )
        wget = wget_crawl(site, bases, work, logs)
        if wget is None:
            report.row("2", "archive fidelity", "wget --warc-file", other="wget not installed")
        else:
            say(f"wget: {wget}")
            report.row(
                "2",
                "archive fidelity",
                "wget --recursive --warc-file",
                wget.pages,
                wget.cpu_per_page_ms(),
                wget.pages_per_second(),
                wget.cost.max_rss_mb,
                f"{wget.warc_bytes / max(1, wget.pages) / 1024:.1f} KiB WARC/page; "
                f"wall {wget.cost.wall:.1f} s (no gzip requested: wget default)",
            )

        profiled: CrawlResult | None = None
        if not args.no_profile:
            profiled = newsarchive_crawl(
                site, bases, work / "data-profiled", logs, profile_dir=work / "profile"
            )
            say(f"profiled crawl: {profiled}")

        recrawl = newsarchive_crawl(site, bases, data, logs)
        say(f"recrawl: {recrawl}")
        first = full.warc_bytes + full.store_bytes
        again = recrawl.warc_bytes + recrawl.store_bytes
        report.row(
            "6",
            "recrawl (unchanged site)",
            "newsarchive crawl, second run",
            recrawl.pages,
            recrawl.cpu_per_page_ms(),
            recrawl.pages_per_second(),
            recrawl.cost.max_rss_mb,
            f"WARC {recrawl.warc_bytes:,} B and store {recrawl.store_bytes:,} B written, "
            f"first run {full.warc_bytes:,} B and {full.store_bytes:,} B",
        )
        report.target(
            "6",
            "bytes written: second run / first run",
            again / first if first else None,
            "< 0.05",
            at_most=0.05,
        )

    say("extraction")
    pages = offline.sample_pages(site, args.sample)
    rates = offline.extraction(pages)
    for name, rate in rates.items():
        report.row(
            "3",
            "extraction (one core)",
            name,
            rate.pages,
            1000 * rate.cpu / rate.pages if rate.pages else None,
            rate.per_second_cpu() if rate.pages else None,
            None,
            rate.note,
        )
    ours = rates["newsarchive analyse"].per_second_cpu()
    trafilatura = rates["trafilatura extract"]
    report.target_at_least(
        "3",
        "pages/s: newsarchive / trafilatura",
        ours / trafilatura.per_second_cpu() if trafilatura.pages else None,
        10,
    )
    report.target(
        "3",
        "CPU/page: newsarchive / bare lxml parse",
        rates["lxml.html.fromstring"].per_second_cpu() / ours,
        "<= 3",
        at_most=3,
    )

    say("replay")
    floor = offline.bare_replay(offline.warc_files(data))
    help_text = offline.replay_available()
    for jobs in (1, 2):
        if help_text is None:
            report.row(
                "4",
                "replay",
                f"newsarchive replay --jobs {jobs}",
                other="`newsarchive replay` does not exist yet in this tree",
            )
            continue
        cost, records = offline.replay(data, work, logs, jobs, help_text)
        report.row(
            "4",
            "replay",
            f"newsarchive replay --jobs {jobs}",
            records,
            1000 * cost.cpu / records if records else None,
            records / cost.wall if cost.wall else None,
            cost.max_rss_mb,
            f"{cost.cpu:.1f} s CPU in {cost.wall:.1f} s"
            + (f"; exit {cost.returncode}" if cost.returncode else ""),
        )
    report.row(
        "4",
        "replay",
        "warcio iteration + bare lxml parse (floor)",
        floor.pages,
        1000 * floor.cpu / floor.pages if floor.pages else None,
        floor.per_second_cpu(),
        None,
        "one core, in process",
    )

    if args.scale_pages:
        say(f"scale: generating {args.scale_pages} pages")
        big_site = generate(work / "site-scale", args.scale_pages, seed=args.seed)
        os.sync()  # the site's dirty pages written back now, not during the crawls
        with (
            serve(folders, work / "nginx", use_nginx=not args.python_server) as (_, bases),
            serve(
                {o: big_site.folder(o) for o in big_site.articles},
                work / "nginx-scale",
                use_nginx=not args.python_server,
            ) as (_, big_bases),
        ):
            # The small crawl again right before and after the large one: CPU time on a
            # shared host drifts by tens of percent over minutes, so the baseline is taken
            # around the large crawl, not from row 1 minutes earlier.
            before = newsarchive_crawl(site, bases, work / "data-scale-small-1", logs)
            big = newsarchive_crawl(big_site, big_bases, work / "data-scale", logs)
            after = newsarchive_crawl(site, bases, work / "data-scale-small-2", logs)
        small = CrawlResult(
            cost=before.cost + after.cost,
            pages=before.pages + after.pages,
            ok=before.ok and after.ok,
            note=f"two crawls: {before.cpu_per_page_ms():.2f} and "
            f"{after.cpu_per_page_ms():.2f} ms/page",
        )
        say(f"scale crawl: {big}; around it: {before}, {after}")
        label = f"newsarchive crawl, {args.pages:,} pages (before + after the large one)"
        crawl_row(report, "5", "scale", label, small)
        crawl_row(report, "5", "scale", f"newsarchive crawl, {args.scale_pages:,} pages", big)
        report.target(
            "5",
            f"CPU/page: {args.scale_pages:,} / {args.pages:,} pages",
            big.cpu_per_page_ms() / small.cpu_per_page_ms(),
            "<= 1.10",
            at_most=1.10,
        )
        report.target(
            "5",
            f"peak RSS: {args.scale_pages:,} / {args.pages:,} pages",
            big.cost.max_rss_mb / small.cost.max_rss_mb,
            "<= 1.5",
            at_most=1.5,
        )
    else:
        crawl_row(report, "5", "scale", f"newsarchive crawl, {args.pages:,} pages", full)
        report.row("5", "scale", "larger crawl", other="skipped: --scale-pages 0")

    era_rows()
    return finish(args, work, f"Server: {server}", report, profiled, say, clock)


def finish(
    args: argparse.Namespace,
    work: Path,
    server: str,
    report: Report,
    profiled: CrawlResult | None,
    say: Callable[[str], None],
    clock: float,
) -> int:
    """Print (and write) the tables, clean up the work files unless they are to be kept."""
    text = f"Machine: {machine()}. {server}. Seed {args.seed}.\n\n" + report.markdown()
    if profiled is not None:
        text += profile_section(work)
    print(text)
    if args.output:
        args.output.write_text(text, "utf-8")
    say(f"done in {time.monotonic() - clock:.0f} s; work files in {work}")
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def profile_section(work: Path) -> str:
    stats = profiling.load(sorted((work / "profile").glob("*.prof")))
    if stats is None:
        return ""
    total = profiling.total_seconds(stats)
    lines = ["", f"Profiled crawl (cProfile, all outlets): {total:.1f} s in total", ""]
    lines += ["| cost centre | cumulative s | share |", "|---|---:|---:|"]
    for label, seconds in profiling.centre_shares(stats).items():
        lines.append(f"| {label} | {seconds:.2f} | {100 * seconds / total:.1f}% |")
    lines += ["", "Top entries by own time:", "", "```"]
    lines.append(profiling.top_entries(stats, "tottime"))
    lines += ["```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
