"""Replay on a Dask cluster: files scanned and captures extracted on its workers.

``--cluster tcp://SCHEDULER:8786`` joins a running Dask scheduler (its workers must have
newsarchive installed and see the archives at the same absolute paths); ``--cluster local:N``
starts a local cluster of N worker processes. The plan stays here, in record order, as in
a single-process replay: each WARC file, or each part of a large one (cut at record starts,
``archive.warc.read.parts``), is scanned on a worker (headers only) and its records come
back in (file, offset) order; the captures to extract go out in batches and their outcomes
are taken back in the order they were sent. So the items, their order and the store
written are exactly those of ``--jobs 1``. A worker lost mid-run costs a retry of the
parts and batches it held (Dask reschedules them); a bounded number of parts and batches
are in flight, so memory per worker stays flat whatever the size of the archive or of one
file in it.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError
from typing import Any, cast
from urllib.parse import urlsplit

from archive.warc.read import parts
from archive.warc.read.parts import Part, PartScan, scan_part
from archive.warc.read.payload import OpenFiles
from archive.warc.read.sources import Source

from .extract import Outcome, extract
from .plan import Task

BATCH = 64  # captures per task: enough to make a task's overhead small
RETRIES = 3  # a batch whose worker died is run again, up to this many times
WAIT = 60.0  # seconds without a worker before giving up (NEWSARCHIVE_CLUSTER_WAIT's default)
POLL = 0.5  # how often a result not yet back is looked for, and the workers counted


class ClusterError(RuntimeError):
    """The cluster named by --cluster could not be reached or started."""


class ClusterRefusedError(ClusterError):
    """The cluster answers, but as no replay can use it (another Dask or Python release):
    trying again later changes nothing."""


def check_spec(spec: str) -> str:
    """``tcp://HOST:PORT`` or ``local:N``, else ValueError."""
    if spec.startswith("local:"):
        count = spec.split(":", 1)[1]
        if not count.isdigit() or int(count) < 1:
            raise ValueError(f"--cluster local:N takes N >= 1, not {spec!r}")
        return spec
    usage = f"--cluster takes tcp://HOST:PORT or local:N, not {spec!r}"
    address = urlsplit(spec)
    if address.scheme not in ("tcp", "tls") or not address.hostname:
        raise ValueError(usage)
    try:
        port = address.port
    except ValueError:  # not a number, or past 65535
        raise ValueError(usage) from None
    if not port:  # none given, or 0: no scheduler listens there
        raise ValueError(usage)
    if address.scheme == "tls" and not _tls_configured():
        raise ValueError(
            f"--cluster {spec}: tls:// needs Dask's TLS settings (distributed.comm.tls: "
            "ca-file, client.cert, client.key), and none are set"
        )
    return spec


def _tls_configured() -> bool:
    """Whether Dask's configuration gives a client its TLS context (without Dask: said
    when connecting)."""
    try:
        from distributed.security import Security
    except ImportError:
        return True
    return Security().get_connection_args("client").get("ssl_context") is not None


class _ConnectionLost(logging.Filter):
    """Drops what Dask's client logs as it fails to reconnect to a lost scheduler (a
    traceback, then "Failed to reconnect"): the replay says it in one line (:func:`result_of`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        lost = record.exc_info[1] if record.exc_info else None
        if isinstance(lost, (OSError, asyncio.CancelledError)):
            return False
        return "reconnect to scheduler" not in record.getMessage()


def connect(spec: str, timeout: float = 10.0, wait: float = WAIT) -> Any:
    """A Dask client for `spec` (a local cluster of processes is closed with the client);
    a running scheduler must have a worker within `wait` seconds."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ClusterError("--cluster needs Dask: pip install 'newsarchive[scale]'") from None
    client_log = logging.getLogger("distributed.client")
    if not any(isinstance(f, _ConnectionLost) for f in client_log.filters):
        client_log.addFilter(_ConnectionLost())
    try:
        if spec.startswith("local:"):
            cluster = LocalCluster(
                n_workers=int(spec.split(":", 1)[1]),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                host="127.0.0.1",
            )
            client = Client(cluster, timeout=timeout)
            client._newsarchive_cluster = cluster  # type: ignore[attr-defined, unused-ignore]
            return client
        try:
            client = _client_within(Client, spec, timeout)
        except (OSError, ClusterError):
            raise
        except Exception:  # the handshake itself failed: another release's scheduler?
            _refuse_another_release(spec, timeout)
            raise
        return _with_a_worker(client, spec, wait)
    except OSError as exc:
        raise ClusterError(f"the Dask scheduler {spec} cannot be reached ({exc})") from None


