"""``python -m bench.explorer``: the story explorer over generated stores of growing size.

For each size: a store of that many articles is generated (store lines as the crawl writes
them, a tenth with a second version, related links between them, a CDXJ index of their
captures), the read model is built (time, peak RSS), then ``newsarchive browse`` is started
and timed over HTTP on loopback: the start page, a deep page, searches for a rare and a
common word, a filtered list, article pages and story views (median and slowest of N), and
the server's resident memory is read from /proc after the requests. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from archive.store.lines import content_digest, encode_line, versioned_line  # noqa: E402
from crawler.pages.urls import article_id  # noqa: E402

from .measure import code_env  # noqa: E402

WORDS = 5000
TOPICS = 300
AUTHORS = 800


def vocabulary(rng: random.Random) -> list[str]:
    letters = "abcdefghiklmnoprstuvwyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(3, 10))) for _ in range(WORDS)]


def url_of(n: int) -> str:
    return f"https://www.reuters.com/world/generated-story-{n}/"


def item(n: int, count: int, rng: random.Random, words: list[str]) -> dict[str, Any]:
    """Article ``n``: published across 2015-2024, 300 words of text, links to earlier ones."""
    day = 1_420_070_400 + int(n / count * 10 * 365 * 86400)
    published = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(day))
    # Zipf-like: common words common, rare words rare.
    text = [words[min(WORDS - 1, int(rng.paretovariate(1.1))) - 1] for _ in range(300)]
    paragraphs = [" ".join(text[i : i + 50]).capitalize() + "." for i in range(0, 300, 50)]
    links = [
        {"url": url_of(rng.randrange(max(1, n))), "headline": "earlier coverage", "kind": "related"}
        for _ in range(rng.randint(0, 4) if n else 0)
    ]
    return {
        "url": url_of(n),
        "canonicalUrl": url_of(n),
        "source": "reuters" if n % 3 else "cnn",
        "articleId": article_id(url_of(n)),
        "headline": " ".join(rng.choice(words) for _ in range(8)).capitalize() + f" {n}",
        "description": None,
        "datePublished": published,
        "datePublishedRaw": published,
        "dateModified": None,
        "dateModifiedRaw": None,
        "authors": [{"name": f"Author {rng.randrange(AUTHORS)}", "nameRaw": "By someone"}],
        "dateline": "SOMEWHERE",
        "highlights": [],
        "articleBody": "\n\n".join(paragraphs),
        "paragraphs": paragraphs,
        "relatedLinks": links,
        "topics": [f"Topic {rng.randrange(TOPICS)}"],
        "keywords": [],
        "images": [],
        "credits": [],
        "inLanguage": "en",
        "metadata": {
            "dateDownloaded": "2026-01-01T00:00:00Z",
            "extractor": "reuters/generated",
            "schemaVersion": 1,
        },
        "warc": None,
    }


def generate(data: Path, count: int, seed: int) -> None:
    rng = random.Random(seed)
    words = vocabulary(rng)
    (data / "articles").mkdir(parents=True, exist_ok=True)
    (data / "warc").mkdir(exist_ok=True)
    index: list[str] = []
    with open(data / "articles" / "articles-2026-01.jsonl", "wb") as out:
        for n in range(count):
            article = item(n, count, rng, words)
            out.write(encode_line(versioned_line(article, 1, content_digest(article), [])))
            stamp = "20260101000000"
            host_path = f"com,reuters)/world/generated-story-{n}"
            fields = {"url": url_of(n), "mime": "text/html", "status": "200"}
            fields.update(filename="generated.warc.gz", offset="0", length="1")
            index.append(f"{host_path} {stamp} {json.dumps(fields)}\n")
            if n % 10 == 0:  # a second version, its second paragraph rewritten
                article["paragraphs"][1] = "Rewritten. " + article["paragraphs"][1]
                article["articleBody"] = "\n\n".join(article["paragraphs"])
                line = versioned_line(article, 2, content_digest(article), ["articleBody"])
                out.write(encode_line(line))
    (data / "warc" / "index.cdxj").write_text("".join(sorted(index)), "utf-8")


def build(data: Path) -> tuple[float, int]:
    """Seconds and peak RSS (KiB) of building the read model in a child process."""
    code = (
        "import resource, sys;"
        " from archive.explorer.readmodel import rebuild; rebuild(sys.argv[1]);"
        " print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, str(data)], check=True, cwd=REPO, capture_output=True
    )
    return time.perf_counter() - started, int(done.stdout.split()[-1])


def rss_kib(pid: int) -> tuple[int, int]:
    status = Path(f"/proc/{pid}/status").read_text()
    now = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    return now, peak


def timed(url: str, repeat: int) -> tuple[float, float]:
    """Median and slowest milliseconds of ``repeat`` GETs (after one warm-up)."""
    samples = []
    for attempt in range(repeat + 1):
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            assert response.status == 200, url
        if attempt:
            samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), max(samples)


def measure(data: Path, count: int, repeat: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed + 1)
    words = vocabulary(random.Random(seed))
    env = code_env(REPO)
    process = subprocess.Popen(
        [sys.executable, "-m", "archive", "browse", "--data", str(data), "--port", "0"],
        stdout=subprocess.PIPE, text=True, cwd=REPO, env=env,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        base = re.search(r"http://127\.0\.0\.1:\d+", line).group(0)  # type: ignore[union-attr]
        ids = [article_id(url_of(rng.randrange(count))) for _ in range(repeat + 1)]
        rows = {
            "start page": timed(base + "/", repeat),
            "start page, page 200": timed(base + "/?page=200", repeat),
            "search, rare word": timed(base + "/?q=" + words[-7], repeat),
            "search, common word": timed(base + "/?q=" + words[1], repeat),
            "search, two words": timed(base + f"/?q={words[3]}+{words[40]}", repeat),
            "outlet + topic + dates": timed(
                base + "/?source=cnn&topic=Topic+7&since=2016-01-01&until=2020-12-31", repeat
            ),
        }
        samples = []
        for aid in ids:
            started = time.perf_counter()
            with urllib.request.urlopen(f"{base}/article/{aid}", timeout=60) as response:
                response.read()
            samples.append((time.perf_counter() - started) * 1000)
        rows["article page"] = (statistics.median(samples[1:]), max(samples[1:]))
        samples = []
        for aid in ids:
            started = time.perf_counter()
            with urllib.request.urlopen(f"{base}/story?article={aid}", timeout=60) as response:
                response.read()
            samples.append((time.perf_counter() - started) * 1000)
        rows["story view"] = (statistics.median(samples[1:]), max(samples[1:]))
        rss, peak = rss_kib(process.pid)
        return {"rows": rows, "rss": rss, "peak": peak}
    finally:
        process.terminate()
        process.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.explorer", description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000", help="articles per store")
    parser.add_argument("--repeat", type=int, default=20, help="requests per row")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, required=True, help="stores are made here")
    options = parser.parse_args(argv)
    sizes = [int(s) for s in options.sizes.split(",")]
    results = {}
    for size in sizes:
        data = options.workdir / f"store-{size}"
        if not (data / "articles").is_dir():
            started = time.perf_counter()
            generate(data, size, options.seed)
            print(f"generated {size} articles in {time.perf_counter() - started:.0f} s")
        seconds, peak = build(data)
        model = data / "state" / "explorer.sqlite"
        store_mb = sum(p.stat().st_size for p in (data / "articles").glob("*.jsonl")) / 1e6
        print(
            f"{size}: store {store_mb:.0f} MB, read model {model.stat().st_size / 1e6:.0f} MB"
            f" built in {seconds:.1f} s, peak RSS {peak / 1024:.0f} MiB"
        )
        results[size] = measure(data, size, options.repeat, options.seed)
    names = list(results[sizes[0]]["rows"])
    head = "| ms (median / slowest) | " + " | ".join(f"{s:,} articles" for s in sizes) + " |"
    print(head)
    print("|---" * (len(sizes) + 1) + "|")
    for name in names:
        cells = [
            f"{results[s]['rows'][name][0]:.0f} / {results[s]['rows'][name][1]:.0f}" for s in sizes
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print(
        "| server RSS after, MiB (peak) | "
        + " | ".join(
            f"{results[s]['rss'] / 1024:.0f} ({results[s]['peak'] / 1024:.0f})" for s in sizes
        )
        + " |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
