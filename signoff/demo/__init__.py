"""The demo organisation that ``signoff demo load`` (and so ``make run``) installs.

A small company of nine people in ``people.csv`` beside this module, Russian and English,
**every one with the password** ``demo``:

| login                 | name            | locale | part they play                              |
|-----------------------|-----------------|--------|---------------------------------------------|
| director@example.com  | Ирина Волкова   | ru     | the director, top of the manager chain      |
| petr@example.com      | Пётр Иванов     | ru     | head of sales, Anna's and John's manager    |
| anna@example.com      | Анна Петрова    | ru     | initiator (alias a.petrova@example.com)     |
| john@example.com      | John Smith      | en     | initiator                                   |
| sergey@example.com    | Сергей Кузнецов | ru     | approver, role ``lawyer``                   |
| emily@example.com     | Emily Clark     | en     | approver, role ``lawyer``                   |
| maria@example.com     | Мария Соколова  | ru     | role ``accountant``                         |
| admin@example.com     | Alex Morgan     | en     | role ``admin``                              |
| auditor@example.com   | Дмитрий Орлов   | ru     | role ``auditor``                            |

Loading is idempotent: the import updates the people it already knows, and the passwords are
set to ``demo`` again.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib.resources import files

from sqlmodel import Session

from approvals.store.directory import ImportReport, find_person, import_people, set_password

PASSWORD = "demo"


@dataclass(frozen=True)
class Login:
    """One demo person, as the launcher lists them."""

    email: str
    name: str
    locale: str
    department: str
    roles: tuple[str, ...]
    manager: str


def people_csv() -> str:
    """The shipped CSV, in the format ``signoff people import`` reads."""
    return files(__name__).joinpath("people.csv").read_text(encoding="utf-8")


def logins() -> list[Login]:
    rows = csv.DictReader(io.StringIO(people_csv()))
    return [Login(row["email"], row["name"], row["locale"], row["department"],
                  tuple(r for r in row["roles"].split(";") if r), row["manager_email"])
            for row in rows]


def load_people(session: Session) -> ImportReport:
    """Create or update the demo people and set each one's password to :data:`PASSWORD`."""
    report = import_people(session, people_csv())
    for login in logins():
        person = find_person(session, login.email)
        set_password(person, PASSWORD)
        session.add(person)
    return report


def describe_logins() -> list[str]:
    """Aligned lines naming each demo login, for the terminal."""
    people = logins()
    width = max(len(p.email) for p in people)
    name_width = max(len(p.name) for p in people)
    lines = []
    for person in people:
        what = person.department
        if person.roles:
            what += f", role {', '.join(person.roles)}"
        if person.manager:
            what += f", reports to {person.manager}"
        lines.append(f"  {person.email:<{width}}  {person.name:<{name_width}}  {person.locale}  "
                     f"{what}")
    return lines
