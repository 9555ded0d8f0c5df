"""``/hr/leave``: a person's leave statement — for each leave type with a balance, the year's
ledger lines (:mod:`hr.ledger`) with the balance after each, what was carried over from the
years before, and the balance today — and its CSV; HR enters a correction (an adjustment, with
its reason) and the overtime hours someone worked on it.

Who sees it (:func:`approvals.core.policy.may_see_leave`): the person, their managers up the
chain, HR and administrators; the corrections are HR's and administrators'
(:func:`~approvals.core.policy.may_adjust_leave`), refused before the form is read. Opening
the statement writes the months of accrual earned since it was last asked for (idempotent, see
:func:`hr.ledger.accrue`), so it is always current without a scheduled job.

| method and path                          | answer                                           |
|------------------------------------------|--------------------------------------------------|
| ``GET  /hr/leave``                       | one's own statement                              |
| ``GET  /hr/leave/<person>?year=2026``    | the page; 403 for others, 404 for nobody         |
| ``GET  /hr/leave/<person>.csv?year=``    | the statement as CSV (the reader's spreadsheet)  |
| ``POST /hr/leave/<person>/adjustments``  | 303 back; 400 and the form's errors              |
| ``POST /hr/leave/<person>/overtime``     | 303 back; 400 and the form's errors              |
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from approvals import texts
from approvals.core import forms, policy
from approvals.core.directory import managers_above
from approvals.core.errors import Forbidden, FormInvalid, NotFound
from approvals.store.db import write_connection
from approvals.store.directory import DbDirectory
from approvals.store.models import Person
from approvals.texts import formats
from hr import leave_checks, leave_types, ledger
from web.auth import current_actor, current_locale, current_person, login_required
from web.context import db, utcnow

bp = Blueprint("hr_leave", __name__)
FIRST_YEAR, YEARS_AHEAD = 2000, 1
_P = Person.__table__


def may_see(conn: Any, actor: policy.Actor, person_id: int) -> bool:
    return policy.may_see_leave(actor, person=person_id,
                                managers=managers_above(DbDirectory(conn), person_id))


def _person(conn: Any, person_id: int, actor: policy.Actor | None = None) -> Any:
    """The person (404 when unknown), once ``actor`` (the one logged in) may see their leave
    (403 otherwise)."""
    found = conn.execute(select(_P.c.id, _P.c.name, _P.c.email, _P.c.department,
                                _P.c.hire_date).where(_P.c.id == person_id)).first()
    actor = actor or current_actor()
    if found is None:
        raise NotFound(f"no person with the id {person_id}", person=person_id)
    if not may_see(conn, actor, person_id):
        raise Forbidden("only the person, their managers, HR and administrators see their "
                        "leave")
    return found


def _year(today: date) -> int:
    try:
        year = int(request.args.get("year", today.year))
    except ValueError:
        return today.year
    return year if FIRST_YEAR <= year <= today.year + YEARS_AHEAD else today.year


_SYSTEM_REASONS = (
    (re.compile(r"^holidays not counted: (.+)$"), "hr_leave.reason.holidays"),
    (re.compile(r"^cancelled (\S+)\.\.(\S+)$"), "hr_leave.reason.cancelled"),
    (re.compile(r"^period now (\S+)\.\.(\S+)$"), "hr_leave.reason.period_now"),
)


def _reason(line: ledger.Line, locale: str) -> str:
    """A line's reason as the reader says it: HR's words as written, the system's worded."""
    if line.author_id is not None or line.kind in ("adjustment", "carry_over", "overtime"):
        return line.reason
    for pattern, key in _SYSTEM_REASONS:
        found = pattern.match(line.reason)
        if found:
            days = [formats.format_date(date.fromisoformat(day.strip()), locale)
                    for group in found.groups() for day in group.split(",")]
            return texts.t(key, locale, dates=", ".join(days), start=days[0], end=days[-1])
    if line.kind == "accrual":
        return texts.t("hr_leave.reason.accrual", locale)
    return line.reason


