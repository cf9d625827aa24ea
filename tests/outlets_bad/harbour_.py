"""A sound outlet whose name differs from another's by an underscore only."""

from __future__ import annotations

import re

from crawler.pages.outlets import Outlet

OUTLET = Outlet(
    name="harbour_",
    domains=("harbour-two.test",),
    same_site_hosts=frozenset({"harbour-two.test"}),
    article_paths=(re.compile(r"^/stories/"),),
    start_points=("https://harbour-two.test/",),
    templates=("tests.outlet_example:ExampleStoryPage",),
)
