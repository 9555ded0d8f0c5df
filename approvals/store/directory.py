"""People: the directory the engine resolves assignees in, the CSV import, passwords and API
tokens."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, inspect
from sqlalchemy.engine import Connection
from sqlmodel import Session, select

from approvals.core.directory import EMPLOYMENT, WORKING, active_for
from approvals.core.errors import ImportFailed, NotFound
from approvals.core.model import LOCALES
from approvals.store.models import (
    ApiToken,
    Department,
    Deputy,
    Person,
    PersonAlias,
    PersonRole,
)
from approvals.store.statements import Prepared

HEADER = ["email", "name", "locale", "manager_email", "department", "roles", "aliases"]
#: Columns a people CSV may add after :data:`HEADER`, any of them in any order (a file without
#: them is read as before, and leaves these values of the people it updates as they were).
EXTRA = ["hire_date", "position", "employment", "time_zone"]
DEPARTMENTS_HEADER = ["department", "head_email", "parent"]
_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
_ROLE = re.compile(r"^[a-z][a-z0-9_-]*$")
_hasher = PasswordHasher()


_PEOPLE, _ROLES = Person.__table__, PersonRole.__table__
_MANAGERS = _PEOPLE.alias("manager")
# the engine's lookups, on the driver's cursor in a command (approvals.store.statements)
_BY_EMAIL = Prepared(select(_PEOPLE.c.id, _PEOPLE.c.active)
                     .where(_PEOPLE.c.email == bindparam("email")))
_MANAGER = Prepared(select(_MANAGERS.c.id, _MANAGERS.c.active)
                    .join_from(_PEOPLE, _MANAGERS, _MANAGERS.c.id == _PEOPLE.c.manager_id)
                    .where(_PEOPLE.c.id == bindparam("id")))
_ACTIVE = Prepared(select(_PEOPLE.c.active).where(_PEOPLE.c.id == bindparam("id")))
_WITH_ROLE = Prepared(select(_ROLES.c.person_id, _PEOPLE.c.active)
                      .join_from(_ROLES, _PEOPLE, _PEOPLE.c.id == _ROLES.c.person_id)
                      .where(_ROLES.c.role == bindparam("role")).order_by(_ROLES.c.person_id))
_DEPARTMENTS = select(_PEOPLE.c.department).distinct()
_IN_DEPARTMENT = select(_PEOPLE.c.id, _PEOPLE.c.active) \
    .where(_PEOPLE.c.department.in_(bindparam("spellings", expanding=True))) \
    .order_by(_PEOPLE.c.id)
_DEPUTIES = Deputy.__table__
_DEPUTY = Prepared(select(_DEPUTIES.c.deputy_id).where(
    _DEPUTIES.c.person_id == bindparam("id"), _DEPUTIES.c.cancelled_at.is_(None),
    _DEPUTIES.c.starts_on <= bindparam("day"), _DEPUTIES.c.ends_on >= bindparam("day"))
    .order_by(_DEPUTIES.c.id.desc()).limit(1))


class DbDirectory:
    """The engine's :class:`~approvals.core.directory.Directory`, read from the database through a
    session or a Core connection.

    It lives for one command (one transaction): whether a person is active is read along with
    the lookup that found them, and remembered."""

    def __init__(self, session: Session | Connection) -> None:
        self.session = session
        self._by_email: dict[str, int | None] = {}
        self._active: dict[int, bool] = {}
        self._deputies: dict[tuple[int, date], int | None] = {}

    def person_id(self, email: str) -> int | None:
        email = email.strip().lower()
        if email not in self._by_email:
            row = _BY_EMAIL.execute(self.session, {"email": email}).first()
            self._by_email[email] = self._found(row)
        return self._by_email[email]

    def manager_of(self, person_id: int) -> int | None:
        return self._found(_MANAGER.execute(self.session, {"id": person_id}).first())

    def is_active(self, person_id: int) -> bool:
        if person_id not in self._active:
            self._active[person_id] = bool(_ACTIVE.execute(
                self.session, {"id": person_id}).scalar())
        return self._active[person_id]

    def with_role(self, role: str) -> list[int]:
        return [self._found(row) for row in _WITH_ROLE.execute(self.session, {"role": role})]

    def department_of(self, person_id: int) -> str:
        return self.session.execute(select(Person.department).where(
            Person.id == person_id)).scalar() or ""

    def head_of(self, department: str) -> int | None:
        """The head named on ``department``'s :class:`Department` row (letter case aside, as
        :meth:`in_department`), or None."""
        wanted = department.strip().casefold()
        for name, head in self.session.execute(
                select(Department.name, Department.head_id)
                .where(Department.head_id.is_not(None))):
            if name.strip().casefold() == wanted:
                return head
        return None

    def in_department(self, department: str) -> list[int]:
        """Everyone whose department is ``department`` (letter case aside, in any alphabet:
        the databases' lower() folds only ASCII, so the stored spellings that match are found
        here, among the few departments there are, and then their people)."""
        wanted = department.strip().casefold()
        spellings = [name for name in self.session.execute(_DEPARTMENTS).scalars()
                     if name is not None and name.strip().casefold() == wanted]
        if not wanted or not spellings:
            return []
        return [self._found(row) for row in self.session.execute(
            _IN_DEPARTMENT, {"spellings": spellings})]

    def deputy_of(self, person_id: int, day: date) -> int | None:
        """The deputy ``person_id`` named for ``day`` (a :class:`Deputy` range in force that
        holds it), or None."""
        key = (person_id, day)
        if key not in self._deputies:
            self._deputies[key] = _DEPUTY.execute(
                self.session, {"id": person_id, "day": day}).scalar()
        return self._deputies[key]

    def _found(self, row) -> int | None:
        if row is None:
            return None
        self._active[row[0]] = bool(row[1])
        return row[0]


class People:
    """People by id and by email, each looked up once: a view or a page names many people and
    reads them in one query per batch (:meth:`load`), anyone else on first use."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._by_id: dict[int, Person | None] = {}
        self._by_email: dict[str, Person | None] = {}

    def load(self, ids: Iterable[Any] = (), emails: Iterable[Any] = ()) -> None:
        wanted = {i for i in ids if isinstance(i, int) and i not in self._by_id}
        if wanted:
            self._keep(self.session.exec(select(Person).where(Person.id.in_(wanted))))
        addresses = {e for e in emails if isinstance(e, str) and e not in self._by_email}
        if addresses:
            self._keep(self.session.exec(select(Person).where(Person.email.in_(addresses))))

    def _keep(self, people: Iterable[Person]) -> None:
        for person in people:
            self._by_id[person.id] = person
            self._by_email[person.email] = person

    def get(self, person_id: int | None) -> Person | None:
        if not isinstance(person_id, int):
            return None
        if person_id not in self._by_id:
            self._by_id[person_id] = self.session.get(Person, person_id)
        return self._by_id[person_id]

    def with_email(self, email: str) -> Person | None:
        if email not in self._by_email:
            self._by_email[email] = self.session.exec(
                select(Person).where(Person.email == email)).first()
        return self._by_email[email]

    def known(self) -> list[Person]:
        """Everyone looked up so far."""
        return list({p.id: p for p in self._by_id.values() if p is not None}.values())


