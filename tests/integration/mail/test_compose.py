"""The mails Signoff sends, composed from a real database and read back as a mail client would.

Each test starts processes through the service on a migrated SQLite file, turns the command's
``notify`` outbox rows into notifications (what the outbox worker does before it mails them),
composes with :mod:`mail.compose` and parses the bytes with the standard library.
"""

from __future__ import annotations

import dataclasses
import email
import hashlib
import html
import re
from collections.abc import Iterator
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals import service, texts
from approvals.config.mail import MailSettings
from approvals.store import db as store
from approvals.store import filestore
from approvals.store.db import read_session, write_session
from approvals.store.models import AuditEvent, Document, Notification, OutboxItem, Person, Timer
from approvals.texts.answers import REPLY_MARKER, answer_words, suggested
from mail import tokens, wording
from mail.compose import explanation_mail, notification_mail
from tests.integration.flows import (
    CONTRACT,
    PDF_V1,
    contract_fields,
    open_tasks,
    rows,
    start_contract,
    upload,
)

BASE = "https://signoff.example.com"
SECRET = "test-secret"
TEMPLATES = Path(__file__).parents[3] / "mail" / "templates"


@pytest.fixture
def db(tmp_path) -> Iterator[Engine]:
    """A migrated SQLite file (composing reads the same rows on either database)."""
    url = f"sqlite:///{tmp_path / 'signoff.db'}"
    store.upgrade(url)
    engine = store.make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def settings() -> MailSettings:
    return dataclasses.replace(MailSettings.from_env(), domain="mail.example.com",
                               from_address="signoff@mail.example.com",
                               from_name="Signoff Робот", attach_max_bytes=1024 * 1024)


# ---------------------------------------------------------------------------- helpers


def notify(db: Engine, outbox_ids: list[int]) -> list[Notification]:
    """The notifications of a command's ``notify`` rows, as the outbox worker writes them."""
    with write_session(db) as session:
        items = session.exec(select(OutboxItem).where(OutboxItem.id.in_(outbox_ids),
                                                      OutboxItem.kind == "notify")).all()
        notes = [Notification(outbox_item_id=item.id, person_id=item.payload["person"],
                              instance_id=item.instance_id,
                              task_id=item.payload["params"].get("task"),
                              template=item.payload["template"],
                              params=item.payload["params"], created_at=item.created_at)
                 for item in items]
        session.add_all(notes)
        session.flush()
        for note in notes:
            session.refresh(note)
            session.expunge(note)
    return notes


def note_of(notes: list[Notification], person_id: int, template: str) -> Notification:
    return next(n for n in notes if n.person_id == person_id and n.template == template)


def compose(db: Engine, note: Notification, settings: MailSettings, *, token: bool = True,
            trails_dir: Path | None = None) -> EmailMessage:
    """The parsed mail of ``note`` (with its reply token unless ``token`` is False)."""
    with read_session(db) as session:
        message = notification_mail(
            session, session.get(Notification, note.id), settings=settings, base_url=BASE,
            outbox_item_id=1000 + note.id, token=reply_token(note) if token else None,
            trails_dir=trails_dir)
    return parse(message)


def parse(message: EmailMessage) -> EmailMessage:
    return email.message_from_bytes(bytes(message), policy=policy.default)


def reply_token(note: Notification) -> str:
    return tokens.derive(SECRET, note.id)


def text(mail: EmailMessage) -> str:
    return mail.get_body(("plain",)).get_content()


def page(mail: EmailMessage) -> str:
    return mail.get_body(("html",)).get_content()


def links(mail: EmailMessage) -> list[str]:
    return [html.unescape(href) for href in re.findall(r'href="([^"]*)"', page(mail))]


def attachments(mail: EmailMessage) -> list[tuple[str, str, bytes]]:
    return [(part.get_filename(), part.get_content_type(), part.get_content())
            for part in mail.iter_attachments()]


