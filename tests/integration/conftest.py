"""Fixtures with real parts: SQLite and PostgreSQL, the embedded Redis, a real Dramatiq worker.

``db`` runs each test on both databases: a migrated SQLite file under ``tmp_path``, and a fresh
PostgreSQL database created in the session cluster and dropped afterwards. ``org`` fills it with
a small directory and the shipped processes. ``worker`` runs Dramatiq's own worker in threads of
this process against the embedded Redis, with the session's signing keys in its var folder; its
``join()`` waits until every queue is empty and fails the test if an actor raised.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import dramatiq
import pytest
import sqlalchemy as sa
from dramatiq.brokers.redis import RedisBroker
from dramatiq.errors import QueueJoinTimeout
from sqlalchemy.engine import Engine, make_url
from sqlmodel import select

from approvals import clock
from approvals.store import db as store
from approvals.store import directory, registry
from approvals.store.models import Person
from tests.support import free_port
from workers import broker as brokers
from workers import runtime

QUEUES = ("outbox", "timers", "mail", "trails", "webhooks")

PEOPLE = """\
email,name,locale,manager_email,department,roles,aliases
maria@example.com,Maria Manager,en,,Sales,,
ivan@example.com,Ivan Initiator,ru,maria@example.com,Sales,,
anna@example.com,Anna Approver,en,maria@example.com,Legal,,
boris@example.com,Boris Approver,ru,maria@example.com,Finance,,
clara@example.com,Clara Approver,en,maria@example.com,Security,,
ada@example.com,Ada Admin,en,,IT,admin,
"""


# ---------------------------------------------------------------------------- databases


@pytest.fixture(scope="session")
def postgres_admin(postgres_url: str) -> Iterator[Engine]:
    """An autocommit engine on the cluster's ``postgres`` database, for CREATE/DROP DATABASE."""
    engine = sa.create_engine(make_url(postgres_url).set(database="postgres"),
                              isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_migrated(postgres_admin: Engine, postgres_url: str) -> Iterator[str]:
    """A PostgreSQL database the session migrated once, through Alembic: each ``db[postgres]``
    is a copy of it (``CREATE DATABASE … TEMPLATE``, a fraction of the ~0.5 s the migrations
    take), as each SQLite one is a copy of the session's migrated file (tests/conftest.py)."""
    name = f"t_head_{secrets.token_hex(6)}"
    with postgres_admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        store.upgrade(make_url(postgres_url).set(database=name)
                      .render_as_string(hide_password=False))
        with postgres_admin.connect() as conn:  # a template must have nobody connected
            conn.exec_driver_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
        yield name
    finally:
        with postgres_admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:
    """A migrated, empty database: an SQLite file, or a fresh PostgreSQL database (copies of
    one migrated database each: :func:`postgres_migrated`)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'signoff.db'}"
        store.upgrade(url)
        engine = store.make_engine(url)
        yield engine
        engine.dispose()
        return
    admin: Engine = request.getfixturevalue("postgres_admin")
    template = request.getfixturevalue("postgres_migrated")
    name = f"t_{secrets.token_hex(6)}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        url = make_url(request.getfixturevalue("postgres_url")).set(database=name) \
            .render_as_string(hide_password=False)
        engine = store.make_engine(url)
        yield engine
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def now() -> datetime:
    """The workers read the real clock, so tests start from it too (naive UTC)."""
    return clock.utcnow()


@dataclass(frozen=True)
class Org:
    initiator: int
    approvers: list[int]
    manager: int
    admin: int
    emails: dict[int, str]
    names: dict[int, str]

    def email(self, person_id: int) -> str:
        return self.emails[person_id]


@pytest.fixture
def org(db: Engine, now: datetime) -> Org:
    """Six people (an initiator, three approvers, their manager, an admin) and the shipped
    processes, stored as their first versions."""
    processes, errors = registry.load_all()
    assert errors == []
    with store.write_session(db) as session:
        report = directory.import_people(session, PEOPLE)
        assert report.created == 6
        registry.sync(session, processes, now)
        people = {p.email: p for p in session.exec(select(Person)).all()}
    ids = {email: person.id for email, person in people.items()}
    return Org(initiator=ids["ivan@example.com"],
               approvers=[ids["anna@example.com"], ids["boris@example.com"],
                          ids["clara@example.com"]],
               manager=ids["maria@example.com"], admin=ids["ada@example.com"],
               emails={p.id: email for email, p in people.items()},
               names={p.id: p.name for p in people.values()})


# ---------------------------------------------------------------------------- the worker


class ActorFailures(dramatiq.Middleware):
    """Remembers every exception an actor raised, so a test can fail on it instead of
    waiting for Dramatiq's retries."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def after_process_message(self, broker, message, *, result=None, exception=None):
        if exception is not None:
            self.errors.append(f"{message.actor_name}{tuple(message.args)}: {exception!r}")


@dataclass
class RunningWorker:
    broker: RedisBroker
    worker: dramatiq.Worker
    failures: ActorFailures

    def join(self, timeout: float = 30.0) -> None:
        """Wait until the queues are empty (messages in flight included) and the worker is
        idle; an actor that raised fails the test."""
        from workers.actors import handoff

        deadline = time.monotonic() + timeout
        while True:
            self._raise_failures()
            if time.monotonic() > deadline:
                raise AssertionError(f"the queues did not drain in {timeout:g} s")
            handoff.flush()  # ids kicked (by the test or an actor) and not yet in Redis
            try:
                for queue in QUEUES:
                    self.broker.join(queue, timeout=200)
            except QueueJoinTimeout:
                continue
            self.worker.join()
            if handoff.idle() and all(self.broker.do_qsize(queue) == 0 for queue in QUEUES):
                self._raise_failures()
                return

    def _raise_failures(self) -> None:
        if self.failures.errors:
            raise AssertionError("an actor failed:\n" + "\n".join(self.failures.errors))


@dataclass
class Catcher:
    """The mail catcher a test's mail goes to: its Maildir and its port."""

    maildir: Path
    port: int

    def messages(self) -> list[bytes]:
        from approvals.store.maildir import messages

        return [raw for _key, raw in messages(self.maildir)]


@pytest.fixture
def mail_catcher(signing_var: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Catcher]:
    """The built-in mail catcher on a free port (what ``signoff smtp`` runs when no relay is
    configured), keeping mail in ``<var>/mail/sent``; the workers send to it."""
    from mail.catcher import controller

    port = free_port()
    monkeypatch.delenv("SMTP_HOST", raising=False)
    monkeypatch.setenv("MAIL_CATCHER_PORT", str(port))
    maildir = signing_var / "mail" / "sent"
    server = controller(maildir, port)
    server.start()
    try:
        yield Catcher(maildir, port)
    finally:
        server.stop()


@pytest.fixture
def broker(db: Engine, redis_url: str, signing_var, mail_catcher) -> Iterator[RedisBroker]:
    """Signoff's actors bound to a Redis broker on the embedded Redis, its queues empty, and
    the worker runtime pointed at ``db`` (and at a var folder holding the organisation's keys,
    so completed instances get their signed trails, and a mail catcher taking their mail);
    nothing consumes the queues."""
    from workers import actors

    previous = dramatiq.get_broker()
    actors.handoff.flush()  # an earlier test's kicks go to its own Redis, not this one's
    broker = brokers.make_broker(redis_url)
    broker.add_middleware(ActorFailures())
    actors.bind(broker)
    for queue in QUEUES:
        broker.declare_queue(queue)
    assert {actor.queue_name for actor in actors.ACTORS} <= set(QUEUES)
    runtime.use_db(db)
    broker.flush_all()
    try:
        yield broker
    finally:
        actors.handoff.flush()
        broker.flush_all()
        broker.close()
        runtime.use_db(None)
        actors.bind(previous)


@pytest.fixture
def worker(broker: RedisBroker) -> Iterator[RunningWorker]:
    """A real Dramatiq worker (two threads, in this process) consuming ``broker``."""
    failures = next(m for m in broker.middleware if isinstance(m, ActorFailures))
    running = dramatiq.Worker(broker, worker_threads=2, worker_timeout=100)
    running.start()
    try:
        yield RunningWorker(broker, running, failures)
    finally:
        running.stop()
