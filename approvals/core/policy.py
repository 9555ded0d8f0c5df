"""Who may do what to an instance: the one place that answers it.

Pure: each answer reads the instance's state and the person — their id and their roles (and,
when deputies come, whom they stand in for) — and says yes or no. The engine refuses with it,
the pages show or hide their buttons with it, and the service works out the person's roles
itself: no entry point passes an authority flag in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from approvals.core.states import CANCELLED, COMPLETED, RUNNING

ADMIN = "admin"


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


def may_withdraw(actor: Actor, *, initiator: int, status: str) -> bool:
    """A running instance is withdrawn by its initiator or an administrator."""
    return status == RUNNING and (actor.id == initiator or actor.is_admin)


def may_reopen(actor: Actor, *, status: str) -> bool:
    """A completed or withdrawn instance is reopened by an administrator."""
    return actor.is_admin and status in (COMPLETED, CANCELLED)


def may_reassign(actor: Actor, *, assignee: int) -> bool:
    """A task is handed over by its assignee or an administrator."""
    return actor.id == assignee or actor.is_admin