def _client_within(client: Any, spec: str, timeout: float) -> Any:
    """``Client(spec)``, given up after `timeout` (and a second): Dask's own timeout bounds
    the connection, not a handshake that a peer other than a scheduler (its dashboard's
    port, a web server) accepts and never answers. The attempt left runs on, as a daemon."""
    made: dict[str, Any] = {}

    def attempt() -> None:
        try:
            made["client"] = client(spec, timeout=timeout)
        except BaseException as exc:  # handed to the caller's thread
            made["error"] = exc

    thread = threading.Thread(target=attempt, name="newsarchive-dask-connect", daemon=True)
    thread.start()
    thread.join(timeout + 1)
    if thread.is_alive():
        raise ClusterError(
            f"{spec} does not answer as a Dask scheduler within {timeout + 1:g}s"
            " (is it the scheduler's port, not its dashboard's?)"
        )
    if "error" in made:
        raise made["error"]
    return made["client"]


def releases(packages: dict[str, Any]) -> dict[str, str]:
    """The Python (major.minor), Dask and distributed releases in a ``versions`` answer."""
    python = str(packages.get("python") or "")
    return {
        "Python": ".".join(python.split(".")[:2]),
        "dask": str(packages.get("dask") or ""),
        "distributed": str(packages.get("distributed") or ""),
    }


def _refuse_another_release(spec: str, timeout: float) -> None:
    """ClusterRefusedError naming both releases when the scheduler at `spec` runs another
    Python or Dask release than this process; its ``versions`` call is answered alike by
    every release. Nothing when it does not answer it, or runs this release."""
    from distributed.core import rpc
    from distributed.versions import get_versions

    async def ask() -> Any:
        scheduler = rpc(spec, timeout=timeout)
        try:
            return await asyncio.wait_for(scheduler.versions(), timeout)
        finally:
            await scheduler.close_rpc()

    try:
        answer = asyncio.run(ask())
        theirs = releases(dict(answer.get("packages") or {}))
    except Exception:  # not even that: the error that came first is the one to give
        return
    ours = releases(get_versions()["packages"])
    if theirs == ours:
        return
    named = ", ".join(
        f"{name} {theirs[name] or '?'}" for name in ours if theirs[name] != ours[name]
    )
    mine = ", ".join(f"{name} {ours[name]}" for name in ours if theirs[name] != ours[name])
    raise ClusterRefusedError(
        f"the Dask scheduler {spec} runs {named}, this replay {mine}: run one release "
        "on the scheduler, its workers and here"
    )


def _with_a_worker(client: Any, spec: str, wait: float) -> Any:
    """`client` once its scheduler has a worker: one without any takes the tasks and runs
    none, for ever (closed, and ClusterError, after `wait` seconds)."""
    try:
        if wait > 0:
            client.wait_for_workers(1, timeout=wait)
        elif not client.scheduler_info().get("workers"):  # Dask's timeout=0 waits for ever
            raise TimeoutError
    except (TimeoutError, asyncio.TimeoutError):  # one class from Python 3.11 on
        client.close()
        raise ClusterError(f"the Dask scheduler {spec} has no worker (waited {wait:g}s)") from None
    return client


