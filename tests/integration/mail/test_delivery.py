"""Delivering Signoff's mail through a real SMTP relay, and the inbound paths around it, with real
sockets on both databases.

The relays are aiosmtpd servers on free ports whose handlers answer the way real relays do
when something is wrong (550 for the recipient, 451 at DATA, 535 for a login, nothing at all
when the relay is down). Replies reach Signoff through its real inbound server or, where the
test needs to choose the clock (the explanation window, the sweep's grace period), are stored
with :func:`mail.inbox.store` exactly as that server stores them.
"""

from __future__ import annotations

import email
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage, Message

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy.engine import Engine

from approvals import clock, dispatch, service
from approvals.config import Settings
from approvals.config.mail import MailSettings
from approvals.store.db import read_session, write_session
from approvals.store.directory import set_password
from approvals.store.models import (
    AuditEvent,
    Blob,
    Document,
    InboundMessage,
    Instance,
    MailReply,
    Notification,
    OutboxItem,
    Person,
    Task,
)
from mail import compose, inbound, inbox, outgoing, send, tokens
from mail.catcher import ServerThread
from mail.send import PermanentFailure
from tests.integration import mailflow
from tests.integration.flows import PDF_V2, open_tasks, rows, start_contract
from tests.support import free_port
from workers import outbox, scheduler
from workers.actors import handle_inbound

BASE = "http://signoff.test"
RELAY_USER, RELAY_PASSWORD = "signoff-relay", "s3cret-pass"


# ---------------------------------------------------------------------------- a relay


class Relay:
    """An SMTP relay's handler: keeps what it accepts; ``refuse_rcpt`` / ``refuse_data`` are
    the answers it gives instead of 250 at RCPT / DATA."""

    def __init__(self, refuse_rcpt: str | None = None, refuse_data: str | None = None) -> None:
        self.refuse_rcpt, self.refuse_data = refuse_rcpt, refuse_data
        self.received: list[tuple[str | None, list[str], Message]] = []  # login, rcpts, mail

    async def handle_RCPT(self, server, session, envelope, address: str, rcpt_options) -> str:
        if self.refuse_rcpt:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refuse_data:
            return self.refuse_data
        login = session.auth_data.login.decode() if session.authenticated else None
        self.received.append((login, list(envelope.rcpt_tos),
                              email.message_from_bytes(envelope.original_content,
                                                       policy=policy.default)))
        return "250 OK: queued"


def one_account(server, session, envelope, mechanism: str, auth_data) -> AuthResult:
    """The relay's authenticator: one user with one password."""
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == RELAY_USER.encode()
          and auth_data.password == RELAY_PASSWORD.encode())
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


@contextmanager
def relay(handler: Relay, port: int | None = None, **smtp) -> Iterator[int]:
    """``handler`` served on 127.0.0.1 (on ``port`` when given); yields the port."""
    port = port or free_port()
    server = ServerThread(handler, hostname="127.0.0.1", port=port, **smtp)
    server.start()
    try:
        yield port
    finally:
        server.stop()


def relay_settings(port: int, **changes) -> MailSettings:
    """Settings naming a relay on 127.0.0.1:``port`` (no catcher, no STARTTLS, no login)."""
    return mailflow.settings(**{"smtp_host": "127.0.0.1", "smtp_port": port, "catcher": False,
                                "smtp_starttls": False, "smtp_user": None,
                                "smtp_password": None, **changes})


# ---------------------------------------------------------------------------- helpers


def task_mail_rows(db: Engine, org, now: datetime, approvers: list[int]) -> dict[int, int]:
    """Start a contract and turn its notify rows into notifications, as the outbox worker
    does; the ``email`` rows of the approvers' task mails, by person (nothing sends them)."""
    started = start_contract(db, org, now, approvers=approvers)
    outbox.deliver_batch(db, started.outbox_ids, now)
    found = {}
    for item in rows(db, OutboxItem, OutboxItem.kind == "email"):
        note = rows(db, Notification, Notification.id == item.payload["notification"])[0]
        if item.payload["token"]:
            found[note.person_id] = item.id
    assert set(found) == set(approvers)
    return found


