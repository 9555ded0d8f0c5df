"""The ``.ics`` of the absence a request recorded, attached to the mail that tells its
initiator the request completed — through the real pipeline: the command's outbox rows carried
out (notification and email rows), the email row sent to the built-in mail catcher, the caught
mail read back as a client reads it and its calendar part parsed with ``icalendar``.

The mail adapter knows nothing of HR: it asks the extension point
(:func:`approvals.extensions.attachments`), where :mod:`hr.feeds` registered
``hr.absence_ics``. The absence here is written by an effect of this test's own (the recording
effect is the leave module's; the attachment only reads the :class:`hr.models.Absence` rows
that name the instance)."""

from __future__ import annotations

import email
from collections.abc import Iterator
from datetime import date, timedelta
from email import policy

import icalendar
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals import extensions, service
from approvals.config import Settings
from approvals.store import db as store
from approvals.store import directory
from approvals.store.db import write_session
from approvals.store.models import OutboxItem, Person
from approvals.trail import issue
from hr import schedule
from hr.models import Absence
from mail import outgoing
from tests.integration import mailflow
from tests.integration.flows import load_process, open_tasks, rows
from workers import outbox

PEOPLE = """\
email,name,locale,manager_email,department,roles,aliases
maria@example.com,Maria Manager,en,,Sales,,
ivan@example.com,Иван Петров,ru,maria@example.com,Sales,,
"""

PROCESS = """\
id: leave-with-ics
notation: sequential
name: {en: Leave (test), ru: Отпуск (тест)}
fields:
  - {name: period, type: date_range, required: true, label: {en: Dates, ru: Даты}}
stages:
  - key: manager
    name: {en: Manager, ru: Руководитель}
    assignees: [manager]
on_complete:
  - effect: tests.record_absence
"""


@extensions.effect("tests.record_absence")
def record_absence(entered: extensions.Entered) -> None:
    period = entered.fields["period"]
    entered.conn.execute(Absence.__table__.insert().values(
        person_id=entered.initiator_id, kind="annual", instance_id=entered.instance_id,
        starts_on=date.fromisoformat(str(period["start"])),
        ends_on=date.fromisoformat(str(period["end"])), created_at=entered.now))


@pytest.fixture
def db(tmp_path) -> Iterator[Engine]:
    """A migrated SQLite file (the attachment reads the same rows on either database)."""
    url = f"sqlite:///{tmp_path / 'signoff.db'}"
    store.upgrade(url)
    engine = store.make_engine(url)
    yield engine
    engine.dispose()


def send_all(db: Engine, outbox_ids: list[int], now, sent: set[int]) -> None:
    """What the workers do with a command's rows: notify rows become notifications and email
    rows, and each email row is sent (to the catcher)."""
    outbox.deliver_batch(db, outbox_ids, now)
    settings = mailflow.settings()
    for item in rows(db, OutboxItem, OutboxItem.kind == "email"):
        if item.id not in sent:
            sent.add(item.id)
            assert outgoing.send_item(db, item.id, now, settings=settings,
                                      base_url="http://signoff.test",
                                      secret_key=Settings.from_env().secret_key) == "sent"


def test_the_completion_mail_carries_the_absence_as_a_calendar(db, tmp_path, mail_catcher,
                                                                 now, signing_var):
    with write_session(db) as s:
        directory.import_people(s, PEOPLE)
        people = {p.email: p.id for p in s.exec(select(Person))}
    load_process(db, tmp_path, PROCESS, now)
    start = now.date() + timedelta(days=30)
    end = start + timedelta(days=13)
    sent: set[int] = set()
    started = service.start(db, "leave-with-ics", people["ivan@example.com"], {
        "period": {"start": start.isoformat(), "end": end.isoformat()}}, now)
    send_all(db, started.outbox_ids, now, sent)
    task = open_tasks(db, started.instance_id)[people["maria@example.com"]]
    decided = service.decide(db, task.id, people["maria@example.com"], "approve", "", now)
    send_all(db, decided.outbox_ids, now, sent)
    # the completion notice goes out with the signed trail (approvals/store/notices.py)
    issued = issue.issue(db, started.instance_id, keys_dir=signing_var / "keys",
                         trails_dir=signing_var / "trails", now=now, location="test")
    send_all(db, issued.outbox_ids, now, sent)

    caught = [email.message_from_bytes(raw, policy=policy.default)
              for raw in mail_catcher.messages()]
    to_ivan = [m for m in caught if "ivan@example.com" in str(m["To"])]
    calendars = [part for m in to_ivan for part in m.walk()
                 if part.get_content_type() == "text/calendar"]
    assert len(calendars) == 1, [m["Subject"] for m in to_ivan]  # the completion mail only
    [part] = calendars
    assert part.get_filename() == f"absence-{start.isoformat()}.ics"
    parsed = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    [event] = parsed.walk("VEVENT")
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTEND") == end + timedelta(days=1)
    # the reader's own request: the kind is named, in his language
    assert str(event["SUMMARY"]) == "Иван Петров — " + schedule.kind_label("annual", "ru")
    assert "отпуск" in str(event["SUMMARY"])
    # the manager's task mail carries no calendar
    to_maria = [m for m in caught if "maria@example.com" in str(m["To"])]
    assert to_maria and not any(p.get_content_type() == "text/calendar"
                                for m in to_maria for p in m.walk())
