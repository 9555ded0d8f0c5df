"""Who may do what (approvals/core/policy.py): the one place that answers it."""

from __future__ import annotations

import pytest

from approvals.core.policy import (
    Actor,
    may_read,
    may_reassign,
    may_reopen,
    may_resubmit,
    may_withdraw,
    refusal_to_decide,
)
from approvals.core.states import CANCELLED, COMPLETED, RUNNING

INITIATOR, OTHER, ASSIGNEE = 1, 2, 3
ADMIN = Actor.of(9, ["admin", "lawyer"])


@pytest.mark.parametrize(("actor", "status", "allowed"), [
    (Actor.of(INITIATOR), RUNNING, True),
    (ADMIN, RUNNING, True),
    (Actor.of(OTHER, ["lawyer", "auditor"]), RUNNING, False),
    (Actor.of(INITIATOR), COMPLETED, False),
    (ADMIN, CANCELLED, False),
])
def test_a_running_instance_is_withdrawn_by_its_initiator_or_an_administrator(
        actor, status, allowed):
    assert may_withdraw(actor, initiator=INITIATOR, status=status) is allowed


@pytest.mark.parametrize(("actor", "status", "allowed"), [
    (ADMIN, COMPLETED, True),
    (ADMIN, CANCELLED, True),
    (ADMIN, RUNNING, False),
    (Actor.of(INITIATOR), COMPLETED, False),
])
def test_only_an_administrator_reopens_and_only_what_ended(actor, status, allowed):
    assert may_reopen(actor, status=status) is allowed


@pytest.mark.parametrize(("actor", "allowed"), [
    (Actor.of(ASSIGNEE), True), (ADMIN, True), (Actor.of(INITIATOR), False)])
def test_a_task_is_handed_over_by_its_assignee_or_an_administrator(actor, allowed):
    assert may_reassign(actor, assignee=ASSIGNEE) is allowed


@pytest.mark.parametrize(("who", "task_state", "status", "kind", "verdict", "refusal"), [
    (ASSIGNEE, "open", RUNNING, "approval", "approve", None),
    (ASSIGNEE, "open", RUNNING, "approval", None, None),  # a mail, before its verdict is read
    (OTHER, "decided", COMPLETED, "approval", "approve", "not_an_assignee"),  # nothing more
    (ASSIGNEE, "decided", COMPLETED, "approval", "approve", "already_decided"),
    (ASSIGNEE, "withdrawn", CANCELLED, "approval", "approve", "instance_closed"),
    (ASSIGNEE, "waiting", RUNNING, "approval", "approve", "task_closed"),
    (ASSIGNEE, "open", RUNNING, "approval", "paid", "verdict_not_allowed"),
    (ASSIGNEE, "open", RUNNING, "revision", "approve", "verdict_not_allowed"),
    (ASSIGNEE, "open", RUNNING, "revision", "resubmit", None),
])
def test_why_a_person_may_not_answer_a_task_in_one_order(who, task_state, status, kind,
                                                          verdict, refusal):
    assert refusal_to_decide(Actor.of(who), assignee=ASSIGNEE, task_state=task_state,
                             instance_status=status, task_kind=kind,
                             verdicts=("approve", "send_back"), verdict=verdict) == refusal


def test_someone_acting_for_the_assignee_answers_as_them():
    deputy = Actor.of(OTHER)
    assert refusal_to_decide(deputy, assignee=ASSIGNEE, task_state="open",
                             on_behalf_of=ASSIGNEE) is None
    assert may_resubmit(Actor.of(ASSIGNEE), assignee=ASSIGNEE)
    assert not may_resubmit(deputy, assignee=ASSIGNEE)


@pytest.mark.parametrize(("actor", "participant", "allowed"), [
    (Actor.of(OTHER), True, True),
    (Actor.of(OTHER, ["auditor"]), False, True),
    (ADMIN, False, True),
    (Actor.of(OTHER, ["lawyer", "hr"]), False, False),
])
def test_an_instance_is_read_by_its_participants_auditors_and_administrators(
        actor, participant, allowed):
    assert may_read(actor, participant=participant) is allowed
