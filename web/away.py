"""People away, on the pages: ``/away`` (a person's days away and their deputy; an
administrator sets them for anyone and sees everyone's) and handing a task to a colleague from
its page.

| method and path                    | answer                                                 |
|------------------------------------|--------------------------------------------------------|
| ``GET  /away``                     | the page                                               |
| ``POST /away``                     | 303 back to it; 400 and the fields' errors when refused|
|                                    | (a ``person`` other than oneself: administrators only) |
| ``POST /away/<id>/cancel``         | 303; 403 unless the person away or an administrator    |
| ``POST /away/<id>/handover``       | 303: the person's open tasks go to the deputy          |
| ``POST /tasks/<id>/reassign``      | 303 to the instance; 403 unless the task's assignee or |
|                                    | an administrator; 400 when ``to`` names nobody (one)   |

People are picked by name or address (:func:`match_person`: an address or alias, else the one
active person whose name or mailbox holds the text); the page offers the directory as
suggestions.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlmodel import Session, select

from approvals import service, texts
from approvals.core import policy
from approvals.core.errors import (
    ConcurrentUpdate,
    Forbidden,
    FormInvalid,
    InstanceClosed,
    NotFound,
    TaskClosed,
    TextTooLong,
    TransitionNotAllowed,
)
from approvals.dispatch import kick
from approvals.records import deputies
from approvals.store import queries
from approvals.store.db import read_session
from approvals.store.directory import People, find_person, roles_of
from approvals.store.models import Person, Task
from approvals.texts.formats import format_date
from web import forms, pages
from web.auth import current_actor, current_locale, current_person, login_required
from web.context import db, utcnow

bp = Blueprint("away", __name__)


def match_person(session: Session, text: str, field: str,
                 errors: dict[str, tuple[str, dict]]) -> Person | None:
    """The active person ``text`` names — their address or alias, else the only one whose
    name (or the part of their address before the @) holds it, letter case aside; None, with
    the reason in ``errors[field]``, for nobody or several."""
    text = " ".join((text or "").split())
    if not text:
        errors[field] = ("required", {})
        return None
    try:
        person = find_person(session, text)
        if person.active:
            return person
    except NotFound:
        person = None
    if person is None and "@" not in text:
        wanted = text.casefold()
        found = [p for p in session.exec(select(Person).where(Person.active == True))  # noqa: E712
                 if wanted in p.name.casefold() or wanted in p.email.partition("@")[0]]
        if len(found) == 1:
            return found[0]
        if found:
            errors[field] = ("person_ambiguous", {"value": text, "names": ", ".join(
                f"{p.name} <{p.email}>" for p in found[:5])})
            return None
    errors[field] = ("unknown_person", {"value": text})
    return None


# ---------------------------------------------------------------------------- /away


@bp.get("/away")
@login_required
def away():
    return _page()


def set_away(person: Person, form: dict[str, str], now) -> deputies.Absence:
    """Days away from a form or an API body (``person`` — administrators only —, ``deputy``:
    names or addresses; ``from``, ``to``: ISO dates; ``reason``), set by ``person``."""
    errors: dict[str, tuple[str, dict]] = {}
    with read_session(db()) as s:
        whose = person
        named = (form.get("person") or "").strip()
        if named and named.lower() != person.email:
            if not policy.Actor.of(person.id, roles_of(s, person.id)).is_admin:
                raise Forbidden("only administrators may set days away for someone else")
            whose = match_person(s, named, "person", errors) or person
        deputy = match_person(s, form.get("deputy") or "", "deputy", errors) \
            if (form.get("deputy") or "").strip() else None
    start, end = deputies.days(form.get("from"), form.get("to"), errors)
    if errors:
        raise FormInvalid(errors)
    return deputies.set_away(db(), whose.id, start, end, deputy.id if deputy else None,
                             now=now, source="self" if whose.id == person.id else "admin",
                             reason=form.get("reason") or "", created_by=person.id)


@bp.post("/away")
@login_required
def add():
    person, locale = current_person(), current_locale()
    form = {key: request.form.get(key, "") for key in ("person", "deputy", "from", "to",
                                                       "reason")}
    try:
        absence = set_away(person, form, utcnow())
    except FormInvalid as refusal:
        return _page(errors={name: texts.field_error(code, params, locale)
                             for name, (code, params) in refusal.errors.items()},
                     values=form, status=400)
    with read_session(db()) as s:
        name = s.get(Person, absence.deputy_id).name
    flash(texts.t("away.added", locale, start=format_date(absence.starts_on, locale),
                  end=format_date(absence.ends_on, locale), name=name), "success")
    if request.form.get("handover"):
        _hand_over(absence.id, person.id, locale)
    return redirect(url_for(".away"), 303)


@bp.post("/away/<row:absence_id>/cancel")
@login_required
def cancel(absence_id: int):
    locale = current_locale()
    absence = deputies.cancel(db(), absence_id, current_actor(), utcnow())
    flash(texts.t("away.cancelled", locale, start=format_date(absence.starts_on, locale),
                  end=format_date(absence.ends_on, locale)), "success")
    return redirect(url_for(".away"), 303)


@bp.post("/away/<row:absence_id>/handover")
@login_required
def handover(absence_id: int):
    _hand_over(absence_id, current_person().id, current_locale())
    return redirect(url_for(".away"), 303)


def _hand_over(absence_id: int, actor_id: int, locale: str) -> None:
    done = service.hand_over(db(), absence_id, actor_id, utcnow())
    kick(done.outbox_ids)
    flash(texts.t("away.handed_over", locale, n=len(done.handed)), "success")
    if done.refused:
        with read_session(db()) as s:
            deputy = s.get(Person, deputies.get(s, absence_id).deputy_id)
        flash(texts.t("away.handover_refused", locale, tasks="; ".join(
            f"{texts.t('away.task_no', locale, id=task)}: " + (
                texts.t("reassign.initiator", locale, name=deputy.name)
                if isinstance(error, Forbidden)  # the deputy made that request
                else texts.error_message(error.code, locale, error.params) or str(error))
            for task, error in done.refused.items())), "error")


def _page(*, errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
          status: int = 200):
    person, actor = current_person(), current_actor()
    today = utcnow().date()
    with read_session(db()) as s:
        mine = deputies.absences(s, today, person.id)
        standing_in = deputies.deputising(s, person.id, today)
        everyone = deputies.absences(s, today) if actor.is_admin else []
        people = People(s)
        people.load(ids=[i for a in (*mine, *standing_in, *everyone)
                         for i in (a.person_id, a.deputy_id)])
        locale = current_locale()
        rows = {name: [dict(deputies.view(people, a, today), dates=texts.t(
            "away.dates", locale, start=format_date(a.starts_on, locale),
            end=format_date(a.ends_on, locale))) for a in found]
            for name, found in (("mine", mine), ("deputising", standing_in),
                                ("everyone", everyone))}
        choices = forms.directory_choices(s)
    body = render_template("away.html", **rows, admin=actor.is_admin, errors=errors or {},
                           values=values or {}, people=choices)
    return body, status


# ---------------------------------------------------------------------------- reassigning


@bp.post("/tasks/<row:task_id>/reassign")
@login_required
def reassign(task_id: int):
    """The task's assignee (or an administrator) hands it to a colleague, saying why."""
    person, locale = current_person(), current_locale()
    with read_session(db()) as s:  # who may, before what the form lacks
        task, _instance = queries.get_task(s, task_id)
        if not policy.may_reassign(current_actor(), assignee=task.assignee_id):
            raise Forbidden("only the assignee or an administrator can reassign this task")
        errors: dict[str, tuple[str, dict]] = {}
        to = match_person(s, request.form.get("to", ""), "to", errors)
    comment = request.form.get("comment", "")
    kept: dict[str, Any] = {"reassign_to": request.form.get("to", ""),
                            "reassign_comment": comment}
    if to is None:
        return pages._task_page(task_id, 400, reassign_error=texts.field_error(
            *errors["to"], locale), **kept)
    try:
        result = service.reassign(db(), task_id, to.id, person.id, utcnow(), channel="web",
                                  comment=comment)
    except (TaskClosed, InstanceClosed, TransitionNotAllowed, ConcurrentUpdate,
            TextTooLong) as refusal:
        return pages._task_page(task_id, refusal.status, reassign_error=texts.error_message(
            refusal.code, locale, refusal.params) or str(refusal), **kept)
    except Forbidden:  # the caller may hand it over (above): the one picked may not take it
        return pages._task_page(task_id, 400, reassign_error=texts.t(
            "reassign.initiator", locale, name=to.name), **kept)
    kick(result.outbox_ids)
    with read_session(db()) as s:  # the one picked, or their deputy while they are away
        new = s.get(Task, max(result.task_ids.values()))
        name = s.get(Person, new.assignee_id).name
    flash(texts.t("reassign.done", locale, name=name), "success")
    return redirect(url_for("pages.instance", instance_id=result.instance_id), 303)