def find_person(session: Session, email: str) -> Person:
    """The person whose address or alias is ``email``."""
    email = email.strip().lower()
    person = session.exec(select(Person).where(Person.email == email)).first()
    if person is None:
        alias = session.get(PersonAlias, email)
        person = session.get(Person, alias.person_id) if alias else None
    if person is None:
        raise NotFound(f"no person with the address {email}", email=email)
    return person


_ROLES_OF = Prepared(select(PersonRole.role).where(PersonRole.person_id == bindparam("person_id")))


def roles_of(session: Session | Connection, person_id: int) -> set[str]:
    return set(_ROLES_OF.execute(session, {"person_id": person_id}).scalars())


# ---------------------------------------------------------------------------- CSV import


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class _Row:
    line: int
    email: str
    name: str
    locale: str
    manager_email: str
    department: str
    roles: list[str]
    aliases: list[str]
    extra: dict[str, str] = field(default_factory=dict)  # the EXTRA columns the file has


def parse_day(text: str) -> date:
    """A day written ``YYYY-MM-DD`` or ``DD.MM.YYYY`` (as Russian documents write it); a
    ValueError otherwise."""
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date (YYYY-MM-DD or DD.MM.YYYY)")


def is_time_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone this machine knows (``Europe/Moscow``)."""
    if not name or name != name.strip() or name.startswith("/") or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _columns(header: list[str] | None) -> list[str]:
    """The file's columns: :data:`HEADER` first, then any of :data:`EXTRA` once each."""
    names = [h.strip().lower() for h in header or []]
    if names[:len(HEADER)] != HEADER:
        raise ImportFailed("line 1: the header must begin with exactly: " + ",".join(HEADER)
                           + " (then, optionally, any of: " + ",".join(EXTRA) + ")")
    problems = [f"unknown column {name!r}" for name in names[len(HEADER):]
                if name not in EXTRA]
    problems += [f"column {name!r} appears twice" for name in EXTRA if names.count(name) > 1]
    if problems:
        raise ImportFailed("line 1: " + "; ".join(problems) + " (the optional columns are: "
                           + ",".join(EXTRA) + ")")
    return names


