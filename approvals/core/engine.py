"""The pure process engine: (state, command, now) -> (new state, events, effects).

``now`` is an aware UTC datetime, passed in by the caller.

No I/O, no clock, no randomness. The service layer loads an :class:`InstanceState`, calls one
of the command functions here with ``now`` and a read-only :class:`Directory`, and writes what
comes back. The input state is never modified: every command works on a copy.

Stage rules, for the tasks of the current stage:

- ``all``: every assignee at once; every one must give a positive verdict.
- ``sequence``: every assignee, one after another, in the listed order.
- ``any``: every assignee at once; the first to respond decides for the stage.
- ``quorum``: every assignee at once; the stage completes when the required count of positive
  verdicts is reached, and goes back for revision once that count can no longer be reached.

Tasks still open when a stage completes are withdrawn, and recorded as such. A ``send_back``
(its comment is required) opens a revision task; resubmission restarts at the first stage or at
the stage that sent it back, as the definition says.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import islice
from typing import Any

from approvals.core import conditions, deputies, forms, limits
from approvals.core.calendar import WEEKDAYS, Calendar, add_working_days
from approvals.core.directory import Directory, managers_above
from approvals.core.errors import (
    AlreadyDecided,
    CommentRequired,
    Forbidden,
    FormInvalid,
    InstanceClosed,
    NoAssignee,
    NotAnAssignee,
    NotFound,
    TaskClosed,
    TransitionNotAllowed,
    VerdictNotAllowed,
)
from approvals.core.model import (
    HEAD_ROLE,
    RESUBMIT,
    REVISION,
    SEND_BACK,
    Action,
    Assignee,
    Condition,
    Process,
    Status,
)
from approvals.core.policy import (
    ADMIN,
    Actor,
    may_ever_resubmit,
    may_reassign,
    may_reopen,
    may_resubmit,
    may_withdraw,
    refusal_to_decide,
)
from approvals.core.states import (  # noqa: F401 - engine.X names them for its callers
    APPROVAL,
    CANCELLED,
    COMPLETED,
    DECIDED,
    OPEN,
    REVISION_TASK,
    RUNNING,
    WAITING,
    WITHDRAWN,
)

MAX_STAGE_HOPS = 100  # guards against a status machine that skips in a circle
DUE_TIME = time(9, 0)  # a deadline counted from a date falls due at 09:00 UTC that day
#: The kinds of timer: the deadline itself, a repeated reminder after it (``remind_every``),
#: and the one reminder before it (``remind_before``).
DEADLINE, REMINDER, REMIND_BEFORE = "deadline", "reminder", "remind_before"
#: Why a task left open when ``then: close`` ends its stage was closed: "not acknowledged"
#: where acknowledging is the answer the stage waits for, else "the deadline passed".
NOT_ACKNOWLEDGED, DEADLINE_PASSED = "not_acknowledged", "deadline_passed"


@dataclass
class TaskState:
    seq: int  # per-instance sequence number; the database adds a global id
    stage: str
    round: int
    kind: str  # approval | revision
    assignee: int
    position: int
    state: str
    verdicts: tuple[str, ...]
    opened_at: datetime | None = None
    deadline: datetime | None = None
    verdict: str | None = None
    comment: str = ""
    closed_at: datetime | None = None
    decided_by: int | None = None
    channel: str | None = None
    close_reason: str | None = None
    id: int | None = None
    on_behalf_of: int | None = None  # the person away it was meant for (the assignee deputises)


@dataclass
class InstanceState:
    process_id: str
    initiator: int
    fields: dict[str, Any]
    started_at: datetime
    status: str = RUNNING
    stage: str = ""
    round: int = 0
    sent_back_from: str | None = None
    ended_at: datetime | None = None
    tasks: list[TaskState] = field(default_factory=list)
    id: int | None = None

    def task(self, seq: int) -> TaskState:
        for task in self.tasks:
            if task.seq == seq:
                return task
        raise NotFound(f"task {seq} not found", seq=seq)

    def current_tasks(self) -> list[TaskState]:
        return [t for t in self.tasks if t.round == self.round]


@dataclass(frozen=True)
class Event:
    """A fact for the audit trail. ``task`` is the seq of the task it concerns."""

    kind: str
    actor: int | None
    data: dict[str, Any]
    task: int | None = None


@dataclass(frozen=True)
class Notify:
    person: int
    template: str
    params: dict[str, Any]
    task: int | None = None


@dataclass(frozen=True)
class SetTimer:
    task: int
    due: datetime
    kind: str = DEADLINE


@dataclass(frozen=True)
class RunEffect:
    """Run the registered effect ``name`` (with ``params``) for entering ``status``; the
    service runs it inside the command's transaction."""

    name: str
    status: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    state: InstanceState
    events: list[Event] = field(default_factory=list)
    effects: list[Notify | SetTimer | RunEffect] = field(default_factory=list)
    calendar: Calendar = WEEKDAYS  # counts deadlines in working days: the service hands in
    # the registered one (approvals.extensions.calendar; HR's production calendar)


# ---------------------------------------------------------------------------- commands


def start(process: Process, directory: Directory, initiator: int, fields: dict[str, Any],
          now: datetime, channel: str = "web", calendar: Calendar = WEEKDAYS) -> Outcome:
    """Start an instance: ``fields`` are already validated by :mod:`approvals.core.forms`."""
    state = InstanceState(process_id=process.id, initiator=initiator, fields=dict(fields),
                          started_at=now)
    out = Outcome(state, calendar=calendar)
    _check_separation(process, directory, initiator, state.fields)
    out.events.append(Event("started", initiator, {"process": process.id,
                                                   "digest": process.digest,
                                                   "channel": channel}))
    _enter(process, directory, out, process.initial, now)
    return out


