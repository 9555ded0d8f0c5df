"""The pure engine: stage rules, send-back and resubmission, refusals, assignees, timers.

Every process is written inline so each test states exactly the rule it exercises.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from pathlib import Path
from textwrap import dedent

import pytest

import approvals
from approvals.core import engine
from approvals.core.engine import (
    CANCELLED,
    COMPLETED,
    DECIDED,
    OPEN,
    RUNNING,
    WAITING,
    WITHDRAWN,
    InstanceState,
    Notify,
    Outcome,
    SetTimer,
    TaskState,
)
from approvals.core.errors import (
    AlreadyDecided,
    CommentRequired,
    Forbidden,
    InstanceClosed,
    NoAssignee,
    NotAnAssignee,
    NotFound,
    TaskClosed,
    TransitionNotAllowed,
    VerdictNotAllowed,
)
from approvals.core.model import Process
from approvals.definitions import load_file, load_text
from tests.unit.fakes import FakeDirectory

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=2)
PROCESSES = Path(approvals.__file__).parent / "processes"

IVAN, OLGA, PETR, ANNA, BORIS, VERA, GLEB, ADMIN = range(1, 9)


@pytest.fixture
def people() -> FakeDirectory:
    """Ivan reports to Olga, Olga to Petr; Anna, Boris, Vera (and inactive Gleb) are the board."""
    d = FakeDirectory()
    assert d.add("ivan@example.com", manager=OLGA) == IVAN
    assert d.add("olga@example.com", manager=PETR) == OLGA
    assert d.add("petr@example.com") == PETR
    assert d.add("anna@example.com", roles=("board",)) == ANNA
    assert d.add("boris@example.com", roles=("board",)) == BORIS
    assert d.add("vera@example.com", roles=("board",)) == VERA
    assert d.add("gleb@example.com", active=False, roles=("board",)) == GLEB
    assert d.add("admin@example.com", roles=("admin",)) == ADMIN
    return d


# ---------------------------------------------------------------------------- helpers


def define(text: str) -> Process:
    return load_text(dedent(text), "test.yaml")


def board_vote(rule: str = "all", verdicts: str = "[approve, send_back]") -> Process:
    """Stage ``vote`` goes to the board (Anna, Boris, Vera) under ``rule``; then Petr signs."""
    return define(f"""
        id: board-vote
        name: Board vote
        stages:
          - key: vote
            name: Vote
            assignees: [{{role: board}}]
            rule: {rule}
            verdicts: {verdicts}
          - key: sign
            name: Sign
            assignees: [{{person: petr@example.com}}]
        """)


def three_stages(restart: str) -> Process:
    return define(f"""
        id: three-stages
        name: Three stages
        revision: {{restart: {restart}}}
        stages:
          - {{key: draft_check, name: Draft check, assignees: [{{person: anna@example.com}}]}}
          - {{key: legal, name: Legal, assignees: [{{person: boris@example.com}}]}}
          - {{key: finance, name: Finance, assignees: [{{person: vera@example.com}}]}}
        """)


def begin(process: Process, people: FakeDirectory, fields: dict | None = None,
          initiator: int = IVAN) -> InstanceState:
    return engine.start(process, people, initiator, fields or {}, NOW).state


def task_of(state: InstanceState, person: int) -> TaskState:
    """The current round's open or waiting task of ``person``."""
    found = [t for t in state.current_tasks()
             if t.assignee == person and t.state in (OPEN, WAITING)]
    assert len(found) == 1, f"person {person} has {len(found)} live tasks: {state.tasks}"
    return found[0]


def act(process: Process, people: FakeDirectory, state: InstanceState, person: int,
        verdict: str = "approve", comment: str = "", now: datetime = LATER) -> Outcome:
    return engine.decide(process, people, state, task_of(state, person).seq, person, verdict,
                         comment, now)


def open_assignees(state: InstanceState) -> list[int]:
    return [t.assignee for t in state.current_tasks() if t.state == OPEN]


def withdrawals(out: Outcome) -> list[tuple[int, str]]:
    return sorted((e.data["assignee"], e.data["reason"]) for e in out.events
                  if e.kind == "task_withdrawn")


def kinds(out: Outcome) -> list[str]:
    return [e.kind for e in out.events]


# ---------------------------------------------------------------------------- rule: all


def test_all_opens_a_task_for_every_active_assignee_at_once(people):
    out = engine.start(board_vote("all"), people, IVAN, {}, NOW)
    assert out.state.stage == "vote"
    assert open_assignees(out.state) == [ANNA, BORIS, VERA]
    assert [(e.person, e.template) for e in out.effects] == [
        (ANNA, "task_assigned"), (BORIS, "task_assigned"), (VERA, "task_assigned")]


def test_all_completes_the_stage_only_when_everyone_approved(people):
    process = board_vote("all")
    state = begin(process, people)
    state = act(process, people, state, ANNA).state
    assert (state.stage, open_assignees(state)) == ("vote", [BORIS, VERA])
    state = act(process, people, state, VERA).state
    assert (state.stage, open_assignees(state)) == ("vote", [BORIS])
    out = act(process, people, state, BORIS)
    assert "stage_completed" in kinds(out)
    assert (out.state.stage, open_assignees(out.state)) == ("sign", [PETR])


def test_one_send_back_under_all_sends_the_whole_stage_back_and_withdraws_the_others(people):
    process = board_vote("all")
    state = act(process, people, begin(process, people), ANNA).state
    out = act(process, people, state, BORIS, "send_back", "Wrong budget line")
    assert out.state.stage == "revision"
    assert withdrawals(out) == [(VERA, "sent_back")]
    sent_back = next(e for e in out.events if e.kind == "sent_back")
    assert sent_back.actor == BORIS
    assert sent_back.data == {"stage": "vote", "comments": ["Wrong budget line"]}
    assert Notify(VERA, "task_withdrawn", {"instance": None, "process": "board-vote",
                                           "stage": "vote", "reason": "sent_back"},
                  task_of(state, VERA).seq) in out.effects
    anna = next(t for t in out.state.tasks if t.assignee == ANNA)
    assert (anna.state, anna.verdict) == (DECIDED, "approve")


