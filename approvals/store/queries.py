"""The read side: what pages and the JSON API show. Nothing here writes.

Views are plain dicts of JSON-friendly values (times as ISO 8601 UTC strings ending in ``Z``),
so the API returns them as they are and templates read the same keys.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Text, bindparam, cast, exists, func, or_, text
from sqlalchemy.engine import Connection
from sqlmodel import Session, select

from approvals.core.errors import Forbidden, NotFound
from approvals.core.model import REVISION, Process
from approvals.core.policy import Actor, may_read
from approvals.store import registry
from approvals.store.directory import roles_of
from approvals.store.models import (
    TRAIL_SENT,
    AuditEvent,
    Document,
    Instance,
    Notification,
    Person,
    ProcessVersion,
    Task,
    Trail,
    title_in,
)
from approvals.store.statements import Prepared


def iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def person_ref(person: Person | None) -> dict[str, Any] | None:
    if person is None:
        return None
    return {"id": person.id, "name": person.name, "email": person.email}


class _People:
    """People as a view names them (``{"id", "name", "email"}``), each looked up once: three
    columns, not ORM objects (building a ``Person`` costs more than reading its row)."""

    def __init__(self, session: Session | Connection) -> None:
        self.session = session
        self._refs: dict[int, dict[str, Any] | None] = {}

    def preload(self, person_ids) -> None:
        """Fetch everyone a view will name in one query."""
        wanted = {i for i in person_ids if isinstance(i, int) and i not in self._refs}
        if len(wanted) > _PEOPLE_SLOTS:
            self._keep(wanted, self.session.execute(_PERSON_REFS.where(Person.id.in_(wanted))))
        elif wanted:
            ids = sorted(wanted)
            ids += ids[:1] * (_PEOPLE_SLOTS - len(ids))  # the free slots repeat an id
            self._keep(wanted, _PEOPLE_BY_ID.execute(self.session, dict(zip(_SLOTS, ids,
                                                                            strict=True))))

    def _keep(self, wanted: set[int], rows) -> None:
        self._refs.update(dict.fromkeys(wanted))
        for person_id, name, email in rows:
            self._refs[person_id] = {"id": person_id, "name": name, "email": email}

    def __call__(self, person_id: int | None) -> dict[str, Any] | None:
        if not isinstance(person_id, int):
            return None
        if person_id not in self._refs:
            self.preload([person_id])
        ref = self._refs[person_id]
        return None if ref is None else dict(ref)


_PERSON_REFS = select(Person.id, Person.name, Person.email)
#: How many people one prebuilt statement looks up: a view names a handful (the initiator,
#: the approvers, the uploaders), and an ``IN`` list of its own length costs SQLAlchemy a new
#: cache key and an expansion on every run (nearly half the time of a view). More are read that way.
_PEOPLE_SLOTS = 16
_SLOTS = tuple(f"person_{n}" for n in range(_PEOPLE_SLOTS))
_PEOPLE_BY_ID = Prepared(select(Person.__table__.c.id, Person.__table__.c.name,
                                Person.__table__.c.email)
                         .where(Person.__table__.c.id.in_([bindparam(n) for n in _SLOTS])))

_I, _T, _A = Instance.__table__, Task.__table__, AuditEvent.__table__
_PV, _D, _N = ProcessVersion.__table__, Document.__table__, Notification.__table__


def process_of(session: Session, instance: Instance) -> Process:
    return registry.definition_of(session, instance.process_version_id)


def get_instance(session: Session, instance_id: int) -> Instance:
    instance = session.get(Instance, instance_id)
    if instance is None:
        raise NotFound(f"instance {instance_id} not found", instance=instance_id)
    return instance


# whether a person took part: two probes of an index each, built once (every read of an
# instance by someone other than its initiator asks)
_HELD_OR_DECIDED = Prepared(select(_T.c.id).where(
    _T.c.instance_id == bindparam("instance_id"),
    (_T.c.assignee_id == bindparam("person_id")) | (_T.c.decided_by_id == bindparam("person_id"))
    | (_T.c.on_behalf_of_id == bindparam("person_id"))).limit(1))  # a deputy acted for them
_TRAIL_SENT = Prepared(select(_N.c.id).where(  # the condition of its partial index, literally
    _N.c.instance_id == bindparam("instance_id"), _N.c.person_id == bindparam("person_id"),
    text(TRAIL_SENT)).limit(1))


def is_participant(session: Session | Connection, instance: Instance | InstanceRow,
                   person: Person) -> bool:
    """The initiator, anyone who held or decided a task (or was away while their deputy held
    it), and the process's watchers the signed trail was sent to."""
    if instance.initiator_id == person.id:
        return True
    key = {"instance_id": instance.id, "person_id": person.id}
    return (_HELD_OR_DECIDED.execute(session, key).first() is not None
            or _TRAIL_SENT.execute(session, key).first() is not None)


