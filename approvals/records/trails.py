"""Signed trails as they are kept: an instance's trails (one per completion), the current
one, and its stored file, checked against its SHA-256 when read.

A running (or withdrawn) instance has no signed trail; the trail package renders a provisional
one for it (:mod:`approvals.trail.provisional`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from approvals.core.errors import NotFound, TrailPending
from approvals.store import filestore
from approvals.store.models import AuditEvent, Instance, Trail


@dataclass(frozen=True)
class TrailFile:
    data: bytes
    filename: str
    provisional: bool
    sha256: str | None = None
    trail_id: int | None = None


def newest_trail(session: Session, instance_id: int) -> Trail | None:
    return session.exec(select(Trail).where(Trail.instance_id == instance_id)
                        .order_by(Trail.sequence.desc())).first()


def current_trail(session: Session, instance: Instance) -> Trail | None:
    """The trail of the instance's latest completion: None while it is being made (after a
    reopened instance completed again, the earlier trail seals an earlier completion)."""
    if instance.status != "completed":
        return None
    trail = newest_trail(session, instance.id)
    completion = session.exec(select(func.max(AuditEvent.seq)).where(
        AuditEvent.instance_id == instance.id, AuditEvent.kind == "completed")).one()
    return trail if trail is not None and trail.completion_seq == completion else None


def trails_of(session: Session, instance_id: int) -> list[Trail]:
    """Every signed trail of the instance, the first first (one per completion)."""
    return list(session.exec(select(Trail).where(Trail.instance_id == instance_id)
                             .order_by(Trail.sequence)))


def signed_trail_file(session: Session, instance: Instance, trails_dir: Path,
                      trail_id: int | None = None) -> TrailFile | None:
    """The stored signed trail of a completed instance (of its latest completion), or None for
    an instance that is running or was withdrawn (it has only a provisional trail). A completed
    instance whose trail the worker has not made yet is :class:`TrailPending`. ``trail_id``
    asks for one signed trail of the instance by its number, an earlier one included."""
    if trail_id is not None:
        trail = session.get(Trail, trail_id)
        if trail is None or trail.instance_id != instance.id:
            raise NotFound(f"instance {instance.id} has no signed trail No. {trail_id}",
                           instance=instance.id, trail=trail_id)
    elif instance.status == "completed":
        trail = current_trail(session, instance)
        if trail is None:
            raise TrailPending(f"the signed trail of instance {instance.id} is being made; "
                               "try again in a minute", instance=instance.id)
    else:
        return None
    data = filestore.read(trails_dir, trail.path, trail.sha256)
    return TrailFile(data, stored_name(trail), False, trail.sha256, trail.id)


def stored_name(trail: Trail) -> str:
    return f"trail-{trail.id:06d}-instance-{trail.instance_id}.pdf"
