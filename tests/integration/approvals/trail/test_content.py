"""What a trail says: read back with poppler's ``pdftotext``, as a reader would see it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine

from approvals import service
from approvals.core.errors import TrailNotFinal
from approvals.store.db import read_session, write_session
from approvals.store.models import AuditEvent, Blob, Person
from approvals.texts.formats import format_duration as duration
from approvals.texts.formats import format_number as number
from approvals.trail import read_facts, render_trail
from approvals.trail.content import _event
from tests.integration.approvals.trail.conftest import EVIDENCE, T0
from tests.integration.approvals.trail.pdftools import (
    page_texts,
    pdftotext,
    plain_text,
    timeline_rows,
)
from tests.integration.conftest import Org
from tests.integration.flows import audit_events, start_contract

GENERATED = T0 + timedelta(days=2)
CHANNELS = {"en": {"web": "web", "email": "email", "api": "API", "system": "system"},
            "ru": {"web": "веб", "email": "почта", "api": "API", "system": "система"}}


def render(db: Engine, instance_id: int, **options) -> bytes:
    with read_session(db) as session:
        return render_trail(session, instance_id, generated_at=GENERATED, **options)


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_every_audit_event_is_in_the_timeline_in_order_with_its_channel(
        db: Engine, completed: int, locale: str) -> None:
    events = audit_events(db, completed)
    rows = timeline_rows(pdftotext(render(db, completed, locale=locale)))

    assert [r.seq for r in rows] == [e.seq for e in events]
    assert [r.channel for r in rows] == [CHANNELS[locale][e.channel] for e in events]
    assert [r.at for r in rows] == [e.at.strftime("%Y-%m-%d %H:%M:%S") for e in events]
    assert {e.channel for e in events} == {"web", "email", "api", "system"}


def test_the_english_trail_names_the_process_people_decisions_and_documents(
        db: Engine, completed: int, org: Org) -> None:
    text = pdftotext(render(db, completed, locale="en"))

    for expected in ("Approval trail", "Contract approval, instance No. 1", "Process version",
                     "Ivan Initiator <ivan@example.com>", "2026-03-02 09:00:00 UTC",
                     "2026-03-03 09:00:00 UTC", "Completed: every stage was passed",
                     "150,000.50 RUB", "ООО «Ромашка»", "Process started",
                     "Verdict: sent back for revision", "Comment: “Penalty clause is too harsh”",
                     "Message-ID: <reply-7f3a@mail.example.com>",
                     "Sender authentication: dkim=pass", "everyone must decide",
                     "Page 1 of", "Audit chain", "intact when this trail was generated"):
        assert expected in text, expected
    rows = timeline_rows(text)
    assert rows[0].text == "Process started" and rows[-1].text == "Process completed"


def test_participants_are_listed_once_with_their_address_and_part(
        db: Engine, completed: int) -> None:
    text = pdftotext(render(db, completed, locale="en"))

    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "Ivan Initiator ivan@example.com initiator; Revision; Send the contract to" in lines
    assert "Anna Approver anna@example.com Approval" in lines
    assert "Boris Approver boris@example.com Approval" in lines


def test_two_people_with_one_name_are_told_apart_by_their_address(
        db: Engine, completed: int) -> None:
    with write_session(db) as session:
        session.execute(update(Person).where(Person.email == "boris@example.com")
                        .values(name="Anna Approver"))

    text = plain_text(render(db, completed, locale="en"))

    assert "Anna Approver <boris@example.com>: sent back for revision" in text
    assert "Anna Approver <anna@example.com>: approved" in text


def test_the_russian_trail_is_in_russian(db: Engine, completed: int) -> None:
    text = pdftotext(render(db, completed, locale="ru"))

    for expected in ("Лист согласования", "Согласование договора, процесс № 1", "Инициатор",
                     "Завершён: все этапы пройдены", "150 000,50 RUB", "Процесс запущен",
                     "Решение: возвращено на доработку",
                     "Комментарий: «Penalty clause is too harsh»", "Проверка отправителя",
                     "решают все", "Стр. 1 из", "Цепочка журнала"):
        assert expected in text, expected
    assert "Process started" not in text


def test_the_trail_is_in_the_initiators_language_by_default(
        db: Engine, completed: int, org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNOFF_LOCALE", "en")  # the organisation's language does not count
    assert "Лист согласования" in pdftotext(render(db, completed))  # Ivan reads Russian
    with write_session(db) as session:
        session.get(Person, org.initiator).locale = "en"
    assert "Approval trail" in pdftotext(render(db, completed))


def test_every_version_of_every_document_is_listed_with_size_and_sha256(
        db: Engine, completed: int) -> None:
    text = pdftotext(render(db, completed, locale="en"))
    versions = [e.data for e in audit_events(db, completed) if e.kind == "document_version"]

    assert [v["version"] for v in versions] == [1, 2]
    for version in versions:
        assert version["filename"] in text
        assert f"{version['size']} bytes" in text
        assert version["sha256"][:40] in text.replace("\n", " ")  # the hash wraps once
    assert "SUPERSEDED" in text and "FINAL, EMBEDDED" in text


def test_the_stages_show_their_rule_assignees_and_duration(db: Engine, completed: int) -> None:
    text = pdftotext(render(db, completed, locale="en"))

    assert "Boris Approver: sent back for revision" in text
    assert "2 rounds" in text
    assert "5 h 0 min" in text  # the approval stage: 09:00 to 14:00
    assert "19 h 0 min" in text  # sending to the client: 14:00 to 09:00 the next day


def test_the_trail_carries_its_instance_chain_head_and_event_count(
        db: Engine, completed: int) -> None:
    pdf = render(db, completed)
    facts = read_facts(pdf)
    events = audit_events(db, completed)

    assert facts.instance_id == completed
    assert facts.event_count == len(events)
    assert facts.chain_head == events[-1].hash
    assert facts.kind == "final" and not facts.provisional
    text = pdftotext(pdf).replace("\n", " ")
    assert events[-1].hash in text  # printed, so a reader sees the same value


def test_a_running_instance_gets_only_a_provisional_trail_marked_on_every_page(
        db: Engine, org: Org) -> None:
    started = start_contract(db, org, T0)

    with pytest.raises(TrailNotFinal):
        render(db, started.instance_id)
    pdf = render(db, started.instance_id, provisional=True, locale="en")

    assert read_facts(pdf).provisional
    text = pdftotext(pdf)
    assert f"PROVISIONAL — as of {GENERATED:%Y-%m-%d %H:%M:%S} UTC, not signed" in text
    assert "In progress, at the stage “Approval”" in text
    assert "not yet (still running)" in text
    pages = page_texts(pdf, text.count("\f"))
    assert len(pages) >= 2
    assert all("PROVISIONAL — as of" in page for page in pages)


def test_the_russian_provisional_trail_says_so_in_russian(db: Engine, org: Org) -> None:
    started = start_contract(db, org, T0)

    text = pdftotext(render(db, started.instance_id, provisional=True, locale="ru"))

    assert "ПРЕДВАРИТЕЛЬНАЯ ВЕРСИЯ — по состоянию на" in text


def test_a_withdrawn_instance_gets_a_final_trail_with_who_withdrew_it_and_why(
        db: Engine, org: Org) -> None:
    started = start_contract(db, org, T0)
    service.withdraw(db, started.instance_id, org.initiator, "The client changed its mind",
                     T0 + timedelta(hours=1))

    text = plain_text(render(db, started.instance_id, locale="en"))

    assert "Withdrawn by Ivan Initiator: The client changed its mind" in text


def test_a_document_whose_stored_bytes_changed_is_marked_and_not_embedded(
        db: Engine, completed: int) -> None:
    final = [e.data for e in audit_events(db, completed) if e.kind == "document_version"][-1]
    with write_session(db) as session:
        session.execute(update(Blob).where(Blob.sha256 == final["sha256"])
                        .values(data=b"%PDF-1.4 something else"))

    pdf = render(db, completed, locale="en")

    text = plain_text(pdf)
    assert "NOT EMBEDDED: THE STORED CONTENT DOES NOT MATCH ITS RECORDED SHA-256" in text
    assert "Problems found while generating this trail" in text
    assert "does not match" in read_facts(pdf).problems


def test_a_broken_audit_chain_is_reported_in_the_trail(db: Engine, completed: int) -> None:
    with write_session(db) as session:
        session.execute(update(AuditEvent).where(AuditEvent.instance_id == completed,
                                                 AuditEvent.seq == 6)
                        .values(data={"verdict": "send_back", "comment": "forged"}))

    text = pdftotext(render(db, completed, locale="en"))

    assert "BROKEN when this trail was generated" in text
    assert "(event 6)" in text


# ---------------------------------------------------------------------------- the words alone


class _Names:
    def of_id(self, person_id):
        return {1: "Ada Admin <ada@example.com>", 2: "Anna Approver <anna@example.com>"}.get(
            person_id, f"#{person_id}")


class _Process:
    statuses = ()

    def status(self, key):
        raise KeyError(key)

    def field(self, name):
        return None


def test_a_deputy_decision_says_on_whose_behalf_and_an_email_one_shows_its_evidence() -> None:
    event = {"seq": 7, "at": "2026-03-02T11:00:00Z", "kind": "decided",
             "actor": {"id": 1, "name": "Ada Admin", "email": "ada@example.com"},
             "task_id": 3, "channel": "email",
             "data": {"verdict": "approve", "comment": "", "stage": "approval",
                      "channel": "email", "on_behalf_of": 2, "evidence": EVIDENCE}}

    row = _event(event, _Process(), "en", _Names())

    assert row["person"] == "Ada Admin <ada@example.com>"
    assert row["on_behalf_of"] == "on behalf of Anna Approver <anna@example.com>"
    assert row["verdict"] == "approved"
    assert row["channel"] == "email"
    assert ("Message-ID", "<reply-7f3a@mail.example.com>") in row["evidence"]
    assert row["at"] == "2026-03-02 11:00:00 UTC"
    ru = _event(event, _Process(), "ru", _Names())
    assert ru["on_behalf_of"] == "от имени: Anna Approver <anna@example.com>"
    assert ru["channel"] == "почта"


def test_unknown_evidence_keys_are_shown_as_they_are() -> None:
    event = {"seq": 1, "at": "2026-03-02T11:00:00Z", "kind": "decided", "actor": None,
             "task_id": None, "channel": "email",
             "data": {"verdict": "approve", "evidence": {"x-spam-score": "0.1"}}}

    assert _event(event, _Process(), "en", _Names())["evidence"] == [("x-spam-score", "0.1")]


def test_numbers_and_durations_read_the_local_way() -> None:
    assert number("150000.5", "en", places=2) == "150,000.50"
    assert number("150000.5", "ru", places=2) == "150\u00a0000,50"
    assert duration(90061, "en") == "1 d 1 h 1 min"
    assert duration(59, "ru") == "0 мин 59 с"
