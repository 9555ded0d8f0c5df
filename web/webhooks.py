"""``/admin/webhooks``: for administrators, the endpoints Signoff posts its events to
(Standard Webhooks, see :mod:`workers.webhooks`), each with its delivery log, and the buttons
that add, rotate, disable, test and remove them.

| method and path                                  | answer                                   |
|--------------------------------------------------|------------------------------------------|
| ``GET  /admin/webhooks``                         | the endpoints and the form that adds one |
| ``POST /admin/webhooks``                         | the new endpoint's page with its secret, |
|                                                  | shown this once (``no-store``); 400 and  |
|                                                  | the form's errors when refused           |
| ``GET  /admin/webhooks/<id>``                    | one endpoint: its settings, its latest   |
|                                                  | messages and their attempts              |
| ``POST /admin/webhooks/<id>/secret``             | a new secret, shown this once            |
| ``POST /admin/webhooks/<id>/active``             | ``active=1`` enables, ``0`` disables; 303|
| ``POST /admin/webhooks/<id>/ping``               | a test event (``ping``) sent; 303        |
| ``POST /admin/webhooks/<id>/delete``             | with ``confirm=yes``; 303 to the list    |
| ``POST /admin/webhooks/messages/<id>/resend``    | the message again, same ``webhook-id``;  |
|                                                  | 303 to its endpoint                      |

Everyone but an administrator gets 403 before anything is read.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import func
from sqlmodel import select

from approvals import texts
from approvals.core.errors import FormInvalid, NotFound
from approvals.core.webhooks import EVENTS
from approvals.dispatch import route
from approvals.records import webhooks
from approvals.store.db import read_session
from approvals.store.models import OutboxItem, Person, WebhookAttempt, WebhookEndpoint
from web.auth import current_locale, current_person, login_required, require_admin
from web.context import db, utcnow

bp = Blueprint("webhooks", __name__)
SHOWN = 50  # messages and attempts an endpoint's page shows, newest first
_ENDPOINT_OF = OutboxItem.payload["endpoint"].as_integer()


def _require_admin() -> None:
    require_admin("manage webhooks")


@bp.get("/admin/webhooks")
@login_required
def admin_webhooks():
    _require_admin()
    return _list_page()


@bp.post("/admin/webhooks")
@login_required
def add_endpoint():
    _require_admin()
    locale = current_locale()
    values = {"url": request.form.get("url", "").strip(),
              "description": request.form.get("description", ""),
              "events": request.form.getlist("events"),
              "allow_private": request.form.get("allow_private") == "1"}
    try:
        made = webhooks.register(db(), url=values["url"], description=values["description"],
                                 events=values["events"], allow_private=values["allow_private"],
                                 person_id=current_person().id, now=utcnow())
    except FormInvalid as refused:
        errors = {name: texts.field_error(code, params, locale)
                  for name, (code, params) in refused.errors.items()}
        return _list_page(errors=errors, values=values, status=400)
    flash(texts.t("webhooks.added", locale, id=made.endpoint_id), "success")
    return _endpoint_page(made.endpoint_id, secret=made.secret)


@bp.get("/admin/webhooks/<row:endpoint_id>")
@login_required
def endpoint(endpoint_id: int):
    _require_admin()
    return _endpoint_page(endpoint_id)


@bp.post("/admin/webhooks/<row:endpoint_id>/secret")
@login_required
def rotate_secret(endpoint_id: int):
    _require_admin()
    secret = webhooks.rotate(db(), endpoint_id, utcnow())
    flash(texts.t("webhooks.rotated", current_locale(),
                  hours=int(webhooks.ROTATION_OVERLAP.total_seconds() // 3600)), "success")
    return _endpoint_page(endpoint_id, secret=secret)


@bp.post("/admin/webhooks/<row:endpoint_id>/active")
@login_required
def set_active(endpoint_id: int):
    _require_admin()
    active = request.form.get("active") == "1"
    changed = webhooks.set_active(db(), endpoint_id, active, utcnow())
    if changed:
        flash(texts.t("webhooks.enabled" if active else "webhooks.disabled",
                      current_locale()), "success")
    return redirect(url_for(".endpoint", endpoint_id=endpoint_id), 303)


@bp.post("/admin/webhooks/<row:endpoint_id>/ping")
@login_required
def ping(endpoint_id: int):
    _require_admin()
    person = current_person()
    item_id = webhooks.ping(db(), endpoint_id, {"id": person.id, "email": person.email,
                                                "name": person.name}, utcnow())
    if item_id is None:
        flash(texts.t("webhooks.ping_disabled", current_locale()), "info")
    else:
        route([(webhooks.KIND, item_id, None)])
        flash(texts.t("webhooks.ping_sent", current_locale()), "success")
    return redirect(url_for(".endpoint", endpoint_id=endpoint_id), 303)


@bp.post("/admin/webhooks/<row:endpoint_id>/delete")
@login_required
def delete(endpoint_id: int):
    _require_admin()
    locale = current_locale()
    if request.form.get("confirm") != "yes":
        flash(texts.t("webhooks.delete_unconfirmed", locale), "error")
        return redirect(url_for(".endpoint", endpoint_id=endpoint_id), 303)
    webhooks.delete_endpoint(db(), endpoint_id, utcnow())
    flash(texts.t("webhooks.deleted", locale, id=endpoint_id), "success")
    return redirect(url_for(".admin_webhooks"), 303)


@bp.post("/admin/webhooks/messages/<row:item_id>/resend")
@login_required
def resend(item_id: int):
    _require_admin()
    locale = current_locale()
    resent = webhooks.resend(db(), item_id, utcnow())
    route([(webhooks.KIND, resent_id, None) for resent_id in resent])
    flash(texts.t("webhooks.resent" if resent else "webhooks.not_resent", locale, id=item_id),
          "success" if resent else "info")
    with read_session(db()) as s:
        endpoint_id = s.get(OutboxItem, item_id).payload.get("endpoint")
        known = endpoint_id is not None and s.get(WebhookEndpoint, endpoint_id) is not None
    return redirect(url_for(".endpoint", endpoint_id=endpoint_id) if known
                    else url_for(".admin_webhooks"), 303)


# ---------------------------------------------------------------------------- the pages


def _list_page(*, errors: dict[str, str] | None = None, values: dict[str, Any] | None = None,
               status: int = 200):
    with read_session(db()) as s:
        endpoints = s.exec(select(WebhookEndpoint).order_by(WebhookEndpoint.id)).all()
        items = [_endpoint_row(s, e) for e in endpoints]
    values = values or {"url": "", "description": "", "events": [], "allow_private": False}
    return render_template("admin_webhooks.html", items=items, events=EVENTS, errors=errors or {},
                           values=values, max_description=webhooks.DESCRIPTION_MAX), status


def _endpoint_row(s, endpoint: WebhookEndpoint) -> dict[str, Any]:
    last = s.exec(select(WebhookAttempt).where(WebhookAttempt.endpoint_id == endpoint.id)
                  .order_by(WebhookAttempt.id.desc()).limit(1)).first()
    counts = dict(s.exec(select(OutboxItem.state, func.count()).where(
        OutboxItem.kind == webhooks.KIND, _ENDPOINT_OF == endpoint.id)
        .group_by(OutboxItem.state)).all())
    return {"id": endpoint.id, "url": endpoint.url, "description": endpoint.description,
            "events": endpoint.events, "active": endpoint.active,
            "disabled_reason": endpoint.disabled_reason,
            "allow_private": endpoint.allow_private,
            "plain_http": endpoint.url.lower().startswith("http:"),
            "created_at": endpoint.created_at, "last": _attempt_row(last) if last else None,
            "pending": counts.get("pending", 0), "failed": counts.get("failed", 0),
            "done": counts.get("done", 0)}


def _attempt_row(attempt: WebhookAttempt) -> dict[str, Any]:
    return {"id": attempt.id, "at": attempt.at, "message_id": attempt.message_id,
            "event_type": attempt.event_type, "address": attempt.address,
            "status_code": attempt.status_code, "error": attempt.error or "",
            "ok": attempt.status_code is not None and 200 <= attempt.status_code < 300,
            "duration_ms": attempt.duration_ms, "response": attempt.response,
            "outbox_item_id": attempt.outbox_item_id}


def _endpoint_page(endpoint_id: int, *, secret: str | None = None):
    with read_session(db()) as s:
        endpoint = s.get(WebhookEndpoint, endpoint_id)
        if endpoint is None:
            raise NotFound(f"no webhook endpoint with the id {endpoint_id}",
                           endpoint=endpoint_id)
        item = _endpoint_row(s, endpoint)
        creator = s.get(Person, endpoint.created_by_id)
        item.update(created_by=creator.name if creator else "",
                    previous_until=endpoint.previous_secret_until
                    if endpoint.previous_secret_until and endpoint.previous_secret_until > utcnow()
                    else None, disabled_at=endpoint.disabled_at)
        attempts = [_attempt_row(a) for a in s.exec(
            select(WebhookAttempt).where(WebhookAttempt.endpoint_id == endpoint_id)
            .order_by(WebhookAttempt.id.desc()).limit(SHOWN)).all()]
        messages = [{"id": row.id, "message_id": row.payload.get("message", ""),
                     "event_type": row.payload.get("type", ""), "state": row.state,
                     "created_at": row.created_at, "attempts": row.attempts,
                     "next_attempt_at": row.next_attempt_at, "last_error": row.last_error or "",
                     "instance_id": row.instance_id, "held": row.claimed_at is not None}
                    for row in s.exec(select(OutboxItem).where(
                        OutboxItem.kind == webhooks.KIND, _ENDPOINT_OF == endpoint_id)
                        .order_by(OutboxItem.id.desc()).limit(SHOWN)).all()]
    body = render_template("admin_webhook.html", endpoint=item, attempts=attempts,
                           messages=messages, secret=secret)
    return body, 200, ({"Cache-Control": "no-store"} if secret else {})
