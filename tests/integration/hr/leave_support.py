"""What the leave tests share: the day they run on (15 April 2026, before the May holidays),
a hire date for a person, and the leave request process of ``leave_processes/``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.engine import Engine

from approvals.store import registry
from approvals.store.db import write_connection, write_session
from approvals.store.models import Person

NOW = datetime(2026, 4, 15, 9, 0, tzinfo=UTC)
PROCESSES = Path(__file__).with_name("leave_processes")
PROCESS = "leave-request"


def hire(db: Engine, person_id: int, day: date | None) -> None:
    with write_connection(db) as conn:
        conn.execute(update(Person.__table__).where(Person.__table__.c.id == person_id)
                     .values(hire_date=day))


def load_leave_request(db: Engine) -> None:
    processes, errors = registry.load_all([PROCESSES])
    assert errors == []
    with write_session(db) as session:
        registry.sync(session, processes, NOW)
