"""What the people processes' tests share (business trip, dismissal, hiring): a small company
— an employee and their manager, a successor, HR, IT, an accountant, an administrator — with
the shipped processes loaded, its JSON API with a token each (the tests speak through
:mod:`tests.integration.hr.api_flows`). Import the fixtures ``app`` and ``api`` into the
test module."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals.clock import utcnow
from approvals.store import registry
from approvals.store.db import upgrade, write_session
from approvals.store.directory import import_people, issue_token
from approvals.store.models import Person
from tests.integration.web.api.conftest import Api
from web import create_app

PEOPLE = """\
email,name,locale,manager_email,department,roles,aliases
irina@example.com,Ирина Директор,ru,,Management,,
petr@example.com,Пётр Руководитель,ru,irina@example.com,Sales,,
ivan@example.com,Иван Сотрудник,ru,petr@example.com,Sales,,
sofia@example.com,Софья Преемник,ru,petr@example.com,Sales,,
hanna@example.com,Hanna HR,en,irina@example.com,HR,hr,
igor@example.com,Игорь Айти,ru,irina@example.com,IT,it,
maria@example.com,Мария Бухгалтер,ru,irina@example.com,Finance,accounting,
ada@example.com,Ada Admin,en,,IT,admin,
"""
WHO = {"director": "irina@example.com", "manager": "petr@example.com",
       "employee": "ivan@example.com", "successor": "sofia@example.com",
       "hr": "hanna@example.com", "it": "igor@example.com", "accountant": "maria@example.com",
       "admin": "ada@example.com"}


def db(app: Flask) -> Engine:
    return app.extensions["signoff.db"]


def today() -> date:
    return utcnow().date()


def days(n: int) -> str:
    return (today() + timedelta(days=n)).isoformat()


@pytest.fixture
def app(tmp_path, monkeypatch, redis_url: str, app_broker) -> Iterator[Flask]:
    monkeypatch.setenv("SIGNOFF_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("REDIS_URL", redis_url)
    url = f"sqlite:///{tmp_path}/people.db"
    upgrade(url)
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    engine = app.extensions["signoff.db"]
    with write_session(engine) as session:
        import_people(session, PEOPLE)
        processes, errors = registry.load_all()
        assert {"business-trip", "dismissal", "hiring"} <= {p.id for p in processes}, errors
        registry.sync(session, processes, utcnow())
        people = {p.email: p for p in session.exec(select(Person)).all()}
        app.config["API_TOKENS"] = {name: issue_token(session, people[email], utcnow())
                                    for name, email in WHO.items()}
        app.config["IDS"] = {name: people[email].id for name, email in WHO.items()}
    yield app
    engine.dispose()


@pytest.fixture
def api(app: Flask) -> Api:
    return Api(app.test_client(), app.config["API_TOKENS"])
