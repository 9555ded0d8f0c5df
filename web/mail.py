"""The pages of the email interface: one-click answers, the mail catcher's reader, the mail log.

- ``/tasks/<id>/answer/<verdict>`` — where the one-click links of a task mail lead. Mail
  scanners follow links, so the page only asks for confirmation; its form posts to
  ``pages.decide`` exactly like the task page.
- ``/dev/mail`` — only with the built-in mail catcher (no ``SMTP_HOST``): the mail Signoff sent,
  newest first, and one message with a form that answers it the way a mail client would, by
  sending a real reply email to the inbound SMTP server (``signoff smtp``). It is a developer
  tool, so anyone logged in may use it.
- ``/admin/mail`` — administrators: every inbound message with its outcome and its raw .eml,
  and the outgoing mail that could not be delivered.
"""

from __future__ import annotations

import io
import json
import mailbox
import math
import re
import smtplib
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import format_datetime, getaddresses, make_msgid, parseaddr
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from sqlalchemy import and_, func, or_
from sqlalchemy.orm import defer
from sqlmodel import select

from approvals.core.errors import Forbidden, NotFound
from approvals.core.policy import Actor, refusal_to_decide
from approvals.store import queries
from approvals.store.db import read_session
from approvals.store.directory import roles_of
from approvals.store.models import InboundMessage, Notification, OutboxItem, Person
from mail.catcher import ENVELOPE_HEADER, delivery_order
from mail.config import MailSettings
from mail.words import ANSWERS, suggested
from web import i18n
from web.auth import current_locale, current_person, login_required
from web.context import db, utcnow

bp = Blueprint("mail", __name__)
DEV_PER_PAGE = 100
ADMIN_PER_PAGE = 50
SMTP_TIMEOUT = 15
HEAD_BYTES = 64 * 1024  # the list reads no more of a message than its headers need
SHOWN_HEADERS = ("From", "To", "Reply-To", "Subject", "Date", "Message-ID")
_MAILTO = re.compile(r"mailto:[^\s\"'<>]+", re.IGNORECASE)


@bp.app_context_processor
def _mail_frame() -> dict[str, Any]:
    """``can_read_mail_log()`` and ``dev_mail_on()`` for the navigation."""

    def can_read_mail_log() -> bool:
        if "can_read_mail_log" not in g:
            try:
                person = current_person()
                with read_session(db()) as s:
                    g.can_read_mail_log = person is not None and "admin" in roles_of(s, person.id)
            except Exception:  # noqa: BLE001 - an error page renders even without a database
                g.can_read_mail_log = False
        return g.can_read_mail_log

    def dev_mail_on() -> bool:
        try:
            return MailSettings.from_env().catcher
        except ValueError:  # a malformed port in the environment: no link, no crash
            return False

    return {"can_read_mail_log": can_read_mail_log, "dev_mail_on": dev_mail_on}


def _page_of(total: int, per_page: int) -> tuple[int, int]:
    """The page the query string asks for (kept within the pages there are) and their count."""
    pages = max(1, math.ceil(total / per_page))
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        page = 1
    return max(1, min(page, pages)), pages


# ---------------------------------------------------------------------------- one-click answers


#: What the confirmation page answers for each refusal of the policy (status, message).
_REFUSALS = {
    "not_an_assignee": (403, "error.not_an_assignee"),
    "already_decided": (409, None),  # who decided, when, how: formatted below
    "instance_closed": (409, "error.instance_closed"),
    "task_closed": (409, "error.task_closed"),
    "verdict_not_allowed": (400, "error.verdict_not_allowed"),
}


