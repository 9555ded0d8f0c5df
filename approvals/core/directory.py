"""The :class:`Directory` protocol: the read-only view of people the engine resolves assignees
in and the forms check addresses against (the store's ``DbDirectory`` reads the database;
unit tests use an in-memory one)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Protocol

#: A person's employment status as HR records it (``Person.employment``): ``starting`` before
#: the first day, ``active``, ``on_leave``, ``dismissed``.
EMPLOYMENT = ("starting", "active", "on_leave", "dismissed")
#: The statuses of people who take tasks: someone starting or dismissed is not assigned any
#: (``Person.active``, the switch the rest of the code reads, follows the status).
WORKING = frozenset({"active", "on_leave"})


def active_for(employment: str) -> bool:
    """Whether a person of this employment status takes tasks (``Person.active``)."""
    return employment in WORKING


class Directory(Protocol):
    """The read-only view of people the engine needs to resolve assignees."""

    def person_id(self, email: str) -> int | None: ...

    def manager_of(self, person_id: int) -> int | None: ...

    def is_active(self, person_id: int) -> bool: ...

    def with_role(self, role: str) -> list[int]: ...

    def in_department(self, department: str) -> list[int]: ...

    def department_of(self, person_id: int) -> str: ...

    def head_of(self, department: str) -> int | None:
        """The head HR named for ``department`` (its ``Department`` row), active or not; None
        when it has no row or no head (the engine then falls back to the department's member
        holding the role ``head``)."""
        ...

    def deputy_of(self, person_id: int, day: date) -> int | None:
        """Whom ``person_id`` named to decide for them while they are away on ``day``; None
        when they are not away that day (the chain is the engine's to follow:
        :mod:`approvals.core.deputies`)."""
        ...


def managers_above(directory: Directory, person: int) -> Iterator[int]:
    """The active managers above ``person``, nearest first: inactive ones are walked past,
    and the chain stops at its top or where it comes back to someone already met."""
    seen = {person}
    current = directory.manager_of(person)
    while current is not None and current not in seen:
        if directory.is_active(current):
            yield current
        seen.add(current)
        current = directory.manager_of(current)
