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
RUN_REPORT_SCHEMA_PATH = Path(__file__).with_name("run-report.schema.json")


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


@lru_cache(maxsize=1)
def run_report_schema() -> dict[str, Any]:
    return json.loads(RUN_REPORT_SCHEMA_PATH.read_text("utf-8"))


# -- shapes: the JSON types a schema gives each top-level field, checked without a validator --
# JSON Schema types as the Python types json.loads gives (a bool is no integer here).
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
    "null": (type(None),),
}

# A field's allowed types, its items' (an array), its properties' (an object), and the
# values' of its other properties (an object's additionalProperties).
Shape = tuple[
    tuple[type, ...],
    frozenset[type] | None,
    dict[str, tuple[type, ...]] | None,
    tuple[type, ...] | None,
]


def _types(schema: dict[str, Any]) -> tuple[type, ...] | None:
    named = schema.get("type")
    if named is None:
        return None
    names = [named] if isinstance(named, str) else named
    return tuple(kind for name in names for kind in _JSON_TYPES[name])


def _resolved(root: dict[str, Any], sub: Any) -> dict[str, Any]:
    """`sub`, or the definition of the schema its ``$ref`` names (``#/$defs/NAME``)."""
    if not isinstance(sub, dict):
        return {}
    ref = sub.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        found = root.get("$defs", {}).get(ref[len("#/$defs/") :], {})
        return found if isinstance(found, dict) else {}
    return sub


def field_shapes(schema: dict[str, Any]) -> dict[str, Shape]:
    """Per top-level property of `schema` that states a type (or a const, of whose type it
    is): its :data:`Shape`, the ``$ref`` of a property, an item or a value followed into
    ``$defs``. (A const's value is not held to: a reader of another version decides.)"""
    found: dict[str, Shape] = {}
    for name, declared in schema["properties"].items():
        field = _resolved(schema, declared)
        kinds = _types(field) if "const" not in field else (type(field["const"]),)
        if kinds is None:
            continue
        item_types = _types(_resolved(schema, field.get("items")))
        items = frozenset(item_types) if item_types is not None else None
        properties = field.get("properties")
        inner = None
        if properties:
            inner = {
                key: allowed
                for key, sub in properties.items()
                if (allowed := _types(_resolved(schema, sub)))
            }
        values = _types(_resolved(schema, field.get("additionalProperties")))
        found[name] = (kinds, items, inner, values)
    return found


def conforms(obj: dict[str, Any], shapes: dict[str, Shape]) -> bool:
    """Whether each field of `obj` that `shapes` names has one of its types (arrays item by
    item, objects property by property, their other properties' values too): what a reader
    may take for granted, at a small fraction of a schema validator's cost. Fields missing,
    or not named, are not checked."""
    for name, value in obj.items():
        shape = shapes.get(name)
        if shape is None:
            continue
        kinds, items, inner, values = shape
        if type(value) not in kinds:
            return False
        if items is not None and not items.issuperset(map(type, value)):
            return False
        if type(value) is dict and (inner is not None or values is not None):
            for key, nested in value.items():
                allowed = inner.get(key) if inner is not None else None
                if allowed is None:
                    allowed = values
                if allowed is not None and type(nested) not in allowed:
                    return False
    return True
