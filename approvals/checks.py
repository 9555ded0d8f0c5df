"""The checks on a form's values that Signoff itself registers for any process file to name
(``validate:``, see :mod:`approvals.extensions`), beside the fields' own checks:

- ``approvals.one_of`` — at least one field of a group is filled in: ``{fields: [document,
  link]}``, or several groups at once: ``{fields: [[document, link], [departments, people]]}``;
  each empty field of an empty group is told which others would do;
- ``approvals.date_ahead`` — the date in ``field`` is today or later (``days: 1``: at least a
  day ahead; today is the UTC date of the request, as in ``hr.period_ahead``);
- ``approvals.departments`` — every department named in ``field`` (a text or choice field,
  several separated by commas, as ``{department: {field: …}}`` reads them) is the department
  of someone active in the directory; an unknown one is refused naming the known ones.

The parameters are checked when the file is read (``signoff processes check``): a field that
is not there, or not of a type the check reads, is refused with its line.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from approvals import extensions, texts
from approvals.core.engine import department_names
from approvals.core.model import LOCALES
from approvals.store.models import Person

MAX_DAYS_AHEAD = 365


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {} or (
        isinstance(value, str) and not value.strip())


def _groups(params: Mapping[str, Any]) -> list[list[str]]:
    """``fields`` as a list of groups: a list of names is one group."""
    raw = params.get("fields")
    if not isinstance(raw, list) or not raw:
        return []
    if all(isinstance(item, str) for item in raw):
        return [list(raw)]
    return [list(group) if isinstance(group, list) else [group] for group in raw]


def _one_of_params(params: Mapping[str, Any], fields: Mapping[str, Any]) -> str | None:
    groups = _groups(params)
    if not groups or any(len(group) < 2 for group in groups):
        return ("approvals.one_of: expected fields: [A, B] (at least two field names), or "
                "a list of such groups")
    for group in groups:
        for name in group:
            if not isinstance(name, str) or name not in fields:
                return f"approvals.one_of: {name!r} is not a field of this process"
    return None


@extensions.validator("approvals.one_of", params=_one_of_params)
def one_of(check: extensions.Check) -> extensions.Problems:
    """At least one field of each group has a value."""
    problems: dict[str, tuple[str, dict[str, Any]]] = {}
    for group in _groups(check.params):
        if not all(_empty(check.fields.get(name)) for name in group):
            continue
        for name in group:
            others = [check.process.field(other) for other in group if other != name]
            problems.setdefault(name, ("one_of_required", {"others": {
                locale: texts.t("word.or", locale, audience="mail").join(
                    texts.t("word.quoted", locale, audience="mail", word=spec.label.get(locale))
                    for spec in others if spec is not None)
                for locale in LOCALES}}))
    return problems


def _date_params(params: Mapping[str, Any], fields: Mapping[str, Any]) -> str | None:
    name = params.get("field")
    spec = fields.get(name) if isinstance(name, str) else None
    if spec is None or spec.type != "date":
        return f"approvals.date_ahead: {name!r} is not a date field of this process"
    days = params.get("days", 0)
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_DAYS_AHEAD:
        return f"approvals.date_ahead: days: expected a whole number from 0 to {MAX_DAYS_AHEAD}"
    return None


@extensions.validator("approvals.date_ahead", params=_date_params)
def date_ahead(check: extensions.Check) -> extensions.Problems:
    """The date in ``field`` is at least ``days`` (default 0: today) after today."""
    name = check.params["field"]
    value = check.fields.get(name)
    if _empty(value):
        return {}
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        return {}  # the field's own check reports a malformed date
    earliest = check.now.date() + timedelta(days=int(check.params.get("days", 0)))
    if day < earliest:
        return {name: ("date_too_early", {"earliest": earliest.isoformat()})}
    return {}


def _departments_params(params: Mapping[str, Any], fields: Mapping[str, Any]) -> str | None:
    name = params.get("field", "departments")
    spec = fields.get(name) if isinstance(name, str) else None
    if spec is None or spec.type not in ("text", "choice"):
        return f"approvals.departments: {name!r} is not a text or choice field of this process"
    return None


def known_departments(conn) -> list[str]:
    """The departments of the directory's active people, in alphabetical order."""
    rows = conn.execute(select(Person.department).where(
        Person.active.is_(True), func.trim(Person.department) != "")
        .group_by(Person.department)).scalars()
    return sorted({row.strip() for row in rows}, key=str.casefold)


@extensions.validator("approvals.departments", params=_departments_params)
def departments(check: extensions.Check) -> extensions.Problems:
    """Every department named in ``field`` exists (letter case aside)."""
    name = check.params.get("field", "departments")
    wanted = department_names(check.fields.get(name))
    if not wanted:
        return {}
    known = known_departments(check.conn)
    folded = {department.casefold() for department in known}
    unknown = [department for department in wanted if department.casefold() not in folded]
    if unknown:
        return {name: ("unknown_department", {"value": ", ".join(unknown),
                                              "known": ", ".join(known) or "—"})}
    return {}