def send_item(db: Engine, item_id: int, now: datetime, settings: MailSettings) -> str:
    return outgoing.send_item(db, item_id, now, settings=settings, base_url=BASE,
                              secret_key=Settings.from_env().secret_key)


def outbox_row(db: Engine, item_id: int) -> OutboxItem:
    with read_session(db) as session:
        return session.get(OutboxItem, item_id)


def admin_mail_page(db: Engine, admin_id: int) -> str:
    """``/admin/mail`` as the administrator sees it (the Flask app on this database)."""
    from tests.integration.web.site import Browser
    from web import create_app

    password = "correct horse battery staple"
    with write_session(db) as session:
        admin = session.get(Person, admin_id)
        set_password(admin, password)
        session.add(admin)
        address = admin.email
    app = create_app({"TESTING": True, "DB_ENGINE": db})
    browser = Browser(app.test_client())
    assert browser.login(address, password).status_code == 303
    page = browser.get("/admin/mail")
    assert page.status_code == 200
    return page.text


def task_mail(catcher, address: str) -> Message:
    mails = mailflow.mails_to(catcher.messages(), address)
    assert mails, f"no mail for {address} in the catcher"
    return mails[-1]


def store_reply(db: Engine, message: EmailMessage, at: datetime) -> int:
    """Store ``message`` as the inbound SMTP server does, received at ``at``."""
    stored = inbox.store(db, message.as_bytes(), channel="smtp", now=at,
                         envelope_from=str(message["From"]), envelope_to=[str(message["To"])])
    assert stored is not None
    return stored


def plain_mail() -> EmailMessage:
    """A minimal mail, for talking to a relay without an outbox row."""
    message = EmailMessage()
    message["From"] = "signoff@signoff.localhost"
    message["To"] = "anna@example.com"
    message["Subject"] = "hello"
    message.set_content("hello\n")
    return message


def out_of_office(original: Message, sender: str) -> EmailMessage:
    """An Outlook-style automatic reply: RFC 3834 header, an out-of-office subject, and a text
    that would earn an explanation if a person had written it."""
    message = mailflow.reply(original, sender, "I am out of the office until Monday and will "
                                               "read your message when I am back.")
    del message["Subject"]
    message["Subject"] = "Automatic reply: " + str(original["Subject"])
    message["Auto-Submitted"] = "auto-replied"
    return message


# ---------------------------------------------------------------------------- the relay refuses


def test_a_recipient_refused_with_550_fails_the_row_and_the_admin_page_lists_it(
        db, org, now, broker):
    anna = org.approvers[0]
    item_id = task_mail_rows(db, org, now, [anna])[anna]
    handler = Relay(refuse_rcpt="550 5.1.1 no such user")
    with relay(handler) as port:
        assert send_item(db, item_id, now, relay_settings(port)) == "failed"
    assert handler.received == []
    row = outbox_row(db, item_id)
    assert (row.state, row.attempts, row.done_at) == ("failed", 1, None)
    assert "550 5.1.1 no such user" in row.last_error
    assert org.email(anna) in row.last_error
    # refused for good: a second delivery of the same row does not talk to the relay again
    assert send_item(db, item_id, now, relay_settings(free_port())) == "skipped"

    page = admin_mail_page(db, org.admin)
    assert page.count('class="failed-item"') == 1
    assert f'data-outbox="{item_id}"' in page
    assert "550 5.1.1 no such user" in page and org.email(anna) in page


