"""A process's own outcomes on real databases and through a real email reply: a labelled answer
chosen by its words, a loop, and an ending that completes the instance with that outcome, tells
the initiator why and still gets its signed trail."""

from __future__ import annotations

from datetime import timedelta

import pytest

from approvals import dispatch, service
from approvals.store.models import AuditEvent, InboundMessage, Instance, OutboxItem, Task
from tests.integration import mailflow
from tests.integration.flows import load_process, open_tasks, rows
from workers.actors import handle_inbound

PROCESS = """\
id: callme
name: {en: Call request, ru: Заявка на звонок}
fields:
  - {name: title, type: text, required: true, label: {en: Subject, ru: Тема}}
endings:
  refused: {name: {en: Refused, ru: Отказ}}
stages:
  - key: call
    name: {en: Call, ru: Звонок}
    assignees: [{person: anna@example.com}]
    outcomes:
      reached: {label: {en: Reached, ru: Дозвонился}, words: [дозвонился, reached]}
      callback:
        label: {en: Call back later, ru: Перезвонить позже}
        words: [перезвонить, call back]
        to: same
        form:
          - {name: call_on, type: date, required: true, label: {en: Call on, ru: Дата звонка}}
          - {name: contact, type: text, label: {en: Contact, ru: Контакт}}
      refused:
        label: {en: Refused, ru: Отказался}
        words: [отказ, refused]
        comment: required
        to: refused
"""


@pytest.fixture
def callme(db, org, now, tmp_path) -> str:
    assert load_process(db, tmp_path, PROCESS, now) == "callme"
    return "callme"


def test_a_loop_then_an_ending_completes_with_that_outcome(db, org, now, callme):
    anna = org.approvers[0]
    started = service.start(db, callme, org.initiator, {"title": "Lead 17"}, now)
    first = open_tasks(db, started.instance_id)[anna]
    looped = service.decide(db, first.id, anna, "callback", "", now + timedelta(minutes=1),
                            values={"call_on": "2026-12-12"})
    assert (looped.status, looped.stage) == ("running", "call")
    again = open_tasks(db, started.instance_id)[anna]
    assert again.id != first.id and again.round > first.round

    ended = service.decide(db, again.id, anna, "refused", "Not interested this year",
                           now + timedelta(minutes=2))

    assert (ended.status, ended.stage) == ("completed", "refused")
    [instance] = rows(db, Instance, Instance.id == started.instance_id)
    assert (instance.status, instance.stage) == ("completed", "refused")
    kinds = {row.kind: row.payload for row in rows(db, OutboxItem, OutboxItem.id.in_(
        ended.outbox_ids))}
    assert "trail" in kinds  # an ended instance gets its signed trail like any other
    # the initiator is told once, with the signed trail: the trail row holds the notice
    told = [held for held in kinds["trail"]["held"] if held["template"] == "instance_ended"]
    assert [(p["person"], p["params"]["comment"]) for p in told] == [
        (org.initiator, "Not interested this year")]


def test_an_email_reply_chooses_an_outcome_by_its_own_words_and_fills_its_form(
        db, org, now, callme, worker, mail_catcher):
    anna = org.approvers[0]
    started = service.start(db, callme, org.initiator, {"title": "Lead 18"}, now)
    dispatch.kick(started.outbox_ids)
    worker.join()
    mail = mailflow.mails_to(mail_catcher.messages(), org.email(anna))[-1]
    body = mail.get_body(("plain",)).get_content()
    assert "Reached" in body and "Call back later" in body  # the stage's own answers
    assert "Call on: 2026-11-27" in body  # how to fill in the form by email
    task = open_tasks(db, started.instance_id)[anna]

    reply = mailflow.reply(mail, org.email(anna), "Перезвонить позже\nДата звонка: 12.12.2026"
                                                  "\nконтакт: Пётр, снабжение\nпросила в четверг")
    with mailflow.inbound_server(db, handle_inbound.send) as server:
        mailflow.send(server, reply)
        worker.join()

    [stored] = rows(db, InboundMessage)
    assert (stored.outcome, stored.task_id) == ("decided", task.id), stored.reason
    [decided] = rows(db, Task, Task.id == task.id)
    assert (decided.verdict, decided.comment, decided.channel) == (
        "callback", "просила в четверг", "email")
    [event] = rows(db, AuditEvent, AuditEvent.kind == "decided")
    assert (event.data["verdict"], event.data["values"]) == (
        "callback", {"call_on": "2026-12-12", "contact": "Пётр, снабжение"})
    [instance] = rows(db, Instance, Instance.id == started.instance_id)
    assert instance.fields["call_on"] == "2026-12-12"
    assert open_tasks(db, started.instance_id)[anna].id != task.id  # the call again


def test_a_reply_with_a_bad_form_answer_is_explained_and_decides_nothing(
        db, org, now, callme, worker, mail_catcher):
    anna = org.approvers[0]
    started = service.start(db, callme, org.initiator, {"title": "Lead 19"}, now)
    dispatch.kick(started.outbox_ids)
    worker.join()
    mail = mailflow.mails_to(mail_catcher.messages(), org.email(anna))[-1]
    task = open_tasks(db, started.instance_id)[anna]

    reply = mailflow.reply(mail, org.email(anna), "Call back later\nCall on: next week")
    with mailflow.inbound_server(db, handle_inbound.send) as server:
        mailflow.send(server, reply)
        worker.join()

    [stored] = rows(db, InboundMessage)
    assert stored.outcome == "refused"
    assert open_tasks(db, started.instance_id)[anna].id == task.id
    explained = [m for m in mailflow.mails_to(mail_catcher.messages(), org.email(anna))
                 if m["Auto-Submitted"] == "auto-replied"]
    text = explained[-1].get_body(("plain",)).get_content()
    assert "Call on: Enter a date, such as 2026-12-31." in text
