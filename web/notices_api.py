"""The JSON API of a person's notifications (the pages: :mod:`web.notices`).

- ``GET /api/notifications`` — newest first, ``page``/``limit``/``unread=1``, with ``total``,
  ``unread`` and the ``next`` page's link;
- ``POST /api/notifications/<id>/read`` — one of the caller's, read;
- ``POST /api/notifications/read`` — all the caller's, or those up to ``up_to`` (the newest id
  the caller saw, so one that arrived meanwhile stays unread).

Its own blueprint under ``/api``, behind the API's bearer token (``web.api``'s
``_authenticate``), described in the OpenAPI document like every ``/api`` route. Another
person's notification is "not found".
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, jsonify, request, url_for
from werkzeug.exceptions import BadRequest

from approvals.core.errors import NotFound
from approvals.store import notices, queries
from approvals.store.db import read_session, write_session
from approvals.store.models import Notification
from web import api, openapi
from web.context import RowId, db, utcnow
from web.notices import notice_item
from web.openapi import Json, Query, operation

api_bp = Blueprint("api_notices", __name__)
api_bp.before_request(api._authenticate)  # the API's bearer token, as for every /api route


@api_bp.record_once
def _register_converter(state) -> None:
    state.app.url_map.converters.setdefault("id", RowId)


def _api_item(session, note: Notification, locale: str) -> dict[str, Any]:
    item = notice_item(session, note, locale)
    return {"id": item["id"], "template": item["template"], "text": item["text"],
            "created_at": queries.iso(note.created_at),
            "read_at": queries.iso(note.read_at),
            "instance_id": note.instance_id, "task_id": note.task_id, "url": item["url"]}


def _positive(name: str, default: int, most: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None or raw.strip() == "":
        return default
    raw = raw.strip()
    if not raw.isdigit() or int(raw) < 1 or (most is not None and int(raw) > most):
        bound = f" from 1 to {most}" if most else " of 1 or more"
        raise BadRequest(f"{name} must be a whole number{bound}")
    return int(raw)


@api_bp.get("/notifications")
@operation("The caller's notifications, newest first, a page at a time",
           {200: Json(openapi.NoticeList, "a page of them, how many there are, how many are "
                                          "unread, and the next page's link")},
           query=(Query("page", {"type": "integer", "minimum": 1, "default": 1},
                        "which page (follow next)"),
                  Query("limit", {"type": "integer", "minimum": 1,
                                  "maximum": notices.MAX_PAGE_SIZE,
                                  "default": notices.PAGE_SIZE}, "at most this many a page"),
                  Query("unread", {"type": "integer", "enum": [0, 1], "default": 0},
                        "1: only the unread")),
           errors={400: "a page, limit or unread that cannot be read"}, tag="notifications")
def api_notifications():
    page_no = _positive("page", 1, 10**9)
    limit = _positive("limit", notices.PAGE_SIZE, notices.MAX_PAGE_SIZE)
    unread = request.args.get("unread", "0").strip() or "0"
    if unread not in ("0", "1"):
        raise BadRequest("unread must be 0 or 1")
    locale = api._locale()
    with read_session(db()) as session:
        found = notices.notice_page(session, g.person.id, page=page_no, limit=limit,
                                    unread_only=unread == "1")
        items = [_api_item(session, note, locale) for note in found.notes]
    following = url_for(".api_notifications", page=found.next, limit=limit,
                        **({"unread": 1} if unread == "1" else {})) if found.next else None
    return jsonify({"notifications": items, "total": found.total, "unread": found.unread,
                    "next": following})


@api_bp.post("/notifications/<id:note_id>/read")
@operation("Mark one of the caller's notifications read",
           {200: Json(openapi.NoticesRead, "how many were marked (0: it was read already)")},
           errors={404: "no such notification of the caller's"}, tag="notifications")
def api_mark_one(note_id: int):
    with write_session(db()) as session:
        if notices.own_notice(session, g.person.id, note_id) is None:
            raise NotFound(f"notification {note_id} not found")
        marked = int(notices.mark_read(session, g.person.id, note_id, utcnow()))
        unread = notices.unread_count(session, g.person.id)
    return jsonify({"marked": marked, "unread": unread})


@api_bp.post("/notifications/read")
@operation("Mark the caller's notifications read: all, or those up to an id",
           {200: Json(openapi.NoticesRead, "how many were marked, how many are still unread")},
           body=openapi.NoticesReadBody,
           errors={400: "up_to is not a whole number of 1 or more"}, tag="notifications")
def api_mark_all():
    body = api._body() if request.get_data(cache=True).strip() else {}
    up_to = body.get("up_to")
    if up_to is not None and (isinstance(up_to, bool) or not isinstance(up_to, int)
                              or not 1 <= up_to < 2**63):  # a row id fits in 63 bits
        raise BadRequest("'up_to' must be a whole number of 1 or more (the newest id seen)")
    with write_session(db()) as session:
        marked = notices.mark_all_read(session, g.person.id, utcnow(), up_to)
        unread = notices.unread_count(session, g.person.id)
    return jsonify({"marked": marked, "unread": unread})