# ---------------------------------------------------------------------------- rule: sequence


def test_sequence_opens_only_the_first_assignees_task(people):
    state = begin(board_vote("sequence"), people)
    assert [(t.assignee, t.state, t.position) for t in state.tasks] == [
        (ANNA, OPEN, 0), (BORIS, WAITING, 1), (VERA, WAITING, 2)]
    assert state.tasks[1].opened_at is None


def test_sequence_opens_the_next_task_after_each_approval_in_the_listed_order(people):
    process = board_vote("sequence")
    state = begin(process, people)
    out = act(process, people, state, ANNA)
    assert open_assignees(out.state) == [BORIS]
    assert task_of(out.state, BORIS).opened_at == LATER
    assert [e.person for e in out.effects if e.template == "task_assigned"] == [BORIS]
    out = act(process, people, out.state, BORIS)
    assert open_assignees(out.state) == [VERA]
    out = act(process, people, out.state, VERA)
    assert out.state.stage == "sign"


def test_sequence_respects_the_order_in_which_assignees_are_listed(people):
    process = define("""
        id: ordered
        name: Ordered
        stages:
          - key: chain
            name: Chain
            assignees: [{person: vera@example.com}, {person: anna@example.com}]
            rule: sequence
        """)
    state = begin(process, people)
    assert open_assignees(state) == [VERA]
    assert open_assignees(act(process, people, state, VERA).state) == [ANNA]


def test_deciding_a_task_still_waiting_its_turn_is_refused_with_task_closed(people):
    process = board_vote("sequence")
    state = begin(process, people)
    with pytest.raises(TaskClosed, match="not yet your turn"):
        act(process, people, state, BORIS)


def test_send_back_in_a_sequence_withdraws_the_waiting_tasks_without_telling_them(people):
    process = board_vote("sequence")
    out = act(process, people, begin(process, people), ANNA, "send_back", "Missing annex")
    assert out.state.stage == "revision"
    assert withdrawals(out) == [(BORIS, "sent_back"), (VERA, "sent_back")]
    assert not [e for e in out.effects if e.template == "task_withdrawn"]


# ---------------------------------------------------------------------------- rule: any


def test_any_first_approval_completes_the_stage_and_withdraws_the_others(people):
    process = board_vote("any")
    out = act(process, people, begin(process, people), BORIS)
    assert out.state.stage == "sign"
    assert withdrawals(out) == [(ANNA, "stage_completed"), (VERA, "stage_completed")]
    assert sorted(e.person for e in out.effects if e.template == "task_withdrawn") == [
        ANNA, VERA]


def test_any_first_send_back_sends_the_stage_back(people):
    process = board_vote("any")
    out = act(process, people, begin(process, people), VERA, "send_back", "Not this year")
    assert out.state.stage == "revision"
    assert withdrawals(out) == [(ANNA, "sent_back"), (BORIS, "sent_back")]


# ---------------------------------------------------------------------------- rule: quorum


def test_quorum_of_two_out_of_three_completes_on_the_second_approval(people):
    process = board_vote("{quorum: 2}")
    state = act(process, people, begin(process, people), ANNA).state
    assert state.stage == "vote"
    out = act(process, people, state, VERA)
    assert out.state.stage == "sign"
    assert withdrawals(out) == [(BORIS, "stage_completed")]


@pytest.mark.parametrize(("quorum", "needed"), [
    ("'50%'", 2), ("'100%'", 3), ("'1%'", 1), ("'34%'", 2), ("'67%'", 3), ("1", 1), ("3", 3)])
def test_quorum_needs_the_stated_share_of_three_rounded_up(people, quorum, needed):
    process = board_vote(f"{{quorum: {quorum}}}")
    state = begin(process, people)
    approvals_given = 0
    for person in (ANNA, BORIS, VERA):
        state = act(process, people, state, person).state
        approvals_given += 1
        if state.stage != "vote":
            break
    assert (state.stage, approvals_given) == ("sign", needed)


def test_quorum_count_larger_than_the_assignees_needs_every_assignee(people):
    process = board_vote("{quorum: 5}")
    state = begin(process, people)
    state = act(process, people, state, ANNA).state
    state = act(process, people, state, BORIS).state
    assert state.stage == "vote"
    assert act(process, people, state, VERA).state.stage == "sign"


def test_quorum_sends_back_once_it_can_no_longer_be_reached(people):
    process = board_vote("{quorum: 2}")
    state = act(process, people, begin(process, people), ANNA, "send_back", "No").state
    assert (state.stage, open_assignees(state)) == ("vote", [BORIS, VERA])
    out = act(process, people, state, BORIS, "send_back", "Agree, no")
    assert out.state.stage == "revision"
    assert withdrawals(out) == [(VERA, "sent_back")]
    sent_back = next(e for e in out.events if e.kind == "sent_back")
    assert sent_back.data["comments"] == ["No", "Agree, no"]


def test_quorum_still_completes_after_a_send_back_when_it_remains_reachable(people):
    process = board_vote("{quorum: 2}")
    state = act(process, people, begin(process, people), ANNA, "send_back", "No").state
    state = act(process, people, state, BORIS).state
    assert act(process, people, state, VERA).state.stage == "sign"


def test_quorum_of_all_sends_back_on_the_first_send_back(people):
    process = board_vote("{quorum: '100%'}")
    out = act(process, people, begin(process, people), ANNA, "send_back", "No")
    assert out.state.stage == "revision"


# ---------------------------------------------------------------------------- revision


