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

from sqlalchemy import bindparam, exc, func, update
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, select

from approvals import extensions, texts
from approvals.core import discussion, engine, forms, templates
from approvals.core.errors import (
    AlreadyDecided,
    ConcurrentUpdate,
    Forbidden,
    FormInvalid,
    NotFound,
    SignoffError,
    TransitionNotAllowed,
)
from approvals.core.model import DEFAULT_LOCALE, LOCALES, Process
from approvals.core.policy import Actor, may_manage_absence
from approvals.store import audit, catalogue, notices, registry, webhooks
from approvals.store import instances as store
from approvals.store.db import read_session, write_connection, write_session
from approvals.store.directory import DbDirectory, roles_of
from approvals.store.models import (
    AuditEvent,
    Deputy,
    InboundMessage,
    Instance,
    OutboxItem,
    Person,
    ReplyToken,
    Task,
    Trail,
)
from approvals.store.statements import Prepared
from approvals.texts import values
from approvals.texts.formats import format_date

RETRIES = 8
MAX_FILENAME = 255  # the column holds 500; headers and file systems want less
_INBOUND, _TOKENS = InboundMessage.__table__, ReplyToken.__table__
#: an answer by email's marks, built once (:mod:`approvals.store.statements`): its message done
#: — the columns the receipt gives, and one more attempt counted — unless it is done already,
#: and its token used unless used already
_RECEIVED = Prepared(update(_INBOUND).where(_INBOUND.c.id == bindparam("b_inbound_id"),
                                            _INBOUND.c.state != "done")
                     .values(attempts=_INBOUND.c.attempts + 1))
_TOKEN_USED = Prepared(update(_TOKENS).where(_TOKENS.c.id == bindparam("b_token_id"),
                                             _TOKENS.c.used_at.is_(None))
                       .values(used_at=bindparam("b_now"),
                               used_by_inbound_id=bindparam("b_inbound_id")))
_MIME = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$")


@dataclass
class Result:
    """What a command recorded: the instance's state after it, as the command wrote it (an
    entry point answers from this, without reading the instance again), and the outbox rows
    to hand to the workers after the commit."""

    instance_id: int
    outbox_ids: list[int] = field(default_factory=list)
    status: str = ""
    stage: str = ""
    task_ids: dict[int, int] = field(default_factory=dict)  # task seq -> task id
    #: the definition the instance runs (for names in the reader's language)
    process: Process | None = None
    #: every task of the instance after the command (a new task's id is in ``task_ids``)
    tasks: list[engine.TaskState] = field(default_factory=list)

    def task(self, task_id: int) -> engine.TaskState | None:
        """One task of the instance after the command, by id."""
        return next((t for t in self.tasks if self.task_ids.get(t.seq, t.id) == task_id), None)


def start(db: Engine, process_id: str, initiator_id: int, fields: dict[str, Any],
          now: datetime, channel: str = "web", locale: str | None = None) -> Result:
    """Start the newest version of ``process_id`` with the given (raw) form values — if the
    initiator may start it (:func:`approvals.store.catalogue.require_starter`: not an example,
    and one of its starters when it names them). ``locale``: how the values' numbers are
    written (a page's reader's language; none from the JSON API)."""
    with write_connection(db) as conn:
        version_id, digest = registry.latest_id(conn, process_id)
        process = registry.definition_by_digest(conn, version_id, digest)
        catalogue.require_starter(conn, process, initiator_id)
        directory = DbDirectory(conn)
        clean = forms.validate(process, fields, directory, locale=locale)
        clean.update(_check(conn, process, clean, initiator_id, now))
        stored, uploads = _split_uploads(clean)
        out = engine.start(process, directory, initiator_id, stored, now, channel,
                           extensions.command_calendar(conn))
        title, titles = _titles(conn, process, out.state.fields, initiator_id)
        loaded = store.new_instance(conn, process.id, version_id, digest, title,
                                    initiator_id, now, titles)
        out.state.id = loaded.id
        docs = _store_uploads(conn, loaded.id, uploads, initiator_id, now)
        out.state.fields.update(docs)
        return _persist(conn, process, loaded, out, now, channel, None, _doc_events(docs))