@bp.get("/tasks/<row:task_id>/answer/<verdict>")
@login_required
def answer(task_id: int, verdict: str):
    """Confirm a verdict a mail link chose; never changes anything."""
    person, locale = current_person(), current_locale()
    with read_session(db()) as s:
        task, instance = queries.get_task(s, task_id)
        stage_name = queries.process_of(s, instance).status(task.stage).name.get(locale)
        decided_by = s.get(Person, task.decided_by_id) if task.decided_by_id else None
    refusal = refusal_to_decide(
        Actor.of(person.id), assignee=task.assignee_id, task_state=task.state,
        instance_status=instance.status, task_kind=task.kind,
        verdicts=task.verdicts.split(","), verdict=verdict)
    status, notice = _REFUSALS.get(refusal, (200, None))
    if notice:
        notice = i18n.t(notice, locale)
    if refusal == "already_decided":
        notice = i18n.t("task.already_decided", locale,
                        name=decided_by.name if decided_by else "",
                        when=i18n.format_time(task.closed_at, locale),
                        verdict=i18n.verdict(task.verdict, locale, past=True))
    shown = status != 403  # someone else's task: not even its title
    return render_template(
        "answer_confirm.html", task_id=task_id, verdict=verdict, notice=notice,
        title=instance.title if shown else "", stage_name=stage_name if shown else "",
        revision=task.kind == "revision" and notice is None), status


# ---------------------------------------------------------------------------- /dev/mail


def _catcher() -> MailSettings:
    settings = MailSettings.from_env()
    if not settings.catcher:
        abort(404)
    return settings


def _maildir(settings: MailSettings) -> mailbox.Maildir | None:
    if not (settings.sent_dir / "new").is_dir():  # nothing caught yet
        return None
    return mailbox.Maildir(settings.sent_dir, create=False)


def _header(message, name: str) -> str:
    """A header's decoded value on one line; "" when missing or unreadable."""
    try:
        value = message.get(name)
    except Exception:  # noqa: BLE001 - a malformed header shows as missing
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def _delivered_at(key: str) -> datetime | None:
    seconds = delivery_order(key)[0]
    return datetime.fromtimestamp(seconds, UTC) if seconds else None


@bp.get("/dev/mail")
@login_required
def dev_mail():
    settings = _catcher()
    box = _maildir(settings)
    keys = sorted(box.keys(), key=delivery_order, reverse=True) if box is not None else []
    page, pages = _page_of(len(keys), DEV_PER_PAGE)
    items = []
    for key in keys[(page - 1) * DEV_PER_PAGE:page * DEV_PER_PAGE]:
        try:
            with box.get_file(key) as file:
                head = BytesHeaderParser(policy=policy.default).parsebytes(file.read(HEAD_BYTES))
        except (KeyError, FileNotFoundError):  # removed since it was listed
            continue
        items.append({"key": key, "at": _delivered_at(key), "subject": _header(head, "Subject"),
                      "to": _header(head, ENVELOPE_HEADER) or _header(head, "To")})
    return render_template("dev_mail.html", items=items, total=len(keys), page=page,
                           pages=pages, folder=str(settings.sent_dir),
                           page_url=lambda n: url_for(".dev_mail", page=n))


def _caught(settings: MailSettings, key: str) -> EmailMessage:
    box = _maildir(settings)
    try:
        raw = box.get_bytes(key) if box is not None else None
    except (KeyError, FileNotFoundError):
        raw = None
    if raw is None:
        abort(404)
    return message_from_bytes(raw, policy=policy.default)


def _text_of(part) -> str:
    try:
        return part.get_content()
    except (LookupError, ValueError, AssertionError):  # an unknown or lying charset
        return (part.get_payload(decode=True) or b"").decode("utf-8", "replace")


def _body(message: EmailMessage, kind: str) -> str:
    part = message.get_body(preferencelist=(kind,))
    return _text_of(part) if part is not None else ""


def answer_words(message: EmailMessage, text: str, html: str) -> list[str]:
    """The words the mail offers: the first line of each ``mailto:`` link's body, else the
    suggested word of every verdict in the mail's language."""
    words: list[str] = []
    for link in _MAILTO.findall(unescape(html) + "\n" + text):
        body = parse_qs(urlsplit(link).query).get("body", [""])[0]
        word = body.strip().splitlines()[0].strip() if body.strip() else ""
        if word and word not in words:
            words.append(word)
    if words:
        return words
    locale = i18n.normalize(_header(message, "Content-Language"))
    return [suggested(verdict, locale) for verdict in ANSWERS]


