"""The crawl refuses a Scrapy its download handler is not tested with, in one line."""

from __future__ import annotations

import scrapy

from crawler.handlers import SCRAPY_TESTED, scrapy_version_problem


def test_the_installed_scrapy_is_one_the_handler_is_tested_with() -> None:
    assert scrapy_version_problem() is None, scrapy.__version__


def test_versions_outside_the_tested_range_are_named_with_the_fix() -> None:
    first, beyond = SCRAPY_TESTED
    newer = f"{beyond[0]}.{beyond[1]}.0"
    problem = scrapy_version_problem(newer)
    assert problem is not None and "\n" not in problem
    assert problem.startswith(f"Scrapy {newer} is not one the download handler is tested with")
    assert f"<{beyond[0]}.{beyond[1]}" in problem
    assert scrapy_version_problem(f"{first[0]}.{first[1] - 1}.9") is not None
    assert scrapy_version_problem("garbage") is not None
    assert scrapy_version_problem(f"{first[0]}.{first[1]}.0") is None