def decide(db: Engine, task_id: int, actor_id: int, verdict: str, comment: str, now: datetime,
           channel: str = "web", evidence: dict[str, Any] | None = None,
           values: dict[str, Any] | None = None,
           screen: Callable[[engine.TaskState], None] | None = None,
           locale: str | None = None) -> Result:
    """Record a verdict. ``evidence`` (e.g. an email's Message-ID) goes into the audit event;
    ``values`` are the raw answers to the task's form (checked like the start form's).

    ``screen(task)`` runs first, on the task as this command's transaction read it, and may
    refuse by raising: the API refuses there a caller who may not act on the task at all,
    before it judges the request's body, with the very read the decision is made from (no
    read of its own before the command)."""
    return _run(db, _InstanceOfTask(task_id),
                _deciding(task_id, actor_id, verdict, comment, now, channel, values, screen,
                          locale),
                now, channel, evidence)


def _deciding(task_id: int, actor_id: int, verdict: str, comment: str, now: datetime,
              channel: str, values: dict[str, Any] | None = None,
              screen: Callable[[engine.TaskState], None] | None = None,
              locale: str | None = None) -> Callable:
    def command(conn: Connection, process: Process, loaded: store.Loaded):
        state = loaded.state
        task = next((t for t in state.tasks if t.id == task_id), None)
        if task is None:
            raise NotFound(f"task {task_id} not found", task=task_id)
        if screen is not None:
            screen(task)
        seq = task.seq
        try:
            return engine.decide(process, DbDirectory(conn), state, seq, actor_id, verdict,
                                 comment, now, channel, calendar=extensions.command_calendar(conn),
                                 values=values, locale=locale), []
        except AlreadyDecided as refusal:
            raise _named(conn, refusal) from None

    return command


def resubmit(db: Engine, instance_id: int, actor_id: int, fields: dict[str, Any], comment: str,
             now: datetime, channel: str = "web",
             evidence: dict[str, Any] | None = None, locale: str | None = None) -> Result:
    """Send a revised process back into approval; files in ``fields`` become new versions.
    ``evidence`` (an email's Message-ID) goes into the audit event; ``locale`` is how the
    numbers in ``fields`` are written."""
    return _run(db, instance_id, _resubmitting(actor_id, fields, comment, now, channel, locale),
                now, channel, evidence)


def _resubmitting(actor_id: int, fields: dict[str, Any] | Callable[[Process], dict[str, Any]],
                  comment: str, now: datetime, channel: str,
                  locale: str | None = None) -> Callable:
    def command(conn: Connection, process: Process, loaded: store.Loaded):
        engine.check_resubmitter(loaded.state, actor_id)  # before the form says anything
        directory = DbDirectory(conn)
        given = fields(process) if callable(fields) else fields
        clean = forms.validate(process, given or {}, directory, partial=True, locale=locale)
        clean.update(_check(conn, process, {**loaded.state.fields, **clean}, actor_id, now,
                            loaded.id))
        stored, uploads = _split_uploads(clean)
        out = engine.resubmit(process, directory, loaded.state, actor_id, stored, comment, now,
                              channel, extensions.command_calendar(conn))
        docs = _store_uploads(conn, loaded.id, uploads, actor_id, now)
        out.state.fields.update(docs)
        title, titles = _titles(conn, process, out.state.fields, loaded.state.initiator)
        store.set_titles(conn, loaded.id, title, titles)
        return out, _doc_events(docs)

    return command


def _check(conn: Connection, process: Process, fields: dict[str, Any], person_id: int,
           now: datetime, instance_id: int | None = None) -> dict[str, Any]:
    """Run the validators the process file names; every problem they find is refused
    together, like the fields' own checks. Then its calculators: the values of its computed
    fields (``compute:``), each seeing those computed before it."""
    problems: dict[str, tuple[str, dict]] = {}
    registered = extensions.validators()
    for named in process.validators:
        found = registered[named.name](extensions.Check(
            process, fields, person_id, now, conn, dict(named.params), instance_id))
        for name, problem in found.items():
            problems.setdefault(name, problem)
    if problems:
        raise FormInvalid(problems)
    computed: dict[str, Any] = {}
    wanted = {spec.name for spec in process.fields if spec.computed}
    for named in process.calculators:
        found = extensions.calculators()[named.name](extensions.Check(
            process, {**fields, **computed}, person_id, now, conn, dict(named.params),
            instance_id))
        computed.update((name, value) for name, value in found.items() if name in wanted)
    return computed


@dataclass(frozen=True)
class Receipt:
    """What an answer by email records in the transaction of its decision: its stored message
    marked done (``message`` holds the row's outcome columns, plain values; the reading is
    counted in its ``attempts`` here) and the reply token it used."""

    inbound_id: int
    token_id: int | None
    message: dict[str, Any]


class AlreadyReceived(Exception):
    """This stored message was processed already (another delivery of it got there first);
    nothing of this attempt was written."""


