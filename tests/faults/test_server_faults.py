"""Server faults: statuses, broken connections, slow servers, bad redirects, bad encodings.

One crawl meets every fault at once, next to a healthy article; each test then checks one
fault's outcome in the run report, the WARC files (read by warcio, digests checked) and the
store.
"""

from __future__ import annotations

import gzip
import json
import resource
import zlib
from pathlib import Path
from typing import Any

import brotli
import pytest

from archive.warc.bounded import MAX_HEADER_BLOCK
from crawler.decoding import brotli_decodes

from ..conftest import run_cli
from .harness import (
    HEALTHY_HEADLINE,
    HEALTHY_PATH,
    FaultServer,
    article_path,
    crawl,
    fault_server,
    healthy,
    hub,
    report,
    responses_for,
    run_log,
    store_lines,
    variant,
    warc_records,
    write,
)

MAX_BYTES = 4_000_000  # DOWNLOAD_MAXSIZE of this crawl: above the bomb, below the oversize
OVERSIZE = 6_000_000
BOMB_MEMBERS = 128  # x 16 MiB of zeros: 2 GiB once inflated, about 2 MB on the wire


def gzip_bomb() -> bytes:
    member = gzip.compress(b"\0" * (16 << 20), compresslevel=9, mtime=0)
    return member * BOMB_MEMBERS


def zstd_compress(data: bytes) -> bytes:
    try:
        from compression import zstd
    except ImportError:
        from backports import zstd
    return bytes(zstd.compress(data))


def headers_totalling(size: int) -> list[list[str]]:
    """Header lines of `size` bytes in all ("Name: value" and CRLF each), each within
    Twisted's 16 KiB line limit."""
    headers = []
    left = size
    n = 0
    while left > 0:
        name = f"X-Pad-{n:03d}"
        value = "p" * min(15_000, left - len(name) - 4)
        headers.append([name, value])
        left -= len(name) + len(value) + 4
        n += 1
    assert left == 0 and all(value for _, value in headers)
    return headers


