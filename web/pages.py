"""The server-rendered pages: inbox, starting a process, a task, an instance, downloads.

Every page reads through :func:`approvals.store.db.read_session` and writes only through
:mod:`approvals.service`; after a write the new outbox rows are handed to the workers
(:func:`workers.outbox.kick`) and the browser is sent on with a 303. GET never changes state.
Refusals the person can fix (a bad field, a send-back without a comment, a task someone else
decided first) re-render the page with the message; the rest go to :mod:`web.errors`.
"""

from __future__ import annotations

import io
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from jinja2 import pass_context
from sqlmodel import select

from approvals import present, service, texts
from approvals.core import bulk, policy
from approvals.core.errors import (
    AlreadyDecided,
    CommentRequired,
    ConcurrentUpdate,
    Forbidden,
    FormInvalid,
    InstanceClosed,
    TaskClosed,
    TransitionNotAllowed,
    VerdictNotAllowed,
)
from approvals.core.model import Process
from approvals.dispatch import kick
from approvals.records.trails import current_trail, trails_of
from approvals.store import catalogue, lists, queries, registry
from approvals.store.db import read_session
from approvals.store.directory import roles_of
from approvals.store.models import Blob, Instance, Task
from approvals.texts import formats
from web import forms, notices
from web.auth import current_actor, current_locale, current_person, current_zone, login_required
from web.context import RowId, db, utcnow
from web.documents import field_documents, readable_document
from web.lists import frame as list_frame
from web.lists import read_listing

bp = Blueprint("pages", __name__)


@bp.record_once
def _register_converter(state) -> None:
    state.app.url_map.converters.setdefault("row", RowId)


@bp.before_app_request
def _refuse_nul() -> None:
    """No text may hold NUL (PostgreSQL refuses it): a form carrying one is a bad request.
    (The JSON API checks its own bodies.)"""
    if request.method == "POST" and not request.path.startswith("/api/"):
        values = [*request.form.keys(), *request.form.values(),
                  *(f.filename or "" for f in request.files.values())]
        if any("\x00" in value for value in values):
            abort(400)


@bp.app_context_processor
def _frame() -> dict[str, Any]:
    """What every template may use: the person, their language and ``t``."""
    try:
        person = current_person()
    except Exception:  # noqa: BLE001 - an error page must render even without a database
        person = None
    locale = texts.normalize(person.locale) if person else current_locale()

    def translate(key: str, **params: Any) -> str:
        return texts.t(key, locale, **params)

    return {"person": person, "locale": locale, "zone": current_zone(), "t": translate,
            "widget": forms.widget}


@bp.app_template_filter("t")
@pass_context
def _t(context, key: str, **params: Any) -> str:
    return texts.t(key, context.get("locale", texts.DEFAULT_LOCALE), **params)


@bp.app_template_filter("when")
@pass_context
def _when(context, value) -> str:
    """A moment in the page's reader's language and time zone, the zone named."""
    return formats.format_time(value, context.get("locale", texts.DEFAULT_LOCALE),
                               context.get("zone"))


@bp.app_template_filter("size")
@pass_context
def _size(context, value) -> str:
    return formats.format_size(value, context.get("locale", texts.DEFAULT_LOCALE))


@bp.app_template_filter("verdict")
@pass_context
def _verdict(context, value, past: bool = False) -> str:
    """An answer in the reader's words; a process's own outcome by its label when the page
    shows a process."""
    return present.verdict_label(context.get("process"), value,
                                 context.get("locale", texts.DEFAULT_LOCALE), past)


@bp.app_template_filter("state")
@pass_context
def _state(context, value, kind: str) -> str:
    return texts.term(kind, value, context.get("locale", texts.DEFAULT_LOCALE))


def _field_errors(error: FormInvalid, locale: str) -> dict[str, str]:
    return {name: texts.field_error(code, params, locale)
            for name, (code, params) in error.errors.items()}


# ---------------------------------------------------------------------------- inbox


@bp.get("/")
@login_required
def inbox():
    return inbox_page()


def inbox_page(status: int = 200, **extra: Any):
    """The inbox; ``extra`` carries what a refused bulk decision shows again (:mod:`web.bulk`:
    ``bulk_error``, ``selected``, ``comment``)."""
    person, locale = current_person(), current_locale()
    listing, problem = read_listing(lists.OPEN)  # the search, filters, sort and page
    with read_session(db()) as s:
        found = lists.open_task_page(s, person.id, locale, listing, utcnow())
        tasks = found.tasks
        _bulk_answers(found)
        framed = list_frame(s, lists.OPEN, person.id, listing, locale)
        notes = notices.latest_unread(s, person.id, locale)  # the few newest unread
        processes = catalogue.startable(s, person.id, locale)
    answers = {a for task in tasks for a in task["bulk"]}
    return render_template("inbox.html", tasks=tasks, listed=found, notes=notes,
                           processes=processes, selected=extra.pop("selected", []),
                           problem=problem, **framed,
                           bulk_answers=[a for a in bulk.BULK_VERDICTS if a in answers],
                           **extra), status


