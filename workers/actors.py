"""Dramatiq actors: thin, idempotent, and they take ids.

Importing this module binds the actors to the broker built from configuration (``REDIS_URL`` or
the embedded Redis); ``workers.broker.bind`` moves them to another broker.
"""

from __future__ import annotations

import dramatiq

from approvals import service
from workers import outbox, runtime
from workers.broker import setup_broker

setup_broker()


@dramatiq.actor(queue_name="outbox", max_retries=outbox.MAX_ATTEMPTS, min_backoff=1000)
def deliver_outbox(item_ids: int | list[int]) -> None:
    """Carry out outbox rows, one id or the ids of one command (a second delivery of the same
    ids does nothing)."""
    ids = [item_ids] if isinstance(item_ids, int) else list(item_ids)
    outbox.deliver_batch(runtime.db(), ids, runtime.utcnow())


@dramatiq.actor(queue_name="timers", max_retries=5, min_backoff=1000)
def fire_timer(timer_id: int) -> None:
    """Act on a due timer; a timer already fired is left alone."""
    result = service.fire_timer(runtime.db(), timer_id, runtime.utcnow())
    if result is not None:
        outbox.kick(result.outbox_ids)


ACTORS = [deliver_outbox, fire_timer]
