"""Who of a stage's many assignees answered, and who has not: an acknowledgement campaign as
its initiator follows it — the live page, its CSV and the summary mail when it closes.

The stage followed is the one that went to the most people (its latest round; with equal
numbers, the latest). Everything is read in one query — the instance's tasks with their
assignees' names, addresses and departments — however many people the stage went to: no
lookup per person. Who may follow it is :func:`approvals.core.policy.may_follow_answers`; a
refused reader is recorded like a refused reader of a trail (:mod:`approvals.records.access`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlmodel import Session

from approvals.core.errors import Forbidden
from approvals.core.model import Process
from approvals.core.policy import Actor, may_follow_answers
from approvals.core.states import APPROVAL, DECIDED, OPEN, WAITING, WITHDRAWN
from approvals.records.access import deny
from approvals.store.directory import roles_of
from approvals.store.models import Instance, Person, Task

#: What became of one person's task: answered onward (``done``), not yet (``open``, or
#: ``waiting`` its turn), closed unanswered when the stage ended (``unanswered``: by its
#: deadline, or when the rule was met without them), or answered otherwise (``other``: sent
#: back, another outcome).
DONE, PENDING, UNANSWERED, OTHER = "done", "pending", "unanswered", "other"

_T, _P = Task.__table__, Person.__table__
_ANSWERS = select(
    _T.c.id, _T.c.stage, _T.c.round, _T.c.state, _T.c.verdict, _T.c.closed_at, _T.c.channel,
    _T.c.close_reason, _T.c.deadline, _P.c.name, _P.c.email, _P.c.department) \
    .join_from(_T, _P, _P.c.id == _T.c.assignee_id) \
    .where(_T.c.instance_id == bindparam("instance_id"), _T.c.kind == APPROVAL) \
    .order_by(_T.c.seq)


@dataclass(frozen=True)
class Answer:
    """One person's task in the stage followed."""

    task_id: int
    name: str
    email: str
    department: str
    state: str  # DONE, PENDING, UNANSWERED or OTHER
    verdict: str | None
    close_reason: str | None
    at: datetime | None  # when it was answered (or closed)
    channel: str | None
    deadline: datetime | None


@dataclass(frozen=True)
class Department:
    name: str  # "" for people without one
    done: int
    total: int


@dataclass
class Campaign:
    """The stage followed (``stage`` is None before any task was opened) and its answers,
    in the order the tasks were opened."""

    instance_id: int
    status: str  # the instance's
    stage: str | None = None
    answers: list[Answer] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.answers)

    @property
    def done(self) -> list[Answer]:
        """Who answered, earliest first."""
        return sorted((a for a in self.answers if a.state == DONE),
                      key=lambda a: (a.at or datetime.min, a.task_id))

    @property
    def pending(self) -> list[Answer]:
        return [a for a in self.answers if a.state == PENDING]

    @property
    def unanswered(self) -> list[Answer]:
        return [a for a in self.answers if a.state == UNANSWERED]

    @property
    def other(self) -> list[Answer]:
        return [a for a in self.answers if a.state == OTHER]

    @property
    def not_done(self) -> list[Answer]:
        """Who has not answered: still open, or closed without an answer; by name."""
        return sorted(self.pending + self.unanswered,
                      key=lambda a: (a.department.casefold(), a.name.casefold(), a.task_id))

    @property
    def percent(self) -> int:
        return (len(self.done) * 100 // self.total) if self.total else 0

    @property
    def closed(self) -> bool:
        """Nobody can answer any more: nothing is open."""
        return not self.pending

    @property
    def deadline(self) -> datetime | None:
        return max((a.deadline for a in self.answers if a.deadline), default=None)

    def departments(self) -> list[Department]:
        """Per department (as the people list says now), how many answered of how many, by
        name; people without a department last."""
        counts: dict[str, list[int]] = {}
        for answer in self.answers:
            done_total = counts.setdefault(answer.department.strip(), [0, 0])
            done_total[0] += answer.state == DONE
            done_total[1] += 1
        return [Department(name, done, total) for name, (done, total) in
                sorted(counts.items(), key=lambda item: (not item[0], item[0].casefold()))]

    @property
    def stamp(self) -> str:
        """Changes whenever anything shown changes: a page polls it."""
        return f"{self.status}:{len(self.done)}:{len(self.pending)}:{self.total}"


def campaign(session: Session, instance: Instance, process: Process) -> Campaign:
    """The answers of the stage of ``instance`` that went to the most people."""
    rows = session.execute(_ANSWERS, {"instance_id": instance.id}).all()
    groups: dict[tuple[str, int], list] = {}
    for row in rows:
        if row.state == WITHDRAWN and row.close_reason == "reassigned":
            continue  # handed over: the task it became stands for it
        groups.setdefault((row.stage, row.round), []).append(row)
    result = Campaign(instance.id, instance.status)
    if not groups:
        return result
    (stage, _round), chosen = max(groups.items(), key=lambda item: (len(item[1]), item[0][1]))
    result.stage = stage
    status = process.status(stage)
    result.answers = [Answer(row.id, row.name, row.email, row.department or "",
                             _state(process, status, row), row.verdict, row.close_reason,
                             row.closed_at, row.channel, row.deadline) for row in chosen]
    return result


def _state(process: Process, status, row) -> str:
    if row.state in (OPEN, WAITING):
        return PENDING
    if row.state == DECIDED:
        return DONE if process.advances(status, row.verdict) else OTHER
    return UNANSWERED if row.close_reason in ("not_acknowledged", "deadline_passed",
                                              "stage_completed") else OTHER


def require_follower(db, session: Session, instance: Instance, person: Person, *,
                     channel: str, path: str, now: datetime) -> None:
    """The initiator, auditors and administrators pass; anyone else is logged and refused."""
    actor = Actor.of(person.id, roles_of(session, person.id))
    if may_follow_answers(actor, initiator=instance.initiator_id):
        return
    deny(db, person, instance.id, "answers", channel=channel, path=path, now=now)
    raise Forbidden("only the initiator, auditors and administrators may follow who answered",
                    instance=instance.id)