def decide(process: Process, directory: Directory, state: InstanceState, seq: int, actor: int,
           verdict: str, comment: str, now: datetime, channel: str = "web",
           on_behalf_of: int | None = None, calendar: Calendar = WEEKDAYS,
           values: dict[str, Any] | None = None, locale: str | None = None) -> Outcome:
    """Record one person's verdict on one task and advance the instance if the rule says so.

    ``values`` are the raw answers to the task's form: checked like the start form's (only
    once the person may answer at all), they join the instance's data, and the decision's
    audit event records them with their author. ``locale`` is how they write numbers
    (:func:`approvals.core.forms.validate`).

    ``on_behalf_of`` is the assignee when someone else acts for them; the service decides
    who may do that, the engine records it. A deputy needs none: a task routed to them while
    its person is away is theirs, and its decision records ``on_behalf_of`` that person
    (:mod:`approvals.core.deputies`).
    """
    out = Outcome(_copy(state), calendar=calendar)
    state = out.state
    task = state.task(seq)
    refusal = refusal_to_decide(Actor.of(actor), assignee=task.assignee, task_state=task.state,
                                instance_status=state.status, task_kind=task.kind,
                                verdicts=task.verdicts, verdict=verdict,
                                on_behalf_of=on_behalf_of)
    if refusal == "not_an_assignee":
        raise NotAnAssignee("this task is assigned to someone else")
    if refusal == "already_decided":
        raise AlreadyDecided(f"already decided by person {task.decided_by} at "
                             f"{task.closed_at:%Y-%m-%d %H:%M} UTC", by=task.decided_by,
                             at=task.closed_at, verdict=task.verdict)
    if refusal == "instance_closed":
        _require_running(state)
    if refusal == "task_closed":
        reason = "not yet your turn" if task.state == WAITING else "withdrawn"
        raise TaskClosed(f"this task is {reason}", state=task.state)
    if refusal == "verdict_not_allowed":
        if task.kind == REVISION_TASK:
            raise VerdictNotAllowed(f"a revision task takes {RESUBMIT!r}", allowed=[RESUBMIT])
        raise VerdictNotAllowed(f"verdict {verdict!r} is not allowed here; allowed: "
                                f"{', '.join(task.verdicts)}", allowed=list(task.verdicts))
    if task.kind == REVISION_TASK:
        return _resubmit(process, directory, out, task, actor, {}, comment, now, channel)
    comment = _clean_text(comment)
    if process.status(task.stage).comment_required(verdict) and not comment:
        if verdict == SEND_BACK:
            raise CommentRequired("sending back needs a comment that says what to change")
        raise CommentRequired("this answer needs a comment that says why")
    asked = process.asked(task.stage, verdict)
    values = forms.validate(process, values or {}, directory, specs=asked, locale=locale) \
        if asked or values else {}
    task.state, task.verdict, task.comment = DECIDED, verdict, comment
    task.closed_at, task.decided_by, task.channel = now, actor, channel
    data = {"verdict": verdict, "comment": comment, "stage": task.stage, "channel": channel}
    if on_behalf_of is not None and on_behalf_of != actor:
        data["on_behalf_of"] = on_behalf_of
    elif task.on_behalf_of is not None:  # the deputy decides the task routed to them
        data["on_behalf_of"] = task.on_behalf_of
    if values:
        state.fields.update(values)
        data["values"] = dict(values)
    out.events.append(Event("decided", actor, data, task.seq))
    _evaluate(process, directory, out, task, now)
    return out


def resubmit(process: Process, directory: Directory, state: InstanceState, actor: int,
             changes: dict[str, Any], comment: str, now: datetime,
             channel: str = "web", calendar: Calendar = WEEKDAYS) -> Outcome:
    """The revision task's assignee sends the revised process back into approval."""
    check_resubmitter(state, actor)
    out = Outcome(_copy(state), calendar=calendar)
    _require_running(out.state)
    if out.state.stage != REVISION:
        raise TransitionNotAllowed("the process is not waiting for revision")
    task = next(t for t in out.state.current_tasks() if t.kind == REVISION_TASK and
                t.state == OPEN)
    if not may_resubmit(Actor.of(actor), assignee=task.assignee):
        raise NotAnAssignee("the revision is assigned to someone else")
    return _resubmit(process, directory, out, task, actor, changes, comment, now, channel)


def check_resubmitter(state: InstanceState, actor: int) -> None:
    """Refuse, before anything about the instance's state is told, a person who could never
    resubmit it: neither its initiator nor the assignee of one of its revision tasks."""
    if not may_ever_resubmit(Actor.of(actor), initiator=state.initiator, revision_assignees=[
            t.assignee for t in state.tasks if t.kind == REVISION_TASK]):
        raise NotAnAssignee("the revision is assigned to someone else")


def withdraw(process: Process, state: InstanceState, actor: int, reason: str, now: datetime,
             roles: frozenset[str] = frozenset(), channel: str = "web") -> Outcome:
    """Cancel a running instance: the initiator's (or an administrator's) decision.
    ``roles`` are the actor's, as the service found them."""
    out = Outcome(_copy(state))
    state = out.state
    if not may_withdraw(Actor.of(actor, roles), initiator=state.initiator, status=RUNNING):
        raise Forbidden("only the initiator or an administrator can withdraw this process")
    _require_running(state)
    for task in state.tasks:
        if task.state in (OPEN, WAITING):
            _close(out, task, "process_withdrawn", now, notify=task.state == OPEN)
    state.status, state.ended_at = CANCELLED, now
    out.events.append(Event("cancelled", actor, {"reason": _clean_text(reason, "the reason"),
                                                 "channel": channel}))
    return out