def mailto(link: str) -> tuple[str, str, str]:
    """(to, subject, body) of a ``mailto:`` link, decoded as a mail client does."""
    parts = urlsplit(link)
    query = parse_qs(parts.query)
    return unquote(parts.path), query["subject"][0], query["body"][0]


def structure(mail: EmailMessage) -> list[str]:
    return [part.get_content_type() for part in mail.walk()]


# ---------------------------------------------------------------------------- task mails


def test_a_task_mail_carries_the_reply_token_and_the_automatic_headers(db, org, now, settings):
    started = start_contract(db, org, now)
    note = note_of(notify(db, started.outbox_ids), org.approvers[0], "task_assigned")
    token = reply_token(note)

    mail = compose(db, note, settings)

    assert mail["From"].addresses[0].display_name == "Signoff Робот"
    assert mail["From"].addresses[0].addr_spec == "signoff@mail.example.com"
    assert (mail["To"].addresses[0].display_name, mail["To"].addresses[0].addr_spec) == (
        "Anna Approver", "anna@example.com")
    assert mail["Subject"] == f"[Signoff #{started.instance_id}] New task: “Supply contract”"
    assert parsedate_to_datetime(mail["Date"]) == note.created_at.replace(microsecond=0)
    assert mail["Message-ID"] == f"<t.{token}@mail.example.com>"
    assert mail["Reply-To"] == f"reply+{token}@mail.example.com"
    assert tokens.from_address(mail["Reply-To"], settings.domain) == token
    thread = f"<instance.{started.instance_id}@mail.example.com>"
    assert (mail["In-Reply-To"], mail["References"]) == (thread, thread)
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["X-Auto-Response-Suppress"] == "All"
    assert mail["Content-Language"] == "en"
    assert structure(mail) == ["multipart/mixed", "multipart/alternative", "text/plain",
                               "text/html", "application/pdf"]
    body = text(mail)
    assert body.splitlines()[0] == f"— {REPLY_MARKER['en']} —"
    assert "Contract approval, version 1" in body
    assert f"No. {started.instance_id}" in body
    assert "Requested by: Ivan Initiator" in body
    assert "Deadline: " in body and " UTC" in body
    assert "150,000.50 RUB" in body
    assert "ООО «Ромашка»" in body
    assert "Process started" in body  # the timeline, with the page catalogue's event texts
    assert f"— {REPLY_MARKER['en']} —" in page(mail)


def test_the_same_outbox_row_composes_the_same_message_id(db, org, now, settings):
    started = start_contract(db, org, now)
    note = note_of(notify(db, started.outbox_ids), org.approvers[0], "task_assigned")

    first, second = compose(db, note, settings), compose(db, note, settings)
    assert first["Message-ID"] == second["Message-ID"]
    assert first["Date"] == second["Date"]
    assert text(first) == text(second)

    plain = compose(db, note, settings, token=False)  # no token: the outbox row names it
    assert plain["Message-ID"] == f"<m.{1000 + note.id}@mail.example.com>"
    assert plain["Reply-To"] is None


def test_mails_of_one_instance_thread_together_and_apart_from_another(db, org, now, settings):
    first = start_contract(db, org, now)
    second = start_contract(db, org, now)
    notes = notify(db, first.outbox_ids) + notify(db, second.outbox_ids)

    threads = {}
    for note in notes:
        mail = compose(db, note, settings)
        threads.setdefault(note.instance_id, set()).add(mail["References"])
        assert mail["In-Reply-To"] == mail["References"]
    assert threads == {first.instance_id: {f"<instance.{first.instance_id}@mail.example.com>"},
                       second.instance_id: {f"<instance.{second.instance_id}@mail.example.com>"}}
    ids = {compose(db, note, settings)["Message-ID"] for note in notes}
    assert len(ids) == len(notes)


