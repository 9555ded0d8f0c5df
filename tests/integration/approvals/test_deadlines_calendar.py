"""Deadlines in working days counted with Russia's production calendar (hr/calendar.py),
which the service hands the engine on every command: across the May holidays and the New
Year holidays, on starting, on a timer that decides a stage, and on a decision."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from approvals import service
from approvals.store.models import Task, Timer
from tests.integration.flows import load_process, open_tasks, rows

PROCESS = """\
id: three-days
name: {en: Three days, ru: Три дня}
fields:
  - {name: title, type: text, required: true, label: Title}
stages:
  - key: check
    name: Check
    assignees: [{person: anna@example.com}]
    deadline: {working_days: 3, then: {decide: approve}}
  - key: sign
    name: Sign
    assignees: [{person: boris@example.com}]
    deadline: {working_days: 3}
  - key: file
    name: File
    assignees: [{person: anna@example.com}]
    deadline: {working_days: 3}
"""


@pytest.fixture
def three_days(db, org, now, tmp_path) -> str:
    assert load_process(db, tmp_path, PROCESS, now) == "three-days"
    return "three-days"


def _due(db, task_id: int) -> datetime:
    [timer] = rows(db, Timer, Timer.task_id == task_id, Timer.kind == "deadline")
    return timer.due_at.replace(tzinfo=None)


def test_working_days_skip_the_holidays(db, org, three_days):
    anna, boris = org.approvers[0], org.approvers[1]
    # Thursday 30 April 2026: 1-3 May and 9-11 May are days off
    started = service.start(db, three_days, org.initiator, {"title": "Contract"},
                            datetime(2026, 4, 30, 10, 0, tzinfo=UTC))
    [check] = rows(db, Task, Task.assignee_id == anna)
    assert _due(db, check.id) == datetime(2026, 5, 6, 10, 0)  # Mon 4, Tue 5, Wed 6 May

    # nobody answered: the timer decides for Anna and the next stage opens on 6 May
    [timer] = rows(db, Timer, Timer.task_id == check.id)
    assert service.fire_timer(db, timer.id, datetime(2026, 5, 6, 10, 1, tzinfo=UTC)) is not None
    sign = open_tasks(db, started.instance_id)[boris]
    assert _due(db, sign.id) == datetime(2026, 5, 12, 10, 1)  # Thu 7, Fri 8, Tue 12 May

    # Boris signs on Wednesday 30 December: 31 December and 1-10 January are days off
    service.decide(db, sign.id, boris, "approve", "", datetime(2026, 12, 30, 15, 0, tzinfo=UTC))
    filing = open_tasks(db, started.instance_id)[anna]
    assert _due(db, filing.id) == datetime(2027, 1, 13, 15, 0)  # Mon 11, Tue 12, Wed 13
