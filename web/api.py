"""The JSON API under ``/api``: token-authenticated, no cookies, no CSRF.

Every request carries ``Authorization: Bearer <token>`` (``signoff people token EMAIL``, or
the ``/tokens`` page); a missing, unknown, expired or revoked token answers 401 and says which.
Handlers only translate HTTP to service calls and back; domain errors become status codes in
:mod:`web.errors`.

| method and path                                 | answer                                      |
|-------------------------------------------------|---------------------------------------------|
| ``GET  /api/processes``                         | ``{"processes": [...]}`` startable processes |
| ``POST /api/instances``                         | 201, the instance view, ``Location``        |
| ``GET  /api/instances/<id>``                    | the instance view (participants, admins,    |
|                                                 | auditors)                                   |
| ``POST /api/instances/<id>/resubmit``           | the instance view after a revision          |
| ``POST /api/instances/<id>/withdraw``           | the instance view, cancelled                |
| ``POST /api/instances/<id>/reopen``             | the instance view, running again (admins)   |
| ``POST /api/instances/<id>/comments``           | 201, the comment (participants and admins,  |
|                                                 | while it runs; :mod:`web.discussion`)       |
| ``GET  /api/instances/<id>/documents/<doc_id>`` | the stored file, as an attachment           |
| ``GET  /api/instances/<id>/trail.pdf``          | the newest signed trail of a completed      |
|                                                 | instance (409 while it is being made), or a |
|                                                 | provisional one of a running instance;      |
|                                                 | ``X-Signoff-Trail: signed|provisional``;    |
|                                                 | ``?trail=N``: signed trail No. N of it (an  |
|                                                 | earlier one, when it was reopened)          |
| ``POST /api/exports``                           | 202, the export resource, ``Location``      |
|                                                 | (auditors and administrators)               |
| ``GET  /api/exports/<id>``                      | the export: state, progress, download URL   |
| ``GET  /api/exports/<id>/download``             | the ZIP (409 until it is ready)             |
| ``GET  /api/tasks?assignee=me``                 | ``{"tasks", "total", "next"}``: a page of   |
|                                                 | the caller's open tasks (list parameters)   |
| ``GET  /api/tasks/done``                        | the same of the tasks the caller decided    |
| ``GET  /api/instances?started_by=me``           | ``{"instances", "total", "next"}``: the     |
|                                                 | instances the caller started                |
| ``GET  /api/instances?watching=me``             | the same of those the caller takes part in  |
|                                                 | (not started, no open task of theirs)       |
| ``POST /api/tasks/<id>/decision``               | the decision, the instance's status, stage  |
|                                                 | and outcome after it, the caller's next     |
|                                                 | task on it, links (not the whole view)      |
| ``POST /api/tasks/decisions``                   | ``{"decided", "failed", "results"}``: many  |
|                                                 | decisions, each its own (:mod:`web.bulk`)   |
| ``POST /api/tasks/<id>/reassign``               | the instance view; the task goes to ``to``  |
|                                                 | (the assignee or an administrator)          |
| ``GET  /api/instances/<id>/fields/<f>/versions``| every version of file field ``f``           |
|                                                 | (:mod:`web.documents_api`)                  |
| ``GET  /api/instances/<id>/fields/<f>/compare`` | two versions' text side by side             |
| ``GET  /api/reports``                           | the reports' figures (:mod:`web.reports`)   |
| ``GET  /api/me/absences``                       | the caller's days away and deputies, and    |
|                                                 | those in which they deputise                |
| ``POST /api/me/absences``                       | 201: days away set (administrators: for     |
|                                                 | anyone), open tasks handed over if asked    |
| ``DELETE /api/me/absences/<id>``                | the days away, cancelled                    |
| ``GET  /api/people?q=&limit=``                  | ``{"people": [...]}``: active people whose  |
|                                                 | name, address, department or position holds |
|                                                 | every word (the person pickers)             |
| ``GET  /api/people/<id>/leave?year=``           | a person's leave balances and the year's    |
|                                                 | ledger lines (the person, their managers,   |
|                                                 | HR, administrators)                         |
| ``GET  /api/payments``                          | the accountants' queue: invoices approved   |
|                                                 | for payment and totals per currency, with   |
|                                                 | the page's filters (accountants, admins)    |
| ``GET  /api/openapi.json``                      | this API's OpenAPI 3.1 description (no      |
|                                                 | token needed; :mod:`web.openapi`)           |

Bodies are JSON objects: start ``{"process", "fields"}`` (a file field is
``{"filename", "content_base64"[, "content_type"]}``), decision
``{"verdict", "comment"[, "fields"]}`` (``fields``: the answers to the task's form),
decisions ``{"decisions": [{"task", "verdict"[, "comment"]}, …]}`` (at most 200; each
task decided in its own transaction, a refusal reported in its item),
resubmit ``{"comment", "fields"}`` (only the changed fields), withdraw ``{"reason"}``,
reopen ``{"reason"[, "stage"]}`` (administrators; the stage defaults to the first),
comment ``{"text"}`` (at most 4,000 characters; every other participant is told),
reassign ``{"to": EMAIL[, "comment"]}``, days away ``{"from": DATE, "to": DATE[, "deputy":
EMAIL, "reason", "person": EMAIL, "handover": true]}`` (the deputy defaults to the manager),
export ``{"from": DATE, "to": DATE[, "process"]}`` (ISO dates,
both days included, UTC; the trails of the processes completed in that period).

The four lists take the same parameters as their pages (:mod:`approvals.store.lists`): ``q``
(search), ``process``, ``status`` (instance lists and done), ``overdue=1`` (task lists),
``from``/``to`` (ISO dates on the list's own date), ``sort`` (``deadline``, ``started``,
``amount``), ``order`` (``asc``/``desc``), ``limit``, ``page``; one that cannot be read answers
400 ``form_invalid`` naming it.

Each view carries :func:`web.openapi.operation`: the body and answer models, the errors it
refuses with; the description is generated from those and the URL map, and a view without one
under ``/api`` fails to build.

Who may read a trail: its participants, auditors and administrators; anyone else gets 403 and
the attempt is logged (:mod:`approvals.records.access`).
"""

