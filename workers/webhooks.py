"""Posting ``webhook`` outbox rows to their endpoints, signed as Standard Webhooks says.

The service writes one row per (event, endpoint) in the command's transaction; the row holds
the message's id and its body, so every try sends the same ``webhook-id`` and the same bytes,
with the try's own ``webhook-timestamp`` and signature (:mod:`approvals.store.webhooks`).

One sender per endpoint. A delivery first holds the *endpoint* (``sending_since``, a lease)
and then sends its due messages oldest first, each claimed on its row as a mail row is
(:mod:`mail.outgoing`), so the messages of one command arrive in the order they were recorded
and two workers never post the same message at once. A copy of the work that finds the
endpoint held leaves the row to the holder, which looks again for due messages after it lets
go. A try that fails ends the round: the other messages wait for the scheduler's sweep rather
than knock on an endpoint that is down.

A try is one POST, ``content-type: application/json``, to the address the URL's host was
checked to resolve to (:func:`approvals.records.webhooks.resolve`: the name is looked up and
checked on every try, never looked up again to connect), :data:`TIMEOUT` seconds per step,
no redirect followed, and a line in the endpoint's delivery log (:class:`WebhookAttempt`).
What comes back decides:

- ``2xx``: delivered;
- ``410 Gone``: the receiver wants no more — the message fails and the endpoint is disabled;
- anything else (3xx, 4xx, 5xx, a timeout, a refused connection, a refused address, a TLS
  error): tried again after :func:`approvals.core.webhooks.backoff` (5 s, 5 min, 30 min, 2 h,
  5 h, 10 h…, a little jitter added, longer when the answer says ``Retry-After``), until the
  next try would come more than a day after the message was made: then it fails. An
  administrator can send it again from ``/admin/webhooks``.

No transaction is open while the endpoint is talked to.
"""

from __future__ import annotations

import http.client
import logging
import secrets
import socket
import ssl
import time
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.engine import Engine

from approvals import dispatch
from approvals.core.webhooks import LIFETIME, SCHEDULE, backoff, signature_header
from approvals.records.webhooks import KIND, Refused, Target, resolve, secrets_in_force
from approvals.store.db import read_session, write_session
from approvals.store.models import OutboxItem, WebhookAttempt, WebhookEndpoint

log = logging.getLogger(__name__)

TIMEOUT = 10.0  # seconds per step: connecting, sending, each read of the answer
EXCERPT = 1000  # characters of the answer kept in the log
BATCH = 25  # messages one round sends before it lets the endpoint go
ROUNDS = 4  # rounds one delivery makes while messages keep coming
LEASE = dispatch.WEBHOOK_LEASE
USER_AGENT = "Signoff-Webhooks/1"
_OUTBOX, _ENDPOINTS = OutboxItem.__table__, WebhookEndpoint.__table__
_ENDPOINT_OF = _OUTBOX.c.payload["endpoint"].as_integer()
_TLS = ssl.create_default_context()


def deliver(db: Engine, item_id: int, now: datetime) -> dict[int, str]:
    """Deliver the due messages of the endpoint of row ``item_id``, that one among them
    (see the module's docstring); returns what became of each row tried — ``delivered``,
    ``deferred`` or ``failed`` (empty: nothing was due, or another worker sends to it)."""
    with read_session(db) as session:
        item = session.get(OutboxItem, item_id)
        if item is None or item.kind != KIND or item.state != "pending":
            return {}
        endpoint_id = int(item.payload["endpoint"])
    started = time.monotonic()

    def clock() -> datetime:  # ``now`` moved on by the time the delivery has taken
        return now + timedelta(seconds=time.monotonic() - started)

    outcomes: dict[int, str] = {}
    for _round in range(ROUNDS):
        held = _hold(db, endpoint_id, clock())
        if held is None:
            break
        try:
            stopped = _send_due(db, held, clock, outcomes)
        finally:
            _let_go(db, endpoint_id, held.sending_since)
        if stopped or not _due(db, endpoint_id, clock(), 1):
            break
    return outcomes


