"""A process only some people may start, for the catalogue's tests: the page, the API and
the service (:mod:`approvals.store.catalogue`)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals.definitions import load_file
from approvals.store import registry
from approvals.store.db import write_session
from approvals.store.models import Person, PersonRole

#: Started by accountants and by the legal department (as its Russian name is written, in
#: another letter case), listed under Finance.
RESTRICTED = """\
id: petty-cash
area: finance
name: {en: Petty cash advance, ru: Подотчётные средства}
description: {en: Cash for small purchases., ru: Наличные на мелкие покупки.}
starters:
  roles: [accounting]
  departments: [юридический отдел, legal]
fields:
  - {name: title, type: text, required: true, label: {en: Title, ru: Название}}
stages:
  - key: check
    name: {en: Check, ru: Проверка}
    assignees: [initiator]
    verdicts: [done]
"""


def add_process(engine: Engine, folder: Path, now: datetime, text: str = RESTRICTED) -> None:
    """Store ``text`` as a process file in ``folder`` (a version keeps its file's path) and
    sync it."""
    path = folder / "petty-cash.yaml"
    path.write_text(text, encoding="utf-8")
    with write_session(engine) as session:
        registry.sync(session, [load_file(path)], now)


def give_role(engine: Engine, email: str, role: str) -> None:
    with write_session(engine) as session:
        person = session.exec(select(Person).where(Person.email == email)).one()
        session.add(PersonRole(person_id=person.id, role=role))