def import_people(session: Session, text: str) -> ImportReport:
    """Create or update people from CSV text; all rows or none.

    Every bad row is reported with its line number in one :class:`ImportFailed`, and nothing is
    written. Importing the same file again updates the people in it. The columns of
    :data:`EXTRA` a file has set those values (an empty cell clears one; an empty employment
    is ``active``); a file without them leaves them as they were, and (as before they
    existed) makes a dismissed or starting person active again.
    """
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    rows: list[_Row] = []
    errors: list[str] = []
    columns = _columns(next(reader, None))
    seen: dict[str, int] = {}
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(columns):
            errors.append(f"line {line}: expected {len(columns)} columns, found {len(values)}")
            continue
        row = _Row(line, *[v.strip() for v in values[:5]],
                   roles=_split(values[5]), aliases=[a.lower() for a in _split(values[6])],
                   extra={name: value.strip() for name, value in
                          zip(columns[len(HEADER):], values[len(HEADER):], strict=True)})
        row.email, row.manager_email = row.email.lower(), row.manager_email.lower()
        problems = _check(row, seen) + _check_extra(row.extra)
        errors.extend(f"line {line}: {p}" for p in problems)
        seen.setdefault(row.email, line)
        rows.append(row)
    existing = {p.email: p for p in session.exec(select(Person)).all()}
    known = set(existing) | {r.email for r in rows}
    for row in rows:
        if row.manager_email and row.manager_email not in known:
            errors.append(f"line {row.line}: manager_email {row.manager_email} is neither in "
                          "this file nor in the directory")
    errors.extend(_alias_conflicts(session, rows))
    if errors:
        raise ImportFailed("nothing was imported:\n" + "\n".join(errors))
    report = ImportReport()
    people = dict(existing)
    for row in rows:
        person = people.get(row.email)
        if person is None:
            person = Person(email=row.email, name=row.name)
            report.created += 1
        else:
            report.updated += 1
        person.name, person.locale, person.department = row.name, row.locale, row.department
        _apply_extra(person, row.extra)
        session.add(person)
        people[row.email] = person
    session.flush()
    for row in rows:
        person = people[row.email]
        person.manager_id = people[row.manager_email].id if row.manager_email else None
        for old in session.exec(select(PersonRole).where(PersonRole.person_id == person.id)):
            session.delete(old)
        for old in session.exec(select(PersonAlias).where(PersonAlias.person_id == person.id)):
            session.delete(old)
    session.flush()
    for row in rows:
        person = people[row.email]
        session.add_all(PersonRole(person_id=person.id, role=r) for r in row.roles)
        session.add_all(PersonAlias(email=a, person_id=person.id) for a in row.aliases)
    session.flush()
    _check_manager_cycles(session)
    return report


def _check_extra(extra: dict[str, str]) -> list[str]:
    problems = []
    if extra.get("hire_date"):
        try:
            parse_day(extra["hire_date"])
        except ValueError as error:
            problems.append(f"hire_date {error}")
    if extra.get("employment") and extra["employment"] not in EMPLOYMENT:
        problems.append(f"employment {extra['employment']!r} must be one of "
                        f"{', '.join(EMPLOYMENT)}")
    if extra.get("time_zone") and not is_time_zone(extra["time_zone"]):
        problems.append(f"time_zone {extra['time_zone']!r} is not an IANA time zone "
                        "(e.g. Europe/Moscow)")
    if len(extra.get("position", "")) > 200:
        problems.append("position is longer than 200 characters")
    return problems


def _apply_extra(person: Person, extra: dict[str, str]) -> None:
    """Set what the file's optional columns say, and keep ``active`` true to the status."""
    if "hire_date" in extra:
        person.hire_date = parse_day(extra["hire_date"]) if extra["hire_date"] else None
    if "position" in extra:
        person.position = extra["position"]
    if "time_zone" in extra:
        person.time_zone = extra["time_zone"]
    if "employment" in extra:
        person.employment = extra["employment"] or "active"
    elif (person.employment or "active") not in WORKING:
        person.employment = "active"  # a file without the column activates, as it always did
    person.employment = person.employment or "active"
    person.active = active_for(person.employment)


def _split(value: str) -> list[str]:
    items: list[str] = []
    for item in value.split(";"):
        item = item.strip()
        if item and item not in items:
            items.append(item)
    return items