def leave_view(conn: Any, person_id: int, year: int, now: Any, locale: str) -> dict[str, Any]:
    """A person's balances and the year's ledger lines, as the page, the CSV and the API
    read them (amounts as strings with two decimals)."""
    today = now.date()
    found_types = [(kind, ledger.statement(conn, person_id, kind.key, year, now=now))
                   for kind in leave_types.leave_types().values() if kind.balance]
    authors = {line.author_id for _kind, found in found_types for line, _ in found.lines
               if line.author_id is not None}
    names = {row.id: row.name for row in conn.execute(
        select(_P.c.id, _P.c.name).where(_P.c.id.in_(authors)))} if authors else {}
    kinds = []
    for kind, found in found_types:
        lines = [{"id": line.id, "on": line.on.isoformat(), "kind": line.kind,
                  "kind_text": texts.t(f"hr_leave.line.{line.kind}", locale),
                  "amount": f"{line.amount:.2f}", "balance": f"{running:.2f}",
                  "reason": _reason(line, locale), "author": names.get(line.author_id),
                  "author_id": line.author_id, "instance_id": line.instance_id,
                  "absence_id": line.absence_id}
                 for line, running in found.lines]
        kinds.append({"key": kind.key, "name": kind.name.get(locale) or kind.name["en"],
                      "unit": kind.unit,
                      "balance": f"{ledger.balance(conn, person_id, kind.key, today, now=now):.2f}",
                      "opening": f"{found.opening:.2f}", "closing": f"{found.closing:.2f}",
                      "lines": lines})
    return {"person_id": person_id, "year": year, "today": today.isoformat(), "types": kinds,
            "fourteen_day_part_possible": leave_checks.fourteen_day_part_possible(
                conn, person_id, year, now)}


@bp.get("/hr/leave")
@login_required
def mine():
    return _page(current_person().id)


@bp.get("/hr/leave/<row:person_id>")
@login_required
def statement(person_id: int):
    return _page(person_id)


def _page(person_id: int, *, errors: dict[str, str] | None = None,
          values: dict[str, str] | None = None, form: str = "", status: int = 200):
    locale, now = current_locale(), utcnow()
    year = _year(now.date())
    with write_connection(db()) as conn:  # the months earned since are written first
        person = _person(conn, person_id)
        view = leave_view(conn, person_id, year, now, locale)
    can_adjust = policy.may_adjust_leave(current_actor())
    body = render_template(
        "hr_leave.html", view=view, whose=person, can_adjust=can_adjust,
        own=person_id == current_person().id, errors=errors or {}, values=values or {},
        form=form, adjustable=[(k.key, k.name.get(locale) or k.name["en"])
                               for k in leave_types.leave_types().values() if k.balance],
        years=[y for y in (year - 1, year + 1) if FIRST_YEAR <= y <= now.year + YEARS_AHEAD])
    return body, status


@bp.get("/hr/leave/<row:person_id>.csv")
@login_required
def export(person_id: int):
    """Every line of the year, type by type, with the balance after it: the carried-over
    opening first, the balance today last."""
    locale, now = current_locale(), utcnow()
    year = _year(now.date())
    with write_connection(db()) as conn:
        person = _person(conn, person_id)
        view = leave_view(conn, person_id, year, now, locale)
    headings = [texts.t(f"hr_leave.col.{key}", locale) for key in (
        "type", "date", "line", "amount", "balance", "reason", "author", "request")]
    rows: list[list[Any]] = []
    for kind in view["types"]:
        rows.append([kind["name"], date(year, 1, 1), texts.t("hr_leave.line.opening", locale,
                                                             year=year - 1),
                     Decimal(kind["opening"]), Decimal(kind["opening"]), "", "", ""])
        for line in kind["lines"]:
            rows.append([kind["name"], date.fromisoformat(line["on"]), line["kind_text"],
                         Decimal(line["amount"]), Decimal(line["balance"]), line["reason"],
                         line["author"] or texts.t("hr_leave.system", locale),
                         line["instance_id"] or ""])
        rows.append([kind["name"], date.fromisoformat(view["today"]),
                     texts.t("hr_leave.line.today", locale), "", Decimal(kind["balance"]),
                     "", "", ""])
    name = f"leave-{person.email.partition('@')[0]}-{year}.csv"
    return Response(formats.csv_table(headings, rows, locale), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "private, no-store"})


