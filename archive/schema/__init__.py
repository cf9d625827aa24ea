"""The published JSON Schemas: the article item, and a line of the store built on it.

``article.schema.json`` is what the extractor yields; ``store-line.schema.json`` adds what
every stored line must carry (``version``, ``contentDigest``, ``changes``,
``metadata.dateDownloaded``, ``warc``) and refers to the first by its ``$id``.
"""

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).with_name("article.schema.json")
STORE_LINE_SCHEMA_PATH = Path(__file__).with_name("store-line.schema.json")


@lru_cache(maxsize=1)
def article_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text("utf-8"))


@lru_cache(maxsize=1)
def store_line_schema() -> dict[str, Any]:
    return json.loads(STORE_LINE_SCHEMA_PATH.read_text("utf-8"))


def store_line_validator() -> Any:
    """A ``jsonschema`` validator of store lines (needs the ``jsonschema`` package)."""
    import jsonschema
    from referencing import Registry, Resource

    article = article_schema()
    registry: Any = Registry().with_resource(article["$id"], Resource.from_contents(article))
    return jsonschema.Draft202012Validator(store_line_schema(), registry=registry)
