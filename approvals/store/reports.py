"""Reports: where processes get stuck, per process and period, for those who may see them.

**Who sees what** (:func:`scope_of`): an administrator or an auditor sees every instance; the
head of a department — the person HR named on its :class:`Department` row, else, where it
names nobody, its member holding the role ``head`` — sees the instances started by the people
of that department and of every department below it (``Department.parent``, any depth);
anyone else sees no report (None: the pages and the API refuse with 403).

**What is read** (:func:`report`): the instances of the scope (and process, if one is asked)
that started or ended in the period, through the indexes of ``started_at`` and ``ended_at``;
and what the database sums up from the tasks, as numbers (lengths in seconds, computed by the
database, not tens of thousands of datetimes read into Python): each stage round finished in
the period (grouped by instance, stage and round), each decision of the period, the deadlines'
two counts. The figures are then computed in Python by :mod:`approvals.core.reports`
(nearest-rank percentiles, the same on SQLite and PostgreSQL). The period is whole days in
the reader's time zone, both ends included; left out, it is the last :data:`DEFAULT_WEEKS`
ISO weeks up to today; it may not exceed :data:`MAX_DAYS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import and_, case, func, literal, or_
from sqlmodel import Session, select

from approvals.core import reports as core
from approvals.core.errors import FormInvalid
from approvals.core.model import HEAD_ROLE, Process
from approvals.core.policy import Actor
from approvals.store import registry
from approvals.store.lists import read_period
from approvals.store.models import Department, Instance, Person, PersonRole, Task

#: The period a report covers when none is asked: this ISO week and the eleven before it.
DEFAULT_WEEKS = 12
#: The longest period a report covers (about three years).
MAX_DAYS = 3 * 366
#: The days a period may name (a year outside them is a typing mistake, not a report).
EARLIEST, LATEST = date(1970, 1, 1), date(2999, 12, 31)


@dataclass(frozen=True)
class Query:
    """What a report is asked for: a process ("" = all) and the days ``date_from`` to
    ``date_to`` (both included) as the reader's time ``zone`` counts them."""

    process: str
    date_from: date
    date_to: date
    zone: tzinfo = UTC

    @classmethod
    def read(cls, args: Mapping[str, str], today: date, zone: tzinfo = UTC) -> Query:
        """The query a query string asks for (``process``, ``from``, ``to``); what is left out
        takes the default. :class:`FormInvalid` names every parameter that cannot be read: a
        day that is no ISO date or lies outside the years 1970–2999, ``to`` before ``from``,
        a period longer than :data:`MAX_DAYS`."""
        problems: dict[str, tuple[str, dict]] = {}
        days = read_period(args, problems)
        for name in ("from", "to"):
            day = days[name]
            if day is not None and not EARLIEST <= day <= LATEST:
                problems[name] = ("report_day_out_of_range", {
                    "earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()})
        if problems:
            raise FormInvalid(problems)
        end = days["to"] or today
        start = days["from"] or end - timedelta(days=end.weekday() + 7 * (DEFAULT_WEEKS - 1))
        if end < start:  # a from after today, with no to
            raise FormInvalid({"from": ("range_reversed", {})})
        if (end - start).days + 1 > MAX_DAYS:
            raise FormInvalid({"to": ("report_period_too_long", {"days": MAX_DAYS})})
        return cls((args.get("process") or "").strip()[:100], start, end, zone)

    def args(self) -> dict[str, str]:
        """The query as a query string writes it (what the page's links carry)."""
        values = {"process": self.process, "from": self.date_from.isoformat(),
                  "to": self.date_to.isoformat()}
        return {k: v for k, v in values.items() if v}

    @property
    def start(self) -> datetime:
        """The period's first moment: the reader's midnight that begins ``date_from``."""
        return datetime.combine(self.date_from, time(), self.zone).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """The moment after the period: the reader's midnight after ``date_to``."""
        return datetime.combine(self.date_to + timedelta(days=1), time(),
                                self.zone).astimezone(UTC)


@dataclass(frozen=True)
class Scope:
    """Whose instances a reader's reports count: everyone's, or those started by the people
    of ``departments`` (casefolded names: the reader heads them or they lie below one)."""

    everyone: bool
    departments: frozenset[str] = frozenset()


def _folded(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


def headed(session: Session, person_id: int) -> set[str]:
    """The departments ``person_id`` heads (casefolded): those whose row names them, and
    their own if they hold the role ``head`` there and the row names no head."""
    rows = session.execute(select(Department.name, Department.head_id)).all()
    found = {_folded(name) for name, head in rows if head == person_id}
    named = {_folded(name) for name, head in rows if head is not None}
    if session.execute(select(PersonRole.person_id).where(
            PersonRole.person_id == person_id, PersonRole.role == HEAD_ROLE)).first():
        own = _folded(session.execute(select(Person.department).where(
            Person.id == person_id)).scalar())
        if own and own not in named:
            found.add(own)
    return found


def below(session: Session, departments: set[str]) -> set[str]:
    """``departments`` and every department under them, any depth (casefolded)."""
    children: dict[str, set[str]] = {}
    for name, parent in session.execute(select(Department.name, Department.parent)):
        if parent:
            children.setdefault(_folded(parent), set()).add(_folded(name))
    found, todo = set(departments), list(departments)
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def scope_of(session: Session, actor: Actor) -> Scope | None:
    """What ``actor`` sees in reports (see the module's docstring); None: no report."""
    if actor.is_auditor:  # auditors and administrators
        return Scope(everyone=True)
    heads = headed(session, actor.id)
    return Scope(False, frozenset(below(session, heads))) if heads else None


def _initiators(session: Session, scope: Scope):
    """The people whose instances ``scope`` counts, as a subquery (their department's stored
    spellings, matched letter case aside in Python: the databases fold only ASCII)."""
    spellings = [name for name in session.execute(select(Person.department).distinct())
                 .scalars() if name and _folded(name) in scope.departments]
    return select(Person.id).where(Person.department.in_(spellings or [""]),
                                   Person.department != "")


# ---------------------------------------------------------------------------- the report


@dataclass
class Report:
    """A report's figures with what names them in the reader's language."""

    query: Query
    scope: Scope
    figures: core.Figures
    process_names: dict[str, str]  # process id -> its name
    stage_names: dict[tuple[str, str], str]  # (process, stage) -> the stage's name
    people: dict[int, tuple[str, str]]  # person id -> (name, email)
    departments: list[str]  # the scope's departments as the directory spells them


def report(session: Session, query: Query, scope: Scope, now: datetime,
           locale: str = "en") -> Report:
    """The figures of ``query`` over ``scope`` (see :mod:`approvals.core.reports`)."""
    start, end = query.start, query.end
    narrow = []
    if query.process:
        narrow.append(Instance.process_id == query.process)
    if not scope.everyone:
        narrow.append(Instance.initiator_id.in_(_initiators(session, scope)))
    found = session.connection().execute(select(
        Instance.id, Instance.process_id, Instance.process_version_id, Instance.status,
        Instance.stage, Instance.started_at, Instance.ended_at).where(
        or_(and_(Instance.started_at >= start, Instance.started_at < end),
            and_(Instance.ended_at >= start, Instance.ended_at < end)), *narrow)).all()
    versions: dict[int, Process] = {}

    def ending(version_id: int, status: str, stage: str) -> bool:
        if status != core.COMPLETED:
            return False
        process = versions.get(version_id)
        if process is None:
            process = versions[version_id] = registry.definition_of(session, version_id)
        try:
            return process.status(stage).ending
        except KeyError:
            return False

    instances = [core.InstanceRow(i, pid, status, ending(version, status, stage), started,
                                  ended)
                 for i, pid, version, status, stage, started, ended in found]
    figures = core.compute(instances, _rounds(session, start, end, narrow),
                           _decided(session, start, end, narrow),
                           _deadlines(session, start, end, now, narrow), start, end,
                           query.zone)
    return Report(query, scope, figures, *_names(session, figures, locale),
                  _spelled(session, scope))


def _seconds(session: Session, later, earlier):
    """``later - earlier`` in seconds, computed by the database (the report's rows are then
    numbers, not tens of thousands of datetimes to read)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def _length(seconds) -> float:
    """A length the database computed, to the millisecond (SQLite's Julian days are exact to
    about 50 µs), so both databases give the same figure."""
    return round(float(seconds), 3)


def _rounds(session: Session, start: datetime, end: datetime, narrow: list
            ) -> list[core.RoundRow]:
    """Each stage round (instance, stage, round) whose tasks are all closed, the last of them
    in the period: from the first task's opening to the last one's closing. A task never
    opened (withdrawn while it waited for its turn) is no part of it."""
    first, last = func.min(Task.opened_at), func.max(Task.closed_at)
    still_open = func.sum(case((Task.closed_at.is_(None), 1), else_=0))
    found = session.connection().execute(
        select(Task.instance_id, Instance.process_id, Task.stage,
               _seconds(session, last, first))
        .join(Instance, Instance.id == Task.instance_id)
        .where(Task.opened_at.is_not(None), Instance.started_at < end,
               or_(Instance.ended_at.is_(None), Instance.ended_at >= start), *narrow)
        .group_by(Task.instance_id, Instance.process_id, Task.stage, Task.round)
        .having(still_open == 0, last >= start, last < end))
    return [core.RoundRow(i, process, stage, _length(seconds))
            for i, process, stage, seconds in found]


def _decided(session: Session, start: datetime, end: datetime, narrow: list
             ) -> list[core.DecidedRow]:
    """The tasks decided in the period (a verdict given), who held each and for how long."""
    found = session.connection().execute(
        select(Task.assignee_id, _seconds(session, Task.closed_at, Task.opened_at))
        .join(Instance, Instance.id == Task.instance_id)
        .where(Task.verdict.is_not(None), Task.opened_at.is_not(None),
               Task.closed_at >= start, Task.closed_at < end, *narrow))
    return [core.DecidedRow(person, _length(seconds)) for person, seconds in found]


def _deadlines(session: Session, start: datetime, end: datetime, now: datetime, narrow: list
               ) -> core.Deadlines:
    """Among the tasks opened in the period with a deadline, those closed after it or still
    open past it at ``now``."""
    moment = literal(now, type_=Task.__table__.c.closed_at.type)
    late = func.coalesce(Task.closed_at, moment) > Task.deadline
    total, overdue = session.connection().execute(
        select(func.count(), func.sum(case((late, 1), else_=0))).select_from(Task)
        .join(Instance, Instance.id == Task.instance_id)
        .where(Task.deadline.is_not(None), Task.opened_at >= start, Task.opened_at < end,
               *narrow)).one()
    return core.Deadlines(int(total or 0), int(overdue or 0))


def _names(session: Session, figures: core.Figures, locale: str
           ) -> tuple[dict[str, str], dict[tuple[str, str], str], dict[int, tuple[str, str]]]:
    definitions = {row.process_id: registry.definition(row)
                   for row in registry.latest_versions(session)}
    processes = {pid: p.name.get(locale) for pid, p in definitions.items()}
    stages: dict[tuple[str, str], str] = {}
    for figure in figures.stages:
        process = definitions.get(figure.process_id)
        try:
            name = process.status(figure.stage).name.get(locale) if process else figure.stage
        except KeyError:
            name = figure.stage
        stages[(figure.process_id, figure.stage)] = name
    # the stages in each process's own order (the revision and the unknown last)
    figures.stages.sort(key=lambda f: (processes.get(f.process_id, f.process_id).casefold(),
                                       f.process_id, _position(definitions.get(f.process_id),
                                                               f.stage)))
    ids = [a.person_id for a in figures.slowest]
    people = {pid: (name, email) for pid, name, email in session.execute(
        select(Person.id, Person.name, Person.email).where(Person.id.in_(ids)))} if ids else {}
    return processes, stages, people


def _position(process: Process | None, stage: str) -> int:
    keys = [s.key for s in process.stages] if process else []
    return keys.index(stage) if stage in keys else len(keys)


def _spelled(session: Session, scope: Scope) -> list[str]:
    if scope.everyone:
        return []
    names = {*session.execute(select(Department.name)).scalars(),
             *session.execute(select(Person.department).distinct()).scalars()}
    found: dict[str, str] = {}
    for name in sorted(n.strip() for n in names if n and n.strip()):
        if _folded(name) in scope.departments:
            found.setdefault(_folded(name), name)
    return sorted(found.values(), key=str.casefold)


def _whole(seconds: float | None) -> int | None:
    return None if seconds is None else round(seconds)


def view(found: Report) -> dict[str, Any]:
    """The report as the API sends it (durations in whole seconds)."""
    f, q = found.figures, found.query
    share = f.overdue_share
    return {
        "process": q.process or None, "from": q.date_from.isoformat(),
        "to": q.date_to.isoformat(),
        "scope": {"everyone": found.scope.everyone, "departments": found.departments},
        "percentile": "nearest-rank",
        "instances": {"started": f.started, "completed": f.completed, "rejected": f.rejected,
                      "withdrawn": f.withdrawn,
                      "median_seconds": _whole(f.duration_median)},
        "stages": [{"process": s.process_id,
                    "process_name": found.process_names.get(s.process_id, s.process_id),
                    "stage": s.stage,
                    "stage_name": found.stage_names.get((s.process_id, s.stage), s.stage),
                    "instances": s.instances, "median_seconds": _whole(s.median),
                    "p90_seconds": _whole(s.p90)} for s in f.stages],
        "overdue": {"tasks_with_deadline": f.with_deadline, "overdue": f.overdue,
                    "share": None if share is None else round(share, 4)},
        "slowest": [{"person": {"id": a.person_id,
                                "name": found.people.get(a.person_id, ("", ""))[0],
                                "email": found.people.get(a.person_id, ("", ""))[1]},
                     "tasks": a.tasks, "median_seconds": _whole(a.median)}
                    for a in f.slowest],
        "weeks": [{"week": w.label, "starts_on": w.monday.isoformat(), "started": w.started,
                   "completed": w.completed, "rejected": w.rejected,
                   "median_seconds": _whole(w.median), "partial": w.partial}
                  for w in f.weeks],
    }
