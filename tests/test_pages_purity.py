"""Extraction imports nothing from Scrapy, so replay runs it without a crawler."""

from __future__ import annotations

import subprocess
import sys


def test_extraction_modules_do_not_import_scrapy() -> None:
    code = (
        "import sys, pkgutil, importlib, crawler.pages as p\n"
        "for m in pkgutil.walk_packages(p.__path__, 'crawler.pages.'):\n"
        "    importlib.import_module(m.name)\n"
        "import crawler.linkpolicy, archive.warc, archive.store\n"
        "bad = sorted(n for n in sys.modules if n == 'scrapy' or n.startswith('scrapy.')"
        " or n == 'twisted' or n.startswith('twisted.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"extraction pulled in: {out}"
