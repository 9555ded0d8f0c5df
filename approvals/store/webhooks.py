"""Webhook messages, written in the transaction of the command that caused them: one
``webhook`` outbox row per (event, subscribed active endpoint), whose payload is everything a
delivery sends — ``{"endpoint": id, "message": "msg_…", "type": "task.decided", "body": "…"}``
with the body as the bytes that go out (UTF-8 JSON) — so every retry and every resend carries
the same ``webhook-id`` and the same body (the signature differs only by the attempt's time).

The body is the Standard Webhooks envelope ``{"type", "timestamp", "data"}``. What ``data``
holds is a *thin* payload, chosen for the receivers Signoff talks to (a CRM, 1C): enough to
find and file the thing — ids, the process and its name, the title, status, stage and outcome,
the people by id, e-mail and name, the times — and nothing a reader of Signoff would have to
be allowed to see: no form values, no files, no comment but a decision's own (cut to
:data:`COMMENT_MAX`). A receiver that needs the values asks the JSON API
(``GET /api/instances/<id>``) with a token, where access is checked and recorded.

- ``instance.started`` / ``instance.completed`` / ``instance.rejected`` (completed at an
  ending: ``outcome`` names it) / ``instance.withdrawn``: ``{"instance": {...}}``;
- ``task.created`` / ``task.decided``: ``{"task": {...}, "instance": {...}}``, the task with
  its assignee, and once decided its verdict, comment, who decided and through which channel;
- the instance is shown as the command left it (a start that runs to its end at once says
  ``completed`` in each of its messages);
- ``payment.recorded``: what the accounting package passes to :func:`emit`.

While no endpoint is active a command pays one query on the driver's own connection (about
5 µs on SQLite, against a millisecond for the decision: ``benchmarks/contract.py``), and none
when it records no event an endpoint could want.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from approvals.core import engine
from approvals.core.limits import cut
from approvals.core.model import LOCALES, Process
from approvals.core.webhooks import EVENTS, PING
from approvals.store.instances import add_outbox
from approvals.store.models import Instance, OutboxItem, Person, WebhookEndpoint
from approvals.store.queries import iso

KIND = "webhook"  # the outbox kind
COMMENT_MAX = 4000
_E, _I, _P, _O = (WebhookEndpoint.__table__, Instance.__table__, Person.__table__,
                  OutboxItem.__table__)
_SUBSCRIBED = select(_E.c.id, _E.c.events).where(_E.c.active.is_(True)).order_by(_E.c.id)
#: Asked of every command first, on the driver's own connection (the command's transaction):
#: SQLAlchemy's handling of a statement costs some 40 µs, this 3 µs on SQLite — the whole
#: price of webhooks for a command while no endpoint is active. ``WHERE active`` reads alike
#: on SQLite (0/1) and PostgreSQL (boolean).
_ANY_ACTIVE = "SELECT 1 FROM webhookendpoint WHERE active LIMIT 1"


def message_id() -> str:
    """A new ``webhook-id``: ``msg_`` and 24 URL-safe characters (never a full stop, which
    separates the parts of the signed content)."""
    return "msg_" + secrets.token_urlsafe(18)


def body(event_type: str, data: dict[str, Any], now: datetime) -> str:
    """The envelope as it is sent, minified."""
    return json.dumps({"type": event_type, "timestamp": iso(now), "data": data},
                      ensure_ascii=False, separators=(",", ":"), default=str)


def row(endpoint_id: int, event_type: str, data: dict[str, Any], now: datetime,
        instance_id: int | None) -> dict[str, Any]:
    """The values of one ``webhook`` outbox row."""
    return {"kind": KIND, "instance_id": instance_id, "created_at": now, "state": "pending",
            "attempts": 0, "payload": {"endpoint": endpoint_id, "message": message_id(),
                                       "type": event_type,
                                       "body": body(event_type, data, now)}}


def subscribers(conn: Connection, event_types: Iterable[str]) -> dict[str, list[int]]:
    """The active endpoints subscribed to each of ``event_types``."""
    wanted = set(event_types)
    found: dict[str, list[int]] = {}
    if not _any_active(conn):
        return found
    for endpoint_id, events in conn.execute(_SUBSCRIBED):
        for event_type in wanted.intersection(events or ()):
            found.setdefault(event_type, []).append(endpoint_id)
    return found


def _any_active(conn: Connection) -> bool:
    cursor = conn.connection.driver_connection.execute(_ANY_ACTIVE)
    try:
        return cursor.fetchone() is not None
    finally:
        cursor.close()


def emit(conn: Connection, event_type: str, data: dict[str, Any], now: datetime,
         instance_id: int | None = None) -> list[int]:
    """Record ``event_type`` with ``data`` for every active endpoint subscribed to it, in the
    caller's transaction (``conn``); returns the new outbox rows' ids (none without
    subscribers). :mod:`approvals.records.webhooks` says how other packages call it."""
    if event_type not in EVENTS:
        raise ValueError(f"{event_type!r} is not a webhook event ({', '.join(EVENTS)})")
    endpoints = subscribers(conn, [event_type]).get(event_type, [])
    return add_outbox(conn, [row(endpoint_id, event_type, data, now, instance_id)
                             for endpoint_id in endpoints])


def ping(conn: Connection, endpoint_id: int, data: dict[str, Any], now: datetime) -> int:
    """A test event for one endpoint, whatever it subscribes to."""
    return add_outbox(conn, [row(endpoint_id, PING, data, now, None)])[0]


def emitted(conn: Connection, instance_id: int, now: datetime) -> list[int]:
    """The pending webhook rows of ``instance_id`` made at ``now`` (what a command's effects
    emitted), so the command hands them on with its own."""
    if not _any_active(conn):
        return []
    return list(conn.execute(select(_O.c.id).where(
        _O.c.instance_id == instance_id, _O.c.kind == KIND, _O.c.created_at == now,
        _O.c.state == "pending").order_by(_O.c.id)).scalars())


# ---------------------------------------------------------------------------- a command's events


def event_type(event: engine.Event) -> str | None:
    """The webhook event an audit event is, if any."""
    if event.kind == "completed":
        return "instance.rejected" if event.data.get("ending") else "instance.completed"
    return _TYPES.get(event.kind)


_TYPES = {"started": "instance.started", "cancelled": "instance.withdrawn",
          "task_opened": "task.created", "decided": "task.decided"}


def command_rows(conn: Connection, process: Process, instance_id: int,
                 state: engine.InstanceState, events: list[engine.Event],
                 task_ids: dict[int, int], now: datetime) -> list[dict[str, Any]]:
    """The outbox rows of one command's events, in their order, for the endpoints subscribed
    to each (none, after one query, when no endpoint is)."""
    typed = [(kind, event) for event in events if (kind := event_type(event)) is not None]
    if not typed:
        return []
    endpoints = subscribers(conn, {kind for kind, _ in typed})
    typed = [(kind, event) for kind, event in typed if kind in endpoints]
    if not typed:
        return []
    view = _View(conn, process, instance_id, state, typed)
    rows = []
    for kind, event in typed:
        data = view.task(event, task_ids) if kind.startswith("task.") else {}
        data["instance"] = view.instance
        rows.extend(row(endpoint_id, kind, data, now, instance_id)
                    for endpoint_id in endpoints[kind])
    return rows


class _View:
    """What the messages of one command say, read once."""

    def __init__(self, conn: Connection, process: Process, instance_id: int,
                 state: engine.InstanceState, typed: list[tuple[str, engine.Event]]) -> None:
        self.process, self.state = process, state
        wanted = {state.initiator}
        for _kind, event in typed:
            wanted.update(p for p in (event.actor, event.data.get("assignee"),
                                      event.data.get("on_behalf_of")) if isinstance(p, int))
            if event.task is not None:
                wanted.add(state.task(event.task).assignee)
        self.people = {pid: {"id": pid, "email": email, "name": name} for pid, email, name in
                       conn.execute(select(_P.c.id, _P.c.email, _P.c.name)
                                    .where(_P.c.id.in_(wanted)))}
        title, titles = conn.execute(select(_I.c.title, _I.c.titles)
                                     .where(_I.c.id == instance_id)).one()
        completed = state.status == engine.COMPLETED
        final = _status(process, state.stage) if completed else None
        self.instance = {
            "id": instance_id,
            "process": {"id": process.id, "name": _names(process.name)},
            "title": title, "titles": titles or {},
            "status": state.status, "stage": state.stage,
            "stage_name": self.stage_name(state.stage),
            "outcome": state.stage if completed else None,
            "ending": final is not None and final.ending,
            "initiator": self.person(state.initiator),
            "started_at": iso(state.started_at), "ended_at": iso(state.ended_at)}

    def person(self, person_id: int | None) -> dict[str, Any] | None:
        return self.people.get(person_id) if person_id is not None else None

    def stage_name(self, key: str) -> dict[str, str]:
        status = _status(self.process, key)
        return _names(status.name) if status is not None else {}

    def task(self, event: engine.Event, task_ids: dict[int, int]) -> dict[str, Any]:
        task = self.state.task(event.task)
        data = event.data
        view = {"id": task_ids.get(task.seq, task.id), "stage": task.stage,
                "stage_name": self.stage_name(task.stage), "kind": task.kind,
                "round": task.round, "assignee": self.person(task.assignee),
                # the person away the task was meant for, when a deputy holds or decides it
                "on_behalf_of": self.person(data.get("on_behalf_of")),
                "opened_at": iso(task.opened_at), "deadline": iso(task.deadline)}
        if event.kind == "decided":
            comment, shortened = cut(str(data.get("comment") or ""), COMMENT_MAX)
            view.update(verdict=data.get("verdict"), comment=comment,
                        comment_cut=shortened, decided_by=self.person(event.actor),
                        channel=data.get("channel"), decided_at=iso(task.closed_at))
        return {"task": view}


def _status(process: Process, key: str):
    try:
        return process.status(key) if key else None
    except KeyError:
        return None


def _names(label) -> dict[str, str]:
    return {locale: label.get(locale) for locale in LOCALES}
