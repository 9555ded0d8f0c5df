"""The service layer: one database transaction per command.

Each command loads the instance, asks the pure engine what follows, and writes the new state,
hash-chained audit events and outbox rows together. The instance row carries a version; the
write succeeds only if nobody changed the instance since it was read, so two concurrent
decisions can never both advance a stage — the loser is retried on fresh state (where it may
now find its task withdrawn, or the stage already advanced) or refused.

Every entry point (web page, JSON API, email, CLI, workers) calls these functions; nothing
else writes process state. They never send mail or render PDFs: the returned
:class:`Result` lists the outbox rows the caller hands to the workers after the commit.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import exc, insert, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from approvals import audit, engine, forms, registry
from approvals.db import write_session
from approvals.definitions import Process
from approvals.directory import DbDirectory
from approvals.errors import AlreadyDecided, ConcurrentUpdate, NotFound, SignoffError
from approvals.models import (
    Blob,
    Document,
    Instance,
    OutboxItem,
    Person,
    Task,
    Timer,
)

RETRIES = 8
MAX_FILENAME = 255  # the column holds 500; headers and file systems want less
_MIME = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$")


@dataclass
class Result:
    instance_id: int
    outbox_ids: list[int] = field(default_factory=list)
    status: str = ""
    stage: str = ""
    task_ids: dict[int, int] = field(default_factory=dict)  # task seq -> task id


def start(db: Engine, process_id: str, initiator_id: int, fields: dict[str, Any],
          now: datetime, channel: str = "web") -> Result:
    """Start the newest version of ``process_id`` with the given (raw) form values."""
    with write_session(db) as session:
        version = registry.latest(session, process_id)
        process = registry.definition(version)
        directory = DbDirectory(session)
        clean = forms.validate(process, fields, directory)
        stored, uploads = _split_uploads(clean)
        out = engine.start(process, directory, initiator_id, stored, now, channel)
        instance = Instance(process_id=process.id, process_version_id=version.id,
                            title=_title(process, out.state.fields), initiator_id=initiator_id,
                            started_at=now, fields={})
        session.add(instance)
        session.flush()
        out.state.id = instance.id
        docs = _store_uploads(session, instance.id, uploads, initiator_id, now)
        out.state.fields.update(docs)
        return _persist(session, instance, [], out, now, channel, None, _doc_events(docs))


def decide(db: Engine, task_id: int, actor_id: int, verdict: str, comment: str, now: datetime,
           channel: str = "web", evidence: dict[str, Any] | None = None) -> Result:
    """Record a verdict. ``evidence`` (e.g. an email's Message-ID) goes into the audit event."""

    def command(session: Session, process: Process, state, instance: Instance):
        seq = next((t.seq for t in state.tasks if t.id == task_id), None)
        if seq is None:
            raise NotFound(f"task {task_id} not found", task=task_id)
        try:
            return engine.decide(process, DbDirectory(session), state, seq, actor_id, verdict,
                                 comment, now, channel), []
        except AlreadyDecided as refusal:
            raise _named(session, refusal) from None

    return _run(db, _InstanceOfTask(task_id), command, now, channel, evidence)


def resubmit(db: Engine, instance_id: int, actor_id: int, fields: dict[str, Any], comment: str,
             now: datetime, channel: str = "web") -> Result:
    """Send a revised process back into approval; files in ``fields`` become new versions."""

    def command(session: Session, process: Process, state, instance: Instance):
        clean = forms.validate(process, fields or {}, DbDirectory(session), partial=True)
        stored, uploads = _split_uploads(clean)
        out = engine.resubmit(process, DbDirectory(session), state, actor_id, stored, comment,
                              now, channel)
        docs = _store_uploads(session, instance.id, uploads, actor_id, now)
        out.state.fields.update(docs)
        return out, _doc_events(docs)

    return _run(db, instance_id, command, now, channel)


def withdraw(db: Engine, instance_id: int, actor_id: int, reason: str, now: datetime,
             is_admin: bool = False, channel: str = "web") -> Result:
    def command(session, process, state, instance):
        return engine.withdraw(process, state, actor_id, reason, now, is_admin, channel), []

    return _run(db, instance_id, command, now, channel)


def reassign(db: Engine, task_id: int, new_assignee_id: int, actor_id: int, now: datetime,
             is_admin: bool = False, channel: str = "web") -> Result:
    def command(session, process, state, instance):
        if session.get(Person, new_assignee_id) is None:
            raise NotFound("no such person", person=new_assignee_id)
        seq = next(t.seq for t in state.tasks if t.id == task_id)
        return engine.reassign(process, state, seq, new_assignee_id, actor_id, now, is_admin,
                               channel), []

    return _run(db, _InstanceOfTask(task_id), command, now, channel)


def fire_timer(db: Engine, timer_id: int, now: datetime) -> Result | None:
    """Act on a due timer once; a timer already fired is a no-op (returns None)."""
    with write_session(db) as session:
        timer = session.get(Timer, timer_id)
        if timer is None:
            raise NotFound(f"timer {timer_id} not found")
        if timer.fired_at is not None:
            return None
        instance_id, task_id = timer.instance_id, timer.task_id

    def command(session, process, state, instance):
        timer = session.get(Timer, timer_id)
        if timer.fired_at is not None:
            return engine.Outcome(state), []
        timer.fired_at = now
        session.add(timer)
        seq = next(t.seq for t in state.tasks if t.id == task_id)
        return engine.timer_fired(process, state, seq, timer.kind, now), []

    return _run(db, instance_id, command, now, "system")


# ---------------------------------------------------------------------------- the unit of work


def _run(db: Engine, target: int | _InstanceOfTask, command: Callable, now: datetime,
         channel: str, evidence: dict[str, Any] | None = None) -> Result:
    """Load, run ``command``, persist; retried when another writer got there first.

    ``command(session, process, state, instance)`` returns the engine's outcome and any extra
    audit events (such as new document versions) to record after its first event.
    """
    for attempt in range(RETRIES):
        try:
            with write_session(db) as session:
                instance_id = target if isinstance(target, int) else target.resolve(session)
                instance = session.get(Instance, instance_id)
                if instance is None:
                    raise NotFound(f"instance {instance_id} not found", instance=instance_id)
                process = registry.definition_of(session, instance.process_version_id)
                tasks = list(session.exec(select(Task).where(Task.instance_id == instance_id)))
                state = _load(instance, tasks)
                try:
                    out, events = command(session, process, state, instance)
                except SignoffError:
                    _refuse_only_unchanged(session, instance)
                    raise
                return _persist(session, instance, tasks, out, now, channel, evidence, events)
        except (ConcurrentUpdate, exc.IntegrityError):
            if attempt == RETRIES - 1:
                raise ConcurrentUpdate("the process changed while your decision was being "
                                       "saved; please try again") from None
    raise AssertionError("unreachable")


def _refuse_only_unchanged(session: Session, instance: Instance) -> None:
    """Turn a refusal into a retry when another writer committed while we were loading.

    On PostgreSQL (READ COMMITTED) each SELECT sees the newest commit, so the tasks may come
    from a later commit than the instance row (a task withdrawn, an instance still running)
    and the engine would refuse on a state that never existed. The versioned UPDATE catches
    this when the command succeeds; a refusal has to check the version itself."""
    current = session.exec(select(Instance.version).where(Instance.id == instance.id)).one()
    if current != instance.version:
        raise ConcurrentUpdate("the instance changed while it was being read")


@dataclass(frozen=True)
class _InstanceOfTask:
    """Names an instance by one of its tasks; resolved inside the command's transaction."""

    task_id: int

    def resolve(self, session: Session) -> int:
        instance_id = session.exec(select(Task.instance_id)
                                   .where(Task.id == self.task_id)).first()
        if instance_id is None:
            raise NotFound(f"task {self.task_id} not found", task=self.task_id)
        return instance_id


def _load(instance: Instance, tasks: list[Task]) -> engine.InstanceState:
    state = engine.InstanceState(
        process_id=instance.process_id, initiator=instance.initiator_id,
        fields=dict(instance.fields), started_at=instance.started_at, status=instance.status,
        stage=instance.stage, round=instance.round, sent_back_from=instance.sent_back_from,
        ended_at=instance.ended_at, id=instance.id)
    for row in sorted(tasks, key=lambda t: t.seq):
        state.tasks.append(engine.TaskState(
            seq=row.seq, stage=row.stage, round=row.round, kind=row.kind,
            assignee=row.assignee_id, position=row.position, state=row.state,
            verdicts=tuple(v for v in row.verdicts.split(",") if v), opened_at=row.opened_at,
            deadline=row.deadline, verdict=row.verdict, comment=row.comment,
            closed_at=row.closed_at, decided_by=row.decided_by_id, channel=row.channel,
            close_reason=row.close_reason, id=row.id))
    return state


def _persist(session: Session, instance: Instance, rows: list[Task], out: engine.Outcome,
             now: datetime, channel: str, evidence: dict | None = None,
             extra_events: list | None = None) -> Result:
    state = out.state
    values = {"status": state.status, "stage": state.stage, "round": state.round,
              "sent_back_from": state.sent_back_from, "ended_at": state.ended_at,
              "fields": state.fields, "title": instance.title or ""}
    changed = session.execute(
        update(Instance).where(Instance.id == instance.id, Instance.version == instance.version)
        .values(version=instance.version + 1, **values)
        .execution_options(synchronize_session=False))
    if changed.rowcount != 1:
        raise ConcurrentUpdate("the instance changed since it was read")
    for key, value in values.items():
        setattr(instance, key, value)
    instance.version += 1
    by_seq = {row.seq: row for row in rows}
    for task in state.tasks:
        row = by_seq.get(task.seq)
        if row is None:
            row = Task(instance_id=instance.id, seq=task.seq)
            by_seq[task.seq] = row
        elif _same(row, task):
            continue
        row.stage, row.round, row.kind, row.assignee_id = task.stage, task.round, task.kind, \
            task.assignee
        row.position, row.state, row.verdicts = task.position, task.state, ",".join(task.verdicts)
        row.opened_at, row.deadline, row.verdict, row.comment = task.opened_at, task.deadline, \
            task.verdict, task.comment
        row.closed_at, row.decided_by_id, row.channel = task.closed_at, task.decided_by, \
            task.channel
        row.close_reason = task.close_reason
        session.add(row)
    session.flush()
    ids = {seq: row.id for seq, row in by_seq.items()}
    extra = [engine.Event(kind, None, data) for kind, data in extra_events or []]
    entries = []
    for event in [*out.events[:1], *extra, *out.events[1:]]:
        data = dict(event.data)
        if evidence and event.kind == "decided":
            data["evidence"] = evidence
        entries.append(audit.Entry(event.kind, data, event.actor, ids.get(event.task),
                                   data.get("channel", "system")))
    audit.append(session, instance.id, entries, now)
    timers, notices = [], []
    for effect in out.effects:
        if isinstance(effect, engine.SetTimer):
            timers.append({"instance_id": instance.id, "task_id": ids[effect.task],
                           "kind": effect.kind, "due_at": effect.due})
            continue
        params = dict(effect.params, instance=instance.id, title=instance.title)
        if effect.task is not None:
            params["task"] = ids[effect.task]
        notices.append({"kind": "notify", "instance_id": instance.id, "created_at": now,
                        "state": "pending", "attempts": 0,
                        "payload": {"person": effect.person, "template": effect.template,
                                    "params": params}})
    if timers:
        session.execute(insert(Timer), timers)
    outbox_ids = []
    if notices:
        outbox_ids = list(session.scalars(insert(OutboxItem).returning(
            OutboxItem.id, sort_by_parameter_order=True), notices))
    return Result(instance.id, outbox_ids, instance.status, instance.stage, ids)


def _same(row: Task, task: engine.TaskState) -> bool:
    return (row.state, row.assignee_id, row.verdict, row.deadline, row.opened_at) == (
        task.state, task.assignee, task.verdict, task.deadline, task.opened_at)


def _title(process: Process, fields: dict[str, Any]) -> str:
    title = fields.get("title")
    return str(title)[:500] if title else process.name.en


def _named(session: Session, refusal: AlreadyDecided) -> AlreadyDecided:
    person = session.get(Person, refusal.params.get("by")) if refusal.params.get("by") else None
    name = person.name if person else "someone"
    at = refusal.params.get("at")
    when = f"{at:%Y-%m-%d %H:%M} UTC" if at else "an earlier time"
    return AlreadyDecided(f"already decided by {name} at {when}", by=name, at=at,
                          verdict=refusal.params.get("verdict"))


# ---------------------------------------------------------------------------- documents


def _split_uploads(clean: dict[str, Any]) -> tuple[dict[str, Any], dict[str, forms.Upload]]:
    uploads = {k: v for k, v in clean.items() if isinstance(v, forms.Upload)}
    return {k: v for k, v in clean.items() if k not in uploads}, uploads


def _store_uploads(session: Session, instance_id: int, uploads: dict[str, forms.Upload],
                   person_id: int, now: datetime) -> dict[str, dict[str, Any]]:
    """Store each file as the next version of its field; returns the field values."""
    values = {}
    for name, upload in uploads.items():
        filename, content_type = _safe_filename(upload.filename), _safe_type(upload.content_type)
        digest = hashlib.sha256(upload.content).hexdigest()
        if session.get(Blob, digest) is None:
            session.add(Blob(sha256=digest, size=len(upload.content), data=upload.content))
        last = session.exec(select(func.max(Document.version)).where(
            Document.instance_id == instance_id, Document.field == name)).one()
        version = (last or 0) + 1
        session.add(Document(instance_id=instance_id, field=name, version=version,
                             filename=filename, content_type=content_type,
                             size=len(upload.content), sha256=digest, uploaded_by_id=person_id,
                             uploaded_at=now))
        values[name] = {"filename": filename, "size": len(upload.content),
                        "sha256": digest, "version": version}
    session.flush()
    return values


def _safe_filename(filename: str) -> str:
    """The name without control characters (they break headers), at most MAX_FILENAME long."""
    name = "".join(ch for ch in filename if ch.isprintable()).strip() or "file"
    if len(name) > MAX_FILENAME:
        stem, suffix = os.path.splitext(name)
        suffix = suffix[:16]
        name = stem[:MAX_FILENAME - len(suffix)] + suffix
    return name


def _safe_type(content_type: str) -> str:
    """A plain ``type/subtype`` (what a client claims is only a hint), else octet-stream."""
    value = (content_type or "").split(";", 1)[0].strip().lower()
    return value if _MIME.match(value) else "application/octet-stream"


def _doc_events(docs: dict[str, dict[str, Any]]) -> list[tuple[str, dict]]:
    return [("document_version", {"field": name, **doc}) for name, doc in docs.items()]


def outbox_ids(session: Session, instance_id: int, since_id: int = 0) -> list[int]:
    return list(session.exec(select(OutboxItem.id).where(
        OutboxItem.instance_id == instance_id, OutboxItem.id > since_id,
        OutboxItem.state == "pending")))