# ---------------------------------------------------------------------------- for the API


def api_list(session: Session, person_id: int, today) -> dict[str, Any]:
    """``GET /api/me/absences``: the caller's days away and those they deputise in."""
    mine = deputies.absences(session, today, person_id)
    standing_in = deputies.deputising(session, person_id, today)
    people = People(session)
    people.load(ids=[i for a in (*mine, *standing_in) for i in (a.person_id, a.deputy_id)])
    return {"absences": [deputies.view(people, a, today) for a in mine],
            "deputising": [deputies.view(people, a, today) for a in standing_in]}


def api_add(person: Person, body: dict[str, str], handover: bool,
            now) -> tuple[dict[str, Any], service.HandOver | None]:
    """``POST /api/me/absences``: the new days away as a view, and the hand-over if asked."""
    absence = set_away(person, body, now)
    handed = service.hand_over(db(), absence.id, person.id, now, channel="api") \
        if handover else None
    return _view(absence, now), handed


def api_handed(handed: service.HandOver | None) -> dict[str, Any] | None:
    if handed is None:
        return None
    return {"handed": sorted(handed.handed), "refused": {
        str(task): {"error": error.code, "message": str(error)}
        for task, error in handed.refused.items()}}


def api_cancel(actor: policy.Actor, absence_id: int, now) -> dict[str, Any]:
    """``DELETE /api/me/absences/<id>``: the days away, cancelled."""
    return _view(deputies.cancel(db(), absence_id, actor, now), now)


def _view(absence: deputies.Absence, now) -> dict[str, Any]:
    with read_session(db()) as s:
        people = People(s)
        people.load(ids=[absence.person_id, absence.deputy_id])
        return deputies.view(people, absence, now.date())