def answer(db: Engine, task_id: int, actor_id: int, verdict: str, comment: str,
           documents: list[forms.Upload], now: datetime, *, evidence: dict[str, Any],
           receipt: Receipt, values: dict[str, Any] | None = None,
           locale: str | None = None) -> Result:
    """An answer by email, in one transaction: a revision task's answer resubmits (the first
    of ``documents`` becomes the new version of the file field the process names, see
    :func:`_attached`), any other task's answer decides it with ``verdict``; the stored
    message is marked done and the reply token used with it. ``locale`` is the replier's
    language, in which the numbers of ``values`` are written. A crash before the commit
    leaves nothing decided (the message is read again); after it, the message is done and is
    not read again.
    Raises :class:`AlreadyReceived` when the message was processed meanwhile."""

    def command(conn: Connection, process: Process, loaded: store.Loaded):
        task = next((t for t in loaded.state.tasks if t.id == task_id), None)
        if task is not None and task.kind == engine.REVISION_TASK:
            return _resubmitting(actor_id, lambda p: _attached(p, documents), comment, now,
                                 "email")(conn, process, loaded)
        out, extra = _deciding(task_id, actor_id, verdict, comment, now, "email", values,
                               locale=locale)(conn, process, loaded)
        engine.acknowledge_email(process, out, task.seq)
        return out, extra

    return _run(db, _InstanceOfTask(task_id), command, now, "email", evidence,
                after=_received(receipt, now))


def _received(receipt: Receipt, now: datetime) -> Callable[[Connection], None]:
    """What marks an email's stored message done (and its reply token used, when the receipt
    names one) in the transaction of the command it caused."""

    def received(conn: Connection) -> None:
        marked = _RECEIVED.execute(conn, {**receipt.message, "b_inbound_id": receipt.inbound_id})
        if marked.rowcount != 1:
            raise AlreadyReceived(receipt.inbound_id)
        if receipt.token_id is not None:
            used = _TOKEN_USED.execute(conn, {"b_token_id": receipt.token_id, "b_now": now,
                                              "b_inbound_id": receipt.inbound_id})
            if used.rowcount != 1:
                raise AlreadyDecided("this reply address was used by another message")

    return received


def _attached(process: Process, documents: list[forms.Upload]) -> dict[str, Any]:
    """The first document goes to the file field the process names for revisions by email
    (``revision: {attachments: FIELD}``), else to its only file field; with several file
    fields and none named an answer cannot say which is which, so none does."""
    if not documents:
        return {}
    if process.revision.attachments:
        return {process.revision.attachments: documents[0]}
    file_fields = [f.name for f in process.start_fields if f.type == "file"]
    return {file_fields[0]: documents[0]} if len(file_fields) == 1 else {}


def withdraw(db: Engine, instance_id: int, actor_id: int, reason: str, now: datetime,
             channel: str = "web") -> Result:
    """The initiator or an administrator (the service looks the actor's roles up) cancels a
    running instance."""

    def command(conn, process, loaded):
        return engine.withdraw(process, loaded.state, actor_id, reason, now,
                               _roles(conn, actor_id), channel), []

    return _run(db, instance_id, command, now, channel)


def dispute(db: Engine, task_id: int, actor_id: int, now: datetime) -> Result:
    """The assignee reports that a decision recorded from an email in their name was not
    theirs (the receipt mail links here); reported once."""

    def command(conn: Connection, process: Process, loaded: store.Loaded):
        seq = next((t.seq for t in loaded.state.tasks if t.id == task_id), None)
        if seq is None:
            raise NotFound(f"task {task_id} not found", task=task_id)
        out = engine.dispute(process, DbDirectory(conn), loaded.state, seq, actor_id, now)
        if conn.execute(select(AuditEvent.id).where(
                AuditEvent.instance_id == loaded.id, AuditEvent.task_id == task_id,
                AuditEvent.kind == "decision_disputed")).first() is not None:
            raise TransitionNotAllowed("this decision was reported already", why="disputed")
        return out, []

    return _run(db, _InstanceOfTask(task_id), command, now, "web")