def test_send_back_opens_a_revision_task_for_the_initiator_with_the_comment(people):
    process = board_vote("all")
    out = act(process, people, begin(process, people), ANNA, "send_back", "  Fix page 3 ")
    revision = task_of(out.state, IVAN)
    assert (revision.kind, revision.stage, revision.verdicts) == (
        "revision", "revision", ("resubmit",))
    assert out.state.sent_back_from == "vote"
    notice = next(e for e in out.effects if e.template == "revision_requested")
    assert (notice.person, notice.params["comment"]) == (IVAN, "Fix page 3")


def test_revision_goes_to_the_assignee_the_definition_names(people):
    process = define("""
        id: revised-by-olga
        name: Revised by Olga
        revision: {assignee: {person: olga@example.com}}
        stages: [{key: check, name: Check, assignees: [{person: anna@example.com}]}]
        """)
    out = act(process, people, begin(process, people), ANNA, "send_back", "Redo")
    assert open_assignees(out.state) == [OLGA]
    with pytest.raises(NotAnAssignee):
        engine.resubmit(process, people, out.state, IVAN, {}, "", LATER)
    assert engine.resubmit(process, people, out.state, OLGA, {}, "", LATER).state.stage == (
        "check")


def test_send_back_and_resubmit_several_times_raises_the_round_and_keeps_old_verdicts(people):
    process = board_vote("all")
    state = begin(process, people)
    rounds = [state.round]
    for attempt in range(3):
        state = act(process, people, state, ANNA).state
        state = act(process, people, state, BORIS, "send_back", f"Try {attempt + 2}").state
        rounds.append(state.round)
        state = engine.resubmit(process, people, state, IVAN, {}, "Done", LATER).state
        rounds.append(state.round)
    assert rounds == [1, 2, 3, 4, 5, 6, 7]
    assert state.stage == "vote" and open_assignees(state) == [ANNA, BORIS, VERA]
    boris = [(t.round, t.state, t.verdict, t.comment) for t in state.tasks
             if t.assignee == BORIS]
    assert boris == [(1, DECIDED, "send_back", "Try 2"), (3, DECIDED, "send_back", "Try 3"),
                     (5, DECIDED, "send_back", "Try 4"), (7, OPEN, None, "")]
    assert [t.verdict for t in state.tasks if t.kind == "revision"] == ["resubmit"] * 3


def test_resubmit_records_the_changed_fields_and_stores_the_new_values(people):
    process = define("""
        id: with-fields
        name: With fields
        fields: [{name: title, type: text}, {name: amount, type: money}]
        stages: [{key: check, name: Check, assignees: [{person: anna@example.com}]}]
        """)
    state = begin(process, people, {"title": "Laptops", "amount": "900.00"})
    state = act(process, people, state, ANNA, "send_back", "Too expensive").state
    out = engine.resubmit(process, people, state, IVAN, {"title": "Laptops",
                                                         "amount": "700.00"}, "Cheaper", LATER)
    event = next(e for e in out.events if e.kind == "resubmitted")
    assert event.data == {"comment": "Cheaper", "changed": ["amount"], "channel": "web"}
    assert out.state.fields == {"title": "Laptops", "amount": "700.00"}


def test_deciding_the_revision_task_with_resubmit_resubmits(people):
    process = board_vote("any")
    state = act(process, people, begin(process, people), ANNA, "send_back", "Redo").state
    revision = task_of(state, IVAN)
    with pytest.raises(VerdictNotAllowed):
        engine.decide(process, people, state, revision.seq, IVAN, "approve", "", LATER)
    out = engine.decide(process, people, state, revision.seq, IVAN, "resubmit", "", LATER)
    assert out.state.stage == "vote"


def test_restart_first_begins_again_at_the_first_stage(people):
    process = three_stages("first")
    state = act(process, people, begin(process, people), ANNA).state
    state = act(process, people, state, BORIS, "send_back", "Clause 7").state
    out = engine.resubmit(process, people, state, IVAN, {}, "", LATER)
    assert (out.state.stage, open_assignees(out.state)) == ("draft_check", [ANNA])
    assert out.state.sent_back_from is None


def test_restart_same_begins_again_at_the_stage_that_sent_back(people):
    process = three_stages("same")
    state = act(process, people, begin(process, people), ANNA).state
    state = act(process, people, state, BORIS, "send_back", "Clause 7").state
    out = engine.resubmit(process, people, state, IVAN, {}, "", LATER)
    assert (out.state.stage, open_assignees(out.state)) == ("legal", [BORIS])
    state = act(process, people, out.state, BORIS).state
    assert (state.stage, open_assignees(state)) == ("finance", [VERA])


def test_a_stage_restart_overrides_the_process_restart_mode(people):
    process = define("""
        id: override
        name: Override
        revision: {restart: first}
        stages:
          - {key: one, name: One, assignees: [{person: anna@example.com}]}
          - {key: two, name: Two, assignees: [{person: boris@example.com}], restart: same}
        """)
    state = act(process, people, begin(process, people), ANNA).state
    state = act(process, people, state, BORIS, "send_back", "Again").state
    assert engine.resubmit(process, people, state, IVAN, {}, "", LATER).state.stage == "two"


# ---------------------------------------------------------------------------- refusals


def test_a_verdict_not_among_the_stages_verdicts_is_refused(people):
    process = board_vote("all", verdicts="[approve]")
    with pytest.raises(VerdictNotAllowed) as refused:
        act(process, people, begin(process, people), ANNA, "send_back", "Please no")
    assert refused.value.params["allowed"] == ["approve"]
    with pytest.raises(VerdictNotAllowed):
        act(process, people, begin(process, people), ANNA, "paid")


def test_resubmit_when_not_in_revision_is_refused(people):
    process = board_vote("all")
    with pytest.raises(TransitionNotAllowed):
        engine.resubmit(process, people, begin(process, people), IVAN, {}, "", LATER)


