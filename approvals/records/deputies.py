"""People away: the ranges of days a person is away and who decides for them meanwhile — the
:class:`~approvals.store.models.Deputy` rows the directory routes new tasks by
(:mod:`approvals.core.deputies`). The person sets them (``self``), an administrator does for
anyone (``admin``), and HR's absence record will (``hr``: :func:`set_away` with no deputy names
the person's manager).

What is refused (:class:`~approvals.core.errors.FormInvalid`, each field's code; nothing is
stored): a range whose last day is before its first (``range_reversed``), one that ended
before today (``away_in_the_past``), the person as their own deputy (``deputy_is_self``), a
deputy unknown or inactive (``unknown_person``), a deputy away themself on every day of the
range (``deputy_away``), a range overlapping another of the same person still in force
(``away_overlaps``: cancel that one first — a new range never silently replaces one someone
else may have set), and no deputy where the person has no active manager either
(``deputy_required``). What HR records is what happened, so for ``hr`` a range in the past
and a deputy away are taken as they are (the chain of deputies resolves past the latter).

Cancelling a range ends it at once; tasks already routed to the deputy stay theirs (hand them
back with a reassignment).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine

from approvals.core.directory import managers_above
from approvals.core.errors import Forbidden, FormInvalid, NotFound
from approvals.core.policy import Actor, may_manage_absence
from approvals.store.db import write_connection
from approvals.store.directory import DbDirectory, People
from approvals.store.models import Deputy, Person
from approvals.store.queries import iso, person_ref

SOURCES = ("self", "admin", "hr")
REASON_MAX = 500
_D, _P = Deputy.__table__, Person.__table__


@dataclass(frozen=True)
class Absence:
    """One range of days away, as its readers see it."""

    id: int
    person_id: int
    deputy_id: int
    starts_on: date
    ends_on: date
    source: str
    reason: str
    created_by_id: int | None
    created_at: datetime
    cancelled_at: datetime | None

    def state(self, today: date) -> str:
        """``cancelled``, ``past``, ``current`` or ``future``."""
        if self.cancelled_at is not None:
            return "cancelled"
        if self.ends_on < today:
            return "past"
        return "current" if self.starts_on <= today else "future"


_COLUMNS = (_D.c.id, _D.c.person_id, _D.c.deputy_id, _D.c.starts_on, _D.c.ends_on,
            _D.c.source, _D.c.reason, _D.c.created_by_id, _D.c.created_at, _D.c.cancelled_at)


@contextmanager
def _connection(target: Engine | Connection) -> Iterator[Connection]:
    """A connection in a transaction: the caller's (HR's effect runs inside its command),
    or one of our own, committed at the end."""
    if isinstance(target, Connection):
        yield target
        return
    with write_connection(target) as connection:
        yield connection


def set_away(target: Engine | Connection, person_id: int, start: date, end: date,
             deputy_id: int | None = None, *, now: datetime, source: str = "hr",
             reason: str = "", created_by: int | None = None) -> Absence:
    """Record that ``person_id`` is away from ``start`` to ``end`` (both days included) and
    ``deputy_id`` decides for them (by default their nearest active manager); returns it.
    Refuses as the module says, storing nothing."""
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}, not {source!r}")
    reason = " ".join((reason or "").split())
    with _connection(target) as conn:
        person = conn.execute(select(_P.c.id, _P.c.active).where(_P.c.id == person_id)
                              .with_for_update()).first()  # one new range at a time
        if person is None or not person.active:
            raise NotFound(f"no active person with the id {person_id}", person=person_id)
        directory = DbDirectory(conn)
        if deputy_id is None:
            deputy_id = next(managers_above(directory, person_id), None)
        errors = _problems(conn, directory, person_id, start, end, deputy_id, reason,
                           today=now.date(), as_recorded=source == "hr")
        if errors:
            raise FormInvalid(errors)
        new_id = conn.execute(insert(_D).returning(_D.c.id), {
            "person_id": person_id, "deputy_id": deputy_id, "starts_on": start, "ends_on": end,
            "source": source, "reason": reason, "created_by_id": created_by, "created_at": now,
            "cancelled_at": None}).scalar_one()
        return get(conn, new_id)


def _problems(conn: Connection, directory: DbDirectory, person_id: int, start: date,
              end: date, deputy_id: int | None, reason: str, *, today: date,
              as_recorded: bool) -> dict[str, tuple[str, dict]]:
    errors: dict[str, tuple[str, dict]] = {}
    if end < start:
        errors["to"] = ("range_reversed", {})
    elif end < today and not as_recorded:
        errors["to"] = ("away_in_the_past", {"end": end.isoformat(), "today": today.isoformat()})
    if deputy_id is None:
        errors["deputy"] = ("deputy_required", {})
    elif deputy_id == person_id:
        errors["deputy"] = ("deputy_is_self", {})
    elif not directory.is_active(deputy_id):
        errors["deputy"] = ("unknown_person", {"value": _email(conn, deputy_id)})
    elif not errors and not as_recorded and _away_throughout(conn, deputy_id, start, end):
        errors["deputy"] = ("deputy_away", {"name": _name(conn, deputy_id),
                                            "start": start.isoformat(), "end": end.isoformat()})
    if len(reason) > REASON_MAX:
        errors["reason"] = ("too_long", {"max": REASON_MAX})
    if "to" not in errors:
        clash = next(iter(_in_force(conn, person_id, start, end)), None)
        if clash is not None:
            errors["from"] = ("away_overlaps", {"start": clash.starts_on.isoformat(),
                                                "end": clash.ends_on.isoformat()})
    return errors


def _in_force(conn: Connection, person_id: int, start: date, end: date) -> list[Absence]:
    """``person_id``'s ranges not cancelled that share a day with ``start``–``end``."""
    rows = conn.execute(select(*_COLUMNS).where(
        _D.c.person_id == person_id, _D.c.cancelled_at.is_(None), _D.c.starts_on <= end,
        _D.c.ends_on >= start).order_by(_D.c.starts_on, _D.c.id))
    return [Absence(*row) for row in rows]