def reopen(db: Engine, instance_id: int, actor_id: int, reason: str, now: datetime,
           stage: str | None = None, channel: str = "web") -> Result:
    """An administrator takes a completed or withdrawn instance back into approval.

    A completed instance is reopened only once its signed trail is issued: the trail seals
    that completion, and a completion reopened before it was sealed would never get one."""

    def command(conn: Connection, process: Process, loaded: store.Loaded):
        out = engine.reopen(process, DbDirectory(conn), loaded.state, actor_id, reason, now,
                            stage, _roles(conn, actor_id), channel,
                            extensions.command_calendar(conn))
        if loaded.state.status == engine.COMPLETED and not _trail_issued(conn, loaded.id):
            raise TransitionNotAllowed("the signed trail of this completion is still being "
                                       "made; reopen the process once it is issued",
                                       why="trail_pending")
        return out, []

    return _run(db, instance_id, command, now, channel)


def comment(db: Engine, instance_id: int, actor_id: int, text: str, now: datetime,
            channel: str = "web", *, evidence: dict[str, Any] | None = None,
            receipt: Receipt | None = None) -> Result:
    """A comment on an instance by a participant or an administrator: a ``commented`` audit
    event on its chain and a notice to every other participant, in one transaction
    (:mod:`approvals.core.discussion` says who may, when, and what text is taken).
    ``evidence`` (an email's Message-ID…) goes into the event; ``receipt`` marks the email it
    came in done in the same transaction (a receipt without a token: a comment decides
    nothing, so the reply address stays good for the answer)."""

    def command(conn: Connection, process: Process, loaded: store.Loaded):
        return discussion.comment(loaded.state, Actor.of(actor_id, _roles(conn, actor_id)),
                                  text, now, channel, evidence), []

    return _run(db, instance_id, command, now, channel,
                after=_received(receipt, now) if receipt is not None else None)


def _trail_issued(conn: Connection, instance_id: int) -> bool:
    """Whether the instance's latest completion has its signed trail."""
    completion = conn.execute(select(func.max(AuditEvent.seq)).where(
        AuditEvent.instance_id == instance_id, AuditEvent.kind == "completed")).scalar()
    return completion is not None and conn.execute(select(Trail.id).where(
        Trail.instance_id == instance_id, Trail.completion_seq == completion)).first() is not None


def reassign(db: Engine, task_id: int, new_assignee_id: int, actor_id: int, now: datetime,
             channel: str = "web", *, comment: str = "",
             on_behalf_of: int | None = None) -> Result:
    """Hand a task to ``new_assignee_id`` (their deputy, when they are away today), saying
    why in ``comment``; ``on_behalf_of`` is the person away whose task this hands over."""
    def command(conn, process, loaded):
        if store.person_name(conn, new_assignee_id) is None:
            raise NotFound("no such person", person=new_assignee_id)
        seq = next(t.seq for t in loaded.state.tasks if t.id == task_id)
        return engine.reassign(process, loaded.state, seq, new_assignee_id, actor_id, now,
                               _roles(conn, actor_id), channel, directory=DbDirectory(conn),
                               comment=comment, on_behalf_of=on_behalf_of), []

    return _run(db, _InstanceOfTask(task_id), command, now, channel)


@dataclass
class HandOver:
    """What handing over the open tasks of a person away did: each task handed over (its
    own command), and each one refused with why (decided meanwhile, the deputy is its
    initiator…)."""

    handed: dict[int, Result] = field(default_factory=dict)  # task id -> its command
    refused: dict[int, SignoffError] = field(default_factory=dict)

    @property
    def outbox_ids(self) -> list[int]:
        return [i for result in self.handed.values() for i in result.outbox_ids]


def hand_over(db: Engine, absence_id: int, actor_id: int, now: datetime,
              channel: str = "web") -> HandOver:
    """Hand every open (or waiting) task of a person away to the deputy they named for
    ``absence_id`` (that deputy's own deputy when they are away today), each through
    :func:`reassign` — its own audited ``reassigned`` event, ``on_behalf_of`` the person away
    and the comment "away from … to …" in their language — so that one refusal never stops
    the others. Only the person away or an administrator may."""
    with read_session(db) as session:
        absence = session.get(Deputy, absence_id)
        if absence is None:
            raise NotFound(f"no absence with the id {absence_id}", absence=absence_id)
        if not may_manage_absence(Actor.of(actor_id, roles_of(session, actor_id)),
                                  person=absence.person_id):
            raise Forbidden("only the person away or an administrator may hand over their "
                            "tasks")
        tasks = session.exec(select(Task.id).where(
            Task.assignee_id == absence.person_id, Task.state.in_((engine.OPEN,
                                                                   engine.WAITING)))
            .order_by(Task.id)).all()
        locale = session.exec(select(Person.locale).where(
            Person.id == absence.person_id)).first()
    comment = texts.t("handover.comment", locale, start=format_date(absence.starts_on, locale),
                      end=format_date(absence.ends_on, locale))
    done = HandOver()
    for task_id in tasks:
        try:
            done.handed[task_id] = reassign(db, task_id, absence.deputy_id, actor_id, now,
                                            channel, comment=comment,
                                            on_behalf_of=absence.person_id)
        except SignoffError as refusal:
            done.refused[task_id] = refusal
    return done


