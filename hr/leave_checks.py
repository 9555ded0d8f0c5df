"""HR's checks on a leave request, named in process files (``validate:``), each refusing with
the rule and the numbers (``field_error.<code>`` in :mod:`approvals.texts.hr_leave`)::

    validate:
      - hr.period_ahead                                   # not in the past (hr.validators)
      - {hr.leave_length: {kind: {field: kind}, period: period}}
      - {hr.leave_balance: {kind: {field: kind}, period: period}}
      - {hr.no_overlap: {period: period}}

- ``hr.leave_balance``: the balance on the leave's first day (the months earned by then
  included), less the leave already recorded for later days (a July leave approved in March
  is not spent again by a May request), covers what it costs (:func:`hr.absences.charge`:
  public holidays inside an annual leave are not counted, art. 120) — or the type lets it go
  below zero by so much;
- ``hr.no_overlap``: the person is not already away on one of the days (their own absences
  not cancelled; a resubmitted request's own absence aside);
- ``hr.leave_length``: the period ends on or after its first day and is no longer than the
  type allows (``max_days`` in ``hr/data/leave-types.yaml``, counted as the type charges).

``kind`` is a kind (``annual``) or ``{field: NAME}``; ``period`` names the date range field
(default ``period``); ``person`` a person field naming who is away (default the requester);
``hours`` a number field, for time off by the hour.

Art. 125 (one part of the year's leave at least 14 calendar days) refuses nothing: a request
may be a short part. :func:`fourteen_day_part_possible` tells the vacation plan and the
statement page when the year's leave can no longer have such a part, so they warn.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select

from approvals import clock, extensions, texts
from approvals.core.model import LOCALES
from approvals.store.models import Person
from hr import absences, leave_types, ledger
from hr.leave_types import LeaveType
from hr.models import LeaveEntry, VacationPlanEntry

_P = Person.__table__


def _field(param: Any, default: str | None) -> str | None:
    if isinstance(param, Mapping):
        return str(param.get("field") or "") or default
    return str(param) if param else default


def _params(name: str, needs_kind: bool):
    def check(params: Mapping[str, Any], fields: Mapping[str, Any]) -> str | None:
        period = _field(params.get("period"), "period")
        spec = fields.get(period)
        if spec is None or spec.type != "date_range":
            return f"{name}: {period!r} is not a date range field of this process"
        kind = params.get("kind")
        if needs_kind and isinstance(kind, Mapping):
            spec = fields.get(kind.get("field"))
            if spec is None or spec.type not in ("choice", "text"):
                return f"{name}: {kind.get('field')!r} is not a choice or text field"
        elif needs_kind and kind not in absences.known_kinds():
            return (f"{name}: kind: expected a kind ({', '.join(absences.known_kinds())}) or "
                    f"{{field: NAME}}, not {kind!r}")
        for other in ("person", "hours"):
            named = _field(params.get(other), None)
            if named is not None and named not in fields:
                return f"{name}: {other}: {named!r} is not a field of this process"
        return None
    return check


def _period(check: extensions.Check) -> tuple[str, date, date] | None:
    name = _field(check.params.get("period"), "period") or "period"
    value = check.fields.get(name)
    if not isinstance(value, Mapping):
        return None
    try:
        return name, date.fromisoformat(str(value["start"])), date.fromisoformat(
            str(value["end"]))
    except (KeyError, ValueError):
        return None  # the field's own check reports it


def _kind(check: extensions.Check) -> str | None:
    param = check.params.get("kind")
    value = check.fields.get(_field(param, None) or "") if isinstance(param, Mapping) else param
    return str(value) if value else None


def _person(check: extensions.Check) -> int:
    name = _field(check.params.get("person"), None)
    email = check.fields.get(name) if name else None
    if email:
        found = check.conn.execute(select(_P.c.id).where(
            func.lower(_P.c.email) == str(email).strip().lower())).scalar()
        if found is not None:
            return found
    return check.person_id


def _hours(check: extensions.Check) -> Decimal | None:
    name = _field(check.params.get("hours"), None)
    value = check.fields.get(name) if name else None
    try:
        return None if value in (None, "") else Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        return None


def kind_name(kind: str) -> dict[str, str]:
    """A kind of absence in both languages, as messages name it."""
    found = leave_types.get(kind)
    if found is not None:
        return dict(found.name)
    return {locale: texts.t(f"hr_leave.kind.{kind}", locale) for locale in LOCALES}


@extensions.validator("hr.leave_balance", params=_params("hr.leave_balance", True))
def leave_balance(check: extensions.Check) -> extensions.Problems:
    """The balance on the first day covers the leave (see the module)."""
    found, kind = _period(check), _kind(check)
    if found is None or kind is None:
        return {}
    name, start, end = found
    charged = absences.charged_type(kind)
    if charged is None or end < start:
        return {}
    person = _person(check)
    cost = absences.charge(check.conn, charged, start, end, _hours(check))
    have = ledger.balance(check.conn, person, charged.key, start, now=check.now)
    have += _spent_later(check.conn, person, charged.key, start, check.instance_id)
    if check.instance_id is not None:  # a resubmitted request's own absence is given back
        for recorded in absences.of_instance(check.conn, check.instance_id):
            have += sum((used for key, used in absences.net_use(check.conn, recorded.id)
                         if key == charged.key), Decimal(0))
    floor = charged.floor()
    if floor is None or have - cost.amount >= floor:
        return {}
    return {name: _short(charged, have, cost, floor)}


def _spent_later(conn: Any, person: int, leave_type: str, start: date,
                 instance_id: int | None) -> Decimal:
    """What the leave recorded for days after ``start`` takes (its uses less what was given
    back; negative or zero), the request's own aside: those days are spoken for."""
    lines = LeaveEntry.__table__.c
    query = select(func.coalesce(func.sum(lines.amount), 0)).where(
        lines.person_id == person, lines.leave_type == leave_type, lines.on > start,
        lines.kind.in_(("use", "cancellation")))
    if instance_id is not None:
        query = query.where(func.coalesce(lines.instance_id, 0) != instance_id)
    return min(ledger.from_hundredths(conn.execute(query).scalar_one()), Decimal(0))