def _hold(db: Engine, endpoint_id: int, at: datetime) -> WebhookEndpoint | None:
    """The endpoint, held by this delivery; None when another holds it, or when it is gone or
    disabled (its waiting messages then fail, all at once: an administrator may send them
    again)."""
    with write_session(db) as session:
        endpoint = session.get(WebhookEndpoint, endpoint_id, with_for_update=True)
        if endpoint is None or not endpoint.active:
            why = "the endpoint was deleted" if endpoint is None else "the endpoint is disabled"
            session.connection().execute(update(_OUTBOX).where(
                _OUTBOX.c.kind == KIND, _OUTBOX.c.state == "pending",
                _ENDPOINT_OF == endpoint_id).values(
                state="failed", last_error=why, claimed_at=None, next_attempt_at=None))
            return None
        if endpoint.sending_since is not None and endpoint.sending_since >= at - LEASE:
            return None
        endpoint.sending_since = at
        session.add(endpoint)
        return endpoint


def _let_go(db: Engine, endpoint_id: int, since: datetime) -> None:
    with write_session(db) as session:
        session.connection().execute(update(_ENDPOINTS).where(
            _ENDPOINTS.c.id == endpoint_id, _ENDPOINTS.c.sending_since == since)
            .values(sending_since=None))


def _due(db: Engine, endpoint_id: int, at: datetime, limit: int) -> list[int]:
    """The endpoint's messages due at ``at`` that nobody holds, oldest first."""
    with read_session(db) as session:
        return list(session.connection().execute(select(_OUTBOX.c.id).where(
            _OUTBOX.c.kind == KIND, _OUTBOX.c.state == "pending", _ENDPOINT_OF == endpoint_id,
            or_(_OUTBOX.c.claimed_at.is_(None), _OUTBOX.c.claimed_at < at - LEASE),
            or_(_OUTBOX.c.next_attempt_at.is_(None), _OUTBOX.c.next_attempt_at <= at))
            .order_by(_OUTBOX.c.id).limit(limit)).scalars())


def _claim(db: Engine, item_id: int, at: datetime) -> bool:
    with write_session(db) as session:
        return session.connection().execute(update(_OUTBOX).where(
            _OUTBOX.c.id == item_id, _OUTBOX.c.kind == KIND, _OUTBOX.c.state == "pending",
            or_(_OUTBOX.c.claimed_at.is_(None), _OUTBOX.c.claimed_at < at - LEASE),
            or_(_OUTBOX.c.next_attempt_at.is_(None), _OUTBOX.c.next_attempt_at <= at))
            .values(claimed_at=at)).rowcount == 1


def _send_due(db: Engine, endpoint: WebhookEndpoint, clock, outcomes: dict[int, str]) -> bool:
    """One round; True when it stopped at a failure (or a disabled endpoint)."""
    for item_id in _due(db, endpoint.id, clock(), BATCH):
        at = clock()
        if not _claim(db, item_id, at):
            continue
        outcomes[item_id] = outcome = _try(db, endpoint, item_id, at)
        if outcome != "delivered":
            return True
    return False


def _try(db: Engine, endpoint: WebhookEndpoint, item_id: int, at: datetime) -> str:
    with read_session(db) as session:
        item = session.get(OutboxItem, item_id)
    payload = item.payload
    attempt = WebhookAttempt(endpoint_id=endpoint.id, outbox_item_id=item_id,
                             message_id=payload["message"], event_type=payload["type"], at=at)
    started = time.monotonic()
    retry_after = None
    try:
        target = resolve(endpoint.url, endpoint.allow_private)
        attempt.address = target.address
        body = payload["body"].encode("utf-8")
        timestamp = int(at.timestamp())
        headers = {"content-type": "application/json", "user-agent": USER_AGENT,
                   "webhook-id": payload["message"], "webhook-timestamp": str(timestamp),
                   "webhook-signature": signature_header(secrets_in_force(endpoint, at),
                                                         payload["message"], timestamp, body)}
        attempt.status_code, retry_after, attempt.response = _post(target, headers, body)
    except Refused as refused:
        attempt.error = refused.reason
    except (OSError, http.client.HTTPException, ValueError) as error:
        attempt.error = f"{type(error).__name__}: {error}"[:2000]
    except BaseException as error:  # the worker's time limit: counted, let go, raised
        attempt.error = f"{type(error).__name__}: {error}"[:2000]
        attempt.duration_ms = int((time.monotonic() - started) * 1000)
        try:
            _record(db, item, attempt, at, "deferred", attempt.error)
        except Exception:  # noqa: BLE001 - the original matters more; the claim lapses
            log.exception("webhook %s: could not record the interrupted try", item_id)
        raise
    attempt.duration_ms = int((time.monotonic() - started) * 1000)
    status = attempt.status_code
    if status is not None and 200 <= status < 300:
        return _record(db, item, attempt, at, "delivered", None)
    problem = attempt.error or f"HTTP {status}: {' '.join(attempt.response.split())[:300]}"
    if status == 410:
        return _record(db, item, attempt, at, "failed", problem, gone=True)
    return _record(db, item, attempt, at, "deferred", problem, retry_after)