def reopen(process: Process, directory: Directory, state: InstanceState, actor: int,
           reason: str, now: datetime, stage: str | None = None,
           roles: frozenset[str] = frozenset(), channel: str = "web",
           calendar: Calendar = WEEKDAYS) -> Outcome:
    """An administrator takes a completed or withdrawn instance back into approval.

    Work restarts at ``stage`` (a working stage of the version the instance runs; the first
    one when not given) in a new round, so every earlier decision stays in the record as it
    was. The reason is required: the audit trail must say why a finished process ran again.
    Completing it again issues a new signed trail; the earlier one stays valid for the chain
    as it stood then."""
    out = Outcome(_copy(state), calendar=calendar)
    state = out.state
    if not Actor.of(actor, roles).is_admin:
        raise Forbidden("only an administrator can reopen a process")
    if not may_reopen(Actor.of(actor, roles), status=state.status):
        raise TransitionNotAllowed("this process is still running; only a completed or "
                                   "withdrawn process can be reopened")
    reason = _clean_text(reason, "the reason")
    if not reason:
        raise CommentRequired("reopening needs a reason that says why the process runs again")
    working = [s.key for s in process.stages]
    key = stage or process.initial
    if key not in working:
        raise TransitionNotAllowed(f"{key!r} is not a working stage of this process; "
                                   f"choose one of: {', '.join(working)}", allowed=working)
    previous = state.status
    state.status, state.ended_at, state.sent_back_from = RUNNING, None, None
    out.events.append(Event("reopened", actor, {"reason": reason, "stage": key,
                                                "previous": previous, "channel": channel}))
    _enter(process, directory, out, key, now)
    if state.initiator != actor:
        params = dict(_params(process, state, None), message=reason)
        out.effects.append(Notify(state.initiator, "instance_reopened", params))
    return out


def acknowledge_email(process: Process, out: Outcome, seq: int) -> None:
    """A decision taken by an email reply is told to the task's assignee at once: whoever
    forged their address, they learn of it and can say "this was not me"."""
    task = out.state.task(seq)
    out.effects.append(Notify(task.assignee, "decision_received",
                              dict(_params(process, out.state, task), stage=task.stage,
                                   verdict=task.verdict), task.seq))


def dispute(process: Process, directory: Directory, state: InstanceState, seq: int,
            actor: int, now: datetime) -> Outcome:
    """The assignee says a decision recorded from an email in their name was not theirs: the
    record says so (the decision itself stands until an administrator acts — reopening the
    process, say), and every administrator is told."""
    out = Outcome(_copy(state))
    task = out.state.task(seq)
    if actor != task.assignee:
        raise NotAnAssignee("this task is assigned to someone else")
    if task.state != DECIDED or task.channel != "email":
        raise TransitionNotAllowed("only a decision taken by email can be reported")
    out.events.append(Event("decision_disputed", actor, {"stage": task.stage,
                                                         "verdict": task.verdict}, task.seq))
    for admin in _active(directory, directory.with_role(ADMIN)):
        out.effects.append(Notify(admin, "decision_disputed",
                                  dict(_params(process, out.state, task), stage=task.stage,
                                       verdict=task.verdict), task.seq))
    return out


def reassign(process: Process, state: InstanceState, seq: int, new_assignee: int, actor: int,
             now: datetime, roles: frozenset[str] = frozenset(),
             channel: str = "web", *, directory: Directory | None = None, comment: str = "",
             on_behalf_of: int | None = None) -> Outcome:
    """Hand an open (or waiting) task to another person: the old one is withdrawn.

    ``comment`` says why (the new assignee's mail carries it, with who handed it over). With
    a ``directory``, a new assignee away today is replaced by their deputy
    (:mod:`approvals.core.deputies`). ``on_behalf_of`` is the person away whose task is handed
    to their deputy (a hand-over); the new task records it, as a routed one does."""
    out = Outcome(_copy(state))
    state = out.state
    task = state.task(seq)
    if not may_reassign(Actor.of(actor, roles), assignee=task.assignee):
        raise Forbidden("only the assignee or an administrator can reassign this task")
    _require_running(state)
    if task.state not in (OPEN, WAITING):
        raise TaskClosed("only an open task can be reassigned", state=task.state)
    comment = _clean_text(comment)
    if new_assignee == task.assignee:
        raise TransitionNotAllowed("the task is already assigned to this person")
    if not _eligible(process, state, None, [new_assignee]):
        raise Forbidden("the initiator cannot decide their own request in this process "
                        "(separation of duties)")
    routed = _route(process, directory, state, new_assignee, now) if directory is not None \
        else deputies.Routed(new_assignee)
    if routed.assignee == task.assignee:
        raise TransitionNotAllowed("the task is already assigned to this person (the deputy "
                                   "of the one it was handed to)")
    was_open = task.state == OPEN
    _close(out, task, "reassigned", now, notify=False)
    new = _new_task(state, task.stage, task.kind, routed.assignee, task.position,
                    OPEN if was_open else WAITING, task.verdicts, now if was_open else None,
                    task.deadline, on_behalf_of if on_behalf_of is not None
                    else routed.on_behalf_of)
    data = {"from": task.assignee, "to": routed.assignee, "stage": task.stage,
            "new_task": new.seq, "channel": channel}
    if comment:
        data["comment"] = comment
    if new.on_behalf_of is not None:
        data["on_behalf_of"] = new.on_behalf_of
    out.events.append(Event("reassigned", actor, data, task.seq))
    if was_open:
        if new.deadline:  # the old task's timer is for the old task: schedule the new one's
            out.effects.append(SetTimer(new.seq, new.deadline))
        _opened(process, out, new, now, handed_by=actor, note=comment)
    return out


def timer_fired(process: Process, state: InstanceState, seq: int, kind: str,
                now: datetime, directory: Directory | None = None,
                calendar: Calendar = WEEKDAYS) -> Outcome:
    """A task's deadline passed: remind the assignee and tell the initiator, once, then do
    what the stage's deadline says (remind the manager, reassign, decide, close the stage);
    a ``reminder`` timer reminds the assignee again. Every reminder re-arms the next one. A
    ``remind_before`` timer reminds the assignee that the deadline is near, once (the
    initiator is not told)."""
    return timers_fired(process, state, [(seq, kind)], now, directory, calendar)


