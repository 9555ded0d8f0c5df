"""After the commit: handing outbox rows to whoever carries them out.

The service writes outbox rows in the same transaction as the change that caused them and
returns their ids; the entry point (a page, the API, an actor) then calls :func:`kick`, and
:func:`route` for rows of a kind that has a carrier of its own (:data:`ROUTED`: a signed trail
is rendered on the ``trails`` queue, a mail sent on the ``mail`` queue, a webhook posted on the
``webhooks`` queue, so a slow render, relay or receiver never delays a decision).

What carries them is registered once per process by the package that owns the transport —
``workers.actors`` (Dramatiq on Redis) registers its actors when it is imported — so the pages
and the service never import the workers. A missing or failing carrier loses nothing: the
rows stay pending in the database, and the scheduler's sweep sends every one again.

What the work *is* is registered the same way by the package that knows it (``mail.work``,
``approvals.trail.work``): the actors look it up by name (:func:`work`) and the delivery of
plain rows by kind (:func:`outbox_handler`), so the workers never import mail or the trail. A
new kind of work (webhooks, say) is a new registration and one actor.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta

log = logging.getLogger(__name__)

#: Outbox kinds carried out (and closed) by their own carrier rather than by the delivery of
#: plain rows; a routed row that reaches the delivery is handed on.
ROUTED = frozenset({"trail", "email", "webhook"})

_delivery: Callable[[list[int]], None] | None = None
_routes: dict[str, Callable[[int, int | None], None]] = {}


def register_delivery(carry: Callable[[list[int]], None]) -> None:
    """``carry(ids)`` takes the ids of committed plain rows, as one unit of work."""
    global _delivery
    _delivery = carry


def register_route(kind: str, carry: Callable[[int, int | None], None]) -> None:
    """``carry(row_id, instance_id)`` takes one committed row of a :data:`ROUTED` kind."""
    if kind not in ROUTED:
        raise ValueError(f"{kind!r} is not a routed outbox kind ({', '.join(sorted(ROUTED))})")
    _routes[kind] = carry


def kick(item_ids: Iterable[int]) -> None:
    """Hand committed outbox rows on, as one message; failing only delays them."""
    ids = list(item_ids)
    if not ids:
        return
    if _delivery is None:
        log.warning("no carrier for outbox rows %s in this process; the sweep will send them",
                    ids)
        return
    try:
        _delivery(ids)
    except Exception:  # noqa: BLE001 - the sweep re-sends what was not handed on
        log.warning("could not hand on outbox rows %s; the sweep will", ids, exc_info=True)


def route(rows: Iterable[tuple[str, int, int | None]]) -> None:
    """Hand (kind, row id, instance id) rows of a routed kind to their carrier: one trail per
    instance, however many trail rows."""
    seen = set()
    for kind, item_id, instance_id in rows:
        key = (kind, instance_id) if kind == "trail" else (kind, item_id)
        if key in seen:
            continue
        seen.add(key)
        carry = _routes.get(kind)
        try:
            if carry is None:
                raise LookupError(f"no carrier for {kind} rows in this process")
            carry(item_id, instance_id)
        except Exception:  # noqa: BLE001 - the sweep re-sends what is still pending
            log.warning("could not hand on %s row %s; the sweep will", kind, item_id,
                        exc_info=True)


#: Work that is not an outbox row but a row of its own, started after its commit (an export
#: of trails); the scheduler's sweep restarts what stays pending.
JOBS = frozenset({"export", "draft"})
_jobs: dict[str, Callable[[int], None]] = {}


def register_job(name: str, carry: Callable[[int], None]) -> None:
    """``carry(row_id)`` starts the job ``name`` for one committed row."""
    if name not in JOBS:
        raise ValueError(f"{name!r} is not a job ({', '.join(sorted(JOBS))})")
    _jobs[name] = carry


def start(name: str, row_id: int) -> None:
    """Start a committed job; failing only delays it."""
    carry = _jobs.get(name)
    try:
        if carry is None:
            raise LookupError(f"no carrier for {name} jobs in this process")
        carry(row_id)
    except Exception:  # noqa: BLE001 - the sweep restarts what is still pending
        log.warning("could not start %s %s; the sweep will", name, row_id, exc_info=True)


#: How many times a row or job is tried before it is marked failed for good (a mail row is
#: not: a relay that is away only delays it, see :mod:`mail.outgoing`).
MAX_ATTEMPTS = 10

#: One carrier at a time for a mail row and an inbound message: the worker claims the row
#: before the work and lets go after it. Dramatiq stops a try that outlives its time limit;
#: a claim lapses after its lease, which is longer, so a claim is never taken over while the
#: try holding it may still run, and one held by a worker killed outright lapses on its own.
MAIL_TIME_LIMIT = timedelta(minutes=2)  # one SMTP conversation, 30 s per step (mail.send)
MAIL_LEASE = timedelta(minutes=5)
INBOUND_TIME_LIMIT = timedelta(minutes=5)  # reading a reply is bounded and linear
INBOUND_LEASE = timedelta(minutes=10)
TRAIL_TIME_LIMIT = timedelta(minutes=10)  # render and sign one signed trail
TRAIL_LEASE = timedelta(minutes=15)
DRAFT_TIME_LIMIT = timedelta(minutes=5)  # render one provisional trail a reader asked for
DRAFT_LEASE = timedelta(minutes=6)
#: A webhook delivery sends the due messages of one endpoint in order (10 s per request at
#: most, a few dozen at a time): the endpoint and each message are held for the lease.
WEBHOOK_TIME_LIMIT = timedelta(minutes=5)
WEBHOOK_LEASE = timedelta(minutes=6)

#: What a worker carries out, by name, registered by the package that knows how: the mail
#: package ``email`` (send one mail row) and ``inbound`` (read one stored reply), the trail
#: ``trail`` (render and sign one instance's trail) and ``export``; and, by outbox kind, what
#: a row becomes inside the delivery's transaction (``notify``). The workers only carry.
_work: dict[str, Callable] = {}
_outbox_handlers: dict[str, Callable] = {}
_outbox_batch_handlers: dict[str, Callable] = {}


def register_work(name: str, carry_out: Callable) -> None:
    """``carry_out(db, row_id, now)`` does the work ``name`` for one row."""
    _work[name] = carry_out


def work(name: str) -> Callable:
    try:
        return _work[name]
    except KeyError:
        raise LookupError(f"nothing in this process carries out {name!r} work: its package "
                          "was not imported (see `signoff worker`)") from None


def register_outbox_handler(kind: str, handle: Callable, many: Callable | None = None) -> None:
    """``handle(session, row, now)`` carries out an outbox row of ``kind`` in the delivery's
    transaction and returns the rows it creates. ``many(session, rows, now)``, if given, does
    the same for several rows at once (each with ``id``, ``kind``, ``instance_id`` and
    ``payload``) and returns the (kind, id, instance id) of the rows it creates: the delivery
    then carries out waiting rows of this kind in batches (:mod:`workers.outbox`)."""
    _outbox_handlers[kind] = handle
    if many is not None:
        _outbox_batch_handlers[kind] = many
    else:
        _outbox_batch_handlers.pop(kind, None)


def outbox_handler(kind: str) -> Callable | None:
    return _outbox_handlers.get(kind)


def outbox_batch_handler(kind: str) -> Callable | None:
    return _outbox_batch_handlers.get(kind)


def outbox_batch_kinds() -> frozenset[str]:
    return frozenset(_outbox_batch_handlers)
