"""An outlet that claims one of CNN's hosts as its own."""

from __future__ import annotations

import re

from crawler.pages.outlets import Outlet

OUTLET = Outlet(
    name="mirrorsite",
    domains=("mirror.test",),
    same_site_hosts=frozenset({"mirror.test", "edition.cnn.com"}),
    article_paths=(re.compile(r"^/stories/"),),
    start_points=("https://mirror.test/",),
    templates=("tests.outlet_example:ExampleStoryPage",),
)
