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
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from approvals.models import AuditEvent

GENESIS = "0" * 64


def canonical(event: AuditEvent) -> bytes:
    body = {
        "instance": event.instance_id,
        "seq": event.seq,
        "at": event.at.isoformat(timespec="microseconds"),
        "kind": event.kind,
        "actor": event.actor_id,
        "task": event.task_id,
        "channel": event.channel,
        "data": event.data,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=_default).encode("utf-8")


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def chain_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(event)).hexdigest()


def head(session: Session, instance_id: int) -> AuditEvent | None:
    return session.exec(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                        .order_by(AuditEvent.seq.desc()).limit(1)).first()


def append(session: Session, instance_id: int, last: AuditEvent | None, kind: str, at: datetime,
           data: dict[str, Any], actor_id: int | None = None, task_id: int | None = None,
           channel: str = "system") -> AuditEvent:
    """Add one event after ``last`` (the current head, or None for the first event).

    The (instance, seq) unique constraint makes two writers racing for the same place fail.
    """
    event = AuditEvent(instance_id=instance_id, seq=(last.seq + 1) if last else 1, at=at,
                       kind=kind, actor_id=actor_id, task_id=task_id, channel=channel,
                       data=json.loads(json.dumps(data, default=_default)),
                       prev_hash=last.hash if last else GENESIS, hash="")
    event.hash = chain_hash(event.prev_hash, event)
    session.add(event)
    return event


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
