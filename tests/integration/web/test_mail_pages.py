"""The email interface's pages: one-click answer links, the mail catcher's reader with its
answer form (sending a real reply to a real SMTP server), and the administrator's mail log."""

from __future__ import annotations

import html
import mailbox
import re
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from sqlmodel import select

from approvals import service
from approvals.config.mail import MailSettings
from approvals.store.db import read_session, write_session
from approvals.store.maildir import ENVELOPE_HEADER
from approvals.store.models import InboundMessage, OutboxItem, PersonAlias, Task
from mail import inbox
from tests.integration.web.site import (
    NOW,
    Browser,
    audit_head,
    csrf_token,
    ids,
    instance_row,
    open_task,
)
from tests.support import free_port

TOKEN = "abcdefghijklmnopqrstuvwxyz"
REPLY_TO = f"reply+{TOKEN}@signoff.localhost"


@pytest.fixture(autouse=True)
def catcher_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """The embedded default: no relay, so mail goes to the catcher and /dev/mail is on."""
    for name in ("SMTP_HOST", "SMTP_PORT", "MAIL_DOMAIN", "INBOUND_SMTP_HOST",
                 "INBOUND_SMTP_PORT"):
        monkeypatch.delenv(name, raising=False)


class Collector:
    """An SMTP handler that keeps every envelope it is given."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        return "250 OK: received"


@pytest.fixture
def inbound_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Collector]:
    """A real SMTP server on 127.0.0.1 standing in for ``signoff smtp``."""
    collector = Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("INBOUND_SMTP_PORT", str(port))
    try:
        yield collector
    finally:
        controller.stop()


def task_mail(subject: str = "Согласование: Supply contract 42",
              to: str = "anna@example.com") -> bytes:
    """A task mail to ``to`` as the catcher keeps it: the envelope header first, then the
    message."""
    mail = EmailMessage()
    mail["From"] = "Signoff <signoff@signoff.localhost>"
    mail["To"] = to
    mail["Reply-To"] = REPLY_TO
    mail["Subject"] = subject
    mail["Date"] = "Mon, 02 Mar 2026 09:00:00 +0000"
    mail["Message-ID"] = f"<t.{TOKEN}@signoff.localhost>"
    mail["References"] = "<instance.1@signoff.localhost>"
    mail["Content-Language"] = "ru"
    mail.set_content("Согласуйте договор.\n\nОтветьте выше этой строки\nСумма: 150 000\n")
    mail.add_alternative(
        "<p>Согласуйте договор.</p><script>alert('x')</script>"
        f'<a href="mailto:{REPLY_TO}?subject=Re%3A%20x&amp;body=%D0%A1%D0%BE%D0%B3%D0%BB%D0%B0'
        '%D1%81%D0%BE%D0%B2%D0%B0%D0%BD%D0%BE">Согласовано</a> '
        f'<a href="mailto:{REPLY_TO}?body=%D0%9D%D0%B0%20%D0%B4%D0%BE%D1%80%D0%B0%D0%B1%D0%BE'
        '%D1%82%D0%BA%D1%83%0A%0A">На доработку</a>', subtype="html")
    mail.add_attachment(b"%PDF-1.4 contract", maintype="application", subtype="pdf",
                        filename="contract-v1.pdf")
    return f"{ENVELOPE_HEADER}: {to}\r\n".encode() + mail.as_bytes()


def catch(raw: bytes) -> str:
    """Put a message into the catcher's Maildir; its key."""
    folder = MailSettings.from_env().sent_dir
    folder.parent.mkdir(parents=True, exist_ok=True)  # Maildir makes the folder itself
    return mailbox.Maildir(folder).add(raw)


# ---------------------------------------------------------------------------- answer links


