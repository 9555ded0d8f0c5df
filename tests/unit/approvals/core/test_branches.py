"""Parallel branches: a stage whose branches (different people, different tasks) run at once
and join when all of them — or the named ones — are done."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from approvals.core import engine
from approvals.core.errors import DefinitionError
from approvals.core.states import COMPLETED, OPEN, WITHDRAWN
from approvals.definitions import load_text
from tests.unit.fakes import FakeDirectory

NOW = datetime(2026, 12, 7, 9, 0)
LEAVE = """\
id: leave
name: Leave
fields:
  - {name: kind, type: choice, choices: [annual, unpaid], required: true}
stages:
  - {key: manager, name: Manager, assignees: [{person: petr@example.com}]}
  - key: record
    name: {en: Recording, ru: Оформление}
    branches:
      - key: hr
        name: {en: HR records the leave, ru: Кадры оформляют отпуск}
        assignees: [{role: hr}]
        rule: any
        verdicts: [done, send_back]
        form: [{name: order_no, type: text, required: true, label: Order No.}]
      - key: pay
        name: {en: Accounting pays it, ru: Бухгалтерия начисляет отпускные}
        assignees: [{role: accounting}]
        verdicts: [paid]
        when: "kind == annual"
  - {key: archive, name: Archive, assignees: [{person: petr@example.com}], verdicts: [done]}
"""


@pytest.fixture
def people() -> FakeDirectory:
    d = FakeDirectory()
    d.add("petr@example.com")                       # 1
    d.add("ivan@example.com", manager=1)            # 2
    d.add("olga@example.com", roles=("hr",))        # 3
    d.add("maria@example.com", roles=("accounting",))  # 4
    return d


def open_by(state) -> dict[int, engine.TaskState]:
    return {t.assignee: t for t in state.current_tasks() if t.state == OPEN}


def answer(process, people, state, person, verdict, minutes=1, **values):
    task = open_by(state)[person]
    return engine.decide(process, people, state, task.seq, person, verdict,
                         "fix it" if verdict == "send_back" else "",
                         NOW + timedelta(minutes=minutes), values=values or None)


def started(people, kind="annual"):
    process = load_text(LEAVE, "leave.yaml")
    state = engine.start(process, people, 2, {"kind": kind}, NOW).state
    return process, answer(process, people, state, 1, "approve").state


def test_branches_open_at_once_and_the_stage_waits_for_all_of_them(people):
    process, state = started(people)
    assert state.stage == "record"
    assert {p: t.stage for p, t in open_by(state).items()} == {3: "record.hr",
                                                               4: "record.pay"}
    state = answer(process, people, state, 4, "paid").state
    assert (state.stage, list(open_by(state))) == ("record", [3])
    state = answer(process, people, state, 3, "done", minutes=2, order_no="17-o").state
    assert state.stage == "archive" and state.fields["order_no"] == "17-o"
    done = answer(process, people, state, 1, "done", minutes=3)
    assert done.state.status == COMPLETED


def test_a_branch_whose_condition_is_false_is_skipped(people):
    process, state = started(people, kind="unpaid")
    assert list(open_by(state)) == [3]
    state = answer(process, people, state, 3, "done", order_no="18-o").state
    assert state.stage == "archive"


def test_the_stage_can_join_on_named_branches_and_close_the_rest(people):
    process = load_text(LEAVE.replace("    branches:", "    join: [hr]\n    branches:"), "x")
    state = engine.start(process, people, 2, {"kind": "annual"}, NOW).state
    state = answer(process, people, state, 1, "approve").state
    out = answer(process, people, state, 3, "done", order_no="19-o")
    assert out.state.stage == "archive"
    pay = next(t for t in out.state.tasks if t.stage == "record.pay")
    assert (pay.state, pay.close_reason) == (WITHDRAWN, "stage_completed")


def test_a_branch_that_sends_back_sends_the_whole_stage_back(people):
    process, state = started(people)
    out = answer(process, people, state, 3, "send_back")
    assert out.state.stage == "revision" and out.state.sent_back_from == "record"
    assert all(t.state != OPEN for t in out.state.tasks if t.stage.startswith("record"))


@pytest.mark.parametrize(("old", "new", "problem"), [
    ("    name: {en: Recording, ru: Оформление}\n",
     "    name: {en: Recording, ru: Оформление}\n    assignees: [initiator]\n",
     "stages[1].assignees: a stage of branches gives this per branch"),
    ("    branches:", "    join: [it]\n    branches:",
     "stages[1].join: expected a list of this stage's branches (hr, pay)"),
    ("      - key: pay\n", "      - key: hr\n", "branch 'hr' is given twice"),
])
def test_branches_that_cannot_work_are_refused(old, new, problem):
    assert old in LEAVE
    with pytest.raises(DefinitionError) as refused:
        load_text(LEAVE.replace(old, new), "leave.yaml")
    assert problem in str(refused.value)
