"""Assignees from data: departments, the manager of someone in a field, the manager chain,
whoever decided a stage — and a stage nobody can take going to the administrators."""

from __future__ import annotations

from datetime import datetime
from textwrap import dedent

import pytest

from approvals.core import engine
from approvals.core.errors import DefinitionError, Forbidden, FormInvalid, NoAssignee
from approvals.core.states import OPEN
from approvals.definitions import load_text
from tests.unit.fakes import FakeDirectory

NOW = datetime(2026, 12, 7, 9, 0)


@pytest.fixture
def org() -> FakeDirectory:
    """Ivan (Sales) → Olga (Sales head) → Petr (director); Anna and Boris in Legal, Vera in
    Finance (inactive Gleb in Legal); Ada administers."""
    d = FakeDirectory()
    d.add("petr@example.com", department="Management")
    d.add("olga@example.com", manager=1, department="Sales", roles=("head",))
    d.add("ivan@example.com", manager=2, department="Sales")
    d.add("anna@example.com", manager=1, department="Legal", roles=("head",))
    d.add("boris@example.com", manager=4, department="legal")
    d.add("vera@example.com", manager=1, department="Finance")
    d.add("gleb@example.com", manager=4, active=False, department="Legal")
    d.add("ada@example.com", roles=("admin",), department="IT")
    return d


def ids(org: FakeDirectory, *names: str) -> list[int]:
    return [org.id(f"{name}@example.com") for name in names]


def process(assignees: str, extra_stage: str = "", head: str = "") -> engine.Process:
    return load_text(dedent(f"""\
        id: who
        name: Who{head}
        fields:
          - {{name: employee, type: person}}
          - {{name: department, type: choice, choices: [Legal, Finance, Sales]}}
          - {{name: departments, type: text}}
        stages:{extra_stage}
          - {{key: only, name: Only, assignees: {assignees}}}
        """), "who.yaml")


def assigned(out: engine.Outcome) -> list[int]:
    return [t.assignee for t in out.state.current_tasks() if t.state == OPEN]


@pytest.mark.parametrize(("assignees", "fields", "expected"), [
    ("[{department: Legal}]", {}, ["anna", "boris"]),  # letter case aside; Gleb is inactive
    ("[{department: {field: department}}]", {"department": "Finance"}, ["vera"]),
    ("[{department: {field: departments}}]", {"departments": "Finance, Legal\nSales"},
     ["vera", "anna", "boris", "olga"]),  # not Ivan, who asks (separation of duties)
    ("[{manager_of: {field: employee}}]", {"employee": "boris@example.com"}, ["anna"]),
    ("[{manager_of: {field: employee}}]", {"employee": "gleb@example.com"}, ["anna"]),
    ("[{managers: 1}]", {}, ["olga"]),
    ("[{managers: 2}]", {}, ["olga", "petr"]),
    ("[{managers: 5}]", {}, ["olga", "petr"]),  # the chain stops at the top
    ("[department_head]", {}, ["olga"]),  # the head of the initiator's department
    ("[{department_head: {field: employee}}]", {"employee": "boris@example.com"}, ["anna"]),
    ("[{department_head: legal}]", {}, ["anna"]),
])
def test_assignees_come_from_the_directory_and_the_form(org, assignees, fields, expected):
    out = engine.start(process(assignees), org, org.id("ivan@example.com"), fields, NOW)
    assert assigned(out) == ids(org, *expected)


def test_an_inactive_manager_is_walked_past_and_does_not_count_as_a_level(org):
    org.people[org.id("olga@example.com")].active = False
    out = engine.start(process("[{managers: 2}]"), org, org.id("ivan@example.com"), {}, NOW)
    assert assigned(out) == ids(org, "petr")


def test_whoever_decided_an_earlier_stage_takes_a_later_one(org):
    two = process("[{decided: review}]", extra_stage="""
          - {key: review, name: Review, assignees: [{department: Legal}], rule: any}""")
    started = engine.start(two, org, org.id("ivan@example.com"), {}, NOW)
    boris = org.id("boris@example.com")
    task = next(t for t in started.state.tasks if t.assignee == boris)
    out = engine.decide(two, org, started.state, task.seq, boris, "approve", "", NOW)
    assert out.state.stage == "only" and assigned(out) == [boris]


