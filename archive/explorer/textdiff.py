"""A readable diff of two versions' text: paragraphs kept, removed and added, and inside a
changed paragraph the words removed and added (difflib), as escaped HTML.

difflib compares two sequences in time growing with the product of their lengths, or
worse: what it is given is bounded. A common start and end are set aside first; past
:data:`MAX_COMPARED` a changed paragraph is shown removed and added whole, and a diff's
paragraphs past :data:`MAX_DIFF_COMPARED` in all are too.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from html import escape

_TOKENS = re.compile(r"\S+\s*|\s+")  # a word with the space after it
MAX_COMPARED = 250_000  # words (or paragraphs) of one text times those of the other
MAX_DIFF_COMPARED = 4 * MAX_COMPARED  # in all the paragraphs of one diff

Opcode = tuple[str, int, int, int, int]


class _Budget:
    """What is left to compare in one diff."""

    def __init__(self, left: int = MAX_DIFF_COMPARED):
        self.left = left


def _opcodes(a: Sequence[str], b: Sequence[str], budget: _Budget) -> list[Opcode] | None:
    """difflib's opcodes from `a` to `b`, their common start and end set aside; None when
    what is left is larger than :data:`MAX_COMPARED` or the budget."""
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    middle_a, middle_b = a[start : len(a) - end], b[start : len(b) - end]
    cost = len(middle_a) * len(middle_b)
    if cost > min(MAX_COMPARED, budget.left):
        return None
    budget.left -= cost
    out: list[Opcode] = [("equal", 0, start, 0, start)] if start else []
    matcher = difflib.SequenceMatcher(None, middle_a, middle_b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        out.append((op, start + i1, start + i2, start + j1, start + j2))
    if end:
        out.append(("equal", len(a) - end, len(a), len(b) - end, len(b)))
    return out


def _words(old: str, new: str, budget: _Budget) -> str | None:
    """`old` to `new` with the words removed and added marked; None past the bounds."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    opcodes = _opcodes(a, b, budget)
    if opcodes is None:
        return None
    out: list[str] = []
    for op, i1, i2, j1, j2 in opcodes:
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
    budget = _Budget()
    out: list[str] = []
    opcodes = _opcodes(a, b, budget) or [("replace", 0, len(a), 0, len(b))]
    for op, i1, i2, j1, j2 in opcodes:
        if op == "equal":
            n = i2 - i1
            out.append(f'<p class="same">… {n} paragraph{"s" if n != 1 else ""} unchanged …</p>')
            continue
        if op == "replace" and i2 - i1 == j2 - j1:
            for x, y in zip(a[i1:i2], b[j1:j2], strict=True):
                words = _words(x, y, budget)
                if words is None:
                    out.append(f'<p class="removed" dir="auto"><del>{escape(x)}</del></p>')
                    out.append(f'<p class="added" dir="auto"><ins>{escape(y)}</ins></p>')
                else:
                    out.append(f'<p class="changed" dir="auto">{words}</p>')
            continue
        out.extend(f'<p class="removed" dir="auto"><del>{escape(x)}</del></p>' for x in a[i1:i2])
        out.extend(f'<p class="added" dir="auto"><ins>{escape(y)}</ins></p>' for y in b[j1:j2])
    if not out:
        out.append('<p class="same">The text did not change.</p>')
    return '<div class="diff">' + "\n".join(out) + "</div>"


def inline_diff(old: str, new: str) -> str:
    """One line (a headline) with the words removed and added marked."""
    words = _words(old, new, _Budget())
    return f"<del>{escape(old)}</del><ins>{escape(new)}</ins>" if words is None else words
