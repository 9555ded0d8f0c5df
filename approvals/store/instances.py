"""The rows of one instance, read and written with statements built once.

A command touches a handful of rows; what costs is not SQLite but building, cache-keying and
ORM-loading each statement. So the statements here are built at import, take their values as
bound parameters, and map rows straight to and from the engine's
:class:`~approvals.core.engine.InstanceState` — no ORM objects. They run on the Core connection of
:func:`approvals.store.db.write_connection`, on SQLite and PostgreSQL alike — on SQLite on the
driver's cursor, compiled once (:mod:`approvals.store.statements`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Row

from approvals.core import engine
from approvals.core.errors import ConcurrentUpdate, NotFound
from approvals.store.audit import GENESIS
from approvals.store.models import (
    AuditEvent,
    Blob,
    Document,
    Instance,
    OutboxItem,
    Person,
    ProcessVersion,
    Task,
    Timer,
)
from approvals.store.statements import Prepared

_I, _T, _A = Instance.__table__, Task.__table__, AuditEvent.__table__
_PV, _P, _TIMER = ProcessVersion.__table__, Person.__table__, Timer.__table__
_BLOB, _DOC, _OUTBOX = Blob.__table__, Document.__table__, OutboxItem.__table__


def _newest(column):
    """The instance's newest audit event's ``column``: the chain head, read with the row."""
    return (select(column).where(_A.c.instance_id == _I.c.id).order_by(_A.c.seq.desc())
            .limit(1).scalar_subquery())


def _once(column):
    """``column`` on the first row only (the first task, or the row of an instance without
    tasks): an instance of 500 tasks is read in 500 rows, and its field values (JSON, perhaps
    long) and its chain head (two lookups) are read, sent and decoded once, not 500 times."""
    return case((_T.c.seq.is_(None) | (_T.c.seq == 1), column), else_=None)


_INSTANCE_COLUMNS = (
    _I.c.id, _I.c.process_id, _I.c.process_version_id, _I.c.title, _I.c.status, _I.c.stage,
    _I.c.round, _I.c.sent_back_from, _I.c.initiator_id, _once(_I.c.fields),
    _once(_I.c.started_at), _once(_I.c.ended_at), _I.c.version, _PV.c.digest,
    _once(_newest(_A.c.seq)), _once(_newest(_A.c.hash)))
_TASK_COLUMNS_READ = (  # in the order of _task's parameters
    _T.c.seq, _T.c.stage, _T.c.round, _T.c.kind, _T.c.assignee_id, _T.c.position, _T.c.state,
    _T.c.verdicts, _T.c.opened_at, _T.c.deadline, _T.c.verdict, _T.c.comment, _T.c.closed_at,
    _T.c.decided_by_id, _T.c.channel, _T.c.close_reason, _T.c.id, _T.c.on_behalf_of_id)
_SPLIT = len(_INSTANCE_COLUMNS)
# One statement reads the instance, its version's digest, its audit head and all its tasks
# (one row per task): on PostgreSQL they come from one snapshot.
_LOAD = Prepared(select(*_INSTANCE_COLUMNS, *_TASK_COLUMNS_READ).select_from(
    _I.join(_PV, _PV.c.id == _I.c.process_version_id)
    .outerjoin(_T, _T.c.instance_id == _I.c.id))
    .where(_I.c.id == bindparam("instance_id")).order_by(_T.c.seq))
_HELD = _T.alias("held")
_LOAD_BY_TASK = Prepared(select(*_INSTANCE_COLUMNS, *_TASK_COLUMNS_READ).select_from(
    _HELD.join(_I, _I.c.id == _HELD.c.instance_id)
    .join(_PV, _PV.c.id == _I.c.process_version_id)
    .join(_T, _T.c.instance_id == _I.c.id))
    .where(_HELD.c.id == bindparam("task_id")).order_by(_T.c.seq))
_VERSION = Prepared(select(_I.c.version).where(_I.c.id == bindparam("instance_id")))

_STATE_COLUMNS = ("status", "stage", "round", "sent_back_from", "ended_at")


@functools.cache
def _save_instance(columns: tuple[str, ...]) -> Prepared:
    """The instance's UPDATE that sets its version and ``columns``, the ones the command
    changed: SQLite rewrites an index entry of every column a SET names, changed or not (the
    status, stage and end of every instance are indexed), so a column left alone is left out.
    A handful of combinations occur, each built once."""
    return Prepared(update(_I).where(_I.c.id == bindparam("b_id"),
                                     _I.c.version == bindparam("b_version"))
                    .values(version=bindparam("b_next"), **{c: bindparam(c) for c in columns}))


_NEW_INSTANCE = Prepared(insert(_I).returning(_I.c.id))
_TASK_COLUMNS = ("stage", "round", "kind", "assignee_id", "position", "state", "verdicts",
                 "opened_at", "deadline", "verdict", "comment", "closed_at", "decided_by_id",
                 "channel", "close_reason", "on_behalf_of_id")
_SAVE_TASK = Prepared(update(_T).where(_T.c.id == bindparam("b_id"))
                      .values(**{c: bindparam(c) for c in _TASK_COLUMNS}))
_NEW_TASKS = Prepared(insert(_T).returning(_T.c.seq, _T.c.id))
_NEW_TIMERS = Prepared(insert(_TIMER))
_NEW_OUTBOX = Prepared(insert(_OUTBOX).returning(_OUTBOX.c.id, sort_by_parameter_order=True))
_TIMER_ROW = select(_TIMER.c.instance_id, _TIMER.c.task_id, _TIMER.c.kind, _TIMER.c.fired_at,
                    _TIMER.c.due_at).where(_TIMER.c.id == bindparam("id"))
_FIRE_TIMERS = update(_TIMER).where(_TIMER.c.id.in_(bindparam("b_ids", expanding=True))) \
    .values(fired_at=bindparam("fired_at"))
_DUE_WITH = select(_TIMER.c.id, _TIMER.c.task_id).where(
    _TIMER.c.instance_id == bindparam("instance_id"), _TIMER.c.kind == bindparam("kind"),
    _TIMER.c.fired_at.is_(None), _TIMER.c.due_at <= bindparam("now")) \
    .order_by(_TIMER.c.due_at, _TIMER.c.id)
_PERSON_NAME = Prepared(select(_P.c.name).where(_P.c.id == bindparam("id")))
_PERSON_NAME_LOCALE = Prepared(select(_P.c.name, _P.c.locale).where(_P.c.id == bindparam("id")))
_BLOB_KNOWN = Prepared(select(_BLOB.c.sha256).where(_BLOB.c.sha256 == bindparam("sha256")))
# Two uploads of the same file may race (PostgreSQL runs them side by side): the second
# insert of a content already stored does nothing, in either dialect.
_NEW_BLOB = {"postgresql": Prepared(pg_insert(_BLOB).on_conflict_do_nothing(
                 index_elements=[_BLOB.c.sha256])),
             "sqlite": Prepared(sqlite_insert(_BLOB).on_conflict_do_nothing(
                 index_elements=[_BLOB.c.sha256]))}
_LAST_DOCUMENT = Prepared(select(func.max(_DOC.c.version)).where(
    _DOC.c.instance_id == bindparam("instance_id"), _DOC.c.field == bindparam("field")))
_NEW_DOCUMENT = Prepared(insert(_DOC))


@dataclass
class Loaded:
    """An instance as read: the engine's state plus what writing it back needs."""

    state: engine.InstanceState
    version: int
    process_version_id: int
    digest: str
    title: str
    head: tuple[int, str]  # the audit chain's (seq, hash) when the instance was read

    @property
    def id(self) -> int:
        return self.state.id


