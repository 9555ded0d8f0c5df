"""``/tokens``: a person's own API tokens — the list, a form that makes one (shown once, on the
answer to that form, and never again: only its SHA-256 is stored) and a button that revokes
one. Administrators also see everyone's tokens in force and may revoke any of them.

| method and path                    | answer                                                 |
|------------------------------------|--------------------------------------------------------|
| ``GET  /tokens``                   | the page                                               |
| ``POST /tokens``                   | the page with the new token (``Cache-Control:          |
|                                    | no-store``); 400 and the form's errors when refused    |
| ``POST /tokens/<id>/revoke``       | 303 back to the page; 403 for someone else's token     |
|                                    | (unless an administrator), 404 for no such token       |
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from approvals import texts
from approvals.core.errors import Forbidden, NotFound
from approvals.core.policy import may_manage_tokens
from approvals.store.db import read_session, write_session
from approvals.store.directory import (
    TOKEN_DAYS,
    TOKEN_LABEL_MAX,
    TOKEN_MAX_DAYS,
    People,
    issue_token,
    live_tokens,
    revoke_token,
    token_expires_at,
    token_state,
    tokens_of,
)
from approvals.store.models import ApiToken, Person
from web.auth import current_actor, current_locale, current_person, login_required
from web.context import db, utcnow

bp = Blueprint("tokens", __name__)


@bp.get("/tokens")
@login_required
def tokens():
    return _page()


@bp.post("/tokens")
@login_required
def create_token():
    locale = current_locale()
    label = " ".join(request.form.get("label", "").split())
    days_text = request.form.get("days", "").strip()
    errors: dict[str, str] = {}
    days = int(days_text) if days_text.isdigit() and len(days_text) < 5 else 0
    if not 1 <= days <= TOKEN_MAX_DAYS:
        errors["days"] = texts.t("tokens.days_invalid", locale, max=TOKEN_MAX_DAYS)
    if len(label) > TOKEN_LABEL_MAX:
        errors["label"] = texts.t("tokens.label_too_long", locale, max=TOKEN_LABEL_MAX)
    if errors:
        return _page(errors=errors, values={"label": label, "days": days_text}, status=400)
    now = utcnow()
    with write_session(db()) as s:
        secret = issue_token(s, s.get(Person, current_person().id), now, days=days, label=label)
    return _page(created={"token": secret, "label": label,
                          "expires_at": now + timedelta(days=days)})


@bp.post("/tokens/<row:token_id>/revoke")
@login_required
def revoke(token_id: int):
    actor = current_actor()
    with write_session(db()) as s:
        row = s.get(ApiToken, token_id)
        if row is None:
            raise NotFound(f"no API token with the id {token_id}", token_id=token_id)
        if not may_manage_tokens(actor, holder=row.person_id):
            raise Forbidden("only its holder or an administrator may revoke an API token")
        revoke_token(s, token_id, utcnow())
    flash(texts.t("tokens.revoked", current_locale(), id=token_id), "success")
    return redirect(url_for(".tokens"), 303)


def _page(*, errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
          created: dict[str, Any] | None = None, status: int = 200):
    person, actor, now = current_person(), current_actor(), utcnow()
    admin = actor is not None and actor.is_admin
    with read_session(db()) as s:
        mine = [_row(row, now) for row in tokens_of(s, person.id)]
        everyone = []
        if admin:
            rows = live_tokens(s, now)
            people = People(s)
            people.load(ids=[row.person_id for row in rows])
            everyone = [{**_row(row, now), "holder": people.get(row.person_id)}
                        for row in rows]
    body = render_template("tokens.html", mine=mine, everyone=everyone, admin=admin,
                           created=created,
                           errors=errors or {}, values=values or {"label": "",
                                                                  "days": str(TOKEN_DAYS)},
                           max_days=TOKEN_MAX_DAYS, max_label=TOKEN_LABEL_MAX)
    headers = {"Cache-Control": "no-store"} if created else {}
    return body, status, headers


def _row(row: ApiToken, now) -> dict[str, Any]:
    return {"id": row.id, "label": row.label, "created_at": row.created_at,
            "last_used_at": row.last_used_at, "expires_at": token_expires_at(row),
            "revoked_at": row.revoked_at, "state": token_state(row, now)}
