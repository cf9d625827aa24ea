"""The outlets, one declaration each: ``outlets/cnn.py``, ``outlets/reuters.py``.

Every module of this package that defines ``OUTLET`` is an outlet; so is each module named
in the environment variable ``NEWSARCHIVE_OUTLETS`` (comma-separated dotted names), which
lets an outlet kept outside the tree (or a test's) join without an edit here.
"""

from __future__ import annotations

import os
import pkgutil
from functools import cache
from importlib import import_module

from .base import Outlet

__all__ = ["Outlet", "OutletError", "by_name", "names", "outlets"]

EXTRA_ENV = "NEWSARCHIVE_OUTLETS"


class OutletError(ValueError):
    """A declaration that cannot be read: a module that does not import, declares no
    ``OUTLET``, or declares one twice. One line, for the command line to print."""


@cache
def outlets() -> tuple[Outlet, ...]:
    """All declared outlets: this package's modules by name, then the extra ones."""
    modules = [
        f"{__name__}.{info.name}"
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)
        if info.name != "base"
    ]
    modules += [m.strip() for m in os.environ.get(EXTRA_ENV, "").split(",") if m.strip()]
    found: dict[str, Outlet] = {}
    for module_name in modules:
        try:
            module = import_module(module_name)
        except ImportError as exc:
            raise OutletError(f"outlet module {module_name} cannot be imported: {exc}") from None
        except Exception as exc:  # a declaration Outlet refuses, a slip in the module itself
            line = (str(exc).strip().splitlines() or [""])[0]
            raise OutletError(
                f"outlet module {module_name} cannot be imported: {type(exc).__name__}: {line}"
            ) from None
        declared = getattr(module, "OUTLET", None)
        if not isinstance(declared, Outlet):
            raise OutletError(f"{module_name} declares no OUTLET = Outlet(...)")
        if declared.name in found:
            raise OutletError(f"outlet {declared.name!r} is declared twice ({module_name})")
        for other in found.values():
            taken = _shared_host(declared, other)
            if taken:
                raise OutletError(
                    f"outlet {declared.name!r} ({module_name}) claims the host {taken}, "
                    f"which is outlet {other.name!r}'s: a host belongs to one outlet"
                )
        found[declared.name] = declared
    return tuple(found.values())


def _shared_host(one: Outlet, other: Outlet) -> str | None:
    """A host of `one` (a domain or a same-site host) that `other` owns too, if any."""
    for host in (*one.domains, *sorted(one.same_site_hosts)):
        if other.owns_host(host) or host in other.same_site_hosts:
            return host
    for host in (*other.domains, *sorted(other.same_site_hosts)):
        if one.owns_host(host):
            return host
    return None


def names() -> tuple[str, ...]:
    """The outlets' names, for command-line choices and checks of a ``source``."""
    return tuple(o.name for o in outlets())


def by_name(name: str | None) -> Outlet | None:
    return next((o for o in outlets() if o.name == name), None)
