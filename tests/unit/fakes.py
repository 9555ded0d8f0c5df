"""An in-memory :class:`~approvals.core.directory.Directory` for unit tests of the pure core."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class FakePerson:
    id: int
    email: str
    manager: int | None = None
    active: bool = True
    roles: set[str] = field(default_factory=set)
    department: str = ""


class FakeDirectory:
    """People held in a dict; ids are handed out 1, 2, 3… in the order people are added."""

    def __init__(self) -> None:
        self.people: dict[int, FakePerson] = {}
        self.absences: list[tuple[int, int, date, date]] = []  # person, deputy, first, last
        self.heads: dict[str, int] = {}  # department (casefolded) -> the head HR named

    def away(self, person: int, deputy: int, first: date, last: date | None = None) -> None:
        """``person`` is away from ``first`` to ``last`` (both included; one day by default),
        and ``deputy`` decides for them."""
        self.absences.append((person, deputy, first, last or first))

    def add(self, email: str, manager: int | None = None, active: bool = True,
            roles: tuple[str, ...] = (), department: str = "") -> int:
        person = FakePerson(len(self.people) + 1, email.lower(), manager, active, set(roles),
                            department)
        self.people[person.id] = person
        return person.id

    def id(self, email: str) -> int:
        """The id of someone the test added; a typo in a test fails loudly."""
        found = self.person_id(email)
        assert found is not None, f"{email} is not in the fake directory"
        return found

    # The Directory protocol.

    def person_id(self, email: str) -> int | None:
        email = email.strip().lower()
        return next((p.id for p in self.people.values() if p.email == email), None)

    def manager_of(self, person_id: int) -> int | None:
        return self.people[person_id].manager

    def is_active(self, person_id: int) -> bool:
        return self.people[person_id].active

    def with_role(self, role: str) -> list[int]:
        return sorted(p.id for p in self.people.values() if role in p.roles)

    def department_of(self, person_id: int) -> str:
        return self.people[person_id].department

    def in_department(self, department: str) -> list[int]:
        wanted = department.strip().lower()
        return sorted(p.id for p in self.people.values() if p.department.lower() == wanted)

    def head_of(self, department: str) -> int | None:
        return self.heads.get(department.strip().casefold())

    def deputy_of(self, person_id: int, day: date) -> int | None:
        return next((deputy for person, deputy, first, last in reversed(self.absences)
                     if person == person_id and first <= day <= last), None)