def require_reader(session: Session | Connection, instance: Instance | InstanceRow,
                   person: Person) -> None:
    """Participants, administrators and auditors may read an instance; others get 403."""
    if may_read(Actor.of(person.id, roles_of(session, person.id)),
                participant=is_participant(session, instance, person)):
        return
    raise Forbidden("you are not a participant of this process")


class InstanceRow(NamedTuple):
    """An instance's columns as :class:`Instance` names them, and its version's digest and
    number beside them: what :func:`instance_view` reads when no ORM object is at hand (the
    API's answer to a command reads it in one prebuilt statement)."""

    id: int
    process_id: str
    process_version_id: int
    title: str
    titles: dict[str, str]
    status: str
    stage: str
    round: int
    sent_back_from: str | None
    initiator_id: int
    fields: dict[str, Any]
    started_at: datetime
    ended_at: datetime | None
    version: int
    process_digest: str
    process_version: int

    def title_in(self, locale: str | None) -> str:
        return title_in(self.titles, self.title, locale)


class _ViewTask(NamedTuple):
    """A task's columns as :func:`task_view` and :func:`stage_list` read them."""

    id: int
    instance_id: int
    stage: str
    round: int
    kind: str
    assignee_id: int
    state: str
    verdicts: str
    verdict: str | None
    comment: str
    opened_at: datetime | None
    deadline: datetime | None
    closed_at: datetime | None
    decided_by_id: int | None
    channel: str | None
    close_reason: str | None
    on_behalf_of_id: int | None


# The view's statements, built once and run on the session's connection (on SQLite on the
# driver's cursor, :mod:`.statements`): the view of a started instance was 70 % of the start's
# time, most of it SQLAlchemy's ORM and statement caching around seven small queries.
_INSTANCE_ROW = Prepared(select(*(_I.c[name] for name in InstanceRow._fields[:-2]),
                                _PV.c.digest, _PV.c.version)
                         .join_from(_I, _PV, _PV.c.id == _I.c.process_version_id)
                         .where(_I.c.id == bindparam("id")))
_VERSION_OF = Prepared(select(_PV.c.digest, _PV.c.version).where(_PV.c.id == bindparam("id")))
_VIEW_TASKS = Prepared(select(*(_T.c[name] for name in _ViewTask._fields))
                       .where(_T.c.instance_id == bindparam("instance_id")).order_by(_T.c.seq))
_EVENT_COLUMNS = (_A.c.seq, _A.c.at, _A.c.kind, _A.c.actor_id, _A.c.task_id, _A.c.channel,
                  _A.c.data)  # not the chain's hashes: the timeline does not show them
_VIEW_EVENTS = Prepared(select(*_EVENT_COLUMNS).where(_A.c.instance_id == bindparam("instance_id"))
                        .order_by(_A.c.seq))
_RECENT_EVENTS = Prepared(select(*_EVENT_COLUMNS)
                          .where(_A.c.instance_id == bindparam("instance_id"))
                          .order_by(_A.c.seq.desc()).limit(bindparam("recent")))
_VIEW_DOCUMENTS = Prepared(select(_D.c.id, _D.c.field, _D.c.version, _D.c.filename, _D.c.size,
                                  _D.c.sha256, _D.c.uploaded_at, _D.c.uploaded_by_id)
                           .where(_D.c.instance_id == bindparam("instance_id"))
                           .order_by(_D.c.field, _D.c.version))


def instance_row(connection: Connection, instance_id: int) -> InstanceRow:
    """The instance ``instance_id`` as :func:`instance_view` reads it, in one statement."""
    row = _INSTANCE_ROW.execute(connection, {"id": instance_id}).first()
    if row is None:
        raise NotFound(f"instance {instance_id} not found", instance=instance_id)
    return InstanceRow._make(row)