def timers_fired(process: Process, state: InstanceState, fired: list[tuple[int, str]],
                 now: datetime, directory: Directory | None = None,
                 calendar: Calendar = WEEKDAYS) -> Outcome:
    """Several timers that fell due together — the tasks of one stage share a deadline — on
    one copy of the state, in the given order (see :func:`timer_fired`). A task no longer open
    (decided in time, closed by an earlier timer of the same batch, or the process ended) is
    left alone. The reminders before a deadline are recorded as one ``reminded`` event per
    stage, naming everyone reminded. A stage that ends at its deadline opens the next one's
    tasks with deadlines counted in ``calendar``."""
    out = Outcome(_copy(state), calendar=calendar)
    by_seq = {task.seq: task for task in out.state.tasks}
    reminded: dict[str, list[int]] = {}
    for seq, kind in fired:
        task = by_seq.get(seq) or out.state.task(seq)
        if out.state.status != RUNNING or task.state != OPEN:
            continue
        if kind == REMIND_BEFORE:
            reminded.setdefault(task.stage, []).append(task.assignee)
            out.effects.append(Notify(task.assignee, "task_due_soon",
                                      _params(process, out.state, task), task.seq))
            continue
        _overdue(process, directory, out, task, kind, now)
    for stage, people in reminded.items():
        out.events.append(Event("reminded", None, {"stage": stage, "assignees": people}))
    return out


def _overdue(process: Process, directory: Directory | None, out: Outcome, task: TaskState,
             kind: str, now: datetime) -> None:
    spec = process.status(task.stage).deadline
    params = _params(process, out.state, task)
    out.events.append(Event("deadline_passed", None, {"stage": task.stage, "kind": kind},
                            task.seq))
    # a stage closed at its deadline tells the initiator once, in a summary: nobody is
    # reminded of a task that closes this very moment
    closing = (kind == DEADLINE and spec is not None and spec.then == "close"
               and directory is not None)
    if not closing:
        out.effects.append(Notify(task.assignee, "task_overdue", params, task.seq))
    remind: TaskState | None = task
    if kind == DEADLINE:
        if out.state.initiator != task.assignee and not closing:
            out.effects.append(Notify(out.state.initiator, "task_overdue_initiator", params,
                                      task.seq))
        if spec is not None and spec.then is not None and directory is not None:
            remind = _when_overdue(process, directory, out, task, spec, now)
    if spec is not None and spec.remind_every and remind is not None \
            and remind.state == OPEN and out.state.status == RUNNING:
        out.effects.append(SetTimer(remind.seq, now + timedelta(days=spec.remind_every),
                                    REMINDER))


def _when_overdue(process: Process, directory: Directory, out: Outcome, task: TaskState,
                  spec, now: datetime) -> TaskState | None:
    """Do what the deadline says; the task still waiting for an answer afterwards (to remind
    again), if any."""
    status = process.status(task.stage)
    if spec.then == "remind_manager":
        for manager in _managers(directory, task.assignee, 1):
            out.effects.append(Notify(manager, "task_overdue_manager",
                                      _params(process, out.state, task), task.seq))
    elif spec.then == "reassign":
        people = _eligible(process, out.state, spec.to,
                           resolve(spec.to, directory, out.state) if spec.to is not None
                           else _managers(directory, task.assignee, 1))
        routes = (_route(process, directory, out.state, p, now) for p in people
                  if p != task.assignee)
        routed = next((r for r in routes if r.assignee != task.assignee), None)
        if routed is not None:
            new_assignee = routed.assignee
            _close(out, task, "reassigned", now, notify=True)
            new = _new_task(out.state, task.stage, task.kind, new_assignee, task.position,
                            OPEN, task.verdicts, now, None, routed.on_behalf_of)
            out.events.append(Event("reassigned", None, {
                "from": task.assignee, "to": new_assignee, "stage": task.stage,
                "new_task": new.seq, "channel": "system"}, task.seq))
            if spec.field is None:  # a deadline from a date has passed for the new task too
                _deadline(out, status, new, now)
            _opened(process, out, new, now)
            return new
    elif spec.then == "decide":
        task.state, task.verdict, task.closed_at = DECIDED, spec.outcome, now
        task.channel = "system"
        out.events.append(Event("decided", None, {"verdict": spec.outcome, "comment": "",
                                                  "stage": task.stage, "channel": "system"},
                                task.seq))
        _evaluate(process, directory, out, task, now)
    elif spec.then == "close":
        _close_at_deadline(process, directory, out, status, now)
        return None
    return task if task.state == OPEN else None


def _close_at_deadline(process: Process, directory: Directory, out: Outcome, status: Status,
                       now: datetime) -> None:
    """``then: close``: the stage completes without the answers still missing. Its open tasks
    are closed as unanswered (:func:`unanswered`), and the initiator gets one summary of who
    answered and who did not (``stage_closed``) — which also says that the process completed,
    when it does now, so no separate completion notice goes with it."""
    state = out.state
    summary = Notify(state.initiator, "stage_closed",
                     dict(_params(process, state, None), stage=status.key))
    for other in state.current_tasks():
        if other.state in (OPEN, WAITING):
            _close(out, other, unanswered(process, process.status(other.stage)), now,
                   notify=other.state == OPEN)
    target = process.onward(status)
    out.events.append(Event("stage_completed", None, {"stage": status.key,
                                                      "closed": "deadline",
                                                      "next": target}))
    out.effects.append(summary)
    if target is not None:
        _enter(process, directory, out, target, now)
    if state.status == COMPLETED:
        out.effects = [e for e in out.effects if not (
            isinstance(e, Notify) and e.template == "instance_completed"
            and e.person == state.initiator)]


