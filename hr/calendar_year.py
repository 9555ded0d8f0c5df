"""One year of the working-day calendar as HR's page shows it (``/hr/calendar``): twelve month
grids of days — working, a day off, a public holiday, shortened — with the company's own days
marked, the month and year totals of working days and hours, and the checks a single day typed
into the page's form goes through.

Pure: it reads a :class:`hr.calendar.ProductionCalendar` that already has the company's days
over it (:func:`hr.company_days.of_year` reads them), so the totals are the ones every
deadline counts with, and the page and ``signoff calendar list`` cannot disagree. The form's
checks are the CSV's (:mod:`hr.company_days`: the same date formats, kinds and reason limit),
worded per field instead of per line.
"""

from __future__ import annotations

import calendar as _weeks
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from hr.calendar import DAY_OFF, KINDS, SHORTENED, ProductionCalendar
from hr.company_days import FIRST_YEAR, KIND_WORDS, LAST_YEAR, REASON_LIMIT, Entry, parse_date

#: what a day of the grid is (its CSS class and its word on the page)
WORKING, HOLIDAY = "working", "holiday"
#: the hours of a working week the totals are counted for (a 40-hour week, and the 36- and
#: 24-hour weeks the published calendars also give)
WEEKS = (40, 36, 24)


@dataclass(frozen=True)
class Day:
    """A day of a month grid: ``kind`` is :data:`WORKING`, :data:`~hr.calendar.DAY_OFF`,
    :data:`HOLIDAY` or :data:`~hr.calendar.SHORTENED` as the calendar counts it (the company's
    days included); ``company`` is the kind the company set for it (or None), ``holiday`` the
    key of its public holiday, ``moved`` whether the law or the decree moved a day off onto
    it, ``reason`` the company's reason."""

    day: date
    kind: str
    company: str | None = None
    holiday: str | None = None
    moved: bool = False
    reason: str = ""


@dataclass(frozen=True)
class Month:
    month: int
    weeks: list[list[Day | None]]  # Monday first; None pads the first and last week
    working_days: int
    hours: dict[int, Decimal]  # week hours -> the month's norm


@dataclass(frozen=True)
class YearView:
    year: int
    provisional: bool
    decree: str | None
    months: list[Month]
    working_days: int
    hours: dict[int, Decimal]
    days_off: int  # every day that is not a working day (weekends, holidays, moved days)


def year_view(calendar: ProductionCalendar, year: int,
              reasons: Mapping[date, str] | None = None) -> YearView:
    """``year`` as ``calendar`` (the company's days over it) counts it; ``reasons``: the
    company's reason for each of its days (the cells' titles)."""
    law = calendar.year(year)
    overrides = calendar.overrides
    months = []
    for month in range(1, 13):
        days = [_day(calendar, law.holidays, law.moved, overrides, reasons or {}, day)
                for day in calendar.days(year, month)]
        pad = days[0].day.weekday()
        cells: list[Day | None] = [None] * pad + days
        cells += [None] * (-len(cells) % 7)
        months.append(Month(month, [cells[n:n + 7] for n in range(0, len(cells), 7)],
                            calendar.working_days(year, month),
                            {week: calendar.working_hours(year, month, week) for week in WEEKS}))
    working = calendar.working_days(year)
    total = 366 if _weeks.isleap(year) else 365
    return YearView(year, calendar.is_provisional(year), law.decree, months, working,
                    {week: calendar.working_hours(year, None, week) for week in WEEKS},
                    total - working)


def _day(calendar: ProductionCalendar, holidays: Mapping[date, str], moved: Mapping[date, str],
         overrides: Mapping[date, str], reasons: Mapping[date, str], day: date) -> Day:
    company = overrides.get(day)
    holiday = holidays.get(day)
    if not calendar.is_working_day(day):
        kind = HOLIDAY if holiday and company != DAY_OFF else DAY_OFF
    elif calendar.is_shortened(day):
        kind = SHORTENED
    else:
        kind = WORKING
    return Day(day, kind, company, holiday, day in moved and company is None,
               reasons.get(day, ""))


def parse_year(value: str | None, default: int) -> int | None:
    """The ``year`` a URL asks for (``default`` when it asks for none); None when it is not a
    year from :data:`FIRST_YEAR` to :data:`LAST_YEAR`."""
    if value is None or not value.strip():
        return default
    value = value.strip()
    if not re.fullmatch(r"\d{4}", value) or not FIRST_YEAR <= int(value) <= LAST_YEAR:
        return None
    return int(value)


#: a field of the one-day form -> (text key, its parameters)
Problems = dict[str, tuple[str, dict[str, Any]]]


def check_day(values: Mapping[str, str]) -> tuple[Entry | None, Problems]:
    """The day typed into the page's form (``date``, ``kind``, ``reason``) as an
    :class:`~hr.company_days.Entry`, or None and what is wrong with each field."""
    problems: Problems = {}
    raw_day = (values.get("date") or "").strip()
    raw_kind = (values.get("kind") or "").strip()
    reason = " ".join((values.get("reason") or "").split())
    day = parse_date(raw_day) if raw_day else None
    if not raw_day:
        problems["date"] = ("hr_calendar.error.date_missing", {})
    elif day is None:
        problems["date"] = ("hr_calendar.error.date", {"value": raw_day})
    elif not FIRST_YEAR <= day.year <= LAST_YEAR:
        problems["date"] = ("hr_calendar.error.date_range",
                            {"value": raw_day, "first": FIRST_YEAR, "last": LAST_YEAR})
    kind = raw_kind if raw_kind in KINDS else KIND_WORDS.get(
        re.sub(r"[\s-]+", "_", raw_kind.lower().replace("ё", "е")))  # as the CSV's words
    if kind is None:
        problems["kind"] = ("hr_calendar.error.kind", {"value": raw_kind})
    if len(reason) > REASON_LIMIT:
        problems["reason"] = ("hr_calendar.error.reason",
                              {"length": len(reason), "limit": REASON_LIMIT})
    if problems:
        return None, problems
    return Entry(day, kind, reason, 1), {}


__all__ = ["DAY_OFF", "FIRST_YEAR", "HOLIDAY", "LAST_YEAR", "SHORTENED", "WEEKS", "WORKING",
           "Day", "Month", "YearView", "check_day", "parse_year", "year_view"]
