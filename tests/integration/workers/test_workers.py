"""The outbox and the timers carried by a real Dramatiq worker over the embedded Redis."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import dramatiq
import pytest
from sqlmodel import select

from approvals import dispatch, service
from approvals.store import audit
from approvals.store.db import read_session, write_session
from approvals.store.models import (
    InboundMessage,
    Notification,
    OutboxItem,
    Timer,
    TrailDraft,
)
from mail import inbound, inbox, outgoing
from tests.integration.flows import audit_kinds, open_tasks, rows, start_contract
from tests.integration.mail.test_delivery import (
    outbox_row,
    relay_settings,
    send_item,
    task_mail_rows,
)
from tests.support import free_port
from workers import outbox, scheduler
from workers.actors import deliver_outbox


def _notifications(db, instance_id):
    return rows(db, Notification, Notification.instance_id == instance_id)


def test_notifications_are_delivered_by_a_real_worker(db, org, now, worker):
    started = start_contract(db, org, now)
    assert len(started.outbox_ids) == 3

    dispatch.kick(started.outbox_ids)
    worker.join()

    tasks = open_tasks(db, started.instance_id)
    notes = _notifications(db, started.instance_id)
    assert sorted((n.person_id, n.template, n.task_id) for n in notes) == sorted(
        (person, "task_assigned", tasks[person].id) for person in org.approvers)
    assert {n.outbox_item_id for n in notes} == set(started.outbox_ids)
    items = rows(db, OutboxItem, OutboxItem.instance_id == started.instance_id)
    assert [(i.kind, i.state, i.attempts) for i in items] == [("notify", "done", 1)] * 3 + [
        ("email", "done", 1)] * 3  # each notification mailed to its person
    assert all(i.done_at is not None for i in items)


def test_kicks_in_quick_succession_reach_redis_as_few_messages_and_all_are_delivered(
        db, org, now, broker):
    """``kick`` returns at once; the hand-off thread sends what gathered meanwhile as one
    message (workers/handoff.py), and the worker delivers every row once."""
    from dramatiq import Message

    from workers.actors import handoff

    started = [start_contract(db, org, now) for _ in range(20)]
    for result in started:
        dispatch.kick(result.outbox_ids)
    assert handoff.flush(10)

    queued = [Message.decode(raw).args[0] for raw in
              broker.client.hvals(f"{broker.namespace}:outbox.msgs")]
    assert 1 <= len(queued) < 20  # 20 commands' rows in a few messages
    kicked = [i for result in started for i in result.outbox_ids]
    assert sorted(i for ids in queued for i in ids) == sorted(kicked)  # each row once

    worker = dramatiq.Worker(broker, worker_threads=2, worker_timeout=100)
    worker.start()
    try:
        broker.join("outbox", timeout=30_000)
        worker.join()
    finally:
        worker.stop()
    assert {(i.state, i.attempts) for i in rows(db, OutboxItem, OutboxItem.id.in_(kicked))} \
        == {("done", 1)}


def test_the_same_actor_message_delivered_twice_has_one_effect(db, org, now, worker):
    started = start_contract(db, org, now)
    item_id = started.outbox_ids[0]

    deliver_outbox.send(item_id)
    deliver_outbox.send(item_id)
    worker.join()
    assert outbox.deliver(db, item_id, now) is False
    assert outbox.deliver(db, item_id, now) is False

    notes = rows(db, Notification, Notification.outbox_item_id == item_id)
    assert len(notes) == 1
    with read_session(db) as session:
        item = session.get(OutboxItem, item_id)
    assert (item.state, item.attempts) == ("done", 1)


def test_delivering_directly_twice_has_one_effect(db, org, now):
    started = start_contract(db, org, now)
    item_id = started.outbox_ids[0]

    assert outbox.deliver(db, item_id, now) is True
    assert outbox.deliver(db, item_id, now) is False

    assert len(rows(db, Notification, Notification.outbox_item_id == item_id)) == 1


def test_sweep_resends_outbox_rows_lost_from_redis(db, org, now, worker):
    started = start_contract(db, org, now)  # committed, but never kicked: the message is lost

    assert scheduler.sweep(db, now).outbox == 0  # still within the grace period
    report = scheduler.sweep(db, now + timedelta(minutes=1))
    assert (report.outbox, report.timers) == (3, 0)
    worker.join()

    assert len(_notifications(db, started.instance_id)) == 3
    assert {i.state for i in rows(db, OutboxItem)} == {"done"}
    for later in (timedelta(minutes=1), timedelta(minutes=2), timedelta(hours=1)):
        assert scheduler.sweep(db, now + later) == scheduler.SweepReport(0, 0)
    worker.join()
    assert len(_notifications(db, started.instance_id)) == 3


def test_sweep_waits_a_grace_period_before_resending_a_row_it_sent(db, org, now, broker):
    start_contract(db, org, now)  # no worker: what the sweep sends stays in Redis

    first = scheduler.sweep(db, now + timedelta(minutes=1))
    again = scheduler.sweep(db, now + timedelta(minutes=1, seconds=10))
    assert broker.do_qsize("outbox") == 1  # the three rows travel in one message
    later = scheduler.sweep(db, now + timedelta(minutes=2))

    assert (first.outbox, again.outbox, later.outbox) == (3, 0, 3)
    assert broker.do_qsize("outbox") == 2  # harmless: delivery is idempotent


def test_the_sweep_hands_on_only_mail_rows_nobody_holds_that_are_due_and_marks_them(
        db, org, now, broker):
    """The sweep once re-sent every pending row each grace period, whoever held it and
    however recently it had failed, each copy starting a chain of tries of its own."""
    mails = task_mail_rows(db, org, now, org.approvers)
    held, waiting, free = (mails[person] for person in org.approvers)
    at = now + timedelta(minutes=1)
    assert outgoing.claim(db, held, at)  # a worker is talking to the relay
    assert send_item(db, waiting, at, relay_settings(free_port())) == "deferred"  # due at+10s

    def queued() -> tuple:
        return tuple(outbox_row(db, item_id).queued_at for item_id in (held, waiting, free))

    scheduler.sweep(db, at + timedelta(seconds=5))
    assert queued() == (None, None, at + timedelta(seconds=5))
    scheduler.sweep(db, at + timedelta(seconds=6))  # handed on a second ago: not again
    assert queued() == (None, None, at + timedelta(seconds=5))
    scheduler.sweep(db, at + timedelta(seconds=15))  # the failed row's next try is due
    assert queued() == (None, at + timedelta(seconds=15), at + timedelta(seconds=5))
    lapsed = at + dispatch.MAIL_LEASE + timedelta(seconds=1)  # the holder died
    scheduler.sweep(db, lapsed)
    assert queued() == (lapsed, lapsed, lapsed)
    assert outbox_row(db, waiting).attempts == 1 and outbox_row(db, held).attempts == 0


def test_the_sweep_hands_on_a_stored_reply_once_a_grace_period_never_one_being_read(
        db, now, broker):
    """The sweep once re-queued every stored reply older than the grace period every 5 s,
    without marking it, so several workers read the same message at once."""

    def stored(number: int) -> int:
        message = EmailMessage()
        message["From"], message["To"] = "anna@example.com", "reply+x@signoff.localhost"
        message["Subject"], message["Message-ID"] = "Re: contract", f"<r{number}@example.com>"
        message.set_content("Approved\n")
        return inbox.store(db, message.as_bytes(), channel="smtp", now=now,
                           envelope_from="anna@example.com",
                           envelope_to=["reply+x@signoff.localhost"])

    waiting, being_read = stored(1), stored(2)
    at = now + scheduler.GRACE + timedelta(seconds=1)
    assert inbound.claim(db, being_read, at)

    def queued() -> list:
        return [m.queued_at for m in rows(db, InboundMessage)]

    assert scheduler.sweep(db, at).inbound == 1
    assert queued() == [at, None]
    assert scheduler.sweep(db, at + timedelta(seconds=5)).inbound == 0
    again = at + scheduler.GRACE  # lost from Redis after all: handed on once more
    assert scheduler.sweep(db, again).inbound == 1
    assert queued() == [again, None]
    lapsed = at + dispatch.INBOUND_LEASE + timedelta(seconds=1)  # its reader died
    assert scheduler.sweep(db, lapsed).inbound == 2
    assert queued() == [lapsed, lapsed]
    assert {m.id for m in rows(db, InboundMessage)} == {waiting, being_read}


def test_the_sweep_hands_on_a_provisional_trail_nobody_renders_once_a_grace_period(
        db, org, now, broker, signing_var):
    """A draft a reader asked for whose message was lost is handed on again; one a worker
    holds is not, until its lease lapses."""
    from approvals.records import drafts
    from approvals.trail import provisional

    instance_id = start_contract(db, org, now).instance_id
    pending = drafts.provisional_trail(db, instance_id, signing_var / "trails", "en", now)
    assert isinstance(pending, drafts.DraftPending) and pending.start
    other = drafts.provisional_trail(db, instance_id, signing_var / "trails", "ru", now)
    at = now + scheduler.GRACE + timedelta(seconds=1)
    assert provisional._claim(db, other.draft_id, at)  # a worker renders the Russian one

    assert scheduler.sweep(db, at).drafts == 1
    assert scheduler.sweep(db, at + timedelta(seconds=5)).drafts == 0  # on its trip
    assert [d.queued_at for d in rows(db, TrailDraft)] == [at, None]
    lapsed = at + dispatch.DRAFT_LEASE + timedelta(seconds=1)  # its worker died
    assert scheduler.sweep(db, lapsed).drafts == 2


def test_one_signed_trail_render_at_a_time(db, org, now, signing_var):
    """A second delivery while a worker renders the trail finds its rows held and leaves."""
    from approvals.store.models import Trail
    from approvals.trail import issue
    from tests.integration.trails import complete_contract

    instance_id = complete_contract(db, org, now).instance_id
    with write_session(db) as session:
        for row in session.exec(select(OutboxItem).where(OutboxItem.kind == "trail")).all():
            row.claimed_at = now  # another worker holds them
            session.add(row)
    held = issue.issue(db, instance_id, keys_dir=signing_var / "keys",
                       trails_dir=signing_var / "trails", now=now + timedelta(minutes=1))
    assert held.trail_id is None and rows(db, Trail) == []
    later = now + dispatch.TRAIL_LEASE + timedelta(seconds=1)  # that worker died
    issued = issue.issue(db, instance_id, keys_dir=signing_var / "keys",
                         trails_dir=signing_var / "trails", now=later)
    assert issued.created and len(rows(db, Trail)) == 1


def test_due_timer_fires_a_reminder_once(db, org, now, worker):
    started = start_contract(db, org, now)
    dispatch.kick(started.outbox_ids)
    worker.join()
    timers = rows(db, Timer, Timer.instance_id == started.instance_id)
    assert {t.due_at for t in timers} == {now + timedelta(days=3)}
    assert len(timers) == 3

    assert scheduler.sweep(db, now + timedelta(days=2)).timers == 0  # not due yet
    assert scheduler.sweep(db, now + timedelta(days=4)).timers == 3
    worker.join()

    def overdue():
        return Counter((n.template, n.person_id) for n in _notifications(db, started.instance_id)
                       if n.template.startswith("task_overdue"))

    reminded = overdue()
    assert reminded == Counter({**{("task_overdue", p): 1 for p in org.approvers},
                                ("task_overdue_initiator", org.initiator): 3})
    assert all(t.fired_at is not None for t in rows(db, Timer))

    for later in (timedelta(days=4), timedelta(days=4, minutes=5), timedelta(days=9)):
        assert scheduler.sweep(db, now + later) == scheduler.SweepReport(0, 0)
    worker.join()
    assert overdue() == reminded
    assert audit_kinds(db, started.instance_id).count("deadline_passed") == 3
    with read_session(db) as session:
        assert audit.verify(session, started.instance_id).ok


def test_a_timer_fired_twice_reminds_once(db, org, now):
    started = start_contract(db, org, now, approvers=org.approvers[:1])
    timer = rows(db, Timer, Timer.instance_id == started.instance_id)[0]

    first = service.fire_timer(db, timer.id, now + timedelta(days=4))
    second = service.fire_timer(db, timer.id, now + timedelta(days=4, seconds=1))

    assert first is not None and len(first.outbox_ids) == 2
    assert second is None
    assert audit_kinds(db, started.instance_id).count("deadline_passed") == 1


def test_a_timer_of_a_task_decided_in_time_reminds_nobody(db, org, now, worker):
    anna = org.approvers[0]
    started = start_contract(db, org, now, approvers=[anna])
    service.decide(db, open_tasks(db, started.instance_id)[anna].id, anna, "approve", "",
                   now + timedelta(days=1))

    assert scheduler.sweep(db, now + timedelta(days=4)).timers == 1
    worker.join()

    assert not any(n.template.startswith("task_overdue")
                   for n in _notifications(db, started.instance_id))
    assert all(t.fired_at is not None for t in rows(db, Timer))
    assert "deadline_passed" not in audit_kinds(db, started.instance_id)


def test_a_failing_outbox_row_records_each_attempt_and_ends_failed(db, monkeypatch) -> None:
    """A handler that keeps failing leaves its error on the row and gives up after the limit,
    instead of being retried for ever with no trace."""
    def broken(session, item, now):
        raise RuntimeError("the relay said no")

    monkeypatch.setitem(dispatch._outbox_handlers, "broken", broken)
    now = datetime.now(UTC)
    with write_session(db) as session:
        item = OutboxItem(kind="broken", payload={}, created_at=now)
        session.add(item)
        session.flush()
        item_id = item.id
    for attempt in range(1, outbox.MAX_ATTEMPTS):
        with pytest.raises(RuntimeError):
            outbox.deliver(db, item_id, now)
        with read_session(db) as session:
            row = session.get(OutboxItem, item_id)
            assert (row.state, row.attempts) == ("pending", attempt)
            assert row.last_error == "RuntimeError: the relay said no"
    assert outbox.deliver(db, item_id, now) is False
    with read_session(db) as session:
        row = session.get(OutboxItem, item_id)
        assert (row.state, row.attempts) == ("failed", outbox.MAX_ATTEMPTS)


def test_a_delivery_carries_out_other_waiting_rows_and_their_own_finds_them_done(db, org, now):
    """One write transaction serves several commands: the rows of a second contract are
    carried out along with the first's, once each, and the second's delivery then finds
    nothing to do."""
    first, second = start_contract(db, org, now), start_contract(db, org, now)

    assert outbox.deliver_batch(db, list(first.outbox_ids), now) == len(first.outbox_ids)
    with read_session(db) as session:
        taken = [session.get(OutboxItem, i) for i in second.outbox_ids]
    assert [(i.state, i.attempts) for i in taken] == [("done", 1)] * len(taken)
    assert outbox.deliver_batch(db, list(second.outbox_ids), now) == 0
    for started in (first, second):
        notes = _notifications(db, started.instance_id)
        assert sorted(n.outbox_item_id for n in notes) == sorted(started.outbox_ids)
    mails = rows(db, OutboxItem, OutboxItem.kind == "email")
    assert sorted(m.payload["notification"] for m in mails) == sorted(
        n.id for started in (first, second) for n in _notifications(db, started.instance_id))


def test_a_failing_row_taken_along_is_left_to_its_own_delivery(db, org, now, monkeypatch):
    """A row that fails inside a batch rolls the batch back; the delivery's own rows still go
    through one by one, and the failing row is counted only by its own delivery."""
    first, second = start_contract(db, org, now), start_contract(db, org, now)
    poisoned = second.outbox_ids[0]
    many = dispatch.outbox_batch_handler("notify")

    def failing(session, items, at):
        if any(item.id == poisoned for item in items):
            raise RuntimeError("cannot notify")
        return many(session, items, at)

    monkeypatch.setitem(dispatch._outbox_batch_handlers, "notify", failing)
    assert outbox.deliver_batch(db, list(first.outbox_ids), now) == len(first.outbox_ids)
    with read_session(db) as session:
        row = session.get(OutboxItem, poisoned)
        assert (row.state, row.attempts, row.last_error) == ("pending", 0, None)

    with pytest.raises(RuntimeError):
        outbox.deliver_batch(db, list(second.outbox_ids), now)
    with read_session(db) as session:
        states = {i: session.get(OutboxItem, i) for i in second.outbox_ids}
    assert (states[poisoned].state, states[poisoned].attempts) == ("pending", 1)
    assert states[poisoned].last_error == "RuntimeError: cannot notify"
    assert all((states[i].state, states[i].attempts) == ("done", 1)
               for i in second.outbox_ids if i != poisoned)
    assert not rows(db, Notification, Notification.outbox_item_id == poisoned)
