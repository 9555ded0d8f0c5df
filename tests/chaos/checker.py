"""What every chaos scenario ends with: the checker, and the row it adds to the table.

It reads the database the roles wrote and what the test relay received, and holds the
installation to four promises:

1. **decisions**: every decision acknowledged to a client (an API 200, the page's 303, an
   inbound SMTP 250) maps to exactly one transition: one ``decided`` audit event for that task,
   made through that channel (for a reply: the stored message was read, and if it decided, its
   Message-ID is on exactly one ``decided`` event); and no task, acknowledged or not, was
   decided twice;
2. **states**: every instance is in a legal state (running with an open task at its stage,
   completed with none, or cancelled; a decided task has its verdict, an open one none) and
   its audit chain verifies (``approvals.store.audit.verify``; one instance also through
   ``signoff audit verify``);
3. **mail**: every mail row is sent, and the relay received its Message-ID exactly once — a
   re-send of the same row carries the same Message-ID, so distinct Message-IDs count the
   mails and any further copies are duplicates, reported apart (a scenario may declare the
   copies its fault can explain, e.g. the worker killed between the relay's 250 and the row
   marked sent); a Message-ID no row accounts for is a problem too;
4. **nothing undispatched**: after the sweep, no outbox row is pending or failed and no
   stored reply is unread or failed.

Each run appends one JSON line to ``results`` (``$SIGNOFF_CHAOS_RESULTS``, else
``chaos-results.jsonl`` in pytest's base temp dir); ``python -m tests.chaos.report FILE``
prints the table.
"""

from __future__ import annotations

import fcntl
import json
import subprocess
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals.store import audit
from approvals.store.db import read_session
from approvals.store.models import (
    AuditEvent,
    InboundMessage,
    Instance,
    Notification,
    OutboxItem,
    Task,
)
from mail import tokens

LEGAL_INSTANCE = {"running", "completed", "cancelled"}
LEGAL_TASK = {"waiting", "open", "decided", "withdrawn"}


@dataclass
class Verdict:
    scenario: str
    database: str
    acknowledged: int = 0  # decisions a client was told about (API 200, page 303, SMTP 250)
    transitions: int = 0  # decided events recorded
    instances: int = 0
    mails: int = 0  # distinct Message-IDs the relay received
    duplicates: int = 0  # further copies of those
    explained_duplicates: int = 0  # of which the scenario's fault explains
    undispatched: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    expected_failure: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def verdict(self) -> str:
        if self.ok:
            return "pass"
        return "xfail" if self.expected_failure else "FAIL"


def pending_work(db: Engine) -> int:
    """Outbox rows not yet carried out and stored replies not yet read."""
    with read_session(db) as session:
        rows = session.exec(select(func.count()).select_from(OutboxItem)
                            .where(OutboxItem.state == "pending")).one()
        inbound = session.exec(select(func.count()).select_from(InboundMessage)
                               .where(InboundMessage.state == "received")).one()
    return rows + inbound


def expected_message_id(row: OutboxItem, secret: str, domain: str) -> str:
    """The Message-ID the mail of ``row`` carries (mail.tokens.message_id): a task mail's
    derives from its reply token, any other from the row's id."""
    payload = row.payload or {}
    if "notification" in payload and payload.get("token"):
        return tokens.message_id(domain, row.id, tokens.derive(secret, payload["notification"]))
    return tokens.message_id(domain, row.id)