def unanswered(process: Process, status: Status) -> str:
    """The close reason of a task ``status``'s deadline closed before it was answered:
    ``not_acknowledged`` when acknowledging is the only answer that leads on, else
    ``deadline_passed``."""
    onward = [v for v in status.verdicts if process.advances(status, v)]
    return NOT_ACKNOWLEDGED if onward == ["acknowledge"] else DEADLINE_PASSED


# ---------------------------------------------------------------------------- internals


def _copy(state: InstanceState) -> InstanceState:
    """A copy the command may change freely (field values are replaced, never mutated)."""
    clone = copy.copy(state)
    clone.fields = dict(state.fields)
    clone.tasks = [_twin(task) for task in state.tasks]
    return clone


def _twin(task: TaskState) -> TaskState:
    """A shallow copy of a task (its values are replaced, never mutated), made the cheap way:
    a decision on a stage of 500 people copies 500 of them."""
    twin = object.__new__(TaskState)
    twin.__dict__.update(task.__dict__)
    return twin


def _clean_text(text: str | None, what: str = "the comment") -> str:
    """A comment as stored: trimmed, without NUL characters (which no database keeps), and
    no longer than a comment may be (:data:`approvals.core.limits.COMMENT`)."""
    return limits.check(what, (text or "").replace("\x00", "").strip(), limits.COMMENT)


def _require_running(state: InstanceState) -> None:
    if state.status != RUNNING:
        raise InstanceClosed(f"this process is {state.status}", status=state.status)


def _resubmit(process, directory, out: Outcome, task: TaskState, actor: int, changes: dict,
              comment: str, now: datetime, channel: str) -> Outcome:
    state = out.state
    _check_separation(process, directory, state.initiator, {**state.fields, **changes})
    task.state, task.verdict, task.comment = DECIDED, RESUBMIT, _clean_text(comment)
    task.closed_at, task.decided_by, task.channel = now, actor, channel
    changed = sorted(k for k, v in changes.items() if state.fields.get(k) != v)
    state.fields.update(changes)
    data = {"comment": task.comment, "changed": changed, "channel": channel}
    if task.on_behalf_of is not None:  # the deputy of an initiator away resubmits
        data["on_behalf_of"] = task.on_behalf_of
    out.events.append(Event("resubmitted", actor, data, task.seq))
    origin = state.sent_back_from or process.initial
    mode = process.status(origin).restart or process.revision.restart
    target = origin if mode == "same" else process.initial
    state.sent_back_from = None
    _enter(process, directory, out, target, now)
    return out


def _evaluate(process: Process, directory: Directory, out: Outcome, task: TaskState,
              now: datetime) -> None:
    """Apply the stage rule after a decision.

    An answer that leads onward (where the stage goes when it is simply done) counts toward
    the rule; any other — back to revision, the stage again, another stage, an ending —
    decides the stage at once (under a quorum: once the others can no longer reach it)."""
    state = out.state
    status = process.status(task.stage)
    tasks = [t for t in state.current_tasks() if t.kind == APPROVAL and t.stage == status.key]
    live = [t for t in tasks if t.state != WITHDRAWN or t.close_reason != "reassigned"]
    total = len(live)
    decided = [t for t in live if t.state == DECIDED]
    positive = sum(1 for t in decided if process.advances(status, t.verdict))
    negative = len(decided) - positive
    required = status.rule.required(total)
    if status.rule.kind == "quorum":
        if positive >= required:
            return _complete(process, directory, out, status, task.verdict, now)
        if negative > total - required:
            return _at_once(process, directory, out, status, task, now)
        return None
    if not process.advances(status, task.verdict):
        return _at_once(process, directory, out, status, task, now)
    if positive >= required:
        return _complete(process, directory, out, status, task.verdict, now)
    if status.rule.kind == "sequence":
        waiting = sorted((t for t in tasks if t.state == WAITING), key=lambda t: t.position)
        if waiting:
            nxt = waiting[0]
            if nxt.on_behalf_of is None:  # its turn comes today: is its person away today?
                routed = _route(process, directory, state, nxt.assignee, now)
                nxt.assignee, nxt.on_behalf_of = routed.assignee, routed.on_behalf_of
            nxt.state, nxt.opened_at = OPEN, now
            _deadline(out, status, nxt, now)
            _opened(process, out, nxt, now)
    return None


def _at_once(process, directory, out: Outcome, status: Status, task: TaskState, now) -> None:
    if status.target(task.verdict) == REVISION:  # a branch sends the whole stage back
        stage = process.status(status.branch_of) if status.branch_of else status
        return _send_back(process, directory, out, stage, task, now)
    return _complete(process, directory, out, status, task.verdict, now)


def _complete(process, directory, out: Outcome, status: Status, verdict: str, now) -> None:
    state = out.state
    if status.branch_of is not None:  # one branch is done; the stage waits for the others
        for t in state.current_tasks():
            if t.stage == status.key and t.state in (OPEN, WAITING):
                _close(out, t, "stage_completed", now, notify=t.state == OPEN)
        out.events.append(Event("stage_completed", None, {"stage": status.key,
                                                          "verdict": verdict}))
        stage = process.status(status.branch_of)
        if _joined(process, state, stage):
            _join(process, directory, out, stage, now)
        return
    for t in state.current_tasks():
        if t.state in (OPEN, WAITING):
            _close(out, t, "stage_completed", now, notify=t.state == OPEN)
    target = status.target(verdict)
    out.events.append(Event("stage_completed", None, {"stage": status.key, "verdict": verdict,
                                                      "next": target}))
    _enter(process, directory, out, target, now)