def test_an_answer_link_shows_a_confirmation_and_changes_nothing_until_confirmed(
        app, browsers, contract: int) -> None:
    anna, task_id = browsers("anna"), open_task(app, contract, "anna")
    page = f"/tasks/{task_id}/answer/approve"
    head, version = audit_head(app, contract), instance_row(app, contract).version
    for _ in range(2):  # a mail scanner and then the person
        shown = anna.get(page)
        assert shown.status_code == 200
    assert (audit_head(app, contract), instance_row(app, contract).version) == (head, version)
    assert open_task(app, contract, "anna") == task_id  # still open
    text = shown.text
    assert "Supply contract 42" in text and ">Approval<" in text  # the title and the stage
    assert "Confirm: Approve" in text
    assert f'action="/tasks/{task_id}/decide"' in text
    assert '<input type="hidden" name="verdict" value="approve">' in text
    decided = anna.submit(page, f"/tasks/{task_id}/decide",
                          {"verdict": "approve", "comment": "From the mail link"})
    assert decided.status_code == 303
    with read_session(app.extensions["signoff.db"]) as session:
        task = session.get(Task, task_id)
    assert (task.state, task.verdict, task.comment) == ("decided", "approve",
                                                        "From the mail link")


def test_a_logged_out_person_returns_to_the_answer_page_after_logging_in(
        app, browser: Browser, contract: int) -> None:
    page = f"/tasks/{open_task(app, contract, 'boris')}/answer/send_back"
    response = browser.get(page)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={page}"
    login = browser.get(response.headers["Location"])
    logged_in = browser.client.post("/login", data={
        "email": "boris@example.com", "password": "correct horse battery staple",
        "next": page, "csrf_token": csrf_token(login.text)})
    assert logged_in.headers["Location"] == page
    shown = browser.get(page).text
    assert "Подтвердите решение" in shown and "Подтвердить: «Вернуть на доработку»" in shown
    assert re.search(r'<textarea id="comment" name="comment" rows="4" required', shown)


def test_a_decided_task_says_by_whom_with_409_and_links_the_task(app, browsers,
                                                                 contract: int) -> None:
    task_id = open_task(app, contract, "anna")
    service.decide(app.extensions["signoff.db"], task_id, ids(app)["anna"], "approve", "",
                   NOW, channel="email")
    response = browsers("anna").get(f"/tasks/{task_id}/answer/send_back")
    assert response.status_code == 409
    assert "Already decided by Anna Approver at 2026-03-02 09:00 UTC: Approved." in response.text
    assert f'href="/tasks/{task_id}"' in response.text
    assert "/decide" not in response.text


def test_a_withdrawn_process_someone_elses_task_and_a_wrong_verdict_are_refused(
        app, browsers, contract: int) -> None:
    task_id = open_task(app, contract, "anna")
    other = browsers("boris").get(f"/tasks/{task_id}/answer/approve")
    assert other.status_code == 403
    assert "Эта задача назначена другому сотруднику." in other.text
    assert "Supply contract 42" not in other.text
    wrong = browsers("anna").get(f"/tasks/{task_id}/answer/paid")
    assert wrong.status_code == 400
    assert "This decision is not available for this task." in wrong.text
    service.withdraw(app.extensions["signoff.db"], contract, ids(app)["ivan"], "", NOW,
                     channel="web")
    closed = browsers("anna").get(f"/tasks/{task_id}/answer/approve")
    assert closed.status_code == 409
    assert "This process has already ended." in closed.text
    assert f'href="/tasks/{task_id}"' in closed.text and "/decide" not in closed.text


def test_a_resubmit_link_of_a_revision_leads_to_the_task_page(app, browsers,
                                                              contract: int) -> None:
    anna = browsers("anna")
    anna.submit(f"/tasks/{open_task(app, contract, 'anna')}",
                f"/tasks/{open_task(app, contract, 'anna')}/decide",
                {"verdict": "send_back", "comment": "Fix the amount"})
    revision = open_task(app, contract, "ivan")
    shown = browsers("ivan").get(f"/tasks/{revision}/answer/resubmit")
    assert shown.status_code == 200
    assert "continue on the task page" in shown.text
    assert f'href="/tasks/{revision}"' in shown.text and "/decide" not in shown.text


