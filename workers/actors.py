"""Dramatiq actors: thin, idempotent, and they take ids.

Importing this module binds the actors to the broker built from configuration (``REDIS_URL`` or
the embedded Redis); :func:`bind` moves them to another broker.
"""

from __future__ import annotations

import dramatiq

from approvals import clock, dispatch, service
from approvals.config import base_url, keys_dir, trails_dir
from workers import outbox, runtime
from workers.broker import RedisBroker, setup_broker

setup_broker()


@dramatiq.actor(queue_name="outbox", max_retries=outbox.MAX_ATTEMPTS, min_backoff=1000)
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


@dramatiq.actor(queue_name="trails", max_retries=outbox.MAX_ATTEMPTS, min_backoff=5000,
                max_backoff=15 * 60 * 1000)
def render_trail(instance_id: int) -> None:
    """Render, sign and store the trail of a completed instance (idempotent: one signed trail
    per completion; a second delivery finds it stored). A missing key fails with
    ``KeyProblem`` naming the file, recorded on the instance's trail outbox row."""
    from approvals.trail import issue, tsa_url_from_env

    issued = issue.issue(runtime.db(), instance_id, keys_dir=keys_dir(),
                         trails_dir=trails_dir(), now=clock.utcnow(),
                         location=base_url(), tsa_url=tsa_url_from_env(),
                         max_attempts=outbox.MAX_ATTEMPTS)
    dispatch.kick(issued.outbox_ids)


@dramatiq.actor(queue_name="trails", max_retries=3, min_backoff=5000,
                time_limit=2 * 60 * 60 * 1000)
def build_export(export_id: int) -> None:
    """Build an export's ZIP of trails with its CSV index (an export already built is left
    alone; one interrupted is built again from the start)."""
    from approvals.trail import export

    export.build(runtime.db(), export_id, trails_dir(), clock.utcnow)


@dramatiq.actor(queue_name="mail", max_retries=outbox.MAX_ATTEMPTS, min_backoff=5000,
                max_backoff=30 * 60 * 1000)
def send_email(item_id: int) -> None:
    """Send the mail of one ``email`` outbox row (a row already sent is left alone; one the
    relay refuses for good is marked failed; a relay that is down means a retry later)."""
    from mail.config import MailSettings
    from mail.outgoing import send_item

    send_item(runtime.db(), item_id, clock.utcnow(), settings=MailSettings.from_env(),
              base_url=base_url(), secret_key=runtime.secret_key(), trails_dir=trails_dir(),
              max_attempts=outbox.MAX_ATTEMPTS)


@dramatiq.actor(queue_name="mail", max_retries=5, min_backoff=2000)
def handle_inbound(inbound_id: int) -> None:
    """Read one stored inbound message and act on it (a message already processed is left
    alone)."""
    from mail.config import MailSettings
    from mail.inbound import process

    done = process(runtime.db(), inbound_id, clock.utcnow(),
                   settings=MailSettings.from_env(), base_url=base_url())
    if done is not None:
        dispatch.kick(done.outbox_ids)
        dispatch.route([("email", item_id, None) for item_id in done.mail_ids])


ACTORS = [deliver_outbox, fire_timer, render_trail, build_export, send_email, handle_inbound]

# This process hands committed outbox rows to these actors (approvals/dispatch.py).
dispatch.register_delivery(lambda ids: deliver_outbox.send(list(ids)))
dispatch.register_route("trail", lambda _item_id, instance_id: render_trail.send(instance_id))
dispatch.register_route("email", lambda item_id, _instance_id: send_email.send(item_id))
dispatch.register_job("export", build_export.send)


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
