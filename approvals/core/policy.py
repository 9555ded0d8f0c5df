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

from approvals.core.model import RESUBMIT, Process
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
HR = "hr"  # HR administrators: people, leave, the absence schedule and the vacation plan


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


def refusal_to_start(actor: Actor, process: Process, *, department: str = "") -> str | None:
    """Why ``actor`` may not start ``process`` (nor see it in the catalogue); None when they
    may. ``example_process``: a notation example, started by nobody but administrators (who
    see it to check the language); ``not_a_starter``: the process names its starters (roles,
    departments — ``department`` is the actor's, letter case aside) and the actor is none of
    them. Administrators may start anything."""
    if actor.is_admin:
        return None
    if process.example:
        return "example_process"
    starters = process.starters
    if starters is None or set(starters.roles) & actor.roles:
        return None
    wanted = department.strip().casefold()
    if wanted and wanted in {d.casefold() for d in starters.departments}:
        return None
    return "not_a_starter"


def may_read(actor: Actor, *, participant: bool) -> bool:
    """An instance (and its trail) is read by its participants, auditors and administrators."""
    return participant or actor.is_auditor


def may_comment(actor: Actor, *, participant: bool) -> bool:
    """An instance's discussion is written by its participants and administrators; an auditor
    reads it with the rest of the record but does not write into it."""
    return participant or actor.is_admin


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


def may_see_absence_kind(actor: Actor, *, person: int, managers: Iterable[int] = (),
                         head: int | None = None) -> bool:
    """What kind of absence someone's is (annual leave, sick leave, a business trip) — and who
    deputises meanwhile — is seen by that person, their managers up the chain, their
    department's head, HR and administrators. Colleagues see only that they are away: a sick
    leave is nobody else's business (the Labour Code's art. 88 keeps health data private)."""
    return (actor.id in (person, head) or actor.is_admin or HR in actor.roles
            or actor.id in managers)  # last: the chain may be walked lazily


def may_follow_department(actor: Actor, *, head: int | None, manages: bool) -> bool:
    """A department's absences as a calendar feed, and deciding its people's vacation plan,
    are for its head, anyone who manages one of its people, HR and administrators."""
    return actor.id == head or manages or actor.is_admin or HR in actor.roles


def may_publish_vacation_plan(actor: Actor) -> bool:
    """A department's yearly vacation plan is published (made binding) by HR and
    administrators."""
    return actor.is_admin or HR in actor.roles


def may_edit_calendar(actor: Actor) -> bool:
    """The company's own days in the working-day calendar (an extra day off, a working day, a
    shortened day) are set and taken back by HR and administrators: every deadline counts with
    them. Everyone logged in may read the calendar."""
    return actor.is_admin or HR in actor.roles


def may_manage_people(actor: Actor) -> bool:
    """People as HR knows them — their position, department, manager, hire date, employment
    status, time zone and roles — and the departments' heads are edited by HR and
    administrators (only administrators give or take away the roles ``admin`` and
    ``auditor``: :data:`hr.people.PRIVILEGED_ROLES`)."""
    return actor.is_admin or HR in actor.roles


def may_decide_vacation_plan(actor: Actor, *, person: int, managers: Iterable[int] = (),
                             head: int | None = None) -> bool:
    """A part of someone's vacation plan is approved or rejected by their managers up the
    chain, their department's head and administrators — never by the person themselves."""
    if actor.id == person:
        return False
    return actor.id == head or actor.is_admin or actor.id in managers


def may_see_leave(actor: Actor, *, person: int, managers: Iterable[int] = ()) -> bool:
    """A person's leave balances and ledger (the statement, its CSV, the API) are seen by that
    person, their managers up the chain, HR and administrators."""
    return (actor.id == person or actor.is_admin or HR in actor.roles
            or actor.id in managers)  # last: the chain may be walked lazily


def may_adjust_leave(actor: Actor) -> bool:
    """A correction of someone's leave balance (an adjustment, with its reason) and the
    overtime hours they worked are entered by HR and administrators."""
    return actor.is_admin or HR in actor.roles
