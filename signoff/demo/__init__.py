"""Loading the demo organisation (:mod:`approvals.config.demo`: ten people, Russian and English,
every one with the password ``demo``) for ``signoff demo load``, and so for ``make run``.

The demo people hold real roles (an administrator, an auditor, an HR officer…) and a published
password, so they never go into a directory that holds anyone else: they are loaded only into
an empty one. Asked to (``force``), the load adds the demo people that are missing and nothing
more — it never re-activates a deactivated person, never changes anyone's password, roles or
manager, and never updates anyone already there.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from sqlmodel import Session, func, select

from approvals.config.demo import PASSWORD, Login, departments_csv, logins, people_csv
from approvals.store import departments
from approvals.store.directory import find_person, import_people, set_password
from approvals.store.models import Department, Person, PersonAlias

__all__ = ["PASSWORD", "Login", "DemoLoad", "describe_logins", "load_people", "logins",
           "people_csv"]


@dataclass
class DemoLoad:
    """What :func:`load_people` did: whom it created, or why it created nobody."""

    created: list[str] = field(default_factory=list)
    present: int = 0  # people in the directory before the load
    skipped: str | None = None  # "not_empty" or "complete": nothing was loaded, and why


def load_people(session: Session, force: bool = False) -> DemoLoad:
    """Create the demo people, each with the password :data:`PASSWORD`, in an empty directory;
    with ``force``, create only those missing from a directory that holds people already."""
    present = session.exec(select(func.count()).select_from(Person)).one()
    if present and not force:
        return DemoLoad(present=present, skipped="not_empty")
    taken = set(session.exec(select(Person.email))) | set(session.exec(select(PersonAlias.email)))
    rows = [row for row in csv.DictReader(io.StringIO(people_csv()))
            if row["email"] not in taken]
    if not rows:
        return DemoLoad(present=present, skipped="complete")
    for row in rows:  # an alias someone already holds stays theirs
        row["aliases"] = ";".join(a for a in row["aliases"].split(";") if a and a not in taken)
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    import_people(session, text.getvalue())
    for row in rows:
        person = find_person(session, row["email"])
        set_password(person, PASSWORD)
        session.add(person)
    _load_departments(session)
    return DemoLoad(created=[row["email"] for row in rows], present=present)


def _load_departments(session: Session) -> None:
    """Name the heads of the demo departments that have no row yet, where the head is there
    (a department HR already set up stays as it is)."""
    present = {name.casefold() for name in session.exec(select(Department.name))}
    people = set(session.exec(select(Person.email)))
    rows = [row for row in csv.DictReader(io.StringIO(departments_csv()))
            if row["department"].casefold() not in present and row["head_email"] in people]
    known = {row["department"] for row in rows} | set(departments.names(session))
    for row in rows:
        if row["parent"] not in known:
            row["parent"] = ""
    if rows:
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        departments.import_departments(session, text.getvalue())


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
