"""The yearly vacation plan (график отпусков, Labour Code art. 123): employees propose the
periods of next year's leave, their managers approve or reject each part, HR publishes the
department's plan.

A part (:class:`hr.models.VacationPlanEntry`) is ``proposed``, then ``approved`` or
``rejected``. A proposal is refused, with the rule and the dates, when it ends before it
starts, leaves the plan's year, or overlaps another part of the same person's that is not
rejected; several parts are proposed at once or not at all. Once HR has published a
department's plan (:class:`hr.models.VacationPlanPublication`), it binds both sides (art.
123): its people can no longer withdraw an approved part — they ask their manager, who can
still reject it — while a new proposal is still taken.

The plan warns, it does not refuse (:func:`crowded`, :func:`no_long_part`): on days when more
than a share of the department would be away at once (``SIGNOFF_HR_MAX_AWAY_SHARE``, 0.3 by
default), and for a person whose parts include none of 14 days or more and whose balance
leaves no room for one (art. 125: at least one part of the year's leave is 14 calendar days or
longer).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from approvals.config.schedule import max_away_share
from approvals.core import policy
from approvals.core.directory import managers_above
from approvals.core.errors import Forbidden, FormInvalid, NotFound, SignoffError
from approvals.store.db import write_session
from approvals.store.directory import DbDirectory
from approvals.store.models import Person
from hr import leave_checks, schedule
from hr.models import VacationPlanEntry, VacationPlanPublication

PROPOSED, APPROVED, REJECTED = "proposed", "approved", "rejected"
LONG_PART = 14  # art. 125: one part of the year's leave at least this many calendar days
MAX_PARTS = 10  # at once, on one form
VERDICTS = {"approve": APPROVED, "reject": REJECTED}


class PlanPublished(SignoffError):
    """An approved part of a published plan is the plan's: the employee no longer changes
    it."""

    code = "plan_published"
    status = 409


class AlreadyPublished(SignoffError):
    code = "plan_already_published"
    status = 409


@dataclass(frozen=True)
class Period:
    starts_on: date
    ends_on: date

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


@dataclass(frozen=True)
class Crowded:
    """Days (``starts_on``…``ends_on``) on which ``away`` of the department's ``headcount``
    would be away, more than ``limit`` (its share of the headcount)."""

    starts_on: date
    ends_on: date
    away: int
    headcount: int
    limit: int


@dataclass
class Plan:
    department: str
    year: int
    people: list[Person]
    entries: dict[int, list[VacationPlanEntry]]  # person id -> their parts, by start
    published: VacationPlanPublication | None
    crowded: list[Crowded] = field(default_factory=list)
    no_long_part: list[int] = field(default_factory=list)  # person ids
    may_decide: set[int] = field(default_factory=set)  # person ids the reader decides for


# ---------------------------------------------------------------------------- checks (pure)


def problems(year: int, parts: list[Period], own: Iterable[VacationPlanEntry] = ()
             ) -> dict[str, tuple[str, dict]]:
    """What is wrong with proposing ``parts`` for ``year`` beside the person's ``own`` parts
    (those not rejected count): field ``part<n>`` (from 1) -> (code, params)."""
    found: dict[str, tuple[str, dict]] = {}
    taken = [(Period(e.starts_on, e.ends_on), None) for e in own if e.state != REJECTED]
    if not parts:
        return {"part1": ("required", {})}
    if len(parts) > MAX_PARTS:
        return {"part1": ("plan_too_many_parts", {"count": len(parts), "limit": MAX_PARTS})}
    for number, part in enumerate(parts, 1):
        key, dates = f"part{number}", {"start": part.starts_on.isoformat(),
                                       "end": part.ends_on.isoformat()}
        if part.ends_on < part.starts_on:
            found[key] = ("plan_end_before_start", dates)
        elif part.starts_on.year != year or part.ends_on.year != year:
            found[key] = ("plan_outside_year", {**dates, "year": year})
        else:
            other = next((p for p, _n in taken if p.starts_on <= part.ends_on
                          and part.starts_on <= p.ends_on), None)
            if other is not None:
                found[key] = ("plan_overlap", {**dates, "other_start": other.starts_on
                                               .isoformat(), "other_end": other.ends_on
                                               .isoformat()})
            else:
                taken.append((part, number))
    return found


def crowded(entries: Iterable[VacationPlanEntry], headcount: int, share: float
            ) -> list[Crowded]:
    """The runs of days on which more than ``share`` of ``headcount`` people would be away
    by the parts that are not rejected (one person counted once a day)."""
    if headcount <= 0:
        return []
    limit = math.floor(share * headcount + 1e-9)
    away: dict[date, set[int]] = defaultdict(set)
    for entry in entries:
        if entry.state == REJECTED:
            continue
        day = entry.starts_on
        while day <= entry.ends_on:
            away[day].add(entry.person_id)
            day += timedelta(days=1)
    runs: list[Crowded] = []
    for day in sorted(d for d, who in away.items() if len(who) > limit):
        count = len(away[day])
        last = runs[-1] if runs else None
        if last and last.ends_on + timedelta(days=1) == day and last.away == count:
            runs[-1] = Crowded(last.starts_on, day, count, headcount, limit)
        else:
            runs.append(Crowded(day, day, count, headcount, limit))
    return runs


def without_long_part(entries: Iterable[VacationPlanEntry]) -> list[int]:
    """The people whose parts (not rejected) include none of :data:`LONG_PART` days or more —
    so the year's leave, as planned, has no part of two weeks (art. 125)."""
    parts: dict[int, list[int]] = defaultdict(list)
    for entry in entries:
        if entry.state != REJECTED:
            parts[entry.person_id].append((entry.ends_on - entry.starts_on).days + 1)
    return sorted(person for person, days in parts.items() if max(days) < LONG_PART)


