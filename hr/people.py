"""People as HR knows them: finding a person by any part of how colleagues know them, and HR's
form that creates or edits one.

The search folds letter case in Python (``str.casefold``): the databases' ``lower()`` folds only
ASCII, so "анна" would never find "Анна" there. A directory of a few thousand people is read
once per search and filtered here, which is fast enough for a search-as-you-type picker.

Saving a person checks everything first and writes nothing when anything is wrong; each
problem is named on its field as ``(code, params)`` (:class:`FormInvalid`), the codes worded
in :mod:`approvals.texts.hr_people`. A new manager who would close a circle of managers is
refused with the same check the CSV import makes (:func:`approvals.store.directory.
manager_circle`). ``Person.active`` follows the employment status
(:func:`approvals.core.directory.active_for`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, select

from approvals.config import zones
from approvals.core.directory import EMPLOYMENT, active_for
from approvals.core.errors import FormInvalid, NotFound
from approvals.core.model import LOCALES
from approvals.store import departments
from approvals.store.directory import (
    end_sessions,
    is_time_zone,
    manager_circle,
    managers_map,
    parse_day,
)
from approvals.store.models import Person, PersonAlias, PersonRole

log = logging.getLogger(__name__)

#: The time zones HR's form offers, Moscow first (any other IANA zone is accepted too).
COMMON_TIME_ZONES = zones.COMMON
#: Roles only an administrator may give or take away: an HR officer edits people, but may not
#: make anyone (themselves included) an administrator or an auditor.
PRIVILEGED_ROLES = frozenset({"admin", "auditor"})
SEARCH_LIMIT = 20
MAX_SEARCH_LIMIT = 100
_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
_ROLE = re.compile(r"^[a-z][a-z0-9_-]*$")
FIELDS = ("name", "email", "locale", "position", "department", "department_new", "manager",
          "hire_date", "employment", "time_zone", "roles")


# ---------------------------------------------------------------------------- search


def matches(person: Person, words: Iterable[str]) -> bool:
    """Whether every word is in the person's name, address, department or position."""
    haystack = " ".join((person.name, person.email, person.department or "",
                         person.position or "")).casefold()
    return all(word in haystack for word in words)


def search(session: Session, query: str, limit: int = SEARCH_LIMIT,
           everyone: bool = False) -> list[Person]:
    """The people ``query`` finds (each of its words somewhere in their name, address,
    department or position, letter case aside, in any alphabet), active ones only unless
    ``everyone``; those whose name starts with the query first, then by name."""
    words = query.casefold().split()
    statement = select(Person) if everyone else select(Person).where(Person.active == True)  # noqa: E712
    found = [p for p in session.exec(statement) if matches(p, words)]
    wanted = query.strip().casefold()
    found.sort(key=lambda p: (not p.name.casefold().startswith(wanted), p.name.casefold(),
                              p.email))
    return found[:max(1, min(limit, MAX_SEARCH_LIMIT))]


def view(person: Person) -> dict[str, object]:
    """A person as the picker and ``GET /api/people`` show them."""
    return {"id": person.id, "name": person.name, "email": person.email,
            "department": person.department or "", "position": person.position or ""}


def listing(session: Session, query: str = "", department: str = "",
            employment: str = "") -> list[Person]:
    """HR's list: everyone (dismissed people too), filtered, by name."""
    words = query.casefold().split()
    people = [p for p in session.exec(select(Person)) if matches(p, words)
              and (not department or (p.department or "").casefold() == department.casefold())
              and (not employment or (p.employment or "active") == employment)]
    return sorted(people, key=lambda p: (p.name.casefold(), p.email))


# ---------------------------------------------------------------------------- the form


@dataclass
class Saved:
    person: Person
    created: bool
    changed: list[str]  # the names of the fields that changed


def form_of(session: Session, person: Person | None) -> dict[str, str]:
    """The form's values for ``person`` (a new one's defaults when None)."""
    if person is None:
        return {"locale": "ru", "employment": "active", "time_zone": COMMON_TIME_ZONES[0]}
    manager = session.get(Person, person.manager_id) if person.manager_id else None
    roles = sorted(session.exec(select(PersonRole.role).where(
        PersonRole.person_id == person.id)))
    return {"name": person.name, "email": person.email, "locale": person.locale,
            "position": person.position or "", "department": person.department or "",
            "manager": manager.email if manager else "",
            "hire_date": person.hire_date.isoformat() if person.hire_date else "",
            "employment": person.employment or "active", "time_zone": person.time_zone or "",
            "roles": "; ".join(roles)}


