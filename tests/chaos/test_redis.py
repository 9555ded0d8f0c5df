"""Chaos in Redis: a restart with queued and delayed messages, ``kill -9`` of a Redis without
persistence (the queue lost), and Redis down for two minutes while mail retries fall due.

The database is the truth: whatever Redis loses, the scheduler's sweep hands on again once
its grace period (30 s, ``workers.scheduler.GRACE``) has passed.
"""

from __future__ import annotations

import time

import pytest

from tests.chaos.conftest import seconds
from tests.chaos.harness import REVIEWERS
from tests.chaos.scenarios import replies, running, settle

pytestmark = pytest.mark.chaos


def _queues(stack) -> dict[str, int]:
    import redis

    client = redis.Redis.from_url(stack.redis_url)
    try:
        return {key.decode(): client.llen(key) if client.type(key) == b"list"
                else client.zcard(key) if client.type(key) == b"zset" else client.hlen(key)
                for key in client.keys("dramatiq:*") if client.type(key) in
                (b"list", b"zset", b"hash")}
    finally:
        client.close()


def _work_waiting_in_redis(stack) -> None:
    """With the worker stopped: a burst of API decisions (their outbox rows queued), replies
    by SMTP (their reading queued), and delayed messages (the same work again, 20 s later:
    every actor is idempotent)."""
    from workers.actors import bind, deliver_outbox, handle_inbound
    from workers.broker import make_broker

    stack.role("worker").stop()
    stack.burst(stack.review_tasks()[:20])
    stored = []
    for message, sender, to, task_id in replies(stack, REVIEWERS[1])[-5:]:
        stack.send_reply(message, sender, to, task_id)
        stored.append(stack.acks[-1].inbound_id)
    broker = bind(make_broker(stack.redis_url))
    try:
        from sqlmodel import select

        from approvals.store.db import read_session
        from approvals.store.models import OutboxItem

        with read_session(stack.engine) as s:
            pending = list(s.exec(select(OutboxItem.id).where(OutboxItem.state == "pending",
                                                              OutboxItem.kind == "notify")))
        deliver_outbox.send_with_options(args=(pending,), delay=20_000)
        for inbound_id in stored:
            handle_inbound.send_with_options(args=(inbound_id,), delay=20_000)
    finally:
        broker.close()
    waiting = _queues(stack)
    stack.notes.append("in Redis: " + ", ".join(f"{k.removeprefix('dramatiq:')} {n}"
                                                 for k, n in sorted(waiting.items())
                                                 if n and "heartbeat" not in k))
    return waiting


def test_redis_restart_with_queued_and_delayed_messages(stack_factory, verify):
    """Redis (append-only file on) stopped and started again while the worker is down and the
    queues hold immediate and delayed work: it all survives and is done once."""
    stack = stack_factory()
    running(stack, 12)
    _work_waiting_in_redis(stack)
    stack.role("redis").stop()
    time.sleep(2)
    stack.restart("redis")
    kept = _queues(stack)
    stack.notes.append(f"after the restart: {sum(kept.values())} entries in dramatiq keys")
    stack.restart("worker")
    settle(stack, 180)
    verify(stack)


@pytest.mark.chaos_quick
def test_redis_killed_queue_lost(stack_factory, verify):
    """``kill -9`` of a Redis that keeps nothing on disk while the worker is down and the
    queues hold the work: Redis comes back empty, and the sweep hands every pending row and
    stored reply on again after its grace period."""
    stack = stack_factory(redis_persistent=False)
    running(stack, 12)
    _work_waiting_in_redis(stack)
    stack.role("redis").kill9()
    time.sleep(1)
    stack.restart("redis")
    assert not any(n for k, n in _queues(stack).items() if "heartbeat" not in k)
    stack.restart("worker")
    settle(stack, 180)
    verify(stack)


def test_redis_down_while_retries_fire(stack_factory, verify):
    """The relay answers 421 during a burst (every mail row gets a next try 10 s, 20 s, 40 s…
    later), then Redis is killed and stays down for 2 minutes while those tries fall due; the
    relay recovers meanwhile. When Redis is back every mail is sent, once."""
    stack = stack_factory()
    running(stack, 12)
    stack.relay.set_mode("421")
    stack.burst(stack.review_tasks())
    time.sleep(15)  # a couple of tries refused
    stack.role("redis").kill9()
    down = seconds(120, 30)
    time.sleep(down / 2)
    stack.relay.set_mode("accept")
    time.sleep(down / 2)
    stack.notes.append(f"relay refused {stack.relay.refusals} tries; Redis down {down:.0f} s")
    stack.restart("redis")
    settle(stack, 600)
    verify(stack)
