"""An answer by email is one transaction (approvals.service.answer): a worker stopped at any
step leaves either nothing decided (the message is read again) or everything recorded, and the
reply ends up decided exactly once, its message marked once, its token used once."""

from __future__ import annotations

import pytest
from dramatiq.middleware.time_limit import TimeLimitExceeded
from sqlalchemy import event
from sqlmodel import select

from approvals import service
from approvals.clock import utcnow
from approvals.config.mail import MailSettings
from approvals.store.db import read_session, write_session
from approvals.store.models import AuditEvent, InboundMessage, OutboxItem, ReplyToken, Task
from mail import inbound, inbox
from tests.integration.mail.test_corpus import (  # noqa: F401 - fixtures
    BASE_URL,
    World,
    render,
    template,
    world,
)

APPROVAL = "56-x-auto-response-suppress-human-reply.eml"  # decided, "approve" (the corpus)


class Crash(BaseException):
    """The worker process stops here (not an error it could catch and record)."""


def stored_reply(w: World) -> int:
    """Sergey has approved on the page; Anna's reply completes the legal stage (so it causes
    outbox rows: the accountant's task)."""
    with read_session(w.db) as s:
        sergey = s.get(Task, w.sergey_task).assignee_id
    service.decide(w.db, w.sergey_task, sergey, "approve", "", utcnow())
    return inbox.store(w.db, render(APPROVAL, w.values), channel="smtp",
                       now=utcnow(), envelope_from="anna@example.com")


def run(w: World, inbound_id: int) -> inbound.Processed | None:
    return inbound.process(w.db, inbound_id, utcnow(), settings=MailSettings.from_env(),
                           base_url=BASE_URL)


def recorded(w: World, inbound_id: int) -> dict:
    """What the database holds about this reply."""
    with read_session(w.db) as s:
        events = [e for e in s.exec(select(AuditEvent).where(AuditEvent.kind == "decided"))
                  if (e.data.get("evidence") or {}).get("inbound") == inbound_id]
        message = s.get(InboundMessage, inbound_id)
        token = s.exec(select(ReplyToken).where(
            ReplyToken.task_id == w.anna_task)).one()
        task = s.get(Task, w.anna_task)
        return {"decisions": len(events), "task": (task.state, task.verdict),
                "message": (message.state, message.outcome),
                "token_used_by": token.used_by_inbound_id,
                "outbox": len(s.exec(select(OutboxItem.id)).all())}


def decided_once(inbound_id: int, outbox: int) -> dict:
    return {"decisions": 1, "task": ("decided", "approve"), "message": ("done", "decided"),
            "token_used_by": inbound_id, "outbox": outbox}


@pytest.fixture
def crash_at_commit(world: World):  # noqa: F811
    """``arm(n)``: the n-th COMMIT from now on the world's database crashes (after every
    statement of its transaction ran, before it is committed)."""
    countdown = []

    def commit(_connection) -> None:
        if countdown:
            countdown[0] -= 1
            if countdown[0] == 0:
                countdown.clear()
                raise Crash()

    event.listen(world.db, "commit", commit)
    yield lambda n: countdown.append(n)
    event.remove(world.db, "commit", commit)


@pytest.mark.parametrize("commit", [1, 2])
def test_a_worker_stopped_at_any_commit_leaves_all_or_nothing_and_decides_once(
        world: World, crash_at_commit, commit: int):  # noqa: F811
    """Processing a reply once took three transactions (store → decide → mark the message
    and the token); a stop between them left a decision without its message marked. Now it
    takes two (the worker's claim on the message, then the answer with its marks), and
    whichever commit the worker stops at, either nothing of the answer is recorded or all."""
    inbound_id = stored_reply(world)
    before = recorded(world, inbound_id)
    assert before["decisions"] == 0 and before["token_used_by"] is None
    crash_at_commit(commit)
    try:
        run(world, inbound_id)
        crashed = False
    except Crash:
        crashed = True
    after_stop = recorded(world, inbound_id)
    nothing = {**before, "message": ("received", None)}
    everything = decided_once(inbound_id, after_stop["outbox"])
    assert after_stop in (nothing, everything), after_stop
    assert crashed or after_stop == everything

    again = run(world, inbound_id)  # the message is delivered again (or the sweep sends it)
    assert (again is None) == (after_stop == everything)
    final = recorded(world, inbound_id)
    assert final == decided_once(inbound_id, final["outbox"])
    assert final["outbox"] > before["outbox"]  # the accountant's task, once


