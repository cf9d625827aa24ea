"""The outlet declarations: complete, ordered, and the only place that names an outlet."""

from __future__ import annotations

import ast
import inspect
import pkgutil
from importlib import import_module
from pathlib import Path

import crawler.pages.templates as templates_package
from crawler.pages import parse_html
from crawler.pages.article import ArticlePage
from crawler.pages.base import PageContext
from crawler.pages.outlets import outlets
from crawler.pages.registry import resolve, templates_of

REPO = Path(__file__).resolve().parent.parent
# Where an outlet's name may be spelt: its declaration, its templates, the test site
# imitating it. Anything else reads the declarations.
MAY_NAME_OUTLETS = ("crawler/pages/outlets/", "crawler/pages/templates/", "archive/testsite/")


def test_every_template_module_class_is_declared_by_one_outlet() -> None:
    declared = [resolve(t) for outlet in outlets() for t in outlet.templates]
    assert len(declared) == len(set(declared)), "a template is declared twice"
    concrete = set()
    for info in pkgutil.iter_modules(templates_package.__path__):
        module = import_module(f"{templates_package.__name__}.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            # A template sets its NAME; a shared base (CnnPage) does not.
            ours = issubclass(cls, ArticlePage) and cls.__module__ == module.__name__
            if ours and "NAME" in vars(cls):
                concrete.add(cls)
    missing = sorted(c.__name__ for c in concrete - set(declared))
    assert not missing, f"templates no outlet declares (never chosen): {missing}"


def test_each_outlets_last_template_is_a_fallback_that_reads_any_page() -> None:
    doc = parse_html(b"<html><body><p>Nothing of any template here.</p></body></html>")
    for outlet in outlets():
        ctx = PageContext(url=outlet.start_points[0], doc=doc, source=outlet.name, encoding="utf-8")
        assert templates_of(outlet.name)[-1].matches(ctx), outlet.name


def test_templates_are_tried_in_the_declared_order() -> None:
    assert [t.NAME for t in templates_of("reuters")] == [
        "reuters/2018",
        "reuters/blogs",
        "reuters/2015",
        "reuters/2013",
        "reuters/2016",
        "reuters/2021",
        "reuters/generic",
    ]
    assert [t.NAME for t in templates_of("cnn")] == [
        "cnn/ireport",
        "cnn/2015",
        "cnn/2021",
        "cnn/2013",
        "cnn/money",
        "cnn/generic",
    ]
    assert templates_of("nobody") == ()


def test_only_the_declarations_name_an_outlet() -> None:
    names = {outlet.name for outlet in outlets()}
    found = []
    for path in sorted([*REPO.glob("crawler/**/*.py"), *REPO.glob("archive/**/*.py")]):
        relative = path.relative_to(REPO).as_posix()
        if relative.startswith(MAY_NAME_OUTLETS):
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and node.value in names:
                found.append(f"{relative}:{node.lineno}: {node.value!r}")
    assert not found, "outlet names spelt outside their declarations:\n" + "\n".join(found)
