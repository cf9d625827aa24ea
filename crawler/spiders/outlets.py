"""One spider per declared outlet, named after it: ``newsarchive crawl cnn`` runs the ``cnn``
spider, a :class:`NewsSpider` that starts at the outlet's declared start points."""

from __future__ import annotations

from ..pages.outlets import outlets
from .base import NewsSpider


def __getattr__(name: str) -> type[NewsSpider]:
    """What type checkers see of the spider classes made below (``CnnSpider``, ...)."""
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _class_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_")) + "Spider"


for _outlet in outlets():
    _name = _class_name(_outlet.name)
    if _name in globals():  # "harbour" and "harbour_": each outlet keeps a spider
        _name = f"{_name}_{_outlet.name}"
    globals()[_name] = type(
        _name,
        (NewsSpider,),
        {
            "__module__": __name__,
            "__doc__": f"Crawls {_outlet.name} from its declared start points.",
            "name": _outlet.name,
            "source": _outlet.name,
            "default_start_urls": _outlet.start_points,
        },
    )
