"""Dates drive time: deadlines in calendar or working days, from a task's start or from a date
field (before or after it), repeated reminders, and what happens when a deadline passes."""

from __future__ import annotations

from datetime import datetime, timedelta
from textwrap import dedent

import pytest

from approvals.core import engine
from approvals.core.calendar import Weekdays
from approvals.core.errors import DefinitionError
from approvals.core.states import COMPLETED, OPEN, WITHDRAWN
from approvals.definitions import load_text
from tests.unit.fakes import FakeDirectory

MONDAY = datetime(2026, 12, 7, 10, 0)


@pytest.fixture
def people() -> FakeDirectory:
    d = FakeDirectory()
    d.add("petr@example.com")                       # 1, the manager
    d.add("ivan@example.com", manager=1)            # 2, initiator
    d.add("anna@example.com", manager=1)            # 3, assignee
    d.add("vera@example.com")                       # 4
    return d


def process(deadline: str, outcomes: str = "") -> engine.Process:
    return load_text(dedent(f"""\
        id: pay
        name: Pay
        fields: [{{name: leave_starts, type: date}}, {{name: note, type: text}}]
        stages:
          - key: pay
            name: Pay
            assignees: [{{person: anna@example.com}}, {{person: vera@example.com}}]
            deadline: {deadline}{outcomes}
          - {{key: archive, name: Archive, assignees: [{{person: petr@example.com}}]}}
        """), "pay.yaml")


def opened(out) -> list[engine.TaskState]:
    return [t for t in out.state.current_tasks() if t.state == OPEN]


def test_three_working_days_before_a_date_field_fall_due_at_nine_that_morning(people):
    out = engine.start(process("{working_days: 3, from: leave_starts, before: true}"), people,
                       2, {"leave_starts": "2026-12-21"}, MONDAY, calendar=Weekdays())
    assert {t.deadline for t in opened(out)} == {datetime(2026, 12, 16, 9, 0)}
    assert [e.due for e in out.effects if isinstance(e, engine.SetTimer)] == [
        datetime(2026, 12, 16, 9, 0)] * 2


def test_calendar_days_after_a_date_and_no_date_means_no_deadline(people):
    dated = engine.start(process("{days: 2, from: leave_starts}"), people, 2,
                         {"leave_starts": "2026-12-21"}, MONDAY)
    assert {t.deadline for t in opened(dated)} == {datetime(2026, 12, 23, 9, 0)}
    undated = engine.start(process("{days: 2, from: leave_starts}"), people, 2, {}, MONDAY)
    assert {t.deadline for t in opened(undated)} == {None}
    assert not [e for e in undated.effects if isinstance(e, engine.SetTimer)]


def _fire(proc, people, state, who: int, kind: str = "deadline"):
    task = next(t for t in opened_state(state) if t.assignee == who)
    return engine.timer_fired(proc, state, task.seq, kind, MONDAY + timedelta(days=5), people)


def opened_state(state) -> list[engine.TaskState]:
    return [t for t in state.current_tasks() if t.state == OPEN]


def test_reminders_repeat_until_the_task_is_answered(people):
    proc = process("{days: 1, remind_every: 2}")
    state = engine.start(proc, people, 2, {}, MONDAY).state
    first = _fire(proc, people, state, 3)
    assert [(n.person, n.template) for n in first.effects if isinstance(n, engine.Notify)] == [
        (3, "task_overdue"), (2, "task_overdue_initiator")]
    [again] = [e for e in first.effects if isinstance(e, engine.SetTimer)]
    assert (again.kind, again.due) == ("reminder", MONDAY + timedelta(days=7))
    second = _fire(proc, people, first.state, 3, kind="reminder")
    assert [(n.person, n.template) for n in second.effects if isinstance(n, engine.Notify)] == [
        (3, "task_overdue")]  # the initiator was told once
    assert [e.kind for e in second.effects if isinstance(e, engine.SetTimer)] == ["reminder"]


def test_then_remind_manager_tells_the_assignees_manager(people):
    proc = process("{days: 1, then: remind_manager}")
    state = engine.start(proc, people, 2, {}, MONDAY).state
    out = _fire(proc, people, state, 3)
    assert (1, "task_overdue_manager") in [(n.person, n.template) for n in out.effects
                                           if isinstance(n, engine.Notify)]


@pytest.mark.parametrize(("then", "to"), [
    ("reassign", 1),  # to the assignee's manager
    ("{reassign: {person: petr@example.com}}", 1)])
def test_then_reassign_hands_the_task_on(people, then, to):
    proc = process(f"{{days: 1, then: {then}}}")
    state = engine.start(proc, people, 2, {}, MONDAY).state
    out = _fire(proc, people, state, 3)
    assert sorted(t.assignee for t in opened(out)) == sorted([4, to])
    old = next(t for t in out.state.tasks if t.assignee == 3)
    assert (old.state, old.close_reason) == (WITHDRAWN, "reassigned")


def test_then_decide_answers_for_the_assignee(people):
    proc = process("{days: 1, then: {decide: approve}}")
    state = engine.start(proc, people, 2, {}, MONDAY).state
    state = _fire(proc, people, state, 3).state
    out = _fire(proc, people, state, 4)
    assert out.state.stage == "archive"
    decided = [e for e in out.events if e.kind == "decided"]
    assert [(e.actor, e.data["channel"], e.data["verdict"]) for e in decided] == [
        (None, "system", "approve")]


def test_then_close_completes_the_stage_without_the_missing_answers(people):
    proc = process("{days: 1, then: close}")
    state = engine.start(proc, people, 2, {}, MONDAY).state
    out = _fire(proc, people, state, 3)
    assert out.state.stage == "archive"
    assert {(t.assignee, t.close_reason) for t in out.state.tasks if t.stage == "pay"} == {
        (3, "deadline_passed"), (4, "deadline_passed")}
    archive = next(t for t in opened(out))
    done = engine.decide(proc, people, out.state, archive.seq, 1, "approve", "", MONDAY)
    assert done.state.status == COMPLETED


@pytest.mark.parametrize(("deadline", "problem"), [
    ("{days: 1, from: note}", "'note' is not a date field of this process"),
    ("{days: 1, working_days: 2}", "give either days or working_days"),
    ("{days: 1, before: true}", "before: true counts back from the date in 'from'"),
    ("{days: 1, then: {decide: maybe}}", "decide: expected one of this stage's answers "
                                         "(approve, send_back)"),
    ("{days: 1, then: escalate}", "expected remind_manager, close, {reassign: ASSIGNEE}"),
    ("{days: 1, then: decide}", "decide needs the answer"),
])
def test_a_deadline_that_cannot_work_is_refused_with_its_line(deadline, problem):
    with pytest.raises(DefinitionError) as refused:
        process(deadline)
    assert problem in str(refused.value) and str(refused.value).startswith("pay.yaml:")