def _send_back(process, directory, out: Outcome, status: Status, task: TaskState, now) -> None:
    state = out.state
    for t in state.current_tasks():
        if t.state in (OPEN, WAITING):
            _close(out, t, "sent_back", now, notify=t.state == OPEN)
    comments = [t.comment for t in state.current_tasks() if t.verdict == SEND_BACK]
    out.events.append(Event("sent_back", task.decided_by, {"stage": status.key,
                                                           "comments": comments}, task.seq))
    state.sent_back_from = status.key
    state.round += 1
    state.stage = REVISION
    people = resolve(process.revision.assignee, directory, state)
    if not people:
        raise NoAssignee("nobody can take the revision of this process")
    routed = _route(process, directory, state, people[0], now)
    revision = _new_task(state, REVISION, REVISION_TASK, routed.assignee, 0, OPEN,
                         (RESUBMIT,), now, None, routed.on_behalf_of)
    _opened(process, out, revision, now, comment=task.comment)


def _enter(process: Process, directory: Directory, out: Outcome, key: str, now) -> None:
    state = out.state
    for _hop in range(MAX_STAGE_HOPS):
        status = process.status(key)
        if status.final:
            state.stage, state.status, state.ended_at = key, COMPLETED, now
            state.round += 1
            _run_actions(process, directory, out, status.on_enter, now)
            if status.ending:
                why = next((e.data.get("comment") or "" for e in reversed(out.events)
                            if e.kind == "decided"), "")
                out.events.append(Event("completed", None, {"stage": key, "ending": True}))
                out.effects.append(Notify(state.initiator, "instance_ended",
                                          dict(_params(process, state, None), comment=why)))
                return
            out.events.append(Event("completed", None, {"stage": key}))
            out.effects.append(Notify(state.initiator, "instance_completed",
                                      _params(process, state, None)))
            return
        if status.when is not None and not evaluate(status.when, state.fields, now.date()):
            out.events.append(Event("stage_skipped", None, {"stage": key,
                                                            "condition": status.when.text}))
            key = process.onward(status)
            continue
        state.stage = key
        state.round += 1
        if status.branches:
            return _enter_branches(process, directory, out, status, now)
        _open(process, directory, out, status, now)
        _run_actions(process, directory, out, status.on_enter, now)
        return
    raise TransitionNotAllowed("the process skips stages in a circle; check its conditions")


def _open(process: Process, directory: Directory, out: Outcome, status: Status, now) -> None:
    """Open a stage's (or a branch's) tasks for the people it names."""
    state = out.state
    people = _resolve_all(status, directory, state, process)
    if not people and status.fallback:
        people = _fallback(process, directory, out, status)
    if not people:
        people = _administrators_instead(process, directory, out, status)
    out.events.append(Event("stage_entered", None, {"stage": status.key,
                                                    "rule": status.rule.kind,
                                                    "assignees": people}))
    # a stage naming ``initiator`` is about their own request (closing their sick note):
    # theirs even while they are away, never their deputy's
    own = any(spec.kind == "initiator" for spec in status.assignees)
    for position, person in enumerate(people):
        first = position == 0 or status.rule.kind != "sequence"
        # a later turn of a sequence is routed when it opens: who is away then counts
        routed = _route(process, directory, state, person, now) \
            if first and not (own and person == state.initiator) else deputies.Routed(person)
        task = _new_task(state, status.key, APPROVAL, routed.assignee, position,
                         OPEN if first else WAITING, status.verdicts, now if first else None,
                         None, routed.on_behalf_of)
        if first:
            _deadline(out, status, task, now)
            _opened(process, out, task, now)


def _enter_branches(process: Process, directory: Directory, out: Outcome, stage: Status,
                    now) -> None:
    """A parallel stage: every branch whose condition holds opens its own tasks at once."""
    _run_actions(process, directory, out, stage.on_enter, now)
    for key in stage.branches:
        branch = process.status(key)
        if branch.when is not None and not evaluate(branch.when, out.state.fields,
                                                    now.date()):
            out.events.append(Event("stage_skipped", None, {"stage": key,
                                                            "condition": branch.when.text}))
            continue
        _open(process, directory, out, branch, now)
    if _joined(process, out.state, stage):  # every branch it waits for was skipped
        _join(process, directory, out, stage, now)


def _branch_done(process: Process, state: InstanceState, key: str) -> bool:
    """A branch is done when its rule is met in this round (or it was skipped: no tasks)."""
    branch = process.status(key)
    tasks = [t for t in state.current_tasks() if t.stage == key and t.kind == APPROVAL]
    live = [t for t in tasks if t.state != WITHDRAWN or t.close_reason != "reassigned"]
    if not live:
        return True
    positive = sum(1 for t in live if t.state == DECIDED
                   and process.advances(branch, t.verdict))
    return positive >= branch.rule.required(len(live))


def _joined(process: Process, state: InstanceState, stage: Status) -> bool:
    return all(_branch_done(process, state, key) for key in stage.join or stage.branches)


def _join(process: Process, directory: Directory, out: Outcome, stage: Status, now) -> None:
    """The branches a parallel stage waits for are done: the rest are closed, and it moves on."""
    for t in out.state.current_tasks():
        if t.state in (OPEN, WAITING):
            _close(out, t, "stage_completed", now, notify=t.state == OPEN)
    target = process.onward(stage)
    out.events.append(Event("stage_completed", None, {"stage": stage.key, "next": target}))
    _enter(process, directory, out, target, now)


def _administrators_instead(process: Process, directory: Directory, out: Outcome,
                            status: Status) -> list[int]:
    """A stage whose assignees resolve to nobody (no holder of a role, no manager, an empty
    field) goes to the administrators, who can hand its task to the right person; the
    initiator is told. Only with no active administrator either is it refused."""
    state = out.state
    admins = _eligible(process, state, None, _active(directory, directory.with_role(ADMIN)))
    if not admins:
        raise NoAssignee(f"stage {status.key!r} has nobody to assign it to", stage=status.key)
    wanted = [describe(spec) for spec in status.assignees]
    out.events.append(Event("stage_unassigned", None, {"stage": status.key, "wanted": wanted,
                                                       "assignees": admins}))
    out.effects.append(Notify(state.initiator, "stage_unassigned",
                              dict(_params(process, state, None), wanted=wanted)))
    return admins


