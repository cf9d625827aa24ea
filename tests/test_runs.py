"""What a run leaves for people and monitors: report, log, runs table, progress, the crontab."""

from __future__ import annotations

import json
import os
import pty
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from archive.commands.runs import format_table

from .conftest import FAST, REPO, SiteServer, cli_env, run_cli

SCHEMA = json.loads((REPO / "archive" / "schema" / "run-report.schema.json").read_text("utf-8"))
PROGRESS = re.compile(
    r"newsarchive: +\d+s +\d+ pages \([\d.]+/s\), \d+ articles new or updated, \d+ errors"
)


def start_args(site: SiteServer) -> list[str]:
    return ["cnn", "--start-url", site.url("cnn", "/world/africa/"), *FAST]


@pytest.fixture(scope="module")
def two_runs(site: SiteServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("runs")
    for _ in range(2):
        result = run_cli("crawl", "-q", "--data", str(data), *start_args(site))
        assert result.returncode == 0, result.stderr
    return data


def reports(data: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((data / "runs").glob("*.json"))]


def test_report_schema(two_runs: Path) -> None:
    first, second = reports(two_runs)
    for report in (first, second):
        jsonschema.Draft202012Validator(SCHEMA).validate(report)
    assert first["articles"]["new"] > 0 and first["bytesWritten"]["store"] > 0
    assert first["bytesWritten"]["warc"] > 0 and "bytesWritten" not in first["warc"]
    assert second["articles"]["new"] == 0 and second["bytesWritten"]["store"] == 0
    assert second["pages"]["skipped"] == first["articles"]["new"]
    assert first["pagesByStatus"]["200"] >= first["articles"]["new"]


def test_schema_rejects_a_broken_report(two_runs: Path) -> None:
    report = reports(two_runs)[0]
    del report["exitCode"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(report, SCHEMA)


def test_one_log_per_run(two_runs: Path) -> None:
    logs = sorted((two_runs / "runs").glob("*.log"))
    assert [p.stem for p in logs] == [r["runId"] for r in reports(two_runs)]
    for log, report in zip(logs, reports(two_runs), strict=True):
        assert report["logFile"] == str(log)
        assert "Spider closed (finished)" in log.read_text()


def test_runs_table(two_runs: Path) -> None:
    result = run_cli("runs", "--data", str(two_runs))
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.split() == [
        "run", "status", "started", "secs", "spiders", "pages", "new", "upd", "same", "304",
        "errors", "MB", "exit",
    ]  # fmt: skip
    first, second = reports(two_runs)
    assert [row.split()[0] for row in rows] == [first["runId"], second["runId"]]
    assert rows[0].split()[6] == str(first["articles"]["new"]) and rows[0].split()[-1] == "0"
    assert rows[0].split()[1] == "ok"
    last = run_cli("runs", "--data", str(two_runs), "--last", "1")
    assert [row.split()[0] for row in last.stdout.splitlines()[1:]] == [second["runId"]]


def test_runs_started_in_one_second_are_listed_by_their_start(
    two_runs: Path, tmp_path: Path
) -> None:
    """Two runs started in the same second were listed by their run ids, whose PIDs sort
    as text (``-1000`` before ``-999``) whatever their order: they are listed by start."""
    first, second = reports(two_runs)
    assert first["startTimeExact"] < second["startTimeExact"]
    assert first["startTimeExact"].startswith(first["startTime"][:-1] + ".")
    runs = tmp_path / "runs"
    runs.mkdir()
    # PID 999 started first, in the same second as PID 1000.
    for pid, moment in (("1000", "00.700000Z"), ("999", "00.100000Z")):
        report = {**first, "runId": f"20261121T091700Z-{pid}", "startTime": "2026-11-21T09:17:00Z"}
        report["startTimeExact"] = f"2026-11-21T09:17:{moment}"
        jsonschema.Draft202012Validator(SCHEMA).validate(report)
        (runs / f"{report['runId']}.json").write_text(json.dumps(report))
    # A report of an earlier version, with no exact start: by its PID within the second.
    old = {**first, "runId": "20261121T091659Z-30000", "startTime": "2026-11-21T09:16:59Z"}
    old.pop("startTimeExact")
    (runs / f"{old['runId']}.json").write_text(json.dumps(old))
    result = run_cli("runs", "--data", str(tmp_path))
    assert result.returncode == 0, result.stderr
    listed = [row.split()[0] for row in result.stdout.splitlines()[1:]]
    assert listed == [old["runId"], "20261121T091700Z-999", "20261121T091700Z-1000"]


def test_runs_table_of_old_and_odd_reports() -> None:
    table = format_table([{"runId": "r1", "exitCode": 75}, {}])
    assert table.splitlines()[1].split()[0] == "r1" and table.splitlines()[1].endswith("75")


def test_runs_without_a_data_dir_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("runs", "--data", str(tmp_path / "nothing"))
    assert result.returncode == 2 and "no runs" in result.stderr


def run_on_tty(args: list[str]) -> tuple[int, str, str]:
    """Run the CLI with stderr on a pseudo-terminal; returns (code, stdout, terminal text)."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "archive", *args],
        stdout=subprocess.PIPE,
        stderr=slave,
        cwd=REPO,
        env=cli_env(),
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert process.stdout is not None
    out = process.stdout.read().decode()
    code = process.wait()
    os.close(master)
    return code, out, b"".join(chunks).decode()


def test_progress_line_on_a_terminal(site: SiteServer, tmp_path: Path) -> None:
    code, out, terminal = run_on_tty(["crawl", "--data", str(tmp_path), *start_args(site)])
    assert code == 0
    assert PROGRESS.search(terminal), terminal
    assert "newsarchive: run" in out


def test_progress_interval_is_a_setting(site: SiteServer, tmp_path: Path) -> None:
    args = ["crawl", "--data", str(tmp_path), *start_args(site)]
    code, _, terminal = run_on_tty([*args, "-s", "NEWSARCHIVE_PROGRESS_INTERVAL=0"])
    assert code == 0 and not PROGRESS.search(terminal)


def test_quiet_on_a_terminal_prints_the_summary_only(site: SiteServer, tmp_path: Path) -> None:
    code, out, terminal = run_on_tty(["crawl", "-q", "--data", str(tmp_path), *start_args(site)])
    assert code == 0
    assert terminal == ""
    assert out.count("\n") == 1 and out.startswith("newsarchive: run ") and " ok in " in out


def test_no_progress_when_not_a_terminal(site: SiteServer, tmp_path: Path) -> None:
    result = run_cli("crawl", "--data", str(tmp_path), *start_args(site))
    assert result.returncode == 0
    assert not PROGRESS.search(result.stderr)
    assert "newsarchive: run" in result.stderr and "(log " in result.stderr


def cron_lines() -> list[str]:
    text = (REPO / "README.md").read_text("utf-8")
    block = re.search(r"```cron\n(.*?)```", text, re.S)
    assert block, "README has no crontab example"
    return [line for line in block.group(1).splitlines() if line and not line.startswith("#")]


def as_test_command(line: str, home: Path, site: SiteServer) -> str:
    """The crontab line's command, with its home in `home`, crawling the test site."""
    command = line.split(None, 5)[5]
    command = command.replace("/srv/newsarchive", str(home))
    crawl = f"{shlex.quote(sys.executable)} -m archive crawl " + " ".join(
        shlex.quote(a) for a in start_args(site)
    )
    return command.replace(".venv/bin/newsarchive crawl", crawl)


def test_readme_crontab(site: SiteServer, tmp_path: Path) -> None:
    crawl_line, prune_line = cron_lines()
    assert "flock" not in crawl_line and " -q " in crawl_line and "--data" in crawl_line
    assert ">>" in crawl_line and "2>&1" in crawl_line
    command = as_test_command(crawl_line, tmp_path, site)
    (tmp_path / "data").mkdir()
    env = cli_env()

    def cron(cmd: str) -> int:
        return subprocess.run(["sh", "-c", cmd], env=env, timeout=120).returncode

    assert cron(command) == 0
    log = (tmp_path / "data" / "cron.log").read_text()
    assert log.count("\n") == 1 and " ok in " in log  # one summary line per run
    assert len(list((tmp_path / "data" / "runs").glob("*.log"))) == 1
    # While a run holds the data directory, the next cron run leaves at once with 75.
    from archive.lock import RunLock

    with RunLock(tmp_path / "data", "long-run"):
        assert cron(command) == 75
    log = (tmp_path / "data" / "cron.log").read_text()
    assert log.count("\n") == 2 and "another run holds" in log.splitlines()[1]
    assert cron(as_test_command(prune_line, tmp_path, site)) == 0
    assert len(list((tmp_path / "data" / "runs").glob("*.log"))) == 1  # young logs stay


def _worker_report(
    runs: Path, worker: str, status: str, code: int | None, spider: str = "cnn"
) -> None:
    """A worker's report of the shared crawl RUN (its running report, when `code` is None)."""
    report: dict[str, Any] = {
        "runId": "20261130T060000Z-1", "worker": worker, "status": status, "exitCode": code,
        "spiders": [spider], "pagesFetched": 1, "startTime": "2026-11-30T06:00:00Z",
    }  # fmt: skip
    (runs / f"{report['runId']}.{worker}.json").write_text(json.dumps(report))


def _shared_row(data: Path) -> list[str]:
    result = run_cli("runs", "--data", str(data))
    assert result.returncode == 0, result.stderr
    header, row = result.stdout.splitlines()
    return [row[: header.index("status")].strip(), *row[header.index("status") :].split()]


def test_a_shared_crawl_that_finished_is_ok_whatever_its_replaced_workers(
    tmp_path: Path,
) -> None:
    runs = tmp_path / "runs"
    runs.mkdir()
    _worker_report(runs, "host-100", "running", None)  # killed with kill -9
    _worker_report(runs, "host-200", "failed", 75)  # lost Redis for a while
    _worker_report(runs, "host-300", "ok", 0)  # their replacement saw the crawl to its end
    row = _shared_row(tmp_path)
    assert row[1] == "ok" and row[-1] == "0"
    assert row[0] == "20261130T060000Z-1 (3 workers, 1 failed, 1 killed)"


def test_a_shared_crawl_is_ok_only_when_each_of_its_spiders_finished(tmp_path: Path) -> None:
    """A cnn worker and a reuters worker on one Redis are one run: the reuters worker ending
    ok said nothing of the cnn crawl, killed and left in the queue, yet the run was ok."""
    runs = tmp_path / "runs"
    runs.mkdir()
    _worker_report(runs, "host-100", "running", None, spider="cnn")  # killed with kill -9
    _worker_report(runs, "host-200", "ok", 0, spider="reuters")
    row = _shared_row(tmp_path)
    assert row[1] == "killed" and row[-1] == "-"
    _worker_report(runs, "host-300", "ok", 0, spider="cnn")  # its replacement finished it
    row = _shared_row(tmp_path)
    assert row[1] == "ok" and row[-1] == "0"


def test_a_shared_crawl_that_did_not_finish_shows_its_worst_worker(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    runs.mkdir()
    _worker_report(runs, "host-100", "limited", 0)
    _worker_report(runs, "host-200", "failed", 75)
    _worker_report(runs, "host-300", "interrupted", 143)
    row = _shared_row(tmp_path)
    assert row[1] == "failed" and row[-1] == "75"
    assert row[0] == "20261130T060000Z-1 (3 workers, 1 failed, 1 interrupted, 1 limited)"
    (runs / "20261130T060000Z-1.host-200.json").unlink()
    _worker_report(runs, "host-200", "running", None)
    row = _shared_row(tmp_path)
    assert row[1] == "killed" and row[-1] == "-"


def test_a_running_worker_of_a_shared_crawl_is_not_shown_killed(tmp_path: Path) -> None:
    """Workers share the data directory's lock, so it cannot say which of them still runs:
    each holds its own log while it runs, and a worker whose log nobody holds died."""
    runs = tmp_path / "runs"
    runs.mkdir()
    _worker_report(runs, "host-100", "running", None)
    _worker_report(runs, "host-200", "running", None)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from archive.lock import hold\n"
        "with hold(Path(sys.argv[1])):\n"
        "    print('holding', flush=True)\n"
        "    sys.stdin.read()\n"
    )
    live = subprocess.Popen(
        [sys.executable, "-c", script, str(runs / "20261130T060000Z-1.host-200.log")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=cli_env(),
    )
    try:
        assert live.stdout is not None and live.stdout.readline() == "holding\n"
        row = _shared_row(tmp_path)
        assert row[1] == "running" and row[-1] == "-"
        assert row[0] == "20261130T060000Z-1 (2 workers, 1 killed)"
    finally:
        live.communicate("")
    row = _shared_row(tmp_path)
    assert row[1] == "killed" and row[0] == "20261130T060000Z-1 (2 workers, 2 killed)"


def test_runs_names_each_file_that_is_no_report_and_lists_the_rest(
    two_runs: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    (data / "runs").mkdir(parents=True)
    for path in (two_runs / "runs").glob("*.json"):
        (data / "runs" / path.name).write_bytes(path.read_bytes())
    broken = {
        "a-list.json": "[]",
        "b-wrong-types.json": json.dumps({"runId": "x", "status": 5, "pages": "x"}),
        "c-torn.json": '{"status": "ok"',
        "d-empty.json": "",
    }
    for name, text in broken.items():
        (data / "runs" / name).write_text(text)
    (data / "runs" / "e-folder.json").mkdir()
    result = run_cli("runs", "--data", str(data))
    assert result.returncode == 0, result.stderr
    skipped = result.stderr.splitlines()
    assert [line.split(": ")[1].rsplit("/", 1)[1] for line in skipped] == [
        *broken,
        "e-folder.json",
    ]
    assert all(line.startswith("newsarchive: skipped ") for line in skipped)
    table = result.stdout.splitlines()
    assert len(table) == 1 + len(reports(two_runs))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("errors", {"http_500": 3}),  # an entry that is no object
        ("bytesWritten", {"warc": "12k", "store": 0}),  # a count that is no number
        ("pagesByStatus", {"200": "many"}),
    ],
)
def test_a_hand_edited_report_is_named_and_the_other_runs_listed(
    two_runs: Path, tmp_path: Path, field: str, value: object
) -> None:
    """Such a report made `runs` an internal error (exit 70), the table of every run lost."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(two_runs / "runs", data / "runs")
    first = sorted((data / "runs").glob("*.json"))[0]
    report = json.loads(first.read_text())
    report[field] = value
    first.write_text(json.dumps(report))
    result = run_cli("runs", "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert f"skipped {first}: not a run report" in result.stderr
    assert reports(two_runs)[1]["runId"] in result.stdout
