"""``/dev/mail``: only with the built-in mail catcher (no ``SMTP_HOST``; a 404 with a relay), the
mail Signoff sent, newest first, and one message with a form that answers it the way a mail
client would, by sending a real reply email to the inbound SMTP server (``signoff smtp``).

A person sees only the mail addressed to them (its envelope recipients, else its To and Cc, is
their address or one of their aliases); an administrator sees all of it. Everyone answers only
as themselves: the reply's From is the person's own address, whatever the form says. Mail that
is not the reader's is a 404, as if it did not exist. The HTML part is served on its own
(``/dev/mail/<key>/html``) into a sandboxed frame, under a policy that runs no script and loads
nothing."""

from __future__ import annotations

import mailbox
import smtplib
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import format_datetime, formataddr, getaddresses, make_msgid, parseaddr
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlmodel import select

from approvals import texts
from approvals.config.mail import MailSettings
from approvals.store.db import read_session
from approvals.store.maildir import ENVELOPE_HEADER, delivery_order
from approvals.store.models import PersonAlias
from approvals.texts.answers import ANSWERS, suggested
from web.auth import current_actor, current_locale, current_person, login_required
from web.context import db, utcnow
from web.mail import (
    _MAILTO,
    DEV_PER_PAGE,
    HEAD_BYTES,
    SHOWN_HEADERS,
    SMTP_TIMEOUT,
    _page_of,
    bp,
)


def _catcher() -> MailSettings:
    settings = MailSettings.from_env()
    if not settings.catcher:
        abort(404)
    return settings


#: The policy of the HTML part's own page: no script, nothing loaded, a sandbox, framed only
#: by /dev/mail (the mail's inline styles still apply).
HTML_PART_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; "
                    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'")


def _own_addresses() -> frozenset[str] | None:
    """The addresses whose mail the reader may see: their own and their aliases; None for an
    administrator, who sees all mail."""
    actor = current_actor()
    if actor is not None and actor.is_admin:
        return None
    person = current_person()
    with read_session(db()) as s:
        aliases = s.exec(select(PersonAlias.email).where(PersonAlias.person_id == person.id)
                         ).all()
    return frozenset(address.lower() for address in [person.email, *aliases])


def _recipients(message) -> set[str]:
    """Who a caught message was delivered to: the envelope, else its To and Cc."""
    listed = _header(message, ENVELOPE_HEADER) or ", ".join(
        value for value in (_header(message, "To"), _header(message, "Cc")) if value)
    return {address.lower() for _name, address in getaddresses([listed]) if address}


def _visible(message, own: frozenset[str] | None) -> bool:
    return own is None or not own.isdisjoint(_recipients(message))


def _head(box: mailbox.Maildir, key: str):
    """A caught message's headers, read no further than where they end."""
    with box.get_file(key) as file:
        lines = []
        size = 0
        for line in file:
            lines.append(line)
            size += len(line)
            if line in (b"\r\n", b"\n") or size >= HEAD_BYTES:
                break
    return BytesHeaderParser(policy=policy.default).parsebytes(b"".join(lines))


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
    settings, own = _catcher(), _own_addresses()
    box = _maildir(settings)
    keys = sorted(box.keys(), key=delivery_order, reverse=True) if box is not None else []
    heads = {}
    if own is not None:  # only the reader's own mail: every head is read to find it
        for key in keys:
            try:
                heads[key] = _head(box, key)
            except (KeyError, FileNotFoundError):  # removed since it was listed
                continue
        keys = [key for key in keys if key in heads and _visible(heads[key], own)]
    page, pages = _page_of(len(keys), DEV_PER_PAGE)
    items = []
    for key in keys[(page - 1) * DEV_PER_PAGE:page * DEV_PER_PAGE]:
        try:
            head = heads.get(key) or _head(box, key)
        except (KeyError, FileNotFoundError):  # removed since it was listed
            continue
        items.append({"key": key, "at": _delivered_at(key), "subject": _header(head, "Subject"),
                      "to": _header(head, ENVELOPE_HEADER) or _header(head, "To")})
    return render_template("dev_mail.html", items=items, total=len(keys), page=page,
                           pages=pages, folder=str(settings.sent_dir), everyone=own is None,
                           page_url=lambda n: url_for(".dev_mail", page=n))