def close(client: Any) -> None:
    cluster = getattr(client, "_newsarchive_cluster", None)
    client.close()
    if cluster is not None:
        cluster.close()


def result_of(future: Any, wait: float = WAIT) -> Any:
    """A task's result; ClusterError once the scheduler is lost (killed, its machine down):
    the client cancels every task then, or its fetch of a result finds the line closed; and
    once the scheduler has had no worker for `wait` seconds (every one lost mid-replay, none
    restarted): it holds the tasks for a worker to come, and the replay would wait for ever."""
    from distributed.comm.core import CommClosedError

    without: float | None = None  # since when the scheduler has had no worker
    try:
        while True:
            try:
                return future.result(timeout=POLL)
            except (TimeoutError, asyncio.TimeoutError):  # one class from Python 3.11 on
                # Not back yet, or a task that raised TimeoutError itself (ETIMEDOUT on a
                # network disk): a task done has its own result, or error, to give.
                if future.done():
                    return future.result()
            try:
                have = bool(future.client.scheduler_info().get("workers"))
            except OSError as exc:  # the scheduler is gone (CommClosedError is one)
                raise CommClosedError(str(exc)) from None
            if have:
                without = None
            elif without is None:
                without = time.monotonic()
            if without is not None and time.monotonic() - without >= wait:
                raise ClusterError(
                    f"the Dask scheduler has had no worker for {wait:g}s mid-replay "
                    "(every worker lost, none joined again)"
                )
    except (CommClosedError, CancelledError) as exc:  # Dask's FutureCancelledError is one
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ClusterError(f"lost the Dask scheduler mid-replay ({first})") from None


def workers(client: Any) -> int:
    return max(1, len(client.scheduler_info().get("workers", {})))


def extract_batch(tasks: list[Task], sites: dict[str, str], check: bool = True) -> list[Outcome]:
    """Outcomes of a batch of captures, in order (runs on a worker)."""
    files = OpenFiles()
    try:
        return [extract(task, sites, files, check) for task in tasks]
    finally:
        files.close()


def scanned(
    client: Any, sources: list[Source], part_size: int, wait: float = WAIT
) -> Iterator[tuple[Source, Iterator[Any]]]:
    """Each source with its records and damage in order, scanned on the cluster in parts
    (a file larger than `part_size` bytes is cut at record starts); a few parts ahead;
    ClusterError after `wait` seconds without a worker (:func:`result_of`).

    Each source's records must be read to their end before the next source's."""

    def submit(part: Part) -> Callable[[], PartScan]:
        future = client.submit(scan_part, part, pure=False, retries=RETRIES)

        def result() -> PartScan:
            try:
                return cast(PartScan, result_of(future, wait))
            finally:
                future.release()

        return result

    return parts.scanned(sources, part_size, submit, workers(client) * 2)


def outcomes(
    client: Any,
    tasks: Iterable[Task],
    sites: dict[str, str],
    check: bool = True,
    wait: float = WAIT,
) -> Iterator[Outcome]:
    """Outcomes of `tasks` in the order given, extracted in batches on the cluster;
    ClusterError after `wait` seconds without a worker (:func:`result_of`)."""
    limit = workers(client) * 4
    in_flight: deque[Any] = deque()
    batch: list[Task] = []
    shared_sites = dict(sites)

    def submit(part: list[Task]) -> None:
        in_flight.append(
            client.submit(extract_batch, part, shared_sites, check, pure=False, retries=RETRIES)
        )

    def take() -> Iterator[Outcome]:
        future = in_flight.popleft()
        yield from result_of(future, wait)
        future.release()

    for task in tasks:
        batch.append(task)
        if len(batch) >= BATCH:
            submit(batch)
            batch = []
            if len(in_flight) >= limit:
                yield from take()
    if batch:
        submit(batch)
    while in_flight:
        yield from take()