def _bulk_answers(found: lists.ListPage) -> None:
    """Mark each open task of the page with its kind (process and stage: a bulk decision
    takes one kind) and the answers it may be given from the inbox
    (:mod:`approvals.core.bulk`), from what the page read: nothing more is read."""
    for item in found.tasks:
        process = found.processes[item["id"]]
        item["bulk_kind"] = f"{item['process']}/{item['stage']}"
        item["bulk"] = bulk.answers_in_bulk(process, item["stage"], item["verdicts"],
                                            item["kind"])


def _stage_name(process: Process, key: str, locale: str) -> str:
    try:
        return process.status(key).name.get(locale) if key else ""
    except KeyError:
        return key


# ---------------------------------------------------------------------------- starting


@bp.get("/processes")
@login_required
def processes():
    """The catalogue: the processes the person may start, by area, with a search (``q``)."""
    query = request.args.get("q", "").strip()[:200]
    with read_session(db()) as s:
        items = catalogue.startable(s, current_person().id, current_locale(), query)
    return render_template("processes.html", areas=catalogue.by_area(items), query=query)


@bp.route("/processes/<process_id>/start", methods=["GET", "POST"])
@login_required
def start(process_id: str):
    person, locale = current_person(), current_locale()
    with read_session(db()) as s:
        process = registry.definition(registry.latest(s, process_id))
        catalogue.require_starter(s, process, person.id)  # service.start refuses it too
        people = forms.directory_choices(s)
    if request.method != "POST":  # GET, and HEAD: never a start
        return render_template("start.html", process=process,
                               values=forms.defaults(process, locale), errors={}, people=people)
    raw = forms.raw_from_request(process, request.form, request.files)
    try:
        result = service.start(db(), process_id, person.id, raw, utcnow(), channel="web",
                               locale=locale)
    except FormInvalid as error:
        return render_template("start.html", process=process, errors=_field_errors(error,
                               locale), values=forms.submitted_values(request.form),
                               people=people), 400
    kick(result.outbox_ids)
    flash(texts.t("flash.started", locale), "success")
    return redirect(url_for(".instance", instance_id=result.instance_id), 303)


# ---------------------------------------------------------------------------- tasks


@bp.get("/tasks/<row:task_id>")
@login_required
def task(task_id: int):
    return _task_page(task_id)


def _task_page(task_id: int, status: int = 200, **extra: Any):
    """The task page; ``extra`` carries what a refused POST wants to show again."""
    person, locale = current_person(), current_locale()
    with read_session(db()) as s:
        row, instance = queries.get_task(s, task_id)
        queries.require_reader(s, instance, person)
        context = _instance_context(s, instance, person, locale)
        people = forms.directory_choices(s)
    view = context["view"]
    task_view = next(t for t in view["tasks"] if t["id"] == task_id)
    revision = task_view["kind"] == "revision"
    editable = task_view["state"] == "open" and task_view["assignee"]["id"] == person.id
    values = extra.pop("values", None)
    if values is None:
        values = forms.form_values(context["process"], view["fields"], locale)
    return render_template("task.html", task=task_view, revision=revision, editable=editable,
                           values=values, errors=extra.pop("errors", {}), people=people,
                           comment=extra.pop("comment", ""),
                           sent_back=_sent_back_comments(view, task_view["round"])
                           if revision else [],
                           **context, **extra), status


def _sent_back_comments(view: dict, revision_round: int | None) -> list[dict]:
    """The send-back comments of the round that led to this revision."""
    return [{"name": t["decided_by"]["name"] if t["decided_by"] else "",
             "comment": t["comment"], "at": t["closed_at"]}
            for t in view["tasks"] if t["verdict"] == "send_back"
            and revision_round is not None and t["round"] == revision_round - 1]


