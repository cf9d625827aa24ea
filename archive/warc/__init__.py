"""WARC files: writing captures faithfully, reading them back, indexing them."""

import sys


def _import_warcio_without_fsspec() -> None:
    """Import warcio with its optional fsspec support left out.

    warcio opens the files it is given by name through fsspec whenever fsspec is installed
    (Dask brings it), and so imports fsspec and asyncio at every start of a reader: a
    twentieth of a CPU second, a tenth of a short replay's start. Every file it opens here
    is a local one, which it then opens with ``open``. An import of fsspec after this one
    (Dask's) works as usual.
    """
    if "warcio.utils" in sys.modules or "fsspec" in sys.modules:
        return
    sys.modules["fsspec"] = None  # type: ignore[assignment]  # its import raises ImportError
    try:
        import warcio.utils  # noqa: F401
    finally:
        del sys.modules["fsspec"]


_import_warcio_without_fsspec()

from .records import Capture, HttpMessage, RecordLocation  # noqa: E402
from .writer import WarcWriter  # noqa: E402

__all__ = ["Capture", "HttpMessage", "RecordLocation", "WarcWriter"]
