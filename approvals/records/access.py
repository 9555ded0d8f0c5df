"""Who may read a trail or search the records, and the record of everyone refused.

Auditors, administrators and the instance's participants may read its trail; auditors and
administrators may search every instance and export trails. Everyone else is refused with
:class:`~approvals.core.errors.Forbidden`, and the attempt is logged twice: a WARNING on the
``signoff.access`` logger (person and instance), and an
:class:`~approvals.store.models.AccessDenial` row that administrators see on the audit page.
The denial is deliberately not an audit event of the instance: the hash chain records what
happened in the process, and a stranger must not be able to make it grow by asking.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from approvals.core.errors import Forbidden
from approvals.core.policy import Actor
from approvals.store import queries
from approvals.store.db import write_session
from approvals.store.directory import roles_of
from approvals.store.models import AccessDenial, Instance, OutboxItem, Person, Trail

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