def _caught(settings: MailSettings, key: str) -> EmailMessage:
    """The caught message ``key``; a 404 when there is none, or when it is not the reader's."""
    box = _maildir(settings)
    try:
        raw = box.get_bytes(key) if box is not None else None
    except (KeyError, FileNotFoundError):
        raw = None
    if raw is None:
        abort(404)
    message = message_from_bytes(raw, policy=policy.default)
    if not _visible(message, _own_addresses()):
        abort(404)
    return message


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
    locale = texts.normalize(_header(message, "Content-Language"))
    return [suggested(verdict, locale) for verdict in ANSWERS]


def _sender() -> str:
    """Who a reply is from: the reader, always."""
    person = current_person()
    return formataddr((person.name, person.email))


def _message_page(key: str, message: EmailMessage, status: int = 200, **extra: Any):
    text, html = _body(message, "plain"), _body(message, "html")
    attachments = [{"filename": part.get_filename() or "", "type": part.get_content_type(),
                    "size": len(part.get_payload(decode=True) or b"")}
                   for part in message.iter_attachments()]
    return render_template(
        "dev_mail_message.html", key=key, at=_delivered_at(key),
        subject=_header(message, "Subject"),
        headers=[(name, _header(message, name)) for name in SHOWN_HEADERS],
        envelope_to=_header(message, ENVELOPE_HEADER), text=text, has_html=bool(html),
        attachments=attachments, words=answer_words(message, text, html),
        reply_to=_header(message, "Reply-To") or _header(message, "From"),
        sender=_sender(), reply_text=extra.pop("reply_text", ""), **extra), status


@bp.get("/dev/mail/<key>")
@login_required
def dev_message(key: str):
    return _message_page(key, _caught(_catcher(), key))


@bp.get("/dev/mail/<key>/html")
@login_required
def dev_message_html(key: str):
    """The HTML part alone, for the sandboxed frame of the message page."""
    html = _body(_caught(_catcher(), key), "html")
    if not html:
        abort(404)
    return Response(html, mimetype="text/html", headers={
        "Content-Security-Policy": HTML_PART_POLICY, "X-Frame-Options": "SAMEORIGIN"})


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
    send_as = _sender()  # never another person's address, whatever the form says
    if not typed.strip() and not word:
        return _message_page(key, original, 400, reply_text=typed,
                             send_error=texts.t("devmail.empty", locale))
    where = f"{settings.inbound_host}:{settings.inbound_port}"
    try:
        with smtplib.SMTP(settings.inbound_host, settings.inbound_port,
                          timeout=SMTP_TIMEOUT) as smtp:
            smtp.send_message(compose_reply(original, send_as, text, utcnow()))
    except ConnectionRefusedError:
        error, status = texts.t("devmail.not_running", locale, where=where), 503
    except smtplib.SMTPRecipientsRefused as refusal:
        answers = "; ".join(f"{code} {_decoded(reason)}"
                            for code, reason in refusal.recipients.values())
        error, status = texts.t("devmail.refused", locale, answer=answers), 502
    except smtplib.SMTPResponseException as refusal:
        error, status = texts.t("devmail.refused", locale, answer=f"{refusal.smtp_code} "
                               f"{_decoded(refusal.smtp_error)}"), 502
    except (OSError, smtplib.SMTPException) as failure:
        error, status = texts.t("devmail.send_failed", locale, where=where, error=failure), 503
    else:
        flash(texts.t("devmail.sent", locale), "success")
        return redirect(url_for(".dev_mail"), 303)
    return _message_page(key, original, status, reply_text=typed, send_error=error)


def _decoded(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
