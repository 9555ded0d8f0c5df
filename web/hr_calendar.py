"""``/hr/calendar``: the working-day calendar as HR keeps it — the year's production calendar
in twelve month grids with the company's own days marked, the month and year totals of working
days and hours, the company's days with a button that removes each, a form that adds one day
and the upload of a whole CSV (the file ``signoff calendar import`` reads, through the same
parser: every bad line named with its number, nothing stored then).

Everyone logged in reads it (deadlines count with it, so anyone may want to know why one falls
where it does); HR and administrators change it (:func:`approvals.core.policy.
may_edit_calendar`), refused before the form is read. The work is :mod:`hr.company_days`' and
:mod:`hr.calendar_year`'s; these views translate it to and from HTTP.

| method and path                          | answer                                           |
|------------------------------------------|--------------------------------------------------|
| ``GET  /hr/calendar?year=2026``          | the page (this year without ``year``; a bad one  |
|                                          | is said, 400, and this year shown)               |
| ``POST /hr/calendar/days``               | 303 to the day's year; 400 and the form's errors |
| ``POST /hr/calendar/import``             | 303 to the first day's year; 400 and the file's  |
|                                          | lines, nothing stored                            |
| ``POST /hr/calendar/days/<date>/remove`` | 303 to the day's year; 404 when it is not set    |
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlmodel import select

from approvals import texts
from approvals.core import policy
from approvals.core.errors import Forbidden, NotFound
from approvals.store.db import read_session
from approvals.store.models import Person
from approvals.texts import formats
from hr import calendar as production
from hr import calendar_year, company_days
from hr.company_days import REASON_LIMIT, CalendarFileInvalid, Entry
from hr.extensions import production_calendar
from web.auth import current_actor, current_locale, current_person, login_required
from web.context import db, utcnow

bp = Blueprint("hr_calendar", __name__)

#: the largest calendar file taken: a year is at most 366 lines of some 250 characters
FILE_LIMIT = 256 * 1024


def _may_edit() -> bool:
    actor = current_actor()
    return actor is not None and policy.may_edit_calendar(actor)


def _require_editor() -> None:
    """403 for anyone but HR or an administrator (before the form is read)."""
    if not _may_edit():
        raise Forbidden("only HR and administrators change the company's days")


@bp.get("/hr/calendar")
@login_required
def calendar_page():
    this_year = utcnow().date().year
    asked = request.args.get("year")
    year = calendar_year.parse_year(asked, this_year)
    if year is None:
        notice = texts.t("hr_calendar.year_invalid", current_locale(), value=asked[:20],
                         first=calendar_year.FIRST_YEAR, last=calendar_year.LAST_YEAR,
                         year=this_year)
        return _page(this_year, year_notice=notice, status=400)
    return _page(year)


@bp.post("/hr/calendar/days")
@login_required
def add_day():
    _require_editor()
    entry, problems = calendar_year.check_day(request.form)
    if entry is None:
        locale = current_locale()
        errors = {name: texts.t(key, locale, **params) for name, (key, params) in problems.items()}
        year = calendar_year.parse_year(request.form.get("year"), utcnow().date().year)
        return _page(year or utcnow().date().year, errors=errors, values=request.form,
                     status=400)
    done = company_days.add(db(), [entry], current_person().id, utcnow())
    locale = current_locale()
    words = {"day": formats.format_date(entry.day, locale),
             "kind": texts.t(f"company_day.{entry.kind}", locale)}
    changed = done.added or done.updated
    flash(texts.t("hr_calendar.added" if changed else "hr_calendar.unchanged", locale, **words),
          "success")
    return redirect(url_for(".calendar_page", year=entry.day.year), 303)


@bp.post("/hr/calendar/import")
@login_required
def import_file():
    _require_editor()
    locale = current_locale()
    year = calendar_year.parse_year(request.form.get("year"), utcnow().date().year) \
        or utcnow().date().year
    entries, problems = _read_upload(locale)
    if entries is None:
        return _page(year, file_problems=problems, status=400)
    done = company_days.add(db(), entries, current_person().id, utcnow())
    flash(texts.t("hr_calendar.imported", locale, added=len(done.added),
                  updated=len(done.updated),
                  unchanged=len(entries) - len(done.added) - len(done.updated)), "success")
    first = min(entry.day for entry in entries).year
    if calendar_year.FIRST_YEAR <= first <= calendar_year.LAST_YEAR:
        year = first
    return redirect(url_for(".calendar_page", year=year), 303)


def _read_upload(locale: str) -> tuple[list[Entry] | None, list[str]]:
    """The days of the uploaded file, or None and what is wrong with it (line by line)."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None, [texts.t("hr_calendar.error.no_file", locale)]
    data = upload.stream.read(FILE_LIMIT + 1)
    if len(data) > FILE_LIMIT:
        return None, [texts.t("hr_calendar.error.too_large", locale, limit=FILE_LIMIT)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [texts.t("hr_calendar.error.not_utf8", locale, name=upload.filename)]
    try:
        return company_days.parse(text), []
    except CalendarFileInvalid as refused:
        return None, [problem.message(locale) for problem in refused.problems]


@bp.post("/hr/calendar/days/<day>/remove")
@login_required
def remove_day(day: str):
    _require_editor()
    locale = current_locale()
    parsed = company_days.parse_date(day)
    removed = company_days.remove(db(), parsed) if parsed is not None else None
    if removed is None:
        raise NotFound(f"{day} is not one of the company's days", day=day)
    flash(texts.t("hr_calendar.removed", locale, day=formats.format_date(parsed, locale)),
          "success")
    year = parsed.year if calendar_year.FIRST_YEAR <= parsed.year <= calendar_year.LAST_YEAR \
        else None
    return redirect(url_for(".calendar_page", year=year), 303)


def _page(year: int, *, errors: dict[str, str] | None = None, values: Any = None,
          file_problems: list[str] | None = None, year_notice: str | None = None,
          status: int = 200):
    engine = db()
    own = company_days.of_year(engine, year)
    with engine.connect() as conn:  # the calendar every deadline counts with, as it is now
        calendar = production_calendar(conn)
    view = calendar_year.year_view(calendar, year, {row.day: row.reason for row in own})
    with read_session(engine) as session:
        setters = {person.id: person for person in session.exec(select(Person).where(
            Person.id.in_({row.created_by_id for row in own if row.created_by_id})))}  # type: ignore[union-attr]
    body = render_template(
        "hr_calendar.html", view=view, own=own, setters=setters, can_edit=_may_edit(),
        errors=errors or {}, values=values or {}, file_problems=file_problems or [],
        year_notice=year_notice, kinds=production.KINDS, reason_limit=REASON_LIMIT,
        first_year=calendar_year.FIRST_YEAR, last_year=calendar_year.LAST_YEAR,
        weeks=calendar_year.WEEKS, number=_number)
    return body, status


def _number(value: Any) -> str:
    """Hours the reader's way: 1972, 1774,4 / 1774.4."""
    places = 0 if value == int(value) else 1
    return formats.format_number(value, current_locale(), places=places)
