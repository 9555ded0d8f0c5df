"""Chaos in the database: SQLite's write lock held by another process for 30 s, and PostgreSQL
backends killed (``pg_terminate_backend``) under load. Inbound SMTP answers 451, the web 503;
nothing is half-written; what the clients and the sending MTA try again goes through once."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
import sqlalchemy as sa

from tests.chaos.conftest import seconds
from tests.chaos.harness import REVIEWERS
from tests.chaos.scenarios import in_background, replies, running, settle

pytestmark = pytest.mark.chaos


def _open_review_tasks(stack, task_ids) -> list[int]:
    from sqlmodel import select

    from approvals.store.db import read_session
    from approvals.store.models import Task

    with read_session(stack.engine) as s:
        return list(s.exec(select(Task.id).where(Task.id.in_(task_ids), Task.state == "open")))


def _stored(stack) -> int:
    from sqlmodel import func, select

    from approvals.store.db import read_session
    from approvals.store.models import InboundMessage

    with read_session(stack.engine) as s:
        return s.exec(select(func.count()).select_from(InboundMessage)).one()


def test_sqlite_locked(stack_factory, verify):
    """Another process holds SQLite's write lock (40 s: held only 30 s, every request waited
    within the busy timeout and went through) while API decisions and replies come
    in: the API answers 503 and the inbound server 451 once the busy timeout (30 s) passes,
    nothing of theirs is written; tried again after the lock, each goes through once."""
    stack = stack_factory()
    running(stack, 10)
    path = stack.database_url.removeprefix("sqlite:///")
    hold = seconds(40, 40)  # past the 30 s busy timeout, so the 503 and 451 answers show
    locked = threading.Event()

    def lock() -> None:
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE person SET name = name WHERE id = 1")
        locked.set()
        time.sleep(hold)
        conn.execute("ROLLBACK")
        conn.close()

    api = stack.review_tasks()[:6]
    mails = replies(stack, REVIEWERS[1])[:4]
    holder = in_background(lock)
    assert locked.wait(30)
    answers, codes = {}, {}

    def by_api(who, task_id):
        answers[task_id] = stack.decide_api(who, task_id, retry=False).status

    def by_mail(message, sender, to, task_id):
        codes[task_id] = stack.send_reply(message, sender, to, task_id, retry=False)[0]

    threads = [in_background(by_api, *d) for d in api] + \
        [in_background(by_mail, *m) for m in mails]
    for thread in threads:
        thread.join(120)
    holder.join(60)
    refused_api = [t for t, status in answers.items() if status == 503]
    refused_mail = [t for t, code in codes.items() if code == 451]
    stack.notes.append(f"lock {hold:.0f} s: API {sorted(answers.values(), key=str)}, SMTP "
                       f"{sorted(codes.values(), key=str)}")
    # nothing half-written: the refused decisions left their tasks open, refused replies
    # were not stored
    assert sorted(_open_review_tasks(stack, refused_api)) == sorted(refused_api)
    assert _stored(stack) == sum(1 for code in codes.values() if code == 250)
    for who, task_id in api:
        if task_id in refused_api or answers[task_id] is None:
            stack.decide_api(who, task_id)
    for message, sender, to, task_id in mails:
        if task_id in refused_mail or codes[task_id] != 250:
            stack.send_reply(message, sender, to, task_id)
    settle(stack, 180)
    verify(stack)


@pytest.mark.postgres
def test_postgres_backends_killed(stack_factory, verify):
    """For 15 s every backend of Signoff's database (web, worker, scheduler, smtp) is killed
    with pg_terminate_backend every 50 ms while decisions and replies arrive and their mails
    are composed; the clients retry what got 503, 451 or no answer. Each acknowledged decision
    is one transition, every mail goes out once."""
    stack = stack_factory("postgres")
    running(stack, 16)
    url = stack.engine.url
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT",
                             poolclass=sa.pool.NullPool)
    stop = threading.Event()
    killed = []

    def killer() -> None:
        with admin.connect() as conn:
            while not stop.is_set():
                killed.extend(conn.execute(sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :db AND pid <> pg_backend_pid()"),
                    {"db": url.database}).scalars())
                time.sleep(0.05)

    decisions = stack.review_tasks()
    api, by_mail = decisions[:20], replies(stack, REVIEWERS[1])[-8:]
    thread = in_background(killer)
    began = time.monotonic()
    try:
        burst = in_background(stack.burst, api, 4)
        for message, sender, to, task_id in by_mail:
            stack.send_reply(message, sender, to, task_id)
        burst.join(180)
        time.sleep(max(0.0, 15 - (time.monotonic() - began)))
    finally:
        stop.set()
        thread.join(10)
        admin.dispose()
    stack.notes.append(f"{len(killed)} backends terminated")
    settle(stack, 300)
    # what this scenario found once (tests/integration/mail/test_outage.py and
    # test_api_refusals.py keep each): a database error while a mail was composed failed it
    # for good; a decision committed was answered 503 when its view could not be read; a
    # database error while marking a mail sent after the relay's 250 re-sent it 10 s later
    verify(stack)
