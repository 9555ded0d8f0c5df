"""A field's value as a reader sees it: money and numbers grouped the reader's way, a choice by
its label, a person by name, yes or no. Used by the presenter (pages, mails, trails) and by
titles the service writes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from approvals.core.model import FieldSpec
from approvals.texts import t
from approvals.texts.formats import format_date, format_number


def display(spec: FieldSpec, value: Any, locale: str,
            name_of: Callable[[str], str] = str,
            fields: Mapping[str, Any] | None = None) -> str:
    """One value of a field as text; ``name_of(email)`` names a person (a people field's
    entries are joined by "; "); ``fields`` are the instance's values (an amount's currency
    may be in one of them)."""
    kind = spec.type
    if kind == "money":
        amount = format_number(value, locale, places=2)
        currency = spec.currency or (fields or {}).get(spec.currency_field or "")
        return f"{amount} {currency}" if currency else amount
    if kind == "date":
        return format_date(value, locale)
    if kind == "number":
        return format_number(value, locale)
    if kind == "date_range" and isinstance(value, dict):
        return (f"{format_date(value.get('start'), locale)} – "
                f"{format_date(value.get('end'), locale)}")
    if kind == "person" and isinstance(value, str):
        return name_of(value)
    if kind == "people" and isinstance(value, list):
        return "; ".join(name_of(v) for v in value)
    if kind == "choice":
        choice = next((c for c in spec.choices if c.value == str(value)), None)
        return choice.label.get(locale) if choice else str(value)
    if kind == "boolean":
        return t("common.yes" if value else "common.no", locale)
    if kind == "file" and isinstance(value, dict):
        return str(value.get("filename", ""))
    return str(value)
