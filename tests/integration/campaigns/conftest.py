"""Fixtures for acknowledgement campaigns: a staff of 500 people in ten departments (imported
with the directory's own CSV import, beside the ``org`` people), the pages on the test's
database, and a Dramatiq worker started when a test wants one."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import dramatiq
import pytest
from flask import Flask
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals.store.db import write_session
from approvals.store.directory import import_people, set_password
from approvals.store.models import Person
from tests.integration.conftest import ActorFailures, RunningWorker
from tests.integration.web.conftest import FAST_HASHER
from tests.integration.web.site import PASSWORD, Browser
from web import create_app

#: Ten departments of fifty people each; two named in Russian, one only in letter case
#: different from how a form may name it.
DEPARTMENTS = ("Warehouse", "Logistics", "Marketing", "Support", "Production", "Quality",
               "Procurement", "Бухгалтерия", "Юридический отдел", "Отдел кадров")
SIZE = 500
AUDITOR = "audrey@example.com"


def staff_email(n: int) -> str:
    return f"staff{n:03d}@example.com"


def staff_name(n: int) -> str:
    return f"Сотрудник {n:03d}" if n % 2 else f"Staff Member {n:03d}"


def department_of(n: int) -> str:
    return DEPARTMENTS[n * len(DEPARTMENTS) // SIZE]


@dataclass(frozen=True)
class Staff:
    ids: list[int]  # by number: ids[n] is staff member n
    by_id: dict[int, int]  # person id -> number
    auditor: int

    def number(self, person_id: int) -> int:
        return self.by_id[person_id]


@pytest.fixture
def staff(db: Engine, org) -> Staff:
    """500 people (every other one reading Russian) and an auditor, imported as a people file
    is (``signoff people import``); the ``org`` people stay as they are."""
    lines = ["email,name,locale,manager_email,department,roles,aliases",
             f"{AUDITOR},Audrey Auditor,en,,Audit,auditor,"]
    lines += [f"{staff_email(n)},{staff_name(n)},{'ru' if n % 2 else 'en'},"
              f"maria@example.com,{department_of(n)},," for n in range(SIZE)]
    with write_session(db) as session:
        report = import_people(session, "\n".join(lines) + "\n")
        assert report.created == SIZE + 1
        by_email = dict(session.exec(select(Person.email, Person.id)).all())
    ids = [by_email[staff_email(n)] for n in range(SIZE)]
    return Staff(ids, {person: n for n, person in enumerate(ids)}, by_email[AUDITOR])


@pytest.fixture
def pages(db: Engine, redis_url: str, app_broker, signing_var,
          monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """The web app on the test's database (people log in with :func:`browser`)."""
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setattr("approvals.store.directory._hasher", FAST_HASHER)
    yield create_app({"TESTING": True, "DB_ENGINE": db,
                      "DATABASE_URL": db.url.render_as_string(hide_password=False),
                      "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"})


def browser(app: Flask, email: str) -> Browser:
    """A client logged in as ``email`` (given the test password first)."""
    with write_session(app.extensions["signoff.db"]) as session:
        person = session.exec(select(Person).where(Person.email == email)).one()
        set_password(person, PASSWORD)
        session.add(person)
    client = Browser(app.test_client())
    assert client.login(email).status_code == 303
    return client


@contextmanager
def running_worker(broker) -> Iterator[RunningWorker]:
    """A real Dramatiq worker (two threads, in this process) on ``broker``, from now on: what
    was queued before it started (``broker.flush_all()`` drops that) is consumed too."""
    failures = next(m for m in broker.middleware if isinstance(m, ActorFailures))
    worker = dramatiq.Worker(broker, worker_threads=2, worker_timeout=100)
    worker.start()
    try:
        yield RunningWorker(broker, worker, failures)
    finally:
        worker.stop()