# ---------------------------------------------------------------------------- /dev/mail


def test_dev_mail_is_404_when_a_relay_is_configured(app, browsers, monkeypatch) -> None:
    anna = browsers("anna")
    assert 'href="/dev/mail"' in anna.get("/").text
    monkeypatch.setenv("SMTP_HOST", "smtp.example.com")
    key = catch(task_mail())
    for path in ("/dev/mail", f"/dev/mail/{key}", f"/dev/mail/{key}/html"):
        assert anna.get(path).status_code == 404, path
    assert 'href="/dev/mail"' not in anna.get("/").text
    monkeypatch.delenv("SMTP_HOST")
    form = anna.get(f"/dev/mail/{key}")
    monkeypatch.setenv("SMTP_HOST", "smtp.example.com")
    answer = anna.client.post(f"/dev/mail/{key}/reply", data={
        "text": "Согласовано", "csrf_token": csrf_token(form.text)})
    assert answer.status_code == 404


def test_dev_mail_lists_the_caught_mail_newest_first(app, browsers) -> None:
    first = catch(task_mail("The first mail"))
    second = catch(task_mail("The second mail"))
    page = browsers("anna").get("/dev/mail")
    assert page.status_code == 200
    assert "A developer tool" in page.text and "Messages: 2" in page.text
    assert "You see the mail addressed to you and answer it as yourself." in page.text
    assert page.text.index(f"/dev/mail/{second}") < page.text.index(f"/dev/mail/{first}")
    assert "The second mail" in page.text and "anna@example.com" in page.text


def test_a_person_sees_and_answers_only_the_mail_addressed_to_them(
        app, browsers, inbound_server: Collector) -> None:
    for_anna = catch(task_mail("For Anna"))
    for_boris = catch(task_mail("For Boris", to="boris@example.com"))
    oscar, boris = browsers("oscar"), browsers("boris")
    listed = oscar.get("/dev/mail").text
    assert "Messages: 0" in listed and "For Anna" not in listed and "For Boris" not in listed
    listed = boris.get("/dev/mail").text
    assert "Писем: 1" in listed and "For Boris" in listed and "For Anna" not in listed
    assert "Здесь видны письма, адресованные вам" in listed
    for path in (f"/dev/mail/{for_anna}", f"/dev/mail/{for_anna}/html"):
        refused = boris.get(path)
        assert refused.status_code == 404, path
        assert REPLY_TO not in refused.text and "Согласуйте" not in refused.text
    own = boris.get(f"/dev/mail/{for_boris}")
    answer = boris.client.post(f"/dev/mail/{for_anna}/reply", data={
        "text": "Согласовано", "send_as": "anna@example.com",
        "csrf_token": csrf_token(own.text)})
    assert answer.status_code == 404
    assert inbound_server.envelopes == []


def test_a_reply_always_comes_from_the_person_whatever_the_form_says(
        app, browsers, inbound_server: Collector) -> None:
    key = catch(task_mail("For Boris", to="boris@example.com"))
    response = browsers("boris").submit(f"/dev/mail/{key}", f"/dev/mail/{key}/reply", {
        "text": "Согласовано", "send_as": "Anna Approver <anna@example.com>"})
    assert response.status_code == 303
    [envelope] = inbound_server.envelopes
    assert envelope.mail_from == "boris@example.com"
    reply = message_from_bytes(envelope.content, policy=policy.default)
    assert reply["From"].addresses[0].addr_spec == "boris@example.com"
    assert reply["From"].addresses[0].display_name == "Борис Согласующий"