def load(connection: Connection, instance_id: int) -> Loaded:
    rows = _LOAD.execute(connection, {"instance_id": instance_id}).all()
    if not rows:
        raise NotFound(f"instance {instance_id} not found", instance=instance_id)
    return _loaded(rows, connection)


def load_by_task(connection: Connection, task_id: int) -> Loaded:
    """The instance that holds task ``task_id``, read in the command's transaction."""
    rows = _LOAD_BY_TASK.execute(connection, {"task_id": task_id}).all()
    if not rows:
        raise NotFound(f"task {task_id} not found", task=task_id)
    return _loaded(rows, connection)


def _loaded(rows: list, connection: Connection) -> Loaded:
    (id_, process_id, version_id, title, status, stage, round_, sent_back_from, initiator,
     fields, started_at, ended_at, version, digest, head_seq, head_hash) = rows[0][:_SPLIT]
    if fields is None:  # no task numbered 1 (never so today): read what it would carry
        fields, started_at, ended_at, head_seq, head_hash = connection.execute(select(
            _I.c.fields, _I.c.started_at, _I.c.ended_at, _newest(_A.c.seq),
            _newest(_A.c.hash)).where(_I.c.id == id_)).one()
    state = engine.InstanceState(
        process_id=process_id, initiator=initiator, fields=dict(fields), started_at=started_at,
        status=status, stage=stage, round=round_, sent_back_from=sent_back_from,
        ended_at=ended_at, id=id_)
    state.tasks = [_task(*row[_SPLIT:]) for row in rows if row[_SPLIT] is not None]
    head = (head_seq, head_hash) if head_seq is not None else (0, GENESIS)
    return Loaded(state, version, version_id, digest, title, head)