def test_a_russian_speaker_gets_the_mail_in_russian(db, org, now, settings):
    boris = org.approvers[1]
    with write_session(db) as session:
        session.get(Person, boris).name = "Борис Петров"
    started = start_contract(db, org, now)
    note = note_of(notify(db, started.outbox_ids), boris, "task_assigned")

    mail = compose(db, note, settings)

    assert mail["Subject"] == (f"[Signoff #{started.instance_id}] Новая задача: "
                               "«Supply contract»")
    assert mail["To"].addresses[0].display_name == "Борис Петров"
    assert mail["Content-Language"] == "ru"
    body = text(mail)
    assert body.splitlines()[0] == "— Ответьте выше этой строки —"
    assert "Согласование договора, версия 1" in body
    assert "Этап: Согласование" in body
    assert "150\u00a0000,50 RUB" in body
    assert "Процесс запущен" in body
    assert "Как ответить".upper() in body
    for verdict in ("approve", "send_back"):
        assert suggested(verdict, "ru") in body
        assert all(word in body for word in answer_words(verdict, "ru")[1:])
    assert "New task" not in body and "Reply above" not in body
    assert "Ответьте на это письмо одним словом" in page(mail)


def test_each_verdict_has_a_mailto_link_prefilling_its_word(db, org, now, settings):
    started = start_contract(db, org, now)
    notes = notify(db, started.outbox_ids)
    tasks = open_tasks(db, started.instance_id)

    for person, locale in ((org.approvers[1], "ru"), (org.approvers[0], "en")):
        note = note_of(notes, person, "task_assigned")
        mail = compose(db, note, settings)
        prefilled = [mailto(link) for link in links(mail) if link.startswith("mailto:")]
        assert prefilled == [
            (f"reply+{reply_token(note)}@mail.example.com", f"Re: {mail['Subject']}",
             suggested(verdict, locale)) for verdict in ("approve", "send_back")]
        task_url = f"{BASE}/tasks/{tasks[person].id}"
        for link in (task_url, f"{task_url}/answer/approve", f"{task_url}/answer/send_back"):
            assert link in links(mail)
            assert link in text(mail)
    russian = compose(db, note_of(notes, org.approvers[1], "task_assigned"), settings)
    first = next(link for link in links(russian) if link.startswith("mailto:"))
    assert first.startswith("mailto:reply%2B")  # a "+" read as a space would lose the token
    assert first.endswith("&body=%D0%A1%D0%BE%D0%B3%D0%BB%D0%B0%D1%81%D0%BE%D0%B2%D0%B0%D0%BD"
                          "%D0%BE")  # "Согласовано", UTF-8, percent-encoded


def test_a_small_document_is_attached_and_a_large_one_linked(db, org, now, settings):
    started = start_contract(db, org, now)
    note = note_of(notify(db, started.outbox_ids), org.approvers[0], "task_assigned")
    document = rows(db, Document, Document.instance_id == started.instance_id)[0]
    short = hashlib.sha256(PDF_V1).hexdigest()[:12]

    small = compose(db, note, settings)
    assert attachments(small) == [("c.pdf", "application/pdf", PDF_V1)]
    assert f"c.pdf, version 1, {len(PDF_V1)} B, SHA-256 {short}…" in text(small)
    assert "attached to this email" in text(small)
    assert f"/documents/{document.id}" not in text(small)

    large = compose(db, note, dataclasses.replace(settings, attach_max_bytes=10))
    assert attachments(large) == []
    assert structure(large) == ["multipart/alternative", "text/plain", "text/html"]
    assert f"{BASE}/documents/{document.id}" in text(large)
    assert f"{BASE}/documents/{document.id}" in links(large)
    assert f"SHA-256 {short}…" in text(large)