def _fallback(process: Process, directory: Directory, out: Outcome,
              status: Status) -> list[int]:
    """A stage whose assignees name nobody active goes to its ``fallback`` people (the
    director's leave to whoever the company configured), and every administrator is told
    (``stage_fallback``), so that a missing manager or head gets noticed and fixed. Nobody
    there either: none, and the caller hands the stage to the administrators."""
    state = out.state
    people: list[int] = []
    for spec in status.fallback:
        for person in _eligible(process, state, spec, resolve(spec, directory, state)):
            if person not in people:
                people.append(person)
    if not people:
        return []
    wanted = [describe(spec) for spec in status.assignees]
    out.events.append(Event("stage_fallback", None, {"stage": status.key, "wanted": wanted,
                                                     "assignees": people}))
    params = dict(_params(process, state, None), stage=status.key, wanted=wanted)
    for admin in _active(directory, directory.with_role(ADMIN)):
        out.effects.append(Notify(admin, "stage_fallback", params))
    return people


def describe(spec: Assignee) -> str:
    """An assignee as the process file wrote it (``role lawyer``, ``managers 2``…)."""
    detail = spec.value if spec.value is not None else (
        f"field {spec.field}" if spec.field else spec.levels)
    return spec.kind if detail is None else f"{spec.kind} {detail}"


def _new_task(state: InstanceState, stage: str, kind: str, assignee: int, position: int,
              task_state: str, verdicts: tuple[str, ...], opened_at, deadline,
              on_behalf_of: int | None = None) -> TaskState:
    seq = max((t.seq for t in state.tasks), default=0) + 1
    task = TaskState(seq=seq, stage=stage, round=state.round, kind=kind, assignee=assignee,
                     position=position, state=task_state, verdicts=tuple(verdicts),
                     opened_at=opened_at, deadline=deadline, on_behalf_of=on_behalf_of)
    state.tasks.append(task)
    return task


def _route(process: Process, directory: Directory, state: InstanceState, person: int,
           now: datetime) -> deputies.Routed:
    """Who takes a task meant for ``person`` today (``now``'s date): they, or their deputy
    while they are away — never the initiator where the process separates duties."""
    excluded = () if process.initiator_may_decide else (state.initiator,)
    return deputies.route(directory, person, now.date(), excluded)


def _deadline(out: Outcome, status: Status, task: TaskState, now: datetime) -> None:
    """Set the task's deadline and its timer: days (or working days) after it opens, or
    after (before) the date in a field; no date in the field, no deadline."""
    spec = status.deadline
    if spec is None:
        return
    base = now
    if spec.field is not None:
        day = date_in(out.state.fields, spec.field)
        if day is None:
            return
        base = datetime.combine(day, DUE_TIME, tzinfo=now.tzinfo)
    days = -spec.days if spec.before else spec.days
    task.deadline = add_working_days(out.calendar, base, days) if spec.working \
        else base + timedelta(days=days)
    out.effects.append(SetTimer(task.seq, task.deadline))
    if spec.remind_before:
        ahead = add_working_days(out.calendar, task.deadline, -spec.remind_before) \
            if spec.remind_working else task.deadline - timedelta(days=spec.remind_before)
        if ahead > now:  # already that close: the task's own mail says when it is due
            out.effects.append(SetTimer(task.seq, ahead, REMIND_BEFORE))


def date_in(fields: dict[str, Any], name: str) -> date | None:
    """The date a deadline counts from: a date field's value, or the start or end of a date
    range (``period.start``); None when it is empty or not a date."""
    base, _, part = name.partition(".")
    value = fields.get(base)
    if part:
        value = value.get(part) if isinstance(value, dict) else None
    try:
        return date.fromisoformat(str(value or ""))
    except ValueError:
        return None


def _opened(process: Process, out: Outcome, task: TaskState, now, comment: str = "", *,
            handed_by: int | None = None, note: str = "") -> None:
    """The task is open: recorded, and its assignee told (``handed_by`` handed it over to
    them, saying ``note``)."""
    params = _params(process, out.state, task)
    if comment:
        params["comment"] = comment
    if handed_by is not None:
        params["handed_by"] = handed_by
        if note:
            params["note"] = note
    data = {"stage": task.stage, "kind": task.kind, "assignee": task.assignee}
    if task.on_behalf_of is not None:
        data["on_behalf_of"] = task.on_behalf_of
    out.events.append(Event("task_opened", None, data, task.seq))
    template = "revision_requested" if task.kind == REVISION_TASK else "task_assigned"
    out.effects.append(Notify(task.assignee, template, params, task.seq))


def _close(out: Outcome, task: TaskState, reason: str, now, notify: bool) -> None:
    task.state, task.closed_at, task.close_reason = WITHDRAWN, now, reason
    out.events.append(Event("task_withdrawn", None, {"stage": task.stage, "reason": reason,
                                                     "assignee": task.assignee}, task.seq))
    if notify:
        params = {"instance": out.state.id, "process": out.state.process_id,
                  "stage": task.stage, "reason": reason}
        out.effects.append(Notify(task.assignee, "task_withdrawn", params, task.seq))


def _params(process: Process, state: InstanceState, task: TaskState | None) -> dict[str, Any]:
    params: dict[str, Any] = {"instance": state.id, "process": process.id,
                              "stage": state.stage, "initiator": state.initiator}
    if task is not None:
        params.update(task=task.seq, verdicts=list(task.verdicts))
        if task.deadline:
            params["deadline"] = task.deadline.isoformat()
        if task.on_behalf_of is not None:
            params["on_behalf_of"] = task.on_behalf_of
    return params