from __future__ import annotations

import io
import json
import logging
import time
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request, send_file, url_for
from werkzeug.exceptions import BadRequest, HTTPException

from accounting import queue as payment_queue
from approvals import service
from approvals.config import trails_dir
from approvals.core import policy
from approvals.core.errors import Forbidden, NotAnAssignee, NotFound, StoreUnavailable
from approvals.core.model import LOCALES
from approvals.core.states import COMPLETED, OPEN
from approvals.dispatch import kick
from approvals.records import access, exports
from approvals.records.drafts import DraftPending
from approvals.records.trails import signed_trail_file
from approvals.store import catalogue, lists, queries
from approvals.store.db import read_connection, read_session, write_session
from approvals.store.directory import (
    find_person,
    person_for_token,
    record_token_use,
    roles_of,
    token_use_due,
)
from approvals.store.models import Blob, Document, Person
from hr import people as hr_people
from web import away, bulk, openapi
from web import hr_leave as web_hr_leave
from web import hr_people as web_hr_people
from web import lists as web_lists
from web.audit import (
    DRAFT_RETRY_S,
    enqueue_export,
    reader_draft,
    send_export,
    send_trail,
    trail_number,
)
from web.context import ROW_ID_MAX, RowId, db, utcnow
from web.openapi import File, Json, Query, operation

bp = Blueprint("api", __name__)
log = logging.getLogger(__name__)
CHANNEL = "api"


@bp.record_once
def _register_converter(state) -> None:
    state.app.url_map.converters.setdefault("id", RowId)


# ---------------------------------------------------------------------------- the edge


@bp.before_request
def _authenticate():
    """Who is asking: the person behind the bearer token, or a 401 (none for the description)."""
    if openapi.is_public(current_app.view_functions.get(request.endpoint or "")):
        return None
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return _unauthorized("send Authorization: Bearer <token> (signoff people token EMAIL)")
    now = utcnow()
    # one read transaction: on SQLite its statements run on the driver's cursor (Prepared)
    with read_connection(db()) as connection, connection.begin():
        check = person_for_token(connection, token, now)
        if check.person is not None:  # what the routes' policy asks, read on the same connection
            g.actor = policy.Actor.of(check.person.id, roles_of(connection, check.person.id))
    if check.person is None:
        return _unauthorized(_TOKEN_REFUSED[check.state], invalid=True)
    if token_use_due(check.token, now):
        with write_session(db()) as session:
            record_token_use(session, check.token.id, now)
    g.person = check.person
    return None


