"""HR's checks on a request's values, named in its process files (``validate:``)."""

from __future__ import annotations

from datetime import date

from approvals import extensions


@extensions.validator("hr.period_ahead")
def period_ahead(check: extensions.Check) -> extensions.Problems:
    """A leave, a trip or time off does not begin in the past: the date range in the field
    ``field`` (default ``period``) starts today or later. Today is the UTC date of the request,
    so nobody east of Greenwich is refused a period that starts on their today."""
    name = check.params.get("field", "period")
    value = check.fields.get(name)
    if not isinstance(value, dict) or not value.get("start"):
        return {}
    try:
        start = date.fromisoformat(str(value["start"]))
    except ValueError:
        return {}  # the field's own check reports a malformed date
    today = check.now.date()
    if start < today:
        return {name: ("period_in_the_past", {"start": start.isoformat(),
                                              "today": today.isoformat()})}
    return {}
