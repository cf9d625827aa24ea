"""A readable diff of two versions' text: paragraphs kept, removed and added, and inside a
changed paragraph the words removed and added (difflib), as escaped HTML."""

from __future__ import annotations

import difflib
import re
from html import escape

_TOKENS = re.compile(r"\s+|[^\s]+")


def _words(old: str, new: str) -> str:
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return "".join(out)


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text or "") if p.strip()]


def diff_html(old: str, new: str) -> str:
    """``<div class=diff>`` of paragraphs: unchanged ones folded to a count, changes marked."""
    a, b = paragraphs(old), paragraphs(new)
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            n = i2 - i1
            out.append(f'<p class="same">… {n} paragraph{"s" if n != 1 else ""} unchanged …</p>')
        elif op == "replace" and i2 - i1 == j2 - j1:
            out.extend(
                f'<p class="changed">{_words(x, y)}</p>'
                for x, y in zip(a[i1:i2], b[j1:j2], strict=True)
            )
        else:
            out.extend(f'<p class="removed"><del>{escape(x)}</del></p>' for x in a[i1:i2])
            out.extend(f'<p class="added"><ins>{escape(y)}</ins></p>' for y in b[j1:j2])
    if not out:
        out.append('<p class="same">The text did not change.</p>')
    return '<div class="diff">' + "\n".join(out) + "</div>"


def inline_diff(old: str, new: str) -> str:
    """One line (a headline) with the words removed and added marked."""
    return _words(old, new)
