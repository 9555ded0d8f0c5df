"""What the leave processes' tests share (vacation, sick leave, time off): a small company on
15 April 2026 — before the May holidays — with its director (no manager), the head of Sales
and a team lead under her, employees hired long ago and lately, HR, accounting, the person
who approves the leave of whoever has no manager (role ``leave_approver``), an administrator;
the shipped processes loaded; its JSON API with a token each, answering at that day
(``web.api.utcnow`` is the test's clock). Import the fixtures ``app`` and ``api`` into the
test module."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals.clock import utcnow
from approvals.store import notices as notices_store
from approvals.store import registry
from approvals.store.db import upgrade, write_connection, write_session
from approvals.store.directory import import_people, issue_token
from approvals.store.models import Person
from hr import ledger
from tests.integration.flows import sent_notices
from tests.integration.web.api.conftest import Api
from web import create_app

NOW = datetime(2026, 4, 15, 9, 0, tzinfo=UTC)
PEOPLE = """\
email,name,locale,manager_email,department,roles,aliases
dina@example.com,Дина Директор,ru,,Management,,
olga@example.com,Ольга Начальник,ru,dina@example.com,Sales,head,
petr@example.com,Пётр Руководитель,ru,olga@example.com,Sales,,
anna@example.com,Анна Петрова,ru,petr@example.com,Sales,,
nina@example.com,Nina Newcomer,en,petr@example.com,Sales,,
lev@example.com,Лев Заместитель,ru,dina@example.com,Management,leave_approver,
hanna@example.com,Hanna HR,en,dina@example.com,HR,hr,
maria@example.com,Мария Бухгалтер,ru,dina@example.com,Finance,accounting,
ada@example.com,Ada Admin,en,,IT,admin,
"""
WHO = {"director": "dina@example.com", "head": "olga@example.com",
       "manager": "petr@example.com", "employee": "anna@example.com",
       "newcomer": "nina@example.com", "approver": "lev@example.com",
       "hr": "hanna@example.com", "accountant": "maria@example.com", "admin": "ada@example.com"}
#: who has worked here how long: the leave they have earned by NOW follows from it
HIRED = {"employee": date(2024, 1, 10), "director": date(2020, 3, 1),
         "manager": date(2023, 6, 1), "newcomer": date(2026, 3, 1)}


def db(app: Flask) -> Engine:
    return app.extensions["signoff.db"]


@pytest.fixture
def app(tmp_path, monkeypatch, redis_url: str, app_broker) -> Iterator[Flask]:
    monkeypatch.setenv("SIGNOFF_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setattr("web.api.utcnow", lambda: NOW)
    url = f"sqlite:///{tmp_path}/leave.db"
    upgrade(url)
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    engine = app.extensions["signoff.db"]
    with write_session(engine) as session:
        import_people(session, PEOPLE)
        processes, errors = registry.load_all()
        assert {"vacation", "sick-leave", "time-off"} <= {p.id for p in processes}, errors
        registry.sync(session, processes, NOW)
        people = {p.email: p for p in session.exec(select(Person)).all()}
        # tokens are judged by the real clock when they are made: made now, not at NOW
        app.config["API_TOKENS"] = {name: issue_token(session, people[email], utcnow())
                                    for name, email in WHO.items()}
        app.config["IDS"] = {name: people[email].id for name, email in WHO.items()}
    with write_connection(engine) as conn:
        for who, day in HIRED.items():
            conn.execute(update(Person.__table__).where(
                Person.__table__.c.id == app.config["IDS"][who]).values(hire_date=day))
    yield app
    engine.dispose()


@pytest.fixture
def api(app: Flask) -> Api:
    return Api(app.test_client(), app.config["API_TOKENS"])


def person(app: Flask, who: str) -> int:
    return app.config["IDS"][who]


def notices(app: Flask, instance_id: int, template: str = "process_notice"
            ) -> list[tuple[int, dict]]:
    """(person, params) of every notification of ``template`` the instance sent; a process's
    notice to its initiator on completion is told in the one completion notice, held for the
    signed trail (``sent_notices``)."""
    return [(sent["person"], sent["params"]) for sent in sent_notices(db(app), instance_id)
            if sent["template"] == template or (
                template == "process_notice" and sent["template"] in notices_store.COMPLETION
                and "message" in sent["params"])]


def balance(app: Flask, who: str, leave_type: str, on: date) -> Decimal:
    with write_connection(db(app)) as conn:  # the months earned by NOW are written first
        return ledger.balance(conn, person(app, who), leave_type, on, now=NOW)


def credit_overtime(app: Flask, who: str, hours: str) -> None:
    with write_connection(db(app)) as conn:
        ledger.add(conn, person(app, who), "overtime", "overtime", Decimal(hours),
                   date(2026, 3, 31), "Release weekend", person(app, "hr"), now=NOW)
