"""The absence record: who is away, from when to when, as what — and what that does to their
leave balance and to who decides for them meanwhile.

:func:`record` writes the :class:`~hr.models.Absence`, charges it to the ledger
(:mod:`hr.ledger`, a ``use`` line) when its type keeps a balance, and sets the person's deputy
through :func:`approvals.records.deputies.set_away` (``source="hr"``: their nearest manager
unless someone is named), so their new tasks go to the deputy while they are away. What HR
records is what happened, so an absence is recorded even when no deputy can be set (the
director has no manager, a range the person set themself overlaps): its ``note`` says why.

What is charged (:func:`charge`), by the type's ``counts`` in ``hr/data/leave-types.yaml``:

- ``calendar_days``: every day of the period; for a type that ``holidays_extend`` (annual and
  additional leave), less the public holidays of art. 112 inside it — Labour Code art. 120:
  they are not counted and extend the leave. Only the holidays themselves: a weekend day off
  moved to a weekday (11 May 2026 for Saturday 9 May) is an ordinary day of leave;
- ``working_days``: the production calendar's working days (the company's days included);
- ``hours``: the hours given, or 8 for each working day (time off against overtime, art. 152).

Kinds besides the leave types: ``sick``, ``trip``, ``time_off``, ``remote``; none has a balance
except ``time_off``, which uses the overtime hours when ``charge`` is true (the leave type key
``overtime`` given as a kind means the same and is recorded as ``time_off``). Working remotely
and time off for part of a day set no deputy: the person is still at work.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select, update

from approvals import extensions
from approvals.core.errors import FormInvalid, NotFound, SignoffError
from approvals.records import deputies
from approvals.store.models import Deputy, Person
from hr import leave_types, ledger
from hr.leave_types import HOURS_PER_DAY, LeaveType
from hr.models import Absence

KINDS = ("sick", "trip", "time_off", "remote")
TIME_OFF, OVERTIME = "time_off", "overtime"
NO_DEPUTY = ("remote",)
_A, _D, _P = Absence.__table__, Deputy.__table__, Person.__table__


@dataclass(frozen=True)
class Charge:
    """What a period costs a balance, and why: ``amount`` in the type's unit, the calendar
    days, the public holidays inside it that are not counted, and its working days."""

    leave_type: str
    amount: Decimal
    calendar_days: int
    holidays: tuple[date, ...]
    working_days: int


def known_kinds() -> tuple[str, ...]:
    return (*leave_types.leave_types(), *KINDS)


def charged_type(kind: str) -> LeaveType | None:
    """The leave type a kind of absence is charged to (None: it has no balance)."""
    if kind in (TIME_OFF, OVERTIME):
        return leave_types.get(OVERTIME)
    found = leave_types.get(kind)
    return found if found is not None and found.balance else None


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def charge(conn: Any, kind: LeaveType, start: date, end: date,
           hours: Decimal | int | None = None) -> Charge:
    """What the period ``start``–``end`` costs a balance of ``kind`` (see the module)."""
    calendar = extensions.calendar(conn)
    days = _days(start, end) if end >= start else []
    holiday = getattr(calendar, "holiday", None)
    holidays = tuple(day for day in days if holiday is not None and holiday(day))
    working = sum(1 for day in days if calendar.is_working_day(day))
    if kind.counts == "hours":
        amount = Decimal(hours) if hours is not None else Decimal(HOURS_PER_DAY * working)
    elif kind.counts == "working_days":
        amount = Decimal(working)
    else:
        amount = Decimal(len(days) - (len(holidays) if kind.holidays_extend else 0))
    return Charge(kind.key, amount.quantize(ledger.CENT), len(days), holidays, working)


def _absence(row: Any) -> Absence:
    return Absence(**dict(row._mapping))


def get(conn: Any, absence_id: int) -> Absence:
    row = conn.execute(select(_A).where(_A.c.id == absence_id)).first()
    if row is None:
        raise NotFound(f"no absence with the id {absence_id}", absence=absence_id)
    return _absence(row)


def record(conn: Any, person_id: int, kind: str, starts_on: date, ends_on: date, *,
           now: datetime, instance_id: int | None = None, hours: Decimal | int | None = None,
           deputy_id: int | None = None, charge: bool = True, created_by: int | None = None,
           note: str = "") -> Absence:
    """Record ``person_id`` away from ``starts_on`` to ``ends_on`` as ``kind`` (see the
    module); returns the absence. Refuses (nothing written) an unknown kind, a period ending
    before it starts, an unknown person."""
    kind = TIME_OFF if kind == OVERTIME else kind
    if kind not in known_kinds():
        raise SignoffError(f"{kind!r} is not a kind of absence (known: "
                           f"{', '.join(known_kinds())})", kind=kind)
    if ends_on < starts_on:
        raise FormInvalid({"period": ("range_reversed", {})})
    if conn.execute(select(_P.c.id).where(_P.c.id == person_id)).first() is None:
        raise NotFound(f"no person with the id {person_id}", person=person_id)
    charged = charged_type(kind) if charge else None
    cost = _charge_of(conn, charged, starts_on, ends_on, hours)
    absence_id = conn.execute(insert(_A).returning(_A.c.id), {
        "person_id": person_id, "kind": kind, "starts_on": starts_on, "ends_on": ends_on,
        "hours": None if hours is None else int(Decimal(hours)), "instance_id": instance_id,
        "deputy_record_id": None, "note": note[:500], "created_by_id": created_by,
        "created_at": now, "cancelled_at": None}).scalar_one()
    if cost is not None and cost.amount:
        ledger.add(conn, person_id, cost.leave_type, "use", -cost.amount, starts_on,
                   _use_reason(cost), None, now=now, absence_id=absence_id,
                   instance_id=instance_id)
    partial = hours is not None and starts_on == ends_on and Decimal(hours) < HOURS_PER_DAY
    if kind not in NO_DEPUTY and not partial:
        _set_deputy(conn, absence_id, person_id, starts_on, ends_on, deputy_id, now,
                    created_by, note)
    return get(conn, absence_id)


def _charge_of(conn: Any, charged: LeaveType | None, start: date, end: date,
               hours: Decimal | int | None) -> Charge | None:
    return None if charged is None else charge(conn, charged, start, end, hours)


def _use_reason(cost: Charge) -> str:
    """The line's own explanation, in the ledger's neutral notation (the pages word it)."""
    if not cost.holidays:
        return ""
    return "holidays not counted: " + ", ".join(day.isoformat() for day in cost.holidays)


def _set_deputy(conn: Any, absence_id: int, person_id: int, start: date, end: date,
                deputy_id: int | None, now: datetime, created_by: int | None,
                note: str) -> None:
    """Set the deputy for the absence; when that is refused, note why on the absence."""
    try:
        away = deputies.set_away(conn, person_id, start, end, deputy_id, now=now, source="hr",
                                 reason=f"absence {absence_id}", created_by=created_by)
    except FormInvalid as refused:
        codes = ",".join(code for code, _params in refused.errors.values())
        why = f"deputy_not_set:{codes}"
        conn.execute(update(_A).where(_A.c.id == absence_id)
                     .values(note=" ".join(filter(None, [note, why]))[:500]))
        return
    except NotFound:
        conn.execute(update(_A).where(_A.c.id == absence_id)
                     .values(note=" ".join(filter(None, [note, "deputy_not_set:inactive"]))))
        return
    conn.execute(update(_A).where(_A.c.id == absence_id).values(deputy_record_id=away.id))


def net_use(conn: Any, absence_id: int) -> list[tuple[str, Decimal]]:
    """Per leave type, what the absence still costs (its use lines less its cancellations)."""
    totals: dict[str, Decimal] = {}
    rows = conn.execute(select(ledger._L.c.leave_type, ledger._L.c.amount).where(
        ledger._L.c.absence_id == absence_id))
    for leave_type, amount in rows:
        totals[leave_type] = totals.get(leave_type, Decimal(0)) + ledger.from_hundredths(amount)
    return [(key, -total) for key, total in totals.items() if total < 0]


def cancel(conn: Any, absence_id: int, now: datetime, actor_id: int | None = None) -> Absence:
    """Cancel an absence: what it took from a balance comes back (a ``cancellation`` line,
    dated its first day) and its deputy range ends now. Cancelling it again changes nothing."""
    absence = get(conn, absence_id)
    if absence.cancelled_at is not None:
        return absence
    conn.execute(update(_A).where(_A.c.id == absence_id).values(cancelled_at=now))
    for leave_type, used in net_use(conn, absence_id):
        ledger.add(conn, absence.person_id, leave_type, "cancellation", used,
                   absence.starts_on, f"cancelled {absence.starts_on.isoformat()}.."
                   f"{absence.ends_on.isoformat()}", actor_id, now=now,
                   absence_id=absence_id, instance_id=absence.instance_id)
    if absence.deputy_record_id is not None:
        conn.execute(update(_D).where(_D.c.id == absence.deputy_record_id,
                                      _D.c.cancelled_at.is_(None)).values(cancelled_at=now))
    return get(conn, absence_id)


def extend(conn: Any, absence_id: int, new_end: date, now: datetime) -> Absence:
    """Move the absence's last day to ``new_end`` (a sick leave prolonged, a trip longer or
    shorter): the balance is charged the difference (a ``use`` line for more days, a
    ``cancellation`` for fewer) and the deputy's range ends on the new day."""
    absence = get(conn, absence_id)
    if absence.cancelled_at is not None:
        raise SignoffError(f"the absence {absence_id} is cancelled; record a new one",
                           absence=absence_id)
    if new_end < absence.starts_on:
        raise FormInvalid({"period": ("range_reversed", {})})
    if new_end == absence.ends_on:
        return absence
    charged = charged_type(absence.kind)
    if charged is not None and net_use(conn, absence_id):
        before = charge(conn, charged, absence.starts_on, absence.ends_on, absence.hours)
        after = charge(conn, charged, absence.starts_on, new_end, absence.hours)
        difference = after.amount - before.amount
        if difference:
            ledger.add(conn, absence.person_id, charged.key,
                       "use" if difference > 0 else "cancellation", -difference,
                       absence.starts_on, f"period now {absence.starts_on.isoformat()}.."
                       f"{new_end.isoformat()}", None, now=now, absence_id=absence_id,
                       instance_id=absence.instance_id)
    conn.execute(update(_A).where(_A.c.id == absence_id).values(ends_on=new_end))
    if absence.deputy_record_id is not None:
        conn.execute(update(_D).where(_D.c.id == absence.deputy_record_id)
                     .values(ends_on=new_end))
    return get(conn, absence_id)