def test_only_the_newest_version_of_a_document_is_attached(db, org, now, settings):
    started = start_contract(db, org, now)
    tasks = open_tasks(db, started.instance_id)
    service.decide(db, tasks[org.approvers[0]].id, org.approvers[0], "send_back",
                   "Rewrite the penalty clause", now)
    revised = b"%PDF-1.4\n% revised\n"
    result = service.resubmit(db, started.instance_id, org.initiator,
                              {"contract": upload("c2.pdf", revised)}, "Done", now)
    note = note_of(notify(db, result.outbox_ids), org.approvers[0], "task_assigned")

    mail = compose(db, note, settings)
    assert attachments(mail) == [("c2.pdf", "application/pdf", revised)]
    assert "c2.pdf, version 2" in text(mail)


def test_a_title_with_markup_is_escaped_in_the_html_part(db, org, now, settings):
    fields = contract_fields([org.email(org.approvers[0])])
    fields["title"] = "<script>alert(1)</script> & <b>Co</b>"
    started = service.start(db, CONTRACT, org.initiator, fields, now)
    note = note_of(notify(db, started.outbox_ids), org.approvers[0], "task_assigned")

    mail = compose(db, note, settings)

    markup = page(mail)
    assert "<script>" not in markup and "<b>Co</b>" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;Co&lt;/b&gt;" in markup
    assert "<script>alert(1)</script> & <b>Co</b>" in text(mail)
    assert mail["Subject"].endswith("“<script>alert(1)</script> & <b>Co</b>”")


def test_a_revision_mail_names_who_sent_it_back_and_asks_to_resubmit(db, org, now, settings):
    started = start_contract(db, org, now)
    tasks = open_tasks(db, started.instance_id)
    result = service.decide(db, tasks[org.approvers[0]].id, org.approvers[0], "send_back",
                            "Rewrite the penalty clause\n<and> the date", now)
    note = note_of(notify(db, result.outbox_ids), org.initiator, "revision_requested")
    revision = open_tasks(db, started.instance_id)[org.initiator]

    mail = compose(db, note, settings)  # Ivan reads Russian

    assert mail["Subject"] == (f"[Signoff #{started.instance_id}] Возвращено на доработку: "
                               "«Supply contract»")
    body = text(mail)
    assert "Вернул(а) на доработку Anna Approver" in body
    assert "    Rewrite the penalty clause\n    <and> the date" in body
    assert "Rewrite the penalty clause<br>&lt;and&gt; the date" in page(mail)
    assert "приложите файл к ответу" in body
    assert suggested("resubmit", "ru") in body
    assert all(word in body for word in answer_words("resubmit", "ru")[1:])
    prefilled = [mailto(link) for link in links(mail) if link.startswith("mailto:")]
    assert [body for _to, _subject, body in prefilled] == ["Отправить повторно"]
    assert f"{BASE}/tasks/{revision.id}/answer/resubmit" in links(mail)


def test_a_task_closed_before_its_mail_went_gets_a_short_mail(db, org, now, settings):
    started = start_contract(db, org, now)
    note = note_of(notify(db, started.outbox_ids), org.approvers[0], "task_assigned")
    task = open_tasks(db, started.instance_id)[org.approvers[0]]
    service.decide(db, task.id, org.approvers[0], "approve", "", now)

    mail = compose(db, note, settings)

    body = text(mail)
    assert REPLY_MARKER["en"] not in body
    assert "Already decided by Anna Approver" in body
    assert f"{BASE}/instances/{started.instance_id}" in body
    assert not [link for link in links(mail) if link.startswith("mailto:")]


def test_overdue_mails_remind_the_assignee_and_tell_the_initiator(db, org, now, settings):
    started = start_contract(db, org, now, approvers=[org.approvers[0]])
    timer = rows(db, Timer, Timer.instance_id == started.instance_id)[0]
    fired = service.fire_timer(db, timer.id, now + timedelta(days=4))
    notes = notify(db, fired.outbox_ids)

    reminder = compose(db, note_of(notes, org.approvers[0], "task_overdue"), settings)
    assert reminder["Subject"] == (f"[Signoff #{started.instance_id}] Overdue task: "
                                   "“Supply contract”")
    assert "has passed; the task is still waiting for you" in text(reminder)
    assert text(reminder).splitlines()[0] == f"— {REPLY_MARKER['en']} —"

    told = compose(db, note_of(notes, org.initiator, "task_overdue_initiator"), settings,
                   token=False)
    assert told["Subject"] == (f"[Signoff #{started.instance_id}] Просрочена задача по "
                               "«Supply contract»")
    assert "Задача: Anna Approver, срок " in text(told)
    assert REPLY_MARKER["ru"] not in text(told)
    assert told["Reply-To"] is None