def _check(row: _Row, seen: dict[str, int]) -> list[str]:
    problems = []
    if not _EMAIL.match(row.email):
        problems.append(f"email {row.email!r} is not an email address")
    elif row.email in seen:
        problems.append(f"{row.email} already appears on line {seen[row.email]}")
    if not row.name:
        problems.append("name is empty")
    if row.locale not in LOCALES:
        problems.append(f"locale {row.locale!r} must be one of {', '.join(LOCALES)}")
    if row.manager_email and not _EMAIL.match(row.manager_email):
        problems.append(f"manager_email {row.manager_email!r} is not an email address")
    if row.manager_email == row.email:
        problems.append("a person cannot be their own manager")
    for role in row.roles:
        if not _ROLE.match(role):
            problems.append(f"role {role!r} must be lowercase letters, digits, - or _")
    for alias in row.aliases:
        if not _EMAIL.match(alias):
            problems.append(f"alias {alias!r} is not an email address")
        elif alias == row.email:
            problems.append(f"alias {alias} is the person's own address")
    return problems


def _alias_conflicts(session: Session, rows: list[_Row]) -> list[str]:
    errors = []
    emails = {r.email for r in rows} | set(session.exec(select(Person.email)))
    owners: dict[str, str] = {}
    for alias in session.exec(select(PersonAlias)).all():
        owner = session.get(Person, alias.person_id)
        owners[alias.email] = owner.email if owner else ""
    reassigned = {r.email for r in rows}
    owners = {a: o for a, o in owners.items() if o not in reassigned}
    for row in rows:
        for alias in row.aliases:
            if alias in emails:
                errors.append(f"line {row.line}: alias {alias} is another person's address")
            elif owners.get(alias, row.email) != row.email:
                errors.append(f"line {row.line}: alias {alias} already belongs to "
                              f"{owners[alias]}")
            owners[alias] = row.email
    return errors


def manager_circle(managers: dict[int, int | None]) -> int | None:
    """Someone whose chain of managers (``managers``: person -> manager) comes back to itself,
    or None when every chain ends at its top: a circle would leave its people no manager to
    escalate to, and walks of the chain without end."""
    for start in managers:
        seen, person = set(), start
        while person is not None:
            if person in seen:
                return start
            seen.add(person)
            person = managers.get(person)
    return None


def managers_map(session: Session | Connection) -> dict[int, int | None]:
    """Everyone's manager, by id."""
    return dict(session.execute(select(Person.id, Person.manager_id)).all())


def _check_manager_cycles(session: Session) -> None:
    start = manager_circle(managers_map(session))
    if start is not None:
        email = session.execute(select(Person.email).where(Person.id == start)).scalar()
        raise ImportFailed(f"nothing was imported: the managers of {email} form a circle")


# ---------------------------------------------------------------------------- credentials


def set_password(person: Person, password: str) -> None:
    """Set ``person``'s password and end every session they have (see :func:`end_sessions`)."""
    person.password_hash = _hasher.hash(password)
    end_sessions(person)


def end_sessions(person: Person) -> None:
    """Log ``person`` out everywhere: a session cookie carries the session version it was made
    under, and the pages refuse one made under an older version."""
    person.session_version = (person.session_version or 0) + 1