def test_deciding_on_a_completed_instance_is_refused(people):
    process = board_vote("any")
    state = act(process, people, begin(process, people), ANNA).state
    state = act(process, people, state, PETR).state
    assert state.status == COMPLETED
    boris = next(t for t in state.tasks if t.assignee == BORIS)
    with pytest.raises(InstanceClosed):
        engine.decide(process, people, state, boris.seq, BORIS, "approve", "", LATER)


def test_deciding_on_a_cancelled_instance_is_refused(people):
    process = board_vote("all")
    state = begin(process, people)
    seq = task_of(state, ANNA).seq
    state = engine.withdraw(process, state, IVAN, "No longer needed", LATER).state
    with pytest.raises(InstanceClosed):
        engine.decide(process, people, state, seq, ANNA, "approve", "", LATER)


def test_deciding_the_same_task_twice_is_refused_naming_who_decided(people):
    process = board_vote("all")
    state = begin(process, people)
    seq = task_of(state, ANNA).seq
    state = engine.decide(process, people, state, seq, ANNA, "approve", "", LATER).state
    with pytest.raises(AlreadyDecided) as refused:
        engine.decide(process, people, state, seq, ANNA, "send_back", "Changed my mind", LATER)
    assert refused.value.params == {"by": ANNA, "at": LATER, "verdict": "approve"}


def test_deciding_someone_elses_task_is_refused(people):
    process = board_vote("all")
    state = begin(process, people)
    with pytest.raises(NotAnAssignee):
        engine.decide(process, people, state, task_of(state, ANNA).seq, BORIS, "approve", "",
                      LATER)


@pytest.mark.parametrize("comment", ["", "   ", None])
def test_send_back_without_a_comment_is_refused(people, comment):
    process = board_vote("all")
    with pytest.raises(CommentRequired):
        act(process, people, begin(process, people), ANNA, "send_back", comment)


def test_deciding_an_unknown_task_is_refused_as_not_found(people):
    process = board_vote("all")
    with pytest.raises(NotFound):
        engine.decide(process, people, begin(process, people), 99, ANNA, "approve", "", LATER)


def test_a_deputy_deciding_on_behalf_of_the_assignee_is_recorded_as_such(people):
    process = board_vote("all")
    state = begin(process, people)
    out = engine.decide(process, people, state, task_of(state, ANNA).seq, OLGA, "approve", "",
                        LATER, channel="email", on_behalf_of=ANNA)
    decided = next(e for e in out.events if e.kind == "decided")
    assert (decided.actor, decided.data["on_behalf_of"], decided.data["channel"]) == (
        OLGA, ANNA, "email")
    assert out.state.task(decided.task).decided_by == OLGA
    with pytest.raises(NotAnAssignee):
        engine.decide(process, people, state, task_of(state, BORIS).seq, OLGA, "approve", "",
                      LATER, on_behalf_of=ANNA)


# ---------------------------------------------------------------------------- definition versions


def test_an_instance_keeps_following_the_process_version_it_started_with(people):
    version_1 = define("""
        id: purchase
        name: Purchase
        stages:
          - {key: check, name: Check, assignees: [{person: anna@example.com}]}
          - {key: pay, name: Pay, assignees: [{person: boris@example.com}], verdicts: [paid]}
        """)
    version_2 = define("""
        id: purchase
        name: Purchase
        stages:
          - {key: check, name: Check, assignees: [{person: anna@example.com}]}
          - {key: legal, name: Legal, assignees: [{person: vera@example.com}]}
          - {key: pay, name: Pay, assignees: [{person: boris@example.com}], verdicts: [paid]}
        """)
    started = engine.start(version_1, people, IVAN, {}, NOW)
    assert started.events[0].data["digest"] == version_1.digest != version_2.digest
    out = act(version_1, people, started.state, ANNA)
    assert (out.state.stage, open_assignees(out.state)) == ("pay", [BORIS])
    out = act(version_1, people, out.state, BORIS, "paid")
    assert out.state.status == COMPLETED
    # The same state given the newer definition would take the newer path: the engine follows
    # whichever Process it is handed, so the caller must hand it the instance's own version.
    assert act(version_2, people, started.state, ANNA).state.stage == "legal"


# ---------------------------------------------------------------------------- conditions


def large_purchase() -> Process:
    return define("""
        id: large-purchase
        name: Purchase
        fields:
          - {name: amount, type: money, required: true}
        stages:
          - {key: manager, name: Manager, assignees: [manager]}
          - key: director
            name: Director
            assignees: [{person: petr@example.com}]
            when: "amount > 100000"
          - {key: accounting, name: Accounting, assignees: [{person: anna@example.com}]}
        """)


@pytest.mark.parametrize(("amount", "next_stage"), [
    ("100000.01", "director"), ("250000.00", "director"),
    ("100000.00", "accounting"), ("99999.99", "accounting")])
def test_an_amount_above_the_threshold_adds_the_director_stage(people, amount, next_stage):
    process = large_purchase()
    out = act(process, people, begin(process, people, {"amount": amount}), OLGA)
    assert out.state.stage == next_stage
    skipped = [e.data for e in out.events if e.kind == "stage_skipped"]
    if next_stage == "accounting":
        assert skipped == [{"stage": "director", "condition": "amount > 100000"}]
    else:
        assert skipped == []


def test_a_resubmitted_amount_is_what_the_condition_sees(people):
    process = large_purchase()
    state = begin(process, people, {"amount": "5000.00"})
    state = act(process, people, state, OLGA, "send_back", "Add the installation").state
    state = engine.resubmit(process, people, state, IVAN, {"amount": "150000.00"}, "", LATER).state
    assert act(process, people, state, OLGA).state.stage == "director"


