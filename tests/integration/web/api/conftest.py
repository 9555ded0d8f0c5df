"""Fixtures for the JSON API: a fresh database and app per test, people with tokens.

``app`` upgrades a SQLite database in ``tmp_path`` (or, for tests parametrized with
``database_url``, a fresh PostgreSQL database), imports a small directory, loads the
shipped processes and issues one API token per person. The app's ``kick`` reaches a real
(embedded) Redis through the session ``redis_url``; no worker runs, so outbox rows stay pending.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url
from sqlmodel import select
from werkzeug.test import TestResponse

from approvals.clock import utcnow
from approvals.store import registry
from approvals.store.db import read_session, upgrade, write_session
from approvals.store.directory import import_people, issue_token
from approvals.store.models import Person
from web import create_app

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

PEOPLE = """\
email,name,locale,manager_email,department,roles,aliases
ivan@example.com,Ivan Initiator,en,,Sales,,
anna@example.com,Anna Approver,en,,Legal,wholesaler,
boris@example.com,Boris Approver,en,,Finance,sales_head,
clara@example.com,Clara Approver,en,,Management,lead_dispatcher,
oscar@example.com,Oscar Outsider,en,,Warehouse,,
ada@example.com,Ada Admin,en,,IT,admin,
audrey@example.com,Audrey Auditor,en,,Audit,auditor,
"""

#: Short names the tests use for the people above.
WHO = {"initiator": "ivan@example.com", "anna": "anna@example.com",
       "boris": "boris@example.com", "clara": "clara@example.com",
       "outsider": "oscar@example.com", "admin": "ada@example.com",
       "auditor": "audrey@example.com"}
APPROVERS = ("anna", "boris", "clara")


def file_value(filename: str, content: bytes) -> dict[str, str]:
    return {"filename": filename, "content_base64": base64.b64encode(content).decode("ascii"),
            "content_type": "application/pdf"}


def contract_fields(**changes: Any) -> dict[str, Any]:
    fields = {"title": "Supply contract 42", "counterparty": "Acme LLC", "amount": "150000",
              "contract": file_value("contract-v1.pdf", b"%PDF-1.4 version one"),
              "approvers": [WHO[name] for name in APPROVERS]}
    fields.update(changes)
    return fields


@dataclass
class Api:
    """A test client that speaks as one of the people in :data:`WHO`."""

    client: FlaskClient
    tokens: dict[str, str]

    def headers(self, who: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}

    def get(self, who: str | None, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(path, headers=self.headers(who), **kwargs)

    def post(self, who: str | None, path: str, body: Any = None, **kwargs: Any) -> TestResponse:
        if body is not None:
            kwargs["json"] = body
        return self.client.post(path, headers=self.headers(who), **kwargs)

    def start(self, who: str = "initiator", **changes: Any) -> dict[str, Any]:
        response = self.post(who, "/api/instances", {"process": "contract-approval",
                                                     "fields": contract_fields(**changes)})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def open_task(self, who: str, instance_id: int) -> dict[str, Any]:
        response = self.get(who, "/api/tasks?assignee=me")
        assert response.status_code == 200, response.get_json()
        tasks = [t for t in response.get_json()["tasks"] if t["instance_id"] == instance_id]
        assert len(tasks) == 1, tasks
        return tasks[0]

    def decide(self, who: str, task_id: int, verdict: str, comment: str = "") -> TestResponse:
        return self.post(who, f"/api/tasks/{task_id}/decision",
                         {"verdict": verdict, "comment": comment})


@pytest.fixture
def database_url(request, tmp_path) -> Iterator[str]:
    """SQLite in ``tmp_path``; a test parametrized ``indirect`` with "postgresql" gets a fresh
    database in the session's throwaway PostgreSQL cluster instead."""
    if getattr(request, "param", "sqlite") == "sqlite":
        yield f"sqlite:///{tmp_path}/t.db"
        return
    server = make_url(request.getfixturevalue("postgres_url"))
    name = f"api_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(host=server.host, port=server.port, user=server.username,
                         dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield server.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(host=server.host, port=server.port, user=server.username,
                         dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def app(tmp_path, monkeypatch, redis_url: str, app_broker, database_url: str) -> Iterator[Flask]:
    monkeypatch.setenv("SIGNOFF_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("REDIS_URL", redis_url)
    url = database_url
    upgrade(url)
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    engine = app.extensions["signoff.db"]
    with write_session(engine) as session:
        import_people(session, PEOPLE)
        processes, _errors = registry.load_all()  # a broken file elsewhere is not our concern
        assert "contract-approval" in {p.id for p in processes}
        registry.sync(session, processes, NOW)
        people = {p.email: p for p in session.exec(select(Person)).all()}
        # tokens expire, and the API judges them by the real clock: made now, not at NOW
        app.config["API_TOKENS"] = {name: issue_token(session, people[email], utcnow())
                                    for name, email in WHO.items()}
    yield app
    engine.dispose()


@pytest.fixture
def api(app: Flask) -> Api:
    return Api(app.test_client(), app.config["API_TOKENS"])


@pytest.fixture
def person_ids(app: Flask) -> dict[str, int]:
    with read_session(app.extensions["signoff.db"]) as session:
        ids = dict(session.exec(select(Person.email, Person.id)).all())
    return {name: ids[email] for name, email in WHO.items()}
