"""What the leave processes brought to the language: a stage's ``fallback`` (the director's
own leave goes to a configured person, and the administrators are told), ``{managers: all}``
(every manager up the chain), a deadline counted from a date range's start or end
(``from: period.start``), and ``when:`` on every action (an effect, a ``set``)."""

from __future__ import annotations

from datetime import datetime
from textwrap import dedent

import pytest

from approvals.core import engine
from approvals.core.errors import DefinitionError
from approvals.core.states import OPEN, WAITING
from approvals.definitions import load_text
from tests.unit.fakes import FakeDirectory

NOW = datetime(2026, 5, 4, 10, 0)


@pytest.fixture
def org() -> FakeDirectory:
    """Dina directs (no manager) → Olga heads Sales → Ivan; Lev approves the leave of whoever
    has no manager; Ada administers."""
    d = FakeDirectory()
    d.add("dina@example.com", department="Management")  # 1
    d.add("olga@example.com", manager=1, department="Sales")  # 2
    d.add("ivan@example.com", manager=2, department="Sales")  # 3
    d.add("lev@example.com", department="HR", roles=("leave_approver",))  # 4
    d.add("ada@example.com", roles=("admin",), department="IT")  # 5
    d.add("max@example.com", manager=3, department="Sales")  # 6
    return d


def process(stage: str, fields: str = "", on_enter: str = "") -> engine.Process:
    return load_text(dedent(f"""\
        id: leave
        name: Leave
        fields:
          - {{name: period, type: date_range}}
          - {{name: kind, type: choice, choices: [annual, unpaid]}}{fields}
        stages:
          - {stage}{on_enter}
        """), "leave.yaml")


FALLBACK = "{key: manager, name: Manager, assignees: [manager], " \
    "fallback: [{role: leave_approver}]}"


def opened(out: engine.Outcome) -> list[int]:
    return [t.assignee for t in out.state.current_tasks() if t.state == OPEN]


def test_a_stage_with_nobody_goes_to_its_fallback_and_the_administrators_are_told(org):
    out = engine.start(process(FALLBACK), org, org.id("dina@example.com"), {}, NOW)

    assert opened(out) == [org.id("lev@example.com")]
    [event] = [e.data for e in out.events if e.kind == "stage_fallback"]
    assert event == {"stage": "manager", "wanted": ["manager"],
                     "assignees": [org.id("lev@example.com")]}
    assert not [e for e in out.events if e.kind == "stage_unassigned"]
    told = [(n.person, n.params["wanted"]) for n in out.effects
            if isinstance(n, engine.Notify) and n.template == "stage_fallback"]
    assert told == [(org.id("ada@example.com"), ["manager"])]


def test_the_fallback_is_not_used_while_the_assignees_name_someone(org):
    out = engine.start(process(FALLBACK), org, org.id("ivan@example.com"), {}, NOW)
    assert opened(out) == [org.id("olga@example.com")]
    assert not [e for e in out.events if e.kind in ("stage_fallback", "stage_unassigned")]


def test_a_fallback_naming_nobody_either_leaves_the_stage_to_the_administrators(org):
    org.people[org.id("lev@example.com")].active = False
    out = engine.start(process(FALLBACK), org, org.id("dina@example.com"), {}, NOW)
    assert opened(out) == [org.id("ada@example.com")]
    assert [e.kind for e in out.events if e.kind.startswith("stage_")
            and e.kind != "stage_entered"] == ["stage_unassigned"]


def test_the_fallback_never_hands_the_initiator_their_own_request(org):
    out = engine.start(process(FALLBACK), org, org.id("lev@example.com"), {}, NOW)
    assert opened(out) == [org.id("ada@example.com")]  # Lev has no manager, and is the fallback


def test_every_manager_up_the_chain_decides_in_turn(org):
    proc = process("{key: chain, name: Chain, assignees: [{managers: all}], rule: sequence}")
    out = engine.start(proc, org, org.id("max@example.com"), {}, NOW)
    tasks = out.state.current_tasks()
    assert [(t.assignee, t.state) for t in tasks] == [
        (org.id("ivan@example.com"), OPEN), (org.id("olga@example.com"), WAITING),
        (org.id("dina@example.com"), WAITING)]
    assert engine.describe(proc.status("chain").assignees[0]) == "managers all"


