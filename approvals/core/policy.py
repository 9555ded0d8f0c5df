"""Who may do what to an instance: the one place that answers it.

Pure: each answer reads the instance's state and the person — their id and their roles — and
says yes or no (a deputy needs no rule of their own: a task routed to them is theirs, see
:mod:`approvals.core.deputies`). The engine refuses with it,
the pages show or hide their buttons with it, and the service works out the person's roles
itself: no entry point passes an authority flag in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from approvals.core.model import RESUBMIT
from approvals.core.states import (
    APPROVAL,
    CANCELLED,
    COMPLETED,
    DECIDED,
    OPEN,
    REVISION_TASK,
    RUNNING,
)

ADMIN, AUDITOR = "admin", "auditor"
ACCOUNTING = "accounting"  # the accountants: the payments queue, bank files and statements


@dataclass(frozen=True)
class Actor:
    """The person acting, as the policy needs them."""

    id: int
    roles: frozenset[str] = frozenset()

    @classmethod
    def of(cls, person_id: int, roles: Iterable[str] = ()) -> Actor:
        return cls(person_id, frozenset(roles))

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.roles

    @property
    def is_auditor(self) -> bool:
        """Auditors and administrators search every process and read every trail."""
        return bool({ADMIN, AUDITOR} & self.roles)


def may_read(actor: Actor, *, participant: bool) -> bool:
    """An instance (and its trail) is read by its participants, auditors and administrators."""
    return participant or actor.is_auditor


def may_follow_answers(actor: Actor, *, initiator: int) -> bool:
    """Who of a stage's many assignees answered and who has not (an acknowledgement campaign's
    page and its CSV) is followed by the instance's initiator, auditors and administrators —
    not by the assignees, who see their own task only."""
    return actor.id == initiator or actor.is_auditor


def refusal_to_decide(actor: Actor, *, assignee: int, task_state: str,
                      instance_status: str = RUNNING, task_kind: str = APPROVAL,
                      verdicts: Iterable[str] = (), verdict: str | None = None,
                      on_behalf_of: int | None = None) -> str | None:
    """Why ``actor`` may not answer this task with ``verdict`` now; None when they may.

    The reasons, in the order they are checked (someone else's task first, so that a stranger
    learns nothing more about it): ``not_an_assignee``, ``already_decided``,
    ``instance_closed``, ``task_closed``, ``verdict_not_allowed`` (not checked while
    ``verdict`` is None: a mail is read for its verdict later). A revision task's answer is
    ``resubmit``. ``on_behalf_of`` is the assignee a deputy or administrator acts for, when the
    service has found that they may.
    """
    if (on_behalf_of if on_behalf_of is not None else actor.id) != assignee:
        return "not_an_assignee"
    if task_state == DECIDED:
        return "already_decided"
    if instance_status != RUNNING:
        return "instance_closed"
    if task_state != OPEN:
        return "task_closed"
    if verdict is not None and verdict not in (
            (RESUBMIT,) if task_kind == REVISION_TASK else tuple(verdicts)):
        return "verdict_not_allowed"
    return None


def may_resubmit(actor: Actor, *, assignee: int) -> bool:
    """A process sent back is resubmitted by the assignee of its revision task."""
    return actor.id == assignee


def may_ever_resubmit(actor: Actor, *, initiator: int, revision_assignees: Iterable[int]
                      ) -> bool:
    """Whether ``actor`` is someone a revision of this instance is (or was) for: its
    initiator or a revision task's assignee. Asked before the instance's state, so that a
    stranger learns nothing of it."""
    return actor.id == initiator or actor.id in set(revision_assignees)


def may_withdraw(actor: Actor, *, initiator: int, status: str) -> bool:
    """A running instance is withdrawn by its initiator or an administrator."""
    return status == RUNNING and (actor.id == initiator or actor.is_admin)


def may_reopen(actor: Actor, *, status: str) -> bool:
    """A completed or withdrawn instance is reopened by an administrator."""
    return actor.is_admin and status in (COMPLETED, CANCELLED)


def may_reassign(actor: Actor, *, assignee: int) -> bool:
    """A task is handed over by its assignee or an administrator."""
    return actor.id == assignee or actor.is_admin


def may_manage_tokens(actor: Actor, *, holder: int) -> bool:
    """A person's API tokens are listed and revoked by that person and by administrators."""
    return actor.id == holder or actor.is_admin


def may_manage_absence(actor: Actor, *, person: int) -> bool:
    """A person's days away (and who deputises meanwhile) are set, cancelled and handed over
    by that person and by administrators."""
    return actor.id == person or actor.is_admin


def may_work_payments(actor: Actor) -> bool:
    """The accountants' queue — the invoices approved for payment, the bank files of payment
    orders, the bank statements imported — is for accountants and administrators. (Paying one
    invoice is still its payment task's, decided by its assignee.)"""
    return actor.is_admin or ACCOUNTING in actor.roles