def _message_page(key: str, message: EmailMessage, status: int = 200, **extra: Any):
    text, html = _body(message, "plain"), _body(message, "html")
    attachments = [{"filename": part.get_filename() or "", "type": part.get_content_type(),
                    "size": len(part.get_payload(decode=True) or b"")}
                   for part in message.iter_attachments()]
    to = _header(message, "To")
    addresses = [address for _name, address in getaddresses([to]) if address]
    return render_template(
        "dev_mail_message.html", key=key, at=_delivered_at(key),
        subject=_header(message, "Subject"),
        headers=[(name, _header(message, name)) for name in SHOWN_HEADERS],
        envelope_to=_header(message, ENVELOPE_HEADER), text=text, html=html,
        attachments=attachments, words=answer_words(message, text, html),
        reply_to=_header(message, "Reply-To") or _header(message, "From"),
        send_as=extra.pop("send_as", addresses[0] if addresses else ""),
        reply_text=extra.pop("reply_text", ""), **extra), status


@bp.get("/dev/mail/<key>")
@login_required
def dev_message(key: str):
    return _message_page(key, _caught(_catcher(), key))


def compose_reply(original: EmailMessage, send_as: str, text: str,
                  now: datetime) -> EmailMessage:
    """The reply a mail client would write: to the Reply-To (else the From), threaded with
    In-Reply-To and References, the typed text on top and the original quoted below it."""
    reply = EmailMessage()
    reply["From"] = send_as
    reply["To"] = _header(original, "Reply-To") or _header(original, "From")
    subject = _header(original, "Subject")
    reply["Subject"] = subject if subject.lower().startswith("re:") else f"Re: {subject}"
    reply["Date"] = format_datetime(now)
    reply["Message-ID"] = make_msgid(domain=parseaddr(send_as)[1].rpartition("@")[2]
                                     or "localhost")
    original_id = _header(original, "Message-ID")
    if original_id:
        reply["In-Reply-To"] = original_id
        reply["References"] = " ".join([*_header(original, "References").split(), original_id])
    name, address = parseaddr(_header(original, "From"))
    quoted = "\n".join(f"> {line}".rstrip() for line in _body(original, "plain").splitlines())
    typed = text.replace("\r\n", "\n").rstrip()
    reply.set_content(f"{typed}\n\nOn {_header(original, 'Date')}, {name or address} wrote:\n"
                      f"{quoted}\n", cte="quoted-printable")
    return reply


@bp.post("/dev/mail/<key>/reply")
@login_required
def dev_reply(key: str):
    settings, locale = _catcher(), current_locale()
    original = _caught(settings, key)
    typed = request.form.get("text", "")
    word = request.form.get("word", "").strip()
    text = f"{word}\n{typed}" if word and typed.strip() else word or typed
    send_as = request.form.get("send_as", "").strip()
    _name, address = parseaddr(send_as)
    valid = "@" in address and "\r" not in send_as and "\n" not in send_as
    if not valid or not typed.strip() and not word:
        problem = "devmail.bad_address" if not valid else "devmail.empty"
        return _message_page(key, original, 400, send_as=send_as, reply_text=typed,
                             send_error=i18n.t(problem, locale))
    where = f"{settings.inbound_host}:{settings.inbound_port}"
    try:
        with smtplib.SMTP(settings.inbound_host, settings.inbound_port,
                          timeout=SMTP_TIMEOUT) as smtp:
            smtp.send_message(compose_reply(original, send_as, text, utcnow()))
    except ConnectionRefusedError:
        error, status = i18n.t("devmail.not_running", locale, where=where), 503
    except smtplib.SMTPRecipientsRefused as refusal:
        answers = "; ".join(f"{code} {_decoded(reason)}"
                            for code, reason in refusal.recipients.values())
        error, status = i18n.t("devmail.refused", locale, answer=answers), 502
    except smtplib.SMTPResponseException as refusal:
        error, status = i18n.t("devmail.refused", locale, answer=f"{refusal.smtp_code} "
                               f"{_decoded(refusal.smtp_error)}"), 502
    except (OSError, smtplib.SMTPException) as failure:
        error, status = i18n.t("devmail.send_failed", locale, where=where, error=failure), 503
    else:
        flash(i18n.t("devmail.sent", locale), "success")
        return redirect(url_for(".dev_mail"), 303)
    return _message_page(key, original, status, send_as=send_as, reply_text=typed,
                         send_error=error)


def _decoded(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


# ---------------------------------------------------------------------------- /admin/mail


def _require_admin() -> None:
    with read_session(db()) as s:
        if "admin" not in roles_of(s, current_person().id):
            raise Forbidden("only administrators may read the mail log")


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
