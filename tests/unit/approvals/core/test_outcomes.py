"""A stage's own outcomes: labelled answers that lead on, loop, send back or end the process."""

from __future__ import annotations

from datetime import datetime, timedelta
from textwrap import dedent

import pytest

from approvals.core import engine
from approvals.core.errors import CommentRequired, DefinitionError
from approvals.core.model import Label, OutcomeSpec
from approvals.core.states import COMPLETED, OPEN, RUNNING, WITHDRAWN
from approvals.definitions import load_text
from tests.unit.fakes import FakeDirectory

NOW = datetime(2026, 12, 7, 9, 0)
LEAD = """\
id: lead
name: {en: Lead, ru: Лид}
endings:
  refused: {name: {en: Refused, ru: Отказ}}
  wholesale: {name: {en: Passed to a wholesaler, ru: Передан оптовику}}
stages:
  - key: call
    name: {en: Call, ru: Звонок}
    assignees: [{role: sales}]
    rule: any
    outcomes:
      reached:
        label: {en: Reached, ru: Дозвонился}
        words: [дозвонился, reached]
      callback:
        label: {en: Call back later, ru: Перезвонить позже}
        words: [перезвонить, call back]
        to: same
      refused_price:
        label: {en: "Refused: price", ru: "Отказ: цена"}
        comment: required
        to: refused
      wholesaler:
        label: {en: Pass to a wholesaler, ru: Передать оптовику}
        to: wholesale
  - key: offer
    name: {en: Offer, ru: Предложение}
    assignees: [{role: sales}, {role: board}]
    outcomes:
      approve: {}
      again:
        label: {en: Call again, ru: Позвонить ещё раз}
        to: call
      refused: {label: {en: Refused, ru: Отказ}, to: refused}
      send_back:
"""


@pytest.fixture
def people() -> FakeDirectory:
    d = FakeDirectory()
    d.add("ivan@example.com")
    d.add("sveta@example.com", roles=("sales",))
    d.add("boris@example.com", roles=("board",))
    return d


def answer(process, people, state, who: str, verdict: str, comment: str = "",
           minutes: int = 1) -> engine.Outcome:
    person = people.id(f"{who}@example.com")
    task = next(t for t in state.current_tasks() if t.assignee == person and t.state == OPEN)
    return engine.decide(process, people, state, task.seq, person, verdict, comment,
                         NOW + timedelta(minutes=minutes))


def test_the_file_gives_each_outcome_its_label_words_and_place() -> None:
    process = load_text(LEAD, "lead.yaml")
    call = process.status("call")
    assert call.transitions == (("reached", "offer"), ("callback", "call"),
                                ("refused_price", "refused"), ("wholesaler", "wholesale"))
    assert call.outcome("callback") == OutcomeSpec(
        "callback", Label("Call back later", "Перезвонить позже"), ("перезвонить", "call back"))
    assert call.comment_required("refused_price") and not call.comment_required("reached")
    offer = process.status("offer")
    assert offer.transitions == (("approve", "completed"), ("again", "call"),
                                 ("refused", "refused"), ("send_back", "revision"))
    assert offer.outcome("approve") is None  # a built-in as it is: the catalogue words it
    assert process.status("refused").ending and not process.status("completed").ending


def test_an_outcome_that_moves_on_counts_toward_the_rule(people) -> None:
    process = load_text(LEAD, "lead.yaml")
    state = engine.start(process, people, 1, {}, NOW).state
    state = answer(process, people, state, "sveta", "reached").state
    assert state.stage == "offer"
    state = answer(process, people, state, "sveta", "approve").state
    assert state.stage == "offer"  # rule all: Boris still has to answer
    done = answer(process, people, state, "boris", "approve", minutes=2)
    assert (done.state.status, done.state.stage) == (COMPLETED, "completed")


def test_same_repeats_the_stage_in_a_new_round(people) -> None:
    process = load_text(LEAD, "lead.yaml")
    state = engine.start(process, people, 1, {}, NOW).state
    out = answer(process, people, state, "sveta", "callback")
    assert (out.state.stage, out.state.round) == ("call", state.round + 1)
    assert [t.assignee for t in out.state.current_tasks() if t.state == OPEN] == [2]
    assert [e.kind for e in out.events][-3:] == ["stage_completed", "stage_entered",
                                                 "task_opened"]


def test_an_outcome_may_lead_back_to_an_earlier_stage_and_decides_at_once(people) -> None:
    process = load_text(LEAD, "lead.yaml")
    state = engine.start(process, people, 1, {}, NOW).state
    state = answer(process, people, state, "sveta", "reached").state
    out = answer(process, people, state, "boris", "again")
    assert out.state.stage == "call"
    sveta_offer = [t for t in out.state.tasks if t.stage == "offer" and t.assignee == 2]
    assert [(t.state, t.close_reason) for t in sveta_offer] == [(WITHDRAWN, "stage_completed")]