def test_a_relay_that_is_down_keeps_the_row_pending_and_the_retry_carries_the_same_message_id(
        db, org, now, broker):
    anna = org.approvers[0]
    item_id = task_mail_rows(db, org, now, [anna])[anna]
    port = free_port()  # nothing listens there yet
    settings = relay_settings(port)
    assert send_item(db, item_id, now, settings) == "deferred"
    row = outbox_row(db, item_id)
    assert (row.state, row.attempts, row.claimed_at) == ("pending", 1, None)
    assert f"cannot reach the relay 127.0.0.1:{port}" in row.last_error
    assert row.next_attempt_at == now + outgoing.RETRY_FIRST

    handler = Relay()
    later = now + timedelta(minutes=1)
    with relay(handler, port):
        assert send_item(db, item_id, later, settings) == "sent"
        assert send_item(db, item_id, later, settings) == "skipped"  # sent once only
    row = outbox_row(db, item_id)
    assert (row.state, row.attempts, row.last_error) == ("done", 2, None)
    assert row.done_at is not None
    [(login, rcpts, mail)] = handler.received
    assert login is None and rcpts == [org.email(anna)]

    with read_session(db) as session:
        note = session.get(Notification, row.payload["notification"])
        token = tokens.derive(Settings.from_env().secret_key, note.id)
        again = compose.notification_mail(session, note, settings=settings, base_url=BASE,
                                          outbox_item_id=item_id, token=token)
    assert mail["Message-ID"] == again["Message-ID"]
    assert mail["Message-ID"] == tokens.message_id(settings.domain, item_id, token)
    assert mail["Reply-To"] == again["Reply-To"] == settings.reply_address(token)


def test_451_at_data_never_fails_the_row_only_a_5xx_does(db, org, now, broker):
    """A relay that defers (4xx) is tried again past any number of attempts (it once failed
    the row for good after ten); the first 5xx fails it, and nothing tries it again."""
    anna = org.approvers[0]
    item_id = task_mail_rows(db, org, now, [anna])[anna]
    handler = Relay(refuse_data="451 4.3.0 mailbox busy, try again later")
    with relay(handler) as port:
        settings = relay_settings(port)
        at = now
        for attempt in range(1, dispatch.MAX_ATTEMPTS + 3):
            assert send_item(db, item_id, at, settings) == "deferred"
            row = outbox_row(db, item_id)
            assert (row.state, row.attempts) == ("pending", attempt)
            assert "451 4.3.0 mailbox busy" in row.last_error
            at = row.next_attempt_at
        handler.refuse_data = "554 5.7.1 message refused as spam"
        assert send_item(db, item_id, at, settings) == "failed"
        row = outbox_row(db, item_id)
        assert (row.state, row.attempts) == ("failed", dispatch.MAX_ATTEMPTS + 3)
        assert "554 5.7.1 message refused as spam" in row.last_error
        assert send_item(db, item_id, at + timedelta(hours=1), settings) == "skipped"
    assert handler.received == []


# aiosmtpd warns about AUTH without TLS; the test relay has no certificate a client would trust
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_smtp_auth_logs_in_refuses_a_wrong_password_and_requires_starttls_when_asked(
        db, org, now, broker):
    anna, boris, clara = org.approvers
    items = task_mail_rows(db, org, now, [anna, boris, clara])
    handler = Relay()
    with relay(handler, auth_required=True, auth_require_tls=False,
               authenticator=one_account) as port:
        right = relay_settings(port, smtp_user=RELAY_USER, smtp_password=RELAY_PASSWORD)
        assert send_item(db, items[anna], now, right) == "sent"
        wrong = relay_settings(port, smtp_user=RELAY_USER, smtp_password="guess")
        assert send_item(db, items[boris], now, wrong) == "failed"
        tls = relay_settings(port, smtp_user=RELAY_USER, smtp_password=RELAY_PASSWORD,
                             smtp_starttls=True)
        with pytest.raises(PermanentFailure, match="does not offer STARTTLS"):
            send.send(tls, plain_mail())
        assert send_item(db, items[clara], now, tls) == "failed"
    [(login, rcpts, _mail)] = handler.received
    assert (login, rcpts) == (RELAY_USER, [org.email(anna)])
    assert outbox_row(db, items[anna]).state == "done"
    refused = outbox_row(db, items[boris])
    assert refused.state == "failed" and "535" in refused.last_error
    assert RELAY_USER in refused.last_error and "guess" not in refused.last_error
    no_tls = outbox_row(db, items[clara])
    assert no_tls.state == "failed"
    assert f"127.0.0.1:{port} does not offer STARTTLS" in no_tls.last_error


