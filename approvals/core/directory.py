"""The :class:`Directory` protocol: the read-only view of people the engine resolves assignees
in and the forms check addresses against (the store's ``DbDirectory`` reads the database;
unit tests use an in-memory one)."""

from __future__ import annotations

from typing import Protocol


class Directory(Protocol):
    """The read-only view of people the engine needs to resolve assignees."""

    def person_id(self, email: str) -> int | None: ...

    def manager_of(self, person_id: int) -> int | None: ...

    def is_active(self, person_id: int) -> bool: ...

    def with_role(self, role: str) -> list[int]: ...

    def in_department(self, department: str) -> list[int]: ...

    def department_of(self, person_id: int) -> str: ...
