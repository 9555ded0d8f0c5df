"""Outgoing mail through relay outages, races and interruptions: the database schedules the
tries of a mail row, one chain of them per row, and nothing but a permanent refusal fails it.

Time is driven with explicit ``now`` values (the relay's outage lasts hours of the row's
clock, not of the test's); the relays are real aiosmtpd servers, or a plain socket that
trickles an endless greeting, the worker is Dramatiq's own over the embedded Redis.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import dramatiq
import pytest
from click.testing import CliRunner
from dramatiq.middleware import TimeLimit
from sqlalchemy import event
from sqlalchemy.engine import Engine

from approvals import dispatch
from approvals.config import Settings
from approvals.config.mail import MailSettings
from approvals.store.db import read_session, write_session
from approvals.store.directory import set_password
from approvals.store.models import Notification, OutboxItem, Person
from mail import outgoing, tokens
from tests.integration import mailflow
from tests.integration.conftest import ActorFailures, RunningWorker
from tests.integration.mail.test_delivery import (
    Relay,
    outbox_row,
    relay,
    relay_settings,
    send_item,
    task_mail_rows,
)
from tests.support import free_port
from workers import scheduler
from workers.actors import send_email


class Interrupted(BaseException):
    """What a worker stopped in its tracks raises (Dramatiq's TimeLimitExceeded is one)."""


def expected_message_id(db: Engine, item_id: int, settings: MailSettings) -> str:
    """The Message-ID the row's mail must carry, derived from the row and its token."""
    with read_session(db) as session:
        row = session.get(OutboxItem, item_id)
        note = session.get(Notification, row.payload["notification"])
    token = tokens.derive(Settings.from_env().secret_key, note.id) if row.payload["token"] \
        else None
    return tokens.message_id(settings.domain, item_id, token)


@contextmanager
def interrupted_at_commit(db: Engine, n: int) -> Iterator[None]:
    """The ``n``-th COMMIT on ``db`` from now raises :class:`Interrupted` (every statement of
    its transaction ran; nothing of it is committed)."""
    countdown = [n]

    def commit(_connection) -> None:
        if countdown:
            countdown[0] -= 1
            if countdown[0] == 0:
                countdown.clear()
                raise Interrupted("stopped between the relay's 250 and the commit")

    event.listen(db, "commit", commit)
    try:
        yield
    finally:
        event.remove(db, "commit", commit)


@contextmanager
def worker_after(broker) -> Iterator[RunningWorker]:
    """A real Dramatiq worker on ``broker`` (as the ``worker`` fixture), started only now: the
    test prepared its rows first, and dropped the messages that announced them."""
    failures = next(m for m in broker.middleware if isinstance(m, ActorFailures))
    running = dramatiq.Worker(broker, worker_threads=2, worker_timeout=100)
    running.start()
    try:
        yield RunningWorker(broker, running, failures)
    finally:
        running.stop()


# ---------------------------------------------------------------------------- an outage


def test_a_relay_down_for_hours_delays_the_mail_and_loses_none(db, org, now, broker):
    """The relay refuses connections for hours: each real try counts one attempt, the next is
    due after a doubling wait capped at a quarter of an hour, the row never fails, the sweep
    hands it on only when due; once the relay is back the mail goes out exactly once."""
    anna = org.approvers[0]
    item_id = task_mail_rows(db, org, now, [anna])[anna]
    port = free_port()  # nothing listens there: connections are refused
    settings = relay_settings(port)

    at, waits = now + scheduler.GRACE, []
    for attempt in range(1, 21):
        assert scheduler.sweep(db, at).outbox >= 1
        assert outbox_row(db, item_id).queued_at == at  # handed on, and marked
        assert send_item(db, item_id, at, settings) == "deferred"
        row = outbox_row(db, item_id)
        assert (row.state, row.attempts, row.claimed_at) == ("pending", attempt, None)
        assert f"127.0.0.1:{port}" in row.last_error
        waits.append(row.next_attempt_at - at)
        # before it is due neither a stray copy nor the sweep tries it, and nothing counts
        early = row.next_attempt_at - timedelta(seconds=1)
        assert send_item(db, item_id, early, settings) == "skipped"
        scheduler.sweep(db, early)
        assert outbox_row(db, item_id).queued_at is None
        assert outbox_row(db, item_id).attempts == attempt
        at = row.next_attempt_at
    assert waits[:4] == [timedelta(seconds=s) for s in (10, 20, 40, 80)]
    assert waits == [outgoing.backoff(n) for n in range(1, 21)]
    assert max(waits) == outgoing.RETRY_CAP == waits[-1]
    assert at - now > timedelta(hours=3)

    handler = Relay()
    with relay(handler, port):
        scheduler.sweep(db, at)
        assert send_item(db, item_id, at, settings) == "sent"
        assert send_item(db, item_id, at, settings) == "skipped"
        later = at + timedelta(hours=1)
        scheduler.sweep(db, later)
        assert send_item(db, item_id, later, settings) == "skipped"
    row = outbox_row(db, item_id)
    assert (row.state, row.attempts, row.next_attempt_at, row.last_error) == (
        "done", 21, None, None)
    [(_login, rcpts, mail)] = handler.received
    assert rcpts == [org.email(anna)]
    assert mail["Message-ID"] == expected_message_id(db, item_id, settings)


# ---------------------------------------------------------------------------- races


class HeldRelay(Relay):
    """A relay that holds the DATA of its first mail until ``go`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.reached, self.go = threading.Event(), threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:
        self.reached.set()
        while not self.go.is_set():
            await asyncio.sleep(0.01)
        return await super().handle_DATA(server, session, envelope)


def test_two_tries_of_the_same_row_at_once_deliver_it_once(db, org, now, broker):
    """A second copy of the work (a redelivered message, the sweep racing a kick) arrives
    while the first is talking to the relay: it finds the row held and skips."""
    anna = org.approvers[0]
    item_id = task_mail_rows(db, org, now, [anna])[anna]
    handler = HeldRelay()
    results: dict[str, str] = {}

    def attempt(name: str, at: datetime, settings: MailSettings) -> None:
        results[name] = send_item(db, item_id, at, settings)

    with relay(handler) as port:
        settings = relay_settings(port)
        first = threading.Thread(target=attempt, args=("first", now, settings))
        first.start()
        assert handler.reached.wait(10)
        second = threading.Thread(target=attempt,
                                  args=("second", now + timedelta(minutes=1), settings))
        second.start()
        second.join(5)
        handler.go.set()
        first.join(10)
        second.join(10)
    assert results == {"first": "sent", "second": "skipped"}
    assert len(handler.received) == 1
    row = outbox_row(db, item_id)
    assert (row.state, row.attempts, row.claimed_at) == ("done", 1, None)


def test_a_claim_of_a_worker_that_died_lapses_after_its_lease(db, org, now, broker):
    anna = org.approvers[0]
    item_id = task_mail_rows(db, org, now, [anna])[anna]
    assert outgoing.claim(db, item_id, now)  # ... and the worker is killed
    handler = Relay()
    with relay(handler) as port:
        settings = relay_settings(port)
        within = now + dispatch.MAIL_LEASE - timedelta(seconds=1)
        assert send_item(db, item_id, within, settings) == "skipped"
        scheduler.sweep(db, within)
        assert outbox_row(db, item_id).queued_at is None  # held: not handed on
        after = now + dispatch.MAIL_LEASE + timedelta(seconds=1)
        scheduler.sweep(db, after)
        assert outbox_row(db, item_id).queued_at == after
        assert send_item(db, item_id, after, settings) == "sent"
    assert len(handler.received) == 1
    assert dispatch.MAIL_LEASE > dispatch.MAIL_TIME_LIMIT  # never taken from a live try


# ---------------------------------------------------------------------------- interrupted


def test_a_row_sent_twice_after_a_stop_past_the_250_carries_the_same_message_id(
        db, org, now, broker):
    """The one window for a duplicate: the relay said 250 and the worker stopped before the
    row was marked done. The try is counted, the row let go, and the second copy the relay
    gets is the same mail: the same Message-ID."""
    anna = org.approvers[0]
    item_id = task_mail_rows(db, org, now, [anna])[anna]
    handler = Relay()
    with relay(handler) as port:
        settings = relay_settings(port)
        # commits of a try: the claim, then the mark after the 250
        with interrupted_at_commit(db, 2), pytest.raises(Interrupted):
            send_item(db, item_id, now, settings)
        row = outbox_row(db, item_id)
        assert (row.state, row.attempts, row.claimed_at) == ("pending", 1, None)
        assert row.last_error.startswith("Interrupted: stopped between the relay's 250")
        assert send_item(db, item_id, row.next_attempt_at, settings) == "sent"
    first, second = (mail for _login, _rcpts, mail in handler.received)
    assert first["Message-ID"] == second["Message-ID"] == expected_message_id(
        db, item_id, settings)
    assert outbox_row(db, item_id).state == "done"


@contextmanager
def trickling_relay() -> Iterator[int]:
    """A relay that never finishes its greeting: one more ``220-`` line every 50 ms, so a
    client waits for ever without a socket timeout; yields its port."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(1.0)
                while not stop.is_set():
                    try:
                        conn.sendall(b"220-still greeting\r\n")
                    except OSError:
                        break
                    time.sleep(0.05)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def test_a_try_stopped_by_the_time_limit_is_counted_and_the_row_let_go(
        db, org, now, broker, monkeypatch):
    """Dramatiq's time limit stops the worker's try (a BaseException, once left uncounted):
    the try counts as an attempt, the row is let go with its next try due, and Dramatiq does
    not retry it on its own (the row's schedule is the only chain)."""
    anna = org.approvers[0]
    item_id = task_mail_rows(db, org, now, [anna])[anna]
    broker.flush_all()
    # what `signoff worker` starts when its process boots (an in-process worker does not)
    next(m for m in broker.middleware if isinstance(m, TimeLimit)).after_process_boot(broker)
    with trickling_relay() as port, worker_after(broker) as worker:
        monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("SMTP_PORT", str(port))
        monkeypatch.setenv("SMTP_STARTTLS", "0")
        send_email.send_with_options(args=(item_id,), time_limit=1000)
        deadline = time.monotonic() + 20
        while outbox_row(db, item_id).attempts == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        worker.worker.join()
    row = outbox_row(db, item_id)
    assert (row.state, row.attempts, row.claimed_at) == ("pending", 1, None)
    assert row.last_error.startswith("TimeLimitExceeded")
    assert row.next_attempt_at == row.last_attempt_at + outgoing.RETRY_FIRST
    assert [e for e in worker.failures.errors if "TimeLimitExceeded" in e]
    worker.failures.errors.clear()
    assert worker.broker.do_qsize("mail") == 0 and worker.broker.do_qsize("mail.DQ") == 0


# ---------------------------------------------------------------------------- sending again


def failed_row(db: Engine, org, now, broker) -> int:
    """Anna's task mail, refused for good by a relay (550); nothing else is queued."""
    anna = org.approvers[0]
    item_id = task_mail_rows(db, org, now, [anna])[anna]
    broker.flush_all()
    with relay(Relay(refuse_rcpt="550 5.1.1 no such user")) as port:
        assert send_item(db, item_id, now, relay_settings(port)) == "failed"
    return item_id


def test_an_administrator_sends_failed_mail_again_from_the_command_line(
        db, org, now, broker, mail_catcher, monkeypatch):
    item_id = failed_row(db, org, now, broker)
    monkeypatch.setenv("DATABASE_URL", db.url.render_as_string(hide_password=False))
    runner = CliRunner()

    refused = runner.invoke(_cli(), ["mail", "resend"])
    assert refused.exit_code == 2 and "--failed" in refused.output
    with worker_after(broker) as worker:
        resent = runner.invoke(_cli(), ["mail", "resend", "--failed"],
                               catch_exceptions=False)
        assert resent.exit_code == 0, resent.output
        assert f"mail {item_id}: handed to the workers again" in resent.output
        worker.join()

        row = outbox_row(db, item_id)
        assert (row.state, row.attempts) == ("done", 2)
        [mail] = mailflow.mails_to(mail_catcher.messages(), org.email(org.approvers[0]))
        assert mail["Message-ID"] == expected_message_id(db, item_id,
                                                         MailSettings.from_env())

        again = runner.invoke(_cli(), ["mail", "resend", str(item_id)],
                              catch_exceptions=False)
        assert again.exit_code == 0
        assert f"mail {item_id}: left alone" in again.output  # sent already: not twice
        worker.join()
    assert len(mailflow.mails_to(mail_catcher.messages(), org.email(org.approvers[0]))) == 1


def _cli():
    from signoff.cli import main

    return main


def _admin_browser(db: Engine, person_id: int):
    from tests.integration.web.site import Browser
    from web import create_app

    password = "correct horse battery staple"
    with write_session(db) as session:
        person = session.get(Person, person_id)
        set_password(person, password)
        session.add(person)
        address = person.email
    browser = Browser(create_app({"TESTING": True, "DB_ENGINE": db}).test_client())
    assert browser.login(address, password).status_code == 303
    return browser


def test_an_administrator_sends_failed_mail_again_from_the_mail_page(
        db, org, now, broker, mail_catcher):
    item_id = failed_row(db, org, now, broker)
    action = f"/admin/mail/outbox/{item_id}/resend"

    stranger = _admin_browser(db, org.approvers[1])
    assert stranger.submit("/", action, {}).status_code == 403
    admin = _admin_browser(db, org.admin)
    page = admin.get("/admin/mail").text
    assert f'action="{action}"' in page
    assert admin.client.post(action, data={}).status_code == 400  # no CSRF token
    assert outbox_row(db, item_id).state == "failed"

    with worker_after(broker) as worker:
        answer = admin.submit("/admin/mail", action, {}, follow_redirects=True)
        assert answer.status_code == 200
        assert f"Mail No. {item_id} goes to the workers again" in answer.text
        worker.join()
    assert outbox_row(db, item_id).state == "done"
    [mail] = mailflow.mails_to(mail_catcher.messages(), org.email(org.approvers[0]))
    assert mail["Message-ID"] == expected_message_id(db, item_id, MailSettings.from_env())
    assert f'action="{action}"' not in admin.get("/admin/mail").text  # nothing left to resend


# --- what the chaos suite found with PostgreSQL backends killed (tests/chaos/test_database.py)


def _store_away(*_args, **_kwargs):
    from approvals.core.errors import StoreUnavailable

    raise StoreUnavailable("the database is unavailable")


def test_a_database_failure_while_composing_is_a_temporary_failure_not_a_bad_mail(
        db, org, now, broker, monkeypatch):
    from sqlalchemy import exc

    anna = org.approvers[0]
    item_id = task_mail_rows(db, org, now, [anna])[anna]

    def killed(*_args, **_kwargs):
        raise exc.OperationalError("SELECT person.id …", {}, Exception(
            "terminating connection due to administrator command"))

    from approvals.core.errors import StoreUnavailable
    from mail import compose

    handler, real = Relay(), compose.notification_mail
    with relay(handler) as port:
        monkeypatch.setattr(compose, "notification_mail", killed)
        with pytest.raises((exc.OperationalError, StoreUnavailable)):
            send_item(db, item_id, now, relay_settings(port))
        row = outbox_row(db, item_id)
        assert (row.state, row.attempts, row.claimed_at) == ("pending", 1, None)
        assert row.next_attempt_at == now + outgoing.RETRY_FIRST
        monkeypatch.setattr(compose, "notification_mail", real)
        later = row.next_attempt_at
        assert send_item(db, item_id, later, relay_settings(port)) == "sent"
    assert len(handler.received) == 1


def test_a_mail_the_relay_took_is_not_sent_again_when_the_database_hiccups_after_the_250(
        db, org, now, broker, monkeypatch):
    anna = org.approvers[0]
    item_id = task_mail_rows(db, org, now, [anna])[anna]
    monkeypatch.setattr(outgoing, "MARK_RETRIES", (0, 0))
    real_close, failures = outgoing._close, []

    def close(db_, item, at, error, failed):
        if not failed and len(failures) < 2:  # the store drops twice, then answers
            failures.append(item)
            _store_away()
        return real_close(db_, item, at, error, failed)

    monkeypatch.setattr(outgoing, "_close", close)
    handler = Relay()
    with relay(handler) as port:
        assert send_item(db, item_id, now, relay_settings(port)) == "sent"
    row = outbox_row(db, item_id)
    assert (row.state, row.attempts, len(handler.received)) == ("done", 1, 1)


def test_a_mail_sent_but_never_recorded_is_held_until_its_lease_lapses(db, org, now, broker,
                                                                       monkeypatch):
    from workers import scheduler

    anna = org.approvers[0]
    item_id = task_mail_rows(db, org, now, [anna])[anna]
    monkeypatch.setattr(outgoing, "MARK_RETRIES", (0, 0))
    real_close = outgoing._close
    monkeypatch.setattr(outgoing, "_close", lambda db_, item, at, error, failed: (
        _store_away() if not failed else real_close(db_, item, at, error, failed)))
    handler = Relay()
    with relay(handler) as port:
        with pytest.raises(outgoing.SentButUnmarked):
            send_item(db, item_id, now, relay_settings(port))
        monkeypatch.setattr(outgoing, "_close", real_close)
        row = outbox_row(db, item_id)
        # held, not deferred: no failed try counted, nothing due in ten seconds
        assert (row.state, row.attempts, row.claimed_at) == ("pending", 0, now)
        soon = now + timedelta(seconds=40)
        assert scheduler.sweep(db, soon).outbox == 0
        assert send_item(db, item_id, soon, relay_settings(port)) == "skipped"
        lapsed = now + dispatch.MAIL_LEASE + timedelta(seconds=1)
        assert send_item(db, item_id, lapsed, relay_settings(port)) == "sent"
    ids = {m["Message-ID"] for _login, _rcpts, m in handler.received}
    assert len(handler.received) == 2 and len(ids) == 1  # the one duplicate, the same mail
