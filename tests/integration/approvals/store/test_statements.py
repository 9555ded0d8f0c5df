"""Prebuilt statements on the driver's cursor (:mod:`approvals.store.statements`): what they
write and read is byte for byte what SQLAlchemy's Core and ORM write and read, on SQLite (where
they run on the cursor) and PostgreSQL (where they run through Core), and they fail as Core
fails."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta, timezone

import pytest
from sqlalchemy import event, exc, insert, select
from sqlalchemy.engine import Engine

from approvals import service
from approvals.core.errors import ConcurrentUpdate
from approvals.store import audit
from approvals.store import instances as store
from approvals.store.db import read_session, write_connection, write_session
from approvals.store.models import AuditEvent, Instance, OutboxItem, Task
from approvals.store.statements import Prepared
from tests.integration.flows import open_tasks, rows, start_contract

_EVENTS, _OUTBOX = AuditEvent.__table__, OutboxItem.__table__
_READ_EVENTS = select(_EVENTS.c.seq, _EVENTS.c.at, _EVENTS.c.kind, _EVENTS.c.actor_id,
                      _EVENTS.c.channel, _EVENTS.c.data, _EVENTS.c.prev_hash, _EVENTS.c.hash) \
    .where(_EVENTS.c.seq >= 100).order_by(_EVENTS.c.seq)
_DATA = {"comment": "Пункт 4.2 — «штраф» 0,5 %", "amounts": [1.5, 150000, None],
         "nested": {"b": True, "a": "x"}, "evidence": {"message_id": "<a@b>"}}


@contextmanager
def core_only(db: Engine) -> Iterator[list[str]]:
    """Every statement through Core: a listener on the cursor's statements turns the driver's
    path off (as tests that count statements do); yields what it heard."""
    heard: list[str] = []

    def listen(_conn, _cursor, statement, *_args) -> None:
        heard.append(statement)

    event.listen(db, "before_cursor_execute", listen)
    try:
        yield heard
    finally:
        event.remove(db, "before_cursor_execute", listen)


def _event(instance_id: int, seq: int, at) -> dict:
    return {"instance_id": instance_id, "seq": seq, "at": at, "kind": "decided",
            "actor_id": None, "task_id": None, "channel": "email", "data": _DATA,
            "prev_hash": "a" * 64, "hash": "b" * 64}


def test_a_row_written_on_either_path_is_stored_and_read_back_the_same(db, org, now):
    instance_id = start_contract(db, org, now).instance_id
    at = (now + timedelta(microseconds=123457)).astimezone(timezone(timedelta(hours=3)))
    statement = Prepared(insert(_EVENTS))
    with write_connection(db) as conn:
        statement.execute_many(conn, [_event(instance_id, 100, at)])
    # SQLite runs it on the driver's cursor; any other database through Core
    assert [plan is not None for plan in statement._plans.values()] == \
        ([True] if db.dialect.name == "sqlite" else [])
    with core_only(db) as heard, write_connection(db) as conn:
        conn.execute(insert(_EVENTS), [_event(instance_id, 101, at)])
    assert heard

    # as stored: the same bytes (SQLite: SQLAlchemy's datetime string, the JSON text)
    with db.connect() as conn:
        stored = conn.exec_driver_sql(
            "SELECT at, kind, actor_id, task_id, channel, data, prev_hash, hash "
            "FROM auditevent WHERE seq IN (100, 101) ORDER BY seq").all()
    assert len(stored) == 2 and tuple(stored[0]) == tuple(stored[1])

    # read by the ORM: the values given, the time in UTC
    with read_session(db) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.seq >= 100)
                              .order_by(AuditEvent.seq)).scalars().all()
    for got in events:
        assert (got.at, got.data, got.channel) == (at, _DATA, "email")  # stored as UTC
        assert got.at.utcoffset() == timedelta(0)

    # read by a prebuilt statement and by Core: the same values
    with write_connection(db) as conn:
        fast = [tuple(row) for row in Prepared(_READ_EVENTS).execute(conn).all()]
    with core_only(db), write_connection(db) as conn:
        core = [tuple(row) for row in conn.execute(_READ_EVENTS).all()]
    assert fast == core and [row[0] for row in fast] == [100, 101]
    assert fast[0][1:] == core[1][1:] == (at, "decided", None, "email", _DATA, "a" * 64,
                                          "b" * 64)


def test_an_instance_written_on_the_cursor_reads_back_as_through_core_and_the_orm(db, org, now):
    started = start_contract(db, org, now)
    anna = org.approvers[0]
    task = open_tasks(db, started.instance_id)[anna]
    service.decide(db, task.id, anna, "approve", "Согласовано — «да»", now + timedelta(hours=1))
    with write_connection(db) as conn:
        fast = store.load(conn, started.instance_id)
    with core_only(db), write_connection(db) as conn:
        core = store.load(conn, started.instance_id)
    assert fast == core
    [instance] = rows(db, Instance, Instance.id == started.instance_id)
    assert (fast.state.fields, fast.state.started_at, fast.version) == \
        (instance.fields, instance.started_at, instance.version)
    orm_tasks = {t.seq: t for t in rows(db, Task, Task.instance_id == started.instance_id)}
    for task in fast.state.tasks:
        row = orm_tasks[task.seq]
        assert (task.id, task.opened_at, task.closed_at, task.comment, task.state) == \
            (row.id, row.opened_at, row.closed_at, row.comment, row.state)
    with read_session(db) as session:
        assert audit.verify(session, started.instance_id).ok


def test_one_audit_chain_written_on_both_paths_verifies(db, org, now):
    instance_id = start_contract(db, org, now).instance_id
    with write_connection(db) as conn:  # the cursor (on SQLite)
        audit.append(conn, instance_id, [audit.Entry("note", {"text": "один"})], now)
    with write_session(db) as session:  # an ORM session: through Core
        audit.append(session, instance_id, [audit.Entry("note", {"text": "two", "n": 2.5})],
                     now + timedelta(seconds=1))
    with core_only(db), write_connection(db) as conn:
        audit.append(conn, instance_id, [audit.Entry("note", {"text": "three"})],
                     now + timedelta(seconds=2))
    with write_connection(db) as conn:
        head = audit.head(conn, instance_id)
        audit.append(conn, instance_id, [audit.Entry("note", {"text": "four"})],
                     now + timedelta(seconds=3))
    with read_session(db) as session:
        report = audit.verify(session, instance_id)
    assert report.ok, report
    assert report.count == head[0] + 1


def test_outbox_rows_come_back_in_the_order_given(db, org, now):
    instance_id = start_contract(db, org, now).instance_id
    items = [{"kind": "notify", "instance_id": instance_id, "created_at": now,
              "state": "pending", "attempts": 0, "payload": {"person": n, "params": {"n": n}}}
             for n in range(5)]
    with write_connection(db) as conn:
        ids = store.add_outbox(conn, items)
    assert ids == sorted(ids) and len(set(ids)) == 5
    written = {row.id: row for row in rows(db, OutboxItem, OutboxItem.id.in_(ids))}
    assert [written[i].payload["person"] for i in ids] == list(range(5))
    assert all(written[i].created_at == now for i in ids)


def test_a_statement_on_the_cursor_fails_as_through_core(db, org, now):
    instance_id = start_contract(db, org, now).instance_id
    statement = Prepared(insert(_EVENTS))
    with pytest.raises(exc.IntegrityError), write_connection(db) as conn:  # a lost race
        statement.execute_many(conn, [_event(instance_id, 1, now)])
    with pytest.raises(exc.IntegrityError), core_only(db), write_connection(db) as conn:
        statement.execute_many(conn, [_event(instance_id, 1, now)])
    naive = now.replace(tzinfo=None)
    with pytest.raises(exc.StatementError, match="timezone"), write_connection(db) as conn:
        statement.execute_many(conn, [_event(instance_id, 200, naive)])
    with pytest.raises(exc.StatementError, match="timezone"), core_only(db), \
            write_connection(db) as conn:
        statement.execute_many(conn, [_event(instance_id, 200, naive)])
    with read_session(db) as session:  # nothing of it was written
        assert audit.verify(session, instance_id).ok
        assert not session.exec(select(AuditEvent).where(AuditEvent.seq >= 100)).all()


def test_the_version_check_holds_on_the_cursor(db, org, now):
    started = start_contract(db, org, now)
    with write_connection(db) as conn:
        loaded = store.load(conn, started.instance_id)
    anna = org.approvers[0]
    service.decide(db, open_tasks(db, started.instance_id)[anna].id, anna, "approve", "", now)
    with pytest.raises(ConcurrentUpdate), write_connection(db) as conn:
        store.save(conn, loaded, loaded.state)  # read before the decision: refused