def test_a_withdrawn_task_gets_a_short_mail_linking_the_instance(db, org, now, settings):
    started = start_contract(db, org, now)
    result = service.withdraw(db, started.instance_id, org.initiator, "Not needed", now)
    notes = notify(db, result.outbox_ids)

    for person, words in ((org.approvers[0], "Your task on “Supply contract” was withdrawn"),
                          (org.approvers[1], "Ваша задача по «Supply contract» снята")):
        mail = compose(db, note_of(notes, person, "task_withdrawn"), settings, token=False)
        assert words in text(mail)
        assert f"{BASE}/instances/{started.instance_id}" in text(mail)
        assert f"{BASE}/instances/{started.instance_id}" in links(mail)
        assert mail["Reply-To"] is None
        assert mail["References"] == f"<instance.{started.instance_id}@mail.example.com>"
        assert structure(mail) == ["multipart/alternative", "text/plain", "text/html"]


def complete(db, org, now) -> service.Result:
    started = start_contract(db, org, now, approvers=[org.approvers[0]])
    task = open_tasks(db, started.instance_id)[org.approvers[0]]
    service.decide(db, task.id, org.approvers[0], "approve", "", now)
    task = open_tasks(db, started.instance_id)[org.initiator]
    result = service.decide(db, task.id, org.initiator, "done", "Sent.", now)
    assert result.status == "completed"
    return result


def record_a_trail(db, result: service.Result, now, trails_dir: Path,
                   pdf: bytes) -> service.TrailRecord:
    """Index ``pdf`` as the signed trail of the completed instance (the renderer's tests
    make real ones; a mail only carries it)."""
    stored = filestore.put(trails_dir, pdf)
    completed = [e for e in rows(db, AuditEvent, AuditEvent.instance_id == result.instance_id)
                 if e.kind == "completed"][-1]
    return service.record_trail(db, result.instance_id, completion_seq=completed.seq,
                                completed_at=now, sha256=stored.sha256, size=stored.size,
                                path=stored.path, chain_head=completed.hash,
                                event_count=completed.seq, now=now)


def test_completion_the_process_notice_and_the_trail_are_one_short_mail(db, org, now, settings,
                                                                         tmp_path):
    result = complete(db, org, now)
    assert [n.template for n in notify(db, result.outbox_ids)
            if n.person_id == org.initiator] == []  # held for the signed trail
    trails_dir = tmp_path / "trails"
    record = record_a_trail(db, result, now, trails_dir, b"%PDF-1.7\n% a trail stands in\n")
    [note] = [n for n in notify(db, record.outbox_ids) if n.person_id == org.initiator]

    done = compose(db, note, settings, token=False, trails_dir=trails_dir)
    assert done["Subject"] == (f"[Signoff #{result.instance_id}] Процесс завершён: "
                               "«Supply contract»")
    assert "Статус: Завершено" in text(done)
    assert "Договор согласован и отправлен клиенту." in text(done)  # the process's own words
    assert "Подписанный лист согласования готов" in text(done)
    assert [name for name, _type, _data in attachments(done)] == [
        f"trail-{record.trail_id:06d}-instance-{result.instance_id}.pdf"]
    assert f"{BASE}/instances/{result.instance_id}" in links(done)


