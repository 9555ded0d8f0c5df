"""Carrying out outbox rows, and handing them to the workers.

An outbox row is written in the same transaction as the state change that caused it. After
the commit the entry point calls :func:`approvals.dispatch.kick`, which reaches
``deliver_outbox`` here; if Redis is down or the message is lost, the scheduler's sweep sends
it again. :func:`deliver` is idempotent: a row already done is left
alone, and the notification it creates is unique per (row, person).

A row is carried out by the handler its kind's package registered (``notify``: the mail
package's, which makes the person's notification and the ``email`` row that mails it, with the
reply token of a task mail); ``email`` and ``trail`` rows are only handed on to
their actors on other queues (:data:`approvals.dispatch.ROUTED`), which close them once the
mail is sent or the signed trail stored: a slow relay or render never delays a decision.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import exc
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals import dispatch
from approvals.store.db import write_session
from approvals.store.models import OutboxItem

log = logging.getLogger(__name__)
MAX_ATTEMPTS = dispatch.MAX_ATTEMPTS


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
            if item.kind in dispatch.ROUTED:  # carried out (and closed) by its own carrier
                routed.append((item.kind, item.id, item.instance_id))
                continue
            item.attempts += 1
            item.last_attempt_at = now
            handler = dispatch.outbox_handler(item.kind)
            try:
                if handler is None:
                    raise LookupError(f"no handler for outbox kind {item.kind!r}")
                if isolate:
                    with session.begin_nested():
                        created = handler(session, item, now)
                else:
                    try:
                        created = handler(session, item, now)
                    except Exception as error:  # noqa: BLE001 - retried row by row
                        raise _HandlerFailed() from error
                routed.extend((new.kind, new.id, new.instance_id) for new in created)
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
    dispatch.route(routed)
    if failures:
        raise failures[0]
    return done
