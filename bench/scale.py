"""``python -m bench.scale``: crawl workers sharing one Redis, and replay on Dask.

Crawl pages per second with 1 and with 3 workers (``crawl --state redis://...``) of a
generated site whose server answers each page after ``--delay`` seconds, every worker at
the same concurrency; replay pages per second of that crawl's WARCs with ``--jobs 1``,
``--jobs 2`` and ``--cluster local:2``, against the floor (warcio iteration plus a bare
lxml parse, one core, in process); and those WARCs joined into one large file, replayed on
``--cluster local:2`` whole and cut into ``--parts`` parts (``--part-size``). Needs
``redis-server`` and ``pip install '.[scale]'``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import offline
from .bare_spider import BENCH_SETTINGS
from .crawls import start_urls
from .measure import PYTHON, Measured, code_env, run_measured
from .server import free_port, serve
from .sitegen import generate

REPO = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    parser.add_argument("--pages", type=int, default=600, help="article pages (default 600)")
    parser.add_argument("--delay", type=float, default=0.05, help="server delay per page")
    parser.add_argument("--concurrency", type=int, default=4, help="requests per worker")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument(
        "--parts", type=int, default=4, help="parts of the one large file replayed (default 4)"
    )
    return parser.parse_args(argv)


def env() -> dict[str, str]:
    return code_env(REPO)


def start_redis(directory: Path) -> tuple[subprocess.Popen[bytes], str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("bench.scale: redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(directory)],
        stdout=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)
    for _ in range(200):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    return process, f"redis://127.0.0.1:{port}/0"


def crawl(
    urls: list[str], data: Path, state: str, workers: int, concurrency: int
) -> tuple[int, float, float]:
    """`workers` worker processes of one crawl; (pages fetched, wall seconds, CPU seconds of
    all the workers)."""
    settings = dict(
        BENCH_SETTINGS, CONCURRENT_REQUESTS=concurrency, CONCURRENT_REQUESTS_PER_DOMAIN=concurrency
    )
    command = [PYTHON, "-m", "archive", "crawl", "cnn", "--data", str(data), "-q"]
    command += [a for u in urls for a in ("--start-url", u)]
    command += [a for k, v in settings.items() for a in ("-s", f"{k}={v}")]
    if state:
        command += ["--state", state, "-s", "NEWSARCHIVE_STATE_POLL_SECONDS=0.1"]
    start = time.monotonic()
    processes = [
        subprocess.Popen(command, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(workers)
    ]
    cpu = 0.0
    for process in processes:
        assert process.stderr is not None
        err = process.stderr.read()
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        cpu += usage.ru_utime + usage.ru_stime
        if process.returncode not in (0, 1):  # 1: errors above the threshold, still counted
            raise SystemExit(f"bench.scale: a worker failed: {err.decode()[-500:]}")
        if process.returncode:
            print(f"bench.scale: {err.decode().strip()}", file=sys.stderr)
    wall = time.monotonic() - start
    pages = 0
    for path in (data / "runs").glob("*.json"):
        pages += int(json.loads(path.read_text("utf-8")).get("pagesFetched", 0))
    return pages, wall, cpu


def replay(warcs: list[Path], out: Path, log: Path, *how: str) -> Measured:
    command = [PYTHON, "-m", "archive", "replay", *map(str, warcs), "--out", str(out), *how]
    measured = run_measured(command, log)
    if measured.returncode:
        raise SystemExit(f"bench.scale: replay failed, see {log}")
    return measured


def large_file_rows(
    warcs: list[Path], work: Path, pages: int, parts: int
) -> list[tuple[str, int, float, str]]:
    """The crawl's WARCs as one large file, replayed on Dask whole and in `parts` parts
    (``--part-size``); the two give the same lines or the bench stops."""
    large = work / "large" / "one-large.warc.gz"
    large.parent.mkdir(exist_ok=True)
    with open(large, "wb") as joined:
        for path in warcs:
            joined.write(path.read_bytes())
    part_size = max(1, large.stat().st_size // parts)
    rows: list[tuple[str, int, float, str]] = []
    outputs = []
    for name, size in (
        ("replay --cluster local:2, one large file whole", 0),
        (f"replay --cluster local:2, one large file in {parts} parts", part_size),
    ):
        out = work / f"large-{size}.jsonl"
        how = ("--cluster", "local:2", "--part-size", str(size))
        cost = replay([large], out, work / f"large-{size}.log", *how)
        outputs.append(out.read_bytes())
        rows.append((name, pages, cost.wall, "wall, start-up included"))
        rows.append((name, pages, cost.cpu, "CPU of all its processes"))
    if outputs[0] != outputs[1]:
        raise SystemExit("bench.scale: the large file in parts gave other lines than whole")
    return rows


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="newsarchive-bench-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    site = generate(work / "site", args.pages)
    rows: list[tuple[str, int, float, str]] = []
    redis_dir = work / "redis"
    redis_dir.mkdir(exist_ok=True)
    server, state = start_redis(redis_dir)
    try:
        folders = {"cnn": site.folder("cnn")}
        with serve(folders, work / "server", use_nginx=False, delay=args.delay) as (_kind, bases):
            urls = start_urls(site, bases, "cnn")
            each = f"concurrency {args.concurrency} each, {args.delay * 1000:.0f} ms/page"
            pages, wall, cpu = crawl(urls, work / "crawl-alone", "", 1, args.concurrency)
            rows.append((f"crawl, one process, embedded state ({each})", pages, wall, "wall"))
            rows.append(("crawl, one process, embedded state", pages, cpu, "CPU"))
            for number, workers in enumerate((1, 3), start=1):
                data = work / f"crawl-{workers}"
                # A database of its own: the history of the run before would skip every page.
                address = f"{state[:-1]}{number}"
                pages, wall, cpu = crawl(urls, data, address, workers, args.concurrency)
                name = f"crawl, {workers} worker{'s' if workers > 1 else ''} on Redis"
                rows.append((f"{name} ({each})", pages, wall, "wall"))
                rows.append((name, pages, cpu, "CPU of all workers"))
    finally:
        server.terminate()
        server.wait()
    warcs = offline.warc_files(work / "crawl-1")
    pages = offline.count_responses(warcs)
    floor = offline.bare_replay(warcs)
    rows.append(("replay floor: warcio + bare lxml parse", floor.pages, floor.cpu, "CPU, 1 core"))
    for name, how in (
        ("replay --jobs 1", ("--jobs", "1")),
        ("replay --jobs 2", ("--jobs", "2")),
        ("replay --cluster local:2", ("--cluster", "local:2")),
    ):
        label = name.split()[-1].replace(":", "-")
        cost = replay(warcs, work / f"{label}.jsonl", work / f"{label}.log", *how)
        rows.append((name, pages, cost.wall, "wall, start-up included"))
        rows.append((name, pages, cost.cpu, "CPU of all its processes"))
    rows += large_file_rows(warcs, work, pages, args.parts)
    print("| measure | pages | seconds | pages/s | clock |\n|---|---:|---:|---:|---|")
    for name, count, seconds, clock in rows:
        print(f"| {name} | {count} | {seconds:.2f} | {count / seconds:.1f} | {clock} |")
    print(f"\n{os.cpu_count()} cores; work in {work}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