@bp.post("/tasks/<row:task_id>/decide")
@login_required
def decide(task_id: int):
    person, locale = current_person(), current_locale()
    verdict = request.form.get("verdict", "")
    comment = request.form.get("comment", "")
    with read_session(db()) as s:
        row, instance = queries.get_task(s, task_id)
        process = queries.process_of(s, instance)
    asked = process.asked(row.stage, verdict)
    values = forms.raw_from_request(process, request.form, request.files, partial=True,
                                    specs=asked) if asked else None
    try:
        result = service.decide(db(), task_id, person.id, verdict, comment, utcnow(),
                                channel="web", values=values, locale=locale)
    except FormInvalid as error:
        return _task_page(task_id, 422, comment=comment, errors=_field_errors(error, locale),
                          values=forms.submitted_values(request.form),
                          notice=texts.t("start.invalid", locale))
    except AlreadyDecided as error:
        at = error.params.get("at")
        notice = texts.t("task.already_decided", locale, name=error.params.get("by", ""),
                        when=formats.format_time(at, locale, current_zone()),
                        verdict=_answer_label(task_id, error.params.get("verdict"), locale,
                                              past=True))
        return _task_page(task_id, 409, notice=notice)
    except CommentRequired:
        return _task_page(task_id, 400, comment=comment, comment_error=texts.t(
            "error.comment_required", locale))
    except (TaskClosed, InstanceClosed, VerdictNotAllowed, ConcurrentUpdate) as error:
        return _task_page(task_id, error.status, comment=comment,
                          notice=texts.error_message(error.code, locale, error.params))
    kick(result.outbox_ids)
    flash(texts.t("flash.decided", locale, verdict=_answer_label(task_id, verdict, locale)),
          "success")
    return redirect(url_for(".instance", instance_id=result.instance_id), 303)


def _answer_label(task_id: int, verdict: str | None, locale: str, past: bool = False) -> str:
    """``verdict`` as the task's process words it."""
    with read_session(db()) as s:
        row, instance = queries.get_task(s, task_id)
        process = queries.process_of(s, instance)
    return present.verdict_label(process, verdict, locale, past, stage=row.stage)


# ---------------------------------------------------------------------------- instances


def _instance_context(s, instance: Instance, person, locale: str) -> dict[str, Any]:
    process = queries.process_of(s, instance)
    actor = policy.Actor.of(person.id, roles_of(s, person.id))
    view = queries.instance_view(s, instance, locale)
    with_rounds = dict(s.exec(select(Task.id, Task.round)
                              .where(Task.instance_id == instance.id)).all())
    latest: dict[str, list[int]] = {}
    for item in view["tasks"]:
        item["round"] = with_rounds.get(item["id"])
        if item["close_reason"] != "reassigned":
            latest.setdefault(item["stage"].split(".")[0], []).append(item["round"] or 0)
    for stage in view["stages"]:  # how many people the stage went to (in its last round)
        rounds = latest.get(stage["key"], [])
        stage["people"] = rounds.count(max(rounds)) if rounds else 0
    names = present.Names(s)
    names.load(emails=present.emails_in(process, view["fields"]))
    my_open = [t for t in view["tasks"] if t["state"] == "open"
               and t["assignee"] and t["assignee"]["id"] == person.id]
    trail = current_trail(s, instance)
    return {
        "view": view,
        "process": process,
        "fields": present.field_rows(process, view["fields"], view["documents"], locale,
                                     names),
        # each file field's latest version previewed, and every version (web/documents.py)
        "files": field_documents(s, view),
        "timeline": present.timeline(view, process, locale, names),
        "my_open": my_open,
        "can_withdraw": policy.may_withdraw(actor, initiator=view["initiator"]["id"],
                                            status=view["status"]),
        # the discussion's form (web/discussion.py): participants and administrators
        "can_comment": policy.may_comment(
            actor, participant=queries.is_participant(s, instance, person)),
        "reopen_stages": ([(st.key, st.name.get(locale)) for st in process.stages]
                          if policy.may_reopen(actor, status=view["status"]) else []),
        "trail": trail,
        "earlier_trails": [t for t in trails_of(s, instance.id) if t != trail],
    }


@bp.get("/instances/<row:instance_id>")
@login_required
def instance(instance_id: int):
    return _instance_page(instance_id)


def _instance_page(instance_id: int, status: int = 200, **extra: Any):
    person, locale = current_person(), current_locale()
    with read_session(db()) as s:
        row = queries.get_instance(s, instance_id)
        queries.require_reader(s, row, person)
        context = _instance_context(s, row, person, locale)
    return render_template("instance.html", **context, **extra), status


@bp.post("/instances/<row:instance_id>/withdraw")
@login_required
def withdraw(instance_id: int):
    person, locale = current_person(), current_locale()
    reason = request.form.get("reason", "")
    with read_session(db()) as s:  # who may, before what the form lacks
        initiator = queries.get_instance(s, instance_id).initiator_id
    if not policy.may_withdraw(current_actor(), initiator=initiator, status="running"):
        raise Forbidden("only the initiator or an administrator can withdraw this process")
    if not request.form.get("confirm"):
        return _instance_page(instance_id, 400, withdraw_error=texts.t(
            "instance.withdraw_unconfirmed", locale), reason=reason)
    result = service.withdraw(db(), instance_id, person.id, reason, utcnow(), channel="web")
    kick(result.outbox_ids)
    flash(texts.t("flash.withdrawn", locale), "success")
    return redirect(url_for(".instance", instance_id=instance_id), 303)


