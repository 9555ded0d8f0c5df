"""The demo organisation: who its people are (``demo_people.csv`` beside this module) and the
password they share. ``signoff demo load`` installs them (into an empty directory only, unless
asked); ``signoff doctor`` and the administrators' check-up page warn while any is active.

Ten people, Russian and English, **every one with the password** ``demo``:

| login                 | name            | locale | part they play                              |
|-----------------------|-----------------|--------|---------------------------------------------|
| director@example.com  | Ирина Волкова   | ru     | the director, top of the chain; ``cfo``     |
| petr@example.com      | Пётр Иванов     | ru     | head of sales, Anna's and John's manager    |
| anna@example.com      | Анна Петрова    | ru     | initiator (alias a.petrova@example.com)     |
| john@example.com      | John Smith      | en     | initiator                                   |
| sergey@example.com    | Сергей Кузнецов | ru     | approver, role ``lawyer``                   |
| emily@example.com     | Emily Clark     | en     | approver, role ``lawyer``                   |
| maria@example.com     | Мария Соколова  | ru     | role ``accounting`` (pays invoices)         |
| admin@example.com     | Alex Morgan     | en     | roles ``admin`` and ``it`` (HR's IT tasks)  |
| auditor@example.com   | Дмитрий Орлов   | ru     | role ``auditor``                            |
| olga@example.com      | Ольга Смирнова  | ru     | roles ``hr``, ``leave_approver`` (the      |
|                       |                 |        | director's leave)                           |

Each has a position, a hire date and the time zone Europe/Moscow; ``demo_departments.csv``
names each department's head (Пётр Иванов heads Sales…) and puts them under Management.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib.resources import files

PASSWORD = "demo"  # nosec B105  # the demo's published password; `signoff doctor` warns of it


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
    return files(__package__).joinpath("demo_people.csv").read_text(encoding="utf-8")


def departments_csv() -> str:
    """The demo departments' heads and parents, in the format ``signoff people departments``
    reads."""
    return files(__package__).joinpath("demo_departments.csv").read_text(encoding="utf-8")


def logins() -> list[Login]:
    rows = csv.DictReader(io.StringIO(people_csv()))
    return [Login(row["email"], row["name"], row["locale"], row["department"],
                  tuple(r for r in row["roles"].split(";") if r), row["manager_email"])
            for row in rows]


def addresses() -> frozenset[str]:
    """The demo people's addresses."""
    return frozenset(login.email for login in logins())
