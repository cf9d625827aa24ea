"""Hostile and damaged archives: what recovery, verify, index, replay and the store do with them.

Each input is built in the test's folder with a few lines of code (a WARC written by our
writer, then cut, bloated or edited), so every case is a regression test of its own.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.warc import WarcWriter
from archive.warc.recovery import complete_length, recover_directory
from archive.warc.verify import verify_file

from ..conftest import SiteServer, cli_env, read_jsonl, run_cli, store_lines
from ..servers.harness import crawl
from .hostile import (
    ARTICLE_URL,
    BOMB_URL,
    DOUBLE_URL,
    MiB,
    article_versions,
    big_records_open,
    bombs,
    capture,
    damaged_headers,
    impossible_dates,
    index_pointing_outside,
    many_articles,
    no_newlines,
    run_measured,
    sound_warc,
)


def test_recovery_keeps_complete_records_larger_than_4_mib(tmp_path: Path) -> None:
    big_records_open(tmp_path)
    results = recover_directory(tmp_path)
    assert [r.action for r in results] == ["closed"]
    closed = results[0].path
    assert results[0].cut < 1000, results[0]  # only the member the kill hit
    report = verify_file(closed)
    assert report.sound, report.problems
    assert report.records == 1 + 5 * 2 - 1  # warcinfo, 5 responses, 4 whole requests


def test_verify_accepts_a_sound_file_with_records_of_5_and_50_mib(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, prefix="newsarchive-cnn")
    for n, size in enumerate((5 * MiB, 300, 50 * MiB, 300)):
        writer.write_capture(capture(n, size))
    writer.close()
    path = tmp_path / writer.files_written[0]
    assert complete_length(path) == path.stat().st_size
    report = verify_file(path)
    assert report.sound, report.problems


def test_index_closes_an_open_file_with_big_records_keeping_them(tmp_path: Path) -> None:
    folder = tmp_path / "warc"
    folder.mkdir()
    open_path = big_records_open(folder)
    result = run_cli("index", "--data", str(tmp_path))
    assert result.returncode == 0, result.stderr
    closed = folder / open_path.name[: -len(".open")]
    report = verify_file(closed)
    assert report.sound and report.records == 10, report.problems
    assert "indexed 5 records" in result.stdout, result.stdout  # the 5 responses


def _versions(lines: list[dict]) -> list[tuple[int, str, str]]:
    return [(x["version"], x["headline"], x["metadata"]["dateDownloaded"]) for x in lines]


def test_replay_into_a_store_adds_no_false_versions_and_follows_capture_time(
    tmp_path: Path,
) -> None:
    warcs = article_versions(tmp_path / "warc")
    data = tmp_path / "data"
    first = run_cli("replay", str(warcs), "--store", str(data), "--jobs", "1")
    assert first.returncode == 0, first.stderr
    stored = store_lines(data)
    assert [(v, h[:6], d[:10]) for v, h, d in _versions(stored)] == [
        (1, "Troops", "2024-01-01"),  # captured first, though its file's name sorts last
        (2, "Second", "2024-01-02"),
    ]
    for _ in range(2):
        again = run_cli("replay", str(warcs), "--store", str(data), "--jobs", "1")
        assert again.returncode == 0, again.stderr
        assert "store 0 new / 0 updated / 3 unchanged" in again.stderr
        assert store_lines(data) == stored


def test_replay_out_gives_the_store_lines_and_all_captures_every_capture(
    tmp_path: Path,
) -> None:
    warcs = article_versions(tmp_path / "warc")
    out = tmp_path / "items.jsonl"
    result = run_cli("replay", str(warcs), "--out", str(out), "--jobs", "1")
    assert result.returncode == 0, result.stderr
    data = tmp_path / "data"
    assert run_cli("replay", str(warcs), "--store", str(data)).returncode == 0
    assert read_jsonl(out) == store_lines(data)  # one line per version, as the store holds
    every = tmp_path / "every.jsonl"
    result = run_cli("replay", str(warcs), "--out", str(every), "--all-captures")
    assert result.returncode == 0, result.stderr
    captures = read_jsonl(every)
    assert len(captures) == 3 and all("version" not in item for item in captures)


# Generous bounds: the limit (20 MiB) plus the interpreter, far below the unbounded cost.
MEMORY_BOUND_MIB = 200


def test_replay_decodes_payloads_within_the_live_limit(tmp_path: Path) -> None:
    warcs = bombs(tmp_path / "warc")
    out = tmp_path / "items.jsonl"
    result, peak = run_measured(["replay", str(warcs), "--out", str(out), "--jobs", "1"], cli_env())
    assert result.returncode == 0, result.stderr
    assert peak < MEMORY_BOUND_MIB, f"replay peaked at {peak} MiB"
    assert f"{BOMB_URL}" not in out.read_text() and len(read_jsonl(out)) == 1
    problems = [line for line in result.stderr.splitlines() if "decompression_bomb" in line]
    assert len(problems) == 2, result.stderr  # the bomb and the gzip, gzip stack
    assert DOUBLE_URL not in out.read_text()


@pytest.mark.parametrize("command", ["verify", "replay", "index"])
def test_data_without_newlines_is_damage_reported_with_memory_bounded(
    tmp_path: Path, command: str
) -> None:
    folder = no_newlines(tmp_path / "warc")
    zeros = folder / "aaa-zeros.warc.gz"
    if command == "index":
        (folder / "zeros.wacz").unlink()
        args = ["index", "--data", str(tmp_path)]
    elif command == "verify":
        args = ["verify", str(zeros), *map(str, folder.glob("newsarchive-*.warc.gz"))]
    else:
        args = ["replay", str(folder), "--out", str(tmp_path / "items.jsonl"), "--jobs", "1"]
    result, peak = run_measured(args, cli_env())
    assert peak < MEMORY_BOUND_MIB, f"{command} peaked at {peak} MiB"
    assert "Traceback" not in result.stderr and len(result.stderr) < 2000, result.stderr[:2000]
    if command == "verify":
        assert result.returncode == 1
        assert f"BAD {zeros}" in result.stderr and "1 of 2 WARC files sound" in result.stdout
    elif command == "replay":
        assert result.returncode == 0, result.stderr
        assert "aaa-zeros.warc.gz:0:" in result.stderr and "zeros.wacz#" in result.stderr
        assert len(read_jsonl(tmp_path / "items.jsonl")) == 1  # the sound file's article
    else:
        assert "aaa-zeros.warc.gz" in result.stderr, result.stderr
        index = (folder / "index.cdxj").read_text()
        assert "newsarchive-cnn" in index and "aaa-zeros" not in index


def test_verify_and_index_report_each_damaged_file_and_check_the_rest(tmp_path: Path) -> None:
    folder = damaged_headers(tmp_path / "warc")
    checked = run_cli("verify", str(folder))
    assert checked.returncode == 1, checked.stderr
    assert "Traceback" not in checked.stderr and "internal error" not in checked.stderr
    assert "BAD " in checked.stderr and "aa-no-target.warc.gz" in checked.stderr
    assert "1 of 3 WARC files sound" in checked.stdout
    indexed = run_cli("index", "--data", str(tmp_path))
    assert indexed.returncode == 1, indexed.stderr
    assert "not indexed: aa-no-target.warc.gz" in indexed.stderr
    assert "newsarchive-cnn" in (folder / "index.cdxj").read_text()


def test_a_record_without_warc_target_uri_is_named_in_one_line_of_our_own(
    tmp_path: Path,
) -> None:
    """Not warcio's (or Python's) error text: which record, and which header it lacks."""
    folder = damaged_headers(tmp_path / "warc")
    says = "record at offset 0: a response record with no WARC-Target-URI"
    bad = folder / "aa-no-target.warc.gz"
    checked = run_cli("verify", str(bad))
    assert checked.returncode == 1
    assert checked.stderr == f"BAD {bad}: 0 records, {says}\n"
    indexed = run_cli("index", "--data", str(tmp_path))
    assert indexed.returncode == 1
    assert f"newsarchive: not indexed: aa-no-target.warc.gz: {says}\n" in indexed.stderr
    replayed = run_cli("replay", str(bad), "--out", str(tmp_path / "items.jsonl"))
    lacks = "a response record with no WARC-Target-URI"
    assert f"newsarchive: {bad}:0: {lacks}\n" in replayed.stderr, replayed.stderr


def test_an_unreadable_warc_file_does_not_freeze_the_index(
    site: SiteServer, tmp_path: Path
) -> None:
    damaged_headers(tmp_path / "scratch")
    (tmp_path / "warc").mkdir()
    bad = tmp_path / "warc" / "aa-no-target.warc.gz"
    bad.write_bytes((tmp_path / "scratch" / bad.name).read_bytes())
    for _ in range(2):
        crawl(tmp_path, "cnn", site.url("cnn", "/world/africa/"))
        reports = sorted((tmp_path / "runs").glob("*.json"))
        report = json.loads(reports[-1].read_text())
        assert [line.split(":")[1].strip() for line in report["warc"]["notIndexed"]] == [
            bad.name
        ], report["warc"]
        index = (tmp_path / "warc" / "index.cdxj").read_text()
        named = {json.loads(line.split(" ", 2)[2])["filename"] for line in index.splitlines()}
        ours = {p.name for p in (tmp_path / "warc").glob("newsarchive-*.warc.gz")}
        assert named == ours
        log = reports[-1].with_suffix(".log").read_text()
        assert len(log) < 200_000


def test_index_entries_resolve_only_to_files_inside_the_folder(tmp_path: Path) -> None:
    folder = index_pointing_outside(tmp_path / "warc")
    out = tmp_path / "items.jsonl"
    result = run_cli("replay", str(folder), "--out", str(out), "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert read_jsonl(out) == []  # the original outside the folder is not used
    assert "0/1 revisits resolved" in result.stderr
    assert "revisit without its original payload" in result.stderr


def test_impossible_warc_dates_are_refused_with_a_reason(tmp_path: Path) -> None:
    folder = impossible_dates(tmp_path / "warc")
    data = tmp_path / "data"
    result = run_cli("replay", str(folder), "--store", str(data), "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert [p.name for p in (data / "articles").glob("*.jsonl")] == ["articles-2024-01.jsonl"]
    assert "'9999-99-99T99:99:99Z' is not a real date and time" in result.stderr
    assert "'9999-12-31T00:00:00Z' is in the future" in result.stderr
    assert len(store_lines(data)) == 1


def test_verify_names_each_record_whose_warc_date_is_no_capture_time(tmp_path: Path) -> None:
    """The records replay refuses and index leaves out are no sound file's."""
    folder = impossible_dates(tmp_path / "warc")
    checked = run_cli("verify", str(folder))
    assert checked.returncode == 1, checked.stdout
    bad = folder / "aa-dates.warc.gz"
    assert checked.stderr == (
        f"BAD {bad}: 2 records, record at offset 0: WARC-Date '9999-99-99T99:99:99Z' is not "
        "a real date and time (+1 more)\n"
    )
    assert "1 of 2 WARC files sound" in checked.stdout
    problems = verify_file(bad).problems
    assert problems[1].endswith(": WARC-Date '9999-12-31T00:00:00Z' is in the future"), problems