def _roles(conn: Connection, person_id: int) -> frozenset[str]:
    """The actor's roles, read in the command's transaction: what they may do is the
    service's to find out, never an entry point's to claim."""
    return frozenset(roles_of(conn, person_id))


def fire_timer(db: Engine, timer_id: int, now: datetime) -> Result | None:
    """Act on a due timer once; a timer already fired is a no-op (returns None).

    The instance's other timers of the same kind that are due too — the tasks of a stage
    share their deadline — are fired with it, in the same command: a campaign to 500 people
    closes (or is reminded) in one transaction, and the other timers' own deliveries find
    them fired."""
    with write_connection(db) as conn:
        timer = store.timer(conn, timer_id)
        if timer is None:
            raise NotFound(f"timer {timer_id} not found")
        if timer.fired_at is not None:
            return None
        instance_id, task_id = timer.instance_id, timer.task_id

    def command(conn, process, loaded):
        timer = store.timer(conn, timer_id)
        if timer.fired_at is not None:
            return engine.Outcome(loaded.state), []
        # its siblings: due by now, or with it (a timer handed on early is as due as they)
        due = [(timer_id, task_id), *(pair for pair in store.due_with(
            conn, loaded.id, timer.kind, max(now, timer.due_at)) if pair[0] != timer_id)]
        store.mark_fired(conn, [timer for timer, _task in due], now)
        seqs = {t.id: t.seq for t in loaded.state.tasks}
        return engine.timers_fired(process, loaded.state, [
            (seqs[task], timer.kind) for _timer, task in due if task in seqs], now,
            DbDirectory(conn), extensions.command_calendar(conn)), []

    return _run(db, instance_id, command, now, "system")


# ---------------------------------------------------------------------------- the unit of work


def _run(db: Engine, target: int | _InstanceOfTask, command: Callable, now: datetime,
         channel: str, evidence: dict[str, Any] | None = None,
         after: Callable[[Connection], None] | None = None) -> Result:
    """Load, run ``command``, persist; retried when another writer got there first.

    ``command(connection, process, loaded)`` returns the engine's outcome and any extra
    audit events (such as new document versions) to record after its first event. ``after``
    writes what belongs to the same transaction (an email's receipt); raising, it undoes all.
    """
    for attempt in range(RETRIES):
        try:
            with write_connection(db) as conn:
                loaded = (store.load(conn, target) if isinstance(target, int)
                          else store.load_by_task(conn, target.task_id))
                process = registry.definition_by_digest(conn, loaded.process_version_id,
                                                        loaded.digest)
                try:
                    out, events = command(conn, process, loaded)
                except SignoffError:
                    _refuse_only_unchanged(conn, loaded)
                    raise
                result = _persist(conn, process, loaded, out, now, channel, evidence, events)
                if after is not None:
                    after(conn)
                return result
        except (ConcurrentUpdate, exc.IntegrityError):
            if attempt == RETRIES - 1:
                raise ConcurrentUpdate("the process changed while your decision was being "
                                       "saved; please try again") from None
    raise AssertionError("unreachable")


def _refuse_only_unchanged(conn: Connection, loaded: store.Loaded) -> None:
    """Turn a refusal into a retry when another writer committed while we were deciding.

    On PostgreSQL (READ COMMITTED) another command may commit between our read and our
    refusal, and the engine would refuse on a state that no longer exists (a task since
    withdrawn, an instance since cancelled). The versioned UPDATE catches this when the
    command succeeds; a refusal has to check the version itself."""
    if store.current_version(conn, loaded.id) != loaded.version:
        raise ConcurrentUpdate("the instance changed while it was being read")


@dataclass(frozen=True)
class _InstanceOfTask:
    """Names an instance by one of its tasks; resolved inside the command's transaction."""

    task_id: int