def test_an_ending_ends_the_instance_with_that_outcome_and_tells_the_initiator_why(
        people) -> None:
    process = load_text(LEAD, "lead.yaml")
    state = engine.start(process, people, 1, {}, NOW).state
    with pytest.raises(CommentRequired, match="needs a comment that says why"):
        answer(process, people, state, "sveta", "refused_price")
    out = answer(process, people, state, "sveta", "refused_price", "Too expensive for them")
    assert (out.state.status, out.state.stage) == (COMPLETED, "refused")
    assert out.events[-1].kind == "completed"
    assert out.events[-1].data == {"stage": "refused", "ending": True}
    [told] = [n for n in out.effects if isinstance(n, engine.Notify)
              and n.template == "instance_ended"]
    assert (told.person, told.params["comment"], told.params["stage"]) == (
        1, "Too expensive for them", "refused")
    assert not [n for n in out.effects if isinstance(n, engine.Notify)
                and n.template == "instance_completed"]


def test_under_all_one_ending_decides_the_stage_for_everyone(people) -> None:
    process = load_text(LEAD, "lead.yaml")
    state = engine.start(process, people, 1, {}, NOW).state
    state = answer(process, people, state, "sveta", "reached").state
    out = answer(process, people, state, "boris", "refused")
    assert (out.state.status, out.state.stage) == (COMPLETED, "refused")
    assert all(t.state != OPEN for t in out.state.tasks)


def test_a_skipped_stage_moves_on_past_its_loops_and_endings(people) -> None:
    process = load_text(LEAD.replace("    rule: any\n", "    rule: any\n    when: \"not "
                                     "skip\"\n").replace("stages:", "fields: [{name: skip, "
                                                         "type: boolean}]\nstages:"), "x.yaml")
    state = engine.start(process, people, 1, {"skip": True}, NOW).state
    assert (state.status, state.stage) == (RUNNING, "offer")


def test_the_status_notation_takes_outcomes_and_endings(people) -> None:
    process = load_text(dedent("""\
        id: invoice
        name: Invoice
        notation: statuses
        initial: check
        statuses:
          check:
            name: Check
            assignees: [{role: board}]
            outcomes:
              approve: {to: pay}
              reject: {label: {en: Reject, ru: Отклонить}, comment: required, to: rejected}
          pay:
            name: Pay
            assignees: [{role: sales}]
            transitions: {paid: paid}
          paid: {name: Paid, final: true}
          rejected: {name: {en: Rejected, ru: Отклонён}, final: true, ending: true}
        """), "invoice.yaml")
    state = engine.start(process, people, 1, {}, NOW).state
    out = answer(process, people, state, "boris", "reject", "Wrong bank details")
    assert (out.state.status, out.state.stage) == (COMPLETED, "rejected")


@pytest.mark.parametrize(("old", "new", "problem"), [
    ("        to: same\n", "        to: nowhere\n",
     "lead.yaml:18: stages[0].outcomes.callback.to: unknown place 'nowhere' (one of: call, "
     "completed, next, offer, refused, revision, same, wholesale)"),
    ("        label: {en: Reached, ru: Дозвонился}\n", "",
     "lead.yaml:13: stages[0].outcomes.reached.label: is required"),
    ("        words: [дозвонился, reached]\n", "        words: дозвонился\n",
     "stages[0].outcomes.reached.words: expected a list of words or phrases"),
    ("        comment: required\n", "        comment: maybe\n",
     "stages[0].outcomes.refused_price.comment: expected required or optional"),
    ("      send_back:\n", "      send_back: {to: call}\n",
     "stages[1].outcomes.send_back.to: send_back always leads to 'revision'"),
    ("      approve: {}\n", "      resubmit: {}\n",
     "stages[1].outcomes.resubmit: 'resubmit' is the revision's own answer"),
    ("    rule: any\n", "    rule: any\n    verdicts: [approve]\n",
     "stages[0].verdicts: give either verdicts or outcomes"),
    ("  wholesale:", "  offer:", "endings.offer: 'offer' is already a stage or a reserved name"),
    ("      wholesaler:\n", "      " + "w" * 41 + ":\n", "an outcome's name has at most 40"),
])
def test_an_outcome_that_cannot_work_is_refused_with_its_line(old, new, problem) -> None:
    assert old in LEAD
    with pytest.raises(DefinitionError) as refused:
        load_text(LEAD.replace(old, new), "lead.yaml")
    assert problem in str(refused.value)
