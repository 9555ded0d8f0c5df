"""A read-and-acknowledge campaign to 500 people, end to end on real databases: one task and
one mail each; 480 acknowledge through the service and three by answering their mail (the real
catcher, inbound server and worker); the reminder the day before reaches only those still
open; at the deadline (``now`` passed in) the campaign closes, the rest are recorded as not
acknowledged, the instance completes, and the initiator's summary mail counts by department
and names who has not. The live page and its CSV say the same, read in a few queries."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import event

from approvals import dispatch, service
from approvals.store import audit
from approvals.store.db import read_session
from approvals.store.models import AuditEvent, Instance, Notification, OutboxItem, Task, Timer
from tests.integration import mailflow
from tests.integration.campaigns.conftest import (
    AUDITOR,
    DEPARTMENTS,
    SIZE,
    browser,
    department_of,
    running_worker,
    staff_email,
    staff_name,
)
from tests.integration.flows import rows
from workers import outbox
from workers.actors import handle_inbound, send_email

#: who answers by replying to their task mail, and how
BY_EMAIL = {100: "Acknowledged", 201: "Ознакомлен, спасибо", 302: "Добрый день!\nОзнакомлена"}
#: who never answers: seventeen people, in every department
MISSING = [n for n in range(SIZE) if n % 30 == 7]
LINK = "https://intranet.example.com/policies/security"


def _mails(db, instance_id: int, template: str) -> dict[int, list[OutboxItem]]:
    """Person id -> the email rows that mail them the instance's ``template`` notifications."""
    notes = {n.id: n for n in rows(db, Notification, Notification.instance_id == instance_id,
                                   Notification.template == template)}
    found: dict[int, list[OutboxItem]] = {}
    for item in rows(db, OutboxItem, OutboxItem.instance_id == instance_id,
                     OutboxItem.kind == "email"):
        note = notes.get(item.payload.get("notification"))
        if note is not None:
            found.setdefault(note.person_id, []).append(item)
    return found


def _notices(db, item_ids: list[int]) -> list[tuple[int, str]]:
    """(person, template) of the ``notify`` rows among ``item_ids``."""
    return [(item.payload["person"], item.payload["template"])
            for item in rows(db, OutboxItem, OutboxItem.id.in_(item_ids),
                             OutboxItem.kind == "notify")]