def test_a_skipped_last_stage_completes_the_process(people):
    process = define("""
        id: maybe-last
        name: Maybe last
        fields: [{name: urgent, type: boolean}]
        stages:
          - {key: check, name: Check, assignees: [{person: anna@example.com}]}
          - {key: rush, name: Rush, assignees: [{person: petr@example.com}], when: "urgent == true"}
        """)
    out = act(process, people, begin(process, people, {"urgent": False}), ANNA)
    assert out.state.status == COMPLETED
    out = act(process, people, begin(process, people, {"urgent": True}), ANNA)
    assert out.state.stage == "rush"


@pytest.mark.parametrize(("condition", "fields", "expected"), [
    ("kind == goods", {"kind": "goods"}, True),
    ("kind != goods", {"kind": "goods"}, False),
    ("kind != goods", {}, True),
    ("kind == goods", {}, False),
    ("kind in [goods, works]", {"kind": "works"}, True),
    ("kind in [goods, works]", {"kind": "services"}, False),
    ("amount >= 1000", {"amount": "1000.00"}, True),
    ("amount < 1000", {"amount": "1000.00"}, False),
    ("amount in [1, 2]", {"amount": "2.00"}, True),
    ("due <= 2026-06-30", {"due": "2026-06-30"}, True),
    ("due > 2026-06-30", {"due": "2026-06-30"}, False),
])
def test_conditions_compare_by_the_fields_type(condition, fields, expected):
    process = define(f"""
        id: conditions
        name: Conditions
        fields:
          - {{name: kind, type: choice, choices: [goods, works, services]}}
          - {{name: amount, type: money}}
          - {{name: due, type: date}}
        stages:
          - {{key: only, name: Only, assignees: [initiator], when: "{condition}"}}
        """)
    assert engine.evaluate(process.status("only").when, fields, NOW.date()) is expected


@pytest.mark.parametrize(("condition", "fields", "expected"), [
    ("priority == 1", {"priority": "1"}, True),
    ("priority in [1, 2]", {"priority": "2"}, True),
    ("priority in [1, 2]", {"priority": "3"}, False),
    ("code == 007", {"code": "007"}, True),
    ("code == 007", {"code": "7"}, False),
])
def test_conditions_on_text_and_choice_fields_compare_as_text(condition, fields, expected):
    process = define(f"""
        id: conditions
        name: Conditions
        fields:
          - {{name: priority, type: choice, choices: [1, 2, 3]}}
          - {{name: code, type: text}}
        stages:
          - {{key: only, name: Only, assignees: [initiator], when: "{condition}"}}
        """)
    assert engine.evaluate(process.status("only").when, fields, NOW.date()) is expected


def test_stages_that_skip_each_other_in_a_circle_are_refused(people):
    process = define("""
        id: circle
        name: Circle
        notation: statuses
        fields: [{name: flag, type: boolean}]
        initial: a
        statuses:
          a: {name: A, assignees: [initiator], when: "flag == true", transitions: {approve: b}}
          b: {name: B, assignees: [initiator], when: "flag == true", transitions: {approve: a}}
          done: {name: Done, final: true}
        """)
    with pytest.raises(TransitionNotAllowed, match="circle"):
        begin(process, people, {"flag": False})


# ---------------------------------------------------------------------------- assignees


def single_stage(assignees: str) -> Process:
    return define(f"""
        id: who
        name: Who
        fields:
          - {{name: reviewer, type: person}}
          - {{name: reviewers, type: people}}
        stages:
          - {{key: only, name: Only, assignees: {assignees}}}
        """)


@pytest.mark.parametrize(("assignees", "expected"), [
    ("[{person: anna@example.com}]", [ANNA]),
    ("[{person: ' Anna@Example.COM '}]", [ANNA]),
    ("[{role: board}]", [ANNA, BORIS, VERA]),
    ("[manager]", [OLGA]),
    ("[initiator]", [IVAN]),
    ("initiator", [IVAN]),
    ("[{field: reviewer}]", [VERA]),
    ("[{field: reviewers}]", [BORIS, ANNA]),
    ("[initiator, {person: ivan@example.com}, {role: board}, {field: reviewers}]",
     [IVAN, ANNA, BORIS, VERA]),
])
def test_assignees_resolve_to_active_people(people, assignees, expected):
    fields = {"reviewer": "vera@example.com", "reviewers": ["boris@example.com",
                                                            "anna@example.com"]}
    out = engine.start(single_stage(assignees), people, IVAN, fields, NOW)
    assert open_assignees(out.state) == expected
    entered = next(e for e in out.events if e.kind == "stage_entered")
    assert entered.data["assignees"] == expected


def test_manager_walks_up_the_chain_past_an_inactive_manager(people):
    people.people[OLGA].active = False
    state = begin(single_stage("[manager]"), people)
    assert open_assignees(state) == [PETR]


@pytest.mark.parametrize(("assignees", "fields"), [
    ("[{role: auditors}]", {}),
    ("[{person: gleb@example.com}]", {}),
    ("[{person: nobody@example.com}]", {}),
    ("[{field: reviewers}]", {}),
    ("[{field: reviewer}]", {"reviewer": "gleb@example.com"}),
])
def test_a_stage_that_resolves_to_nobody_goes_to_the_administrators(people, assignees, fields):
    out = engine.start(single_stage(assignees), people, IVAN, fields, NOW)

    assert open_assignees(out.state) == [ADMIN]
    [unassigned] = [e.data for e in out.events if e.kind == "stage_unassigned"]
    assert unassigned["stage"] == "only" and unassigned["assignees"] == [ADMIN]
    assert unassigned["wanted"] == [engine.describe(s)
                                    for s in single_stage(assignees).status("only").assignees]
    told = [n for n in out.effects if isinstance(n, engine.Notify)
            and n.template == "stage_unassigned"]
    assert [n.person for n in told] == [IVAN]


def test_with_no_active_administrator_either_the_stage_is_refused(people):
    people.people[ADMIN].active = False
    with pytest.raises(NoAssignee) as refused:
        engine.start(single_stage("[{role: auditors}]"), people, IVAN, {}, NOW)
    assert refused.value.params == {"stage": "only"}