def instance_view(source: Session | Connection, instance: Instance | InstanceRow,
                  locale: str = "en", *, with_tasks: bool = True,
                  recent: int | None = None) -> dict[str, Any]:
    """The instance as pages, the API and the trail show it. A mail reads less: without the
    tasks and the stages (``with_tasks=False``; an acknowledgement campaign has 500 tasks)
    and only the ``recent`` newest events of the timeline.

    ``instance`` is the ORM object or :func:`instance_row`'s row. Its tasks, events,
    documents and the people they name are read as plain columns on ``source``'s connection
    (a session's pending changes are flushed first, as its own queries would)."""
    if isinstance(source, Connection):
        connection = source
    else:
        if source.autoflush:
            source.flush()
        connection = source.connection()
    if isinstance(instance, InstanceRow):
        digest, version = instance.process_digest, instance.process_version
    else:
        digest, version = _VERSION_OF.execute(connection,
                                              {"id": instance.process_version_id}).one()
    process = registry.definition_by_digest(connection, instance.process_version_id, digest)
    people = _People(connection)
    # rows, not ORM objects (the same attribute names): a stage of 500 people is 500 tasks
    # and twice as many events
    key = {"instance_id": instance.id}
    tasks = [_ViewTask._make(row) for row in _VIEW_TASKS.execute(connection, key)] \
        if with_tasks else []
    if recent is None:
        events = _VIEW_EVENTS.execute(connection, key).all()
    else:
        events = _RECENT_EVENTS.execute(connection, {**key, "recent": recent}).all()[::-1]
    documents = _VIEW_DOCUMENTS.execute(connection, key).all()
    people.preload([instance.initiator_id, *(t.assignee_id for t in tasks),
                    *(t.decided_by_id for t in tasks), *(e[3] for e in events),
                    *(t.on_behalf_of_id for t in tasks), *(d[7] for d in documents)])
    stage_name = (process.status(instance.stage).name.get(locale)
                  if instance.stage else "")
    return {
        "id": instance.id,
        "process": {"id": process.id, "version": version,
                    "name": process.name.get(locale)},
        "title": instance.title_in(locale),
        "status": instance.status,
        "stage": instance.stage,
        "stage_name": stage_name,
        # how a completed instance ended: its final status (``completed``, or an ending such
        # as ``rejected`` that the process names); None while it runs or once withdrawn
        "outcome": instance.stage if instance.status == "completed" else None,
        "ending": instance.status == "completed" and process.status(instance.stage).ending,
        "initiator": people(instance.initiator_id),
        "started_at": iso(instance.started_at),
        "ended_at": iso(instance.ended_at),
        "fields": instance.fields,
        "field_labels": {f.name: f.label.get(locale) for f in process.fields},
        "field_types": {f.name: f.type for f in process.fields},
        "documents": [{"id": id_, "field": field, "version": number, "filename": filename,
                       "size": size, "sha256": sha256, "uploaded_at": iso(uploaded_at),
                       "uploaded_by": people(uploaded_by_id)}
                      for id_, field, number, filename, size, sha256, uploaded_at,
                      uploaded_by_id in documents],
        "stages": stage_list(process, instance, tasks, locale) if with_tasks else [],
        "tasks": [task_view(t, process, people, locale) for t in tasks],
        "timeline": [{"seq": seq, "at": iso(at), "kind": kind, "actor": people(actor_id),
                      "task_id": task_id, "channel": channel, "data": data}
                     for seq, at, kind, actor_id, task_id, channel, data in events],
        # the discussion (approvals.core.discussion): its audit events, oldest first
        "comments": [{"seq": seq, "at": iso(at), "author": people(actor_id),
                      "channel": channel, "text": (data or {}).get("comment", "")}
                     for seq, at, kind, actor_id, _task, channel, data in events
                     if kind == "commented"],
        "version": instance.version,
    }


def event_count(session: Session, instance_id: int) -> int:
    """How many events the instance's audit trail holds."""
    return session.execute(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.instance_id == instance_id)).scalar_one()


def task_view(task: Task, process: Process, people, locale: str = "en") -> dict[str, Any]:
    return {
        "id": task.id,
        "instance_id": task.instance_id,
        "stage": task.stage,
        "stage_name": process.status(task.stage).name.get(locale),
        "kind": task.kind,
        "assignee": people(task.assignee_id),
        "state": task.state,
        "verdicts": [v for v in task.verdicts.split(",") if v],
        "verdict": task.verdict,
        "comment": task.comment,
        "opened_at": iso(task.opened_at),
        "deadline": iso(task.deadline),
        "closed_at": iso(task.closed_at),
        "decided_by": people(task.decided_by_id),
        "channel": task.channel,
        "close_reason": task.close_reason,
        "on_behalf_of": people(task.on_behalf_of_id),  # the person away it was routed from
    }


def stage_list(process: Process, instance: Instance, tasks: list[Task],
               locale: str = "en") -> list[dict[str, Any]]:
    """The working stages in order, each marked done, current, skipped or pending.

    A stage is done only once the process moved on from it: the stage a withdrawn process
    stopped at, and a stage whose last round was sent back for revision, are still pending.
    """
    entered = {t.stage for t in tasks}
    latest: dict[str, int] = {}
    for t in tasks:
        latest[t.stage] = max(latest.get(t.stage, 0), t.round)
    revisions = {t.round for t in tasks if t.stage == REVISION}
    unfinished = {key for key, last in latest.items() if last + 1 in revisions}
    if instance.status == "cancelled":
        unfinished.add(instance.stage)
    result = []
    current_seen = False
    for status in process.stages:
        if status.key == REVISION:
            continue
        if status.key == instance.stage and instance.status == "running":
            state, current_seen = "current", True
        elif instance.status == "completed" or (status.key in entered and not current_seen):
            if status.key not in entered:
                state = "skipped"
            elif status.key in unfinished and instance.status != "completed":
                state = "pending"
            else:
                state = "done"
        else:
            state = "pending"
        result.append({"key": status.key, "name": status.name.get(locale), "state": state,
                       "rule": status.rule.kind})
    if instance.stage == REVISION and instance.status == "running":
        result.append({"key": REVISION, "name": process.status(REVISION).name.get(locale),
                       "state": "current", "rule": "all"})
    return result