def _persist(conn: Connection, process: Process, loaded: store.Loaded, out: engine.Outcome,
             now: datetime, channel: str, evidence: dict | None = None,
             extra_events: list | None = None) -> Result:
    state = out.state
    ids = store.save(conn, loaded, state)
    extra = [engine.Event(kind, None, data) for kind, data in extra_events or []]
    entries = []
    for event in [*out.events[:1], *extra, *out.events[1:]]:
        data = dict(event.data)
        if evidence and event.kind in ("decided", "resubmitted"):
            data["evidence"] = evidence
        entries.append(audit.Entry(event.kind, data, event.actor, ids.get(event.task),
                                   data.get("channel", "system")))
    audit.append(conn, loaded.id, entries, now, after=loaded.head)
    timers, rows = [], []
    completing = state.status == "completed" and loaded.state.status != "completed"
    held = []  # the initiator's completion notices: one, sent with the signed trail
    reader: _Reader | None = None
    for effect in out.effects:
        if isinstance(effect, engine.RunEffect):
            # in this transaction: an effect that raises undoes the whole command
            extensions.effects()[effect.name](extensions.Entered(
                process, loaded.id, effect.status, state.fields, state.initiator, now, conn,
                effect.params))
            continue
        if isinstance(effect, engine.SetTimer):
            timers.append({"instance_id": loaded.id, "task_id": ids[effect.task],
                           "kind": effect.kind, "due_at": effect.due})
            continue
        params = dict(effect.params, instance=loaded.id, title=loaded.title)
        if isinstance(params.get("message"), dict):  # a process's notice: fill its template
            reader = reader or _Reader(conn, process, state.fields, state.initiator)
            params["message"] = {locale: reader.render(text, locale)
                                 for locale, text in params["message"].items()}
        if effect.task is not None:
            params["task"] = ids[effect.task]
        payload = {"person": effect.person, "template": effect.template, "params": params}
        if completing and effect.person == state.initiator \
                and effect.template in notices.HELD_WITH_COMPLETION:
            held.append(payload)
            continue
        rows.append({"kind": "notify", "instance_id": loaded.id, "created_at": now,
                     "state": "pending", "attempts": 0, "payload": payload})
    if completing:
        # the signed trail: made by a worker on its own queue, never inside a command; it
        # carries the initiator's completion notice (approvals/store/notices.py)
        folded = notices.fold_completion(held)
        rows.append({"kind": "trail", "instance_id": loaded.id, "created_at": now,
                     "state": "pending", "attempts": 0,
                     "payload": {"instance": loaded.id, "held": [folded] if folded else []}})
    # webhooks: a row per event and subscribed endpoint; and those the effects emitted
    rows.extend(webhooks.command_rows(conn, process, loaded.id, state, out.events, ids, now))
    emitted = webhooks.emitted(conn, loaded.id, now) \
        if any(isinstance(e, engine.RunEffect) for e in out.effects) else []
    store.add_timers(conn, timers)
    return Result(loaded.id, [*emitted, *store.add_outbox(conn, rows)], state.status,
                  state.stage, ids, process, state.tasks)


def _titles(conn: Connection, process: Process, fields: dict[str, Any],
            initiator: int) -> tuple[str, dict[str, str]]:
    """The instance's title in each language — from the process's ``title`` template, else its
    ``title`` field, else the process's name — and the one kept for search (the initiator's
    language)."""
    reader = _Reader(conn, process, fields, initiator)
    titles = {}
    for locale in LOCALES:
        if process.title is not None:
            text = reader.render(process.title.get(locale), locale)
        else:
            text = str(fields.get("title") or "") or process.name.get(locale)
        titles[locale] = text[:500]
    return titles.get(reader.locale) or titles[DEFAULT_LOCALE], titles


class _Reader:
    """Looks up what a template names, for one instance, once."""

    def __init__(self, conn: Connection, process: Process, fields: dict[str, Any],
                 initiator: int) -> None:
        self.conn, self.process, self.fields = conn, process, fields
        row = store.person_name_and_locale(conn, initiator)
        self.initiator_name = row[0] if row else ""
        self.locale = row[1] if row else DEFAULT_LOCALE
        self.names: dict[str, str] = {}

    def name_of(self, email: str) -> str:
        if email not in self.names:
            row = self.conn.execute(select(Person.name).where(Person.email == email)).first()
            self.names[email] = row[0] if row else email
        return self.names[email]

    def value(self, name: str, locale: str) -> str:
        if name == "initiator.name":
            return self.initiator_name
        if name == "process.name":
            return self.process.name.get(locale)
        spec = self.process.field(name.removeprefix("fields."))
        value = self.fields.get(spec.name) if spec else None
        if spec is None or value is None or value == "":
            return ""
        return values.display(spec, value, locale, self.name_of, self.fields)

    def render(self, text: str, locale: str) -> str:
        return templates.render(text, lambda name: self.value(name, locale))