def check_password(person: Person | None, password: str) -> bool:
    if person is None or not person.password_hash or not person.active:
        _hasher.hash(password)  # same cost whether or not the person exists
        return False
    try:
        return _hasher.verify(person.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


#: How long a new API token works unless its maker says otherwise, and the longest it may.
TOKEN_DAYS = 90
TOKEN_MAX_DAYS = 366
TOKEN_LABEL_MAX = 100
#: The last use of a token is written at most this often (not on every request).
TOKEN_USE_GRANULARITY = timedelta(minutes=5)


def issue_token(session: Session, person: Person, now: datetime, *, days: int = TOKEN_DAYS,
                label: str = "") -> str:
    """Create an API token for ``person`` that works for ``days`` days; only its hash is
    stored, so the returned token is shown once and never again."""
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise ValueError(f"a token works for 1 to {TOKEN_MAX_DAYS} days, not {days}")
    label = " ".join(label.split())
    if len(label) > TOKEN_LABEL_MAX:
        raise ValueError(f"a token's label is at most {TOKEN_LABEL_MAX} characters")
    token = "so_" + secrets.token_urlsafe(32)
    session.add(ApiToken(person_id=person.id, token_hash=token_digest(token), label=label,
                         created_at=now, expires_at=now + timedelta(days=days)))
    return token


def token_expires_at(row: ApiToken) -> datetime:
    """When ``row`` stops working; a token made before tokens had an expiry gets the default
    one, counted from its creation."""
    return row.expires_at or row.created_at + timedelta(days=TOKEN_DAYS)


def token_state(row: ApiToken, now: datetime) -> str:
    """``active``, ``expired`` or ``revoked``."""
    if row.revoked_at is not None:
        return "revoked"
    return "expired" if token_expires_at(row) <= now else "active"


@dataclass(frozen=True)
class TokenCheck:
    """What a presented token turned out to be: ``state`` is ``active`` (``person`` holds it),
    ``unknown``, ``revoked``, ``expired`` or ``inactive`` (its holder was deactivated)."""

    state: str
    person: Person | None = None
    token: ApiToken | None = None


_TOKENS, _PEOPLE = ApiToken.__table__, Person.__table__
# Built once: every API request asks, and building the statement cost more than running it.
_TOKEN_HOLDER = Prepared(select(_TOKENS, _PEOPLE).select_from(
    _TOKENS.outerjoin(_PEOPLE, _PEOPLE.c.id == _TOKENS.c.person_id))
    .where(_TOKENS.c.token_hash == bindparam("token_hash")))


def person_for_token(session: Session | Connection, token: str, now: datetime) -> TokenCheck:
    """Who holds ``token`` at ``now``, or why nobody does: one prebuilt statement, on a
    session or a plain connection (the API's edge reads no more than this)."""
    found = _TOKEN_HOLDER.execute(session, {"token_hash": token_digest(token)}).first()
    if found is None:
        return TokenCheck("unknown")
    split = len(_TOKENS.c)
    row = _as_loaded(ApiToken, dict(zip(_TOKENS.c.keys(), found[:split], strict=True)))
    state = token_state(row, now)
    if state != "active":
        return TokenCheck(state, token=row)
    person = dict(zip(_PEOPLE.c.keys(), found[split:], strict=True))
    if person["id"] is None or not person["active"]:
        return TokenCheck("inactive", token=row)
    return TokenCheck("active", _as_loaded(Person, person), row)


def _as_loaded(model: type, values: dict[str, Any]) -> Any:
    """A ``model`` entity holding ``values`` (every column of a row), built as the ORM builds
    the entities it loads: the mapper's ``new_instance``, the values in its ``__dict__``.

    ``model(**values)`` runs SQLModel's constructor — every field set through SQLAlchemy's
    instrumentation and pydantic, ~40-60 µs for a person — on every API request; this is ~2 µs.
    The entity is transient (in no session) either way and reads the same."""
    entity = inspect(model).class_manager.new_instance()
    entity.__dict__.update(values)
    return entity


def token_use_due(token: ApiToken, now: datetime) -> bool:
    """Whether a use of ``token`` at ``now`` is worth writing down: its last recorded use is
    older than :data:`TOKEN_USE_GRANULARITY` (a busy client does not write on every request)."""
    return token.last_used_at is None or token.last_used_at <= now - TOKEN_USE_GRANULARITY


def record_token_use(session: Session | Connection, token_id: int, now: datetime) -> None:
    """Write down that token ``token_id`` was used at ``now`` (two requests racing write it
    once)."""
    table = ApiToken.__table__
    session.execute(table.update().where(
        table.c.id == token_id,
        table.c.last_used_at.is_(None) | (table.c.last_used_at <= now - TOKEN_USE_GRANULARITY),
    ).values(last_used_at=now))


def tokens_of(session: Session, person_id: int) -> list[ApiToken]:
    """A person's tokens, newest first."""
    return list(session.exec(select(ApiToken).where(ApiToken.person_id == person_id)
                             .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def live_tokens(session: Session, now: datetime, limit: int = 500) -> list[ApiToken]:
    """Everyone's tokens that still work (neither revoked nor expired), newest first."""
    unexpired = (ApiToken.expires_at.is_not(None) & (ApiToken.expires_at > now)) | (
        ApiToken.expires_at.is_(None) & (ApiToken.created_at > now - timedelta(days=TOKEN_DAYS)))
    return list(session.exec(select(ApiToken).where(ApiToken.revoked_at.is_(None), unexpired)
                             .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
                             .limit(limit)))


def revoke_token(session: Session, token_id: int, now: datetime) -> ApiToken:
    """Revoke token ``token_id`` from ``now`` on (revoking it again changes nothing)."""
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(f"no API token with the id {token_id}", token_id=token_id)
    if row.revoked_at is None:
        row.revoked_at = now
        session.add(row)
    return row