@pytest.mark.parametrize(("part", "due"), [
    ("start", datetime(2026, 5, 29, 9, 0)), ("end", datetime(2026, 6, 11, 9, 0))])
def test_a_deadline_counts_from_a_date_ranges_start_or_end(org, part, due):
    proc = process("{key: pay, name: Pay, assignees: [{person: olga@example.com}], "
                   f"deadline: {{days: 3, from: period.{part}, before: true}}}}")
    out = engine.start(proc, org, org.id("ivan@example.com"),
                       {"period": {"start": "2026-06-01", "end": "2026-06-14"}}, NOW)
    [task] = out.state.current_tasks()
    assert task.deadline == due
    empty = engine.start(proc, org, org.id("ivan@example.com"), {}, NOW)
    assert [t.deadline for t in empty.state.current_tasks()] == [None]


def test_an_action_runs_only_when_its_condition_holds(org):
    proc = process("key: hr", on_enter="""
            name: HR
            assignees: [{person: olga@example.com}]
            on_enter:
              - {set: {recorded: paid}, when: "kind == annual"}
              - {set: {recorded: free}, when: "kind == unpaid"}""")
    annual = engine.start(proc, org, org.id("ivan@example.com"), {"kind": "annual"}, NOW)
    assert annual.state.fields["recorded"] == "paid"
    assert [e.data for e in annual.events if e.kind == "fields_set"] == [
        {"values": {"recorded": "paid"}}]


@pytest.mark.parametrize(("stage", "problem"), [
    ("{key: a, name: A, assignees: [manager], fallback: []}", "expected a list of assignees"),
    ("{key: a, name: A, assignees: [manager], fallback: [{role: ''}]}", "expected initiator"),
    ("{key: a, name: A, assignees: [{managers: every}]}", "1 to 10, or all"),
    ("{key: a, name: A, assignees: [manager], deadline: {days: 3, from: period.middle}}",
     "'period.middle' is not a date field of this process (or a date range's start or end"),
    ("{key: a, name: A, assignees: [manager], deadline: {days: 3, from: kind.start}}",
     "'kind.start' is not a date field"),
    ("{key: a, name: A, branches: [{key: b, name: B, assignees: [manager]}, "
     "{key: c, name: C, assignees: [manager]}], fallback: [{role: hr}]}",
     "a stage of branches gives this per branch"),
])
def test_processes_check_refuses_what_could_not_work(stage, problem):
    with pytest.raises(DefinitionError) as caught:
        process(stage)
    assert problem in str(caught.value)


def test_a_branch_may_have_its_own_fallback(org):
    proc = process("{key: rec, name: Rec, branches: [{key: b, name: B, assignees: [manager], "
                   "fallback: [{role: leave_approver}]}, {key: c, name: C, "
                   "assignees: [{person: olga@example.com}]}]}")
    out = engine.start(proc, org, org.id("dina@example.com"), {}, NOW)
    assert sorted(opened(out)) == [org.id("olga@example.com"), org.id("lev@example.com")]


def test_a_stage_naming_the_initiator_stays_theirs_while_they_are_away(org):
    """Closing one's own sick note is one's own task: it does not go to the deputy, while a
    stage for someone else away still does."""
    ivan, olga, max_ = (org.id(f"{n}@example.com") for n in ("ivan", "olga", "max"))
    org.away(ivan, olga, NOW.date())
    org.away(max_, olga, NOW.date())
    own = engine.start(process("{key: note, name: Note, assignees: [initiator]}"), org, ivan,
                       {}, NOW)
    assert [(t.assignee, t.on_behalf_of) for t in own.state.current_tasks()] == [(ivan, None)]
    other = engine.start(process("{key: note, name: Note, assignees: [manager]}"), org, max_,
                         {}, NOW)
    assert [(t.assignee, t.on_behalf_of) for t in other.state.current_tasks()] == [(olga, ivan)]