def _away_throughout(conn: Connection, person_id: int, start: date, end: date) -> bool:
    """Whether ``person_id``'s own ranges cover every day from ``start`` to ``end``."""
    covered_to = start - timedelta(days=1)
    for absence in _in_force(conn, person_id, start, end):
        if absence.starts_on > covered_to + timedelta(days=1):
            return False
        covered_to = max(covered_to, absence.ends_on)
    return covered_to >= end


def cancel(target: Engine | Connection, absence_id: int, actor: Actor,
           now: datetime) -> Absence:
    """End a range now, on the word of its person or an administrator (cancelling it again
    changes nothing)."""
    with _connection(target) as conn:
        absence = get(conn, absence_id)
        if not may_manage_absence(actor, person=absence.person_id):
            raise Forbidden("only the person away or an administrator may cancel this")
        if absence.cancelled_at is None:
            conn.execute(update(_D).where(_D.c.id == absence_id).values(cancelled_at=now))
        return get(conn, absence_id)


def get(conn, absence_id: int) -> Absence:
    row = conn.execute(select(*_COLUMNS).where(_D.c.id == absence_id)).first()
    if row is None:
        raise NotFound(f"no absence with the id {absence_id}", absence=absence_id)
    return Absence(*row)


def absences(conn, today: date, person_id: int | None = None) -> list[Absence]:
    """The ranges in force that have not ended before ``today`` (current and future), of
    ``person_id`` or (None) of everyone, soonest first."""
    query = select(*_COLUMNS).where(_D.c.cancelled_at.is_(None), _D.c.ends_on >= today)
    if person_id is not None:
        query = query.where(_D.c.person_id == person_id)
    return [Absence(*row) for row in conn.execute(query.order_by(_D.c.starts_on, _D.c.id))]


def deputising(conn, person_id: int, today: date) -> list[Absence]:
    """The ranges in force, current and future, in which ``person_id`` is the deputy."""
    rows = conn.execute(select(*_COLUMNS).where(
        _D.c.deputy_id == person_id, _D.c.cancelled_at.is_(None), _D.c.ends_on >= today)
        .order_by(_D.c.starts_on, _D.c.id))
    return [Absence(*row) for row in rows]


def days(first: str | None, last: str | None,
         errors: dict[str, tuple[str, dict]]) -> tuple[date | None, date | None]:
    """The first and last day as a form or the API gives them (ISO dates, ``from`` and
    ``to``); what is missing or no date goes into ``errors``."""
    found = []
    for name, value in (("from", first), ("to", last)):
        text = (value or "").strip()
        try:
            found.append(date.fromisoformat(text) if text else None)
        except ValueError:
            found.append(None)
        if found[-1] is None:
            errors[name] = ("not_a_date", {}) if text else ("required", {})
    return found[0], found[1]


def view(people: People, absence: Absence, today: date) -> dict:
    """An absence as the pages and the API show it (``people`` names its person and deputy)."""
    return {"id": absence.id, "person": person_ref(people.get(absence.person_id)),
            "deputy": person_ref(people.get(absence.deputy_id)),
            "from": absence.starts_on.isoformat(), "to": absence.ends_on.isoformat(),
            "source": absence.source, "reason": absence.reason, "state": absence.state(today),
            "created_at": iso(absence.created_at), "cancelled_at": iso(absence.cancelled_at)}


def _name(conn: Connection, person_id: int) -> str:
    return conn.execute(select(_P.c.name).where(_P.c.id == person_id)).scalar() or ""


def _email(conn: Connection, person_id: int) -> str:
    return conn.execute(select(_P.c.email).where(_P.c.id == person_id)).scalar() or ""
