"""HR's daily work (``hr.daily``, run by the scheduler and by ``signoff hr run-daily``):
leavers leave and newcomers start, on their days.

Both read rows and act on what is due by ``now``, so a run repeated, late or missed changes
only when the work is done:

- **A leaver's last day** (a dismissal the manager approved — its instance has passed the
  ``manager`` stage and was not withdrawn — whose ``last_day`` has come, from
  :data:`DISMISS_AT` UTC, 18:00 in Moscow, so the leaver works their last day): each of the
  leaver's open tasks is handed to the successor (else their nearest active manager) through
  :func:`approvals.service.reassign` — an audited ``reassigned`` event each, on behalf of the
  leaver, who is its actor as they would be handing it over themselves; then the person
  becomes ``dismissed`` and inactive (no sign-in, no tokens, no new tasks), the days away
  they set and the ones they deputise in end, and the absence feeds they hold are revoked.
  The instance is where the job learns the day: dismissals are few, and a person re-hired
  after it (a hire date after that last day) is not dismissed again.
- **A newcomer's start date**: a ``starting`` person hired from today or earlier becomes
  ``active``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals import extensions, service, texts
from approvals.core.errors import SignoffError
from approvals.core.policy import Actor
from approvals.records import deputies
from approvals.store.db import read_session, write_connection
from approvals.store.directory import DbDirectory
from approvals.store.models import Deputy, Instance, Person, Task
from approvals.texts.formats import format_date
from hr.models import CalendarFeed

log = logging.getLogger(__name__)
DISMISSAL = "dismissal"  # the process whose approved instances name leavers
DISMISS_AT = time(15, 0)  # UTC: the end of a working day in Moscow (18:00)
_P, _D, _F = Person.__table__, Deputy.__table__, CalendarFeed.__table__
_OPEN = ("open", "waiting")
#: acting for the system on the leaver's days away and deputyships (as an administrator may)
_SYSTEM = Actor.of(0, frozenset({"admin"}))


@dataclass
class Daily:
    """What a run did: the people dismissed and started, and each leaver's tasks handed on
    (task id -> new assignee) or left where they were (task id -> why)."""

    dismissed: list[int] = field(default_factory=list)
    started: list[int] = field(default_factory=list)
    moved: dict[int, int] = field(default_factory=dict)
    kept: dict[int, str] = field(default_factory=dict)


@extensions.job("hr.daily")
def daily(db: Engine, now: datetime) -> Daily:
    """Dismiss the leavers whose last day has come, then start the newcomers."""
    done = Daily()
    for leaver, last_day, successor in due_leavers(db, now):
        dismiss(db, leaver, last_day, successor, now, done)
    with write_connection(db) as conn:
        starters = conn.execute(select(_P.c.id).where(
            _P.c.employment == "starting", _P.c.hire_date.is_not(None),
            _P.c.hire_date <= now.date())).scalars().all()
        if starters:
            conn.execute(update(_P).where(_P.c.id.in_(starters)).values(
                employment="active", active=True))
    done.started = list(starters)
    if done.dismissed or done.started:
        log.info("hr.daily: %d dismissed, %d started, %d tasks handed on, %d kept",
                 len(done.dismissed), len(done.started), len(done.moved), len(done.kept))
    return done


def _approved(instance: Instance) -> bool:
    """Past the manager's approval and neither withdrawn nor ended otherwise."""
    if instance.status == "completed":
        return instance.stage == "completed"
    return instance.status == "running" and instance.stage.split(".")[0] == "handover"


def due_leavers(db: Engine, now: datetime) -> list[tuple[int, date, int | None]]:
    """(leaver, last day, successor) of the approved dismissals due by ``now`` whose leaver
    is not dismissed yet."""
    cutoff = now.date() if now.time() >= DISMISS_AT else date.fromordinal(
        now.date().toordinal() - 1)
    found = []
    with read_session(db) as session:
        for instance in session.exec(select(Instance).where(
                Instance.process_id == DISMISSAL,
                Instance.status.in_(("running", "completed")))).all():
            fields: dict[str, Any] = instance.fields or {}
            try:
                last_day = date.fromisoformat(str(fields.get("last_day") or ""))
            except ValueError:
                continue
            if last_day > cutoff or not _approved(instance):
                continue
            directory = DbDirectory(session)
            leaver = directory.person_id(str(fields.get("leaver") or ""))
            person = session.get(Person, leaver) if leaver else None
            if person is None or person.employment == "dismissed" or (
                    person.hire_date is not None and person.hire_date > last_day):
                continue
            found.append((leaver, last_day,
                          directory.person_id(str(fields.get("successor") or ""))))
    return found


def dismiss(db: Engine, leaver: int, last_day: date, successor: int | None, now: datetime,
            done: Daily) -> None:
    """The leaver's last day: tasks handed on, then dismissed, deputyships and feeds ended."""
    with read_session(db) as session:
        tasks = session.exec(select(Task.id).where(
            Task.assignee_id == leaver, Task.state.in_(_OPEN)).order_by(Task.id)).all()
        directory = DbDirectory(session)
        heirs = [p for p in (successor, directory.manager_of(leaver))
                 if p is not None and p != leaver and directory.is_active(p)]
        locale = session.exec(select(Person.locale).where(Person.id == leaver)).first()
    comment = texts.t("hr_proc.people.dismissed_comment", locale,
                      last_day=format_date(last_day, locale))
    for task_id in tasks:
        why = "no active successor or manager"
        for heir in heirs:
            try:
                service.reassign(db, task_id, heir, leaver, now, "system", comment=comment,
                                 on_behalf_of=leaver)
            except SignoffError as refusal:  # decided meanwhile, the heir is its initiator…
                why = str(refusal)
                continue
            done.moved[task_id] = heir
            break
        else:
            done.kept[task_id] = why
            log.warning("hr.daily: task %s of leaver %s stays: %s", task_id, leaver, why)
    with write_connection(db) as conn:
        conn.execute(update(_P).where(_P.c.id == leaver).values(
            employment="dismissed", active=False))
        ranges = conn.execute(select(_D.c.id).where(
            or_(_D.c.person_id == leaver, _D.c.deputy_id == leaver),
            _D.c.cancelled_at.is_(None), _D.c.ends_on >= now.date())).scalars().all()
        for range_id in ranges:
            deputies.cancel(conn, range_id, _SYSTEM, now)
        conn.execute(update(_F).where(_F.c.owner_id == leaver, _F.c.revoked_at.is_(None))
                     .values(revoked_at=now))
    done.dismissed.append(leaver)