def test_an_administrator_sees_all_the_mail_but_answers_only_as_themselves(
        app, browsers, inbound_server: Collector) -> None:
    for_anna = catch(task_mail("For Anna"))
    catch(task_mail("For Boris", to="boris@example.com"))
    ada = browsers("ada")
    listed = ada.get("/dev/mail").text
    assert "Messages: 2" in listed and "For Anna" in listed and "For Boris" in listed
    assert "As an administrator you see all the mail" in listed
    shown = ada.get(f"/dev/mail/{for_anna}")
    assert shown.status_code == 200 and html.escape(REPLY_TO) in shown.text
    assert "Sent from your address, Ada Admin &lt;ada@example.com&gt;." in shown.text
    assert 'name="send_as"' not in shown.text
    response = ada.submit(f"/dev/mail/{for_anna}", f"/dev/mail/{for_anna}/reply", {
        "text": "Согласовано", "send_as": "anna@example.com"})
    assert response.status_code == 303
    [envelope] = inbound_server.envelopes
    assert envelope.mail_from == "ada@example.com"
    assert message_from_bytes(envelope.content, policy=policy.default)["From"] == (
        "Ada Admin <ada@example.com>")


def test_mail_to_an_alias_is_the_persons(app, browsers) -> None:
    with write_session(app.extensions["signoff.db"]) as session:
        session.add(PersonAlias(email="a.approver@example.com", person_id=ids(app)["anna"]))
    key = catch(task_mail("To the alias", to="a.approver@example.com"))
    assert browsers("anna").get(f"/dev/mail/{key}").status_code == 200


def test_a_caught_message_shows_headers_parts_attachments_and_the_answer_form(
        app, browsers) -> None:
    key = catch(task_mail())
    response = browsers("anna").get(f"/dev/mail/{key}")
    assert response.status_code == 200
    text = response.text
    assert "Согласование: Supply contract 42" in text
    assert html.escape(REPLY_TO) in text and html.escape(f"<t.{TOKEN}@signoff.localhost>") in text
    assert "Ответьте выше этой строки" in text  # the text part
    assert f'<iframe class="mail-html" sandbox="" src="/dev/mail/{key}/html"' in text
    assert "<script>" not in text
    assert "contract-v1.pdf" in text and "application/pdf" in text
    assert "Sent from your address, Anna Approver &lt;anna@example.com&gt;." in text
    assert 'name="send_as"' not in text
    assert '<button type="submit" name="word" value="Согласовано"' in text  # from mailto:
    assert '<button type="submit" name="word" value="На доработку"' in text
    assert browsers("anna").get("/dev/mail/1234.nothing").status_code == 404


def test_the_html_part_is_served_alone_under_a_policy_that_runs_no_script(
        app, browsers) -> None:
    key = catch(task_mail())
    part = browsers("anna").get(f"/dev/mail/{key}/html")
    assert part.status_code == 200 and part.mimetype == "text/html"
    assert "<p>Согласуйте договор.</p>" in part.text
    policy_ = part.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy_ and "sandbox" in policy_
    assert "frame-ancestors 'self'" in policy_ and "script-src" not in policy_
    assert part.headers["X-Frame-Options"] == "SAMEORIGIN"
    plain = EmailMessage()
    plain["To"] = "anna@example.com"
    plain.set_content("text only")
    text_only = catch(f"{ENVELOPE_HEADER}: anna@example.com\r\n".encode() + plain.as_bytes())
    assert browsers("anna").get(f"/dev/mail/{text_only}/html").status_code == 404