def test_a_manager_chain_with_nobody_active_goes_to_the_administrators(people):
    people.people[OLGA].active = False
    people.people[PETR].active = False
    assert open_assignees(begin(single_stage("[manager]"), people)) == [ADMIN]


def test_a_manager_chain_that_loops_ends_instead_of_hanging(people):
    people.people[OLGA].active = False
    people.people[OLGA].manager = IVAN
    assert open_assignees(begin(single_stage("[manager]"), people)) == [ADMIN]


# ---------------------------------------------------------------------------- verdicts and targets


@pytest.mark.parametrize("verdict", ["done", "paid", "acknowledge"])
def test_a_named_completion_completes_its_stage(people, verdict):
    process = define(f"""
        id: named
        name: Named
        stages:
          - {{key: only, name: Only, assignees: [{{person: anna@example.com}}],
              verdicts: [{verdict}]}}
        """)
    state = begin(process, people)
    assert task_of(state, ANNA).verdicts == (verdict,)
    with pytest.raises(VerdictNotAllowed):
        act(process, people, state, ANNA, "approve")
    out = act(process, people, state, ANNA, verdict)
    assert out.state.status == COMPLETED
    completed = next(e for e in out.events if e.kind == "stage_completed")
    assert completed.data == {"stage": "only", "verdict": verdict, "next": "completed"}


def invoice() -> Process:
    return define("""
        id: invoice
        name: Invoice
        notation: statuses
        initial: check
        statuses:
          check:
            name: Check
            assignees: [{person: anna@example.com}]
            transitions: {approve: payment, done: archived, send_back: revision}
          payment:
            name: Payment
            assignees: [{person: boris@example.com}]
            transitions: {paid: paid}
          paid: {name: Paid, final: true}
          archived:
            name: Archived without payment
            final: true
            on_enter: [{notify: {person: vera@example.com}, message: Archived}]
        """)


def test_a_status_moves_to_the_target_of_the_verdict_given(people):
    process = invoice()
    state = begin(process, people)
    assert task_of(state, ANNA).verdicts == ("approve", "done", "send_back")
    state = act(process, people, state, ANNA, "approve").state
    assert (state.stage, task_of(state, BORIS).verdicts) == ("payment", ("paid",))
    out = act(process, people, state, BORIS, "paid")
    assert (out.state.status, out.state.stage) == (COMPLETED, "paid")
    assert [e.person for e in out.effects if e.template == "process_notice"] == []


def test_another_verdict_on_the_same_status_leads_to_another_target(people):
    process = invoice()
    out = act(process, people, begin(process, people), ANNA, "done")
    assert (out.state.status, out.state.stage) == (COMPLETED, "archived")
    notice = next(e for e in out.effects if e.template == "process_notice")
    assert (notice.person, notice.params["message"]) == (VERA, {"en": "Archived",
                                                                "ru": "Archived"})


# ---------------------------------------------------------------------------- withdraw


@pytest.mark.parametrize(("actor", "roles"), [(IVAN, frozenset()), (ADMIN, frozenset({"admin"}))])
def test_the_initiator_or_an_administrator_can_withdraw(people, actor, roles):
    process = board_vote("sequence")
    state = begin(process, people)
    out = engine.withdraw(process, state, actor, " Budget cut ", LATER, roles=roles)
    assert (out.state.status, out.state.ended_at) == (CANCELLED, LATER)
    assert [t.state for t in out.state.tasks] == [WITHDRAWN] * 3
    assert withdrawals(out) == [(ANNA, "process_withdrawn"), (BORIS, "process_withdrawn"),
                                (VERA, "process_withdrawn")]
    assert [e.person for e in out.effects if e.template == "task_withdrawn"] == [ANNA]
    assert out.events[-1].kind == "cancelled"
    assert (out.events[-1].actor, out.events[-1].data["reason"]) == (actor, "Budget cut")


def test_someone_else_cannot_withdraw(people):
    process = board_vote("all")
    with pytest.raises(Forbidden):
        engine.withdraw(process, begin(process, people), ANNA, "", LATER)


def test_a_finished_instance_cannot_be_withdrawn(people):
    process = board_vote("all")
    state = engine.withdraw(process, begin(process, people), IVAN, "", LATER).state
    with pytest.raises(InstanceClosed):
        engine.withdraw(process, state, IVAN, "", LATER)


def test_withdrawing_during_revision_withdraws_the_revision_task(people):
    process = board_vote("any")
    state = act(process, people, begin(process, people), ANNA, "send_back", "Redo").state
    out = engine.withdraw(process, state, IVAN, "", LATER)
    assert withdrawals(out) == [(IVAN, "process_withdrawn")]


# ---------------------------------------------------------------------------- reassign


def test_reassign_withdraws_the_old_task_and_opens_one_for_the_new_person(people):
    process = board_vote("all")
    state = begin(process, people)
    old = task_of(state, ANNA)
    out = engine.reassign(process, state, old.seq, OLGA, ANNA, LATER)
    assert out.state.task(old.seq).state == WITHDRAWN
    assert withdrawals(out) == [(ANNA, "reassigned")]
    new = task_of(out.state, OLGA)
    assert (new.state, new.stage, new.round, new.position) == (OPEN, "vote", old.round, 0)
    reassigned = next(e for e in out.events if e.kind == "reassigned")
    assert reassigned.data == {"from": ANNA, "to": OLGA, "stage": "vote", "new_task": new.seq,
                               "channel": "web"}
    assert [(e.person, e.template) for e in out.effects] == [(OLGA, "task_assigned")]


