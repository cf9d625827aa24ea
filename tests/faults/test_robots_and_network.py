"""robots.txt faults, unreachable sites and private addresses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crawler.guards import Refused, is_inward_host, refusal
from crawler.linkpolicy import LinkPolicy
from crawler.retry import backoff_delay, retry_after_seconds
from crawler.robots import DISALLOW_ALL, robots_rules

from .harness import (
    HEALTHY_HEADLINE,
    article_path,
    crawl,
    fault_server,
    hub,
    report,
    responses_for,
    store_lines,
    variant,
    warc_records,
    write,
)

HUGE_FILLER = b"# " + b"x" * 98 + b"\n"  # 100 bytes of comment per line


def robots_site(tmp: Path, name: str, robots: dict[str, Any] | None) -> dict[str, Any]:
    story = article_path(f"robots-{name}")
    early = article_path(f"robots-{name}-disallowed-early")
    routes: dict[str, Any] = {
        "/": hub([story, early]),
        story: {"body_path": write(tmp, f"{name}.html", variant(f"robots-{name}"))},
        early: {"body_path": write(tmp, f"{name}-early.html", variant(f"early-{name}"))},
    }
    if robots is not None:
        routes["/robots.txt"] = robots
    return routes


@pytest.fixture(scope="module")
def robots(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("robots")
    huge = (
        b"User-agent: *\nDisallow: " + article_path("robots-huge-disallowed-early").encode()
        + b"\n" + HUGE_FILLER * 6000 + b"User-agent: *\nDisallow: /\n"
    )  # fmt: skip
    sites = {
        "missing": robots_site(tmp, "missing", None),
        "broken": robots_site(tmp, "broken", {"status": 500, "body": "oops"}),
        "huge": robots_site(
            tmp, "huge", {"headers": [["Content-Type", "text/plain"]], "body_path": write(
                tmp, "robots-huge.txt", huge)}
        ),
        "closed": robots_site(
            tmp, "closed", {"headers": [["Content-Type", "text/plain"]],
                            "body": "User-agent: *\nDisallow: /\n"}
        ),
        # The server is there, its robots.txt is cut off by a reset (as a stall would be
        # by the timeout): unreachable, as a 5xx is (RFC 9309 2.3.1.4).
        "reset": robots_site(tmp, "reset", {"mode": "reset_headers"}),
    }  # fmt: skip
    with fault_server(tmp, sites) as server:
        result = crawl(tmp / "data", *(server.url(name, "/") for name in sites))
        yield tmp / "data", server, result


def test_robots_outcomes(robots: Any) -> None:
    data, server, result = robots
    assert "Traceback" not in result.stderr
    errors = report(data)["errors"]
    headlines = {line["headline"] for line in store_lines(data)}
    # 404: everything allowed.
    assert f"{HEALTHY_HEADLINE} (robots-missing)" in headlines
    assert f"{HEALTHY_HEADLINE} (early-missing)" in headlines
    # 500: the site is closed for this run, and the report says why.
    assert server.url("broken", "/robots.txt") in errors["robots_unavailable"]["examples"]
    assert server.url("broken", "/") in errors["robots_disallowed"]["examples"]
    assert not [line for line in server.requested() if line.startswith("broken /2013")]
    # A robots.txt that never arrives: closed too; before, taken for "no rules", and the
    # whole site was crawled with nothing in the report.
    assert sorted(errors["robots_unavailable"]["examples"]) == sorted(
        [server.url("broken", "/robots.txt"), server.url("reset", "/robots.txt")]
    )
    assert server.url("reset", "/") in errors["robots_disallowed"]["examples"]
    assert not [line for line in server.requested() if line.startswith("reset /2013")]
    assert {line for line in server.requested() if line.startswith("reset ")} == {
        "reset /robots.txt"
    }
    # Huge: the first 500 KiB count (the early rule), the Disallow: / after them does not.
    assert f"{HEALTHY_HEADLINE} (robots-huge)" in headlines
    assert f"{HEALTHY_HEADLINE} (early-huge)" not in headlines
    # Disallowing the start URL: nothing fetched there but robots.txt.
    assert server.url("closed", "/") in errors["robots_disallowed"]["examples"]
    assert [line for line in server.requested() if line.startswith("closed ")] == [
        "closed /robots.txt"
    ]
    # robots.txt responses are archived like any other.
    records = warc_records(data)
    assert responses_for(records, server.url("broken", "/robots.txt"))


def test_robots_rules() -> None:
    assert robots_rules(500, b"", 10) is DISALLOW_ALL
    assert robots_rules(503, b"User-agent: *\nAllow: /", 100) is DISALLOW_ALL
    assert robots_rules(429, b"", 10) is DISALLOW_ALL
    assert robots_rules(404, b"<html>Disallow: /</html>", 100) == b""
    assert robots_rules(200, b"abcdef", 3) == b"abc"


def test_dns_failure_ends_quickly_with_one_line(tmp_path: Path) -> None:
    result = crawl(tmp_path / "data", "http://nonexistent.invalid/", timeout=60)
    assert result.returncode == 1
    message = [line for line in result.stderr.splitlines() if "no site could be reached" in line]
    assert len(message) == 1 and "dns" in message[0] and "nonexistent.invalid" in message[0]
    assert "Traceback" not in result.stderr
    assert report(tmp_path / "data")["errors"]["dns"]["examples"] == ["http://nonexistent.invalid/"]


def test_connection_refused_counted_rest_of_crawl_unaffected(tmp_path: Path) -> None:
    sites = {"main": {"/": hub([article_path("fine")]), article_path("fine"): {
        "body_path": write(tmp_path, "fine", variant("fine"))}}}  # fmt: skip
    with fault_server(tmp_path, sites) as server:
        refused = "http://127.0.0.1:9/"  # the discard port: nothing listens on loopback
        result = crawl(tmp_path / "data", server.url("main", "/"), refused)
    errors = report(tmp_path / "data")["errors"]
    assert errors["connection_refused"]["examples"] == [refused]
    assert f"{HEALTHY_HEADLINE} (fine)" in {
        line["headline"] for line in store_lines(tmp_path / "data")
    }
    assert "Traceback" not in result.stderr


def test_whole_site_refused_is_unreachable(tmp_path: Path) -> None:
    result = crawl(tmp_path / "data", "http://127.0.0.1:9/", timeout=60)
    assert result.returncode == 1
    assert "no site could be reached (connection refused for http://127.0.0.1:9/" in result.stderr


def test_private_addresses_refused_from_a_public_site(tmp_path: Path) -> None:
    sites = {"main": {"/": hub([article_path("fine")])}}
    with fault_server(tmp_path, sites) as server:
        result = crawl(
            tmp_path / "data",
            server.url("main", "/"),
            extra=("-s", "NEWSARCHIVE_GUARDS_PUBLIC_SITE=true"),
        )
        assert server.requested() == []  # not even robots.txt
    errors = report(tmp_path / "data")["errors"]
    assert errors["private_address"]["examples"] == [server.url("main", "/")]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "host, inward",
    [
        ("127.0.0.1", True), ("10.1.2.3", True), ("192.168.0.1", True), ("172.16.5.5", True),
        ("169.254.169.254", True), ("::1", True), ("[::1]", True), ("::ffff:10.0.0.1", True),
        ("fe80::1", True), ("0.0.0.0", True), ("localhost", True), ("a.localhost", True),
        ("8.8.8.8", False), ("www.cnn.com", False), ("2606:4700::1111", False), (None, False),
    ],
)  # fmt: skip
def test_inward_hosts(host: str | None, inward: bool) -> None:
    assert is_inward_host(host) is inward


class _Spider:
    policy = LinkPolicy("cnn", 2, site_hosts=frozenset({"www.cnn.com", "edition.cnn.com"}))


@pytest.mark.parametrize(
    "url, kind",
    [
        ("http://www.cnn.com/2013/01/29/world/a/index.html", None),
        ("https://edition.cnn.com/2013/01/29/world/a/index.html", None),
        ("http://10.0.0.1/2013/01/29/world/a/index.html", "private_address"),
        ("http://www.cnn.com@127.0.0.1/x", "private_address"),
        ("http://127.0.0.1#@www.cnn.com/x", "private_address"),
        ("http://www.сnn.com/2013/01/29/world/a/index.html", "offsite"),
        ("http://cnn.com.evil.example/x", "offsite"),
        ("ftp://www.cnn.com/x", "bad_scheme"),
        ("javascript:alert(1)", "bad_scheme"),
        ("http://www.cnn.com/" + "a" * 3000, "url_too_long"),
    ],
)
def test_request_refusals_on_a_public_site(url: str, kind: str | None) -> None:
    found = refusal(url, _Spider(), public_site=True, max_length=2083)
    assert (found.newsarchive_kind if isinstance(found, Refused) else None) == kind


def test_retry_waits() -> None:
    assert retry_after_seconds(b"120") == 120.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert retry_after_seconds(b"soon") is None and retry_after_seconds(None) is None
    assert backoff_delay(1, 2.0, 60.0, None) == 2.0
    assert backoff_delay(3, 2.0, 60.0, None) == 8.0
    assert backoff_delay(10, 2.0, 60.0, None) == 60.0
    assert backoff_delay(1, 2.0, 60.0, 3600.0) == 60.0
    assert backoff_delay(1, 2.0, 60.0, 5.0) == 5.0
