"""People joining and leaving: what ``hr/processes/dismissal.yaml`` and ``hiring.yaml`` name.

Dismissal (увольнение по собственному желанию): the employee gives notice at least two weeks
ahead (Labour Code art. 80) unless the manager agrees to an earlier day — the form's
``agreed_earlier`` box, which the manager's approval then confirms (:func:`notice_period`).
The leaver is the form's ``employee`` (HR files for someone) or the initiator
(:func:`leaver`, computed). What happens on the last day is :mod:`hr.jobs`' work.

Hiring: the newcomer's address must be new to the directory (:func:`new_email`); the manager's
approval creates them as ``starting`` and inactive, hired from the start date
(:func:`create_person`); :mod:`hr.jobs` makes them active on that day, and the acknowledgement
of the company documents opens only once they are (:func:`newcomer_started`): a task for
someone who cannot sign in yet would go to the administrators instead.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert, select, update

from approvals import extensions
from approvals.core.errors import FormInvalid, SignoffError
from approvals.store.models import Person

NOTICE = timedelta(days=14)  # art. 80: "не позднее чем за две недели"
_P = Person.__table__


class NotStartedYet(SignoffError):
    """The newcomer's first day has not come: nobody can acknowledge for them yet."""

    code = "hr_proc.people.not_started"
    status = 409


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value or ""))
    except ValueError:
        return None


@extensions.calculator("hr.leaver")
def leaver(check: extensions.Check) -> dict[str, Any]:
    """``leaver``: the person leaving — the ``employee`` picked on the form, else whoever
    files the dismissal."""
    picked = check.fields.get("employee")
    if picked:
        return {"leaver": picked}
    email = check.conn.execute(select(_P.c.email).where(_P.c.id == check.person_id)).scalar()
    return {"leaver": email} if email else {}


@extensions.validator("hr.notice_period")
def notice_period(check: extensions.Check) -> extensions.Problems:
    """The last day (``last_day``) is today or later, and at least two weeks after the
    request (art. 80: the notice runs from the day after the employer receives it) — unless
    ``agreed_earlier`` is ticked, for the manager to confirm by approving."""
    last = _day(check.fields.get("last_day"))
    if last is None:
        return {}
    today = check.now.date()
    earliest = today + NOTICE
    if last < today:
        return {"last_day": ("hr_proc.people.last_day_past", {
            "last_day": last.isoformat(), "today": today.isoformat()})}
    if last < earliest and not check.fields.get("agreed_earlier"):
        return {"last_day": ("hr_proc.people.notice_too_short", {
            "last_day": last.isoformat(), "days": (last - today).days,
            "earliest": earliest.isoformat()})}
    return {}


@extensions.validator("hr.new_email")
def new_email(check: extensions.Check) -> extensions.Problems:
    """The newcomer's address (``email``) is nobody's in the directory yet — except, on a
    resubmitted hiring, the newcomer this hiring already created (still ``starting``)."""
    email = str(check.fields.get("email") or "").strip().lower()
    if not email:
        return {}
    row = check.conn.execute(select(_P.c.name, _P.c.employment).where(
        _P.c.email == email)).first()
    if row is None or (check.instance_id is not None and row.employment == "starting"):
        return {}
    return {"email": ("hr_proc.people.email_taken", {"value": email, "name": row.name})}


@extensions.effect("hr.create_person")
def create_person(entered: extensions.Entered) -> None:
    """Create the newcomer from the hiring's fields — ``name``, ``email``, ``position``,
    ``department``, ``manager``, ``start_date``, ``locale`` — as ``starting`` and inactive,
    hired from the start date. Entered again (the hiring sent back and approved anew), the
    person it created is updated; an address that became someone else's meanwhile refuses
    the approval."""
    fields = entered.fields
    conn = entered.conn
    email = str(fields.get("email") or "").strip().lower()
    manager = conn.execute(select(_P.c.id).where(
        _P.c.email == str(fields.get("manager") or "").lower())).scalar()
    values = {"name": str(fields.get("name") or email)[:200], "locale": str(
        fields.get("locale") or "ru"), "manager_id": manager,
        "department": str(fields.get("department") or "")[:200],
        "position": str(fields.get("position") or "")[:200],
        "hire_date": _day(fields.get("start_date")), "employment": "starting",
        "active": False}
    row = conn.execute(select(_P.c.id, _P.c.employment).where(_P.c.email == email)).first()
    if row is None:
        conn.execute(insert(_P).values(email=email, **values))
    elif row.employment == "starting":
        conn.execute(update(_P).where(_P.c.id == row.id).values(**values))
    else:
        raise FormInvalid({"email": ("hr_proc.people.email_taken", {
            "value": email, "name": values["name"]})})


@extensions.effect("hr.newcomer_started")
def newcomer_started(entered: extensions.Entered) -> None:
    """Refuse to go on until the newcomer (``email``) is active — from their start date,
    when :mod:`hr.jobs` activates them — so that their acknowledgement is theirs."""
    email = str(entered.fields.get("email") or "").strip().lower()
    active = entered.conn.execute(select(_P.c.active).where(_P.c.email == email)).scalar()
    if not active:
        start = str(entered.fields.get("start_date") or "")
        raise NotStartedYet(f"{email} starts on {start}: they become active that day; "
                            "confirm their first day then", email=email, start=start)
