"""The production layout in small: two web processes (``signoff web`` with
``SIGNOFF_WEB_PROCESSES=2``: gunicorn, the app built in each worker after the fork) and two
worker processes (``signoff worker --processes 2``), with the scheduler and the inbound SMTP
server, on PostgreSQL and a Redis of their own, every role a real process (the chaos suite's
:class:`tests.chaos.harness.Stack`, without a fault).

Forty approvals go through the JSON API from eight client threads: started, both reviewers'
decisions, then the manager's sign-off, which completes each instance (and renders its signed
trail). Then the chaos checker (:func:`tests.chaos.checker.check`) holds the run to its
promises: every acknowledged decision recorded exactly once, legal states and intact audit
chains, every mail row sent and received exactly once by the test relay, no outbox row or
stored reply left over; and this test adds that every instance completed.
"""

from __future__ import annotations

import secrets
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import select

from approvals.store.db import read_session
from approvals.store.models import AuditEvent, Instance, OutboxItem
from tests.chaos.checker import check, summary
from tests.chaos.harness import MANAGER, SIGNOFF, Role, Stack

pytestmark = pytest.mark.postgres
INSTANCES = 40


@pytest.fixture
def postgres_database(postgres_admin, postgres_url: str):
    """An empty database in the session's PostgreSQL cluster, dropped afterwards."""
    name = f"procs_{secrets.token_hex(5)}"
    with postgres_admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    with postgres_admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_two_web_and_two_worker_processes_on_postgres_lose_nothing(
        tmp_path: Path, org_keys: Path, postgres_database: str) -> None:
    stack = Stack(tmp_path / "var", postgres_database, redis_persistent=False)
    stack.env["SIGNOFF_WEB_PROCESSES"] = "2"
    stack.setup(org_keys)
    stack.roles["worker"] = Role("worker", [SIGNOFF, "worker", "--processes", "2",
                                            "--threads", "4"],
                                 stack.env, stack.logs / "worker.log")
    passed = False
    try:
        stack.start()
        web_log, worker_log = stack.role("web").output(), stack.role("worker").output()
        assert "2 processes x 8 threads" in web_log
        assert web_log.count("Booting worker with pid") == 2  # two web processes
        assert worker_log.count("Worker process is ready for action.") == 2

        ids = stack.start_instances(INSTANCES)
        reviews = stack.review_tasks()
        assert len(reviews) == 2 * INSTANCES
        assert all(a.status == 200 for a in stack.burst(reviews)), stack.attempts
        signoffs = [(MANAGER, task["id"]) for task in stack.open_tasks(MANAGER)]
        assert len(signoffs) == INSTANCES
        assert all(a.status == 200 for a in stack.burst(signoffs)), stack.attempts
        stack.wait_settled(120)

        verdict = check(stack, "two web and two worker processes",
                        tmp_path / "results.jsonl")
        assert verdict.ok, summary(verdict)
        with read_session(stack.engine) as session:
            statuses = Counter(session.exec(select(Instance.status)).all())
            decided = session.exec(select(AuditEvent.task_id)
                                   .where(AuditEvent.kind == "decided")).all()
            outbox = Counter(session.exec(select(OutboxItem.kind, OutboxItem.state)).all())
        assert statuses == {"completed": INSTANCES}, statuses
        assert sorted(decided) == sorted(task for _, task in reviews + signoffs)
        assert {state for _, state in outbox} == {"done"}, outbox
        assert outbox[("trail", "done")] == INSTANCES, outbox  # each completion signed
        assert len(ids) == INSTANCES
        passed = True
    finally:
        stack.close()
        if not passed:
            print(stack.log_tails())