def test_a_worker_stopped_after_the_commit_before_the_queue_acknowledged_changes_nothing(
        world: World):  # noqa: F811
    inbound_id = stored_reply(world)
    first = run(world, inbound_id)
    after_first = recorded(world, inbound_id)
    # Dramatiq delivers the unacknowledged message again, to this or another worker.
    assert run(world, inbound_id) is None
    assert recorded(world, inbound_id) == after_first == decided_once(
        inbound_id, after_first["outbox"])
    assert first is not None and first.outbox_ids  # handed on once (the sweep covers a loss)
    with read_session(world.db) as s:
        pending = {i.id for i in s.exec(select(OutboxItem).where(OutboxItem.state == "pending"))}
    assert set(first.outbox_ids) <= pending


def test_two_deliveries_racing_decide_once_the_loser_writes_nothing(world: World):  # noqa: F811
    """The loser passed the rule chain before the winner committed; its transaction finds the
    message done and undoes its own decision."""
    inbound_id = stored_reply(world)
    with write_session(world.db) as s:  # the winner's mark, as seen by the loser's commit
        s.get(InboundMessage, inbound_id).state = "done"
    with read_session(world.db) as s:
        anna = s.get(Task, world.anna_task).assignee_id
        token = s.exec(select(ReplyToken).where(ReplyToken.task_id == world.anna_task)).one()
    with pytest.raises(service.AlreadyReceived):
        service.answer(world.db, world.anna_task, anna, "approve", "", [], utcnow(),
                       evidence={"inbound": inbound_id},
                       receipt=service.Receipt(inbound_id, token.id,
                                               {"state": "done", "outcome": "decided"}))
    with read_session(world.db) as s:
        task = s.get(Task, world.anna_task)
        token = s.get(ReplyToken, token.id)
    assert (task.state, token.used_at) == ("open", None)


def test_a_reading_stopped_by_the_time_limit_counts_and_ends_failed_and_kept(
        world: World):  # noqa: F811
    """Dramatiq's time limit stops a worker with ``TimeLimitExceeded``, a ``BaseException``
    the reading once let through uncounted, so a message too slow to read was read for ever.
    Each stop now counts an attempt and lets go of the message (the next copy may claim it);
    after MAX_ATTEMPTS it is failed, kept for the administrator, and not read again."""
    inbound_id = stored_reply(world)
    stops = []

    def time_limit(_connection) -> None:  # strikes while the answer is being committed
        if stops and stops.pop() == "armed":
            raise TimeLimitExceeded()

    event.listen(world.db, "commit", time_limit)
    try:
        for attempt in range(1, inbound.MAX_ATTEMPTS + 1):
            stops[:] = ["armed", "the claim"]  # popped from the end: the claim commits
            with pytest.raises(TimeLimitExceeded):
                run(world, inbound_id)
            with read_session(world.db) as s:
                row = s.get(InboundMessage, inbound_id)
            assert (row.attempts, row.claimed_at) == (attempt, None)
            assert row.reason.startswith("TimeLimitExceeded")
            assert row.state == ("failed" if attempt == inbound.MAX_ATTEMPTS else "received")
    finally:
        event.remove(world.db, "commit", time_limit)
    assert row.outcome == "error" and row.raw
    assert run(world, inbound_id) is None
    assert recorded(world, inbound_id)["decisions"] == 0