def _task(seq, stage, round_, kind, assignee, position, state, verdicts, opened_at, deadline,
          verdict, comment, closed_at, decided_by, channel, close_reason, id_, on_behalf_of):
    return engine.TaskState(
        seq=seq, stage=stage, round=round_, kind=kind, assignee=assignee, position=position,
        state=state, verdicts=tuple(v for v in verdicts.split(",") if v), opened_at=opened_at,
        deadline=deadline, verdict=verdict, comment=comment, closed_at=closed_at,
        decided_by=decided_by, channel=channel, close_reason=close_reason, id=id_,
        on_behalf_of=on_behalf_of)


def current_version(connection: Connection, instance_id: int) -> int:
    return _VERSION.execute(connection, {"instance_id": instance_id}).scalar_one()


def new_instance(connection: Connection, process_id: str, version_id: int, digest: str,
                 title: str, initiator: int, now: datetime,
                 titles: dict[str, str] | None = None) -> Loaded:
    """Insert a fresh instance row (version 0, no tasks, no events yet)."""
    state = engine.InstanceState(process_id=process_id, initiator=initiator, fields={},
                                 started_at=now)
    state.id = _NEW_INSTANCE.execute(connection, {
        "process_id": process_id, "process_version_id": version_id, "title": title,
        "titles": titles or {}, "status": state.status, "stage": state.stage, "round": state.round,
        "sent_back_from": None, "initiator_id": initiator, "fields": {}, "started_at": now,
        "ended_at": None, "version": 0}).scalar_one()
    return Loaded(state, 0, version_id, digest, title, (0, GENESIS))


def set_titles(connection: Connection, instance_id: int, title: str,
               titles: dict[str, str]) -> None:
    """A revised instance's title, as its process words it from the new values."""
    connection.execute(update(_I).where(_I.c.id == instance_id)
                       .values(title=title, titles=titles))


