"""The JSON API under ``/api``: token-authenticated, no cookies, no CSRF.

Every request carries ``Authorization: Bearer <token>`` (``signoff people token EMAIL``); a
missing or unknown token answers 401. Handlers only translate HTTP to service calls and back;
domain errors become status codes in :mod:`web.errors`.

| method and path                                 | answer                                      |
|-------------------------------------------------|---------------------------------------------|
| ``GET  /api/processes``                         | ``{"processes": [...]}`` startable processes |
| ``POST /api/instances``                         | 201, the instance view, ``Location``        |
| ``GET  /api/instances/<id>``                    | the instance view (participants, admins,    |
|                                                 | auditors)                                   |
| ``POST /api/instances/<id>/resubmit``           | the instance view after a revision          |
| ``POST /api/instances/<id>/withdraw``           | the instance view, cancelled                |
| ``POST /api/instances/<id>/reopen``             | the instance view, running again (admins)   |
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
| ``GET  /api/tasks?assignee=me``                 | ``{"tasks": [...]}`` the caller's open tasks |
| ``POST /api/tasks/<id>/decision``               | the instance view after the verdict         |
| ``POST /api/tasks/<id>/reassign``               | the instance view; the task goes to ``to``  |
|                                                 | (the assignee or an administrator)          |

Bodies are JSON objects: start ``{"process", "fields"}`` (a file field is
``{"filename", "content_base64"[, "content_type"]}``), decision
``{"verdict", "comment"[, "fields"]}`` (``fields``: the answers to the task's form),
resubmit ``{"comment", "fields"}`` (only the changed fields), withdraw ``{"reason"}``,
reopen ``{"reason"[, "stage"]}`` (administrators; the stage defaults to the first),
reassign ``{"to": EMAIL}``, export ``{"from": DATE, "to": DATE[, "process"]}`` (ISO dates,
both days included, UTC; the trails of the processes completed in that period).

Who may read a trail: its participants, auditors and administrators; anyone else gets 403 and
the attempt is logged (:mod:`approvals.records.access`).
"""

from __future__ import annotations

import io
import json
from typing import Any

from flask import Blueprint, g, jsonify, request, send_file, url_for
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from approvals import service
from approvals.config import trails_dir
from approvals.core.errors import NotFound
from approvals.core.model import LOCALES
from approvals.dispatch import kick
from approvals.records import access, exports
from approvals.store import queries
from approvals.store.db import read_session
from approvals.store.directory import find_person, person_for_token
from approvals.store.models import Blob, Document
from approvals.trail import provisional
from web.audit import enqueue_export, send_export, send_trail
from web.context import db, utcnow

bp = Blueprint("api", __name__)
CHANNEL = "api"


class RowId(IntegerConverter):
    """A positive row id that fits every database's integer column (larger ids are 404s)."""

    def __init__(self, url_map, *_args, **_kwargs) -> None:
        super().__init__(url_map, min=1, max=2**31 - 1)


@bp.record_once
def _register_converter(state) -> None:
    state.app.url_map.converters.setdefault("id", RowId)


# ---------------------------------------------------------------------------- the edge


@bp.before_request
def _authenticate():
    """Who is asking: the person behind the bearer token, or a 401."""
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return _unauthorized("send Authorization: Bearer <token> (signoff people token EMAIL)")
    with read_session(db()) as session:
        person = person_for_token(session, token)
    if person is None:
        return _unauthorized("the token is not valid", invalid=True)
    g.person = person
    return None


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


def _view(instance_id: int):
    with read_session(db()) as session:
        return jsonify(queries.instance_view(session, queries.get_instance(session, instance_id),
                                             _locale()))


def _done(result: service.Result):
    """After a committed command: hand its outbox rows to the workers, answer with the view."""
    kick(result.outbox_ids)
    return _view(result.instance_id)


# ---------------------------------------------------------------------------- endpoints


@bp.get("/processes")
def processes():
    with read_session(db()) as session:
        return jsonify({"processes": queries.processes(session, _locale())})


