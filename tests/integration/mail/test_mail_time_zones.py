"""Times in mail (issue 17): every time a mail shows is in its recipient's time zone — their
own, else the organisation's ``SIGNOFF_TIME_ZONE``, else UTC — named, and the mail says which
zone its times are in. Composed from a real database as :mod:`tests.integration.mail.
test_compose` does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from approvals.store.db import read_session, write_session
from approvals.store.models import Person, Task
from mail.compose import explanation_mail
from tests.integration.flows import start_contract
from tests.integration.mail.test_compose import (  # noqa: F401 - fixtures, reused
    BASE,
    compose,
    db,
    note_of,
    notify,
    page,
    parse,
    settings,
    text,
)


def set_zone(engine, person_id: int, zone: str) -> None:
    with write_session(engine) as session:
        session.get(Person, person_id).time_zone = zone


def deadline_of(engine, instance_id: int, person_id: int) -> datetime:
    with read_session(engine) as session:
        task = session.exec(select(Task).where(Task.instance_id == instance_id,
                                               Task.assignee_id == person_id)).one()
    return task.deadline.replace(tzinfo=UTC)


def test_a_task_mail_shows_times_in_the_recipients_zone_and_names_it(
        db, org, now, settings) -> None:  # noqa: F811
    anna, boris = org.approvers[:2]  # Anna reads English, Boris Russian
    set_zone(db, boris, "Europe/Moscow")
    started = start_contract(db, org, now)
    notes = notify(db, started.outbox_ids)
    deadline = deadline_of(db, started.instance_id, boris)
    moscow = deadline.astimezone(ZoneInfo("Europe/Moscow"))

    borises = compose(db, note_of(notes, boris, "task_assigned"), settings)
    annas = compose(db, note_of(notes, anna, "task_assigned"), settings)

    body = text(borises)
    assert f"Срок: {moscow:%d.%m.%Y %H:%M} MSK" in body
    assert f"{deadline:%H:%M} UTC" not in body
    assert "Время указано по поясу Europe/Moscow (UTC+03:00)." in body
    assert "Время указано по поясу Europe/Moscow (UTC+03:00)." in page(borises)
    assert f"{now.replace(tzinfo=UTC).astimezone(moscow.tzinfo):%d.%m.%Y %H:%M} MSK" in body
    # Anna has no zone, nor has the organisation: UTC, said so
    assert f"Deadline: {deadline:%Y-%m-%d %H:%M} UTC" in text(annas)
    assert "Times are UTC." in text(annas)


def test_the_organisation_zone_is_a_mails_zone_for_people_without_their_own(
        db, org, now, settings, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setenv("SIGNOFF_TIME_ZONE", "Asia/Yekaterinburg")
    anna = org.approvers[0]
    started = start_contract(db, org, now)
    deadline = deadline_of(db, started.instance_id, anna)

    body = text(compose(db, note_of(notify(db, started.outbox_ids), anna, "task_assigned"),
                        settings))

    assert f"Deadline: {deadline + timedelta(hours=5):%Y-%m-%d %H:%M} UTC+05:00" in body
    assert "Times are Asia/Yekaterinburg (UTC+05:00)." in body


def test_an_explanation_says_when_in_the_readers_zone(settings) -> None:  # noqa: F811
    mail = parse(explanation_mail(
        settings=settings, base_url=BASE, to="boris@example.com", name="Борис", locale="ru",
        reason="already_decided", params={"by": "Anna Approver", "at": "2026-03-02T09:00:00",
                                          "verdict": "approve"},
        in_reply_to="<a@b>", references=[], outbox_item_id=5,
        zone=ZoneInfo("Europe/Moscow")))

    assert "02.03.2026 12:00 MSK" in text(mail)
    assert "Время указано по поясу Europe/Moscow (UTC+03:00)." in text(mail)
