"""The discussion on an instance: adding a comment from its page and through the API.

- ``POST /instances/<id>/comments`` — the instance page's form (``text``, CSRF); on success a
  303 back to the page's discussion, on a text the service refuses the page again with the
  message beside the field and the text kept;
- ``POST /api/instances/<id>/comments`` — ``{"text"}``; 201 with the comment as recorded, the
  instance view's ``comments`` then holding it.

Both call :func:`approvals.service.comment`, which decides who may (participants and
administrators), when (while the instance runs) and what text is taken
(:mod:`approvals.core.discussion`); the thread itself is the instance view's ``comments`` (the
``commented`` audit events), shown by ``_discussion.html``.
"""

from __future__ import annotations

from flask import Blueprint, flash, g, jsonify, redirect, request, url_for

from approvals import service, texts
from approvals.core.errors import FormInvalid
from approvals.dispatch import kick
from approvals.store import queries
from approvals.store.db import read_connection
from web import api, openapi
from web.auth import current_locale, current_person, login_required
from web.context import RowId, db, utcnow
from web.openapi import Json, operation
from web.pages import _field_errors, _instance_page

bp = Blueprint("discussion", __name__)
api_bp = Blueprint("api_discussion", __name__)
api_bp.before_request(api._authenticate)  # the API's bearer token, as for every /api route


@bp.record_once
def _register_converter(state) -> None:
    state.app.url_map.converters.setdefault("row", RowId)


@api_bp.record_once
def _register_api_converter(state) -> None:
    state.app.url_map.converters.setdefault("id", RowId)


@bp.post("/instances/<row:instance_id>/comments")
@login_required
def add_comment(instance_id: int):
    """The instance page's comment form."""
    person, locale = current_person(), current_locale()
    text = request.form.get("text", "")
    try:
        result = service.comment(db(), instance_id, person.id, text, utcnow(), channel="web")
    except FormInvalid as error:  # the text: the page again, the message by the field
        return _instance_page(instance_id, 400, comment_text=text,
                              comment_error=_field_errors(error, locale).get("text"))
    kick(result.outbox_ids)
    flash(texts.t("flash.commented", locale), "success")
    return redirect(url_for("pages.instance", instance_id=instance_id, _anchor="discussion"),
                    303)


@api_bp.post("/instances/<id:instance_id>/comments")
@operation("Comment on an instance (its participants and administrators, while it runs)",
           {201: Json(openapi.CommentView, "the comment as recorded",
                      headers={"Location": "the instance's URL (its view lists the comments)"})},
           body=openapi.CommentBody,
           errors={400: "no text, a text longer than 4,000 characters, or one holding NUL "
                        "(form_invalid, the field text)",
                   403: "the caller is not a participant or an administrator",
                   409: "the instance has ended: its record is closed, or it changed meanwhile"})
def api_add_comment(instance_id: int):
    body = api._body()
    result = service.comment(db(), instance_id, g.person.id, api._text(body, "text"),
                             utcnow(), channel=api.CHANNEL)
    kick(result.outbox_ids)
    with read_connection(db()) as connection, connection.begin():
        view = queries.instance_view(connection, queries.instance_row(connection, instance_id),
                                     api._locale())
    mine = [c for c in view["comments"] if c["author"] and c["author"]["id"] == g.person.id]
    response = jsonify(mine[-1])
    response.status_code = 201
    response.headers["Location"] = url_for("api.instance", instance_id=instance_id)
    return response
