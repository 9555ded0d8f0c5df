"""Working days: the :class:`Calendar` protocol the engine counts deadlines with.

The core knows only the question ("is this a working day?"); which days are — Russia's
production calendar with its holidays and transferred days off, a company's own days off — is
answered by an implementation outside the core (HR's, from data) and handed in, as the
:class:`~approvals.core.directory.Directory` is. :class:`EveryDay` counts every day, which is what
a deadline in calendar days means.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Protocol


class Calendar(Protocol):
    """Which days are working days."""

    def is_working_day(self, day: date) -> bool: ...


class EveryDay:
    """Every day is a working day: deadlines in calendar days."""

    def is_working_day(self, day: date) -> bool:
        return True


EVERY_DAY = EveryDay()


class Weekdays:
    """Monday to Friday, no holidays: the simplest working week, before any production
    calendar is known."""

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5


WEEKDAYS = Weekdays()
MAX_SEARCH_DAYS = 3660  # a calendar with no working day in ten years is broken


def add_working_days(calendar: Calendar, start: datetime, days: int) -> datetime:
    """The moment ``days`` working days after ``start`` (before it, when negative), at the
    same time of day: counting starts the day after ``start``, and only working days count (so
    three working days from a Friday evening end on Wednesday evening in a Monday-to-Friday
    week). ``days`` = 0 is ``start`` itself, moved forward to the next working day when
    ``start`` is not one."""
    step = timedelta(days=1 if days >= 0 else -1)
    moment, left, searched = start, abs(days), 0
    if left == 0:
        while not calendar.is_working_day(moment.date()):
            moment, searched = moment + step, _step(searched)
        return moment
    while left:
        moment, searched = moment + step, _step(searched)
        if calendar.is_working_day(moment.date()):
            left -= 1
    return moment


def _step(searched: int) -> int:
    if searched >= MAX_SEARCH_DAYS:
        raise ValueError("the calendar has no working day in ten years")
    return searched + 1
