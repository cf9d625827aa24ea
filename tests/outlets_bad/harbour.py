"""A sound outlet whose name differs from another's by an underscore only."""

from __future__ import annotations

import re

from crawler.pages.outlets import Outlet

OUTLET = Outlet(
    name="harbour",
    domains=("harbour.test",),
    same_site_hosts=frozenset({"harbour.test"}),
    article_paths=(re.compile(r"^/stories/"),),
    start_points=("https://harbour.test/",),
    templates=("tests.outlet_example:ExampleStoryPage",),
)