#: What a refused token is told, by :func:`approvals.store.directory.person_for_token`'s state.
_TOKEN_REFUSED = {
    "unknown": "the token is not valid",
    "expired": "the token has expired; make a new one (signoff people token EMAIL, or the "
               "API tokens page)",
    "revoked": "the token was revoked; make a new one (signoff people token EMAIL, or the "
               "API tokens page)",
    "inactive": "the token's holder is no longer active",
}


def _unauthorized(message: str, invalid: bool = False):
    response = jsonify({"error": "unauthorized", "message": message})
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"' if invalid \
        else "Bearer"
    return response


def _body() -> dict[str, Any]:
    """The request's JSON object, or a 400 that says what is wrong with it."""

    def _no_constants(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    raw = request.get_data(cache=False)
    if not raw.strip():
        raise BadRequest("the request body is empty; send a JSON object")
    try:
        body = json.loads(raw, parse_constant=_no_constants)
    except (ValueError, RecursionError) as error:
        raise BadRequest(f"the request body is not valid JSON: {error}") from None
    if not isinstance(body, dict):
        raise BadRequest("the request body must be a JSON object")
    if _has_nul(body):
        raise BadRequest("the request body holds a NUL character (\\u0000), which no text "
                         "may contain")
    return body


def _has_nul(value: Any) -> bool:
    """Whether any string in a parsed JSON value holds NUL (PostgreSQL text refuses it)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadRequest(f"{key!r} must be a string")
    return value


def _object(body: dict[str, Any], key: str) -> dict[str, Any]:
    value = body.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadRequest(f"{key!r} must be a JSON object of field values")
    return value


def _locale() -> str:
    return request.accept_languages.best_match(LOCALES) or g.person.locale or "en"


def _view(instance_id: int, reader: Person | None = None):
    """The instance's view (for ``reader``, when given, only if they may read it).

    Core statements in one read transaction (one snapshot), no ORM session: the view is most
    of what a start, a resubmission or a GET of the instance costs."""
    with read_connection(db()) as connection, connection.begin():
        row = queries.instance_row(connection, instance_id)
        if reader is not None:
            queries.require_reader(connection, row, reader)
        return jsonify(queries.instance_view(connection, row, _locale()))


#: After a command committed, its view is read again after these waits (seconds) if the store
#: fails meanwhile (a dropped connection, a restart): the command must not look refused.
VIEW_RETRIES = (0.1, 0.3, 1.0)


def _done(result: service.Result):
    """After a committed command: hand its outbox rows to the workers, answer with the view.

    The command is recorded whatever happens next, so a store that fails while the view is
    read never turns it into a 503 (a client would try again, and be refused its own
    decision): the view is read again a few times, and failing that the answer is 303 See
    Other to the instance, whose GET the client can repeat."""
    kick(result.outbox_ids)
    for wait in (*VIEW_RETRIES, None):
        try:
            return _view(result.instance_id)
        except StoreUnavailable:
            if wait is None:
                break
            time.sleep(wait)
    log.warning("instance %s: the command was recorded, but its view could not be read; "
                "answered 303", result.instance_id)
    response = jsonify({"error": "recorded", "message": "the command was recorded; its view "
                        "could not be read just now: GET the Location"})
    response.status_code = 303
    response.headers["Location"] = url_for("api.instance", instance_id=result.instance_id)
    return response


# ---------------------------------------------------------------------------- endpoints


@bp.get("/processes")
@operation("The processes the caller may start",
           {200: Json(openapi.ProcessList, "the latest version of each process the caller may "
                      "start (administrators: every one, examples marked), by name")})
def processes():
    with read_session(db()) as session:
        return jsonify({"processes": catalogue.startable(session, g.person.id, _locale())})


@bp.post("/instances")
@operation("Start an instance of a process",
           {201: Json(openapi.InstanceView, "the new instance",
                      headers={"Location": "the instance's URL"})},
           body=openapi.StartBody,
           errors={400: "a missing or blank process, fields that are not an object, or "
                        "refused fields (form_invalid, with each field's code and message)",
                   403: "the caller may not start this process",
                   404: "no such process",
                   422: "a stage resolved to nobody"})
def start_instance():
    body = _body()
    process_id = body.get("process")
    if not isinstance(process_id, str) or not process_id.strip():
        raise BadRequest("'process' must be the id of a process (see GET /api/processes)")
    result = service.start(db(), process_id.strip(), g.person.id, _object(body, "fields"),
                           utcnow(), channel=CHANNEL)
    response = _done(result)
    if response.status_code == 200:
        response.status_code = 201
        response.headers["Location"] = url_for("api.instance", instance_id=result.instance_id)
    return response


@bp.get("/instances/<id:instance_id>")
@operation("Read an instance (participants, administrators, auditors)",
           {200: Json(openapi.InstanceView, "the instance view")},
           errors={403: "the caller is not a participant, administrator or auditor"})
def instance(instance_id: int):
    return _view(instance_id, reader=g.person)


@bp.post("/instances/<id:instance_id>/resubmit")
@operation("Resubmit an instance sent back for revision (its initiator)",
           {200: Json(openapi.InstanceView, "the instance view")}, body=openapi.ResubmitBody,
           errors={403: "the caller is not the initiator",
                   409: "the instance is not in revision, or changed meanwhile",
                   422: "a stage resolved to nobody"})
def resubmit(instance_id: int):
    body = _body()
    return _done(service.resubmit(db(), instance_id, g.person.id, _object(body, "fields"),
                                  _text(body, "comment"), utcnow(), channel=CHANNEL))


@bp.post("/instances/<id:instance_id>/withdraw")
@operation("Withdraw a running instance (its initiator or an administrator)",
           {200: Json(openapi.InstanceView, "the instance view")}, body=openapi.WithdrawBody,
           errors={403: "the caller may not withdraw it",
                   409: "the instance is no longer running, or changed meanwhile"})
def withdraw(instance_id: int):
    body = _body()
    return _done(service.withdraw(db(), instance_id, g.person.id, _text(body, "reason"),
                                  utcnow(), channel=CHANNEL))


@bp.post("/instances/<id:instance_id>/reopen")
@operation("Reopen an ended instance at a stage (administrators)",
           {200: Json(openapi.InstanceView, "the instance view")}, body=openapi.ReopenBody,
           errors={403: "the caller is not an administrator",
                   409: "the instance is running, or changed meanwhile",
                   422: "a stage resolved to nobody"})
def reopen(instance_id: int):
    body = _body()
    return _done(service.reopen(db(), instance_id, g.person.id, _text(body, "reason"),
                                utcnow(), stage=_text(body, "stage") or None,
                                channel=CHANNEL))


@bp.get("/instances/<id:instance_id>/documents/<id:document_id>")
@operation("Download a document of an instance",
           {200: File("*/*", "the stored file, with the type it was uploaded with",
                      headers={"Content-Disposition": "attachment; its file name"})},
           errors={403: "the caller may not read the instance",
                   404: "no such instance, or no such document in it"})
def document(instance_id: int, document_id: int):
    with read_session(db()) as session:
        queries.require_reader(session, queries.get_instance(session, instance_id), g.person)
        doc = session.get(Document, document_id)
        if doc is None or doc.instance_id != instance_id:
            raise NotFound(f"document {document_id} not found in instance {instance_id}",
                           document=document_id)
        data = session.get(Blob, doc.sha256).data
        response = send_file(io.BytesIO(data), mimetype=doc.content_type, as_attachment=True,
                             download_name=doc.filename, etag=doc.sha256, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/tasks")
@operation("The caller's open tasks, oldest first unless sorted, a page at a time; searched, "
           "filtered and sorted as the inbox is",
           {200: Json(openapi.TaskList, "a page of the open tasks, how many match in all, and "
                                        "the next page's link")},
           query=(Query("assignee", {"type": "string", "enum": ["me"], "default": "me"},
                        "whose tasks: only the caller's"), *web_lists.api_query(lists.OPEN)),
           errors={400: "assignee is not me, or a parameter that cannot be read (form_invalid, "
                        "with each parameter's code)"})
def tasks():
    assignee = request.args.get("assignee", "me")
    if assignee != "me":
        raise BadRequest("only assignee=me is supported")
    items, total, following = web_lists.api_page(lists.OPEN, g.person.id, _locale(),
                                                 "api.tasks", assignee="me")
    return jsonify({"tasks": items, "total": total, "next": following})


@bp.get("/tasks/done")
@operation("The tasks the caller decided (also on someone's behalf), newest first unless "
           "sorted, with the answer given and the instance's status now",
           {200: Json(openapi.TaskList, "a page of the decided tasks, how many match in all, "
                                        "and the next page's link")},
           query=web_lists.api_query(lists.DONE),
           errors={400: "a parameter that cannot be read (form_invalid, with each parameter's "
                        "code)"})
def tasks_done():
    items, total, following = web_lists.api_page(lists.DONE, g.person.id, _locale(),
                                                 "api.tasks_done")
    return jsonify({"tasks": items, "total": total, "next": following})


@bp.get("/instances")
@operation("The instances the caller started (started_by=me) or watches (watching=me: takes "
           "part in without having started it or holding an open task on it), newest first "
           "unless sorted",
           {200: Json(openapi.InstanceList, "a page of the instances, how many match in all, "
                                            "and the next page's link")},
           query=(Query("started_by", {"type": "string", "enum": ["me"]},
                        "me: the instances the caller started (give this or watching)"),
                  Query("watching", {"type": "string", "enum": ["me"]},
                        "me: the instances the caller takes part in without having started "
                        "them or holding an open task on them"),
                  *web_lists.api_query(lists.STARTED)),
           errors={400: "neither started_by=me nor watching=me (or both), or a parameter that "
                        "cannot be read (form_invalid, with each parameter's code)"})
def instances():
    chosen = {name: request.args.get(name) for name in ("started_by", "watching")
              if request.args.get(name) is not None}
    if list(chosen.values()) != ["me"]:
        raise BadRequest("give either started_by=me or watching=me")
    kind = lists.STARTED if "started_by" in chosen else lists.WATCHING
    items, total, following = web_lists.api_page(kind, g.person.id, _locale(), "api.instances",
                                                 **chosen)
    return jsonify({"instances": items, "total": total, "next": following})


@bp.post("/tasks/<id:task_id>/decision")
@operation("Decide a task (its assignee or their deputy)",
           {200: Json(openapi.DecisionAnswer, "the decision as recorded, the instance's "
                      "status and stage after it, the caller's next task on it, and links "
                      "(GET the instance for its whole view)")}, body=openapi.DecisionBody,
           errors={400: "a missing verdict, one the task does not allow, a missing comment, "
                        "or refused form answers (form_invalid)",
                   403: "the caller may not decide this task",
                   409: "the task is decided or closed, or the instance changed meanwhile",
                   422: "the next stage resolved to nobody"})
def decision(task_id: int):
    # A stranger learns 403, not what the body lacks: the body is parsed here (never under
    # the write lock) but judged in the command, after the caller, on the task the command
    # read — one read for the check and the decision (_task_of_caller's would be a second).
    try:
        verdict, comment, values = _decision_asked()
        refused: HTTPException | None = None
    except HTTPException as error:
        verdict, comment, values, refused = "", "", None, error

    def screen(task) -> None:
        if policy.refusal_to_decide(g.actor, assignee=task.assignee,
                                    task_state=task.state) == "not_an_assignee":
            raise NotAnAssignee("this task is assigned to someone else")
        if refused is not None:
            raise refused

    result = service.decide(db(), task_id, g.person.id, verdict, comment, utcnow(),
                            channel=CHANNEL, values=values, screen=screen)
    kick(result.outbox_ids)
    return jsonify(decision_answer(result, task_id, g.person, _locale()))


def _decision_asked() -> tuple[str, str, dict[str, Any] | None]:
    """A decision's body: its verdict, comment and form answers, or the 400 it deserves."""
    body = _body()
    verdict = body.get("verdict")
    if not isinstance(verdict, str) or not verdict.strip():
        raise BadRequest("'verdict' must be one of the task's verdicts (see GET /api/tasks)")
    values = body.get("fields")
    if values is not None and not isinstance(values, dict):
        raise BadRequest("'fields' must be an object: the task form's answers by field name")
    return verdict.strip(), _text(body, "comment"), values


def decision_answer(result: service.Result, task_id: int, person, locale: str
                    ) -> dict[str, Any]:
    """What a decision answers: the decision as recorded, the instance's status and current
    stage after it, the caller's next open task on it, and links — all from the command's
    :class:`~approvals.service.Result`, nothing read again (``GET /api/instances/<id>`` has
    the whole view)."""
    process, instance_id = result.process, result.instance_id
    decided = result.task(task_id)

    def stage_name(key: str) -> str:
        return process.status(key).name.get(locale) if key else ""

    mine = next((t for t in result.tasks if t.assignee == person.id and t.state == OPEN
                 and result.task_ids.get(t.seq, t.id) != task_id), None)
    completed = result.status == COMPLETED
    links = {"instance": url_for("api.instance", instance_id=instance_id)}
    if completed:
        links["trail"] = url_for("api.trail", instance_id=instance_id)
    return {
        "decision": {"task": task_id, "verdict": decided.verdict, "comment": decided.comment,
                     "decided_at": queries.iso(decided.closed_at),
                     "by": queries.person_ref(person), "channel": decided.channel},
        "instance": instance_id,
        "status": result.status,
        "stage": result.stage,
        "stage_name": stage_name(result.stage),
        "outcome": result.stage if completed else None,
        "next_task": None if mine is None else {
            "id": result.task_ids.get(mine.seq, mine.id), "stage": mine.stage,
            "stage_name": stage_name(mine.stage)},
        "links": links,
    }


@bp.post("/tasks/decisions")
@operation("Decide many tasks at once, each in its own transaction (the caller's tasks)",
           {200: Json(openapi.DecisionResults, "each decision's result, in the order asked: "
                      "recorded, or refused with the code and message the single decision "
                      "would give (a task that is not the caller's: not_an_assignee)")},
           body=openapi.DecisionsBody,
           errors={400: "decisions is not a list of {task, verdict[, comment]} objects, is "
                        "empty, names a task twice, or holds more than 200 (nothing is "
                        "decided then)"})
def decisions():
    asked = bulk.asked_in(_body())
    return jsonify(bulk.api_results(bulk.decide_each(g.person.id, asked, CHANNEL,
                                                     own_comments=True)))


@bp.post("/tasks/<id:task_id>/reassign")
@operation("Hand a task to someone else (its assignee or an administrator)",
           {200: Json(openapi.InstanceView, "the instance view")}, body=openapi.ReassignBody,
           errors={403: "the caller may not reassign this task",
                   404: "no such task, or nobody active with that address",
                   409: "the task is no longer open, or the instance changed meanwhile"})
def reassign(task_id: int):
    _task_of_caller(task_id, lambda actor, task: policy.may_reassign(
        actor, assignee=task.assignee_id), Forbidden(
        "only the assignee or an administrator can reassign this task"))
    body = _body()
    to = _text(body, "to").strip()
    if not to:
        raise BadRequest("'to' must be the email address of the new assignee")
    with read_session(db()) as session:
        new = find_person(session, to)
    if not new.active:
        raise NotFound(f"{to} is no longer in the directory", email=to)
    return _done(service.reassign(db(), task_id, new.id, g.person.id, utcnow(),
                                  channel=CHANNEL, comment=_text(body, "comment")))


# ---------------------------------------------------------------------------- days away


@bp.get("/me/absences")
@operation("The caller's days away and deputies, and those in which the caller deputises",
           {200: Json(openapi.AbsenceList, "current and future days away, soonest first")},
           tag="absences")
def absences():
    today = utcnow().date()
    with read_session(db()) as session:
        return jsonify(away.api_list(session, g.person.id, today))


@bp.post("/me/absences")
@operation("Set days away and who deputises meanwhile (one's own; administrators anyone's)",
           {201: Json(openapi.AbsenceCreated, "the days away (and what the hand-over did)",
                      headers={"Location": "the list of the caller's days away"})},
           body=openapi.AbsenceBody,
           errors={400: "refused days or deputy (form_invalid, each field's code: required, "
                        "not_a_date, range_reversed, away_in_the_past, deputy_is_self, "
                        "unknown_person, deputy_away, away_overlaps, deputy_required, "
                        "too_long); nothing is stored",
                   403: "a person other than the caller, by someone who is not an "
                        "administrator"},
           tag="absences")
def add_absence():
    body = _body()
    handover = body.get("handover", False)
    if not isinstance(handover, bool):
        raise BadRequest("'handover' must be true or false")
    created, handed = away.api_add(g.person, {key: _text(body, key) for key in (
        "person", "deputy", "from", "to", "reason")}, handover, utcnow())
    kick(handed.outbox_ids if handed else [])
    response = jsonify({"absence": created, "handover": away.api_handed(handed)})
    response.status_code = 201
    response.headers["Location"] = url_for("api.absences")
    return response


@bp.delete("/me/absences/<id:absence_id>")
@operation("Cancel days away (the person away or an administrator)",
           {200: Json(openapi.AbsenceView, "the days away, cancelled")},
           errors={403: "the caller is neither the person away nor an administrator"},
           tag="absences")
def cancel_absence(absence_id: int):
    actor = g.actor
    return jsonify(away.api_cancel(actor, absence_id, utcnow()))


def _task_of_caller(task_id: int, may, refusal: Exception | None = None) -> None:
    """Refuse, before the body says anything, a caller who may not act on this task at all
    (``may(actor, task)``): a stranger learns 403 (``refusal``), not what the body lacks."""
    with read_connection(db()) as connection:
        task = queries.task_holder(connection, task_id)
    if not may(g.actor, task):
        raise refusal or NotAnAssignee("this task is assigned to someone else")


@bp.get("/openapi.json")
@operation("This API's OpenAPI description", {200: Json(openapi.OpenApiDocument,
                                                         "the OpenAPI 3.1 document")},
           public=True, tag="meta")
def openapi_document():
    return jsonify(openapi.document(current_app))


# ---------------------------------------------------------------------------- people


@bp.get("/people")
@operation("Find people by name, address, department or position (active people; anyone "
           "with a token)",
           {200: Json(openapi.PeopleFound, "the people found, those whose name starts with "
                                           "the search first")},
           query=(Query("q", {"type": "string"}, "words each found in the name, address, "
                                                 "department or position, letter case aside"),
                  Query("limit", {"type": "integer", "minimum": 1, "maximum": 100,
                                  "default": 20}, "at most this many people")),
           tag="people")
def people_search():
    with read_session(db()) as session:
        found = hr_people.search(session, request.args.get("q", ""),
                                 web_hr_people.search_limit(request.args.get("limit")))
    return jsonify({"people": [hr_people.view(p) for p in found]})


@bp.get("/people/<row:person_id>/leave")
@operation("A person's leave balances and a year's ledger lines (the person, their managers, "
           "HR and administrators)",
           {200: Json(openapi.LeaveStatement, "per leave type with a balance: today's "
                                              "balance and the year's lines")},
           query=(Query("year", {"type": "integer"}, "the year of the lines (this year "
                                                     "without it)"),),
           errors={400: "a year that cannot be read (form_invalid)",
                   403: "the caller may not see this person's leave",
                   404: "no such person"},
           tag="people")
def person_leave(person_id: int):
    actor = g.actor
    return jsonify(web_hr_leave.api_view(actor, person_id, request.args.get("year"),
                                         _locale()))


# ---------------------------------------------------------------------------- payments


@bp.get("/payments")
@operation("The accountants' queue: invoices approved for payment, by due date, with totals "
           "per currency (accountants, administrators)",
           {200: Json(openapi.PaymentQueue, "the invoices and their totals")},
           query=(Query("supplier", {"type": "string"}, "part of the supplier's name"),
                  Query("inn", {"type": "string"}, "the supplier's INN"),
                  Query("from", {"type": "string", "format": "date"},
                        "due on this day or later"),
                  Query("to", {"type": "string", "format": "date"},
                        "due on this day or earlier"),
                  Query("status", {"type": "string", "enum": list(payment_queue.STATUSES),
                                   "default": payment_queue.OPEN},
                        "open: every unpaid invoice; overdue; week: due from today to "
                        "Sunday; paid")),
           errors={400: "a filter that cannot be read (form_invalid, with each filter's "
                        "code)",
                   403: "the caller is not an accountant or an administrator"},
           tag="payments")
def payments():
    actor = g.actor
    if not policy.may_work_payments(actor):
        raise Forbidden("only accountants and administrators work the payments queue")
    filters = payment_queue.parse_filters(request.args)
    today = utcnow().date()
    with read_session(db()) as session:
        found = payment_queue.rows(session, filters, today)
    return jsonify({"invoices": [row.view() for row in found],
                    "totals": [{"currency": total["currency"],
                                "amount": f"{total['amount']:.2f}", "count": total["count"]}
                               for total in payment_queue.totals(found)],
                    "today": today.isoformat()})


# ---------------------------------------------------------------------------- trails


@bp.get("/instances/<id:instance_id>/trail.pdf")
@operation("Download an instance's trail (its participants, auditors, administrators)",
           {200: File("application/pdf", "the newest signed trail of a completed instance, "
                      "or the provisional one of a running or withdrawn instance",
                      headers={"X-Signoff-Trail": "signed or provisional",
                               "Content-Disposition": "attachment; its file name"}),
            202: Json(openapi.TrailPending, "the provisional trail is being made",
                      headers={"Retry-After": "seconds to wait before asking again"})},
           query=(Query("trail", {"type": "integer", "minimum": 1, "maximum": ROW_ID_MAX},
                        "signed trail No. N of this instance (an earlier one, once it was "
                        "reopened)"),),
           errors={400: "trail is not a number",
                   403: "the caller may not read this trail (the attempt is logged)",
                   404: "no such instance, or no such signed trail of it",
                   409: "the signed trail of a completed instance is still being made"})
def trail(instance_id: int):
    now = utcnow()
    with read_session(db()) as session:
        instance = queries.get_instance(session, instance_id)
        access.require_trail_reader(db(), session, instance, g.person, channel=CHANNEL,
                                    path=request.path, now=now)
        file = signed_trail_file(session, instance, trails_dir(),
                                 trail_id=trail_number(instance_id))
    if file is None:
        file = reader_draft(instance_id, _locale(), now)
    if isinstance(file, DraftPending):
        response = jsonify({"state": "pending", "message": "the provisional trail is being "
                            "made; ask again after Retry-After seconds"})
        response.status_code = 202
        response.headers["Retry-After"] = str(DRAFT_RETRY_S)
        return response
    return send_trail(file)


def _require_auditor() -> None:
    with read_session(db()) as session:
        access.require_auditor(db(), session, g.person, what="export", channel=CHANNEL,
                               path=request.path, now=utcnow())


def _export(export_id: int) -> dict[str, Any]:
    with read_session(db()) as session:
        item = exports.view(session, exports.get(session, export_id))
    item["url"] = url_for("api.export", export_id=export_id)
    item["download_url"] = (url_for("api.export_download", export_id=export_id)
                            if item["state"] == "done" else None)
    return item


@bp.post("/exports")
@operation("Ask for a ZIP of the signed trails of a period (auditors, administrators)",
           {202: Json(openapi.ExportView, "the export, pending",
                      headers={"Location": "the export's URL"})},
           body=openapi.ExportBody,
           errors={400: "refused dates or process (form_invalid, with each field's code)",
                   403: "the caller is not an auditor or administrator"},
           tag="exports")
def create_export():
    _require_auditor()
    created = exports.create(db(), g.person.id, _body(), utcnow())
    enqueue_export(created.id)
    response = jsonify(_export(created.id))
    response.status_code = 202
    response.headers["Location"] = url_for("api.export", export_id=created.id)
    return response


@bp.get("/exports/<id:export_id>")
@operation("An export's state and progress (auditors, administrators)",
           {200: Json(openapi.ExportView, "the export")},
           errors={403: "the caller is not an auditor or administrator"}, tag="exports")
def export(export_id: int):
    _require_auditor()
    return jsonify(_export(export_id))


@bp.get("/exports/<id:export_id>/download")
@operation("Download a finished export (auditors, administrators)",
           {200: File("application/zip", "the ZIP: the trails and a CSV index",
                      headers={"Content-Disposition": "attachment; its file name"})},
           errors={403: "the caller is not an auditor or administrator",
                   409: "the export is not done (yet, or it failed)"}, tag="exports")
def export_download(export_id: int):
    _require_auditor()
    return send_export(export_id)
