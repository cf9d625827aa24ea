"""A Dask scheduler preload (``dask scheduler --preload tests.servers.older_dask``) that
makes a real scheduler of this environment's release answer as distributed 2024.8.0's did:
its ``identity`` call takes no argument (newer clients send ``n_workers``), and its
``versions`` name that release. This is what a cluster set up with another Dask release
than the replay's (another machine's image, a pinned older one) looks like to a client."""

from __future__ import annotations

from typing import Any

RELEASE = "2024.8.0"


def dask_setup(scheduler: Any) -> None:
    """Swap the two handlers of the running scheduler."""
    identity = scheduler.identity
    versions = scheduler.versions

    def older_identity() -> dict[str, Any]:
        return dict(identity())

    def older_versions(packages: Any = None) -> dict[str, Any]:
        answer = versions(packages)
        answer["packages"] = {**answer["packages"], "dask": RELEASE, "distributed": RELEASE}
        return dict(answer)

    scheduler.handlers["identity"] = older_identity
    scheduler.handlers["versions"] = older_versions
