"""The pure engine: an administrator reopens a completed or withdrawn instance."""

from __future__ import annotations

from datetime import timedelta

import pytest

from approvals.core import engine
from approvals.core.engine import CANCELLED, COMPLETED, DECIDED, OPEN, RUNNING, Notify
from approvals.core.errors import CommentRequired, Forbidden, TransitionNotAllowed
from tests.unit.approvals.core.test_engine import (  # noqa: F401 - people is the shared fixture
    ADMIN,
    ANNA,
    BORIS,
    IVAN,
    LATER,
    PETR,
    VERA,
    act,
    begin,
    board_vote,
    define,
    kinds,
    open_assignees,
    people,
)

REOPENED = LATER + timedelta(days=3)


def completed(process, people):  # noqa: F811 - the fixture's value, passed on
    state = begin(process, people)
    for person in (ANNA, BORIS, VERA):
        state = act(process, people, state, person).state
    state = act(process, people, state, PETR).state
    assert state.status == COMPLETED
    return state


def test_reopening_runs_the_first_stage_again_in_a_new_round(people):  # noqa: F811
    process = board_vote("all")
    state = completed(process, people)
    before = [(t.seq, t.state, t.verdict) for t in state.tasks]
    out = engine.reopen(process, people, state, ADMIN, " Wrong counterparty ", REOPENED,
                        roles={"admin"})
    new = out.state
    assert (new.status, new.stage, new.ended_at) == (RUNNING, "vote", None)
    assert new.round == state.round + 1
    assert kinds(out)[:2] == ["reopened", "stage_entered"]
    reopened = out.events[0]
    assert reopened.actor == ADMIN
    assert reopened.data == {"reason": "Wrong counterparty", "stage": "vote",
                             "previous": COMPLETED, "channel": "web"}
    assert sorted(open_assignees(new)) == [ANNA, BORIS, VERA]
    # the earlier decisions stay as they were; the new tasks are new
    assert [(t.seq, t.state, t.verdict) for t in new.tasks[:len(before)]] == before
    assert all(t.state == DECIDED for t in new.tasks[:len(before)])
    assert {e.template for e in out.effects if isinstance(e, Notify)} == {
        "task_assigned", "instance_reopened"}
    tell = next(e for e in out.effects if e.template == "instance_reopened")
    assert (tell.person, tell.params["message"], tell.params["stage"]) == (
        IVAN, "Wrong counterparty", "vote")
    assert state.status == COMPLETED  # the input is never modified


def test_a_reopened_instance_completes_again_with_a_second_completed_event(people):  # noqa: F811
    process = board_vote("all")
    state = engine.reopen(process, people, completed(process, people), ADMIN, "Redo",
                          REOPENED, stage="sign", roles={"admin"}).state
    assert open_assignees(state) == [PETR]
    out = act(process, people, state, PETR, now=REOPENED + timedelta(hours=1))
    assert out.state.status == COMPLETED
    assert out.state.ended_at == REOPENED + timedelta(hours=1)
    assert "completed" in kinds(out)


def test_a_withdrawn_instance_can_be_reopened_too(people):  # noqa: F811
    process = board_vote("all")
    state = engine.withdraw(process, begin(process, people), IVAN, "by mistake", LATER).state
    assert state.status == CANCELLED
    out = engine.reopen(process, people, state, ADMIN, "Withdrawn by mistake", REOPENED,
                        roles={"admin"})
    assert out.state.status == RUNNING
    assert out.events[0].data["previous"] == CANCELLED
    assert sorted(open_assignees(out.state)) == [ANNA, BORIS, VERA]


def test_the_initiator_reopening_is_not_told_about_it(people):  # noqa: F811
    process = board_vote("all")
    out = engine.reopen(process, people, completed(process, people), IVAN, "Redo", REOPENED,
                        roles={"admin"})
    assert "instance_reopened" not in {e.template for e in out.effects
                                       if isinstance(e, Notify)}


def test_only_an_administrator_reopens(people):  # noqa: F811
    process = board_vote("all")
    with pytest.raises(Forbidden):
        engine.reopen(process, people, completed(process, people), IVAN, "Redo", REOPENED)


def test_reopening_needs_a_reason(people):  # noqa: F811
    process = board_vote("all")
    with pytest.raises(CommentRequired):
        engine.reopen(process, people, completed(process, people), ADMIN, "  ", REOPENED,
                      roles={"admin"})


def test_a_running_instance_is_not_reopened(people):  # noqa: F811
    process = board_vote("all")
    with pytest.raises(TransitionNotAllowed, match="still running"):
        engine.reopen(process, people, begin(process, people), ADMIN, "Redo", REOPENED,
                      roles={"admin"})


@pytest.mark.parametrize("stage", ["completed", "revision", "nowhere"])
def test_only_a_working_stage_can_be_the_restart(people, stage):  # noqa: F811
    process = board_vote("all")
    with pytest.raises(TransitionNotAllowed) as refused:
        engine.reopen(process, people, completed(process, people), ADMIN, "Redo", REOPENED,
                      stage=stage, roles={"admin"})
    assert refused.value.params["allowed"] == ["vote", "sign"]


def test_a_restart_stage_whose_condition_fails_is_skipped_as_on_the_way_in(people):  # noqa: F811
    process = define("""
        id: cond
        name: Conditional
        fields:
          - {name: amount, type: number, label: Amount}
        stages:
          - key: big
            name: Big money
            when: amount > 1000
            assignees: [{person: anna@example.com}]
          - {key: sign, name: Sign, assignees: [{person: petr@example.com}]}
        """)
    state = begin(process, people, {"amount": 10})
    state = act(process, people, state, PETR).state
    out = engine.reopen(process, people, state, ADMIN, "Redo", REOPENED, roles={"admin"})
    assert kinds(out)[:2] == ["reopened", "stage_skipped"]
    assert (out.state.stage, open_assignees(out.state)) == ("sign", [PETR])
    assert out.state.tasks[-1].state == OPEN
