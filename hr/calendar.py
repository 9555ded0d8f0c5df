"""Russia's production calendar: which days are working days, which are one hour shorter, and
how many working days and hours a month has.

:class:`ProductionCalendar` implements :class:`approvals.core.calendar.Calendar`, so the engine
counts every deadline in working days with it (the service asks :mod:`approvals.extensions`
for the calendar; :mod:`hr.extensions` registers this one). What a year holds:

- the Labour Code's rules, applied to every year: the public holidays of art. 112 part 1; a
  weekend day that falls on a holiday moved to the next working day (art. 112 part 2), except
  the January ones; the working day before a holiday one hour shorter (art. 95);
- the Government's decree for the year (the two January days off moved, working Saturdays),
  from the shipped, cited data file ``hr/data/production-calendar-ru.yaml``;
- the company's own days (an extra day off, a working day, a shortened day), over both.

A year with no decree in the data file is *provisional* (:meth:`ProductionCalendar.
is_provisional`): the rules alone, until someone adds the decree.
"""

from __future__ import annotations

import calendar as _weeks
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).with_name("data") / "production-calendar-ru.yaml"

#: Labour Code art. 112 part 1: (month, day) -> the holiday's name
HOLIDAYS: dict[tuple[int, int], str] = {
    **{(1, day): "new_year_holidays" for day in (1, 2, 3, 4, 5, 6, 8)},
    (1, 7): "christmas",
    (2, 23): "defender_of_the_fatherland_day",
    (3, 8): "womens_day",
    (5, 1): "spring_and_labour_day",
    (5, 9): "victory_day",
    (6, 12): "russia_day",
    (11, 4): "unity_day",
}

#: the kinds of a company's own day
DAY_OFF, WORKING_DAY, SHORTENED = "day_off", "working_day", "shortened"
KINDS = (DAY_OFF, WORKING_DAY, SHORTENED)


@dataclass(frozen=True)
class Year:
    """One year's production calendar as the law and the decree make it."""

    year: int
    holidays: Mapping[date, str]  # art. 112 part 1
    days_off: frozenset[date]  # every non-working day: weekends, holidays, moved days off
    moved: Mapping[date, str]  # working days made days off (by art. 112 part 2 or the decree)
    working_weekend: frozenset[date]  # weekend days the decree makes working
    shortened: frozenset[date]  # art. 95: the working day before a holiday
    decree: str | None  # None: provisional, the rules alone
    published: Mapping[str, int]


