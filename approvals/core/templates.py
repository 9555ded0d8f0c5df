"""Text templates in process files: an instance's title and a notice's message.

``"Отпуск: {{ initiator.name }}, {{ fields.period }}"`` — plain text with placeholders for
``fields.NAME`` (a field of the process, shown the reader's way), ``initiator.name``,
``process.name`` and ``instance.id``. :func:`check` refuses an unknown placeholder or a brace
left open when the file is read; :func:`render` fills one in with what the caller looks up and
never raises.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
FIXED = ("initiator.name", "process.name", "instance.id")


class TemplateError(ValueError):
    """A template that names something unknown or leaves a brace open."""


def placeholders(text: str) -> list[str]:
    """The placeholders of ``text`` in order (``fields.period``…)."""
    return _PLACEHOLDER.findall(text)


def check(text: str, fields: Iterable[str]) -> None:
    """Refuse a placeholder that is not a field of the process or one of :data:`FIXED`, and
    braces that do not close."""
    known = set(fields)
    for name in placeholders(text):
        if name.startswith("fields."):
            if name.removeprefix("fields.") not in known:
                raise TemplateError(f"unknown field in {{{{ {name} }}}} (the fields: "
                                    f"{', '.join(sorted(known)) or 'none'})")
        elif name not in FIXED:
            raise TemplateError(f"unknown placeholder {{{{ {name} }}}} (use fields.NAME, "
                                f"{', '.join(FIXED)})")
    rest = _PLACEHOLDER.sub("", text)
    if "{{" in rest or "}}" in rest:
        raise TemplateError("a placeholder is not closed: write {{ fields.NAME }}")


def render(text: str, value_of: Callable[[str], str]) -> str:
    """``text`` with each placeholder replaced by ``value_of(name)``; one that cannot be
    looked up is left empty."""

    def fill(match: re.Match) -> str:
        try:
            return str(value_of(match.group(1)) or "")
        except Exception:  # noqa: BLE001 - a title must never fail a command
            return ""

    return " ".join(_PLACEHOLDER.sub(fill, text).split())
