"""Deadlines from dates on real databases: the timer rows a stage's deadline writes, fired as
the scheduler fires them — a reminder re-armed, the task handed to the manager."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from approvals import service
from approvals.store.models import Task, Timer
from tests.integration.flows import load_process, open_tasks, rows

PROCESS = """\
id: leave-pay
name: {en: Leave pay, ru: Отпускные}
fields:
  - {name: title, type: text, required: true, label: Title}
  - {name: leave_starts, type: date, required: true, label: Leave starts}
stages:
  - key: pay
    name: Pay
    assignees: [{person: anna@example.com}]
    deadline: {working_days: 3, from: leave_starts, before: true, remind_every: 1,
               then: reassign}
"""


@pytest.fixture
def leave_pay(db, org, now, tmp_path) -> str:
    assert load_process(db, tmp_path, PROCESS, now) == "leave-pay"
    return "leave-pay"


def test_the_deadline_counts_back_from_the_date_and_hands_the_task_on(db, org, now, leave_pay):
    anna = org.approvers[0]
    started = service.start(db, leave_pay, org.initiator,
                            {"title": "Pay Ivan", "leave_starts": "2027-03-15"}, now)
    [timer] = rows(db, Timer)
    assert (timer.kind, timer.due_at.replace(tzinfo=None)) == (
        "deadline", datetime(2027, 3, 10, 9, 0))  # Monday the 15th less three working days

    fired = service.fire_timer(db, timer.id, datetime(2027, 3, 10, 9, 1, tzinfo=UTC))

    assert fired is not None
    assert list(open_tasks(db, started.instance_id)) == [org.manager]  # Anna's manager
    [old] = rows(db, Task, Task.assignee_id == anna)
    assert (old.state, old.close_reason) == ("withdrawn", "reassigned")
    # the date has passed for the manager too: no new deadline, a reminder tomorrow instead
    kinds = sorted((t.kind, t.fired_at is not None) for t in rows(db, Timer))
    assert kinds == [("deadline", True), ("reminder", False)]
    assert service.fire_timer(db, timer.id, datetime(2027, 3, 10, 9, 2, tzinfo=UTC)) is None  # once
    [later] = [t for t in rows(db, Timer) if t.kind == "reminder"]
    assert later.task_id == open_tasks(db, started.instance_id)[org.manager].id
    assert later.due_at.replace(tzinfo=None) == datetime(2027, 3, 11, 9, 1)