# ---------------------------------------------------------------------------- reading


def entries_of(session: Session, person_ids: Iterable[int], year: int
               ) -> list[VacationPlanEntry]:
    ids = sorted(set(person_ids))
    if not ids:
        return []
    return list(session.exec(select(VacationPlanEntry).where(
        VacationPlanEntry.person_id.in_(ids), VacationPlanEntry.year == year)
        .order_by(VacationPlanEntry.starts_on, VacationPlanEntry.id)))


def publication(session: Session, department: str, year: int
                ) -> VacationPlanPublication | None:
    return session.exec(select(VacationPlanPublication).where(
        VacationPlanPublication.department == department,
        VacationPlanPublication.year == year)).first()


def may_decide(session: Session, actor: policy.Actor, person_id: int,
               head: int | None) -> bool:
    return policy.may_decide_vacation_plan(
        actor, person=person_id, head=head,
        managers=managers_above(DbDirectory(session.connection()), person_id))


def no_long_part(session: Session, entries: list[VacationPlanEntry], year: int,
                 now: datetime | None = None) -> list[int]:
    """The people whose plan has no part of 14 days or more and whose year can no longer
    have one (the leave module's :func:`hr.leave_checks.fourteen_day_part_possible`: what is
    left of the balance by the year's end, and the days left to take it in)."""
    return [person for person in without_long_part(entries)
            if not leave_checks.fourteen_day_part_possible(session.connection(), person, year,
                                                           now)]


def plan(session: Session, actor: policy.Actor, department: str, year: int,
         share: float | None = None, now: datetime | None = None) -> Plan:
    """The department's plan for ``year`` with its warnings, as ``actor`` reads it."""
    people = schedule.members(session, department)
    found = entries_of(session, (p.id for p in people), year)
    by_person: dict[int, list[VacationPlanEntry]] = defaultdict(list)
    for entry in found:
        by_person[entry.person_id].append(entry)
    head = schedule.head_of(session, department)
    return Plan(department, year, people, dict(by_person),
                publication(session, department, year),
                crowded(found, len(people), max_away_share() if share is None else share),
                no_long_part(session, found, year, now),
                {p.id for p in people if may_decide(session, actor, p.id, head)})


# ---------------------------------------------------------------------------- writing