def test_the_initiator_is_told_by_mail_when_an_administrator_reopens(db, org, now, settings,
                                                                     tmp_path):
    result = complete(db, org, now)
    record_a_trail(db, result, now, tmp_path / "trails", b"%PDF-1.7\n% a trail stands in\n")
    reopened = service.reopen(db, result.instance_id, org.admin, "Реквизиты банка неверны",
                              now + timedelta(days=1))
    notes = notify(db, reopened.outbox_ids)
    mail = compose(db, note_of(notes, org.initiator, "instance_reopened"), settings,
                   token=False)
    assert mail["Subject"] == (f"[Signoff #{result.instance_id}] Процесс открыт повторно: "
                               "«Supply contract»")
    assert "«Supply contract» открыт повторно: Реквизиты банка неверны" in text(mail)
    assert "Статус: В работе" in text(mail)
    again = compose(db, note_of(notes, org.approvers[0], "task_assigned"), settings)
    assert reply_token(note_of(notes, org.approvers[0], "task_assigned")) in again["Reply-To"]


def test_the_signed_trail_is_attached_when_small_and_linked_otherwise(db, org, now, settings,
                                                                     tmp_path):
    result = complete(db, org, now)
    trails_dir = tmp_path / "trails"
    pdf = b"%PDF-1.7\n% a signed trail stands in here\n" + b"x" * 200
    record = record_a_trail(db, result, now, trails_dir, pdf)
    note = note_of(notify(db, record.outbox_ids), org.initiator, "instance_completed")
    link = f"{BASE}/instances/{result.instance_id}/trail.pdf"

    attached = compose(db, note, settings, token=False, trails_dir=trails_dir)
    assert attachments(attached) == [(f"trail-{record.trail_id:06d}-instance-"
                                      f"{result.instance_id}.pdf", "application/pdf", pdf)]
    assert "Подписанный лист согласования во вложении" in text(attached)
    assert link not in text(attached)

    for linked in (compose(db, note, dataclasses.replace(settings, attach_max_bytes=10),
                           token=False, trails_dir=trails_dir),
                   compose(db, note, settings, token=False)):
        assert attachments(linked) == []
        assert link in text(linked) and link in links(linked)


# ---------------------------------------------------------------------------- explanations

EXPLANATIONS = {
    "already_decided": ({"by": "Anna Approver", "at": "2026-05-04T10:00:00+00:00",
                         "verdict": "approve"},
                        {"en": ["Anna Approver at 2026-05-04 10:00 UTC: Approved"],
                         "ru": ["Anna Approver, 04.05.2026 10:00 UTC — «Согласовано»"]}),
    "ambiguous": ({"verdicts": ["approve", "send_back"]},
                  {"en": ["more than one", "“Approve”, “Send back”"],
                   "ru": ["несколько", "«Согласовано», «На доработку»"]}),
    "no_verdict": ({"verdicts": ["approve", "send_back"]},
                   {"en": ["no decision", "“Approve”, “Send back”"],
                    "ru": ["не нашли", "«Согласовано», «На доработку»"]}),
    "wrong_sender": ({}, {"en": ["another email address"], "ru": ["на другой адрес"]}),
    "expired": ({"task_url": f"{BASE}/tasks/7"},
                {"en": ["has expired", f"{BASE}/tasks/7"], "ru": ["истёк", f"{BASE}/tasks/7"]}),
    "unknown_token": ({}, {"en": ["could not find the task"], "ru": ["не нашли задачу"]}),
    "too_large": ({"limit": 10 * 1024 * 1024}, {"en": ["larger than 10"], "ru": ["больше 10"]}),
    "refused": ({"message": {"en": "The process has ended.", "ru": "Процесс завершён."}},
                {"en": ["The process has ended."], "ru": ["Процесс завершён."]}),
}


def test_every_reason_of_the_catalogue_is_tried_here():
    assert sorted(EXPLANATIONS) == sorted(wording.REASONS)