def overlapping(conn: Any, person_id: int, start: date, end: date,
                exclude_instance: int | None = None) -> list[Absence]:
    """``person_id``'s absences not cancelled that share a day with ``start``–``end`` (those
    recorded by ``exclude_instance`` left out), soonest first."""
    query = select(_A).where(_A.c.person_id == person_id, _A.c.cancelled_at.is_(None),
                             _A.c.starts_on <= end, _A.c.ends_on >= start)
    if exclude_instance is not None:
        query = query.where((_A.c.instance_id.is_(None))
                            | (_A.c.instance_id != exclude_instance))
    return [_absence(row) for row in conn.execute(query.order_by(_A.c.starts_on, _A.c.id))]


def away(conn: Any, people: Iterable[int] | str, start: date, end: date) -> list[Absence]:
    """The absences not cancelled of ``people`` (ids, or a department's name: its active
    members) that share a day with ``start``–``end``, by first day and person."""
    if isinstance(people, str):
        ids = list(conn.execute(select(_P.c.id).where(_P.c.department == people,
                                                      _P.c.active.is_(True))).scalars())
    else:
        ids = list(people)
    if not ids:
        return []
    rows = conn.execute(select(_A).where(
        _A.c.person_id.in_(ids), _A.c.cancelled_at.is_(None), _A.c.starts_on <= end,
        _A.c.ends_on >= start).order_by(_A.c.starts_on, _A.c.person_id, _A.c.id))
    return [_absence(row) for row in rows]


def of_instance(conn: Any, instance_id: int) -> list[Absence]:
    """The absences an instance recorded that are not cancelled, the latest last."""
    rows = conn.execute(select(_A).where(_A.c.instance_id == instance_id,
                                         _A.c.cancelled_at.is_(None)).order_by(_A.c.id))
    return [_absence(row) for row in rows]


def of_person(conn: Any, person_id: int, year: int | None = None) -> list[Absence]:
    """Every absence of the person (of ``year``), cancelled ones included, by first day."""
    query = select(_A).where(_A.c.person_id == person_id)
    if year is not None:
        query = query.where(_A.c.starts_on <= date(year, 12, 31),
                            _A.c.ends_on >= date(year, 1, 1))
    return [_absence(row) for row in conn.execute(query.order_by(_A.c.starts_on, _A.c.id))]
