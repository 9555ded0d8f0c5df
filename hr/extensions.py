"""What the HR package registers when Signoff looks it up (the ``signoff.extensions`` entry
point): its validators, its own tables (:mod:`hr.models`) on the shared metadata, the
working-day calendar every deadline counts with, and the ``.ics`` of the absence a completed
request recorded, attached to its completion mail (:func:`hr.feeds.absence_ics`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from approvals import extensions
from approvals.core.calendar import Calendar
from hr import (  # noqa: F401 - validators, effects and tables register
    calendar,
    effects,
    feeds,
    jobs,
    leave_checks,
    models,
    people,
    staffing,
    trips,
    validators,
)

_days = models.CompanyDay.__table__.c
_QUERY = select(_days.day, _days.kind).order_by(_days.day)
#: the company's days last read -> the calendar with them over it (one entry: they change
#: a handful of times a year, and the shipped calendar's years stay built across commands)
_cached: tuple[tuple[tuple[date, str], ...], calendar.ProductionCalendar] | None = None


@extensions.calendar_source("hr.production_calendar")
def production_calendar(conn: Any) -> Calendar:
    """Russia's production calendar (:mod:`hr.calendar`) with the company's own days
    (:class:`hr.models.CompanyDay`) over it. One tiny query per command: the table holds a
    handful of rows a year, so reading them all costs about what a version check would
    (measured on SQLite with 12 rows: about 40-70 µs, a count/max query about 27 µs, a bare
    ``SELECT 1`` about 20 µs); the calendar is rebuilt only when the rows changed."""
    global _cached
    rows = tuple((day, kind) for day, kind in conn.execute(_QUERY))
    cached = _cached
    if cached is not None and cached[0] == rows:
        return cached[1]
    found = calendar.default().with_overrides(dict(rows)) if rows else calendar.default()
    _cached = (rows, found)
    return found