@pytest.mark.parametrize("locale", ["en", "ru"])
@pytest.mark.parametrize("reason", sorted(EXPLANATIONS))
def test_an_explanation_says_what_happened_in_the_senders_language(reason, locale, settings):
    params, expected = EXPLANATIONS[reason]
    theirs = "<CAF=reply.1@mail.gmail.com>"

    mail = parse(explanation_mail(
        settings=settings, base_url=BASE, to="anna@example.com", name="Anna Approver",
        locale=locale, reason=reason, params=params, in_reply_to=theirs,
        references=["<instance.3@mail.example.com>"], outbox_item_id=77))

    assert mail["Subject"] == {"en": "Your email to Signoff was not accepted",
                               "ru": "Ваше письмо в Signoff не принято"}[locale]
    assert mail["Message-ID"] == "<m.77@mail.example.com>"
    assert mail["In-Reply-To"] == theirs
    assert mail["References"] == f"<instance.3@mail.example.com> {theirs}"
    assert mail["Auto-Submitted"] == "auto-replied"
    assert mail["X-Auto-Response-Suppress"] == "All"
    assert mail["Reply-To"] is None
    assert mail["Content-Language"] == locale
    assert mail["To"].addresses[0].addr_spec == "anna@example.com"
    assert structure(mail) == ["multipart/alternative", "text/plain", "text/html"]
    greeting = {"en": "Hello, Anna Approver.", "ru": "Здравствуйте, Anna Approver!"}[locale]
    for part in (text(mail), html.unescape(page(mail))):
        assert greeting in part
        for snippet in expected[locale]:
            assert snippet in part, (reason, locale, snippet)
    other = {"en": "Здравствуйте", "ru": "Hello"}[locale]
    assert other not in text(mail)


def test_an_explanation_has_a_fixed_subject_and_names_the_thread(settings):
    """Nothing of their message can reach it: the composer is not even given their subject
    (tests/integration/mail/test_poison.py sends a forged one through the whole path)."""
    mail = parse(explanation_mail(
        settings=settings, base_url=BASE, to="boris@example.com", name="", locale="ru",
        reason="no_verdict", params={"verdicts": ["done"]},
        in_reply_to="<a@b>", references=[], outbox_item_id=5))
    assert mail["Subject"] == "Ваше письмо в Signoff не принято"
    assert mail["References"] == "<a@b>"
    assert text(mail).startswith("Здравствуйте!")
    assert "«Выполнено»" in text(mail)

    empty = parse(explanation_mail(
        settings=settings, base_url=BASE, to="boris@example.com", name="Boris", locale="en",
        reason="wrong_sender", params={}, in_reply_to=None, references=[],
        outbox_item_id=6))
    assert empty["Subject"] == "Your email to Signoff was not accepted"
    assert empty["In-Reply-To"] is None and empty["References"] is None


def test_an_unknown_reason_still_gets_a_polite_generic_explanation(settings):
    mail = parse(explanation_mail(
        settings=settings, base_url=BASE, to="anna@example.com", name="Anna", locale="en",
        reason="something_new", params={}, in_reply_to="<a@b>", references=[],
        outbox_item_id=8))
    assert mail["Subject"] == "Your email to Signoff was not accepted"
    assert "Your email could not be processed." in text(mail)
    assert f"{BASE}/" in links(mail)


# ---------------------------------------------------------------------------- the catalogue


def test_every_mail_text_exists_in_english_and_russian_with_the_same_placeholders():
    fields = re.compile(r"\{(\w*)\}")
    for key, words in texts.MAIL.items():
        assert set(words) == {"en", "ru"}, key
        assert words["en"].strip() and words["ru"].strip(), key
        assert set(fields.findall(words["en"])) == set(fields.findall(words["ru"])), key


def test_every_text_the_templates_ask_for_is_in_a_catalogue():
    used = set()
    for template in TEMPLATES.iterdir():
        used |= set(re.findall(r"""\bt\(\s*["']([\w.]+)["']""", template.read_text()))
    assert used, "the templates name no texts"
    assert sorted(key for key in used if not texts.has(key, "mail")) == []