def scenario(tmp: Path) -> dict[str, Any]:
    page = variant("healthy")
    oversize = b"<html><body>" + b"<p>too much</p>\n" * (OVERSIZE // 16) + b"</body></html>"
    routes: dict[str, dict[str, Any]] = {HEALTHY_PATH: healthy()}
    faults: dict[str, dict[str, Any]] = {
        "status-500": {"status": 500, "body": "error"},
        "status-502": {"status": 502, "body": "bad gateway"},
        "status-503": {"status": 503, "body": "busy"},
        "status-503-retry-after": {
            "status": 503,
            "headers": [["Retry-After", "1"]],
            "body": "busy",
        },
        "status-429-retry-after-hour": {
            "status": 429,
            "headers": [["Retry-After", "3600"]],
            "body": "slow down",
        },
        "reset-mid-headers": {"mode": "reset_headers", "body": page.decode()},
        "reset-mid-body": {"mode": "reset_body", "body": page.decode()},
        "short-body": {"mode": "short", "body": page.decode()},
        # No Content-Length, half the body, then a reset: not the close that ends a body.
        "reset-no-length": {"mode": "reset_body", "body": page.decode(), "length": None},
        "stall-after-headers": {"mode": "stall", "body": page.decode()},
        "trickle": {"mode": "trickle", "body": page.decode(), "interval": 0.25},
        "redirect-loop": {"status": 302, "headers": [["Location", article_path("loop-back")]]},
        "loop-back": {"status": 302, "headers": [["Location", article_path("redirect-loop")]]},
        "redirect-offsite": {"status": 301, "headers": [["Location", "{other}" + HEALTHY_PATH]]},
        "redirect-file-scheme": {"status": 302, "headers": [["Location", "file:///etc/passwd"]]},
        "redirect-ftp-scheme": {"status": 302, "headers": [["Location", "ftp://127.0.0.1/x"]]},
        "oversize-with-length": {"body_path": write(tmp, "oversize", oversize)},
        "oversize-no-length": {"body_path": write(tmp, "oversize", oversize), "length": None},
        # Header lines each under Twisted's 16 KiB limit, 1.2 MB of them in all.
        "huge-headers": {
            "headers": [[f"X-Pad-{n}", "p" * 15_000] for n in range(80)],
            "body": variant("huge-headers").decode(),
        },
        # Header lines just under the readers' bound, the status line not counted.
        "headers-at-the-bound": {
            # 10 bytes under the bound with the server's Content-Type, Content-Length and
            # Connection lines (81 bytes), which the crawl counted; the readers count the
            # status line too.
            "headers": headers_totalling(MAX_HEADER_BLOCK - 10 - 81),
            "body": variant("headers-at-the-bound").decode(),
        },
        # A whole body whose end is the connection's close (no Content-Length): legal HTTP.
        "close-delimited": {"body": variant("close-delimited").decode(), "length": None},
        "gzip-bomb": {
            "headers": [["Content-Encoding", "gzip"]],
            "body_path": write(tmp, "bomb", gzip_bomb()),
        },
        "deflate": {
            "headers": [["Content-Encoding", "deflate"]],
            "body_path": write(tmp, "deflate", zlib.compress(variant("deflate"))),
        },
        "brotli": {
            "headers": [["Content-Encoding", "br"]],
            "body_path": write(tmp, "br", brotli.compress(variant("brotli"))),
        },
        "zstd": {
            "headers": [["Content-Encoding", "zstd"]],
            "body_path": write(tmp, "zstd", zstd_compress(variant("zstd"))),
        },
        "gzip-that-is-not": {
            "headers": [["Content-Encoding", "gzip"]],
            "body": variant("gzip-that-is-not").decode(),
        },
        "brotli-that-is-not": {
            "headers": [["Content-Encoding", "br"]],
            "body": variant("brotli-that-is-not").decode(),
        },
    }
    # A chain one longer than REDIRECT_MAX_TIMES (3 in this crawl).
    for step in range(5):
        faults[f"chain-{step}"] = {
            "status": 302,
            "headers": [["Location", article_path(f"chain-{step + 1}")]],
        }
    faults["chain-5"] = {"body": variant("chain-end").decode()}
    for name, route in faults.items():
        routes[article_path(name)] = route
    starts = [HEALTHY_PATH] + [
        article_path(n) for n in faults if n != "loop-back" and not n.startswith("chain-")
    ]
    routes["/"] = hub([*starts, article_path("chain-0")])
    return {"main": routes, "other": {HEALTHY_PATH: healthy()}}


class Crawl:
    def __init__(self, data: Path, server: FaultServer, result: Any):
        self.data = data
        self.server = server
        self.result = result
        self.report = report(data)
        self.records = warc_records(data)
        self.log = run_log(data)

    def url(self, name: str) -> str:
        return self.server.url("main", article_path(name))

    def responses(self, name: str) -> list[Any]:
        return responses_for(self.records, self.url(name))

    def error(self, kind: str, name: str) -> None:
        entry = self.report["errors"].get(kind)
        assert entry is not None, (kind, self.report["errors"])
        assert self.url(name) in entry["examples"], (name, entry)


@pytest.fixture(scope="module")
def faults(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("server-faults")
    with fault_server(tmp, scenario(tmp)) as server:
        result = crawl(
            tmp / "data",
            server.url("main", "/"),
            extra=(
                "-s", f"DOWNLOAD_MAXSIZE={MAX_BYTES}",
                "-s", "REDIRECT_MAX_TIMES=3",
                "-s", "DOWNLOAD_TIMEOUT=3",  # a trickle is cut at 80%: 2.4 s
            ),
        )  # fmt: skip
        yield Crawl(tmp / "data", server, result)


def test_no_crash_and_the_healthy_article_is_stored(faults: Crawl) -> None:
    assert faults.result.returncode in (0, 1), faults.result.stderr
    assert "Traceback" not in faults.result.stderr
    assert "Traceback" not in faults.log
    assert "spider_exceptions" not in faults.log
    assert faults.report["finishReasons"] == {"cnn": "finished"}
    headlines = {line["headline"] for line in store_lines(faults.data)}
    assert f"{HEALTHY_HEADLINE} (healthy)" in headlines or HEALTHY_HEADLINE in headlines
    # Nothing half-written: every WARC closed, every store line whole.
    assert not list((faults.data / "warc").glob("*.open"))


@pytest.mark.parametrize(
    "name, status",
    [
        ("status-500", 500),
        ("status-502", 502),
        ("status-503", 503),
        ("status-503-retry-after", 503),
        ("status-429-retry-after-hour", 429),
    ],
)
def test_error_statuses_retried_each_attempt_archived_then_reported(
    faults: Crawl, name: str, status: int
) -> None:
    attempts = faults.responses(name)
    assert len(attempts) == 2  # RETRY_TIMES=1: the first try and one retry
    assert {r.http_headers.get_statuscode() for r in attempts} == {str(status)}
    faults.error(f"http_{status}", name)


def test_retry_after_honoured_up_to_the_cap(faults: Crawl) -> None:
    # Retry-After: 1 and 3600 were both read, and both waits were cut to the 0.2 s cap.
    assert f"{faults.url('status-503-retry-after')} in 0.20s (Retry-After 1s" in faults.log
    hour = faults.url("status-429-retry-after-hour")
    assert f"{hour} in 0.20s (Retry-After 3600s, cap 0.2s)" in faults.log
    # Without Retry-After the first wait is the backoff base.
    assert f"{faults.url('status-500')} in 0.05s" in faults.log


@pytest.mark.parametrize("name", ["reset-mid-headers", "stall-after-headers"])
def test_nothing_received_nothing_archived_failure_reported(faults: Crawl, name: str) -> None:
    assert faults.responses(name) == []
    kind = "connection_lost" if name == "reset-mid-headers" else "timeout"
    faults.error(kind, name)


@pytest.mark.parametrize(
    "name, kind, reason",
    [
        ("reset-mid-body", "dataloss", "disconnect"),
        ("reset-no-length", "dataloss", "disconnect"),
        ("short-body", "dataloss", "disconnect"),
        ("trickle", "too_slow", "time"),
        ("oversize-with-length", "too_large", "length"),
        ("oversize-no-length", "too_large", "length"),
    ],
)
def test_partial_body_archived_truncated_never_extracted(
    faults: Crawl, name: str, kind: str, reason: str
) -> None:
    (record,) = faults.responses(name)
    assert record.rec_headers.get_header("WARC-Truncated") == reason
    assert len(record.payload) > 0
    if name.startswith("oversize"):
        assert MAX_BYTES <= len(record.payload) < OVERSIZE
    faults.error(kind, name)
    stored = {line["headline"] for line in store_lines(faults.data)}
    assert not any(f"({name})" in headline for headline in stored)


@pytest.mark.parametrize(
    "name, kind",
    [
        ("redirect-loop", "redirect_loop"),
        ("redirect-offsite", "redirect_offsite"),
        ("redirect-file-scheme", "redirect_scheme"),
        ("redirect-ftp-scheme", "redirect_scheme"),
    ],
)
def test_bad_redirects_refused_and_reported(faults: Crawl, name: str, kind: str) -> None:
    assert faults.responses(name)  # the redirect itself is archived
    entry = faults.report["errors"][kind]
    urls = (
        {faults.url(name), faults.url("loop-back")}
        if kind == "redirect_loop"
        else {faults.url(name)}
    )
    assert urls & set(entry["examples"])
    # Never followed off the site.
    assert not [line for line in faults.server.requested() if line.startswith("other ")]


def test_redirect_chain_longer_than_the_limit_stops(faults: Crawl) -> None:
    # REDIRECT_MAX_TIMES=3: chain-0 and three redirects are fetched, the fourth is refused.
    fetched = [n for n in range(6) if faults.responses(f"chain-{n}")]
    assert fetched == [0, 1, 2, 3]
    faults.error("redirect_limit", "chain-3")


def test_gzip_bomb_stopped_bytes_archived_as_received(faults: Crawl) -> None:
    (record,) = faults.responses("gzip-bomb")
    assert record.http_headers.get_header("Content-Encoding") == "gzip"
    assert record.payload == (faults.data.parent / "bodies" / "bomb").read_bytes()
    faults.error("decompression_bomb", "gzip-bomb")
    # The crawl process never held the 2 GiB: peak memory of any child stays far below.
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert peak_kib < 600 * 1024


def test_a_header_block_past_the_readers_bound_is_refused_not_archived(faults: Crawl) -> None:
    """1.2 MB of header lines, each within Twisted's line limit: archived as received,
    then newsarchive's own readers (index, verify, replay) refused the record, and the
    whole file was left out of index.cdxj, run after run. Refused at the download now,
    at the bound the readers hold every record to."""
    assert faults.responses("huge-headers") == []
    faults.error("headers_too_large", "huge-headers")
    # At the bound, the status line and the lines the WARC record adds count too.
    assert faults.responses("headers-at-the-bound") == []
    faults.error("headers_too_large", "headers-at-the-bound")
    listed = (faults.data / "warc" / "index.cdxj").read_text()
    for path in (faults.data / "warc").glob("*.warc.gz"):
        assert path.name in listed


def test_a_body_ended_by_the_close_is_whole_not_truncated(faults: Crawl, tmp_path: Path) -> None:
    """Without Content-Length a body ends when the server closes: Scrapy flags it
    "partial" (completeness cannot be checked), which was archived as WARC-Truncated:
    disconnect. The crawl stored the article, but replay, --from-archive and dedup
    refused the record, so a store rebuilt from the WARCs lacked it."""
    (record,) = faults.responses("close-delimited")
    assert record.rec_headers.get_header("WARC-Truncated") is None
    assert record.http_headers.get_header("Content-Length") is None
    headline = f"{HEALTHY_HEADLINE} (close-delimited)"
    assert headline in {line["headline"] for line in store_lines(faults.data)}
    out = tmp_path / "replayed.jsonl"
    done = run_cli("replay", str(faults.data / "warc"), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert headline in {json.loads(line)["headline"] for line in out.read_text().splitlines()}


@pytest.mark.parametrize("name", ["deflate", "zstd"])
def test_compressed_bodies_decoded_and_extracted(faults: Crawl, name: str) -> None:
    (record,) = faults.responses(name)
    assert record.http_headers.get_header("Content-Encoding") in ("deflate", "zstd")
    headlines = {line["headline"] for line in store_lines(faults.data)}
    assert f"{HEALTHY_HEADLINE} ({name})" in headlines


def test_brotli_decoded_when_the_codec_works_else_not_asked_for(faults: Crawl) -> None:
    (record,) = faults.responses("brotli")
    sent = [
        r
        for r in faults.records
        if r.rec_type == "request"
        and r.rec_headers.get_header("WARC-Concurrent-To")
        == record.rec_headers.get_header("WARC-Record-ID")
    ]
    accept = sent[0].http_headers.get_header("Accept-Encoding")
    headlines = {line["headline"] for line in store_lines(faults.data)}
    if brotli_decodes():
        assert "br" in accept
        assert f"{HEALTHY_HEADLINE} (brotli)" in headlines
    else:  # the installed ``brotli`` is not the API Scrapy needs: never ask for br
        assert "br" not in accept.split(", ")
        faults.error("bad_encoding", "brotli")  # sent anyway: reported, not a crash


@pytest.mark.parametrize("name", ["gzip-that-is-not", "brotli-that-is-not"])
def test_lying_content_encoding_reported_raw_bytes_archived(faults: Crawl, name: str) -> None:
    (record,) = faults.responses(name)
    assert record.payload == variant(name)
    faults.error("bad_encoding", name)


def test_max_runtime_cuts_a_retry_waiting_out_retry_after(tmp_path: Path) -> None:
    """The wait before a retry held the graceful close: ``--max-runtime 2`` with a page
    answering 503 and ``Retry-After: 600`` ran for the whole ten minutes. The subprocess's
    timeout is the bound that failed before; the page is left for the next run."""
    story = article_path("retry-after-long")
    sites = {
        "main": {
            "/": hub([story]),
            story: {"status": 503, "headers": [["Retry-After", "600"]], "body": "busy"},
        }
    }
    with fault_server(tmp_path, sites) as server:
        result = crawl(
            tmp_path / "data", server.url("main", "/"),
            extra=("--max-runtime", "2", "-s", "NEWSARCHIVE_RETRY_MAX_DELAY=600"),
            timeout=120,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "cut short by --max-runtime" in result.stdout
    assert "in 600.00s (Retry-After 600s" in run_log(tmp_path / "data")
    assert report(tmp_path / "data")["status"] == "limited"


def crawl_behind_a_delay(tmp_path: Path, *extra: str) -> tuple[Any, list[str]]:
    """A crawl of three stories queued behind a 30 s ``DOWNLOAD_DELAY`` (after robots.txt),
    with `extra` options: its result, and the requests the server saw."""
    stories = [article_path(f"queued-{n}") for n in range(3)]
    sites = {"main": {"/": hub(stories), **{story: healthy() for story in stories}}}
    with fault_server(tmp_path, sites) as server:
        result = crawl(
            tmp_path / "data", *(server.url("main", story) for story in stories),
            extra=("-s", "DOWNLOAD_DELAY=30", "-s", "RANDOMIZE_DOWNLOAD_DELAY=False", *extra),
            timeout=150,
        )  # fmt: skip
        return result, server.requested()


def test_max_runtime_sends_nothing_still_waiting_out_the_download_delay(tmp_path: Path) -> None:
    """Requests queued behind ``DOWNLOAD_DELAY`` when ``--max-runtime`` fell were sent one a
    delay after it, and their pages fetched and stored past the bound. They are not sent
    now, and stay in the frontier for the next run."""
    result, requested = crawl_behind_a_delay(tmp_path, "--max-runtime", "1")
    assert result.returncode == 0, result.stderr
    assert "cut short by --max-runtime" in result.stdout
    # robots.txt went out at once; the first story would have gone 30 s later.
    assert not [line for line in requested if "/faults/queued-" in line], requested
    assert report(tmp_path / "data")["status"] == "limited"
    assert report(tmp_path / "data")["errors"] == {}
    assert report(tmp_path / "data")["requests"] == len(requested), "the requests sent"


def test_a_first_sigterm_sends_nothing_still_waiting_out_the_download_delay(
    tmp_path: Path,
) -> None:
    """A graceful stop (SIGTERM, Ctrl-C) sent the requests queued behind ``DOWNLOAD_DELAY``,
    one a delay apart, before it ended: with AutoThrottle's delays, minutes."""
    import signal

    from tests.test_kill import switch_settings

    signalled = switch_settings("response_downloaded", 1, signal.SIGTERM)
    result, requested = crawl_behind_a_delay(tmp_path, *signalled)
    assert result.returncode == 143, result.stderr
    assert not [line for line in requested if "/faults/queued-" in line], requested
    assert report(tmp_path / "data")["status"] == "interrupted"


def test_the_header_bound_leaves_room_for_each_line_a_record_renames() -> None:
    """The record renames each Transfer-Encoding line (X-Archive-Orig-..., 15 bytes more):
    hundreds of them just under the bound passed it, once archived, by more than the room
    kept for the lines a record adds."""
    from twisted.internet.testing import StringTransport
    from twisted.web._newclient import Request as TxRequest
    from twisted.web.http_headers import Headers

    from crawler.handlers import HEAD_LIMIT, HeaderBlockTooLarge, _WireParser

    parser = _WireParser(TxRequest(b"GET", b"/", Headers({}), None), lambda rest: None)
    parser._newsarchive_headers = []  # as the download handler's protocol sets it
    parser.makeConnection(StringTransport())
    renamed = [b"Transfer-Encoding: x"] * 300
    room = HEAD_LIMIT - len(b"HTTP/1.1 200 OK") - 2 - sum(len(line) + 2 for line in renamed)
    pads = [line.encode() for _, line in ([n, f"{n}: {v}"] for n, v in headers_totalling(room))]
    head = b"\r\n".join([b"HTTP/1.1 200 OK", *pads, *renamed, b"X-Last: 1"]) + b"\r\n"
    with pytest.raises(HeaderBlockTooLarge):
        parser.dataReceived(head)
