"""Which webhook messages a command writes, in its own transaction, on both databases: one per
event and subscribed active endpoint, none otherwise; an ending is ``instance.rejected``; a
package's ``payment.recorded`` leaves with the command that recorded it, or not at all."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from approvals import extensions, service
from approvals.core.errors import TransitionNotAllowed
from approvals.records.webhooks import emit, set_active
from approvals.store.db import read_session, write_connection
from approvals.store.models import OutboxItem
from tests.integration.approvals.test_outcomes import PROCESS as CALLME
from tests.integration.flows import load_process, open_tasks, start_contract
from tests.integration.webhooks.flows import messages, register

URL = "http://127.0.0.1:9/hooks"  # nothing is delivered here


def _types(db) -> list[str]:
    return [m.payload["type"] for m in messages(db)]


def _data(row: OutboxItem) -> dict:
    return json.loads(row.payload["body"])["data"]


def test_no_endpoint_no_message_and_only_what_an_endpoint_subscribed_to(db, org, now):
    start_contract(db, org, now)
    assert messages(db) == []

    register(db, org, URL, now, events=["instance.completed"])
    crm = register(db, org, URL, now, events=["task.created"])
    started = start_contract(db, org, now, approvers=org.approvers[:2])
    assert _types(db) == ["task.created", "task.created"]
    assert {m.payload["endpoint"] for m in messages(db)} == {crm.endpoint_id}
    assert {m.id for m in messages(db)} <= set(started.outbox_ids)  # handed on with the rest

    set_active(db, crm.endpoint_id, False, now)
    start_contract(db, org, now)
    assert len(messages(db)) == 2  # a disabled endpoint gets nothing new


def test_an_ending_is_rejected_a_withdrawal_withdrawn_and_each_message_has_its_own_id(
        db, org, now, tmp_path):
    anna = org.approvers[0]
    load_process(db, tmp_path, CALLME, now)
    register(db, org, URL, now, events=["instance.rejected", "instance.completed",
                                        "instance.withdrawn", "task.decided"])
    started = service.start(db, "callme", org.initiator, {"title": "Lead 17"}, now)
    task = open_tasks(db, started.instance_id)[anna]
    service.decide(db, task.id, anna, "refused", "Not interested this year", now)
    withdrawn = start_contract(db, org, now)
    service.withdraw(db, withdrawn.instance_id, org.initiator, "Signed elsewhere", now)

    assert _types(db) == ["task.decided", "instance.rejected", "instance.withdrawn"]
    decided, rejected, gone = messages(db)
    assert _data(decided)["task"]["verdict"] == "refused"
    assert _data(decided)["task"]["comment"] == "Not interested this year"
    assert _data(decided)["task"]["assignee"]["email"] == org.email(anna)
    instance = _data(rejected)["instance"]
    assert (instance["status"], instance["outcome"], instance["ending"]) == (
        "completed", "refused", True)
    assert instance["stage_name"] == {"en": "Refused", "ru": "Отказ"}
    assert instance["titles"]["en"] == "Lead 17"
    assert _data(gone)["instance"]["status"] == "cancelled"
    assert "Signed elsewhere" not in gone.payload["body"]  # only a decision's comment travels
    assert len({m.payload["message"] for m in messages(db)}) == 3
    envelope = json.loads(rejected.payload["body"])
    assert set(envelope) == {"type", "timestamp", "data"}
    assert envelope["timestamp"].endswith("Z")


PAYING = """\
id: paying
name: {en: Payment, ru: Оплата}
fields:
  - {name: title, type: text, required: true, label: Title}
  - {name: note, type: text, label: Note}
stages:
  - key: pay
    name: Pay
    assignees: [{person: anna@example.com}]
    verdicts: [paid]
on_complete:
  - {effect: tests.record_payment}
"""


@extensions.effect("tests.record_payment")
def record_payment(entered: extensions.Entered) -> None:
    """As the accounting package's payment effect will: emit, then maybe refuse."""
    emit(entered.conn, "payment.recorded",
         {"payment": {"amount": "1500.00", "currency": "RUB"},
          "instance": {"id": entered.instance_id}}, entered.now,
         instance_id=entered.instance_id)
    if entered.fields.get("note") == "refuse":
        raise TransitionNotAllowed("the payment was refused")


@pytest.fixture
def paying(db, org, now, tmp_path) -> str:
    return load_process(db, tmp_path, PAYING, now)


def test_a_payment_emitted_by_an_effect_leaves_with_its_command(db, org, now, paying):
    anna = org.approvers[0]
    register(db, org, URL, now, events=["payment.recorded"])
    started = service.start(db, paying, org.initiator, {"title": "Invoice 7"}, now)
    task = open_tasks(db, started.instance_id)[anna]
    paid = service.decide(db, task.id, anna, "paid", "", now)

    [row] = messages(db)
    assert row.id in paid.outbox_ids and row.instance_id == started.instance_id
    assert _data(row) == {"payment": {"amount": "1500.00", "currency": "RUB"},
                          "instance": {"id": started.instance_id}}


def test_a_payment_whose_command_is_refused_is_never_sent(db, org, now, paying):
    anna = org.approvers[0]
    register(db, org, URL, now, events=["payment.recorded"])
    started = service.start(db, paying, org.initiator, {"title": "Invoice 8", "note": "refuse"},
                            now)
    task = open_tasks(db, started.instance_id)[anna]
    with pytest.raises(TransitionNotAllowed):
        service.decide(db, task.id, anna, "paid", "", now)
    assert messages(db) == []


def test_emit_refuses_an_event_nobody_can_subscribe_to(db, org, now):
    with pytest.raises(ValueError, match="not a webhook event"), write_connection(db) as conn:
        emit(conn, "invoice.paid", {}, now)
    with read_session(db) as session:
        assert session.execute(select(func.count()).select_from(OutboxItem)).scalar() == 0
