"""What the HR package registers when Signoff looks it up (the ``signoff.extensions`` entry
point): its validators, and the working-day calendar every deadline counts with."""

from __future__ import annotations

from typing import Any

from approvals import extensions
from approvals.core.calendar import Calendar
from hr import calendar, validators  # noqa: F401 - validators register on import


@extensions.calendar_source("hr.production_calendar")
def production_calendar(conn: Any) -> Calendar:
    """Russia's production calendar (:mod:`hr.calendar`)."""
    return calendar.default()
