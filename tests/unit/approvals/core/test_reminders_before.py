"""A stage's deadline that reminds before it falls due (``remind_before``) and closes the stage
at it (``then: close``), as an acknowledgement campaign runs: the reminder goes once to those
still open, the initiator is not told; at the deadline the unanswered are "not acknowledged",
the initiator gets one summary and the timers of a stage fire together."""

from __future__ import annotations

from datetime import datetime, timedelta
from textwrap import dedent

import pytest

from approvals.core import engine
from approvals.core.calendar import Weekdays
from approvals.core.errors import DefinitionError
from approvals.core.states import COMPLETED, DECIDED, OPEN, WITHDRAWN
from approvals.definitions import load_text
from tests.unit.fakes import FakeDirectory

MONDAY = datetime(2026, 12, 7, 10, 0)
DUE = datetime(2026, 12, 18, 9, 0)  # the date field's day, 09:00


@pytest.fixture
def people() -> FakeDirectory:
    d = FakeDirectory()
    d.add("olga@example.com", department="HR")             # 1, the initiator
    for n in range(2, 7):                                   # 2..6, the readers
        d.add(f"reader{n}@example.com", department="Sales")
    return d


def campaign(remind: str = "{days: 1}", verdicts: str = "[acknowledge]") -> engine.Process:
    return load_text(dedent(f"""\
        id: read
        name: Read
        fields: [{{name: until, type: date}}]
        stages:
          - key: read
            name: Read
            assignees: [{{department: Sales}}]
            verdicts: {verdicts}
            deadline: {{days: 0, from: until, remind_before: {remind}, then: close}}
        """), "read.yaml")


def begin(process, people, now=MONDAY) -> engine.Outcome:
    return engine.start(process, people, 1, {"until": DUE.date().isoformat()}, now,
                        calendar=Weekdays())


def timers(out: engine.Outcome) -> list[tuple[str, datetime]]:
    return sorted({(e.kind, e.due) for e in out.effects if isinstance(e, engine.SetTimer)})


def test_each_task_gets_its_deadline_and_a_reminder_before_it(people):
    out = begin(campaign(), people)
    assert timers(out) == [("deadline", DUE), ("remind_before", DUE - timedelta(days=1))]
    assert len([e for e in out.effects if isinstance(e, engine.SetTimer)]) == 10
    working = begin(campaign("{working_days: 2}"), people)  # Friday the 18th: Wednesday
    assert ("remind_before", datetime(2026, 12, 16, 9, 0)) in timers(working)


def test_a_reminder_already_due_when_the_task_opens_is_not_set(people):
    out = begin(campaign("{days: 30}"), people)
    assert timers(out) == [("deadline", DUE)]


def test_the_reminder_goes_once_to_those_still_open_and_not_to_the_initiator(people):
    process = campaign()
    state = begin(process, people).state
    for reader in (2, 3):
        task = next(t for t in state.tasks if t.assignee == reader)
        state = engine.decide(process, people, state, task.seq, reader, "acknowledge", "",
                              MONDAY + timedelta(hours=1)).state
    fired = [(t.seq, engine.REMIND_BEFORE) for t in state.tasks]
    out = engine.timers_fired(process, state, fired, DUE - timedelta(days=1), people)
    assert sorted((n.person, n.template) for n in out.effects) == [
        (4, "task_due_soon"), (5, "task_due_soon"), (6, "task_due_soon")]
    assert [(e.kind, e.data) for e in out.events] == [
        ("reminded", {"stage": "read", "assignees": [4, 5, 6]})]
    assert {t.state for t in out.state.tasks if t.assignee > 3} == {OPEN}


def test_at_the_deadline_the_unanswered_are_not_acknowledged_and_the_initiator_gets_a_summary(
        people):
    process = campaign()
    state = begin(process, people).state
    first = next(t for t in state.tasks if t.assignee == 2)
    state = engine.decide(process, people, state, first.seq, 2, "acknowledge", "",
                          MONDAY).state
    fired = [(t.seq, engine.DEADLINE) for t in state.tasks]  # every task's timer at once
    out = engine.timers_fired(process, state, fired, DUE, people)
    assert out.state.status == COMPLETED
    assert sorted((t.assignee, t.state, t.close_reason) for t in out.state.tasks) == [
        (2, DECIDED, None), *((n, WITHDRAWN, "not_acknowledged") for n in range(3, 7))]
    notices = [(n.person, n.template) for n in out.effects if isinstance(n, engine.Notify)]
    assert sorted(notices) == [(1, "stage_closed"), *((n, "task_withdrawn")
                                                      for n in range(3, 7))]
    assert [e.kind for e in out.events].count("deadline_passed") == 1  # the rest found it closed
    summary = next(n for n in out.effects if getattr(n, "template", "") == "stage_closed")
    assert summary.params["stage"] == "read"


def test_a_stage_that_waits_for_approvals_closes_them_as_past_their_deadline(people):
    process = campaign(verdicts="[approve, send_back]")
    state = begin(process, people).state
    out = engine.timers_fired(process, state, [(state.tasks[0].seq, engine.DEADLINE)], DUE,
                              people)
    assert {t.close_reason for t in out.state.tasks} == {"deadline_passed"}


@pytest.mark.parametrize(("remind", "problem"), [
    ("{days: 1, working_days: 1}", "remind_before: give either days or working_days"),
    ("2", "remind_before: expected a mapping"),
    ("{weeks: 1}", "remind_before.weeks: unknown key"),
])
def test_a_reminder_that_cannot_work_is_refused_with_its_line(remind, problem):
    with pytest.raises(DefinitionError) as refused:
        campaign(remind)
    assert problem in str(refused.value) and str(refused.value).startswith("read.yaml:9:")
