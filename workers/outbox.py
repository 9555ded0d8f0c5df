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

**In batches.** A delivery takes the database's write lock once for many rows: besides the
rows of its own command it carries out the oldest other rows waiting (up to
:data:`TAKE_ALONG`, never tried yet, of a kind whose package registered a handler for many
rows at once, e.g. ``notify``), with a few multi-row statements instead of an ORM flush per
row. Under load one transaction thus serves many commands, whose own messages then find their
rows done — first with a read, without waiting for the write lock. On PostgreSQL the rows taken
along are locked ``SKIP LOCKED``, so two workers never wait for each other's; on SQLite the
write lock serialises deliveries anyway. If anything in the batch fails, the transaction is
rolled back and the delivery's own rows are carried out one by one, each in a savepoint, so a
failure stays on its row (the rows taken along are left to their own messages).
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import bindparam, exc, update
from sqlalchemy import select as core_select
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals import dispatch
from approvals.store.db import read_session, write_session
from approvals.store.models import OutboxItem

log = logging.getLogger(__name__)
MAX_ATTEMPTS = dispatch.MAX_ATTEMPTS
#: How many other waiting rows a delivery carries out along with its own, oldest first: enough
#: that one write transaction serves a burst of commands, few enough that it holds the write
#: lock for milliseconds, not seconds (SQLite: decisions wait for it meanwhile).
TAKE_ALONG = 100
_OUTBOX = OutboxItem.__table__
_IDS = bindparam("ids", expanding=True)
#: Built once: which of these rows still wait; our rows (locked); rows to take along.
_ANY_PENDING = (core_select(_OUTBOX.c.id)
                .where(_OUTBOX.c.id.in_(_IDS), _OUTBOX.c.state == "pending").limit(1))
_COLUMNS = (_OUTBOX.c.id, _OUTBOX.c.kind, _OUTBOX.c.instance_id, _OUTBOX.c.payload)
_OURS = (core_select(*_COLUMNS).where(_OUTBOX.c.id.in_(_IDS), _OUTBOX.c.state == "pending")
         .order_by(_OUTBOX.c.id).with_for_update())
_WAITING = (core_select(*_COLUMNS).where(
    _OUTBOX.c.state == "pending", _OUTBOX.c.attempts == 0,
    _OUTBOX.c.kind.in_(bindparam("kinds", expanding=True)), _OUTBOX.c.id.not_in(_IDS))
    .order_by(_OUTBOX.c.id).limit(bindparam("take")).with_for_update(skip_locked=True))
_DONE = update(_OUTBOX).where(_OUTBOX.c.id.in_(_IDS), _OUTBOX.c.state == "pending").values(
    state="done", done_at=bindparam("now"), last_error=None, last_attempt_at=bindparam("now"),
    attempts=_OUTBOX.c.attempts + 1)


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
    if not item_ids or not _any_pending(db, item_ids):
        return 0  # carried out already (taken along by another delivery): no write lock
    try:
        return _deliver_many(db, item_ids, now)
    except (_HandlerFailed, exc.IntegrityError):
        # Nothing was kept: go again with each of our rows in its own savepoint, so the
        # failure is recorded on its row and the others still go through.
        return _deliver_one_by_one(db, item_ids, now)


def _any_pending(db: Engine, item_ids: list[int]) -> bool:
    """Whether any of the rows still waits (a read: a row once done or failed stays so until
    an administrator sends it again, which hands it on anew)."""
    with read_session(db) as session:
        return session.connection().execute(_ANY_PENDING, {"ids": item_ids}).first() is not None


def _deliver_many(db: Engine, item_ids: list[int], now: datetime) -> int:
    """Our rows and up to :data:`TAKE_ALONG` other waiting ones, in one transaction: each kind's
    rows handed to its handler together (one by one for a kind without a handler for many),
    then all marked done with one statement. Any failure raises, and the caller starts again
    row by row."""
    routed, done_ids, ours = [], [], set(item_ids)
    with write_session(db) as session:
        connection = session.connection()
        rows = list(connection.execute(_OURS, {"ids": item_ids}))
        many_kinds = dispatch.outbox_batch_kinds()
        if rows and many_kinds and TAKE_ALONG:
            rows += connection.execute(_WAITING, {"ids": item_ids, "kinds": sorted(many_kinds),
                                                  "take": TAKE_ALONG})
        by_kind: dict[str, list] = {}
        for row in rows:
            if row.kind in dispatch.ROUTED:  # carried out (and closed) by its own carrier
                routed.append((row.kind, row.id, row.instance_id))
            else:
                by_kind.setdefault(row.kind, []).append(row)
        for kind, kind_rows in by_kind.items():
            try:
                routed.extend(_handle(session, kind, kind_rows, now))
            except Exception as error:  # noqa: BLE001 - retried row by row
                raise _HandlerFailed() from error
            done_ids.extend(row.id for row in kind_rows)
        if done_ids:
            connection.execute(_DONE, {"ids": done_ids, "now": now})
    dispatch.route(routed)
    return sum(1 for item_id in done_ids if item_id in ours)


def _handle(session, kind: str, rows: list, now: datetime) -> list[tuple[str, int, int | None]]:
    """Carry out rows of one kind; returns the routed rows they created."""
    many = dispatch.outbox_batch_handler(kind)
    if many is not None:
        return many(session, rows, now)
    handler = dispatch.outbox_handler(kind)
    if handler is None:
        raise LookupError(f"no handler for outbox kind {kind!r}")
    created = []
    for row in rows:
        created.extend((new.kind, new.id, new.instance_id)
                       for new in handler(session, session.get(OutboxItem, row.id), now))
    session.flush()
    return created


class _HandlerFailed(Exception):
    """A handler failed while rows were carried out without savepoints."""


def _deliver_one_by_one(db: Engine, item_ids: list[int], now: datetime) -> int:
    """Our rows, each in its own savepoint: a row whose handler fails keeps its attempt and
    error (and is marked ``failed`` after :data:`MAX_ATTEMPTS`), the others go through."""
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
            try:
                with session.begin_nested():
                    created = _handle(session, item.kind, [item], now)
                routed.extend(created)
            except Exception as error:  # noqa: BLE001 - recorded on the row, then re-raised
                item.last_error = f"{type(error).__name__}: {error}"[:2000]
                no_handler = (dispatch.outbox_handler(item.kind) is None
                              and dispatch.outbox_batch_handler(item.kind) is None)
                if no_handler or item.attempts >= MAX_ATTEMPTS:
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