class _PinnedHTTP(http.client.HTTPConnection):
    """A connection to the checked address; ``Host`` (and TLS's server name) stay the URL's."""

    def __init__(self, target: Target) -> None:
        super().__init__(target.host, target.port, timeout=TIMEOUT)
        self.address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(_PinnedHTTP):
    def connect(self) -> None:
        super().connect()
        self.sock = _TLS.wrap_socket(self.sock, server_hostname=self.host)


def _post(target: Target, headers: dict[str, str], body: bytes) -> tuple[int, str | None, str]:
    """POST once; the status, ``Retry-After`` and the start of the answer."""
    connection = (_PinnedHTTPS if target.scheme == "https" else _PinnedHTTP)(target)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(EXCERPT * 4).decode("utf-8", "replace")[:EXCERPT]
        return response.status, response.getheader("retry-after"), excerpt
    finally:
        connection.close()


def _record(db: Engine, item: OutboxItem, attempt: WebhookAttempt, at: datetime,
            outcome: str, problem: str | None, retry_after: str | None = None, *,
            gone: bool = False) -> str:
    """Log the try and close the row (delivered or failed) or say when the next try is due,
    letting go of it, in one transaction. A row closed meanwhile, or claimed by another
    worker after our lease lapsed, is left alone (the try is still logged)."""
    due = None
    if outcome == "deferred":
        due = at + _wait(item.attempts + 1, retry_after)
        if due > item.created_at + LIFETIME:
            outcome, problem = "failed", f"given up after a day: {problem}"
            due = None
    values = {"attempts": _OUTBOX.c.attempts + 1, "last_attempt_at": at,
              "last_error": problem[:2000] if problem else None, "claimed_at": None,
              "queued_at": None, "next_attempt_at": due}
    if outcome != "deferred":
        values.update(state="done" if outcome == "delivered" else "failed",
                      done_at=at if outcome == "delivered" else None)
    with write_session(db) as session:
        session.add(attempt)
        session.connection().execute(update(_OUTBOX).where(
            _OUTBOX.c.id == item.id, _OUTBOX.c.state == "pending",
            _OUTBOX.c.claimed_at == at).values(**values))
        if gone:
            session.connection().execute(update(_ENDPOINTS).where(
                _ENDPOINTS.c.id == item.payload["endpoint"], _ENDPOINTS.c.active.is_(True))
                .values(active=False, disabled_at=at, disabled_reason="gone"))
    level = logging.INFO if outcome == "delivered" else logging.WARNING
    log.log(level, "webhook %s (%s) to endpoint %s: %s%s", item.id, item.payload["message"],
            item.payload["endpoint"], outcome, f" ({problem})" if problem else "")
    return outcome


def _wait(attempts: int, retry_after: str | None) -> timedelta:
    """The schedule's wait, a tenth at most added at random (so that endpoints failing
    together are not all tried again in the same second), or what ``Retry-After`` asks if
    longer (up to the schedule's longest)."""
    wait = backoff(attempts)
    wait += wait * secrets.randbelow(101) / 1000
    if retry_after and retry_after.strip().isdigit():
        wait = max(wait, min(timedelta(seconds=int(retry_after.strip())), SCHEDULE[-1]))
    return wait
