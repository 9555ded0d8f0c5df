"""Carrying out outbox rows, and handing them to the workers.

An outbox row is written in the same transaction as the state change that caused it. After
the commit the entry point calls :func:`kick`; if Redis is down or the message is lost, the
scheduler's sweep sends it again. :func:`deliver` is idempotent: a row already done is left
alone, and the notification it creates is unique per (row, person). A ``trail`` row is only
handed on to the ``render_trail`` actor (see :data:`ROUTES`), which closes it once the signed
trail is stored.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import exc
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals.db import write_session
from approvals.models import Notification, OutboxItem

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 10


def deliver(db: Engine, item_id: int, now: datetime) -> bool:
    """Carry out one outbox row; returns False when it was already done (or is unknown)."""
    return deliver_batch(db, [item_id], now) == 1


def deliver_batch(db: Engine, item_ids: list[int], now: datetime) -> int:
    """Carry out outbox rows in one transaction (the rows of one command travel together, so
    the worker takes the database's write lock once, not once per row).

    Returns how many rows this call carried out. A row whose handler fails keeps its attempt
    and error for the administrator while the others go through; the call then raises so that
    Dramatiq retries (rows already done are skipped), until a row fails ``MAX_ATTEMPTS`` times
    and is marked ``failed``.
    """
    try:
        return _deliver(db, item_ids, now, isolate=False)
    except (_HandlerFailed, exc.IntegrityError):
        # Nothing was kept: go again with each row in its own savepoint, so the failure is
        # recorded on its row and the others still go through.
        return _deliver(db, item_ids, now, isolate=True)


class _HandlerFailed(Exception):
    """A handler failed while rows were carried out without savepoints."""


def _deliver(db: Engine, item_ids: list[int], now: datetime, isolate: bool) -> int:
    done, failures, routed = 0, [], []
    with write_session(db) as session:
        # Locked, so a second delivery of the same ids waits for the first and then finds
        # them done (SQLite's BEGIN IMMEDIATE already serialises writers).
        items = session.exec(select(OutboxItem).where(OutboxItem.id.in_(item_ids))
                             .order_by(OutboxItem.id).with_for_update()).all()
        for item in items:
            if item.state != "pending":
                continue
            if item.kind in ROUTES:  # carried out (and closed) by its own actor
                routed.append((item.kind, item.instance_id))
                continue
            item.attempts += 1
            item.last_attempt_at = now
            handler = HANDLERS.get(item.kind)
            try:
                if handler is None:
                    raise LookupError(f"no handler for outbox kind {item.kind!r}")
                if isolate:
                    with session.begin_nested():
                        handler(session, item, now)
                else:
                    try:
                        handler(session, item, now)
                    except Exception as error:  # noqa: BLE001 - retried row by row
                        raise _HandlerFailed() from error
            except _HandlerFailed:
                raise
            except Exception as error:  # noqa: BLE001 - recorded on the row, then re-raised
                item.last_error = f"{type(error).__name__}: {error}"[:2000]
                if handler is None or item.attempts >= MAX_ATTEMPTS:
                    item.state = "failed"
                log.error("outbox %s attempt %d failed: %s", item.id, item.attempts,
                          item.last_error)
                if item.state != "failed":
                    failures.append(error)
            else:
                item.state, item.done_at, item.last_error = "done", now, None
                done += 1
            session.add(item)
    route(routed)
    if failures:
        raise failures[0]
    return done


def _notify(session, item: OutboxItem, now: datetime) -> None:
    payload = item.payload
    params = payload.get("params", {})
    session.add(Notification(outbox_item_id=item.id, person_id=payload["person"],
                             instance_id=item.instance_id, task_id=params.get("task"),
                             template=payload["template"], params=params, created_at=now))


HANDLERS = {"notify": _notify}


def _send_trail(instance_id: int) -> None:
    from workers.actors import render_trail

    render_trail.send(instance_id)


#: Outbox kinds carried out by an actor on another queue, which closes the row itself when
#: the work is really done: a trail is rendered on the ``trails`` queue, so a slow render
#: never delays a notification (or a decision). The row's id may reach ``deliver_outbox``
#: (``kick`` does not know kinds); it is handed on from there.
ROUTES = {"trail": _send_trail}


def route(rows: list[tuple[str, int | None]]) -> None:
    """Hand (kind, instance id) rows of a routed kind to their actor, once per instance."""
    for kind, instance_id in dict.fromkeys(rows):
        try:
            ROUTES[kind](instance_id)
        except Exception:  # noqa: BLE001 - the sweep re-sends what is still pending
            log.warning("could not enqueue %s of instance %s; the sweep will", kind,
                        instance_id, exc_info=True)


def kick(item_ids: list[int]) -> None:
    """Enqueue delivery of committed outbox rows, as one message; a Redis failure only
    delays them (the scheduler's sweep re-sends what is still pending)."""
    if not item_ids:
        return
    from workers.actors import deliver_outbox

    try:
        deliver_outbox.send(list(item_ids))
    except Exception:  # noqa: BLE001 - the sweep re-sends what was not enqueued
        log.warning("could not enqueue outbox rows %s; the sweep will", item_ids,
                    exc_info=True)
