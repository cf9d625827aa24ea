"""``article_paths`` given one pattern, where a tuple of patterns goes (the comma missing)."""

from __future__ import annotations

import re
from typing import Any, cast

from crawler.pages.outlets import Outlet

OUTLET = Outlet(
    name="bare",
    domains=("bare-news.test",),
    same_site_hosts=frozenset({"bare-news.test"}),
    article_paths=cast(Any, re.compile(r"^/stories/")),
    start_points=("https://bare-news.test/",),
    templates=("tests.outlet_example:ExampleStoryPage",),
)