# ---------------------------------------------------------------------------- explanations


def test_explanations_are_rate_limited_per_address_and_reason_and_never_answer_automatic_mail(
        db, org, now, worker, mail_catcher):
    anna = org.approvers[0]
    address = org.email(anna)
    started = start_contract(db, org, now, approvers=[anna])
    dispatch.kick(started.outbox_ids)
    worker.join()
    mail = task_mail(mail_catcher, address)
    settings = MailSettings.from_env()

    def answer(message: EmailMessage, minutes: float) -> tuple[str, int]:
        at = now + timedelta(minutes=minutes)
        processed = inbound.process(db, store_reply(db, message, at), at, settings=settings,
                                    base_url=BASE)
        return processed.outcome, len(processed.mail_ids)

    window = inbound.EXPLAIN_EVERY.total_seconds() / 60
    assert answer(out_of_office(mail, address), 0) == ("automatic", 0)
    first = mailflow.reply(mail, address, "Can we discuss this on Monday?")
    assert answer(first, 1) == ("no_verdict", 1)
    assert answer(mailflow.reply(mail, address, "Still unsure, call me"), 30) == ("no_verdict", 0)
    ambiguous = mailflow.reply(mail, address, "Approved. Send back")
    assert answer(ambiguous, 40) == ("ambiguous", 1)
    assert answer(mailflow.reply(mail, address, "Approved, send back"), 50) == ("ambiguous", 0)
    assert answer(out_of_office(mail, address), 55) == ("automatic", 0)
    later = mailflow.reply(mail, address, "Any news on this one?")
    assert answer(later, window + 2) == ("no_verdict", 1)  # a new window
    assert answer(out_of_office(mail, address), window + 3) == ("automatic", 0)

    assert open_tasks(db, started.instance_id)[anna].state == "open"  # nothing was decided
    explanations = [i for i in rows(db, OutboxItem, OutboxItem.kind == "email")
                    if "explanation" in i.payload]
    assert [(i.payload["explanation"]["to"], i.payload["explanation"]["reason"],
             i.payload["explanation"]["in_reply_to"]) for i in explanations] == [
        (address, "no_verdict", first["Message-ID"]),
        (address, "ambiguous", ambiguous["Message-ID"]),
        (address, "no_verdict", later["Message-ID"])]
    assert [(r.address, r.reason) for r in rows(db, MailReply)] == [
        (address, "no_verdict"), (address, "ambiguous"), (address, "no_verdict")]

    dispatch.route([("email", i.id, i.instance_id) for i in explanations])
    worker.join()
    replies = [m for m in mailflow.mails_to(mail_catcher.messages(), address)
               if m["Auto-Submitted"] == "auto-replied"]
    assert sorted(str(m["In-Reply-To"]) for m in replies) == sorted(
        [first["Message-ID"], ambiguous["Message-ID"], later["Message-ID"]])
    for explanation in replies:
        assert list(explanation.iter_attachments()) == []  # never the original


# ---------------------------------------------------------------------------- a revision