def test_a_stage_under_all_completes_once_the_new_assignee_and_the_others_approve(people):
    process = board_vote("all")
    state = begin(process, people)
    old_seq = task_of(state, ANNA).seq
    state = engine.reassign(process, state, old_seq, OLGA, ADMIN, LATER, roles={"admin"}).state
    with pytest.raises(TaskClosed, match="withdrawn"):
        engine.decide(process, people, state, old_seq, ANNA, "approve", "", LATER)
    state = act(process, people, state, BORIS).state
    state = act(process, people, state, VERA).state
    assert state.stage == "vote"
    assert act(process, people, state, OLGA).state.stage == "sign"


def test_a_reassigned_task_keeps_its_deadline_and_gets_a_timer(people):
    process = define("""
        id: timed
        name: Timed
        stages:
          - {key: check, name: Check, assignees: [{person: anna@example.com}], deadline_days: 3}
        """)
    state = begin(process, people)
    old = task_of(state, ANNA)
    out = engine.reassign(process, state, old.seq, BORIS, ANNA, LATER)
    new = task_of(out.state, BORIS)
    assert new.deadline == old.deadline == NOW + timedelta(days=3)
    assert SetTimer(new.seq, new.deadline) in out.effects
    assert engine.timer_fired(process, out.state, new.seq, "deadline", new.deadline).effects


def test_reassigning_a_waiting_task_keeps_it_waiting_until_its_turn(people):
    process = board_vote("sequence")
    state = begin(process, people)
    out = engine.reassign(process, state, task_of(state, BORIS).seq, OLGA, BORIS, LATER)
    olga = task_of(out.state, OLGA)
    assert (olga.state, olga.position, olga.opened_at) == (WAITING, 1, None)
    assert out.effects == []
    state = act(process, people, out.state, ANNA).state
    assert open_assignees(state) == [OLGA]


def test_only_the_assignee_or_an_administrator_can_reassign(people):
    process = board_vote("all")
    state = begin(process, people)
    with pytest.raises(Forbidden):
        engine.reassign(process, state, task_of(state, ANNA).seq, OLGA, IVAN, LATER)


def test_reassigning_to_the_same_person_is_refused(people):
    process = board_vote("all")
    state = begin(process, people)
    with pytest.raises(TransitionNotAllowed):
        engine.reassign(process, state, task_of(state, ANNA).seq, ANNA, ANNA, LATER)


def test_a_decided_task_cannot_be_reassigned(people):
    process = board_vote("all")
    state = begin(process, people)
    seq = task_of(state, ANNA).seq
    state = engine.decide(process, people, state, seq, ANNA, "approve", "", LATER).state
    with pytest.raises(TaskClosed):
        engine.reassign(process, state, seq, OLGA, ANNA, LATER)


# ---------------------------------------------------------------------------- timers


def timed() -> Process:
    return define("""
        id: timed
        name: Timed
        stages:
          - key: check
            name: Check
            assignees: [{person: anna@example.com}, {person: boris@example.com}]
            rule: sequence
            deadline_days: 2
        """)


def test_a_stage_with_a_deadline_sets_a_timer_when_each_task_opens(people):
    process = timed()
    out = engine.start(process, people, IVAN, {}, NOW)
    anna = task_of(out.state, ANNA)
    assert anna.deadline == NOW + timedelta(days=2)
    timers = [e for e in out.effects if isinstance(e, SetTimer)]
    assert timers == [SetTimer(anna.seq, anna.deadline)]
    out = act(process, people, out.state, ANNA)
    boris = task_of(out.state, BORIS)
    assert boris.deadline == LATER + timedelta(days=2)
    assert SetTimer(boris.seq, boris.deadline) in out.effects


def test_a_timer_on_an_open_task_reminds_the_assignee_and_tells_the_initiator(people):
    process = timed()
    state = begin(process, people)
    anna = task_of(state, ANNA)
    out = engine.timer_fired(process, state, anna.seq, "deadline", anna.deadline)
    assert [(e.kind, e.data) for e in out.events] == [
        ("deadline_passed", {"stage": "check", "kind": "deadline"})]
    assert [(e.person, e.template, e.task) for e in out.effects] == [
        (ANNA, "task_overdue", anna.seq), (IVAN, "task_overdue_initiator", anna.seq)]
    assert out.effects[0].params["deadline"] == anna.deadline.isoformat()


def test_a_timer_for_an_initiator_who_is_the_assignee_reminds_once(people):
    process = define("""
        id: self
        name: Self
        stages: [{key: own, name: Own, assignees: [initiator], deadline_days: 1}]
        """)
    state = begin(process, people)
    out = engine.timer_fired(process, state, task_of(state, IVAN).seq, "deadline", LATER)
    assert [(e.person, e.template) for e in out.effects] == [(IVAN, "task_overdue")]


def test_a_timer_on_a_decided_task_does_nothing(people):
    process = timed()
    state = begin(process, people)
    seq = task_of(state, ANNA).seq
    state = act(process, people, state, ANNA).state
    out = engine.timer_fired(process, state, seq, "deadline", LATER)
    assert (out.events, out.effects, out.state) == ([], [], state)


def test_a_timer_on_a_waiting_task_or_a_cancelled_instance_does_nothing(people):
    process = timed()
    state = begin(process, people)
    boris = task_of(state, BORIS).seq
    assert engine.timer_fired(process, state, boris, "deadline", LATER).effects == []
    anna = task_of(state, ANNA).seq
    state = engine.withdraw(process, state, IVAN, "", LATER).state
    assert engine.timer_fired(process, state, anna, "deadline", LATER).effects == []


# ---------------------------------------------------------------------------- purity


def _prepared(people: FakeDirectory) -> tuple[Process, InstanceState]:
    """A state with history: one send-back and a resubmission behind it, tasks open now."""
    process = timed()
    state = act(process, people, begin(process, people, {}), ANNA, "send_back", "Redo").state
    state = engine.resubmit(process, people, state, IVAN, {}, "", LATER).state
    return process, state