def _run_actions(process, directory, out: Outcome, actions: tuple[Action, ...], now) -> None:
    state = out.state
    for action in actions:
        if action.when is not None and not evaluate(action.when, state.fields, now.date()):
            continue
        if action.kind == "set":
            values = dict(action.values)
            state.fields.update(values)
            out.events.append(Event("fields_set", None, {"values": values}))
        elif action.kind == "notify":
            params = _params(process, state, None)
            if action.message:
                params["message"] = {"en": action.message.en, "ru": action.message.ru}
            for person in resolve(action.assignee, directory, state):
                out.effects.append(Notify(person, "process_notice", params))
        elif action.kind == "effect":
            out.effects.append(RunEffect(action.name, state.stage, dict(action.values)))
            out.events.append(Event("effect_ran", None, {"effect": action.name,
                                                         "stage": state.stage}))


def _resolve_all(status: Status, directory: Directory, state: InstanceState,
                 process: Process) -> list[int]:
    people: list[int] = []
    for spec in status.assignees:
        for person in _eligible(process, state, spec, resolve(spec, directory, state)):
            if person not in people:
                people.append(person)
    return people


def _eligible(process: Process, state: InstanceState, spec: Assignee | None,
              people: list[int]) -> list[int]:
    """Separation of duties: whom ``spec`` names, without the initiator — unless the process
    allows the initiator to decide, or the spec is ``initiator`` itself (a stage that is the
    initiator's by design, such as an acknowledgement)."""
    if process.initiator_may_decide or (spec is not None and spec.kind == "initiator"):
        return people
    return [p for p in people if p != state.initiator]


def _check_separation(process: Process, directory: Directory, initiator: int,
                      fields: dict[str, Any]) -> None:
    """Refuse a form that names its own initiator in a field that picks deciders, when the
    process separates duties: the person learns it at once, not by a task sent elsewhere."""
    if process.initiator_may_decide:
        return
    named = {spec.value for status in process.statuses
             for spec in (*status.assignees, *status.fallback) if spec.kind == "field"}
    errors = {name: ("initiator_may_not_decide", {}) for name in sorted(named)
              if initiator in _people_in(directory, fields.get(name))}
    if errors:
        raise FormInvalid(errors)


def resolve(spec: Assignee, directory: Directory, state: InstanceState) -> list[int]:
    """The active people ``spec`` names for this instance, in a stable order (may be none)."""
    kind = spec.kind
    if kind == "initiator":
        return [state.initiator]
    if kind == "person":
        return _active(directory, [directory.person_id(spec.value)])
    if kind == "role":
        return _active(directory, directory.with_role(spec.value))
    if kind == "manager":
        return _managers(directory, state.initiator, 1)
    if kind == "managers" and spec.value == "all":
        return list(managers_above(directory, state.initiator))
    if kind == "managers":
        return _managers(directory, state.initiator, spec.levels or 1)
    if kind == "manager_of":
        people = _people_in(directory, state.fields.get(spec.field))
        return _managers(directory, people[0], 1) if people else []
    if kind == "department":
        names = [spec.value] if spec.value else department_names(state.fields.get(spec.field))
        members: list[int] = []
        for name in names:
            members.extend(p for p in directory.in_department(name) if p not in members)
        return _active(directory, members)
    if kind == "decided":
        return _active(directory, _deciders(state, spec.value))
    if kind == "department_head":
        if spec.value:
            department = spec.value
        else:
            whose = _people_in(directory, state.fields.get(spec.field)) if spec.field \
                else [state.initiator]
            department = directory.department_of(whose[0]) if whose else ""
        if not department:
            return []
        named = _active(directory, [directory.head_of(department)])
        if named:  # the head HR named in the Department table; else the role's holder
            return named
        heads = set(directory.with_role(HEAD_ROLE))
        return _active(directory, [p for p in directory.in_department(department)
                                   if p in heads])
    return _active(directory, _people_in(directory, state.fields.get(spec.value)))


def _active(directory: Directory, ids) -> list[int]:
    return [p for p in ids if p is not None and directory.is_active(p)]


def _people_in(directory: Directory, value: Any) -> list[int]:
    """The ids of the addresses a person or people field holds."""
    emails = value if isinstance(value, list) else [value] if value else []
    ids = [directory.person_id(e) for e in emails if isinstance(e, str)]
    return [p for p in ids if p is not None]


def department_names(value: Any) -> list[str]:
    """Department names from a choice, a list, or text separated by commas or new lines."""
    items = value if isinstance(value, list) else re.split(r"[,;\n]", str(value or ""))
    return [name for name in (str(item).strip() for item in items) if name]


def _managers(directory: Directory, person: int, levels: int) -> list[int]:
    """Up to ``levels`` active managers above ``person``, nearest first; inactive managers are
    walked past (they do not count as a level), and the chain stops at the top or a loop."""
    return list(islice(managers_above(directory, person), levels))


def _deciders(state: InstanceState, stage: str | None) -> list[int]:
    """Who decided ``stage`` in its latest round, in the order they decided."""
    decided = [t for t in state.tasks if t.stage == stage and t.state == DECIDED
               and t.kind == APPROVAL]
    if not decided:
        return []
    latest = max(t.round for t in decided)
    ordered = sorted((t for t in decided if t.round == latest),
                     key=lambda t: (t.closed_at or datetime.min, t.seq))
    people: list[int] = []
    for task in ordered:
        person = task.decided_by if task.decided_by is not None else task.assignee
        if person not in people:
            people.append(person)
    return people


def evaluate(condition: Condition, fields: dict[str, Any], today: date) -> bool:
    """Whether a stage's ``when`` holds for the instance's fields on ``today``."""
    return conditions.holds(condition.expr, fields, today)
