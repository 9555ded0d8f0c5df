"""Webhook endpoints as an administrator keeps them, and where a delivery may go.

**Emitting an event from another package.** A package that records something an endpoint may
subscribe to calls :func:`emit` inside its own transaction — the accounting package from its
payment effect, with the effect's connection::

    from approvals.records.webhooks import emit

    @extensions.effect("accounting.register_payment")
    def register_payment(entered):
        ...  # write the payment
        emit(entered.conn, "payment.recorded", {"payment": {...}, "instance": {"id": ...}},
             entered.now, instance_id=entered.instance_id)

It writes one ``webhook`` outbox row per active endpoint subscribed to the event (none, after
one query, when nobody is) and returns their ids; rows emitted by an effect of a service
command leave with the command's own (the service picks them up), elsewhere the caller hands
them to :func:`approvals.dispatch.kick` after its commit, or the scheduler's sweep does within
half a minute. ``data`` is the message's ``data`` as the receiver reads it: plain JSON values
(amounts as strings, times as ISO 8601 UTC), ids and names rather than documents, and nothing
a receiver should not see (see :mod:`approvals.store.webhooks`). A rolled-back transaction
takes its messages with it: a receiver never hears of a payment that was not recorded.

**Where a delivery may go.** :func:`resolve` checks a URL (http or https, no credentials, a
host), looks its host up and refuses every address in a loopback or private range unless the
endpoint allows it (and link-local, multicast and reserved ones always); the delivery then
connects to the address it checked, never looking the name up again (a name that answers
differently the second time cannot lead it inside). Registration runs the same check, so an
administrator sees the refusal at once.
"""

from __future__ import annotations

import base64
import secrets
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import quote, urlsplit

from sqlalchemy import delete, update
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals.core.errors import FormInvalid, NotFound
from approvals.core.webhooks import (
    EVENTS,
    SECRET_PREFIX,
    address_problem,
    url_problem,
)
from approvals.store import webhooks as messages
from approvals.store.db import write_connection, write_session
from approvals.store.models import OutboxItem, WebhookAttempt, WebhookEndpoint
from approvals.store.webhooks import KIND, emit
from approvals.texts import field_error

__all__ = ["KIND", "Refused", "Target", "delete_endpoint", "emit", "ping", "register",
           "resend", "resolve", "rotate", "secrets_in_force", "set_active"]

DESCRIPTION_MAX = 200
#: After a rotation, messages are signed with the old secret too for this long.
ROTATION_OVERLAP = timedelta(hours=24)
_OUTBOX = OutboxItem.__table__


class Refused(FormInvalid):
    """A URL an endpoint may not have, or an address a delivery may not go to; ``reason``
    says why in English (the delivery log keeps it)."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__({"url": (code, params)})
        self.reason = field_error(code, params, "en")
        self.message = self.reason

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True)
class Target:
    """Where one delivery goes: the URL's parts, and the checked address to connect to."""

    scheme: str
    host: str
    port: int
    path: str  # with the query
    address: str
    addresses: tuple[str, ...] = field(default=())