def _named(conn: Connection, refusal: AlreadyDecided) -> AlreadyDecided:
    by = refusal.params.get("by")
    name = store.person_name(conn, by) if by else None
    name = name if name is not None else "someone"
    at = refusal.params.get("at")
    when = f"{at:%Y-%m-%d %H:%M} UTC" if at else "an earlier time"
    return AlreadyDecided(f"already decided by {name} at {when}", by=name, at=at,
                          verdict=refusal.params.get("verdict"))


# ---------------------------------------------------------------------------- documents


def _split_uploads(clean: dict[str, Any]) -> tuple[dict[str, Any], dict[str, forms.Upload]]:
    uploads = {k: v for k, v in clean.items() if isinstance(v, forms.Upload)}
    return {k: v for k, v in clean.items() if k not in uploads}, uploads


def _store_uploads(conn: Connection, instance_id: int, uploads: dict[str, forms.Upload],
                   person_id: int, now: datetime) -> dict[str, dict[str, Any]]:
    """Store each file as the next version of its field; returns the field values."""
    values = {}
    for name, upload in uploads.items():
        filename, content_type = _safe_filename(upload.filename), _safe_type(upload.content_type)
        digest = hashlib.sha256(upload.content).hexdigest()
        version = store.add_document(conn, instance_id, name, filename, content_type,
                                     upload.content, digest, person_id, now)
        values[name] = {"filename": filename, "size": len(upload.content),
                        "sha256": digest, "version": version}
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


# ---------------------------------------------------------------------------- trails


@dataclass(frozen=True)
class TrailRecord:
    trail_id: int
    created: bool  # False: this completion already had its trail (the caller's copy is spare)
    outbox_ids: list[int] = field(default_factory=list)


def record_trail(db: Engine, instance_id: int, *, completion_seq: int, completed_at: datetime,
                 sha256: str, size: int, path: str, chain_head: str, event_count: int,
                 now: datetime, problems: str | None = None) -> TrailRecord:
    """Index a signed trail already stored on disk, in one transaction: the trail row, the
    ``trail_issued`` audit event carrying its SHA-256, the notifications of the initiator and
    of the process's watchers (whose mail carries the PDF), and the instance's pending
    ``trail`` outbox rows closed.

    The trail is unique per completion (``completion_seq``, the seq of the ``completed``
    event): when that completion already has one, nothing new is written and its number is
    returned with ``created=False``. The event comes after the chain head the PDF carries
    (``event_count`` events), so the trail seals the chain as it stood when it was made.
    ``problems`` is what the trail shows marked (an attachment it could not embed)."""
    for attempt in range(RETRIES):
        try:
            with write_session(db) as session:
                existing = session.exec(select(Trail.id).where(
                    Trail.instance_id == instance_id,
                    Trail.completion_seq == completion_seq)).first()
                if existing is not None:
                    close_trail_rows(session, instance_id, now)
                    return TrailRecord(existing, False)
                instance = session.get(Instance, instance_id)
                if instance is None:
                    raise NotFound(f"instance {instance_id} not found", instance=instance_id)
                last = session.exec(select(func.max(Trail.sequence))
                                    .where(Trail.instance_id == instance_id)).one()
                trail = Trail(instance_id=instance_id, sequence=(last or 0) + 1,
                              completion_seq=completion_seq, completed_at=completed_at,
                              sha256=sha256, size=size, path=path, chain_head=chain_head,
                              event_count=event_count, signed=True, problems=problems,
                              created_at=now)
                session.add(trail)
                session.flush()
                data = {"trail": trail.id, "sequence": trail.sequence, "sha256": sha256,
                        "size": size, "event_count": event_count, "chain_head": chain_head}
                if problems:
                    data["problems"] = problems
                audit.append(session, instance_id, [audit.Entry("trail_issued", data)], now)
                params = {"instance": instance_id, "title": instance.title, "trail": trail.id}
                # one notice a person: the completion notice the command held back, now with
                # the trail (approvals/store/notices.py); the watchers' trail_issued
                held = {p["person"]: p for p in _held_notices(session, instance_id)}
                notes = [OutboxItem(kind="notify", instance_id=instance_id, created_at=now,
                                    payload=_with_trail(held.pop(person, None), person, params))
                         for person in _trail_recipients(session, instance)]
                notes += [OutboxItem(kind="notify", instance_id=instance_id, created_at=now,
                                     payload=_with_trail(payload, person, params))
                          for person, payload in held.items()]
                session.add_all(notes)
                close_trail_rows(session, instance_id, now, send_held=False)
                session.flush()
                return TrailRecord(trail.id, True, [note.id for note in notes])
        except exc.IntegrityError:  # another worker recorded it (or an event) first
            if attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def _trail_recipients(session: Session, instance: Instance) -> list[int]:
    """The initiator, then each of the process's watchers: resolved like a stage's assignees
    on the instance as it completed (active people only, in the definition version it ran),
    each person once."""
    process = registry.definition_of(session, instance.process_version_id)
    state = engine.InstanceState(process_id=instance.process_id,
                                 initiator=instance.initiator_id, fields=dict(instance.fields),
                                 started_at=instance.started_at, id=instance.id)
    directory = DbDirectory(session)
    people = [instance.initiator_id]
    for spec in process.watchers:
        # the engine's own resolution, so a watcher means what an assignee means
        for person in engine.resolve(spec, directory, state):
            if person not in people:
                people.append(person)
    return people