def _require_hr() -> None:
    if not policy.may_adjust_leave(current_actor()):
        raise Forbidden("only HR and administrators correct a leave balance")


def _amount(text: str, name: str, errors: dict[str, tuple[str, dict]], locale: str
            ) -> Decimal | None:
    """Days or hours as the reader writes them (``1,5`` in Russian, ``1.5`` in English; a
    minus sign may be the typographic one)."""
    text = (text or "").strip().replace("−", "-")
    if not text:
        errors[name] = ("required", {})
        return None
    try:
        text = forms.read_number(text, locale)
    except forms.Refused as refusal:
        errors[name] = (refusal.code, refusal.params)
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        errors[name] = ("not_a_number", {})
        return None
    return value


def _day(text: str, today: date, errors: dict[str, tuple[str, dict]]) -> date | None:
    text = (text or "").strip()
    if not text:
        return today
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors["on"] = ("not_a_date", {})
        return None


def add_line(person_id: int, kind: str, form: dict[str, str], actor_id: int, now: Any,
             locale: str) -> ledger.Line:
    """An adjustment (``leave_type``, ``amount`` ±, ``on``, ``reason``) or overtime hours
    worked (``hours``, ``on``, ``reason``) from the form, its numbers read the way a reader
    of ``locale`` writes them; :class:`FormInvalid` names every problem, nothing written."""
    errors: dict[str, tuple[str, dict]] = {}
    if kind == "overtime":
        leave_type, amount = "overtime", _amount(form.get("hours", ""), "hours", errors, locale)
    else:
        leave_type = form.get("leave_type") or "annual"
        amount = _amount(form.get("amount", ""), "amount", errors, locale)
    on = _day(form.get("on", ""), now.date(), errors)
    if not (form.get("reason") or "").strip():
        errors["reason"] = ("required", {})
    if errors:
        raise FormInvalid(errors)
    with write_connection(db()) as conn:
        _person(conn, person_id)
        try:
            return ledger.add(conn, person_id, leave_type, kind, amount, on,
                              form.get("reason", ""), actor_id, now=now)
        except FormInvalid as refused:
            if kind == "overtime" and "amount" in refused.errors:
                raise FormInvalid({"hours": refused.errors["amount"]}) from None
            raise


def _post(person_id: int, kind: str, fields: tuple[str, ...]):
    _require_hr()
    locale = current_locale()
    form = {name: request.form.get(name, "") for name in fields}
    try:
        line = add_line(person_id, kind, form, current_person().id, utcnow(), locale)
    except FormInvalid as refusal:
        return _page(person_id, errors={name: texts.field_error(code, params, locale)
                                        for name, (code, params) in refusal.errors.items()},
                     values=form, form=kind, status=400)
    flash(texts.t(f"hr_leave.added.{kind}", locale, amount=ledger.number(line.amount)),
          "success")
    return redirect(url_for(".statement", person_id=person_id, year=line.on.year), 303)


@bp.post("/hr/leave/<row:person_id>/adjustments")
@login_required
def adjust(person_id: int):
    return _post(person_id, "adjustment", ("leave_type", "amount", "on", "reason"))


@bp.post("/hr/leave/<row:person_id>/overtime")
@login_required
def overtime(person_id: int):
    return _post(person_id, "overtime", ("hours", "on", "reason"))


def api_view(actor: policy.Actor, person_id: int, year: str | None,
             locale: str) -> dict[str, Any]:
    """``GET /api/people/<id>/leave?year=``: the balances and the year's lines."""
    now = utcnow()
    try:
        year_ = int(year) if year else now.year
    except ValueError:
        raise FormInvalid({"year": ("not_a_number", {})}) from None
    if not FIRST_YEAR <= year_ <= now.year + YEARS_AHEAD:
        raise FormInvalid({"year": ("year_out_of_range", {"min": FIRST_YEAR,
                                                     "max": now.year + YEARS_AHEAD})})
    with write_connection(db()) as conn:
        _person(conn, person_id, actor)
        return leave_view(conn, person_id, year_, now, locale)