def resolve(url: str, allow_private: bool) -> Target:
    """The URL checked and its host looked up (see the module's docstring); :class:`Refused`
    otherwise."""
    problem = url_problem(url)
    if problem is not None:
        raise Refused(problem[0], **problem[1])
    parts = urlsplit(url.strip())
    scheme, host = parts.scheme.lower(), parts.hostname or ""
    port = parts.port or (443 if scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Refused("webhook_host_unknown", host=host) from None
    addresses = tuple(dict.fromkeys(info[4][0] for info in found))
    if not addresses:
        raise Refused("webhook_host_unknown", host=host)
    for address in addresses:  # every one: a name may answer with any of them next time
        kind = address_problem(address, allow_private)
        if kind is not None:
            raise Refused(f"webhook_address_{kind.replace('-', '_')}", host=host,
                          address=address)
    # a path in another alphabet goes as UTF-8, percent-encoded (what is encoded already stays)
    path = quote((parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
                 safe="!$%&'()*+,/:;=?@~")
    return Target(scheme, host, port, path, addresses[0], addresses)


def new_secret() -> str:
    """A signing secret: ``whsec_`` and the base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def secrets_in_force(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The secrets a message is signed with: the current one, and the one it replaced while
    the rotation's overlap lasts."""
    found = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_secret_until is not None \
            and endpoint.previous_secret_until > now:
        found.append(endpoint.previous_secret)
    return found


@dataclass(frozen=True)
class Registered:
    endpoint_id: int
    secret: str  # shown once
    plain_http: bool  # readable on the way: the page warns


def register(db: Engine, *, url: str, description: str, events: list[str],
             allow_private: bool, person_id: int, now: datetime) -> Registered:
    """Add an endpoint; every problem with the form is refused together
    (:class:`~approvals.core.errors.FormInvalid`, nothing written)."""
    url, description = url.strip(), " ".join(description.split())
    problems: dict[str, tuple[str, dict]] = {}
    try:
        target = resolve(url, allow_private)
    except Refused as refused:
        problems.update(refused.errors)
        target = None
    if len(description) > DESCRIPTION_MAX:
        problems["description"] = ("webhook_description_long", {"max": DESCRIPTION_MAX})
    chosen = [event for event in EVENTS if event in set(events)]
    if not chosen or len(chosen) != len(set(events)):
        problems["events"] = ("webhook_events", {})
    if problems:
        raise FormInvalid(problems)
    secret = new_secret()
    with write_session(db) as session:
        endpoint = WebhookEndpoint(url=url, description=description, events=chosen,
                                   secret=secret, allow_private=allow_private,
                                   created_by_id=person_id, created_at=now)
        session.add(endpoint)
        session.flush()
        return Registered(endpoint.id, secret, target.scheme == "http")


def _endpoint(session, endpoint_id: int) -> WebhookEndpoint:
    endpoint = session.get(WebhookEndpoint, endpoint_id, with_for_update=True)
    if endpoint is None:
        raise NotFound(f"no webhook endpoint with the id {endpoint_id}", endpoint=endpoint_id)
    return endpoint


def rotate(db: Engine, endpoint_id: int, now: datetime) -> str:
    """A new secret for the endpoint (returned, to be shown once); the old one keeps signing
    beside it for :data:`ROTATION_OVERLAP`."""
    with write_session(db) as session:
        endpoint = _endpoint(session, endpoint_id)
        endpoint.previous_secret, endpoint.previous_secret_until = \
            endpoint.secret, now + ROTATION_OVERLAP
        endpoint.secret = new_secret()
        session.add(endpoint)
        return endpoint.secret


def set_active(db: Engine, endpoint_id: int, active: bool, now: datetime) -> bool:
    """Enable or disable an endpoint; False when it already was. A disabled endpoint gets no
    new messages, and those waiting for it fail when their turn comes."""
    with write_session(db) as session:
        endpoint = _endpoint(session, endpoint_id)
        if endpoint.active == active:
            return False
        endpoint.active = active
        endpoint.disabled_at, endpoint.disabled_reason = (None, None) if active \
            else (now, "admin")
        session.add(endpoint)
        return True


def delete_endpoint(db: Engine, endpoint_id: int, now: datetime) -> None:
    """Remove an endpoint and its delivery log; its messages not yet delivered fail (they
    stay in the outbox, as every row does)."""
    with write_session(db) as session:
        _endpoint(session, endpoint_id)
        session.connection().execute(update(_OUTBOX).where(
            _OUTBOX.c.kind == KIND, _OUTBOX.c.state == "pending",
            _OUTBOX.c.payload["endpoint"].as_integer() == endpoint_id).values(
            state="failed", last_error="the endpoint was deleted", claimed_at=None,
            next_attempt_at=None, last_attempt_at=now))
        session.connection().execute(delete(WebhookAttempt.__table__).where(
            WebhookAttempt.__table__.c.endpoint_id == endpoint_id))
        session.delete(session.get(WebhookEndpoint, endpoint_id))


def ping(db: Engine, endpoint_id: int, person: dict, now: datetime) -> int | None:
    """A test event (``ping``) for one active endpoint; its outbox row's id, for the caller to
    hand on after the commit (None: the endpoint is disabled)."""
    with write_connection(db) as conn:
        active = conn.execute(select(WebhookEndpoint.active).where(
            WebhookEndpoint.id == endpoint_id)).scalar()
        if active is None:
            raise NotFound(f"no webhook endpoint with the id {endpoint_id}",
                           endpoint=endpoint_id)
        if not active:
            return None
        return messages.ping(conn, endpoint_id, {
            "endpoint": endpoint_id, "requested_by": person,
            "message": "A test event from Signoff: this endpoint receives its messages."},
            now)


def resend(db: Engine, item_id: int, now: datetime) -> list[int]:
    """Send a message again, on an administrator's word: a webhook row delivered, failed, or
    waiting for its next try becomes pending, due at once and held by nobody, and is marked
    queued; returns its id for the caller to hand on (empty: a worker holds it right now, or
    there is no such message). It keeps its ``webhook-id`` and body, as Standard Webhooks
    expects of a retry; the new attempt joins the log. A message older than a day gets this
    one attempt."""
    with write_session(db) as session:
        row = session.get(OutboxItem, item_id, with_for_update=True)
        if row is None or row.kind != KIND:
            raise NotFound(f"no webhook message with the id {item_id}", item=item_id)
        if row.state == "pending" and row.claimed_at is not None:
            return []
        row.state, row.done_at, row.next_attempt_at, row.claimed_at = \
            "pending", None, None, None
        row.queued_at = now
        session.add(row)
        return [row.id]
