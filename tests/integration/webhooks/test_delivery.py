"""Webhooks delivered to a real HTTP server on 127.0.0.1, on both databases: the messages of a
contract's life received in order and verified here with the test's own HMAC code, a 500 tried
again with the same ``webhook-id``, a day of failures given up, a resend and a test event
from the administrator's page, a 410 that disables the endpoint, and the address checked
again at every try."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import update

from approvals import dispatch, service
from approvals.records import webhooks
from approvals.store.db import read_session, write_session
from approvals.store.models import OutboxItem, WebhookEndpoint
from tests.integration.flows import open_tasks, start_contract
from tests.integration.webhooks.flows import admin_browser, attempts, messages, register
from tests.integration.webhooks.receiver import Receiver, receiving, verify
from workers import scheduler
from workers.webhooks import deliver


def _row(db, item_id: int) -> OutboxItem:
    with read_session(db) as session:
        return session.get(OutboxItem, item_id)


def _endpoint(db, endpoint_id: int) -> WebhookEndpoint:
    with read_session(db) as session:
        return session.get(WebhookEndpoint, endpoint_id)


def test_a_contracts_life_reaches_a_real_server_in_order_signed_as_the_standard_says(
        db, org, now, worker):
    anna, boris = org.approvers[:2]
    with receiving(Receiver()) as receiver:
        made = register(db, org, receiver.url, now)
        started = start_contract(db, org, now, approvers=[anna, boris])
        dispatch.kick(started.outbox_ids)
        worker.join()
        for person, verdict, comment in ((anna, "approve", ""),
                                         (boris, "approve", "Clause 3 is fine now"),
                                         (org.initiator, "done", "Sent to the client")):
            task = open_tasks(db, started.instance_id)[person]
            decided = service.decide(db, task.id, person, verdict, comment, now)
            dispatch.kick(decided.outbox_ids)
            worker.join()

    assert receiver.types() == [
        "instance.started", "task.created", "task.created",  # the start
        "task.decided",  # Anna
        "task.decided", "task.created",  # Boris, and the initiator's task that follows
        "task.decided", "instance.completed"]  # the initiator sends it: done
    real_now = time.time()
    for got in receiver.received:
        assert got.path == "/hooks/signoff"
        assert got.headers["content-type"] == "application/json"
        assert got.id.startswith("msg_") and "." not in got.id
        assert abs(int(got.headers["webhook-timestamp"]) - real_now) < 300
        assert verify(made.secret, got), got.headers["webhook-signature"]
        assert got.json["data"]["instance"]["id"] == started.instance_id
        assert "ООО «Ромашка»" not in got.body.decode()  # no form values travel
    assert len({got.id for got in receiver.received}) == 8
    created = [got.json["data"]["task"] for got in receiver.received
               if got.type == "task.created"]
    assert [t["assignee"]["email"] for t in created] == [
        org.email(anna), org.email(boris), org.email(org.initiator)]
    boris_decided = receiver.received[4].json["data"]
    assert boris_decided["task"]["verdict"] == "approve"
    assert boris_decided["task"]["comment"] == "Clause 3 is fine now"
    assert boris_decided["task"]["decided_by"]["email"] == org.email(boris)
    completed = receiver.received[-1].json
    assert completed["data"]["instance"]["status"] == "completed"
    assert completed["data"]["instance"]["process"]["name"]["ru"] == "Согласование договора"
    assert [(m.state, m.attempts) for m in messages(db)] == [("done", 1)] * 8
    assert [a.status_code for a in attempts(db)] == [200] * 8
    # what went out is the body the row kept, to the byte
    assert [got.body.decode() for got in receiver.received] == [
        m.payload["body"] for m in messages(db)]


def test_a_500_is_tried_again_after_the_backoff_with_the_same_webhook_id(db, org, now, worker):
    with receiving(Receiver([500])) as receiver:
        made = register(db, org, receiver.url, now, events=["instance.started"])
        started = start_contract(db, org, now)
        dispatch.kick(started.outbox_ids)
        worker.join()
        [row] = messages(db)
        assert (row.state, row.attempts) == ("pending", 1)
        assert row.last_error.startswith("HTTP 500")
        wait = row.next_attempt_at - row.last_attempt_at
        assert timedelta(seconds=5) <= wait <= timedelta(seconds=5.5)

        assert deliver(db, row.id, row.last_attempt_at + timedelta(seconds=1)) == {}  # not due
        assert deliver(db, row.id, row.next_attempt_at) == {row.id: "delivered"}

    first, second = receiver.received
    assert first.id == second.id and first.body == second.body
    assert int(second.headers["webhook-timestamp"]) >= int(
        first.headers["webhook-timestamp"]) + 5  # each try signs its own moment
    assert verify(made.secret, first) and verify(made.secret, second)
    log = attempts(db)
    assert [(a.status_code, a.message_id) for a in log] == [(500, first.id), (200, first.id)]
    assert (_row(db, row.id).state, _row(db, row.id).attempts) == ("done", 2)
    page = admin_browser(db, org.admin).get(f"/admin/webhooks/{made.endpoint_id}")
    assert page.status_code == 200
    assert page.text.count(first.id) == 3  # the message, and its two attempts
    assert "HTTP 500" in page.text and "HTTP 200" in page.text


def test_a_message_that_keeps_failing_is_given_up_a_day_after_it_was_made(db, org, now):
    with receiving(Receiver([500] * 20)) as receiver:
        register(db, org, receiver.url, now, events=["instance.started"])
        start_contract(db, org, now)
        [row] = messages(db)
        outcomes, at = [], now
        while row.state == "pending":
            outcomes.append(deliver(db, row.id, at)[row.id])
            row = _row(db, row.id)
            at = row.next_attempt_at

    assert outcomes == ["deferred"] * 6 + ["failed"]
    assert row.state == "failed" and row.last_error.startswith("given up after a day: HTTP 500")
    assert row.last_attempt_at - row.created_at < timedelta(days=1)
    assert len(receiver.received) == 7 and len({got.id for got in receiver.received}) == 1
    assert [a.status_code for a in attempts(db)] == [500] * 7


def test_the_sweep_hands_a_webhook_row_on_only_once_it_is_due(db, org, now, broker):
    with receiving(Receiver([500, 500])) as receiver:
        register(db, org, receiver.url, now, events=["instance.started"])
        start_contract(db, org, now)
        [row] = messages(db)
        deliver(db, row.id, now)  # due again 5 s later
        deliver(db, row.id, now + timedelta(seconds=6))  # then 5 minutes later
    assert len(receiver.received) == 2

    scheduler.sweep(db, now + timedelta(minutes=1))
    assert broker.do_qsize("webhooks") == 0
    scheduler.sweep(db, now + timedelta(minutes=6))
    assert broker.do_qsize("webhooks") == 1


def test_resend_and_a_test_event_from_the_admin_page_reach_the_receiver(db, org, now, worker):
    with receiving(Receiver()) as receiver:
        made = register(db, org, receiver.url, now, events=["instance.started"])
        started = start_contract(db, org, now)
        dispatch.kick(started.outbox_ids)
        worker.join()
        [row] = messages(db)
        assert row.state == "done"
        browser = admin_browser(db, org.admin)
        page = f"/admin/webhooks/{made.endpoint_id}"

        resent = browser.submit(page, f"/admin/webhooks/messages/{row.id}/resend", {})
        assert resent.status_code == 303 and resent.headers["Location"].endswith(page)
        worker.join()
        pinged = browser.submit(page, f"/admin/webhooks/{made.endpoint_id}/ping", {})
        assert pinged.status_code == 303
        worker.join()

    first, again, ping = receiver.received
    assert again.id == first.id and again.body == first.body  # the same message
    assert ping.type == "ping" and ping.id != first.id
    assert ping.json["data"]["requested_by"]["email"] == org.email(org.admin)
    assert all(verify(made.secret, got) for got in receiver.received)
    assert [a.message_id for a in attempts(db)] == [first.id, first.id, ping.id]
    assert (_row(db, row.id).state, _row(db, row.id).attempts) == ("done", 2)


def test_410_gone_fails_the_message_and_disables_the_endpoint(db, org, now):
    with receiving(Receiver([410])) as receiver:
        made = register(db, org, receiver.url, now, events=["instance.started"])
        start_contract(db, org, now)
        [row] = messages(db)
        assert deliver(db, row.id, now) == {row.id: "failed"}
        start_contract(db, org, now)  # a disabled endpoint gets no new message

    endpoint = _endpoint(db, made.endpoint_id)
    assert (endpoint.active, endpoint.disabled_reason) == (False, "gone")
    assert [m.state for m in messages(db)] == ["failed"]
    assert len(receiver.received) == 1


def test_the_address_is_checked_again_at_every_try(db, org, now):
    with receiving(Receiver()) as receiver:
        made = register(db, org, receiver.url, now, events=["instance.started"])
        with write_session(db) as session:  # the permission withdrawn after registration
            session.connection().execute(update(WebhookEndpoint.__table__).where(
                WebhookEndpoint.__table__.c.id == made.endpoint_id).values(allow_private=False))
        start_contract(db, org, now)
        [row] = messages(db)
        assert deliver(db, row.id, now) == {row.id: "deferred"}

    assert receiver.received == []  # nothing left Signoff
    [attempt] = attempts(db)
    assert attempt.status_code is None and "127.0.0.1" in attempt.error
    assert "this machine" in attempt.error


def test_a_rotated_secret_signs_beside_the_new_one_for_a_day(db, org, now):
    with receiving(Receiver()) as receiver:
        made = register(db, org, receiver.url, now, events=["instance.started"])
        new = webhooks.rotate(db, made.endpoint_id, now)
        start_contract(db, org, now)
        [first] = messages(db)
        deliver(db, first.id, now)
        start_contract(db, org, now + timedelta(days=2))
        later = messages(db)[-1]
        deliver(db, later.id, now + timedelta(days=2))

    during, after = receiver.received
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    assert verify(new, during) and verify(made.secret, during)
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    assert verify(new, after) and not verify(made.secret, after)


def test_the_waiting_messages_of_a_disabled_or_deleted_endpoint_fail_untried(db, org, now):
    disabled = register(db, org, "http://127.0.0.1:9/off", now, events=["instance.started"])
    deleted = register(db, org, "http://127.0.0.1:9/gone", now, events=["instance.started"])
    start_contract(db, org, now)
    for_disabled, for_deleted = messages(db)

    webhooks.set_active(db, disabled.endpoint_id, False, now)
    assert deliver(db, for_disabled.id, now) == {}
    webhooks.delete_endpoint(db, deleted.endpoint_id, now)
    assert deliver(db, for_deleted.id, now) == {}

    assert [(m.state, m.last_error) for m in messages(db)] == [
        ("failed", "the endpoint is disabled"), ("failed", "the endpoint was deleted")]
    assert attempts(db) == []  # nothing was posted


def test_a_redirect_is_not_followed_and_a_refused_connection_is_tried_again(db, org, now):
    with receiving(Receiver([302])) as receiver:
        register(db, org, receiver.url, now, events=["instance.started"])
        closed = register(db, org, "http://127.0.0.1:9/nobody", now, events=["instance.started"])
        start_contract(db, org, now)
        redirected, refused = messages(db)
        assert deliver(db, redirected.id, now) == {redirected.id: "deferred"}
        assert deliver(db, refused.id, now) == {refused.id: "deferred"}

    assert len(receiver.received) == 1  # the 302 was not followed
    by_endpoint = {a.endpoint_id: a for a in attempts(db)}
    assert by_endpoint[redirected.payload["endpoint"]].status_code == 302
    assert "ConnectionRefusedError" in by_endpoint[closed.endpoint_id].error
    assert [m.state for m in messages(db)] == ["pending", "pending"]
