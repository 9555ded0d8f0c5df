"""The periodic sweep (Procfile role ``scheduler``).

Every few seconds it re-enqueues outbox rows still pending after a grace period (a message lost
from Redis, or never sent because Redis was down, loses nothing), enqueues due timers, and
re-enqueues exports left pending or stalled and inbound mail stored but not yet read (a
``trail`` row goes to ``render_trail`` on the ``trails`` queue, an ``email`` row to
``send_email`` on the ``mail`` queue, an export to ``build_export``). The
database says what is due; Redis only carries the work, so running the sweep twice is harmless:
the actors are idempotent.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals import clock, dispatch
from approvals.store.db import write_session
from approvals.store.models import Export, InboundMessage, OutboxItem, Timer
from workers import runtime

log = logging.getLogger(__name__)
GRACE = timedelta(seconds=30)  # an outbox row younger than this is still on its first trip
TIMER_RETRY = timedelta(minutes=2)
BATCH = 500


@dataclass
class SweepReport:
    outbox: int = 0
    timers: int = 0
    exports: int = 0
    inbound: int = 0


def sweep(db: Engine, now: datetime) -> SweepReport:
    """Enqueue what is due; returns how many of each kind were sent."""
    from workers.actors import build_export, deliver_outbox, fire_timer, handle_inbound

    report = SweepReport()
    with write_session(db) as session:
        stale = now - GRACE
        items = session.exec(select(OutboxItem).where(
            OutboxItem.state == "pending", OutboxItem.created_at <= stale,
            or_(OutboxItem.last_attempt_at.is_(None), OutboxItem.last_attempt_at <= stale))
            .order_by(OutboxItem.id).limit(BATCH)).all()
        for item in items:
            item.last_attempt_at = now  # the next sweep waits another grace period
            session.add(item)
        timers = session.exec(select(Timer).where(
            Timer.fired_at.is_(None), Timer.due_at <= now,
            or_(Timer.enqueued_at.is_(None), Timer.enqueued_at <= now - TIMER_RETRY))
            .order_by(Timer.due_at).limit(BATCH)).all()
        for timer in timers:
            timer.enqueued_at = now
            session.add(timer)
        exports = session.exec(select(Export).where(  # lost, or its worker stopped
            Export.state.in_(("pending", "running")), Export.updated_at <= stale)
            .order_by(Export.id).limit(BATCH)).all()
        for export in exports:
            export.updated_at = now
            session.add(export)
        export_ids = [e.id for e in exports]
        # stored by the SMTP server or the IMAP reader while Redis was away (or lost from it);
        # a message still queued is only read once (the actor skips what is done)
        inbound_ids = session.exec(select(InboundMessage.id).where(
            InboundMessage.state == "received", InboundMessage.received_at <= stale,
            or_(InboundMessage.processed_at.is_(None), InboundMessage.processed_at <= stale))
            .order_by(InboundMessage.id).limit(BATCH)).all()
        routed = [(i.kind, i.id, i.instance_id) for i in items if i.kind in dispatch.ROUTED]
        item_ids = [i.id for i in items if i.kind not in dispatch.ROUTED]
        timer_ids = [t.id for t in timers]
    dispatch.route(routed)  # a trail row goes straight to render_trail on the trails queue
    for first in range(0, len(item_ids), 50):
        deliver_outbox.send(item_ids[first:first + 50])
    for timer_id in timer_ids:
        fire_timer.send(timer_id)
    for export_id in export_ids:
        build_export.send(export_id)
    for inbound_id in inbound_ids:
        handle_inbound.send(inbound_id)
    report.inbound = len(inbound_ids)
    report.exports = len(export_ids)
    report.outbox, report.timers = len(item_ids) + len(routed), len(timer_ids)
    return report


def run_forever(interval: float = 5.0) -> None:
    """The scheduler role's loop; an error is logged and the next round tries again."""
    while True:
        try:
            report = sweep(runtime.db(), clock.utcnow())
            if report.outbox or report.timers or report.exports or report.inbound:
                log.info("sweep: re-sent %d outbox rows, %d timers, %d exports, %d inbound "
                         "messages", report.outbox, report.timers, report.exports,
                         report.inbound)
        except Exception:  # noqa: BLE001 - a scheduler that dies stops all timers
            log.exception("sweep failed; retrying in %.0f s", interval)
        time.sleep(interval)
