"""Who may do what (approvals/core/policy.py): the one place that answers it."""

from __future__ import annotations

import pytest

from approvals.core.policy import Actor, may_reassign, may_reopen, may_withdraw
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
