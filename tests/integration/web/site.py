"""A Signoff site for page tests: a migrated SQLite database, people with passwords, the
shipped processes plus ``every-field``, and a browser-like client that reads CSRF tokens from
the forms it is shown (CSRF protection stays on)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select
from werkzeug.test import TestResponse

from approvals.store import registry
from approvals.store.db import read_session, upgrade, write_session
from approvals.store.directory import import_people, set_password
from approvals.store.models import AuditEvent, Instance, Person, Task
from web import create_app

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
PROCESSES = Path(__file__).with_name("processes")

PEOPLE = """\
email,name,locale,manager_email,department,roles,aliases
ivan@example.com,Ivan Initiator,en,,Sales,,
olga@example.com,Ольга Петрова,ru,,Юридический отдел,,
anna@example.com,Anna Approver,en,,Legal,,
boris@example.com,Борис Согласующий,ru,,Finance,,
oscar@example.com,Oscar Outsider,en,,Warehouse,,
ada@example.com,Ada Admin,en,,IT,admin,
"""

#: Short names the tests use for the people above.
WHO = {"ivan": "ivan@example.com", "olga": "olga@example.com", "anna": "anna@example.com",
       "boris": "boris@example.com", "oscar": "oscar@example.com", "ada": "ada@example.com"}


def build_app(tmp_path: Path, config: dict[str, Any] | None = None) -> Flask:
    """A fresh app on an SQLite file in ``tmp_path``, with people and processes loaded."""
    url = f"sqlite:///{tmp_path / 'signoff.db'}"
    upgrade(url)
    app = create_app({"TESTING": True, "DATABASE_URL": url,
                      # failed logins are counted in the session's Redis: a key space per site
                      "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}", **(config or {})})
    engine = app.extensions["signoff.db"]
    with write_session(engine) as session:
        import_people(session, PEOPLE)
        for person in session.exec(select(Person)).all():
            set_password(person, PASSWORD)
            session.add(person)
        processes, _errors = registry.load_all([*registry.process_dirs(), PROCESSES])
        assert {"contract-approval", "every-field"} <= {p.id for p in processes}
        registry.sync(session, processes, NOW)
    return app


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


@dataclass
class Browser:
    """A test client used the way a person uses the site: every POST carries the CSRF token
    of the page it was made from."""

    client: FlaskClient

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(path, **kwargs)

    def submit(self, page: str, action: str, data: dict[str, Any],
               **kwargs: Any) -> TestResponse:
        """Open ``page``, take its CSRF token, and POST ``data`` to ``action``."""
        shown = self.client.get(page)
        assert shown.status_code == 200, shown.status_code
        return self.client.post(action, data={**data, "csrf_token": csrf_token(shown.text)},
                                **kwargs)

    def login(self, who: str, password: str = PASSWORD) -> TestResponse:
        return self.submit("/login", "/login", {"email": WHO.get(who, who),
                                                "password": password})

    def logout(self) -> TestResponse:
        return self.submit("/", "/logout", {})


def ids(app: Flask) -> dict[str, int]:
    with read_session(app.extensions["signoff.db"]) as session:
        by_email = dict(session.exec(select(Person.email, Person.id)).all())
    return {name: by_email[email] for name, email in WHO.items()}


def audit_head(app: Flask, instance_id: int) -> tuple[int, str]:
    with read_session(app.extensions["signoff.db"]) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                             .order_by(AuditEvent.seq.desc())).first()
        return event.seq, event.hash


def instance_row(app: Flask, instance_id: int) -> Instance:
    with read_session(app.extensions["signoff.db"]) as session:
        return session.get(Instance, instance_id)


def open_task(app: Flask, instance_id: int, who: str) -> int:
    person = ids(app)[who]
    with read_session(app.extensions["signoff.db"]) as session:
        return session.exec(select(Task.id).where(
            Task.instance_id == instance_id, Task.assignee_id == person,
            Task.state == "open")).one()


def count(app: Flask, model: type) -> int:
    with read_session(app.extensions["signoff.db"]) as session:
        return len(session.exec(select(model)).all())
