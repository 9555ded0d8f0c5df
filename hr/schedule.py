"""The absence schedule: who of a department is away on which day of a month, as the person
looking may see it.

The rows are :class:`hr.models.Absence` records (written by the processes that record an
absence, :mod:`hr.absences`); a cancelled one is not shown. What a cell says depends on who
looks (:func:`approvals.core.policy.may_see_absence_kind`): colleagues see only that someone
is away; the person, their managers up the chain, the department's head, HR and administrators
see the kind (annual leave, sick leave, a business trip) and who deputises meanwhile. The days
are shaded from the working-day calendar every deadline counts with
(:func:`approvals.extensions.calendar`: Russia's production calendar with the company's own
days), so a holiday inside a leave shows as one.

Reads only; :mod:`hr.feeds` and :mod:`hr.plan` use the same queries.
"""

from __future__ import annotations

import calendar as month_calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from approvals import extensions, texts
from approvals.core import policy
from approvals.core.directory import managers_above
from approvals.store.directory import DbDirectory
from approvals.store.models import Department, Deputy, Person, PersonRole
from hr import leave_types
from hr.models import Absence

HEAD_ROLE = "head"  # the department's member holding it, where HR named no head


@dataclass(frozen=True)
class Day:
    """A day of the month: ``off`` for a weekend, a holiday or a company day off."""

    day: date
    off: bool
    holiday: str = ""


@dataclass(frozen=True)
class Cell:
    """One person away on one day. ``kind`` is None for a reader who may see only that they
    are away; ``deputy`` (a name) likewise."""

    absence_id: int
    starts_on: date
    ends_on: date
    kind: str | None
    hours: int | None = None
    deputy: str | None = None


@dataclass
class Row:
    person: Person
    cells: list[Cell | None] = field(default_factory=list)

    @property
    def away_days(self) -> int:
        return sum(cell is not None for cell in self.cells)


@dataclass(frozen=True)
class Month:
    department: str
    year: int
    month: int
    days: list[Day]
    rows: list[Row]
    counts: list[int]  # how many people are away on each day

    @property
    def previous(self) -> tuple[int, int]:
        return (self.year - 1, 12) if self.month == 1 else (self.year, self.month - 1)

    @property
    def next(self) -> tuple[int, int]:
        return (self.year + 1, 1) if self.month == 12 else (self.year, self.month + 1)


def kind_label(kind: str, locale: str) -> str:
    """The kind of an absence in words: the leave type's name from the leave-types file
    (:mod:`hr.leave_types`), else the schedule's word for it (sick leave, business trip…,
    ``schedule.kind.<kind>``), else the kind itself."""
    try:
        found = leave_types.get(kind)
    except leave_types.LeaveTypesInvalid:  # the file's problem is told where it is read
        found = None
    if found is not None and found.name:
        return texts.in_locale(found.name, locale)
    return texts.term("schedule.kind", kind, locale)


def _folded(department: str) -> str:
    return " ".join(department.split()).casefold()


def departments(session: Session) -> list[str]:
    """Every department named in the directory or in HR's table, each once, by name."""
    names = {*session.exec(select(Person.department).where(Person.department != "")),
             *session.exec(select(Department.name))}
    found: dict[str, str] = {}
    for name in sorted(n for n in names if n and n.strip()):
        found.setdefault(_folded(name), name.strip())
    return sorted(found.values(), key=str.casefold)


def spelled(session: Session, department: str) -> str:
    """``department`` as the directory spells it (letter case and spaces aside), or "" when no
    department has that name."""
    wanted = _folded(department or "")
    return next((name for name in departments(session) if _folded(name) == wanted), "")


def members(session: Session, department: str) -> list[Person]:
    """The department's people, by name: everyone whose department it is (letter case aside),
    but the dismissed and those not started yet."""
    wanted = _folded(department)
    if not wanted:
        return []
    people = session.exec(select(Person).where(Person.department != "",
                                               Person.employment.in_(("active", "on_leave"))))
    return sorted((p for p in people if _folded(p.department) == wanted),
                  key=lambda p: (p.name.casefold(), p.id))