@bp.post("/instances")
def start_instance():
    body = _body()
    process_id = body.get("process")
    if not isinstance(process_id, str) or not process_id.strip():
        raise BadRequest("'process' must be the id of a process (see GET /api/processes)")
    result = service.start(db(), process_id.strip(), g.person.id, _object(body, "fields"),
                           utcnow(), channel=CHANNEL)
    response = _done(result)
    response.status_code = 201
    response.headers["Location"] = url_for("api.instance", instance_id=result.instance_id)
    return response


@bp.get("/instances/<id:instance_id>")
def instance(instance_id: int):
    with read_session(db()) as session:
        queries.require_reader(session, queries.get_instance(session, instance_id), g.person)
    return _view(instance_id)


@bp.post("/instances/<id:instance_id>/resubmit")
def resubmit(instance_id: int):
    body = _body()
    return _done(service.resubmit(db(), instance_id, g.person.id, _object(body, "fields"),
                                  _text(body, "comment"), utcnow(), channel=CHANNEL))


@bp.post("/instances/<id:instance_id>/withdraw")
def withdraw(instance_id: int):
    body = _body()
    return _done(service.withdraw(db(), instance_id, g.person.id, _text(body, "reason"),
                                  utcnow(), channel=CHANNEL))


@bp.post("/instances/<id:instance_id>/reopen")
def reopen(instance_id: int):
    body = _body()
    return _done(service.reopen(db(), instance_id, g.person.id, _text(body, "reason"),
                                utcnow(), stage=_text(body, "stage") or None,
                                channel=CHANNEL))


@bp.get("/instances/<id:instance_id>/documents/<id:document_id>")
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
def tasks():
    assignee = request.args.get("assignee", "me")
    if assignee != "me":
        raise BadRequest("only assignee=me is supported")
    with read_session(db()) as session:
        return jsonify({"tasks": queries.open_tasks(session, g.person.id, _locale())})


@bp.post("/tasks/<id:task_id>/decision")
def decision(task_id: int):
    body = _body()
    verdict = body.get("verdict")
    if not isinstance(verdict, str) or not verdict.strip():
        raise BadRequest("'verdict' must be one of the task's verdicts (see GET /api/tasks)")
    values = body.get("fields")
    if values is not None and not isinstance(values, dict):
        raise BadRequest("'fields' must be an object: the task form's answers by field name")
    return _done(service.decide(db(), task_id, g.person.id, verdict.strip(),
                                _text(body, "comment"), utcnow(), channel=CHANNEL,
                                values=values))


@bp.post("/tasks/<id:task_id>/reassign")
def reassign(task_id: int):
    body = _body()
    to = _text(body, "to").strip()
    if not to:
        raise BadRequest("'to' must be the email address of the new assignee")
    with read_session(db()) as session:
        new = find_person(session, to)
    if not new.active:
        raise NotFound(f"{to} is no longer in the directory", email=to)
    return _done(service.reassign(db(), task_id, new.id, g.person.id, utcnow(),
                                  channel=CHANNEL))


# ---------------------------------------------------------------------------- trails


@bp.get("/instances/<id:instance_id>/trail.pdf")
def trail(instance_id: int):
    now = utcnow()
    with read_session(db()) as session:
        instance = queries.get_instance(session, instance_id)
        access.require_trail_reader(db(), session, instance, g.person, channel=CHANNEL,
                                    path=request.path, now=now)
        file = provisional.trail_file(session, instance, trails_dir(), now, locale=_locale(),
                                 trail_id=request.args.get("trail", type=int))
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
def create_export():
    _require_auditor()
    created = exports.create(db(), g.person.id, _body(), utcnow())
    enqueue_export(created.id)
    response = jsonify(_export(created.id))
    response.status_code = 202
    response.headers["Location"] = url_for("api.export", export_id=created.id)
    return response


@bp.get("/exports/<id:export_id>")
def export(export_id: int):
    _require_auditor()
    return jsonify(_export(export_id))


@bp.get("/exports/<id:export_id>/download")
def export_download(export_id: int):
    _require_auditor()
    return send_export(export_id)
