"""The hash-chained audit log of an instance.

Each event's hash is SHA-256 over the previous event's hash and the event's canonical JSON
(sorted keys, no spaces, UTF-8). The first event of an instance chains to 64 zeros. Editing,
inserting, reordering or deleting a row breaks the chain from that point on, and
:func:`verify` says where.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, insert
from sqlalchemy.engine import Connection
from sqlmodel import Session, select

from approvals.store.models import AuditEvent
from approvals.store.statements import Prepared

GENESIS = "0" * 64
_EVENTS = AuditEvent.__table__
_HEAD = Prepared(select(_EVENTS.c.seq, _EVENTS.c.hash)
                  .where(_EVENTS.c.instance_id == bindparam("instance_id"))
                  .order_by(_EVENTS.c.seq.desc()).limit(1))
_INSERT = Prepared(insert(_EVENTS))


def canonical(event: AuditEvent | dict[str, Any]) -> bytes:
    """The event's canonical JSON: sorted keys, no spaces, UTF-8."""
    get = event.get if isinstance(event, dict) else lambda key: getattr(event, key)
    body = {
        "instance": get("instance_id"),
        "seq": get("seq"),
        "at": get("at").isoformat(timespec="microseconds"),
        "kind": get("kind"),
        "actor": get("actor_id"),
        "task": get("task_id"),
        "channel": get("channel"),
        "data": get("data"),
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=_default).encode("utf-8")


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def chain_hash(prev_hash: str, event: AuditEvent | dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(event)).hexdigest()


def head(session: Session | Connection, instance_id: int) -> tuple[int, str]:
    """The (seq, hash) of the instance's newest event; (0, GENESIS) before the first."""
    row = _HEAD.execute(session, {"instance_id": instance_id}).first()
    return (row[0], row[1]) if row else (0, GENESIS)


@dataclass(frozen=True)
class Entry:
    """One event to append: what happened, who did it, through which channel."""

    kind: str
    data: dict[str, Any]
    actor_id: int | None = None
    task_id: int | None = None
    channel: str = "system"


def append(session: Session | Connection, instance_id: int, entries: list[Entry], at: datetime,
           after: tuple[int, str] | None = None) -> str:
    """Append events after the instance's current head, in one INSERT; returns the new head.

    ``after`` is the head when the caller has already read it (the service reads it with the
    instance, in the same statement). The (instance, seq) unique constraint makes two writers
    racing for the same place fail, whichever head they started from.
    """
    seq, prev = after if after is not None else head(session, instance_id)
    at = at.astimezone(UTC)  # as the database gives it back, so the hash stays the same
    rows = []
    for entry in entries:
        seq += 1
        row = {"instance_id": instance_id, "seq": seq, "at": at, "kind": entry.kind,
               "actor_id": entry.actor_id, "task_id": entry.task_id, "channel": entry.channel,
               "data": json.loads(json.dumps(entry.data, default=_default)), "prev_hash": prev}
        row["hash"] = prev = chain_hash(prev, row)
        rows.append(row)
    if rows:
        _INSERT.execute_many(session, rows)
    return prev


@dataclass(frozen=True)
class ChainReport:
    instance_id: int
    count: int
    head: str
    ok: bool
    problem: str = ""
    broken_at: int | None = None

    def __str__(self) -> str:
        if self.ok:
            return (f"instance {self.instance_id}: audit chain intact, {self.count} events, "
                    f"head {self.head}")
        return f"instance {self.instance_id}: audit chain BROKEN at event {self.broken_at}: " \
               f"{self.problem}"


def verify(session: Session, instance_id: int) -> ChainReport:
    """Recompute the chain from the stored rows."""
    events = session.exec(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                          .order_by(AuditEvent.seq)).all()
    prev = GENESIS
    for expected_seq, event in enumerate(events, start=1):
        if event.seq != expected_seq:
            return ChainReport(instance_id, len(events), prev, False,
                               f"event {expected_seq} is missing", expected_seq)
        if event.prev_hash != prev:
            return ChainReport(instance_id, len(events), prev, False,
                               "it does not point at the previous event's hash", event.seq)
        if chain_hash(prev, event) != event.hash:
            return ChainReport(instance_id, len(events), prev, False,
                               "its content does not match its hash (the row was changed)",
                               event.seq)
        prev = event.hash
    if not events:
        return ChainReport(instance_id, 0, GENESIS, False, "no events recorded", 1)
    return ChainReport(instance_id, len(events), prev, True)