def head_of(session: Session, department: str) -> int | None:
    """The head HR named for ``department``, else its member holding the role ``head``."""
    wanted = _folded(department)
    for row in session.exec(select(Department)):
        if _folded(row.name) == wanted and row.head_id is not None:
            return row.head_id
    heads = set(session.exec(select(PersonRole.person_id).where(PersonRole.role == HEAD_ROLE)))
    return next((p.id for p in members(session, department) if p.id in heads), None)


def absences(session: Session, person_ids: Iterable[int], start: date, end: date
             ) -> list[Absence]:
    """The people's absences that are not cancelled and touch ``start``…``end``, by start."""
    ids = sorted(set(person_ids))
    if not ids:
        return []
    return list(session.exec(select(Absence).where(
        Absence.person_id.in_(ids), Absence.cancelled_at.is_(None),
        Absence.starts_on <= end, Absence.ends_on >= start,
    ).order_by(Absence.starts_on, Absence.id)))


def deputies(session: Session, rows: Iterable[Absence]) -> dict[int, str]:
    """Absence id -> the name of whom its deputy record names (absences with none left out)."""
    by_record = {a.deputy_record_id: a.id for a in rows if a.deputy_record_id is not None}
    if not by_record:
        return {}
    found = session.exec(select(Deputy.id, Person.name).join(
        Person, Person.id == Deputy.deputy_id).where(Deputy.id.in_(by_record),
                                                     Deputy.cancelled_at.is_(None)))
    return {by_record[record]: name for record, name in found}


def kind_visible(session: Session, actor: policy.Actor, person_id: int,
                 head: int | None) -> bool:
    """Whether ``actor`` sees the kind of ``person_id``'s absences (the policy's answer, with
    the person's managers read from the directory)."""
    return policy.may_see_absence_kind(
        actor, person=person_id, head=head,
        managers=managers_above(DbDirectory(session.connection()), person_id))


def manages_anyone(session: Session, actor_id: int, people: Iterable[Person]) -> bool:
    """Whether ``actor_id`` is a manager (at any level above) of one of ``people``."""
    directory = DbDirectory(session.connection())
    return any(actor_id in managers_above(directory, p.id) for p in people if p.id != actor_id)


def may_follow(session: Session, actor: policy.Actor, department: str) -> bool:
    """The policy's :func:`~approvals.core.policy.may_follow_department` for ``department``."""
    if actor.is_admin or policy.HR in actor.roles:
        return True
    head = head_of(session, department)
    return policy.may_follow_department(
        actor, head=head, manages=actor.id != head
        and manages_anyone(session, actor.id, members(session, department)))


def days_of(session: Session, year: int, month: int) -> list[Day]:
    """The month's days, shaded from the working-day calendar."""
    calendar = extensions.calendar(session.connection())
    holiday = getattr(calendar, "holiday", None)
    last = month_calendar.monthrange(year, month)[1]
    days = []
    for number in range(1, last + 1):
        day = date(year, month, number)
        days.append(Day(day, not calendar.is_working_day(day),
                        (holiday(day) or "") if holiday is not None else ""))
    return days


def month(session: Session, actor: policy.Actor, department: str, year: int,
          month_number: int) -> Month:
    """The department's month as ``actor`` may see it."""
    days = days_of(session, year, month_number)
    people = members(session, department)
    head = head_of(session, department)
    found = absences(session, (p.id for p in people), days[0].day, days[-1].day)
    by_person: dict[int, list[Absence]] = {}
    for absence in found:
        by_person.setdefault(absence.person_id, []).append(absence)
    visible = {p.id: kind_visible(session, actor, p.id, head) for p in people}
    deputy_names = deputies(session, (a for a in found if visible[a.person_id]))
    rows = []
    for person in people:
        row = Row(person)
        for day in days:
            absence = next((a for a in by_person.get(person.id, ())
                            if a.starts_on <= day.day <= a.ends_on), None)
            if absence is None:
                row.cells.append(None)
                continue
            shown = visible[person.id]
            row.cells.append(Cell(absence.id, absence.starts_on, absence.ends_on,
                                  absence.kind if shown else None, absence.hours,
                                  deputy_names.get(absence.id) if shown else None))
        rows.append(row)
    counts = [sum(row.cells[i] is not None for row in rows) for i in range(len(days))]
    return Month(department, year, month_number, days, rows, counts)

