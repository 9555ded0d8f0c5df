"""Dramatiq actors: thin, idempotent, and they take ids. They carry work; what the work is,
the package that owns it registered with :mod:`approvals.dispatch` (``mail.work``,
``approvals.trail.work``: ``signoff worker`` imports them with this module).

Importing this module binds the actors to the broker built from configuration (``REDIS_URL`` or
the embedded Redis); :func:`bind` moves them to another broker.
"""

from __future__ import annotations

import dramatiq

from approvals import clock, dispatch, service
from approvals.core.errors import ConcurrentUpdate
from workers import outbox, runtime, webhooks
from workers.broker import RedisBroker, setup_broker
from workers.handoff import Handoff

setup_broker()


@dramatiq.actor(queue_name="outbox", max_retries=dispatch.MAX_ATTEMPTS, min_backoff=1000)
def deliver_outbox(item_ids: int | list[int]) -> None:
    """Carry out outbox rows, one id or the ids of one command (a second delivery of the same
    ids does nothing)."""
    ids = [item_ids] if isinstance(item_ids, int) else list(item_ids)
    outbox.deliver_batch(runtime.db(), ids, clock.utcnow())


@dramatiq.actor(queue_name="timers", max_retries=5, min_backoff=1000)
def fire_timer(timer_id: int) -> None:
    """Act on a due timer; a timer already fired is left alone."""
    result = service.fire_timer(runtime.db(), timer_id, clock.utcnow())
    if result is not None:
        dispatch.kick(result.outbox_ids)


@dramatiq.actor(queue_name="trails", max_retries=dispatch.MAX_ATTEMPTS, min_backoff=5000,
                max_backoff=15 * 60 * 1000,
                time_limit=int(dispatch.TRAIL_TIME_LIMIT.total_seconds() * 1000))
def render_trail(instance_id: int) -> None:
    """Render, sign and store the trail of a completed instance (the trail's ``trail`` work;
    idempotent: one signed trail per completion)."""
    dispatch.kick(dispatch.work("trail")(runtime.db(), instance_id, clock.utcnow()))


@dramatiq.actor(queue_name="trails", max_retries=3, min_backoff=5000,
                time_limit=2 * 60 * 60 * 1000)
def build_export(export_id: int) -> None:
    """Build an export's ZIP of trails with its CSV index (the trail's ``export`` work)."""
    dispatch.work("export")(runtime.db(), export_id, clock.utcnow())


@dramatiq.actor(queue_name="trails", max_retries=2, min_backoff=5000,
                time_limit=int(dispatch.DRAFT_TIME_LIMIT.total_seconds() * 1000))
def render_draft(draft_id: int) -> None:
    """Render the provisional trail of a running instance a reader asked for (the trail's
    ``draft`` work; a time limit counts as a failed attempt on the draft)."""
    dispatch.work("draft")(runtime.db(), draft_id, clock.utcnow())


def _ms(limit) -> int:
    return int(limit.total_seconds() * 1000)


@dramatiq.actor(queue_name="mail", max_retries=0, time_limit=_ms(dispatch.MAIL_TIME_LIMIT))
def send_email(item_id: int) -> None:
    """Try once to send the mail of one ``email`` outbox row (the mail package's ``email``
    work; a row already sent, held by another worker or not due is left alone). No Dramatiq
    retries: a failed try writes on the row when the next is due, and the sweep hands it on
    then, so each row has one chain of tries however long the relay is away."""
    dispatch.work("email")(runtime.db(), item_id, clock.utcnow())


@dramatiq.actor(queue_name="webhooks", max_retries=0,
                time_limit=_ms(dispatch.WEBHOOK_TIME_LIMIT))
def send_webhook(item_id: int) -> None:
    """Post the due messages of the endpoint of one ``webhook`` outbox row, that one among
    them, oldest first (:mod:`workers.webhooks`; an endpoint another worker sends to is left
    to it). No Dramatiq retries: a failed try writes on the row when the next is due, and the
    sweep hands it on then."""
    webhooks.deliver(runtime.db(), item_id, clock.utcnow())


def _a_race(retries: int, error: BaseException) -> bool:
    """Only a reply that lost a race with a decision made meanwhile is tried again at once;
    any other failure is counted on the message, and the sweep tries it again."""
    return isinstance(error, ConcurrentUpdate) and retries < 5


@dramatiq.actor(queue_name="mail", retry_when=_a_race, min_backoff=2000,
                time_limit=_ms(dispatch.INBOUND_TIME_LIMIT))
def handle_inbound(inbound_id: int) -> None:
    """Read one stored inbound message and act on it (the mail package's ``inbound`` work; a
    message already processed, or held by another worker, is left alone)."""
    done = dispatch.work("inbound")(runtime.db(), inbound_id, clock.utcnow())
    if done is not None:
        dispatch.kick(done.outbox_ids)
        dispatch.route([("email", item_id, None) for item_id in done.mail_ids])


ACTORS = [deliver_outbox, fire_timer, render_trail, build_export, render_draft, send_email,
          handle_inbound, send_webhook]

# This process hands committed outbox rows to these actors (approvals/dispatch.py); plain rows
# in batches, off the caller's path (workers/handoff.py).
handoff = Handoff(lambda ids: deliver_outbox.send(ids))
dispatch.register_delivery(handoff.put)
dispatch.register_route("trail", lambda _item_id, instance_id: render_trail.send(instance_id))
dispatch.register_route("email", lambda item_id, _instance_id: send_email.send(item_id))
dispatch.register_route("webhook", lambda item_id, _instance_id: send_webhook.send(item_id))
dispatch.register_job("export", build_export.send)
dispatch.register_job("draft", render_draft.send)


def bind(broker: RedisBroker) -> RedisBroker:
    """Move every Signoff actor onto ``broker`` and make it the global one.

    Actors are bound to a broker when declared; tests (and any process that learns its Redis
    URL only after import) call this instead of re-importing the actor modules.
    """
    dramatiq.set_broker(broker)
    for actor in ACTORS:
        actor.broker = broker
        broker.declare_actor(actor)
    return broker