def test_the_answer_form_sends_a_real_threaded_reply_to_the_inbound_server(
        app, browsers, inbound_server: Collector) -> None:
    key = catch(task_mail())
    anna = browsers("anna")
    response = anna.submit(f"/dev/mail/{key}", f"/dev/mail/{key}/reply",
                           {"text": "Согласовано\r\nСпасибо",
                            "send_as": "Anna Approver <anna@example.com>"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/dev/mail"
    assert "Reply sent; the worker will process it." in anna.get("/dev/mail").text
    [envelope] = inbound_server.envelopes
    assert envelope.mail_from == "anna@example.com"
    assert envelope.rcpt_tos == [REPLY_TO]
    reply = message_from_bytes(envelope.content, policy=policy.default)
    assert reply["From"] == "Anna Approver <anna@example.com>" and reply["To"] == REPLY_TO
    assert reply["Subject"] == "Re: Согласование: Supply contract 42"
    assert reply["In-Reply-To"] == f"<t.{TOKEN}@signoff.localhost>"
    assert reply["References"] == (f"<instance.1@signoff.localhost> "
                                   f"<t.{TOKEN}@signoff.localhost>")
    assert re.fullmatch(r"<[^@<>]+@example\.com>", reply["Message-ID"])  # a fresh one
    assert reply["Date"]
    assert reply.get_content().replace("\r\n", "\n") == (  # lines travel with CRLF
        "Согласовано\nСпасибо\n\nOn Mon, 02 Mar 2026 09:00:00 +0000, Signoff wrote:\n"
        "> Согласуйте договор.\n>\n> Ответьте выше этой строки\n> Сумма: 150 000\n")


def test_a_quick_word_goes_first_and_the_typed_text_becomes_the_comment(
        app, browsers, inbound_server: Collector) -> None:
    key = catch(task_mail())
    response = browsers("anna").submit(f"/dev/mail/{key}", f"/dev/mail/{key}/reply", {
        "text": "Fix the amount", "word": "На доработку", "send_as": "anna@example.com"})
    assert response.status_code == 303
    reply = message_from_bytes(inbound_server.envelopes[0].content, policy=policy.default)
    assert reply.get_content().startswith("На доработку\r\nFix the amount\r\n\r\nOn ")


def test_a_reply_without_a_text_is_refused_and_nothing_is_sent(
        app, browsers, inbound_server: Collector) -> None:
    key = catch(task_mail())
    response = browsers("anna").submit(f"/dev/mail/{key}", f"/dev/mail/{key}/reply",
                                       {"text": "  "})
    assert response.status_code == 400
    assert "Type a reply or choose a word." in response.text
    assert inbound_server.envelopes == []


def test_a_reply_with_no_inbound_server_says_so_and_keeps_the_text(app, browsers,
                                                                   monkeypatch) -> None:
    port = free_port()  # nothing listens there
    monkeypatch.setenv("INBOUND_SMTP_PORT", str(port))
    key = catch(task_mail())
    response = browsers("anna").submit(f"/dev/mail/{key}", f"/dev/mail/{key}/reply", {
        "text": "Согласовано, но позже"})
    assert response.status_code == 503
    assert (f"The inbound mail server (signoff smtp) is not running on 127.0.0.1:{port}."
            in response.text)
    assert "Согласовано, но позже</textarea>" in response.text


# ---------------------------------------------------------------------------- /admin/mail


def stored(app: Flask, raw: bytes, minutes: int, **fields) -> int:
    """An inbound message stored as the SMTP server stores it, then marked as processed."""
    engine = app.extensions["signoff.db"]
    message_id = inbox.store(engine, raw, channel="smtp", now=NOW + timedelta(minutes=minutes),
                             envelope_from="anna@example.com", envelope_to=[REPLY_TO])
    with write_session(engine) as session:
        row = session.get(InboundMessage, message_id)
        for name, value in fields.items():
            setattr(row, name, value)
        session.add(row)
    return message_id


def reply_bytes(subject: str) -> bytes:
    mail = EmailMessage()
    mail["From"] = "anna@example.com"
    mail["To"] = REPLY_TO
    mail["Subject"] = subject
    mail["Message-ID"] = f"<{subject.replace(' ', '.')}@example.com>"
    mail.set_content("Approved\n")
    return mail.as_bytes()


def test_the_mail_log_is_for_administrators_only(app, browsers, contract: int) -> None:
    message_id = stored(app, reply_bytes("first reply"), 1)
    anna = browsers("anna")
    for path in ("/admin/mail", f"/admin/mail/{message_id}", f"/admin/mail/{message_id}/raw"):
        response = anna.get(path)
        assert response.status_code == 403, path
        assert "You do not have access to this page." in response.text
    assert 'href="/admin/mail"' not in anna.get("/").text
    assert 'href="/admin/mail"' in browsers("ada").get("/").text


def test_the_mail_log_lists_inbound_messages_newest_first_and_filters_by_outcome(
        app, browsers, contract: int) -> None:
    task_id = open_task(app, contract, "anna")
    older = stored(app, reply_bytes("first reply"), 1, state="done", outcome="decided",
                   reason="", sender="anna@example.com", subject="first reply",
                   task_id=task_id, instance_id=contract)
    newer = stored(app, reply_bytes("second reply"), 2, state="done", outcome="ambiguous",
                   reason="both verdicts present", sender="anna@example.com",
                   subject="second reply", details={"verdicts": ["approve", "send_back"]})
    ada = browsers("ada")
    page = ada.get("/admin/mail").text
    assert "Messages: 2" in page
    assert page.index(f'data-message="{newer}"') < page.index(f'data-message="{older}"')
    assert "both verdicts present" in page and f'href="/tasks/{task_id}"' in page
    assert '<option value="ambiguous">' in page and '<option value="decided">' in page
    filtered = ada.get("/admin/mail?outcome=decided").text
    assert "Messages: 1" in filtered
    assert f'data-message="{older}"' in filtered and f'data-message="{newer}"' not in filtered
    detail = ada.get(f"/admin/mail/{newer}").text
    assert "both verdicts present" in detail and "ambiguous" in detail
    assert "&lt;second.reply@example.com&gt;" in detail  # the Message-ID header
    assert "&#34;send_back&#34;" in detail  # the details JSON
    assert f'href="/admin/mail/{newer}/raw"' in detail
    assert ada.get("/admin/mail/9999").status_code == 404


def test_the_raw_message_downloads_as_an_eml_attachment(app, browsers) -> None:
    raw = reply_bytes("raw reply")
    message_id = stored(app, raw, 1)
    response = browsers("ada").get(f"/admin/mail/{message_id}/raw")
    assert response.status_code == 200
    assert response.mimetype == "message/rfc822"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert f"inbound-{message_id}.eml" in response.headers["Content-Disposition"]
    assert response.data == raw


def test_the_mail_log_shows_outgoing_mail_that_failed(app, browsers) -> None:
    engine = app.extensions["signoff.db"]
    explanation = {"explanation": {"to": "stranger@example.com", "reason": "unknown_token"}}
    with write_session(engine) as session:
        for state, attempts, error in (("failed", 1, "550 5.1.1 no such user"),
                                       ("pending", 3, "cannot reach the relay"),
                                       ("done", 1, None), ("pending", 0, None)):
            session.add(OutboxItem(kind="email", payload=explanation, state=state,
                                   created_at=NOW, attempts=attempts, last_error=error))
        session.add(OutboxItem(kind="notify", payload={}, state="failed", created_at=NOW,
                               attempts=1, last_error="not an email"))
    with read_session(engine) as session:
        shown_ids = session.exec(select(OutboxItem.id).where(
            OutboxItem.last_error.in_(["550 5.1.1 no such user", "cannot reach the relay"]))
        ).all()
    page = browsers("ada").get("/admin/mail").text
    assert page.count('class="failed-item"') == 2
    for item_id in shown_ids:
        assert f'data-outbox="{item_id}"' in page
    assert "550 5.1.1 no such user" in page and "cannot reach the relay" in page
    assert "not an email" not in page
    assert "stranger@example.com" in page and "unknown_token" in page
