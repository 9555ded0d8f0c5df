"""Who may read a trail, what they get, and the record of everyone refused.

Auditors, administrators and the instance's participants may read its trail; auditors and
administrators may search every instance and export trails. Everyone else is refused with
:class:`~approvals.core.errors.Forbidden`, and the attempt is logged twice: a WARNING on the
``signoff.access`` logger (person and instance), and an
:class:`~approvals.store.models.AccessDenial` row that administrators see on the audit page.
The denial is deliberately not an audit event of the instance: the hash chain records what
happened in the process, and a stranger must not be able to make it grow by asking.

A completed instance's trail is the newest signed one stored; a running (or withdrawn)
instance gets a provisional trail rendered on the spot, unsigned and marked on every page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from approvals.core.errors import Forbidden, NotFound, TrailPending
from approvals.core.policy import Actor
from approvals.store import queries
from approvals.store.db import write_session
from approvals.store.directory import roles_of
from approvals.store.models import AccessDenial, AuditEvent, Instance, OutboxItem, Person, Trail
from approvals.trail import render_trail, storage

log = logging.getLogger("signoff.access")


def is_auditor(session: Session, person: Person) -> bool:
    """Auditors and administrators read every trail and export them."""
    return Actor.of(person.id, roles_of(session, person.id)).is_auditor


def require_trail_reader(db, session: Session, instance: Instance, person: Person, *,
                         channel: str, path: str, now: datetime) -> None:
    """Participants, auditors and administrators pass; anyone else is logged and refused."""
    try:
        queries.require_reader(session, instance, person)
    except Forbidden:
        deny(db, person, instance.id, "trail", channel=channel, path=path, now=now)
        raise Forbidden("only the process's participants, auditors and administrators may "
                        "read its trail", instance=instance.id) from None


def require_auditor(db, session: Session, person: Person, *, what: str, channel: str,
                    path: str, now: datetime) -> None:
    if not is_auditor(session, person):
        deny(db, person, None, what, channel=channel, path=path, now=now)
        raise Forbidden("only auditors and administrators may do this")


def deny(db, person: Person, instance_id: int | None, what: str, *, channel: str, path: str,
         now: datetime) -> None:
    """Log a refused read (the refusal stands even if the row cannot be written)."""
    log.warning("refused %s to %s (person %s)%s via %s %s", what, person.email, person.id,
                f" on instance {instance_id}" if instance_id is not None else "", channel,
                path)
    try:
        with write_session(db) as session:
            session.add(AccessDenial(at=now, person_id=person.id, instance_id=instance_id,
                                     what=what, channel=channel, path=path[:500]))
    except Exception:  # noqa: BLE001 - the 403 matters more than its record
        log.exception("could not record the refusal of %s to person %s", what, person.id)


def denials(session: Session, limit: int = 20) -> list[dict[str, Any]]:
    """The newest refused attempts, for the audit page."""
    rows = session.exec(select(AccessDenial, Person).join(
        Person, AccessDenial.person_id == Person.id)
        .order_by(AccessDenial.id.desc()).limit(limit)).all()
    return [{"at": row.at, "person": queries.person_ref(person), "instance_id": row.instance_id,
             "what": row.what, "channel": row.channel, "path": row.path}
            for row, person in rows]


def attention(session: Session, limit: int = 20) -> list[dict[str, Any]]:
    """What an administrator should look at: trails owed but not made (the error of the last
    attempt, or failed for good) and trails made with something marked as a problem."""
    owed = session.exec(select(OutboxItem).where(
        OutboxItem.kind == "trail", OutboxItem.state != "done",
        (OutboxItem.state == "failed") | OutboxItem.last_error.is_not(None))
        .order_by(OutboxItem.id.desc()).limit(limit)).all()
    marked = session.exec(select(Trail).where(Trail.problems.is_not(None))
                          .order_by(Trail.id.desc()).limit(limit)).all()
    return ([{"instance_id": row.instance_id, "trail_id": None, "state": row.state,
              "attempts": row.attempts, "at": row.last_attempt_at, "problem": row.last_error}
             for row in owed]
            + [{"instance_id": trail.instance_id, "trail_id": trail.id, "state": "marked",
                "attempts": None, "at": trail.created_at, "problem": trail.problems}
               for trail in marked])


# ---------------------------------------------------------------------------- what is served


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


def trail_file(session: Session, instance: Instance, trails_dir: Path, now: datetime,
               locale: str | None = None, trail_id: int | None = None) -> TrailFile:
    """The stored signed trail of a completed instance (of its latest completion), or a
    provisional one rendered now for an instance that is running or was withdrawn. A completed
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
        pdf = render_trail(session, instance.id, provisional=True, locale=locale,
                           generated_at=now)
        return TrailFile(pdf, f"trail-instance-{instance.id}-provisional-"
                              f"{now:%Y%m%dT%H%M%SZ}.pdf", True)
    data = storage.read(trails_dir, trail.path, trail.sha256)
    return TrailFile(data, stored_name(trail), False, trail.sha256, trail.id)


def stored_name(trail: Trail) -> str:
    return f"trail-{trail.id:06d}-instance-{trail.instance_id}.pdf"
