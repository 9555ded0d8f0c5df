"""People away: who takes a task meant for them (the pure resolution of deputies), and the
engine routing every task it opens or moves through it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from textwrap import dedent

import pytest

from approvals.core import engine
from approvals.core.deputies import Routed, chain_end, route
from approvals.core.engine import OPEN, REVISION_TASK, WAITING, WITHDRAWN
from approvals.core.errors import NotAnAssignee
from approvals.core.model import Process
from approvals.definitions import load_text
from tests.unit.fakes import FakeDirectory

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
TOMORROW = TODAY + timedelta(days=1)

# Ivan reports to Olga, Olga to Petr; Anna, Boris, Vera and (inactive) Gleb report to Petr.
IVAN, OLGA, PETR, ANNA, BORIS, VERA, GLEB, ADMIN = range(1, 9)


@pytest.fixture
def people() -> FakeDirectory:
    d = FakeDirectory()
    assert d.add("ivan@example.com", manager=OLGA) == IVAN
    assert d.add("olga@example.com", manager=PETR) == OLGA
    assert d.add("petr@example.com") == PETR
    assert d.add("anna@example.com", manager=PETR) == ANNA
    assert d.add("boris@example.com", manager=PETR) == BORIS
    assert d.add("vera@example.com", manager=PETR) == VERA
    assert d.add("gleb@example.com", manager=PETR, active=False) == GLEB
    assert d.add("admin@example.com", roles=("admin",)) == ADMIN
    return d


# ---------------------------------------------------------------------------- the resolution


def test_someone_not_away_keeps_their_task(people):
    people.away(ANNA, BORIS, TOMORROW)
    assert route(people, ANNA, TODAY) == Routed(ANNA, None)


def test_someone_away_hands_it_to_their_deputy_on_every_day_of_the_range(people):
    people.away(ANNA, BORIS, TODAY, TODAY + timedelta(days=9))
    assert route(people, ANNA, TODAY) == Routed(BORIS, ANNA)
    assert route(people, ANNA, TODAY + timedelta(days=9)) == Routed(BORIS, ANNA)
    assert route(people, ANNA, TODAY + timedelta(days=10)) == Routed(ANNA, None)


def test_a_chain_of_deputies_ends_with_the_first_one_not_away(people):
    people.away(ANNA, BORIS, TODAY)
    people.away(BORIS, VERA, TODAY)
    assert chain_end(people, ANNA, TODAY) == VERA
    assert route(people, ANNA, TODAY) == Routed(VERA, ANNA)
    assert route(people, ANNA, TOMORROW) == Routed(ANNA, None)


def test_a_deputy_away_only_on_another_day_takes_it_themself(people):
    people.away(ANNA, BORIS, TODAY, TOMORROW)
    people.away(BORIS, VERA, TOMORROW)
    assert route(people, ANNA, TODAY) == Routed(BORIS, ANNA)
    assert route(people, ANNA, TOMORROW) == Routed(VERA, ANNA)


def test_a_loop_of_deputies_goes_to_the_absent_persons_manager(people):
    people.away(ANNA, BORIS, TODAY)
    people.away(BORIS, VERA, TODAY)
    people.away(VERA, ANNA, TODAY)
    assert chain_end(people, ANNA, TODAY) is None
    assert route(people, ANNA, TODAY) == Routed(PETR, ANNA)


def test_a_loop_walks_up_past_an_inactive_manager_as_the_manager_assignee_does(people):
    people.people[OLGA].active = False
    people.away(IVAN, ANNA, TODAY)
    people.away(ANNA, IVAN, TODAY)
    assert route(people, IVAN, TODAY) == Routed(PETR, IVAN)


def test_an_inactive_deputy_at_the_end_of_the_chain_sends_it_to_the_manager(people):
    people.away(ANNA, BORIS, TODAY)
    people.away(BORIS, GLEB, TODAY)
    assert route(people, ANNA, TODAY) == Routed(PETR, ANNA)


def test_a_deputy_who_is_the_initiator_under_separation_of_duties_is_passed_over(people):
    people.away(ANNA, IVAN, TODAY)
    assert route(people, ANNA, TODAY, excluded=(IVAN,)) == Routed(PETR, ANNA)
    assert route(people, ANNA, TODAY) == Routed(IVAN, ANNA)  # the process allows it


def test_an_excluded_manager_is_walked_past_to_the_next_one_up(people):
    people.away(IVAN, ANNA, TODAY)
    people.away(ANNA, IVAN, TODAY)
    assert route(people, IVAN, TODAY, excluded=(OLGA,)) == Routed(PETR, IVAN)


def test_a_manager_away_too_hands_it_to_their_own_deputy(people):
    people.away(ANNA, BORIS, TODAY)
    people.away(BORIS, ANNA, TODAY)
    people.away(PETR, VERA, TODAY)
    assert route(people, ANNA, TODAY) == Routed(VERA, ANNA)


def test_with_nobody_at_all_the_task_stays_with_the_absent_person(people):
    people.away(PETR, ANNA, TODAY)
    people.away(ANNA, PETR, TODAY)  # a loop, and Petr has no manager
    assert route(people, PETR, TODAY) == Routed(PETR, None)


# ---------------------------------------------------------------------------- the engine


def define(text: str) -> Process:
    return load_text(dedent(text), "test.yaml")


def leave(rule: str = "all") -> Process:
    """The manager approves (Ivan's manager is Olga), then Anna and Boris under ``rule``;
    a send-back goes to the initiator."""
    return define(f"""
        id: leave
        name: Leave
        revision: {{assignee: initiator}}
        stages:
          - {{key: manager, name: Manager, assignees: [manager]}}
          - key: board
            name: Board
            assignees: [{{person: anna@example.com}}, {{person: boris@example.com}}]
            rule: {rule}
        """)


def open_task(state: engine.InstanceState, person: int) -> engine.TaskState:
    [task] = [t for t in state.current_tasks() if t.assignee == person and t.state == OPEN]
    return task


def test_a_task_for_a_manager_away_opens_for_the_deputy_on_their_behalf(people):
    people.away(OLGA, VERA, TODAY)
    out = engine.start(leave(), people, IVAN, {}, NOW)
    task = open_task(out.state, VERA)
    assert (task.stage, task.on_behalf_of) == ("manager", OLGA)
    opened = next(e for e in out.events if e.kind == "task_opened")
    assert (opened.data["assignee"], opened.data["on_behalf_of"]) == (VERA, OLGA)
    [told] = [e for e in out.effects if isinstance(e, engine.Notify)]
    assert (told.person, told.template, told.params["on_behalf_of"]) == (
        VERA, "task_assigned", OLGA)


def test_the_deputy_decides_on_behalf_of_the_absent_person_and_the_absent_one_cannot(people):
    people.away(OLGA, VERA, TODAY)
    process = leave()
    state = engine.start(process, people, IVAN, {}, NOW).state
    task = open_task(state, VERA)
    with pytest.raises(NotAnAssignee):
        engine.decide(process, people, state, task.seq, OLGA, "approve", "", NOW)
    out = engine.decide(process, people, state, task.seq, VERA, "approve", "Enjoy", NOW)
    decided = next(e for e in out.events if e.kind == "decided")
    assert (decided.actor, decided.data["on_behalf_of"]) == (VERA, OLGA)


def test_a_separation_of_duties_deputy_is_passed_over_for_the_manager(people):
    people.away(OLGA, IVAN, TODAY)  # Olga named the initiator himself
    out = engine.start(leave(), people, IVAN, {}, NOW)
    assert open_task(out.state, PETR).on_behalf_of == OLGA


def test_the_next_turn_of_a_sequence_is_routed_on_the_day_it_opens(people):
    process = leave("sequence")
    people.away(BORIS, VERA, TOMORROW)
    state = engine.start(process, people, IVAN, {}, NOW).state
    state = engine.decide(process, people, state, open_task(state, OLGA).seq, OLGA,
                          "approve", "", NOW).state
    waiting = [t for t in state.current_tasks() if t.state == WAITING]
    assert [(t.assignee, t.on_behalf_of) for t in waiting] == [(BORIS, None)]
    later = datetime.combine(TOMORROW, NOW.timetz())
    out = engine.decide(process, people, state, open_task(state, ANNA).seq, ANNA, "approve",
                        "", later)
    assert open_task(out.state, VERA).on_behalf_of == BORIS


def test_a_revision_for_an_initiator_away_goes_to_their_deputy(people):
    process = leave()
    state = engine.start(process, people, IVAN, {}, NOW).state
    people.away(IVAN, ANNA, TODAY)
    out = engine.decide(process, people, state, open_task(state, OLGA).seq, OLGA,
                        "send_back", "Other dates, please", NOW)
    revision = open_task(out.state, ANNA)
    assert (revision.kind, revision.on_behalf_of) == (REVISION_TASK, IVAN)
    resubmitted = engine.decide(process, people, out.state, revision.seq, ANNA, "resubmit",
                                "Moved a week", NOW)
    event = next(e for e in resubmitted.events if e.kind == "resubmitted")
    assert (event.actor, event.data["on_behalf_of"]) == (ANNA, IVAN)


def test_handing_a_task_to_someone_away_gives_it_to_their_deputy_with_the_comment(people):
    process = leave()
    state = engine.start(process, people, IVAN, {}, NOW).state
    people.away(BORIS, VERA, TODAY)
    old = open_task(state, OLGA)
    out = engine.reassign(process, state, old.seq, BORIS, OLGA, NOW, directory=people,
                          comment="You know this client")
    new = open_task(out.state, VERA)
    assert new.on_behalf_of == BORIS
    event = next(e for e in out.events if e.kind == "reassigned")
    assert (event.actor, event.data["to"], event.data["on_behalf_of"], event.data["comment"]) \
        == (OLGA, VERA, BORIS, "You know this client")
    [told] = [e for e in out.effects if isinstance(e, engine.Notify)]
    assert (told.person, told.params["handed_by"], told.params["note"]) == (
        VERA, OLGA, "You know this client")


def test_a_hand_over_records_the_person_away_it_is_handed_over_for(people):
    process = leave()
    state = engine.start(process, people, IVAN, {}, NOW).state
    old = open_task(state, OLGA)
    out = engine.reassign(process, state, old.seq, VERA, OLGA, NOW, directory=people,
                          comment="away from 2026-03-02 to 2026-03-06", on_behalf_of=OLGA)
    assert out.state.task(old.seq).state == WITHDRAWN
    assert open_task(out.state, VERA).on_behalf_of == OLGA


def test_a_deadline_that_reassigns_hands_it_to_the_deputy_of_a_manager_away(people):
    process = define("""
        id: timed
        name: Timed
        stages:
          - key: check
            name: Check
            assignees: [{person: anna@example.com}]
            deadline: {days: 1, then: reassign}
        """)
    state = engine.start(process, people, IVAN, {}, NOW).state
    due = NOW + timedelta(days=1)
    people.away(PETR, BORIS, due.date())
    out = engine.timer_fired(process, state, open_task(state, ANNA).seq, "deadline", due,
                             people)
    assert open_task(out.state, BORIS).on_behalf_of == PETR


def test_an_absence_that_does_not_cover_today_changes_nothing(people):
    people.away(OLGA, VERA, date(2026, 3, 3), date(2026, 3, 9))
    out = engine.start(leave(), people, IVAN, {}, NOW)
    assert open_task(out.state, OLGA).on_behalf_of is None