def save(session: Session, person_id: int | None, form: Mapping[str, str], *,
         manager: Person | None, actor_id: int, actor_is_admin: bool,
         now: datetime) -> Saved:
    """Create (``person_id`` None) or update a person from HR's form; ``manager`` is the
    person the form's manager field named (the page resolves names). Refuses with
    :class:`FormInvalid` and writes nothing when any field is wrong."""
    errors: dict[str, tuple[str, dict]] = {}
    person = session.get(Person, person_id) if person_id is not None else None
    if person_id is not None and person is None:
        raise NotFound(f"no person with the id {person_id}", person_id=person_id)
    value = {name: " ".join(str(form.get(name) or "").split()) for name in FIELDS}
    name, email = value["name"], value["email"].lower()
    if not name:
        errors["name"] = ("required", {})
    elif len(name) > 200:
        errors["name"] = ("too_long", {"max": 200})
    if not _EMAIL.match(email):
        errors["email"] = ("not_an_email", {"value": email} if email else {})
    elif _taken(session, email, person_id):
        errors["email"] = ("hr_people_email_taken", {"value": email})
    if value["locale"] not in LOCALES:
        errors["locale"] = ("not_a_choice", {"allowed": list(LOCALES)})
    if len(value["position"]) > 200:
        errors["position"] = ("too_long", {"max": 200})
    department = value["department_new"] or value["department"]
    if len(department) > 200:
        errors["department"] = ("too_long", {"max": 200})
    hire_date = _hire_date(value["hire_date"], errors)
    if value["employment"] not in EMPLOYMENT:
        errors["employment"] = ("not_a_choice", {"allowed": list(EMPLOYMENT)})
    if value["time_zone"] and not is_time_zone(value["time_zone"]):
        errors["time_zone"] = ("hr_people_bad_time_zone", {"value": value["time_zone"]})
    roles = _roles(value["roles"], errors)
    old_roles = set(session.exec(select(PersonRole.role).where(
        PersonRole.person_id == person_id))) if person_id is not None else set()
    touched = (roles ^ old_roles) & PRIVILEGED_ROLES
    if touched and not actor_is_admin:
        errors["roles"] = ("hr_people_privileged_role", {"roles": ", ".join(sorted(touched))})
    manager_id = manager.id if manager is not None else None
    if manager_id is not None and person_id is not None:
        chain = managers_map(session)
        chain[person_id] = manager_id
        if manager_id == person_id:
            errors["manager"] = ("hr_people_own_manager", {})
        elif manager_circle(chain) is not None:
            errors["manager"] = ("hr_people_manager_circle", {"name": manager.name})
    if errors:
        raise FormInvalid(errors)
    created = person is None
    if person is None:
        person = Person(email=email, name=name)
    before = _snapshot(person, old_roles)
    person.name, person.email, person.locale = name, email, value["locale"]
    person.position, person.hire_date = value["position"], hire_date
    person.department = departments.canonical(session, department) if department else ""
    person.manager_id, person.time_zone = manager_id, value["time_zone"]
    person.employment = value["employment"]
    was_active, person.active = person.active, active_for(person.employment)
    if was_active and not person.active and not created:
        end_sessions(person)  # a dismissed person's open sessions end with their employment
    session.add(person)
    session.flush()
    for role in old_roles - roles:
        session.delete(session.get(PersonRole, (person.id, role)))
    session.add_all(PersonRole(person_id=person.id, role=role) for role in roles - old_roles)
    session.flush()
    changed = [key for key, old in before.items() if old != _snapshot(person, roles)[key]]
    log.info("person %s (%s) %s by person %s at %s: %s", person.id, person.email,
             "created" if created else "edited", actor_id, now.isoformat(),
             ", ".join(f"{key}: {before[key]!r} -> {_snapshot(person, roles)[key]!r}"
                       for key in changed) or "nothing changed")
    return Saved(person, created, changed)


def _taken(session: Session, email: str, person_id: int | None) -> bool:
    """Whether ``email`` is someone else's address or alias."""
    other = session.exec(select(Person.id).where(Person.email == email)).first()
    alias = session.get(PersonAlias, email)
    return (other is not None and other != person_id) or (
        alias is not None and alias.person_id != person_id)


def _hire_date(text: str, errors: dict[str, tuple[str, dict]]) -> date | None:
    if not text:
        return None
    try:
        return parse_day(text)
    except ValueError:
        errors["hire_date"] = ("not_a_date", {})
        return None


def _roles(text: str, errors: dict[str, tuple[str, dict]]) -> set[str]:
    roles = {role.strip().lower() for role in re.split(r"[;,\s]+", text) if role.strip()}
    bad = sorted(role for role in roles if not _ROLE.match(role) or len(role) > 64)
    if bad:
        errors["roles"] = ("hr_people_bad_role", {"value": ", ".join(bad)})
    return roles


def _snapshot(person: Person, roles: set[str]) -> dict[str, object]:
    return {"name": person.name, "email": person.email, "locale": person.locale,
            "position": person.position, "department": person.department,
            "manager": person.manager_id, "hire_date": person.hire_date,
            "employment": person.employment, "time_zone": person.time_zone,
            "roles": sorted(roles)}
