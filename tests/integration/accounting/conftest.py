"""A small finance department for the invoice tests: an initiator and their manager, the
director (no manager; holds ``cfo``), two accountants, an administrator; the shipped processes
loaded. ``finance`` works on the ``db`` fixture (SQLite and PostgreSQL); ``api`` is the JSON API
of a web app on its own SQLite database, with a token per person."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals import service
from approvals.clock import utcnow
from approvals.store import registry
from approvals.store.db import upgrade, write_session
from approvals.store.directory import import_people, issue_token
from approvals.store.models import Person
from tests.integration.web.api.conftest import Api
from web import create_app

PROCESS = "invoice-payment"
PEOPLE = """\
email,name,locale,manager_email,department,roles,aliases
irina@example.com,Ирина Директор,ru,,Management,cfo,
petr@example.com,Пётр Руководитель,ru,irina@example.com,Sales,,
ivan@example.com,Иван Инициатор,ru,petr@example.com,Sales,,
john@example.com,John Initiator,en,petr@example.com,Sales,,
maria@example.com,Мария Бухгалтер,ru,irina@example.com,Finance,accounting,
olga@example.com,Olga Accountant,en,irina@example.com,Finance,accounting,
ada@example.com,Ada Admin,en,,IT,admin,
"""
WHO = {"director": "irina@example.com", "manager": "petr@example.com",
       "initiator": "ivan@example.com", "john": "john@example.com",
       "maria": "maria@example.com", "olga": "olga@example.com", "admin": "ada@example.com"}
INVOICE_PDF = b"%PDF-1.4\n% invoice 45 from Romashka\n"
SBERBANK = {"supplier_bank": "ПАО Сбербанк", "supplier_bik": "044525225",
            "supplier_corr_account": "30101810400000000225"}


def invoice_fields(**changes: Any) -> dict[str, Any]:
    """A valid invoice (an organisation's real INN and KPP shapes, an account keyed to its
    bank's BIC), ``changes`` over it; a value of None leaves the field out."""
    fields: dict[str, Any] = {
        "supplier": "ООО «Ромашка»", "supplier_inn": "7707083893", "supplier_kpp": "773601001",
        "supplier_account": "40702810938000000001", **SBERBANK,
        "number": "45", "invoice_date": "2026-11-20", "amount": "120000,00",
        "vat_rate": "22", "due": "2027-12-15", "purpose": "Оплата по счёту № 45 от 20.11.2026 "
        "за канцелярские товары, в т.ч. НДС 22 %",
        "invoice": {"filename": "invoice-45.pdf", "content_type": "application/pdf",
                    "content_base64": base64.b64encode(INVOICE_PDF).decode("ascii")},
        "contract_ref": "Договор поставки № 7 от 01.02.2026"}
    fields.update(changes)
    return {name: value for name, value in fields.items() if value is not None}


@dataclass(frozen=True)
class Finance:
    """The people of :data:`PEOPLE` by the short names of :data:`WHO`."""

    ids: dict[str, int]

    def __getitem__(self, who: str) -> int:
        return self.ids[who]

    def email(self, who: str) -> str:
        return WHO[who]


def _install(session, now: datetime) -> dict[str, int]:
    import_people(session, PEOPLE)
    processes, errors = registry.load_all()
    assert PROCESS in {p.id for p in processes}, errors
    registry.sync(session, processes, now)
    ids = dict(session.exec(select(Person.email, Person.id)).all())
    return {name: ids[email] for name, email in WHO.items()}


@pytest.fixture
def finance(db: Engine, now: datetime) -> Finance:
    with write_session(db) as session:
        return Finance(_install(session, now))


def start_invoice(db: Engine, finance: Finance, now: datetime, who: str = "initiator",
                  **changes: Any) -> service.Result:
    return service.start(db, PROCESS, finance[who], invoice_fields(**changes), now)


@pytest.fixture
def app(tmp_path, monkeypatch, redis_url: str, app_broker) -> Iterator[Flask]:
    monkeypatch.setenv("SIGNOFF_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("REDIS_URL", redis_url)
    url = f"sqlite:///{tmp_path}/finance.db"
    upgrade(url)
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    engine = app.extensions["signoff.db"]
    with write_session(engine) as session:
        ids = _install(session, utcnow())
        people = {p.id: p for p in session.exec(select(Person)).all()}
        app.config["API_TOKENS"] = {name: issue_token(session, people[ids[name]], utcnow())
                                    for name in WHO}
        app.config["FINANCE"] = Finance(ids)
    yield app
    engine.dispose()


@pytest.fixture
def api(app: Flask) -> Api:
    return Api(app.test_client(), app.config["API_TOKENS"])