def propose(db: Engine, person_id: int, year: int, parts: list[Period], now: datetime,
            note: str = "") -> list[VacationPlanEntry]:
    """The person's ``parts`` for ``year``, proposed all at once, or none of them (a
    :class:`FormInvalid` naming each bad part)."""
    with write_session(db) as s:
        own = entries_of(s, [person_id], year)
        found = problems(year, parts, own)
        if found:
            raise FormInvalid(found)
        made = [VacationPlanEntry(person_id=person_id, year=year, starts_on=p.starts_on,
                                  ends_on=p.ends_on, note=note[:500], created_at=now)
                for p in parts]
        s.add_all(made)
        s.flush()
        for entry in made:
            s.refresh(entry)
            s.expunge(entry)
    return made


def _published_for(session: Session, person_id: int, year: int) -> bool:
    person = session.get(Person, person_id)
    named = schedule.spelled(session, person.department) if person else ""
    return bool(named) and publication(session, named, year) is not None


def withdraw(db: Engine, entry_id: int, actor: policy.Actor, now: datetime) -> None:
    """The person takes back a part of their own. An approved part of a published plan is
    refused (:class:`PlanPublished`): the manager rejects it if it must change."""
    with write_session(db) as s:
        entry = s.get(VacationPlanEntry, entry_id)
        if entry is None:
            raise NotFound(f"vacation plan part {entry_id} not found")
        if entry.person_id != actor.id and not actor.is_admin:
            raise Forbidden("only the person (or an administrator) may withdraw a part of "
                            "their vacation plan")
        if entry.state == APPROVED and _published_for(s, entry.person_id, entry.year) \
                and not actor.is_admin:
            raise PlanPublished(f"the {entry.year} plan is published: the approved part "
                                f"{entry.starts_on} – {entry.ends_on} is changed by your "
                                f"manager now", start=entry.starts_on.isoformat(),
                                end=entry.ends_on.isoformat(), year=entry.year)
        s.delete(entry)


def decide(db: Engine, entry_id: int, actor: policy.Actor, verdict: str,
           now: datetime) -> VacationPlanEntry:
    """A manager approves or rejects a part (``approve`` / ``reject``)."""
    with write_session(db) as s:
        entry = s.get(VacationPlanEntry, entry_id)
        if entry is None:
            raise NotFound(f"vacation plan part {entry_id} not found")
        person = s.get(Person, entry.person_id)
        head = schedule.head_of(s, person.department) if person and person.department \
            else None
        if not may_decide(s, actor, entry.person_id, head):
            raise Forbidden("only the person's managers, their department's head and "
                            "administrators decide a part of their vacation plan")
        if verdict not in VERDICTS:
            raise FormInvalid({"verdict": ("not_in_choices", {"value": verdict,
                                                             "allowed": list(VERDICTS)})})
        entry.state, entry.decided_by_id, entry.decided_at = VERDICTS[verdict], actor.id, now
        s.add(entry)
        s.flush()
        s.refresh(entry)
        s.expunge(entry)
    return entry


def publish(db: Engine, department: str, year: int, actor: policy.Actor,
            now: datetime) -> VacationPlanPublication:
    """HR publishes the department's plan for ``year`` (once)."""
    if not policy.may_publish_vacation_plan(actor):
        raise Forbidden("only HR and administrators publish a vacation plan")
    with write_session(db) as s:
        named = schedule.spelled(s, department)
        if not named:
            raise FormInvalid({"department": ("schedule_unknown_department",
                                              {"value": department})})
        if publication(s, named, year) is not None:
            raise AlreadyPublished(f"the {year} vacation plan of {named} is already published",
                                   department=named, year=year)
        row = VacationPlanPublication(department=named, year=year, published_by_id=actor.id,
                                      published_at=now)
        s.add(row)
        s.flush()
        s.refresh(row)
        s.expunge(row)
    return row


def period(start: str | None, end: str | None) -> Period | None:
    """A period from two ISO dates (None when both are empty); ValueError for a bad date."""
    start, end = (start or "").strip(), (end or "").strip()
    if not start and not end:
        return None
    return Period(date.fromisoformat(start), date.fromisoformat(end or start))

