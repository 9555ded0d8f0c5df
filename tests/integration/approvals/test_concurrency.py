"""Commands racing on one instance, on SQLite and PostgreSQL.

Each race starts its threads at a barrier and is repeated on fresh instances, so that the
decisions really overlap: on PostgreSQL both transactions read the same instance version and
the loser's versioned UPDATE finds nothing to change; on SQLite the writers queue on
``BEGIN IMMEDIATE``.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

from approvals import service
from approvals.core.errors import AlreadyDecided, ConcurrentUpdate, InstanceClosed
from approvals.store import audit
from approvals.store.db import read_session
from approvals.store.models import Instance, OutboxItem, Task
from tests.integration.flows import audit_events, open_tasks, rows, start_contract

RACES = 20


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each returns its result or exception."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 - the test inspects it
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a racing command hung"
    return outcomes


def _verified(db, instance_id: int) -> Instance:
    with read_session(db) as session:
        report = audit.verify(session, instance_id)
        assert report.ok, str(report)
        return session.get(Instance, instance_id)


def test_two_approvers_deciding_at_once_advance_the_stage_exactly_once(db, org, now):
    anna, boris = org.approvers[:2]
    for attempt in range(RACES):
        at = now + timedelta(minutes=attempt)
        started = start_contract(db, org, at, approvers=[anna, boris])
        tasks = open_tasks(db, started.instance_id)

        outcomes = race(
            partial(service.decide, db, tasks[anna].id, anna, "approve", "", at),
            partial(service.decide, db, tasks[boris].id, boris, "approve", "", at))

        assert all(isinstance(o, service.Result) for o in outcomes), outcomes
        assert sorted(o.stage for o in outcomes) == ["approval", "send_to_client"]
        events = audit_events(db, started.instance_id)
        assert [e.data["stage"] for e in events if e.kind == "stage_completed"] == ["approval"]
        assert sorted(e.actor_id for e in events if e.kind == "decided") == [anna, boris]
        still_open = open_tasks(db, started.instance_id)
        assert [(p, t.stage) for p, t in still_open.items()] == [
            (org.initiator, "send_to_client")]
        instance = _verified(db, started.instance_id)
        assert (instance.stage, instance.version) == ("send_to_client", 3)
        assert len(rows(db, Task, Task.instance_id == started.instance_id)) == 3
        assert len(rows(db, OutboxItem, OutboxItem.instance_id == started.instance_id)) == 3


def test_the_same_task_decided_twice_at_once_is_decided_once(db, org, now):
    anna, boris = org.approvers[:2]
    for attempt in range(RACES):
        at = now + timedelta(minutes=attempt)
        started = start_contract(db, org, at, approvers=[anna, boris])
        task = open_tasks(db, started.instance_id)[anna]

        outcomes = race(
            partial(service.decide, db, task.id, anna, "approve", "", at),
            partial(service.decide, db, task.id, anna, "send_back", "no", at))

        won = [o for o in outcomes if isinstance(o, service.Result)]
        lost = [o for o in outcomes if not isinstance(o, service.Result)]
        assert len(won) == 1 and len(lost) == 1, outcomes
        assert isinstance(lost[0], AlreadyDecided | ConcurrentUpdate), lost
        if isinstance(lost[0], AlreadyDecided):
            assert str(lost[0]).startswith("already decided by Anna Approver at ")
        decided = [e for e in audit_events(db, started.instance_id) if e.kind == "decided"]
        assert [e.task_id for e in decided] == [task.id]
        instance = _verified(db, started.instance_id)
        assert instance.version == 2
        with read_session(db) as session:
            stored = session.get(Task, task.id)
        assert (stored.state, stored.verdict) == ("decided", decided[0].data["verdict"])
        assert instance.stage == ("revision" if stored.verdict == "send_back" else "approval")


def test_a_decision_racing_a_withdrawal_leaves_a_cancelled_consistent_instance(db, org, now):
    anna = org.approvers[0]
    for attempt in range(RACES):
        at = now + timedelta(minutes=attempt)
        started = start_contract(db, org, at, approvers=[anna])
        task = open_tasks(db, started.instance_id)[anna]

        decided, withdrawn = race(
            partial(service.decide, db, task.id, anna, "approve", "", at),
            partial(service.withdraw, db, started.instance_id, org.initiator, "wrong client", at))

        assert isinstance(withdrawn, service.Result) and withdrawn.status == "cancelled"
        assert isinstance(decided, service.Result | InstanceClosed), decided
        kinds = [e.kind for e in audit_events(db, started.instance_id)]
        assert kinds.count("cancelled") == 1
        assert kinds.count("decided") == (1 if isinstance(decided, service.Result) else 0)
        assert open_tasks(db, started.instance_id) == {}
        instance = _verified(db, started.instance_id)
        assert instance.status == "cancelled"
        assert instance.version == (3 if isinstance(decided, service.Result) else 2)


def test_the_same_file_uploaded_twice_at_once_is_stored_once(db, org, now):
    """Two commands attaching the same content side by side (PostgreSQL runs them together):
    both look for the content, neither finds it, both insert it — the second insert must do
    nothing rather than fail the second command on the blob's primary key."""
    from approvals.store import instances as store
    from approvals.store.db import write_connection
    from approvals.store.models import Blob, Document

    first, second = (start_contract(db, org, now).instance_id for _ in range(2))
    content = b"%PDF-1.4 the same annex, uploaded by two people at once\n"
    digest = hashlib.sha256(content).hexdigest()

    def attach(connection, instance_id: int) -> int:
        return store.add_document(connection, instance_id, "annex", "annex.pdf",
                                  "application/pdf", content, digest, org.initiator, now)

    second_done: list[Any] = []
    with write_connection(db) as connection:
        assert attach(connection, first) == 1
        # the second command starts while the first holds its uncommitted blob
        other = threading.Thread(target=lambda: second_done.append(_attach_in_own(
            db, write_connection, attach, second)))
        other.start()
        other.join(timeout=0.5)
    other.join(timeout=60)
    assert second_done == [1], second_done
    assert len(rows(db, Blob, Blob.sha256 == digest)) == 1
    assert [d.instance_id for d in rows(db, Document, Document.sha256 == digest)] == [
        first, second]


def _attach_in_own(db, write_connection, attach, instance_id: int) -> Any:
    try:
        with write_connection(db) as connection:
            return attach(connection, instance_id)
    except Exception as error:  # noqa: BLE001 - the test inspects it
        return error
