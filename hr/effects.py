"""HR's effects, named in process files (``on_enter``/``on_complete``): they record, extend
and cancel the absence a request is about (:mod:`hr.absences`), inside the step's transaction —
a refusal undoes the whole step.

::

    - effect: hr.record_absence
      with: {kind: {field: kind}, period: period, deputy: deputy, charge: true}
    - effect: hr.extend_absence      # a sick leave prolonged: the instance's absence ends
      with: {period: new_period}     # on the new period's last day
    - effect: hr.cancel_absence      # the days come back, the deputy range ends

``hr.record_absence``'s parameters: ``kind`` — a kind (``annual``, ``sick``…) or ``{field:
NAME}``; ``period`` — the date range field (``period``); ``hours`` — a number field, for time
off by the hour; ``deputy`` — a person field naming the deputy (default the person's manager);
``person`` — a person field naming who is away (default the initiator); ``charge`` — false to
record without touching a balance (default true). A field may be named as ``NAME`` or
``{field: NAME}``. Recording again for the same instance (a reopened request) replaces the
absence it recorded before, unless it is the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select

from approvals import extensions
from approvals.core.errors import SignoffError
from approvals.store.models import Person
from hr import absences

_P = Person.__table__


def _field_name(param: Any, default: str | None = None) -> str | None:
    if isinstance(param, Mapping):
        return str(param.get("field") or default or "") or None
    return str(param) if param else default


def _value(entered: extensions.Entered, param: Any, default: str | None = None) -> Any:
    name = _field_name(param, default)
    return entered.fields.get(name) if name else None


def _period(entered: extensions.Entered, param: Any) -> tuple[date, date]:
    name = _field_name(param, "period")
    value = entered.fields.get(name or "")
    try:
        return (date.fromisoformat(str(value["start"])), date.fromisoformat(str(value["end"])))
    except (TypeError, KeyError, ValueError):
        raise SignoffError(f"{entered.process.id}: the field {name!r} holds no date range "
                           f"for {entered.status!r}'s absence", field=name) from None


def _person_id(entered: extensions.Entered, param: Any) -> int | None:
    """The person a person field names (its value is an email address)."""
    email = _value(entered, param)
    if not email:
        return None
    found = entered.conn.execute(select(_P.c.id).where(
        func.lower(_P.c.email) == str(email).strip().lower())).scalar()
    if found is None:
        raise SignoffError(f"nobody has the address {email!r}", value=str(email))
    return found


def _kind(entered: extensions.Entered) -> str:
    param = entered.params.get("kind")
    kind = _value(entered, param) if isinstance(param, Mapping) else param
    if not kind:
        raise SignoffError(f"{entered.process.id}: hr.record_absence needs a kind "
                           f"(`kind: annual` or `kind: {{field: kind}}`)")
    return str(kind)


def _hours(entered: extensions.Entered) -> Decimal | None:
    value = _value(entered, entered.params.get("hours"))
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        raise SignoffError(f"hours: {value!r} is not a number", value=str(value)) from None


@extensions.effect("hr.record_absence")
def record_absence(entered: extensions.Entered) -> None:
    """Record the request's absence (see the module)."""
    params = entered.params
    start, end = _period(entered, params.get("period"))
    person = _person_id(entered, params.get("person")) or entered.initiator_id
    kind = _kind(entered)
    for earlier in absences.of_instance(entered.conn, entered.instance_id):
        if (earlier.person_id, earlier.kind, earlier.starts_on, earlier.ends_on) == (
                person, absences.TIME_OFF if kind == absences.OVERTIME else kind, start, end):
            return
        absences.cancel(entered.conn, earlier.id, entered.now)
    absences.record(entered.conn, person, kind, start, end, now=entered.now,
                    instance_id=entered.instance_id, hours=_hours(entered),
                    deputy_id=_person_id(entered, params.get("deputy")),
                    charge=params.get("charge", True) is not False)


@extensions.effect("hr.extend_absence")
def extend_absence(entered: extensions.Entered) -> None:
    """Move the instance's absence to end on the last day of the ``period`` field."""
    _start, end = _period(entered, entered.params.get("period"))
    recorded = absences.of_instance(entered.conn, entered.instance_id)
    if not recorded:
        raise SignoffError(f"{entered.process.id}: no absence of this request to extend "
                           f"(hr.record_absence comes first)", instance=entered.instance_id)
    absences.extend(entered.conn, recorded[-1].id, end, entered.now)


@extensions.effect("hr.cancel_absence")
def cancel_absence(entered: extensions.Entered) -> None:
    """Cancel what the instance recorded: the days come back, the deputy range ends."""
    for recorded in absences.of_instance(entered.conn, entered.instance_id):
        absences.cancel(entered.conn, recorded.id, entered.now)