def test_a_revision_by_email_resubmits_and_the_attached_pdf_becomes_version_2(
        db, org, now, worker, mail_catcher):
    anna, ivan = org.approvers[0], org.initiator
    started = start_contract(db, org, now, approvers=[anna])
    instance_id = started.instance_id
    dispatch.kick(started.outbox_ids)
    worker.join()
    first_ask = open_tasks(db, instance_id)[anna]
    sent_back = service.decide(db, first_ask.id, anna, "send_back",
                               "Перепишите пункт о штрафах", now)
    dispatch.kick(sent_back.outbox_ids)
    worker.join()
    revision = open_tasks(db, instance_id)[ivan]
    assert revision.kind == "revision"
    mail = task_mail(mail_catcher, org.email(ivan))
    assert str(mail["Reply-To"]).startswith("reply+")
    assert mail["Content-Language"] == "ru"
    assert "Перепишите пункт о штрафах" in mail.get_body(("plain",)).get_content()

    reply = mailflow.reply(mail, org.email(ivan), "Исправлено\nПереписал пункт о штрафах")
    reply.add_attachment(PDF_V2, maintype="application", subtype="pdf",
                         filename="contract-v2.pdf")
    with mailflow.inbound_server(db, handle_inbound.send) as server:
        mailflow.send(server, reply)
        worker.join()

    [stored] = rows(db, InboundMessage)
    assert (stored.outcome, stored.task_id) == ("decided", revision.id), stored.reason
    [instance] = rows(db, Instance, Instance.id == instance_id)
    assert (instance.status, instance.stage) == ("running", "approval")
    docs = rows(db, Document, Document.instance_id == instance_id, Document.field == "contract")
    assert [(d.version, d.filename, d.uploaded_by_id) for d in docs] == [
        (1, "c.pdf", ivan), (2, "contract-v2.pdf", ivan)]
    assert docs[1].sha256 == hashlib.sha256(PDF_V2).hexdigest()
    assert rows(db, Blob, Blob.sha256 == docs[1].sha256)[0].data == PDF_V2
    [event] = rows(db, AuditEvent, AuditEvent.instance_id == instance_id,
                   AuditEvent.kind == "resubmitted")
    assert (event.channel, event.actor_id) == ("email", ivan)
    assert event.data["evidence"]["message_id"] == reply["Message-ID"]
    assert event.data["evidence"]["inbound"] == stored.id
    [closed] = rows(db, Task, Task.id == revision.id)
    assert (closed.state, closed.channel) == ("decided", "email")

    # Anna is asked again, and her mail carries the new version
    asked_again = open_tasks(db, instance_id)[anna]
    assert asked_again.id != first_ask.id and asked_again.round > first_ask.round
    asked = [m for m in mailflow.mails_to(mail_catcher.messages(), org.email(anna))
             if m["Reply-To"]]
    assert len(asked) == 2
    assert [p.get_content() for p in asked[-1].iter_attachments()] == [PDF_V2]


# ---------------------------------------------------------------------------- the sweep


def test_the_sweep_enqueues_a_reply_stored_while_redis_was_away(db, org, now, worker,
                                                              mail_catcher):
    anna = org.approvers[0]
    started = start_contract(db, org, now, approvers=[anna])
    dispatch.kick(started.outbox_ids)
    worker.join()
    mail = task_mail(mail_catcher, org.email(anna))
    task_id = open_tasks(db, started.instance_id)[anna].id
    # stored by the inbound server, whose enqueueing failed (Redis away): nobody was told
    old = store_reply(db, mailflow.reply(mail, org.email(anna), "Approved"),
                      now - scheduler.GRACE - timedelta(seconds=5))
    fresh = store_reply(db, mailflow.reply(mail, org.email(anna), "Approved, twice"), now)
    worker.join()
    assert [m.state for m in rows(db, InboundMessage)] == ["received", "received"]

    report = scheduler.sweep(db, clock.utcnow())
    assert report.inbound == 1  # the fresh one may still be on its first trip
    worker.join()
    by_id = {m.id: m for m in rows(db, InboundMessage)}
    assert (by_id[old].state, by_id[old].outcome, by_id[old].task_id) == (
        "done", "decided", task_id)
    assert by_id[fresh].state == "received"
    [task] = rows(db, Task, Task.id == task_id)
    assert (task.state, task.verdict, task.channel) == ("decided", "approve", "email")
    assert scheduler.sweep(db, clock.utcnow()).inbound == 0  # done, not sent again
