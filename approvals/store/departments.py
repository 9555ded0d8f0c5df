"""Departments as HR names them: their heads and the department above each.

A department exists by name: ``Person.department`` holds it, and a :class:`Department` row
adds its head (whom the ``department_head`` assignee names before anyone holding the role
``head``) and its parent. The CSV import (``signoff people departments FILE``, columns
``department,head_email,parent``) and the HR page both write the rows through here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlmodel import Session, select

from approvals.core.errors import ImportFailed
from approvals.store.directory import DEPARTMENTS_HEADER, ImportReport
from approvals.store.models import Department, Person


@dataclass(frozen=True)
class DepartmentView:
    """A department as the HR page lists it: its row (if any) and how many people are in it."""

    name: str
    head: Person | None
    parent: str
    members: int


def names(session: Session) -> list[str]:
    """Every department's name, each once (letter case aside), sorted: as its row spells it,
    else as most of its people do."""
    counts: dict[str, dict[str, int]] = {}
    for name in session.exec(select(Person.department)):
        if name and name.strip():
            spellings = counts.setdefault(name.strip().casefold(), {})
            spellings[name.strip()] = spellings.get(name.strip(), 0) + 1
    found = {key: min(spellings, key=lambda s: (-spellings[s], s))
             for key, spellings in counts.items()}
    for name in session.exec(select(Department.name)):
        found[name.strip().casefold()] = name.strip()
    return sorted(found.values(), key=str.casefold)


def canonical(session: Session, name: str) -> str:
    """``name`` spelled as the directory already spells it (letter case aside), or as given."""
    wanted = name.strip()
    return next((known for known in names(session)
                 if known.casefold() == wanted.casefold()), wanted)


def listing(session: Session) -> list[DepartmentView]:
    rows = {row.name.casefold(): row for row in session.exec(select(Department))}
    counts: dict[str, int] = {}
    for department in session.exec(select(Person.department).where(Person.active)):
        key = (department or "").strip().casefold()
        counts[key] = counts.get(key, 0) + 1
    views = []
    for name in names(session):
        row = rows.get(name.casefold())
        head = session.get(Person, row.head_id) if row and row.head_id else None
        views.append(DepartmentView(name, head, row.parent if row else "",
                                    counts.get(name.casefold(), 0)))
    return views


def row_of(session: Session, name: str) -> Department | None:
    wanted = name.strip().casefold()
    return next((row for row in session.exec(select(Department))
                 if row.name.strip().casefold() == wanted), None)


def parent_circle(parents: dict[str, str]) -> str | None:
    """A department whose chain of parents (casefolded name -> parent) comes back to itself;
    None when every chain reaches the top."""
    for start in parents:
        seen, current = set(), start
        while current:
            if current in seen:
                return start
            seen.add(current)
            current = parents.get(current, "")
    return None


def set_department(session: Session, name: str, head_id: int | None, parent: str) -> list[str]:
    """Name ``name``'s head and parent; the problems (nothing written) or none (written)."""
    name, parent = name.strip(), parent.strip()
    problems = []
    if parent and parent.casefold() == name.casefold():
        problems.append("a department cannot be its own parent")
    parents = {row.name.casefold(): row.parent.casefold()
               for row in session.exec(select(Department))}
    parents[name.casefold()] = parent.casefold()
    if not problems and parent_circle(parents) is not None:
        problems.append(f"the parents of {name} form a circle")
    if problems:
        return problems
    _write(session, name, head_id, parent)
    return []


def _write(session: Session, name: str, head_id: int | None, parent: str) -> bool:
    """Upsert the row; True when it is new."""
    row = row_of(session, name)
    created = row is None
    if row is None:
        row = Department(name=canonical(session, name))
    row.head_id, row.parent = head_id, canonical(session, parent) if parent else ""
    session.add(row)
    session.flush()
    return created


def import_departments(session: Session, text: str) -> ImportReport:
    """Name the heads and parents of departments from CSV text (``department,head_email,
    parent``); all rows or none, every bad row reported with its line number."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if header is None or [h.strip().lower() for h in header] != DEPARTMENTS_HEADER:
        raise ImportFailed("line 1: the header must be exactly: " + ",".join(DEPARTMENTS_HEADER))
    people = {email: pid for pid, email in session.exec(select(Person.id, Person.email))}
    known = {name.casefold() for name in names(session)}
    rows: list[tuple[int, str, int | None, str]] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(DEPARTMENTS_HEADER):
            errors.append(f"line {line}: expected {len(DEPARTMENTS_HEADER)} columns, found "
                          f"{len(values)}")
            continue
        name, email, parent = (v.strip() for v in values)
        email = email.lower()
        if not name:
            errors.append(f"line {line}: department is empty")
            continue
        if name.casefold() in seen:
            errors.append(f"line {line}: {name} already appears on line {seen[name.casefold()]}")
        seen.setdefault(name.casefold(), line)
        if email and email not in people:
            errors.append(f"line {line}: head_email {email} is not in the directory")
        if parent.casefold() == name.casefold():
            errors.append(f"line {line}: a department cannot be its own parent")
        rows.append((line, name, people.get(email), parent))
    known |= set(seen)
    for line, _name, _head, parent in rows:
        if parent and parent.casefold() not in known:
            errors.append(f"line {line}: parent {parent} is neither in this file nor a known "
                          "department")
    parents = {row.name.casefold(): row.parent.casefold()
               for row in session.exec(select(Department))}
    parents.update({name.casefold(): parent.casefold() for _l, name, _h, parent in rows})
    circle = parent_circle(parents) if not errors else None
    if circle is not None:
        spelled = {name.casefold(): name for _line, name, _head, _parent in rows}
        errors.append(f"line {seen.get(circle, 1)}: the parents of "
                      f"{spelled.get(circle, circle)} form a circle")
    if errors:
        raise ImportFailed("nothing was imported:\n" + "\n".join(errors))
    report = ImportReport()
    for _line, name, head, parent in rows:
        if _write(session, name, head, parent):
            report.created += 1
        else:
            report.updated += 1
    return report
