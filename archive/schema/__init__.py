"""The published JSON Schema of the article item (``article.schema.json``)."""

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).with_name("article.schema.json")


@lru_cache(maxsize=1)
def article_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text("utf-8"))
