"""People away, on real databases: a manager on leave whose task went to the deputy, who
decides it by email on the manager's behalf (the real SMTP path), and that shows in the audit
event, the instance's timeline, the mail and the trail; handing open tasks over; reassigning a
task with a comment; and what setting days away refuses."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.engine import Engine

from approvals import dispatch, present, service
from approvals.core.errors import Forbidden, FormInvalid, NotAnAssignee, NotFound
from approvals.core.policy import Actor
from approvals.records import deputies
from approvals.store import queries
from approvals.store.db import read_session, write_session
from approvals.store.models import AuditEvent, Deputy, InboundMessage, Instance, Person, Task
from approvals.trail import content
from tests.integration import mailflow
from tests.integration.flows import rows, start_contract
from workers.actors import handle_inbound

VACATION = "vacation"


def ask_for_leave(db: Engine, org, who: int, now, days: int = 5) -> service.Result:
    start = now.date() + timedelta(days=14)
    return service.start(db, VACATION, who, {
        "kind": "annual", "period": {"start": start.isoformat(),
                                     "end": (start + timedelta(days=days - 1)).isoformat()}},
        now)


def tasks_of(db: Engine, instance_id: int, state: str = "open") -> list[Task]:
    return rows(db, Task, Task.instance_id == instance_id, Task.state == state)


def person(org, email: str) -> int:
    return next(i for i, e in org.emails.items() if e == email)


# ---------------------------------------------------------------------------- the closing note


def test_a_manager_on_leave_has_the_deputy_decide_by_email_on_their_behalf(
        db, org, now, worker, mail_catcher):
    maria, anna = org.manager, org.approvers[0]
    clara = person(org, "clara@example.com")
    deputies.set_away(db, maria, now.date(), now.date() + timedelta(days=9), clara, now=now,
                      source="self", reason="Annual leave", created_by=maria)

    started = ask_for_leave(db, org, anna, now)
    [task] = tasks_of(db, started.instance_id)
    assert (task.stage, task.assignee_id, task.on_behalf_of_id) == ("manager", clara, maria)

    dispatch.kick(started.outbox_ids)
    worker.join()
    assert mailflow.mails_to(mail_catcher.messages(), org.email(maria)) == []
    mail = mailflow.mails_to(mail_catcher.messages(), org.email(clara))[-1]
    body = mail.get_body(("plain",)).get_content()
    assert "You deputise for Maria Manager, who is away" in body

    reply = mailflow.reply(mail, org.email(clara), "Approved\nHave a good rest.")
    with mailflow.inbound_server(db, handle_inbound.send) as server:
        mailflow.send(server, reply)
        worker.join()

    [stored] = rows(db, InboundMessage)
    assert (stored.outcome, stored.task_id) == ("decided", task.id), stored.reason
    [decided] = rows(db, AuditEvent, AuditEvent.kind == "decided")
    assert (decided.actor_id, decided.channel, decided.data["on_behalf_of"],
            decided.data["verdict"]) == (clara, "email", maria, "approve")
    [instance] = rows(db, Instance, Instance.id == started.instance_id)
    assert instance.stage == "record"  # on to HR and accounting (no one holds the roles)

    with read_session(db) as session:
        row = queries.get_instance(session, started.instance_id)
        view = queries.instance_view(session, row, "en")
        process = queries.process_of(session, row)
        timeline = present.timeline(view, process, "en", present.Names(session))
        ru = present.timeline(queries.instance_view(session, row, "ru"), process, "ru",
                              present.Names(session))
        trail, _files = content.collect(session, started.instance_id, "en", True, now)
        back = queries.is_participant(session, row, session.get(Person, maria))
    assert back  # the manager reads, once back, what was decided in their name
    manager_task = next(t for t in view["tasks"] if t["stage"] == "manager")
    assert (manager_task["assignee"]["name"], manager_task["on_behalf_of"]["name"]) == (
        "Clara Approver", "Maria Manager")
    [row] = [r for r in timeline if r["kind"] == "decided"]
    assert row["actor"] == "Clara Approver for Maria Manager"
    assert [r["actor"] for r in ru if r["kind"] == "decided"] == [
        "Clara Approver (замещает: Maria Manager)"]
    assert "Task opened for Clara Approver, deputy of Maria Manager" in [
        r["text"] for r in timeline]
    [line] = [e for e in trail["timeline"] if e["text"].startswith("Decision")]
    assert (line["person"], line["on_behalf_of"]) == (
        "Clara Approver", "on behalf of Maria Manager")
    people = [p for stage in trail["stages"] for p in stage["people"]]
    assert any(p.startswith("Clara Approver, on behalf of Maria Manager: approved") for p in
               people), people


def test_the_person_away_no_longer_holds_the_task_routed_to_their_deputy(db, org, now):
    maria, anna = org.manager, org.approvers[0]
    clara = person(org, "clara@example.com")
    deputies.set_away(db, maria, now.date(), now.date(), clara, now=now, source="self")
    [task] = tasks_of(db, ask_for_leave(db, org, anna, now).instance_id)
    with pytest.raises(NotAnAssignee):
        service.decide(db, task.id, maria, "approve", "", now)


def test_a_chain_of_deputies_in_the_database_ends_with_the_one_who_is_here(db, org, now):
    maria, anna, boris = org.manager, org.approvers[0], org.approvers[1]
    clara = person(org, "clara@example.com")
    today = now.date()
    deputies.set_away(db, clara, today, today, boris, now=now, source="self")
    deputies.set_away(db, maria, today, today + timedelta(days=2), clara, now=now,
                      source="self")
    [task] = tasks_of(db, ask_for_leave(db, org, anna, now).instance_id)
    assert (task.assignee_id, task.on_behalf_of_id) == (boris, maria)


def test_a_cancelled_absence_routes_nothing(db, org, now):
    maria, anna = org.manager, org.approvers[0]
    clara = person(org, "clara@example.com")
    absence = deputies.set_away(db, maria, now.date(), now.date(), clara, now=now,
                                source="self")
    deputies.cancel(db, absence.id, Actor.of(maria), now)
    [task] = tasks_of(db, ask_for_leave(db, org, anna, now).instance_id)
    assert (task.assignee_id, task.on_behalf_of_id) == (maria, None)


# ---------------------------------------------------------------------------- handing over


def test_handing_over_moves_every_open_task_each_with_its_own_event_and_refuses_one(
        db, org, now):
    maria, anna, boris = org.manager, org.approvers[0], org.approvers[1]
    clara = person(org, "clara@example.com")
    first = ask_for_leave(db, org, anna, now)
    second = ask_for_leave(db, org, boris, now)
    own = ask_for_leave(db, org, clara, now)  # Clara cannot decide her own leave
    absence = deputies.set_away(db, maria, now.date() + timedelta(days=1),
                                now.date() + timedelta(days=5), clara, now=now, source="self")

    done = service.hand_over(db, absence.id, maria, now)

    assert len(done.handed) == 2 and list(done.refused) == [
        tasks_of(db, own.instance_id)[0].id]
    assert isinstance(next(iter(done.refused.values())), Forbidden)
    for started in (first, second):
        [task] = tasks_of(db, started.instance_id)
        assert (task.assignee_id, task.on_behalf_of_id) == (clara, maria)
        [event] = rows(db, AuditEvent, AuditEvent.instance_id == started.instance_id,
                       AuditEvent.kind == "reassigned")
        start, end = absence.starts_on.isoformat(), absence.ends_on.isoformat()
        assert (event.actor_id, event.data["from"], event.data["to"],
                event.data["on_behalf_of"], event.data["comment"]) == (
            maria, maria, clara, maria,
            f"Away from {start} to {end}: handed over to the deputy.")
    assert tasks_of(db, own.instance_id)[0].assignee_id == maria  # still hers
    assert done.outbox_ids  # the deputy is told of each


def test_only_the_person_away_or_an_administrator_hands_over(db, org, now):
    maria = org.manager
    clara = person(org, "clara@example.com")
    ask_for_leave(db, org, org.approvers[0], now)
    absence = deputies.set_away(db, maria, now.date(), now.date(), clara, now=now,
                                source="self")
    with pytest.raises(Forbidden):
        service.hand_over(db, absence.id, org.approvers[1], now)
    assert len(service.hand_over(db, absence.id, org.admin, now).handed) == 1


# ---------------------------------------------------------------------------- reassigning


def test_an_assignee_hands_a_task_to_a_colleague_whose_mail_says_who_and_why(
        db, org, now, worker, mail_catcher):
    anna, boris, clara = org.approvers
    started = start_contract(db, org, now, approvers=[anna])
    [task] = tasks_of(db, started.instance_id)
    handed = service.reassign(db, task.id, boris, anna, now, comment="Boris knows this client")
    dispatch.kick(handed.outbox_ids)
    worker.join()

    [new] = tasks_of(db, started.instance_id)
    assert new.assignee_id == boris and new.on_behalf_of_id is None
    [event] = rows(db, AuditEvent, AuditEvent.kind == "reassigned")
    assert (event.actor_id, event.data["comment"]) == (anna, "Boris knows this client")
    mail = mailflow.mails_to(mail_catcher.messages(), org.email(boris))[-1]
    body = mail.get_body(("plain",)).get_content()
    assert "Задачу передал(а) вам Anna Approver:" in body  # Boris reads Russian
    assert "Boris knows this client" in body


def test_an_administrator_reassigns_any_task_and_a_stranger_none(db, org, now):
    anna, boris, clara = org.approvers
    started = start_contract(db, org, now, approvers=[anna])
    [task] = tasks_of(db, started.instance_id)
    with pytest.raises(Forbidden):
        service.reassign(db, task.id, clara, boris, now, comment="Mine now")
    assert tasks_of(db, started.instance_id) == [task]

    service.reassign(db, task.id, clara, org.admin, now, comment="Anna is ill")
    [new] = tasks_of(db, started.instance_id)
    assert new.assignee_id == clara
    [event] = rows(db, AuditEvent, AuditEvent.kind == "reassigned")
    assert (event.actor_id, event.data["comment"]) == (org.admin, "Anna is ill")


def test_a_task_handed_to_someone_away_goes_to_their_deputy(db, org, now):
    anna, boris, clara = org.approvers
    deputies.set_away(db, boris, now.date(), now.date(), clara, now=now, source="self")
    started = start_contract(db, org, now, approvers=[anna])
    [task] = tasks_of(db, started.instance_id)
    service.reassign(db, task.id, boris, anna, now)
    [new] = tasks_of(db, started.instance_id)
    assert (new.assignee_id, new.on_behalf_of_id) == (clara, boris)


# ---------------------------------------------------------------------------- refusals


def _refusal(db, org, now, **changes):
    maria, clara = org.manager, person(org, "clara@example.com")
    today = now.date()
    args = {"person_id": maria, "start": today, "end": today + timedelta(days=3),
            "deputy_id": clara, "source": "self"}
    args.update(changes)
    with pytest.raises(FormInvalid) as refused:
        deputies.set_away(db, now=now, **args)
    return refused.value.errors


@pytest.mark.parametrize(("changes", "field", "code"), [
    ({"end": date(2020, 1, 31), "start": date(2020, 1, 1)}, "to", "away_in_the_past"),
    ({"end": "yesterday"}, "to", "range_reversed"),
    ({"deputy_id": "self"}, "deputy", "deputy_is_self"),
    ({"deputy_id": "ada"}, "deputy", "unknown_person"),  # made inactive below
    ({"deputy_id": None, "person_id": "ada"}, "deputy", "deputy_required"),  # no manager
    ({"reason": "x" * 501}, "reason", "too_long"),
])
def test_setting_days_away_refuses_bad_input_and_stores_nothing(
        db, org, now, changes, field, code):
    today = now.date()
    if changes.get("end") == "yesterday":
        changes["end"] = today - timedelta(days=1)
    for key in ("deputy_id", "person_id"):
        if changes.get(key) == "self":
            changes[key] = org.manager
        elif changes.get(key) == "ada":
            changes[key] = org.admin
    if code == "unknown_person":
        with write_session(db) as session:
            session.get(Person, org.admin).active = False
    errors = _refusal(db, org, now, **changes)
    assert errors[field][0] == code, errors
    assert rows(db, Deputy) == []


def test_a_deputy_away_for_the_whole_range_and_an_overlap_are_refused(db, org, now):
    maria, boris = org.manager, org.approvers[1]
    clara = person(org, "clara@example.com")
    today = now.date()
    deputies.set_away(db, clara, today, today + timedelta(days=1), boris, now=now,
                      source="self")
    deputies.set_away(db, clara, today + timedelta(days=2), today + timedelta(days=6), boris,
                      now=now, source="self")
    errors = _refusal(db, org, now, end=today + timedelta(days=6))
    assert errors["deputy"] == ("deputy_away", {"name": "Clara Approver",
                                                "start": today.isoformat(),
                                                "end": (today + timedelta(days=6)).isoformat()})
    # away only part of the range: taken (the chain resolves the other days)
    partly = deputies.set_away(db, maria, today, today + timedelta(days=9), clara, now=now,
                               source="self")
    errors = _refusal(db, org, now, start=today + timedelta(days=9),
                      end=today + timedelta(days=12), deputy_id=boris)
    assert errors["from"][0] == "away_overlaps"
    with read_session(db) as session:
        assert [a.id for a in deputies.absences(session, today, maria)] == [partly.id]


def test_hr_records_an_absence_with_the_manager_as_the_default_deputy(db, org, now):
    anna = org.approvers[0]
    recorded = deputies.set_away(db, anna, now.date() - timedelta(days=3),
                                 now.date() - timedelta(days=1), now=now, reason="Sick leave")
    assert (recorded.deputy_id, recorded.source) == (org.manager, "hr")  # past days: as told


def test_an_unknown_person_or_absence_is_not_found(db, org, now):
    with pytest.raises(NotFound):
        deputies.set_away(db, 10_000, now.date(), now.date(), org.manager, now=now)
    with pytest.raises(NotFound):
        deputies.cancel(db, 10_000, Actor.of(org.admin, {"admin"}), now)