@pytest.mark.parametrize(("assignees", "fields", "wanted"), [
    ("[{department: Marketing}]", {}, ["department Marketing"]),
    ("[{department_head: Finance}]", {}, ["department_head Finance"]),  # Finance has no head
    ("[{manager_of: {field: employee}}]", {"employee": "petr@example.com"},
     ["manager_of field employee"]),
    ("[{manager_of: {field: employee}}]", {}, ["manager_of field employee"]),
    ("[{department: {field: departments}}]", {"departments": " , "}, [
        "department field departments"]),
])
def test_a_stage_nobody_can_take_goes_to_the_administrators_and_the_initiator_is_told(
        org, assignees, fields, wanted):
    ivan = org.id("ivan@example.com")
    out = engine.start(process(assignees), org, ivan, fields, NOW)
    assert assigned(out) == ids(org, "ada")
    [event] = [e.data for e in out.events if e.kind == "stage_unassigned"]
    assert event["wanted"] == wanted
    assert [(n.person, n.params["wanted"]) for n in out.effects
            if isinstance(n, engine.Notify) and n.template == "stage_unassigned"] == [
        (ivan, wanted)]


@pytest.mark.parametrize(("assignees", "problem"), [
    ("[{managers: 0}]", "managers: expected how many levels up, 1 to 10"),
    ("[{managers: yes}]", "managers: expected how many levels up, 1 to 10"),
    ("[{manager_of: {field: department}}]", "'department' is not a person field"),
    ("[{department: {field: employee}}]", "'employee' is not a choice or text field"),
    ("[{department: ''}]", "expected initiator, manager,"),
    ("[{decided: nowhere}]", "decided: 'nowhere' is not a stage of this process (its stages: "
                             "only)"),
    ("[{boss: 1}]", "expected initiator, manager, department_head, {person: EMAIL}, "
                    "{role: NAME}, {field: NAME}, {department: NAME}, "
                    "{department: {field: NAME}}, {department_head: NAME}, "
                    "{department_head: {field: NAME}}, {manager_of: {field: NAME}}, "
                    "{managers: LEVELS}, {managers: all}, {decided: STAGE}"),
    ("[{department_head: {field: department}}]", "'department' is not a person field"),
])
def test_an_assignee_that_cannot_work_is_refused_when_the_file_is_read(assignees, problem):
    with pytest.raises(DefinitionError) as refused:
        process(assignees)
    assert problem in str(refused.value)
    assert str(refused.value).startswith("who.yaml:")


# --- separation of duties: the initiator decides nothing of their own ------------------------

MAY_DECIDE = "\n        initiator_may_decide: true"


def test_a_form_naming_its_initiator_as_a_decider_is_refused_for_that_field(org):
    with pytest.raises(FormInvalid) as refused:
        engine.start(process("[{field: employee}]"), org, org.id("ivan@example.com"),
                     {"employee": "ivan@example.com"}, NOW)
    assert refused.value.errors == {"employee": ("initiator_may_not_decide", {})}


def test_a_process_that_allows_it_lets_the_initiator_decide(org):
    out = engine.start(process("[{field: employee}, {department: Sales}]", head=MAY_DECIDE),
                       org, org.id("ivan@example.com"), {"employee": "ivan@example.com"}, NOW)
    assert assigned(out) == ids(org, "ivan", "olga")


def test_a_role_only_the_initiator_holds_goes_to_the_administrators(org):
    org.add("kate@example.com", roles=("accountant",))
    out = engine.start(process("[{role: accountant}]"), org, org.id("kate@example.com"), {},
                       NOW)
    assert assigned(out) == ids(org, "ada")
    assert [e.kind for e in out.events if e.kind == "stage_unassigned"] == ["stage_unassigned"]


def test_an_administrator_initiator_is_not_their_own_fallback(org):
    with pytest.raises(NoAssignee):
        engine.start(process("[{role: accountant}]"), org, org.id("ada@example.com"), {}, NOW)


def test_a_stage_that_names_the_initiator_itself_still_goes_to_them(org):
    out = engine.start(process("[initiator]"), org, org.id("ivan@example.com"), {}, NOW)
    assert assigned(out) == ids(org, "ivan")


def test_a_task_cannot_be_handed_to_the_initiator(org):
    proc = process("[{department: Legal}]")
    out = engine.start(proc, org, org.id("ivan@example.com"), {}, NOW)
    task = next(t for t in out.state.current_tasks() if t.state == OPEN)
    with pytest.raises(Forbidden):
        engine.reassign(proc, out.state, task.seq, org.id("ivan@example.com"), task.assignee,
                        NOW)


def test_a_resubmission_naming_the_initiator_is_refused_too(org):
    proc = process("[{field: employee}]")
    ivan = org.id("ivan@example.com")
    out = engine.start(proc, org, ivan, {"employee": "anna@example.com"}, NOW)
    task = next(t for t in out.state.current_tasks() if t.state == OPEN)
    out = engine.decide(proc, org, out.state, task.seq, task.assignee, "send_back", "fix it",
                        NOW)
    with pytest.raises(FormInvalid):
        engine.resubmit(proc, org, out.state, ivan, {"employee": "ivan@example.com"}, "", NOW)


def test_initiator_may_decide_must_be_true_or_false():
    with pytest.raises(DefinitionError, match="initiator_may_decide: expected true or false"):
        process("[initiator]", head="\n        initiator_may_decide: sometimes")