@bp.post("/instances/<row:instance_id>/reopen")
@login_required
def reopen(instance_id: int):
    """An administrator takes a completed or withdrawn process back into approval."""
    person, locale = current_person(), current_locale()
    reason, stage = request.form.get("reason", ""), request.form.get("stage") or None
    kept = {"reopen_reason": reason, "reopen_stage": stage}
    if not current_actor().is_admin:  # who may, before what the form lacks
        raise Forbidden("only an administrator can reopen a process")
    if not request.form.get("confirm"):
        return _instance_page(instance_id, 400, reopen_error=texts.t(
            "instance.reopen_unconfirmed", locale), **kept)
    try:
        result = service.reopen(db(), instance_id, person.id, reason, utcnow(), stage=stage,
                                channel="web")
    except CommentRequired:
        return _instance_page(instance_id, 400, reopen_error=texts.t(
            "instance.reopen_reason_required", locale), **kept)
    except TransitionNotAllowed as refusal:
        key = ("instance.reopen_trail_pending" if refusal.params.get("why") == "trail_pending"
               else "error.transition_not_allowed")
        return _instance_page(instance_id, 409, reopen_error=texts.t(key, locale), **kept)
    kick(result.outbox_ids)
    with read_session(db()) as s:
        process = queries.process_of(s, queries.get_instance(s, instance_id))
    flash(texts.t("flash.reopened", locale,
                 stage=process.status(result.stage).name.get(locale)), "success")
    return redirect(url_for(".instance", instance_id=instance_id), 303)


@bp.post("/instances/<row:instance_id>/resubmit")
@login_required
def resubmit(instance_id: int):
    person, locale = current_person(), current_locale()
    with read_session(db()) as s:
        row = queries.get_instance(s, instance_id)
        queries.require_reader(s, row, person)
        process = queries.process_of(s, row)
    raw = forms.raw_from_request(process, request.form, request.files, partial=True)
    comment = request.form.get("_comment", "")
    try:
        result = service.resubmit(db(), instance_id, person.id, raw, comment, utcnow(),
                                  channel="web", locale=locale)
    except FormInvalid as error:
        task_id = _open_revision_task(instance_id)
        if task_id is None:
            raise
        return _task_page(task_id, 400, errors=_field_errors(error, locale),
                          values=forms.submitted_values(request.form), comment=comment)
    except (TransitionNotAllowed, InstanceClosed, ConcurrentUpdate) as error:
        task_id = _open_revision_task(instance_id)
        if task_id is None:
            raise
        return _task_page(task_id, error.status,
                          notice=texts.error_message(error.code, locale, error.params))
    kick(result.outbox_ids)
    flash(texts.t("flash.resubmitted", locale), "success")
    return redirect(url_for(".instance", instance_id=instance_id), 303)


def _open_revision_task(instance_id: int) -> int | None:
    with read_session(db()) as s:
        return s.exec(select(Task.id).where(Task.instance_id == instance_id,
                                            Task.kind == "revision")
                      .order_by(Task.seq.desc())).first()


@bp.get("/documents/<row:doc_id>")
@login_required
def document(doc_id: int):
    with read_session(db()) as s:  # the check every preview of it makes too
        doc = readable_document(s, doc_id, current_person())
        blob = s.get(Blob, doc.sha256)
        data, filename, content_type = blob.data, doc.filename, doc.content_type
    response = send_file(io.BytesIO(data), mimetype=content_type or "application/octet-stream",
                         as_attachment=True, download_name=filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------- errors


def render_error(status: int, message: str, code: str | None, params=None):
    """The error page in the person's language; ``code`` is a domain error code if any."""
    try:
        locale = current_locale()
    except Exception:  # noqa: BLE001 - the error page must render even without a database
        locale = texts.DEFAULT_LOCALE
    if code is None and status == 400 and "CSRF" in (message or ""):
        code = "csrf"
    text = texts.error_message(code, locale, params)
    if text is None:
        text = message if locale == "en" and message else texts.t(f"http.{status}", locale)
        if text == f"http.{status}":
            text = message or str(status)
    detail = message if locale == "en" and message and message != text else ""
    return render_template("error.html", status=status, text=text, detail=detail,
                           code=code), status