def close_trail_rows(session: Session, instance_id: int, now: datetime,
                     note: str | None = None, *, send_held: bool = True) -> int:
    """Mark the instance's pending ``trail`` outbox rows done; returns how many. The notices
    they hold are sent as they are (no trail came of them) unless ``send_held`` is False (the
    trail's own notices carry them)."""
    rows = session.exec(select(OutboxItem).where(
        OutboxItem.instance_id == instance_id, OutboxItem.kind == "trail",
        OutboxItem.state == "pending").with_for_update()).all()
    for row in rows:
        row.state, row.done_at, row.last_error = "done", now, note
        row.attempts += 1
        row.last_attempt_at = now
        session.add(row)
        if send_held:
            send_held_notices(session, row, now)
    return len(rows)


def send_held_notices(session: Session, row: OutboxItem, now: datetime) -> None:
    """The notices a ``trail`` row held for the signed trail, as plain ``notify`` rows: the
    trail will not come (the row is closed without one, or failed for good). The sweep hands
    them on."""
    session.add_all(OutboxItem(**values) for values in
                    notices.held_rows(row.payload, row.instance_id, now))


def _held_notices(session: Session, instance_id: int) -> list[dict[str, Any]]:
    """The notices the instance's pending ``trail`` rows hold, oldest row first."""
    rows = session.exec(select(OutboxItem).where(
        OutboxItem.instance_id == instance_id, OutboxItem.kind == "trail",
        OutboxItem.state == "pending").order_by(OutboxItem.id)).all()
    return [held for row in rows for held in row.payload.get("held") or []]


def _with_trail(held: dict[str, Any] | None, person: int,
                params: dict[str, Any]) -> dict[str, Any]:
    """A recipient's notice of the signed trail: the completion notice held for them, with
    the trail's number, or else ``trail_issued``."""
    if held is None:
        return {"person": person, "template": "trail_issued", "params": dict(params)}
    return {**held, "params": {**held["params"], "trail": params["trail"]}}


def outbox_ids(session: Session, instance_id: int, since_id: int = 0) -> list[int]:
    return list(session.exec(select(OutboxItem.id).where(
        OutboxItem.instance_id == instance_id, OutboxItem.id > since_id,
        OutboxItem.state == "pending")))


def resend_mail(db: Engine, item_ids: list[int] | None, now: datetime) -> list[int]:
    """Send mail again, on an administrator's word: the ``email`` rows ``item_ids`` (None:
    every failed one) that failed for good, or wait for their next try, become pending, due
    at once and held by nobody, and are marked queued; returns their ids, for the caller to
    hand on after the commit (:func:`approvals.dispatch.route`; the sweep does it otherwise).

    A row keeps its id, so its mail keeps its Message-ID (and a task mail its reply token):
    the person gets the same mail, not a second one. A row already sent, or one a worker
    holds right now, is left alone; attempts and the last error stay as history."""
    wanted = [OutboxItem.kind == "email",
              (OutboxItem.state == "failed") | ((OutboxItem.state == "pending")
                                                & OutboxItem.claimed_at.is_(None))]
    if item_ids is not None:
        wanted.append(OutboxItem.id.in_(item_ids))
    with write_session(db) as session:
        rows = session.exec(select(OutboxItem).where(*wanted).order_by(OutboxItem.id)
                            .with_for_update()).all()
        for row in rows:
            row.state, row.done_at, row.next_attempt_at, row.claimed_at = \
                "pending", None, None, None
            row.queued_at = now
            session.add(row)
        return [row.id for row in rows]
