"""The company's own days in the working-day calendar (:class:`hr.models.CompanyDay`): an
extra day off, a working day, a shortened day, read from an HR CSV and stored all or nothing.

The file: a header ``date,kind,reason`` (``;`` as Russian spreadsheets write it works too),
then a line per day — the date as ``YYYY-MM-DD`` or ``DD.MM.YYYY``; the kind as ``day_off`` /
``выходной``, ``working_day`` / ``рабочий``, ``shortened`` / ``сокращённый``; the reason
optional, at most 200 characters. :func:`parse` names every bad line with its number and what
is wrong (:class:`CalendarFileInvalid`) and nothing is stored; :func:`add` stores the days in
one transaction, a date already set taking the file's kind and reason; :func:`remove` takes
one back. :func:`hr.extensions.production_calendar` lays them over the shipped calendar on
the next command.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals.core.errors import SignoffError
from approvals.store.db import read_session, write_session
from approvals.texts import t
from hr.calendar import DAY_OFF, SHORTENED, WORKING_DAY
from hr.models import CompanyDay

REASON_LIMIT = 200
#: the years a company day may fall in: the production calendar as Russia has had it, to as far
#: ahead as anyone plans (``signoff calendar list --year`` and HR's page take the same range)
FIRST_YEAR, LAST_YEAR = 1991, 2100
HEADER = ("date", "kind", "reason")
#: the words a file may give for a kind (lower case, "ё" as "е", spaces and hyphens as "_")
KIND_WORDS = {
    "day_off": DAY_OFF, "выходной": DAY_OFF, "выходной_день": DAY_OFF,
    "working_day": WORKING_DAY, "рабочий": WORKING_DAY, "рабочий_день": WORKING_DAY,
    "shortened": SHORTENED, "shortened_day": SHORTENED, "сокращенный": SHORTENED,
    "сокращенный_день": SHORTENED, "предпраздничный": SHORTENED,
}
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


@dataclass(frozen=True)
class Entry:
    """One day of the file: ``line`` is its line number."""

    day: date
    kind: str
    reason: str
    line: int


@dataclass(frozen=True)
class Problem:
    """What is wrong with line ``line``: ``code`` words it (``company_days.error.<code>``)."""

    line: int
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def message(self, locale: str | None = "en") -> str:
        return t(f"company_days.error.{self.code}", locale, line=self.line, **self.params)


class CalendarFileInvalid(SignoffError):
    """A calendar CSV with bad lines: :attr:`problems`, each with its line number."""

    code = "calendar_file_invalid"
    status = 422

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(self.text("en"))

    def text(self, locale: str | None) -> str:
        return "\n".join([t("company_days.nothing_stored", locale),
                          *(problem.message(locale) for problem in self.problems)])


def parse(text: str) -> list[Entry]:
    """The days of a calendar CSV, in the file's order; :class:`CalendarFileInvalid` naming
    every bad line when there is one."""
    text = text.removeprefix("\ufeff")
    lines = text.splitlines()
    first = next((n for n, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise CalendarFileInvalid([Problem(1, "empty")])
    delimiter = ";" if ";" in lines[first] and "," not in lines[first] else ","
    rows = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    problems: list[Problem] = []
    entries: list[Entry] = []
    seen: dict[date, int] = {}
    header_seen = False
    for row in rows:
        number = rows.line_num
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if not header_seen:
            header_seen = True
            names = tuple(cell.lower() for cell in cells)
            if names not in (HEADER, HEADER[:2]):
                problems.append(Problem(number, "header", {"value": delimiter.join(cells)}))
                break
            continue
        if len(cells) not in (2, 3):
            problems.append(Problem(number, "columns", {"count": len(cells)}))
            continue
        raw_day, raw_kind, reason = (*cells, "")[:3]
        day = parse_date(raw_day)
        kind = KIND_WORDS.get(re.sub(r"[\s-]+", "_", raw_kind.lower().replace("ё", "е")))
        if day is None:
            problems.append(Problem(number, "date", {"value": raw_day}))
        elif not FIRST_YEAR <= day.year <= LAST_YEAR:
            problems.append(Problem(number, "year", {"value": raw_day, "first": FIRST_YEAR,
                                                     "last": LAST_YEAR}))
            day = None
        if kind is None:
            problems.append(Problem(number, "kind", {"value": raw_kind}))
        if len(reason) > REASON_LIMIT:
            problems.append(Problem(number, "reason", {"length": len(reason),
                                                       "limit": REASON_LIMIT}))
        if day is not None and day in seen:
            problems.append(Problem(number, "twice", {"value": day.isoformat(),
                                                      "first": seen[day]}))
        if day is None or kind is None or len(reason) > REASON_LIMIT or day in seen:
            continue
        seen[day] = number
        entries.append(Entry(day, kind, reason, number))
    if problems:
        raise CalendarFileInvalid(problems)
    return entries


def parse_date(value: str) -> date | None:
    dotted = _DOTTED.fullmatch(value)
    try:
        if dotted:
            day, month, year = (int(part) for part in dotted.groups())
            return date(year, month, day)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value)
    except ValueError:
        return None
    return None


@dataclass(frozen=True)
class Added:
    added: list[date]
    updated: list[date]


def add(db: Engine, days: Iterable[Entry], person_id: int | None, now: datetime) -> Added:
    """Store ``days`` in one transaction: a new date is added, a date already set takes the
    file's kind and reason (and ``person_id`` and ``now`` as who set it, when)."""
    days = list(days)
    added: list[date] = []
    updated: list[date] = []
    with write_session(db) as session:
        existing = {row.day: row for row in session.exec(
            select(CompanyDay).where(CompanyDay.day.in_([e.day for e in days])))}  # type: ignore[attr-defined]
        for entry in days:
            row = existing.get(entry.day)
            if row is None:
                session.add(CompanyDay(day=entry.day, kind=entry.kind, reason=entry.reason,
                                       created_by_id=person_id, created_at=now))
                added.append(entry.day)
            elif (row.kind, row.reason) != (entry.kind, entry.reason):
                row.kind, row.reason = entry.kind, entry.reason
                row.created_by_id, row.created_at = person_id, now
                session.add(row)
                updated.append(entry.day)
    return Added(added, updated)


def remove(db: Engine, day: date) -> CompanyDay | None:
    """Take the company's own ``day`` back (the production calendar's applies again); the row
    removed, or None when the day was not set."""
    with write_session(db) as session:
        row = session.exec(select(CompanyDay).where(CompanyDay.day == day)).first()
        if row is None:
            return None
        removed = CompanyDay(**row.model_dump())
        session.delete(row)
    return removed


def of_year(db: Engine, year: int) -> list[CompanyDay]:
    """The company's own days of ``year``, in date order."""
    with read_session(db) as session:
        return list(session.exec(select(CompanyDay).where(
            CompanyDay.day >= date(year, 1, 1), CompanyDay.day <= date(year, 12, 31))
            .order_by(CompanyDay.day)))
