"""The absence schedule on the pages: a department's month (who is away on which day), the
yearly vacation plan, and the absence calendars a calendar application subscribes to.

| method and path                        | answer                                             |
|----------------------------------------|----------------------------------------------------|
| ``GET  /hr/schedule?month=2026-12&     | the month's grid (my department and this month     |
|        department=Sales``              | without them); 400 for a bad month or department   |
| ``GET  /hr/plan?year=2027&department=``| the department's plan with its warnings            |
| ``POST /hr/plan``                      | 303; 400 and each bad part's error (nothing kept)  |
| ``POST /hr/plan/<id>/decide``          | 303; 403 unless a manager of the person, the head  |
|                                        | or an administrator                                |
| ``POST /hr/plan/<id>/withdraw``        | 303; 403 unless the person; 409 once published     |
| ``POST /hr/plan/publish``              | 303; 403 unless HR or an administrator             |
| ``GET  /hr/feeds``                     | my calendar feeds                                  |
| ``POST /hr/feeds``                     | 200 with the new feed's URL, shown once; 403 for a |
|                                        | department one may not follow                      |
| ``POST /hr/feeds/<id>/revoke``         | 303; 403 unless the owner or an administrator      |
| ``GET  /feeds/<token>.ics``            | the calendar, no login; 404 for an unknown, revoked|
|                                        | or lapsed token alike                              |

Everyone logged in reads any department's month and plan: the cells say "away" unless the
reader may see the kind (:func:`approvals.core.policy.may_see_absence_kind`). The work is
:mod:`hr.schedule`'s, :mod:`hr.plan`'s and :mod:`hr.feeds`'; these views translate it.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from approvals import texts
from approvals.config.schedule import max_away_share
from approvals.core import policy
from approvals.core.errors import Forbidden, FormInvalid
from approvals.store.db import read_session
from approvals.store.models import Person
from approvals.texts.formats import format_date
from hr import feeds, plan, schedule
from hr.models import VacationPlanEntry
from web.auth import current_actor, current_locale, current_person, login_required
from web.context import db, utcnow

bp = Blueprint("hr_schedule", __name__)

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _department(session, raw: str | None, person: Person) -> tuple[str, str | None]:
    """The department asked for (as the directory spells it), else the person's own; and the
    error for a name no department has."""
    if raw is None or not raw.strip():
        return schedule.spelled(session, person.department), None
    named = schedule.spelled(session, raw)
    if not named:
        return "", texts.field_error("schedule_unknown_department", {"value": raw},
                                     current_locale())
    return named, None


def _month(raw: str | None) -> tuple[int, int] | None:
    today = utcnow().date()
    if not raw:
        return today.year, today.month
    match = _MONTH.match(raw.strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        return None
    return year, month


# ---------------------------------------------------------------------------- the month


@bp.get("/hr/schedule")
@login_required
def month_page():
    person, actor, locale = current_person(), current_actor(), current_locale()
    errors: list[str] = []
    asked = _month(request.args.get("month"))
    if asked is None:
        errors.append(texts.field_error("schedule_bad_month",
                                        {"value": request.args.get("month", "")}, locale))
        asked = _month(None)
    year, number = asked
    with read_session(db()) as s:
        department, problem = _department(s, request.args.get("department"), person)
        if problem:
            errors.append(problem)
        view = schedule.month(s, actor, department, year, number) if department else None
        body = render_template(
            "hr_schedule.html", view=view, department=department, errors=errors,
            departments=schedule.departments(s), month_value=f"{year:04d}-{number:02d}",
            month_name=texts.t(f"schedule.month.{number}", locale), year=year,
            kind_label=lambda kind: schedule.kind_label(kind, locale),
            date=lambda d: format_date(d, locale))
    return body, 400 if errors else 200


# ---------------------------------------------------------------------------- the plan


def _year(raw: str | None) -> int | None:
    if not raw:
        return utcnow().date().year + 1  # the plan is made for next year (art. 123)
    try:
        year = int(raw)
    except ValueError:
        return None
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


@bp.get("/hr/plan")
@login_required
def plan_page():
    return _plan_page()


def _plan_page(*, status: int = 200, form_errors: dict[str, str] | None = None,
               values: dict[str, str] | None = None, year: int | None = None,
               department: str | None = None):
    person, actor, locale = current_person(), current_actor(), current_locale()
    errors: list[str] = []
    if year is None:
        year = _year(request.args.get("year"))
        if year is None:
            errors.append(texts.field_error("not_a_number", {"value": request.args.get(
                "year", "")}, locale))
            year = utcnow().date().year + 1
    with read_session(db()) as s:
        named, problem = _department(s, department if department is not None
                                     else request.args.get("department"), person)
        if problem:
            errors.append(problem)
        view = plan.plan(s, actor, named, year, now=utcnow()) if named else None
        published_by = s.get(Person, view.published.published_by_id) \
            if view and view.published else None
        share = max_away_share()
        names = {p.id: p.name for p in view.people} if view else {}
        body = render_template(
            "hr_plan.html", view=view, department=named, year=year, errors=errors,
            departments=schedule.departments(s), published_by=published_by,
            share=round(share * 100), names=names, form_errors=form_errors or {},
            values=values or {}, parts=range(1, 5),
            may_publish=policy.may_publish_vacation_plan(actor),
            date=lambda d: format_date(d, locale))
    return body, status if not errors else max(status, 400)


@bp.post("/hr/plan")
@login_required
def propose():
    person, locale = current_person(), current_locale()
    values = {key: request.form.get(key, "") for key in request.form}
    year = _year(request.form.get("year"))
    errors: dict[str, str] = {}
    parts: list[plan.Period] = []
    for n in range(1, plan.MAX_PARTS + 1):
        start, end = request.form.get(f"part{n}_from"), request.form.get(f"part{n}_to")
        try:
            found = plan.period(start, end)
        except ValueError:
            errors[f"part{n}"] = texts.field_error("plan_bad_date", {
                "value": f"{start or ''} – {end or ''}"}, locale)
            continue
        if found is not None:
            parts.append(found)
    if year is None:
        errors["year"] = texts.field_error("not_a_number", {"value": request.form.get(
            "year", "")}, locale)
    if not errors:
        try:
            plan.propose(db(), person.id, year, parts, utcnow(),
                         note=request.form.get("note", ""))
        except FormInvalid as refusal:
            errors = {name: texts.field_error(code, params, locale)
                      for name, (code, params) in refusal.errors.items()}
    if errors:
        return _plan_page(status=400, form_errors=errors, values=values,
                          year=year or utcnow().date().year + 1, department="")
    flash(texts.t("plan.proposed_done", locale, n=len(parts)), "success")
    return redirect(url_for(".plan_page", year=year), 303)


def _entry_year(entry_id: int) -> tuple[int, str]:
    with read_session(db()) as s:
        entry = s.get(VacationPlanEntry, entry_id)
        if entry is None:
            abort(404)
        person = s.get(Person, entry.person_id)
        return entry.year, schedule.spelled(s, person.department) if person else ""


@bp.post("/hr/plan/<row:entry_id>/decide")
@login_required
def decide(entry_id: int):
    locale = current_locale()
    entry = plan.decide(db(), entry_id, current_actor(), request.form.get("verdict", ""),
                        utcnow())
    flash(texts.t("plan.decided_done", locale, start=format_date(entry.starts_on, locale),
                  end=format_date(entry.ends_on, locale),
                  state=texts.t(f"plan.state.{entry.state}", locale)), "success")
    year, department = _entry_year(entry_id)
    return redirect(url_for(".plan_page", year=year, department=department), 303)


@bp.post("/hr/plan/<row:entry_id>/withdraw")
@login_required
def withdraw(entry_id: int):
    year, department = _entry_year(entry_id)
    plan.withdraw(db(), entry_id, current_actor(), utcnow())
    flash(texts.t("plan.withdrawn_done", current_locale()), "success")
    return redirect(url_for(".plan_page", year=year, department=department), 303)


@bp.post("/hr/plan/publish")
@login_required
def publish():
    actor, locale = current_actor(), current_locale()
    if not policy.may_publish_vacation_plan(actor):  # before the form is read
        raise Forbidden("only HR and administrators publish a vacation plan")
    year = _year(request.form.get("year"))
    if year is None:
        raise FormInvalid({"year": ("not_a_number", {"value": request.form.get("year")})})
    row = plan.publish(db(), request.form.get("department", ""), year, actor, utcnow())
    flash(texts.t("plan.published_done", locale, year=row.year, department=row.department),
          "success")
    return redirect(url_for(".plan_page", year=row.year, department=row.department), 303)


# ---------------------------------------------------------------------------- feeds


@bp.get("/hr/feeds")
@login_required
def feeds_page():
    return _feeds_page()


def _feeds_page(*, created: str | None = None, errors: dict[str, str] | None = None,
                status: int = 200):
    person, locale = current_person(), current_locale()
    with read_session(db()) as s:
        mine = feeds.feeds_of(s, person.id)
        body = render_template("hr_feeds.html", feeds=mine, created=created,
                               errors=errors or {}, departments=schedule.departments(s),
                               own_department=schedule.spelled(s, person.department),
                               date=lambda d: format_date(d, locale))
    return body, status


@bp.post("/hr/feeds")
@login_required
def create_feed():
    locale = current_locale()
    try:
        _feed, token = feeds.create(
            db(), current_actor(), scope=request.form.get("scope", feeds.PERSON),
            department=request.form.get("department", ""),
            show_kinds=bool(request.form.get("show_kinds")), now=utcnow())
    except FormInvalid as refusal:
        return _feeds_page(errors={name: texts.field_error(code, params, locale)
                                   for name, (code, params) in refusal.errors.items()},
                           status=400)
    url = url_for(".feed", token=token, _external=True)
    return _feeds_page(created=url)


@bp.post("/hr/feeds/<row:feed_id>/revoke")
@login_required
def revoke_feed(feed_id: int):
    feeds.revoke(db(), feed_id, current_actor(), utcnow())
    flash(texts.t("feeds.revoked_done", current_locale()), "success")
    return redirect(url_for(".feeds_page"), 303)


@bp.get("/feeds/<token>.ics")
def feed(token: str):
    """The calendar behind a secret URL: no login (a calendar application has none); the
    same 404 for a token nobody holds, a revoked feed and one whose owner lapsed."""
    with read_session(db()) as s:
        found = feeds.live(s, token)
        if found is None:
            abort(404)
        body = feeds.feed_ics(s, found, utcnow())
    return Response(body, headers={
        "Content-Type": feeds.CONTENT_TYPE, "Cache-Control": "private, max-age=300",
        "Content-Disposition": 'inline; filename="absences.ics"',
        "X-Robots-Tag": "noindex"})


def month_link(department: str, year: int, month: int) -> str:
    return url_for("hr_schedule.month_page", department=department,
                   month=f"{year:04d}-{month:02d}")


@bp.app_context_processor
def _frame() -> dict[str, Any]:
    return {"schedule_month_link": month_link, "schedule_today": lambda: utcnow().date()}