COMMANDS = {
    "decide": lambda p, d, s: act(p, d, s, ANNA),
    "send_back": lambda p, d, s: act(p, d, s, ANNA, "send_back", "Again"),
    "withdraw": lambda p, d, s: engine.withdraw(p, s, IVAN, "", LATER),
    "reassign": lambda p, d, s: engine.reassign(p, s, task_of(s, ANNA).seq, OLGA, ANNA, LATER),
    "timer_fired": lambda p, d, s: engine.timer_fired(p, s, task_of(s, ANNA).seq, "deadline",
                                                      LATER),
    "resubmit": lambda p, d, s: engine.resubmit(
        p, d, act(p, d, s, ANNA, "send_back", "x").state, IVAN, {"note": "y"}, "", LATER),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_command_does_not_modify_the_state_it_is_given(people, command):
    process, state = _prepared(people)
    before = copy.deepcopy(state)
    out = COMMANDS[command](process, people, state)
    assert state == before
    assert out.state is not state
    assert out.state.fields is not state.fields
    assert all(a is not b for a, b in zip(out.state.tasks, state.tasks, strict=False))


def test_a_refused_command_leaves_the_state_untouched(people):
    process, state = _prepared(people)
    before = copy.deepcopy(state)
    with pytest.raises(CommentRequired):
        act(process, people, state, ANNA, "send_back", "")
    assert state == before


def test_start_copies_the_fields_it_is_given(people):
    fields = {"title": "A"}
    state = begin(board_vote("all"), people, fields)
    state.fields["title"] = "B"
    assert fields == {"title": "A"}
    assert state.status == RUNNING


# ---------------------------------------------------------------------------- shipped processes


def test_contract_approval_from_start_through_a_send_back_to_the_client(people):
    process = load_file(PROCESSES / "contract-approval.yaml")
    fields = {"title": "Supply of paper", "counterparty": "ООО Ромашка",
              "amount": "250000.00", "contract": "doc-1",
              "approvers": ["anna@example.com", "boris@example.com"]}
    out = engine.start(process, people, IVAN, fields, NOW)
    assert (out.state.stage, open_assignees(out.state)) == ("approval", [ANNA, BORIS])
    assert [e.due for e in out.effects if isinstance(e, SetTimer)] == [NOW + timedelta(days=3)] * 2

    out = act(process, people, out.state, ANNA, "send_back", "Fix the penalty clause")
    assert (out.state.stage, open_assignees(out.state)) == ("revision", [IVAN])
    assert withdrawals(out) == [(BORIS, "sent_back")]

    out = engine.resubmit(process, people, out.state, IVAN, {"amount": "240000.00"},
                          "Penalty is now 0.1% a day", LATER)
    assert (out.state.stage, open_assignees(out.state)) == ("approval", [ANNA, BORIS])

    state = act(process, people, out.state, BORIS).state
    out = act(process, people, state, ANNA)
    assert (out.state.stage, open_assignees(out.state)) == ("send_to_client", [IVAN])
    assert task_of(out.state, IVAN).verdicts == ("done",)

    out = act(process, people, out.state, IVAN, "done")
    assert (out.state.status, out.state.stage, out.state.ended_at) == (COMPLETED, "completed",
                                                                       LATER)
    assert kinds(out)[-2:] == ["stage_completed", "completed"]
    notices = [(e.person, e.template, e.params.get("message", {}).get("en")) for e in out.effects]
    assert notices == [
        (IVAN, "process_notice", "The contract is approved and has been sent to the client."),
        (IVAN, "instance_completed", None)]
    anna = [(t.round, t.verdict) for t in out.state.tasks if t.assignee == ANNA]
    assert anna == [(1, "send_back"), (3, "approve")]


def document_approval(name: str, people: FakeDirectory) -> tuple[list, Outcome]:
    """Review (all) → approval (any) with a send-back at approval, resubmitted, approved.

    Returns every (event kind, stage) pair in order and the last outcome.
    """
    process = load_file(PROCESSES / name)
    fields = {"title": "Pricing policy", "document": "doc-7", "responsible": "vera@example.com",
              "reviewers": ["anna@example.com", "boris@example.com"],
              "approvers": ["petr@example.com", "olga@example.com"]}
    out = engine.start(process, people, IVAN, fields, NOW)
    steps = [(e.kind, e.data.get("stage")) for e in out.events]
    commands = [
        lambda s: act(process, people, s, ANNA),
        lambda s: act(process, people, s, BORIS),
        lambda s: act(process, people, s, PETR, "send_back", "Wrong date on page 2"),
        lambda s: engine.resubmit(process, people, s, IVAN, {}, "Fixed", LATER),
        lambda s: act(process, people, s, OLGA),
    ]
    for command in commands:
        out = command(out.state)
        steps += [(e.kind, e.data.get("stage")) for e in out.events]
    return steps, out


def test_document_approval_takes_the_same_steps_in_both_notations(people):
    sequential, _ = document_approval("document-approval.yaml", people)
    statuses, _ = document_approval("document-approval-statuses.yaml", people)
    assert sequential == statuses
    entered = [stage for kind, stage in sequential if kind == "stage_entered"]
    assert entered == ["review", "approval", "approval"]  # restart: same, at approval
    assert ("sent_back", "approval") in sequential
    assert sequential[-2:] == [("fields_set", None), ("completed", "completed")]


@pytest.mark.parametrize("name", ["document-approval.yaml", "document-approval-statuses.yaml"])
def test_document_approval_is_published_and_the_responsible_person_told(people, name):
    _, out = document_approval(name, people)
    assert (out.state.status, out.state.fields["published"]) == (COMPLETED, True)
    assert next(e for e in out.events if e.kind == "fields_set").data == {
        "values": {"published": True}}
    notices = [(e.person, e.template, e.params.get("message", {}).get("en")) for e in out.effects
               if e.template in ("process_notice", "instance_completed")]
    assert notices == [(VERA, "process_notice", "The document is approved and published."),
                       (IVAN, "instance_completed", None)]
