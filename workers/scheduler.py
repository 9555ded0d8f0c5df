"""The periodic sweep (Procfile role ``scheduler``).

Every few seconds it re-enqueues outbox rows still pending after a grace period (a message lost
from Redis, or never sent because Redis was down, loses nothing), enqueues due timers, and
re-enqueues exports left pending or stalled and inbound mail stored but not yet read (a
``trail`` row goes to ``render_trail`` on the ``trails`` queue, an ``email`` row to
``send_email`` on the ``mail`` queue, a ``webhook`` row to ``send_webhook`` on the ``webhooks``
queue, an export to ``build_export``). The
database says what is due; Redis only carries the work.

It never puts a second copy of one piece of work in flight: an outbox row or an inbound
message is handed on only when nobody holds it (no claim, or the claim's lease lapsed: its
worker died), it is due (a mail row's ``next_attempt_at``, set by its last failed try, has
come) and no queue was handed it within :data:`GRACE` (one never handed on: stored longer
ago) — and it is marked queued in the same transaction. So a mail row has one chain of tries,
scheduled by the row; a copy that still reaches a worker twice finds the row held or done.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals import clock, dispatch, extensions
from approvals.store.db import write_session
from approvals.store.models import Export, InboundMessage, OutboxItem, Timer, TrailDraft
from workers import runtime

log = logging.getLogger(__name__)
GRACE = timedelta(seconds=30)  # work handed to a queue this recently is still on its trip
TIMER_RETRY = timedelta(minutes=2)
BATCH = 500


@dataclass
class SweepReport:
    outbox: int = 0
    timers: int = 0
    exports: int = 0
    inbound: int = 0
    drafts: int = 0


def sweep(db: Engine, now: datetime) -> SweepReport:
    """Enqueue what is due; returns how many of each kind were sent."""
    from workers.actors import (
        build_export,
        deliver_outbox,
        fire_timer,
        handle_inbound,
        render_draft,
    )

    report = SweepReport()
    with write_session(db) as session:
        stale = now - GRACE
        items = session.exec(select(OutboxItem).where(
            OutboxItem.state == "pending",
            *_free(OutboxItem, OutboxItem.created_at, now, dispatch.MAIL_LEASE,
                   {"trail": dispatch.TRAIL_LEASE, "webhook": dispatch.WEBHOOK_LEASE}),
            or_(OutboxItem.next_attempt_at.is_(None), OutboxItem.next_attempt_at <= now),
            # a plain or trail row tried within the grace period is retried by its actor; a
            # mail or webhook row says itself when it is due (next_attempt_at)
            or_(OutboxItem.kind.in_(("email", "webhook")), OutboxItem.last_attempt_at.is_(None),
                OutboxItem.last_attempt_at <= stale))
            .order_by(OutboxItem.id).limit(BATCH).with_for_update(skip_locked=True)).all()
        for item in items:
            item.queued_at = now  # the next sweep waits another grace period
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
        # stored by the SMTP server or the IMAP reader while Redis was away (or lost from it),
        # or let go after a failed reading (tried again a grace period later)
        inbound_ids = session.exec(select(InboundMessage.id).where(
            InboundMessage.state == "received",
            *_free(InboundMessage, InboundMessage.received_at, now, dispatch.INBOUND_LEASE),
            or_(InboundMessage.processed_at.is_(None), InboundMessage.processed_at <= stale))
            .order_by(InboundMessage.id).limit(BATCH).with_for_update(skip_locked=True)).all()
        if inbound_ids:
            session.connection().execute(update(InboundMessage.__table__).where(
                InboundMessage.__table__.c.id.in_(inbound_ids)).values(queued_at=now))
        # provisional trails a reader asked for and no worker holds (lost, or let go)
        draft_ids = session.exec(select(TrailDraft.id).where(
            TrailDraft.state == "pending",
            *_free(TrailDraft, TrailDraft.requested_at, now, dispatch.DRAFT_LEASE))
            .order_by(TrailDraft.id).limit(BATCH).with_for_update(skip_locked=True)).all()
        if draft_ids:
            session.connection().execute(update(TrailDraft.__table__).where(
                TrailDraft.__table__.c.id.in_(draft_ids)).values(queued_at=now))
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
    for draft_id in draft_ids:
        render_draft.send(draft_id)
    report.drafts = len(draft_ids)
    report.inbound = len(inbound_ids)
    report.exports = len(export_ids)
    report.outbox, report.timers = len(item_ids) + len(routed), len(timer_ids)
    return report


def _free(model, stored_at, now: datetime, lease: timedelta,
          leases: dict[str, timedelta] | None = None) -> tuple:
    """The conditions of a row nobody holds and no queue carries: no claim, or one whose lease
    lapsed (``leases`` by outbox kind, else ``lease``); not handed to a queue within
    :data:`GRACE` (never handed on: ``stored_at`` is older than that, the first trip had its
    time)."""
    stale = now - GRACE
    lapsed = model.claimed_at < now - lease
    if leases:
        lapsed = or_(*(and_(model.kind == kind, model.claimed_at < now - held)
                       for kind, held in leases.items()),
                     and_(model.kind.not_in(list(leases)), lapsed))
    return (or_(model.claimed_at.is_(None), lapsed),
            or_(model.queued_at <= stale,
                and_(model.queued_at.is_(None), stored_at <= stale)))


_jobs_ran: dict[str, datetime] = {}  # a package's job -> when this scheduler last ran it


def run_jobs(db: Engine, now: datetime) -> list[str]:
    """Run each package's periodic job (:func:`approvals.extensions.job`, HR's ``hr.daily``)
    that has not run in this process for :data:`~approvals.extensions.JOB_INTERVAL`; returns
    the names run. Jobs are idempotent (they act on rows due by ``now``), so a restart that
    runs one early, or a second scheduler running it too, changes nothing; one that fails is
    logged and tried again next interval, and never stops the sweep."""
    ran = []
    for name, job in extensions.jobs().items():
        last = _jobs_ran.get(name)
        if last is not None and now - last < extensions.JOB_INTERVAL:
            continue
        _jobs_ran[name] = now
        try:
            job(db, now)
        except Exception:  # noqa: BLE001 - one package's failure must not stop the timers
            log.exception("job %s failed; it runs again in %s", name, extensions.JOB_INTERVAL)
            continue
        ran.append(name)
    return ran


def run_forever(interval: float = 5.0) -> None:
    """The scheduler role's loop; an error is logged and the next round tries again."""
    while True:
        try:
            report = sweep(runtime.db(), clock.utcnow())
            run_jobs(runtime.db(), clock.utcnow())
            if report.outbox or report.timers or report.exports or report.inbound or \
                    report.drafts:
                log.info("sweep: re-sent %d outbox rows, %d timers, %d exports, %d inbound "
                         "messages, %d provisional trails", report.outbox, report.timers,
                         report.exports, report.inbound, report.drafts)
        except Exception:  # noqa: BLE001 - a scheduler that dies stops all timers
            log.exception("sweep failed; retrying in %.0f s", interval)
        time.sleep(interval)
