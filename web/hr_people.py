"""People as HR knows them, on the pages: the directory HR keeps (``/hr/people``), one person's
form, the departments' heads (``/hr/departments``), and the person search every picker asks.

| method and path                        | answer                                             |
|----------------------------------------|----------------------------------------------------|
| ``GET  /hr/people``                    | the list (``q``, ``department``, ``employment``)   |
| ``GET  /hr/people/new``                | an empty form                                      |
| ``POST /hr/people/new``                | 303 to the list; 400 and each field's error        |
| ``GET  /hr/people/<id>/edit``          | the person's form                                  |
| ``POST /hr/people/<id>/edit``          | 303 to the list; 400 and each field's error        |
| ``GET  /hr/departments``               | departments, their heads and parents               |
| ``POST /hr/departments``               | 303 back (``name``, ``head``, ``parent``)          |
| ``GET  /people/search?q=&limit=``      | JSON ``{"people": [...]}`` for the pickers (anyone |
|                                        | logged in; the API's ``GET /api/people`` twin)     |

HR (role ``hr``) and administrators only (:func:`approvals.core.policy.may_manage_people`):
everyone else gets 403 before anything is read. The rules are :mod:`hr.people`'s.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from sqlmodel import select

from approvals import texts
from approvals.core import policy
from approvals.core.directory import EMPLOYMENT
from approvals.core.errors import Forbidden, FormInvalid, NotFound
from approvals.store import departments
from approvals.store.db import read_session, write_session
from approvals.store.models import Person
from hr import people
from web.auth import current_actor, current_locale, login_required
from web.away import match_person
from web.context import db, utcnow

bp = Blueprint("hr_people", __name__)


def _require_hr() -> policy.Actor:
    actor = current_actor()
    if actor is None or not policy.may_manage_people(actor):
        raise Forbidden("only HR and administrators manage people")
    return actor


@bp.app_context_processor
def _frame() -> dict[str, Any]:
    def can_manage_people() -> bool:
        actor = current_actor()
        return actor is not None and policy.may_manage_people(actor)

    return {"can_manage_people": can_manage_people}


def search_limit(raw: str | None) -> int:
    try:
        return max(1, min(int(raw or people.SEARCH_LIMIT), people.MAX_SEARCH_LIMIT))
    except ValueError:
        return people.SEARCH_LIMIT


@bp.get("/people/search")
@login_required
def search():
    """The pickers' search, for a logged-in session (the API answers tokens the same way)."""
    with read_session(db()) as session:
        found = people.search(session, request.args.get("q", ""),
                              search_limit(request.args.get("limit")))
    return jsonify({"people": [people.view(p) for p in found]})


# ---------------------------------------------------------------------------- people


@bp.get("/hr/people")
@login_required
def people_list():
    _require_hr()
    query = request.args.get("q", "").strip()
    department = request.args.get("department", "").strip()
    employment = request.args.get("employment", "").strip()
    if employment not in EMPLOYMENT:
        employment = ""
    with read_session(db()) as session:
        found = people.listing(session, query, department, employment)
        managers = {p.id: p for p in session.exec(select(Person).where(
            Person.id.in_({p.manager_id for p in found if p.manager_id})))}
        names = departments.names(session)
    return render_template("hr_people.html", people=found, managers=managers,
                           departments=names, statuses=EMPLOYMENT,
                           values={"q": query, "department": department,
                                   "employment": employment})


@bp.route("/hr/people/new", methods=["GET", "POST"])
@login_required
def person_new():
    return _person_form(None)


@bp.route("/hr/people/<row:person_id>/edit", methods=["GET", "POST"])
@login_required
def person_edit(person_id: int):
    return _person_form(person_id)


def _person_form(person_id: int | None):
    actor = _require_hr()
    locale = current_locale()
    with read_session(db()) as session:
        person = session.get(Person, person_id) if person_id is not None else None
        if person_id is not None and person is None:
            raise NotFound(f"no person with the id {person_id}", person_id=person_id)
        values = people.form_of(session, person)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {name: request.form.get(name, "") for name in people.FIELDS}
        refused: dict[str, tuple[str, dict]] = {}
        try:
            with write_session(db()) as session:
                manager = match_person(session, values["manager"], "manager", refused) \
                    if values["manager"].strip() else None
                if refused:
                    raise FormInvalid(refused)
                saved = people.save(session, person_id, values, manager=manager,
                                    actor_id=actor.id, actor_is_admin=actor.is_admin,
                                    now=utcnow())
        except FormInvalid as refusal:
            errors = {name: texts.field_error(code, params, locale)
                      for name, (code, params) in {**refused, **refusal.errors}.items()}
        else:
            flash(texts.t("hr_people.created" if saved.created else "hr_people.saved", locale,
                          name=saved.person.name), "success")
            return redirect(url_for(".people_list"), 303)
    with read_session(db()) as session:
        names = departments.names(session)
    zones = list(people.COMMON_TIME_ZONES)
    if values.get("time_zone") and values["time_zone"] not in zones:
        zones.append(values["time_zone"])
    return render_template("hr_person.html", person=person, values=values, errors=errors,
                           departments=names, statuses=EMPLOYMENT, zones=zones,
                           locales=("ru", "en")), 400 if errors else 200


# ---------------------------------------------------------------------------- departments


@bp.get("/hr/departments")
@login_required
def departments_page():
    _require_hr()
    with read_session(db()) as session:
        rows = departments.listing(session)
    return render_template("hr_departments.html", rows=rows)


@bp.post("/hr/departments")
@login_required
def department_save():
    _require_hr()
    locale = current_locale()
    name = " ".join(request.form.get("name", "").split())
    head_text = request.form.get("head", "").strip()
    parent = " ".join(request.form.get("parent", "").split())
    if not name:
        flash(texts.field_error("required", {}, locale), "error")
        return redirect(url_for(".departments_page"), 303)
    refused: dict[str, tuple[str, dict]] = {}
    with write_session(db()) as session:
        head = match_person(session, head_text, "head", refused) if head_text else None
        problems = [] if refused else departments.set_department(
            session, name, head.id if head else None, parent)
    if refused:
        code, params = refused["head"]
        flash(texts.t("hr_departments.refused", locale, name=name,
                      problem=texts.field_error(code, params, locale)), "error")
    elif problems:
        problem = "hr_departments.self_parent" if "own parent" in problems[0] \
            else "hr_departments.circle"
        flash(texts.t("hr_departments.refused", locale, name=name,
                      problem=texts.t(problem, locale)), "error")
    else:
        flash(texts.t("hr_departments.saved", locale, name=name), "success")
    return redirect(url_for(".departments_page"), 303)
