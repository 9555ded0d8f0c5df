"""Two versions of a document's text, side by side: which lines are the same, changed, added
or removed, the changed words inside a changed line, and long runs of unchanged lines folded
to a few lines of context around each change.

Pure: lines in, :class:`Row` items out (a page draws them as a table with ``<del>`` and
``<ins>``, the API returns them as JSON).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["same", "changed", "added", "removed", "skipped"]
#: lines of unchanged text kept around a change; longer runs are folded to a "skipped" row
CONTEXT = 3
_WORDS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Span:
    text: str
    marked: bool = False  # removed (on the left) or added (on the right)


@dataclass(frozen=True)
class Row:
    """One line of the comparison. ``old``/``new`` are the line numbers (1-based) on each
    side, None where the side has no line; ``left``/``right`` the line's text in spans. A
    ``skipped`` row stands for ``count`` unchanged lines."""

    kind: Kind
    old: int | None = None
    new: int | None = None
    left: list[Span] = field(default_factory=list)
    right: list[Span] = field(default_factory=list)
    count: int = 0

    def as_dict(self) -> dict:
        def text(spans: list[Span]) -> list[dict]:
            return [{"text": s.text, "marked": s.marked} for s in spans]
        return {"kind": self.kind, "old": self.old, "new": self.new, "left": text(self.left),
                "right": text(self.right), "count": self.count}


@dataclass(frozen=True)
class Summary:
    changed: int
    added: int
    removed: int


def _words(old: str, new: str) -> tuple[list[Span], list[Span]]:
    """The words that differ between two versions of a line, marked on each side."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    left: list[Span] = []
    right: list[Span] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            left.append(Span("".join(a[i1:i2])))
            right.append(Span("".join(b[j1:j2])))
            continue
        if i2 > i1:
            left.append(Span("".join(a[i1:i2]), True))
        if j2 > j1:
            right.append(Span("".join(b[j1:j2]), True))
    return left, right


def compare(old: list[str], new: list[str], context: int = CONTEXT) -> list[Row]:
    """The rows of ``old`` beside ``new``. A replaced block pairs its lines in order (the
    changed words marked); what one side has more is added or removed. A run of unchanged
    lines longer than ``2 * context + 1`` keeps ``context`` lines at each end (only at the end
    that touches a change, at the start or end of the text) and folds the rest."""
    rows: list[Row] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    opcodes = matcher.get_opcodes()
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            same = [Row("same", i1 + k + 1, j1 + k + 1, [Span(old[i1 + k])],
                        [Span(new[j1 + k])]) for k in range(i2 - i1)]
            head = context if index > 0 else 0  # context after the change before it
            tail = context if index < len(opcodes) - 1 else 0  # before the next change
            if len(same) > head + tail + 1:
                rows.extend(same[:head])
                rows.append(Row("skipped", same[head].old, same[head].new,
                                count=len(same) - head - tail))
                rows.extend(same[len(same) - tail:] if tail else [])
            else:
                rows.extend(same)
            continue
        pairs = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for k in range(pairs):
            left, right = _words(old[i1 + k], new[j1 + k])
            rows.append(Row("changed", i1 + k + 1, j1 + k + 1, left, right))
        for k in range(i1 + pairs, i2):
            rows.append(Row("removed", k + 1, None, [Span(old[k], True)], []))
        for k in range(j1 + pairs, j2):
            rows.append(Row("added", None, k + 1, [], [Span(new[k], True)]))
    return rows


def summary(rows: list[Row]) -> Summary:
    count = {kind: sum(1 for r in rows if r.kind == kind)
             for kind in ("changed", "added", "removed")}
    return Summary(count["changed"], count["added"], count["removed"])