def save(connection: Connection, loaded: Loaded, state: engine.InstanceState) -> dict[int, int]:
    """Write ``state`` over what was loaded; returns every task's id by its seq.

    The instance row is updated only if its version is still the one read, else
    :class:`ConcurrentUpdate`; then the tasks that changed are updated in one statement and the
    new ones inserted in one."""
    before = loaded.state
    params = {c: getattr(state, c) for c in (*_STATE_COLUMNS, "fields")
              if getattr(state, c) != getattr(before, c)}
    columns = tuple(params)
    params.update(b_id=loaded.id, b_version=loaded.version, b_next=loaded.version + 1)
    if _save_instance(columns).execute(connection, params).rowcount != 1:
        raise ConcurrentUpdate("the instance changed since it was read")
    old = {task.seq: task for task in before.tasks}
    ids = {task.seq: task.id for task in before.tasks}
    changed, new = [], []
    for task in state.tasks:
        known = old.get(task.seq)
        if known is None:
            new.append(task)
        elif task != known:
            changed.append(dict(_task_values(task), b_id=known.id))
    if changed:
        _SAVE_TASK.execute_many(connection, changed)
    if new:
        rows = [dict(_task_values(task), instance_id=loaded.id, seq=task.seq) for task in new]
        ids.update((seq, task_id) for seq, task_id in _NEW_TASKS.execute_many(connection, rows))
    return ids


def _task_values(task: engine.TaskState) -> dict[str, Any]:
    return {"stage": task.stage, "round": task.round, "kind": task.kind,
            "assignee_id": task.assignee, "position": task.position, "state": task.state,
            "verdicts": ",".join(task.verdicts), "opened_at": task.opened_at,
            "deadline": task.deadline, "verdict": task.verdict, "comment": task.comment,
            "closed_at": task.closed_at, "decided_by_id": task.decided_by,
            "channel": task.channel, "close_reason": task.close_reason,
            "on_behalf_of_id": task.on_behalf_of}


def add_timers(connection: Connection, timers: list[dict[str, Any]]) -> None:
    if timers:
        _NEW_TIMERS.execute_many(connection, timers)


def add_outbox(connection: Connection, items: list[dict[str, Any]]) -> list[int]:
    """Insert outbox rows in one statement; returns their ids in the given order."""
    if not items:
        return []
    return [row[0] for row in _NEW_OUTBOX.execute_many(connection, items)]


def timer(connection: Connection, timer_id: int) -> Row | None:
    """The timer's ``(instance_id, task_id, kind, fired_at, due_at)``."""
    return connection.execute(_TIMER_ROW, {"id": timer_id}).first()


def due_with(connection: Connection, instance_id: int, kind: str,
             now: datetime) -> list[tuple[int, int]]:
    """The ``(timer id, task id)`` of the instance's timers of ``kind`` due by ``now`` and not
    fired yet, oldest first: the tasks of one stage share a deadline, and are acted on
    together."""
    return [(row[0], row[1]) for row in connection.execute(
        _DUE_WITH, {"instance_id": instance_id, "kind": kind, "now": now})]


def mark_fired(connection: Connection, timer_ids: list[int], now: datetime) -> None:
    connection.execute(_FIRE_TIMERS, {"b_ids": list(timer_ids), "fired_at": now})


def person_name(connection: Connection, person_id: int) -> str | None:
    return _PERSON_NAME.execute(connection, {"id": person_id}).scalar()


def person_name_and_locale(connection: Connection, person_id: int) -> tuple[str, str] | None:
    """The person's ``(name, locale)``: whom a title or a notice names, in whose language."""
    return _PERSON_NAME_LOCALE.execute(connection, {"id": person_id}).first()


def add_document(connection: Connection, instance_id: int, field: str, filename: str,
                 content_type: str, content: bytes, sha256: str, person_id: int,
                 now: datetime) -> int:
    """Store a file as the next version of an instance's field; returns that version.

    The content is stored once (a :class:`Blob` by its SHA-256) however often it is attached."""
    if _BLOB_KNOWN.execute(connection, {"sha256": sha256}).first() is None:
        _NEW_BLOB[connection.dialect.name].execute(
            connection, {"sha256": sha256, "size": len(content), "data": content})
    last = _LAST_DOCUMENT.execute(connection, {"instance_id": instance_id,
                                               "field": field}).scalar()
    version = (last or 0) + 1
    _NEW_DOCUMENT.execute(connection, {
        "instance_id": instance_id, "field": field, "version": version, "filename": filename,
        "content_type": content_type, "size": len(content), "sha256": sha256,
        "uploaded_by_id": person_id, "uploaded_at": now})
    return version