# The inbox and the other lists a person works from: :mod:`approvals.store.lists`.


_HOLDER = select(Task.assignee_id, Task.state).where(Task.id == bindparam("task_id"))


def task_holder(session: Session | Connection, task_id: int):
    """Who holds task ``task_id`` and whether it is open (a row with ``assignee_id`` and
    ``state``): what the API asks before it reads a request's body, in one small statement."""
    row = session.execute(_HOLDER, {"task_id": task_id}).first()
    if row is None:
        raise NotFound(f"task {task_id} not found", task=task_id)
    return row


def get_task(session: Session, task_id: int) -> tuple[Task, Instance]:
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound(f"task {task_id} not found", task=task_id)
    return task, session.get(Instance, task.instance_id)


def processes(session: Session, locale: str = "en") -> list[dict[str, Any]]:
    result = []
    for row in registry.latest_versions(session):
        process = registry.definition(row)
        result.append({"id": process.id, "version": row.version,
                       "name": process.name.get(locale),
                       "description": process.description.get(locale)
                       if process.description else ""})
    return result


# ---------------------------------------------------------------------------- audit search

OUTCOMES = ("running", "completed", "cancelled")
PERIODS = ("started", "ended")


@dataclass(frozen=True)
class Search:
    """What an auditor searches instances by; empty values do not filter."""

    process: str = ""
    period: str = "started"  # which moment the dates bound: started or ended
    date_from: date | None = None
    date_to: date | None = None  # included
    person: str = ""  # part of the initiator's or a participant's email or name
    outcome: str = ""  # an instance status
    text: str = ""  # part of the title or of a field value


def search_instances(session: Session, search: Search, page: int = 1,
                     per_page: int = 25) -> tuple[list[Instance], int]:
    """One page of the matching instances, newest first, and how many match in all."""
    query = select(Instance)
    if search.process:
        query = query.where(Instance.process_id == search.process)
    if search.outcome:
        query = query.where(Instance.status == search.outcome)
    moment = Instance.ended_at if search.period == "ended" else Instance.started_at
    if search.date_from:
        query = query.where(moment >= datetime.combine(search.date_from, time(), UTC))
    if search.date_to:
        query = query.where(moment < datetime.combine(search.date_to, time(), UTC)
                            + timedelta(days=1))
    if search.person.strip():
        pattern = _like(search.person.strip().lower())
        people = select(Person.id).where(or_(func.lower(Person.email).like(pattern, "!"),
                                             Person.name.ilike(pattern, "!")))
        query = query.where(or_(Instance.initiator_id.in_(people), exists().where(
            Task.instance_id == Instance.id,
            or_(Task.assignee_id.in_(people), Task.decided_by_id.in_(people)))))
    if search.text.strip():
        query = query.where(or_(*_text_matches(search.text.strip())))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(Instance.id.desc()).offset((max(page, 1) - 1) * per_page)
                        .limit(per_page)).all()
    return list(rows), total


def _like(text: str) -> str:
    """``%text%`` for LIKE with ``!`` as the escape character."""
    return "%" + text.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"


def _text_matches(text: str) -> list[Any]:
    """Title or field values containing ``text``.

    Field values are stored as JSON, where letters outside ASCII are written as ``\\u`` escapes, so
    the text is looked for in that spelling too; and because neither SQLite nor a PostgreSQL
    database in the C locale folds the case of Cyrillic letters, the usual case variants of
    the text are tried (as typed, lower, upper, capitalised)."""
    fields = cast(Instance.fields, Text)
    matches = []
    for variant in dict.fromkeys((text, text.lower(), text.upper(), text.capitalize())):
        matches.append(Instance.title.ilike(_like(variant), "!"))
        for spelling in dict.fromkeys((variant, json.dumps(variant)[1:-1])):
            matches.append(fields.ilike(_like(spelling), "!"))
    return matches


def newest_trails(session: Session, instance_ids: list[int]) -> dict[int, Trail]:
    """The newest signed trail of each instance that has one."""
    if not instance_ids:
        return {}
    rows = session.exec(select(Trail).where(Trail.instance_id.in_(instance_ids))
                        .order_by(Trail.instance_id, Trail.sequence)).all()
    return {trail.instance_id: trail for trail in rows}  # the last one wins: the newest