def _short(charged: LeaveType, have: Decimal, cost: absences.Charge,
           floor: Decimal) -> tuple[str, dict]:
    params = {"balance": ledger.number(have), "needed": ledger.number(cost.amount),
              "type": dict(charged.name)}
    if floor < 0:
        return "leave_balance_below_limit", {**params, "limit": ledger.number(-floor),
                                             "unit": charged.unit}
    if charged.unit == "hours":
        return "leave_balance_short_hours", params
    if charged.holidays_extend and cost.holidays:
        return "leave_balance_short_holidays", {
            **params, "calendar_days": cost.calendar_days, "holidays": len(cost.holidays),
            "dates": ", ".join(day.strftime("%d.%m") for day in cost.holidays)}
    if charged.counts == "working_days":
        return "leave_balance_short_working", {**params, "calendar_days": cost.calendar_days}
    return "leave_balance_short", params


@extensions.validator("hr.no_overlap", params=_params("hr.no_overlap", False))
def no_overlap(check: extensions.Check) -> extensions.Problems:
    """The person is not away already on a day of the period."""
    found = _period(check)
    if found is None or found[2] < found[1]:
        return {}
    name, start, end = found
    clash = absences.overlapping(check.conn, _person(check), start, end,
                                 exclude_instance=check.instance_id)
    if not clash:
        return {}
    other = clash[0]
    return {name: ("absence_overlaps", {"start": other.starts_on.strftime("%d.%m.%Y"),
                                        "end": other.ends_on.strftime("%d.%m.%Y"),
                                        "kind": kind_name(other.kind)})}


@extensions.validator("hr.leave_length", params=_params("hr.leave_length", True))
def leave_length(check: extensions.Check) -> extensions.Problems:
    """The period ends on or after its first day and is no longer than its type allows."""
    found = _period(check)
    if found is None:
        return {}
    name, start, end = found
    if end < start:
        return {name: ("range_reversed", {})}
    kind = _kind(check)
    charged = leave_types.get(absences.OVERTIME if kind == absences.TIME_OFF else kind or "")
    if charged is None or charged.max_days is None:
        return {}
    days = (end - start).days + 1
    if charged.counts != "hours":
        days = int(absences.charge(check.conn, charged, start, end).amount)
    if days > charged.max_days:
        return {name: ("leave_too_long", {"type": dict(charged.name), "max": charged.max_days,
                                          "days": days})}
    return {}


def fourteen_day_part_possible(conn: Any, person_id: int, year: int,
                               now: Any = None) -> bool:
    """Whether the person's annual leave of ``year`` has, or can still have, a part of at
    least ``min_part`` (14) calendar days (art. 125): one recorded or planned part is that
    long, or what is left by the year's end once the planned parts are taken is that long and
    there are that many days of the year left to take it in."""
    annual = leave_types.get("annual")
    if annual is None or not annual.min_part:
        return True
    need = annual.min_part
    now = now or clock.utcnow()
    parts = [(a.starts_on, a.ends_on) for a in absences.of_person(conn, person_id, year)
             if a.kind == "annual" and a.cancelled_at is None]
    planned = [(row.starts_on, row.ends_on) for row in conn.execute(
        select(VacationPlanEntry.starts_on, VacationPlanEntry.ends_on).where(
            VacationPlanEntry.person_id == person_id, VacationPlanEntry.year == year,
            VacationPlanEntry.state != "rejected"))]
    if any((end - start).days + 1 >= need for start, end in [*parts, *planned]):
        return True
    year_end = date(year, 12, 31)
    left = ledger.balance(conn, person_id, "annual", year_end, now=now)
    for start, end in planned:
        if not any(s <= end and e >= start for s, e in parts):
            left -= absences.charge(conn, annual, start, end).amount
    first = max(now.date(), date(year, 1, 1))
    return left >= need and (year_end - first).days + 1 >= need