def test_a_campaign_to_500_people_closes_at_its_deadline_with_a_summary(
        db, org, staff, now, broker, mail_catcher, pages):
    deadline = (now + timedelta(days=8)).date()
    due = datetime.combine(deadline, time(9, 0), tzinfo=UTC)
    started = service.start(db, "acknowledgement", org.initiator, {
        "title": "Политика информационной безопасности", "link": LINK,
        "comment": "Прочитайте до конца, пожалуйста.",
        # a department named in another letter case; two people already in the departments
        "departments": ", ".join([DEPARTMENTS[0].upper(), *DEPARTMENTS[1:]]),
        "people": [staff_email(0), staff_email(SIZE - 1)],
        "deadline": deadline.isoformat()}, now)
    instance_id = started.instance_id

    # one task each, everyone once; a deadline and a reminder the day before for each
    tasks = rows(db, Task, Task.instance_id == instance_id)
    assert len(tasks) == SIZE and {t.assignee_id for t in tasks} == set(staff.ids)
    assert {(t.state, t.verdicts) for t in tasks} == {("open", "acknowledge")}
    timers = rows(db, Timer, Timer.instance_id == instance_id)
    assert Counter((t.kind, t.due_at) for t in timers) == {
        ("deadline", due): SIZE, ("remind_before", due - timedelta(days=1)): SIZE}

    # one mail each, a task mail that can be answered
    outbox.deliver_batch(db, started.outbox_ids, now)
    broker.flush_all()  # the 500 sends the delivery queued: three of them are made below
    assigned = _mails(db, instance_id, "task_assigned")
    assert set(assigned) == set(staff.ids)
    assert all(len(items) == 1 and items[0].payload["token"] for items in assigned.values())
    assert len(rows(db, OutboxItem, OutboxItem.instance_id == instance_id,
                    OutboxItem.kind == "email")) == SIZE

    # 480 acknowledge through the service
    by_number = {staff.number(t.assignee_id): t for t in tasks}
    for n, task in sorted(by_number.items()):
        if n not in BY_EMAIL and n not in MISSING:
            service.decide(db, task.id, task.assignee_id, "acknowledge", "",
                           now + timedelta(seconds=n))

    with running_worker(broker) as worker:
        # three answer their mail: the real catcher, inbound server and worker
        for n in BY_EMAIL:
            send_email.send(assigned[staff.ids[n]][0].id)
        worker.join()
        mail = mailflow.mails_to(mail_catcher.messages(), staff_email(100))[-1]
        assert LINK in mail.get_body(("plain",)).get_content()
        with mailflow.inbound_server(db, handle_inbound.send) as inbound:
            for n, text in BY_EMAIL.items():
                [mail] = mailflow.mails_to(mail_catcher.messages(), staff_email(n))
                mailflow.send(inbound, mailflow.reply(mail, staff_email(n), text))
            worker.join()
        for n in BY_EMAIL:
            [task] = rows(db, Task, Task.id == by_number[n].id)
            assert (task.state, task.verdict, task.channel) == ("decided", "acknowledge",
                                                                "email")

        # while it runs, the initiator's page says who has not answered yet
        ivan = browser(pages, org.email(org.initiator))
        running = ivan.get(f"/instances/{instance_id}/acknowledgements")
        assert running.status_code == 200
        assert "483 из 500: Ознакомлен(а) (96%)" in running.text
        assert "Ещё не ответили (17)" in running.text and 'data-live="1"' in running.text
        assert "campaign.js" in running.text and "<script>" not in running.text  # CSP

        # the day before, the reminder goes to the seventeen still open, and only once
        reminder = next(t for t in timers if t.kind == "remind_before")
        reminded = service.fire_timer(db, reminder.id, due - timedelta(days=1))
        assert sorted(_notices(db, reminded.outbox_ids)) == sorted(
            (staff.ids[n], "task_due_soon") for n in MISSING)
        assert all(t.fired_at is not None for t in rows(
            db, Timer, Timer.instance_id == instance_id, Timer.kind == "remind_before"))
        later = next(t for t in reversed(timers) if t.kind == "remind_before")
        assert service.fire_timer(db, later.id, due - timedelta(hours=23)) is None
        [event_] = rows(db, AuditEvent, AuditEvent.instance_id == instance_id,
                        AuditEvent.kind == "reminded")
        assert sorted(event_.data["assignees"]) == sorted(staff.ids[n] for n in MISSING)
        dispatch.kick(reminded.outbox_ids)
        worker.join()
        caught = mailflow.mails_to(mail_catcher.messages(), "@example.com")
        reminders = [m for m in caught if "Напоминание" in str(m["Subject"])
                     or "Reminder" in str(m["Subject"])]
        assert sorted(str(m["To"]) for m in reminders) == sorted(
            f"{staff_name(n)} <{staff_email(n)}>" for n in MISSING)
        assert all(str(m["Reply-To"]).startswith("reply+") for m in reminders)

        # at the deadline the campaign closes: the rest are not acknowledged, it completes
        deadline_timer = next(t for t in timers if t.kind == "deadline")
        closed = service.fire_timer(db, deadline_timer.id, due + timedelta(minutes=1))
        assert closed.status == "completed"
        tasks = rows(db, Task, Task.instance_id == instance_id)
        assert Counter((t.state, t.verdict, t.close_reason) for t in tasks) == {
            ("decided", "acknowledge", None): SIZE - len(MISSING),
            ("withdrawn", None, "not_acknowledged"): len(MISSING)}
        assert sorted(staff.number(t.assignee_id) for t in tasks if t.state == "withdrawn") \
            == MISSING
        assert all(t.fired_at is not None
                   for t in rows(db, Timer, Timer.instance_id == instance_id))
        notices = _notices(db, closed.outbox_ids)
        assert Counter(template for _person, template in notices) == {
            "task_withdrawn": len(MISSING), "stage_closed": 1}
        assert (org.initiator, "stage_closed") in notices
        with read_session(db) as session:
            assert session.get(Instance, instance_id).status == "completed"
            assert audit.verify(session, instance_id).ok

        # the initiator's summary: counts by department, the names of those who have not
        dispatch.kick([item.id for item in rows(db, OutboxItem, OutboxItem.id.in_(
            closed.outbox_ids), OutboxItem.kind == "notify")])  # not the trail: no renderer
        worker.join()
    [mail] = mailflow.mails_to(mail_catcher.messages(), org.email(org.initiator))
    assert "Закрыто по сроку" in str(mail["Subject"])
    text = mail.get_body(("plain",)).get_content()
    assert "483 из 500: Ознакомлен(а) (96%)" in text
    missing_in = Counter(department_of(n) for n in MISSING)
    for department in DEPARTMENTS:
        assert f"{department}: {50 - missing_in[department]} из 50" in text
    assert "Не ответили (17)" in text
    for n in MISSING:
        assert f"{staff_name(n)} ({department_of(n)})" in text
    assert staff_name(8) not in text and staff_name(100) not in text
    assert f"/instances/{instance_id}/acknowledgements.csv" in text

    # the page, read in a few queries whatever the number of people
    statements: list[str] = []
    listener = (lambda *args: statements.append(args[2]))  # noqa: E731
    event.listen(db, "before_cursor_execute", listener)
    try:
        page = ivan.get(f"/instances/{instance_id}/acknowledgements")
    finally:
        event.remove(db, "before_cursor_execute", listener)
    assert page.status_code == 200
    assert len(statements) <= 13, statements  # with the menu's unread count
    html = page.text
    assert "483 из 500: Ознакомлен(а) (96%)" in html and 'data-live="0"' in html
    assert "Закрыто без ответа: 17" in html and "Не ответили (17)" in html
    for department in DEPARTMENTS:
        assert re.search(rf"<td>{re.escape(department)}</td><td>{50 - missing_in[department]}"
                         r"</td><td>50</td>", html), department
    for n in MISSING:
        assert staff_email(n) in html
    assert html.count("не ознакомлен(а) к сроку") == len(MISSING)

    # its CSV: everyone, their state, when and how
    export = ivan.get(f"/instances/{instance_id}/acknowledgements.csv")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    text = export.data.decode("utf-8-sig")  # a Russian reader's spreadsheet: ";" between
    header, *lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert header == ["Сотрудник", "Почта", "Подразделение", "Состояние",
                      "Ознакомлен(а): когда", "Канал"]
    by_email = {line[1]: line for line in lines}
    assert len(lines) == SIZE and set(by_email) == {staff_email(n) for n in range(SIZE)}
    assert by_email[staff_email(7)][2:] == [department_of(7), "не ознакомлен(а) к сроку", "",
                                            ""]
    assert by_email[staff_email(201)][3] == "Ознакомлен(а)"
    assert by_email[staff_email(201)][5] == "почта" and by_email[staff_email(8)][5] == "веб"
    assert by_email[staff_email(8)][4].endswith(" UTC")

    # the instance page links to it; an auditor may follow it, a stranger or an assignee not
    assert "Ознакомлен(а): 483 из 500" in ivan.get(f"/instances/{instance_id}").text
    auditor = browser(pages, AUDITOR)
    progress = auditor.get(f"/instances/{instance_id}/acknowledgements.json").get_json()
    assert (progress["done"], progress["total"], progress["live"]) == (483, SIZE, False)
    for who in (org.email(org.approvers[2]), staff_email(7)):
        outsider = browser(pages, who)
        for suffix in ("", ".json", ".csv"):
            assert outsider.get(f"/instances/{instance_id}/acknowledgements{suffix}") \
                .status_code == 403