class ProductionCalendar:
    """Russia's production calendar for a five-day, Monday-to-Friday week, with the company's
    own days (``overrides``: date -> :data:`DAY_OFF`, :data:`WORKING_DAY` or
    :data:`SHORTENED`) over it."""

    def __init__(self, data: Mapping[int, Mapping[str, Any]] | None = None,
                 overrides: Mapping[date, str] | None = None) -> None:
        self._data = shipped() if data is None else data
        self._overrides = dict(overrides or {})
        self._years: dict[int, Year] = {}

    def with_overrides(self, overrides: Mapping[date, str]) -> ProductionCalendar:
        """The same calendar with the company's own days ``overrides`` over it (the years the
        law and the decree make are shared, built once)."""
        other = ProductionCalendar(self._data, overrides)
        other._years = self._years
        return other

    @property
    def overrides(self) -> Mapping[date, str]:
        """The company's own days over the calendar: date -> kind."""
        return dict(self._overrides)

    def year(self, year: int) -> Year:
        """The year as the law and the decree make it (the company's days not included)."""
        found = self._years.get(year)
        if found is None:
            found = self._years[year] = build_year(year, self._data.get(year))
        return found

    def is_provisional(self, year: int) -> bool:
        return self.year(year).decree is None

    def is_working_day(self, day: date) -> bool:
        kind = self._overrides.get(day)
        if kind is not None:
            return kind != DAY_OFF
        return day not in self.year(day.year).days_off

    def is_shortened(self, day: date) -> bool:
        """A working day one hour shorter: before a public holiday (art. 95), or the
        company's own shortened day."""
        kind = self._overrides.get(day)
        if kind == SHORTENED:
            return True
        if kind == DAY_OFF or not self.is_working_day(day):
            return False
        return day in self.year(day.year).shortened

    def holiday(self, day: date) -> str | None:
        """The key of the public holiday on ``day`` (art. 112), or None."""
        return self.year(day.year).holidays.get(day)

    def days(self, year: int, month: int) -> list[date]:
        return [date(year, month, n) for n in range(1, _weeks.monthrange(year, month)[1] + 1)]

    def working_days(self, year: int, month: int | None = None) -> int:
        """How many working days the month (the whole year, without a month) has."""
        return sum(self.is_working_day(day) for day in self._period(year, month))

    def working_hours(self, year: int, month: int | None = None,
                      week_hours: int | float | Decimal = 40) -> Decimal:
        """The month's (or year's) norm of working hours for a ``week_hours`` week, as the
        Ministry's order of 13.08.2009 No. 588n counts it: a fifth of the week for each working
        day, less one hour for each shortened one."""
        per_day = Decimal(str(week_hours)) / 5
        hours = Decimal(0)
        for day in self._period(year, month):
            if self.is_working_day(day):
                hours += per_day - (1 if self.is_shortened(day) else 0)
        return Decimal(int(hours)) if hours == hours.to_integral() else hours

    def _period(self, year: int, month: int | None) -> list[date]:
        if month is not None:
            return self.days(year, month)
        return [day for m in range(1, 13) for day in self.days(year, m)]


def build_year(year: int, data: Mapping[str, Any] | None) -> Year:
    """Apply the Labour Code's rules to ``year``, then the decree's days in ``data``."""
    data = data or {}
    holidays = {date(year, month, day): name for (month, day), name in HOLIDAYS.items()}
    weekend = {day for day in _all_days(year) if day.weekday() >= 5}
    days_off = weekend | set(holidays)
    moved: dict[date, str] = {}
    for day in sorted(holidays):
        if day.month == 1 or day.weekday() < 5:
            continue  # the January days are moved by the decree, if at all
        target = day + timedelta(days=1)
        while target in days_off:
            target += timedelta(days=1)
        if target.year == year:
            days_off.add(target)
            moved[target] = f"from {day.isoformat()}"
    for day, reason in (data.get("days_off") or {}).items():
        day = _day(day, year)
        days_off.add(day)
        moved[day] = str(reason)
    working_weekend = frozenset(_day(day, year) for day in (data.get("working_days") or {}))
    days_off -= working_weekend
    eves = [day - timedelta(days=1) for day in [*holidays, date(year + 1, 1, 1)]]
    shortened = frozenset(eve for eve in eves if eve.year == year and eve not in days_off)
    decree = data.get("decree")
    return Year(year, holidays, frozenset(days_off), moved, working_weekend, shortened,
                str(decree).strip() if decree and not data.get("provisional") else None,
                dict(data.get("published") or {}))


@cache
def shipped() -> Mapping[int, Mapping[str, Any]]:
    """The shipped data file's years."""
    with DATA.open(encoding="utf-8") as source:
        loaded = yaml.safe_load(source) or {}
    return {int(year): spec or {} for year, spec in (loaded.get("years") or {}).items()}


@cache
def default() -> ProductionCalendar:
    """The shipped calendar, without the company's own days: one per process, its years
    built once (every command that counts a deadline asks for it)."""
    return ProductionCalendar()


def _all_days(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=n) for n in range((date(year + 1, 1, 1) - first).days)]


def _day(value: Any, year: int) -> date:
    day = value if isinstance(value, date) else date.fromisoformat(str(value))
    if day.year != year:
        raise ValueError(f"{day.isoformat()} is listed under {year} in {DATA.name}")
    return day
