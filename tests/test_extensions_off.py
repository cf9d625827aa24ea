"""Remote-execution servers stay off in every crawl: a cron crawler opens no control port."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.extensions.remote_control import RemoteControl
from scrapy.extensions.telnet import TelnetConsole
from scrapy.utils.test import get_crawler

from crawler.run import CrawlOptions, build_settings
from crawler.spiders.outlets import CnnSpider


@pytest.mark.parametrize("extension", [RemoteControl, TelnetConsole])
def test_no_remote_control_or_telnet_console(tmp_path: Path, extension: Any) -> None:
    settings = build_settings(CrawlOptions(spiders=["cnn"], data_dir=tmp_path), "run-1")
    # listed as off, or (the remote control) not listed at all
    assert not settings["EXTENSIONS_BASE"].get(f"{extension.__module__}.{extension.__name__}")
    settings.set("TWISTED_REACTOR_ENABLED", False)  # no crawl, no reactor
    crawler = get_crawler(CnnSpider, settings.copy_to_dict())
    with pytest.raises(NotConfigured):
        extension.from_crawler(crawler)


_LOADED = """
import sys
from pathlib import Path
from scrapy.utils.conf import build_component_list
from crawler.run import CrawlOptions, build_settings
settings = build_settings(CrawlOptions(spiders=["cnn"], data_dir=Path(sys.argv[1])), "run-1")
loaded = build_component_list(settings.get_component_priority_dict_with_base("EXTENSIONS"))
print(" ".join(loaded))
print("imported" if "scrapy.extensions.remote_control" in sys.modules else "not imported")
"""


def test_remote_control_is_not_even_loaded(tmp_path: Path) -> None:
    """Scrapy imports every extension it lists, and this one's module imports aiohttp: a
    cost at every run's start for an extension left off. Checked in a process of its own."""
    import subprocess
    import sys

    from .conftest import REPO

    out = subprocess.run(
        [sys.executable, "-c", _LOADED, str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert "crawler.recorder.WarcRecorder" in out[0].split()
    assert "scrapy.extensions.telnet.TelnetConsole" in out[0].split()  # off by its setting
    assert "RemoteControl" not in out[0]
    assert out[1] == "not imported"