def check(stack, scenario: str, results: Path, *, explained: set[str] | None = None,
          expected_failure: str = "") -> Verdict:
    """Run every check on ``stack`` (a :class:`tests.chaos.harness.Stack`); returns the
    verdict (already written to the results file). ``explained``: Message-IDs of which a
    second copy is what the scenario's fault allows."""
    from tests.chaos.harness import DOMAIN, SIGNOFF

    explained = explained or set()
    backend = stack.engine.url.get_backend_name()
    v = Verdict(scenario, "postgres" if backend.startswith("postgres") else "sqlite",
                seconds=round(stack.elapsed(), 1), expected_failure=expected_failure)
    v.notes.extend(stack.notes)
    with read_session(stack.engine) as s:
        instances = s.exec(select(Instance)).all()
        tasks = {t.id: t for t in s.exec(select(Task)).all()}
        decided = s.exec(select(AuditEvent).where(AuditEvent.kind == "decided")).all()
        rows = s.exec(select(OutboxItem)).all()
        inbound = {m.id: m for m in s.exec(select(InboundMessage)).all()}
        chains = [audit.verify(s, i.id) for i in instances]
        notes = {n.id: n for n in s.exec(select(Notification)).all()}
    v.instances = len(instances)
    v.transitions = len(decided)

    # 1. acknowledged decisions ----------------------------------------------------------
    by_task: dict[int, list[AuditEvent]] = defaultdict(list)
    for event in decided:
        by_task[event.task_id].append(event)
    v.acknowledged = len(stack.acks)
    acked_by = Counter((a.channel, a.task_id) for a in stack.acks if a.channel != "email")
    for (channel, task_id), times in acked_by.items():
        events = by_task.get(task_id, [])
        if times > 1:
            v.problems.append(f"task {task_id}: {times} {channel} decisions acknowledged")
        if len(events) != 1:
            v.problems.append(f"task {task_id}: acknowledged by {channel} but "
                              f"{len(events)} decided events")
        elif events[0].channel != channel:
            v.problems.append(f"task {task_id}: acknowledged by {channel} but decided by "
                              f"{events[0].channel}")
    for task_id, statuses in stack.attempts.items():
        # 503 means "the database is unavailable; nothing was changed": a decision the API
        # refused so must not be on record, unless a later attempt was answered 200
        events = by_task.get(task_id, [])
        if 503 in statuses and 200 not in statuses and any(e.channel == "api" for e in events):
            v.problems.append(f"task {task_id}: the API answered 503 (nothing was changed), "
                              f"yet its decision is recorded (answers {statuses})")
    for ack in (a for a in stack.acks if a.channel == "email"):
        row = inbound.get(ack.inbound_id)
        if row is None:
            v.problems.append(f"reply {ack.message_id}: answered 250 but not stored "
                              f"(inbound id {ack.inbound_id})")
            continue
        if row.state != "done":
            v.problems.append(f"reply {ack.message_id} (inbound {row.id}): {row.state} "
                              f"({row.outcome}: {row.reason})")
        if row.outcome == "decided":
            events = [e for e in by_task.get(row.task_id, [])
                      if e.channel == "email" and ack.message_id
                      and ack.message_id in json.dumps(e.data)]
            if len(events) != 1:
                v.problems.append(f"reply {ack.message_id} decided task {row.task_id}, but "
                                  f"{len(events)} decided events carry its Message-ID")
    outcomes = Counter(m.outcome or m.state for m in inbound.values())
    if outcomes:
        v.notes.append("replies: " + ", ".join(f"{k} {n}" for k, n in sorted(outcomes.items())))

    # 2. legal states, intact chains -----------------------------------------------------
    for task_id, events in by_task.items():
        if len(events) > 1:
            v.problems.append(f"task {task_id} decided {len(events)} times "
                              f"({', '.join(e.channel for e in events)})")
    for task in tasks.values():
        count = len(by_task.get(task.id, []))
        if task.state not in LEGAL_TASK:
            v.problems.append(f"task {task.id}: unknown state {task.state}")
        if task.state == "decided" and (task.verdict is None or count != 1) \
                and task.verdict != "resubmit":
            v.problems.append(f"task {task.id}: decided ({task.verdict}) with {count} "
                              "decided events")
        if task.state in ("open", "waiting") and (count or task.verdict):
            v.problems.append(f"task {task.id}: {task.state} yet decided ({task.verdict}, "
                              f"{count} events)")
    open_at = defaultdict(set)
    for task in tasks.values():
        if task.state == "open":
            open_at[task.instance_id].add(task.stage)
    for instance in instances:
        if instance.status not in LEGAL_INSTANCE:
            v.problems.append(f"instance {instance.id}: unknown status {instance.status}")
        elif instance.status == "running" and instance.stage not in open_at[instance.id]:
            v.problems.append(f"instance {instance.id}: running at {instance.stage!r} with no "
                              f"open task there (open at {sorted(open_at[instance.id])})")
        elif instance.status != "running" and open_at[instance.id]:
            v.problems.append(f"instance {instance.id}: {instance.status} with open tasks")
    for chain in chains:
        if not chain.ok:
            v.problems.append(str(chain))
    if instances:  # the command line's check too, on one of them
        result = subprocess.run([SIGNOFF, "audit", "verify", str(instances[-1].id)],
                                env=stack.env, capture_output=True, text=True, timeout=120)
        if result.returncode != 0 or "intact" not in result.stdout:
            v.problems.append(f"signoff audit verify {instances[-1].id}: "
                              f"{result.stdout.strip()} {result.stderr.strip()[-300:]}")

    # 3. every mail exactly once ---------------------------------------------------------
    received = stack.relay.counts()
    mail_rows = [r for r in rows if r.kind == "email"]
    known = {}
    for row in mail_rows:
        known[expected_message_id(row, stack.secret, DOMAIN)] = row
    for message_id, row in known.items():
        copies = received.get(message_id, 0)
        person = ""
        note = notes.get((row.payload or {}).get("notification"))
        if note is not None:
            person = f" ({note.template} to person {note.person_id})"
        if row.state == "done" and copies == 0:
            v.problems.append(f"mail row {row.id}{person}: marked sent, never received")
        elif row.state != "done" and copies:
            v.problems.append(f"mail row {row.id}{person}: received {copies}x, row "
                              f"{row.state}")
        if copies > 1:
            v.duplicates += copies - 1
            if message_id in explained and copies == 2:
                v.explained_duplicates += 1
            else:
                v.problems.append(f"mail row {row.id}{person}: received {copies} times "
                                  f"({message_id})")
    tries = Counter(row.attempts for row in mail_rows)
    v.notes.append("mail rows (× tries): " + ", ".join(f"{n} × {k}"
                                                       for k, n in sorted(tries.items())))
    v.mails = sum(1 for m in received if m in known)
    strangers = [m for m in received if m not in known]
    if strangers:
        v.problems.append(f"{len(strangers)} mails no row accounts for, e.g. {strangers[0]}")

    # 4. nothing left undispatched --------------------------------------------------------
    left = [r for r in rows if r.state != "done"]
    unread = [m for m in inbound.values() if m.state != "done"]
    v.undispatched = len(left) + len(unread)
    for row in left[:10]:
        v.problems.append(f"outbox row {row.id} ({row.kind}) {row.state} after the sweep, "
                          f"{row.attempts} attempts: {(row.last_error or '')[:200]}")
    for m in unread[:10]:
        v.problems.append(f"inbound {m.id} {m.state} after the sweep ({m.outcome}: "
                          f"{(m.reason or '')[:200]})")
    _record(v, results)
    return v


def _record(v: Verdict, path: Path) -> None:
    row = asdict(v)
    row["verdict"] = v.verdict()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as out:  # scenarios run in parallel append to the same file
        fcntl.flock(out, fcntl.LOCK_EX)
        out.write(json.dumps(row) + "\n")


def summary(v: Verdict) -> str:
    head = (f"{v.scenario} [{v.database}]: acknowledged {v.acknowledged}, transitions "
            f"{v.transitions}, instances {v.instances}, mails {v.mails} (duplicates "
            f"{v.duplicates}, explained {v.explained_duplicates}), undispatched "
            f"{v.undispatched}, {v.seconds:.0f} s")
    lines = [head, *("  note: " + n for n in v.notes), *("  PROBLEM: " + p
                                                          for p in v.problems[:40])]
    return "\n".join(lines)
