"""A Signoff site for the accountants' pages: the finance department of this folder's conftest
(an initiator, their manager, the director who is CFO, two accountants, an administrator), each
with a password, the shipped processes, the company's bank details set, and invoices taken
through approval to the payment stage."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals import service
from approvals.clock import utcnow
from approvals.store import registry
from approvals.store.db import read_session, upgrade, write_session
from approvals.store.directory import import_people, set_password
from approvals.store.models import Instance, Person, Task
from tests.integration.accounting.conftest import PEOPLE, PROCESS, WHO, invoice_fields
from tests.integration.web.site import PASSWORD, Browser
from tests.unit.accounting.bankfiles import COMPANY
from web import create_app

#: Argon2 as cheap as it goes: the tests log in often.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@dataclass
class PaymentsSite:
    app: Flask
    ids: dict[str, int]

    @property
    def db(self) -> Engine:
        return self.app.extensions["signoff.db"]

    def browser(self, who: str) -> Browser:
        """A browser logged in as ``who`` (a short name of the conftest's ``WHO``)."""
        browser = Browser(self.app.test_client())
        response = browser.login(WHO[who], PASSWORD)
        assert response.status_code == 303, response.text
        return browser

    def to_pay(self, due: date, **changes: Any) -> int:
        """An invoice started by the initiator and approved by everyone before the payment
        stage (the manager; the CFO above the threshold): its instance id."""
        now = utcnow()
        fields = invoice_fields(due=due.isoformat(), **changes)
        instance_id = service.start(self.db, PROCESS, self.ids["initiator"], fields,
                                    now).instance_id
        while self.instance(instance_id).stage != "pay":
            tasks = self.open_tasks(instance_id)
            assert tasks, self.instance(instance_id)
            for task in tasks:
                service.decide(self.db, task.id, task.assignee_id, "approve", "", now)
        return instance_id

    def instance(self, instance_id: int) -> Instance:
        with read_session(self.db) as session:
            return session.get(Instance, instance_id)

    def open_tasks(self, instance_id: int) -> list[Task]:
        with read_session(self.db) as session:
            return list(session.exec(select(Task).where(Task.instance_id == instance_id,
                                                        Task.state == "open")).all())

    def task_of(self, who: str, instance_id: int) -> int:
        [task] = [t.id for t in self.open_tasks(instance_id)
                  if t.assignee_id == self.ids[who]]
        return task

    def pay(self, who: str, instance_id: int, paid_on: date, order_no: str,
            amount: str | None = None) -> None:
        """The accountant pays on the task form, as the task page does."""
        values = {"paid_on": paid_on.isoformat(), "order_no": order_no}
        if amount:
            values["amount_paid"] = amount
        service.decide(self.db, self.task_of(who, instance_id), self.ids[who], "paid", "",
                       utcnow(), values=values)


def build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, redis_url: str,
          now: datetime | None = None) -> Iterator[PaymentsSite]:
    monkeypatch.setenv("SIGNOFF_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("REDIS_URL", redis_url)
    for name, value in COMPANY.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("approvals.store.directory._hasher", FAST_HASHER)
    url = f"sqlite:///{tmp_path}/payments.db"
    upgrade(url)
    app = create_app({"TESTING": True, "DATABASE_URL": url,
                      "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    engine = app.extensions["signoff.db"]
    with write_session(engine) as session:
        import_people(session, PEOPLE)
        people = session.exec(select(Person)).all()
        for person in people:
            set_password(person, PASSWORD)
            session.add(person)
        processes, errors = registry.load_all()
        assert PROCESS in {p.id for p in processes}, errors
        registry.sync(session, processes, now or utcnow())
        ids = {p.email: p.id for p in people}
    yield PaymentsSite(app, {name: ids[email] for name, email in WHO.items()})
    engine.dispose()


def order_of_rows(html: str) -> list[tuple[int, str]]:
    """The queue's rows as the page lists them: (instance id, state)."""
    return [(int(i), state) for i, state in
            re.findall(r'<tr class="payment [^"]*" data-instance="(\d+)" data-state="(\w+)"',
                       html)]