def test_warc_date_problem() -> None:
    from archive.warc.records import warc_date_problem

    assert warc_date_problem("2024-01-31T12:00:00Z") is None
    assert warc_date_problem("2024-01-31T12:00:00.123456Z") is None
    for bad in ("", "9999-99-99T99:99:99Z", "2024-02-30T00:00:00Z", "yesterday", "2024-01-31"):
        assert warc_date_problem(bad), bad


@pytest.mark.parametrize("umask", [0o022, 0o002], ids=["umask-022", "umask-002"])
def test_index_takes_the_umask_like_the_warcs(tmp_path: Path, umask: int) -> None:
    import os
    import subprocess
    import sys

    from ..conftest import REPO

    sound_warc(tmp_path / "warc")
    subprocess.run(
        [sys.executable, "-m", "archive", "index", "--data", str(tmp_path)],
        check=True,
        capture_output=True,
        cwd=REPO,
        env=cli_env(),
        preexec_fn=lambda: os.umask(umask),
    )
    mode = (tmp_path / "warc" / "index.cdxj").stat().st_mode & 0o777
    assert mode == 0o666 & ~umask, oct(mode)


def _children(pid: int) -> set[int]:
    """Processes whose parent is `pid` (from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_kill_9_of_replay_with_jobs_leaves_no_worker_running(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    from ..conftest import REPO

    folder = many_articles(tmp_path / "warc")
    command = [sys.executable, "-m", "archive", "replay", str(folder), "--jobs", "2"]
    command += ["--out", str(tmp_path / "items.jsonl")]
    replay = subprocess.Popen(command, cwd=REPO, env=cli_env(), stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2 and replay.poll() is None and time.monotonic() < deadline:
            workers = _children(replay.pid)
        assert len(workers) >= 2, "the replay ended before its workers were seen"
        os.kill(replay.pid, signal.SIGKILL)
        replay.wait()
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [pid for pid in workers if _alive(pid)], "workers outlived the replay"
    finally:
        for pid in workers:  # only the workers this test started, if the assertion failed
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_damaged_store_line_is_reported_and_rebuild_makes_the_crawl_fetch_it_again(
    site: SiteServer, tmp_path: Path
) -> None:
    start = site.url("cnn", "/world/africa/")
    crawl(tmp_path, "cnn", start)
    month = sorted((tmp_path / "articles").glob("articles-*.jsonl"))[0]
    lines = month.read_bytes().split(b"\n")
    assert len(lines) >= 4
    middle = len(lines) // 2
    lost = json.loads(lines[middle])
    lines[middle] = lines[middle][:-40] + b"#" * 40  # a damaged block: still one line
    month.write_bytes(b"\n".join(lines))
    stats = run_cli("store", "stats", "--data", str(tmp_path))
    assert stats.returncode == 0, stats.stderr
    assert "damaged lines (not store lines, skipped): 1" in stats.stdout, stats.stdout
    assert f"{month.name}:" in stats.stdout
    assert (
        json.loads(run_cli("store", "stats", "--data", str(tmp_path), "--json").stdout)["damaged"][
            "lines"
        ]
        == 1
    )
    rebuilt = run_cli("store", "rebuild", "--data", str(tmp_path))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "1 pages whose articles the store lost" in rebuilt.stdout, rebuilt.stdout
    crawl(tmp_path, "cnn", start)
    text = b"".join(p.read_bytes() for p in (tmp_path / "articles").glob("articles-*.jsonl"))
    ids = []
    for raw in text.splitlines():
        try:
            ids.append(json.loads(raw)["articleId"])
        except ValueError:
            continue
    assert lost["articleId"] in ids  # stored again by the crawl after the rebuild


def test_replay_diff_shows_a_late_change_in_context(tmp_path: Path) -> None:
    warcs = article_versions(tmp_path / "warc")
    old = tmp_path / "old"
    assert run_cli("replay", str(warcs), "--store", str(old)).returncode == 0
    month = sorted((old / "articles").glob("*.jsonl"))[0]
    lines = [json.loads(raw) for raw in month.read_text().splitlines()]
    body = lines[-1]["articleBody"]
    assert len(body) > 300  # past what the diff shows whole (160 characters)
    lines[-1]["articleBody"] = body[:-12] + "OLD-ENDING"
    month.write_text("".join(json.dumps(line) + "\n" for line in lines))
    result = run_cli("replay", str(warcs), "--diff", str(old), "--jobs", "1")
    assert result.returncode == 0, result.stderr
    shown = [line for line in result.stdout.splitlines() if "articleBody:" in line]
    assert shown and "OLD-ENDING" in shown[0] and body[-12:] in shown[0]


@pytest.mark.parametrize("mode", [(), ("--all-captures",)], ids=["versions", "all-captures"])
def test_replay_on_a_terminal_never_puts_output_on_the_progress_line(
    tmp_path: Path, mode: tuple[str, ...]
) -> None:
    import os
    import pty
    import subprocess
    import sys

    from ..conftest import REPO

    folder = many_articles(tmp_path / "warc", count=300)
    master, slave = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "archive", "replay", str(folder), "--jobs", "1", *mode],
            stdout=slave,
            stderr=slave,
            cwd=REPO,
            env=cli_env(),
        )
        os.close(slave)
        shown = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
        assert process.wait(timeout=120) == 0
    finally:
        os.close(master)
    text = shown.decode("utf-8", "replace")
    assert "pages/s" in text  # the bar was drawn
    lines = text.replace("\r\n", "\n").split("\n")
    items = [line for line in lines if '"articleId"' in line]
    assert len(items) == (300 if mode else 1)  # one canonical URL: one article version
    for line in items:
        visible = line.rsplit("\r", 1)[-1]
        assert "pages/s" not in visible and visible.lstrip("\x1b[K").startswith("{"), line[:200]


def test_crawl_from_archive_decodes_within_the_live_limit(tmp_path: Path) -> None:
    """Through the same bounded decoder as replay; the pages count as fetched, as live."""
    warcs = bombs(tmp_path / "warc")
    data = tmp_path / "data"
    starts = [arg for url in (BOMB_URL, DOUBLE_URL, ARTICLE_URL) for arg in ("--start-url", url)]
    result, peak = run_measured(
        ["crawl", "cnn", "--from-archive", str(warcs), "--data", str(data), "-q", *starts],
        cli_env(),
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert peak < MEMORY_BOUND_MIB, f"crawl --from-archive peaked at {peak} MiB"
    report = json.loads(sorted((data / "runs").glob("*.json"))[-1].read_text())
    assert report["errors"]["decompression_bomb"]["count"] == 2
    assert report["articles"]["new"] == 1
    assert report["pagesFetched"] >= 3
