"""``/admin/mail``: for administrators, every inbound message with its outcome and its raw
.eml, and the outgoing mail that could not be delivered, each failed one with a button that
sends it again (the same mail, with the same Message-ID)."""

from __future__ import annotations

import io
import json
from email import policy
from email.parser import BytesHeaderParser
from typing import Any
from urllib.parse import urlencode

from flask import (
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from sqlalchemy import and_, func, or_
from sqlalchemy.orm import defer
from sqlmodel import select

from approvals import service, texts
from approvals.core.errors import NotFound
from approvals.dispatch import route
from approvals.store.db import read_session
from approvals.store.models import InboundMessage, Notification, OutboxItem, Person
from web.auth import current_locale, login_required, require_admin
from web.context import db, utcnow
from web.mail import (
    ADMIN_PER_PAGE,
    _page_of,
    bp,
)


def _require_admin() -> None:
    require_admin("read the mail log")


def _inbound_row(row: InboundMessage) -> dict[str, Any]:
    return {"id": row.id, "received_at": row.received_at, "channel": row.channel,
            "sender": row.sender or row.envelope_from, "subject": row.subject or "",
            "state": row.state, "outcome": row.outcome or "", "reason": row.reason or "",
            "task_id": row.task_id, "instance_id": row.instance_id}


@bp.get("/admin/mail")
@login_required
def admin_mail():
    _require_admin()
    outcome = (request.args.get("outcome") or "").strip()[:40]
    with read_session(db()) as s:
        wanted = [InboundMessage.outcome == outcome] if outcome else []
        total = s.exec(select(func.count()).select_from(InboundMessage).where(*wanted)).one()
        page, pages = _page_of(total, ADMIN_PER_PAGE)
        rows = s.exec(select(InboundMessage).options(defer(InboundMessage.raw)).where(*wanted)
                      .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc())
                      .offset((page - 1) * ADMIN_PER_PAGE).limit(ADMIN_PER_PAGE)).all()
        items = [_inbound_row(row) for row in rows]
        outcomes = s.exec(select(InboundMessage.outcome).where(
            InboundMessage.outcome.is_not(None)).distinct().order_by(InboundMessage.outcome)
        ).all()
        failed = _failed_mail(s)

    def page_url(number: int) -> str:
        return url_for(".admin_mail") + "?" + urlencode(
            {**({"outcome": outcome} if outcome else {}), "page": number})

    return render_template("admin_mail.html", items=items, total=total, page=page, pages=pages,
                           page_url=page_url, outcome=outcome, outcomes=outcomes,
                           failed=failed)


def _failed_mail(s) -> list[dict[str, Any]]:
    """Outgoing mail refused for good, or still being retried after an error."""
    rows = s.exec(select(OutboxItem).where(
        OutboxItem.kind == "email",
        or_(OutboxItem.state == "failed",
            and_(OutboxItem.state != "done", OutboxItem.attempts > 0,
                 OutboxItem.last_error.is_not(None))))
        .order_by(OutboxItem.id.desc()).limit(ADMIN_PER_PAGE)).all()
    items = []
    for row in rows:
        to = (row.payload.get("explanation") or {}).get("to", "")
        note = s.get(Notification, row.payload.get("notification") or 0)
        if note is not None:
            person = s.get(Person, note.person_id)
            to = person.email if person else to
        items.append({"id": row.id, "created_at": row.created_at, "state": row.state,
                      "attempts": row.attempts, "last_attempt_at": row.last_attempt_at,
                      "last_error": row.last_error or "", "to": to,
                      "instance_id": row.instance_id,
                      "payload": json.dumps(row.payload, ensure_ascii=False, indent=2,
                                            sort_keys=True, default=str)})
    return items


@bp.post("/admin/mail/outbox/<row:item_id>/resend")
@login_required
def admin_resend(item_id: int):
    """Send a mail row again (:func:`approvals.service.resend_mail`): one that failed for
    good, or waits for its next try, goes to the workers now."""
    _require_admin()
    locale = current_locale()
    resent = service.resend_mail(db(), [item_id], utcnow())
    route([("email", resent_id, None) for resent_id in resent])
    if resent:
        flash(texts.t("adminmail.resent", locale, id=item_id), "success")
    else:
        flash(texts.t("adminmail.not_resent", locale, id=item_id), "info")
    return redirect(url_for(".admin_mail"), 303)


def _inbound(s, message_id: int) -> InboundMessage:
    row = s.get(InboundMessage, message_id)
    if row is None:
        raise NotFound(f"inbound message {message_id} not found", inbound=message_id)
    return row


@bp.get("/admin/mail/<row:message_id>")
@login_required
def admin_message(message_id: int):
    _require_admin()
    with read_session(db()) as s:
        row = _inbound(s, message_id)
        item = _inbound_row(row)
        item.update(envelope_from=row.envelope_from, envelope_to=row.envelope_to,
                    message_id=row.message_id or "", size=row.size, sha256=row.sha256,
                    attempts=row.attempts, processed_at=row.processed_at,
                    person_id=row.person_id,
                    details=json.dumps(row.details, ensure_ascii=False, indent=2,
                                       sort_keys=True, default=str))
        raw = row.raw
    head = BytesHeaderParser(policy=policy.default).parsebytes(raw)
    return render_template("admin_mail.html", message=item, headers=_all_headers(head)[:200])


def _all_headers(head) -> list[tuple[str, str]]:
    """Every header in order, decoded; as received when it cannot be decoded."""
    try:
        return [(name, " ".join(str(value).split())) for name, value in head.items()]
    except Exception:  # noqa: BLE001 - a header the policy cannot parse
        return [(name, " ".join(str(value).split())) for name, value in head.raw_items()]


@bp.get("/admin/mail/<row:message_id>/raw")
@login_required
def admin_raw(message_id: int):
    _require_admin()
    with read_session(db()) as s:
        raw = _inbound(s, message_id).raw
    response = send_file(io.BytesIO(raw), mimetype="message/rfc822", as_attachment=True,
                         download_name=f"inbound-{message_id}.eml", max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
