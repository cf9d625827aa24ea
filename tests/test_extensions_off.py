"""Remote-execution servers stay off in every crawl: a cron crawler opens no control port."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.extensions.remote_control import RemoteControl
from scrapy.extensions.telnet import TelnetConsole
from scrapy.utils.test import get_crawler

from crawler.run import CrawlOptions, build_settings
from crawler.spiders.outlets import CnnSpider  # type: ignore[attr-defined]


@pytest.mark.parametrize("extension", [RemoteControl, TelnetConsole])
def test_no_remote_control_or_telnet_console(tmp_path: Path, extension: type) -> None:
    settings = build_settings(CrawlOptions(spiders=["cnn"], data_dir=tmp_path), "run-1")
    assert settings["EXTENSIONS_BASE"][f"{extension.__module__}.{extension.__name__}"] == 0
    settings.set("TWISTED_REACTOR_ENABLED", False)  # no crawl, no reactor
    crawler = get_crawler(CnnSpider, settings.copy_to_dict())
    with pytest.raises(NotConfigured):
        extension.from_crawler(crawler)


def test_remote_control_is_not_even_loaded(tmp_path: Path) -> None:
    """Its module imports aiohttp, a cost at every run's start for an extension left off."""
    from scrapy.utils.conf import build_component_list

    settings = build_settings(CrawlOptions(spiders=["cnn"], data_dir=tmp_path), "run-1")
    loaded = build_component_list(settings.getwithbase("EXTENSIONS"))
    assert "scrapy.extensions.remote_control.RemoteControl" not in loaded
    assert "crawler.recorder.WarcRecorder" in loaded
