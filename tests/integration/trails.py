"""Helpers the trail tests share: the web app on the test database, people signed in by id,
the one-step process, and a quick stand-in for the renderer when hundreds of trails are needed.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any

import pydyf
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

from approvals import service
from approvals.store import audit, registry
from approvals.store.db import read_session, write_session
from approvals.store.directory import issue_token
from approvals.store.models import Person, PersonRole
from approvals.trail import facts
from tests.integration.flows import open_tasks, start_contract
from web import create_app

PROCESSES = Path(__file__).with_name("processes")
ONE_STEP = "one-step"


def load_one_step(db: Engine, now: datetime) -> None:
    processes, errors = registry.load_all([PROCESSES])
    assert errors == []
    with write_session(db) as session:
        registry.sync(session, processes, now)


def complete_one_step(db: Engine, person_id: int, title: str, now: datetime,
                      **fields: Any) -> int:
    """Start the one-step process and close its only task: a completed instance."""
    started = service.start(db, ONE_STEP, person_id, {"title": title, **fields}, now)
    task = open_tasks(db, started.instance_id)[person_id]
    done = service.decide(db, task.id, person_id, "done", "", now)
    assert done.status == "completed"
    return started.instance_id


def complete_contract(db: Engine, org, now: datetime) -> service.Result:
    """A contract approval taken to its end; returns the last command's result."""
    started = start_contract(db, org, now)
    for person in org.approvers:
        task = open_tasks(db, started.instance_id)[person]
        service.decide(db, task.id, person, "approve", "", now)
    task = open_tasks(db, started.instance_id)[org.initiator]
    result = service.decide(db, task.id, org.initiator, "done", "Sent.", now)
    assert result.status == "completed"
    return result


def add_person(db: Engine, email: str, name: str, role: str | None = None) -> int:
    with write_session(db) as session:
        person = Person(email=email, name=name, locale="en")
        session.add(person)
        session.flush()
        if role:
            session.add(PersonRole(person_id=person.id, role=role))
        return person.id


def make_app(db: Engine) -> Flask:
    return create_app({"TESTING": True, "DB_ENGINE": db,
                       "DATABASE_URL": db.url.render_as_string(hide_password=False)})


def signed_in(app: Flask, person_id: int) -> FlaskClient:
    """A browser session of ``person_id`` (as after logging in: under the person's current
    session version)."""
    with read_session(app.extensions["signoff.db"]) as s:
        version = s.get(Person, person_id).session_version
    client = app.test_client()
    with client.session_transaction() as session:
        session["person_id"] = person_id
        session["session_version"] = version
    return client


def bearer(db: Engine, person_id: int, now: datetime) -> dict[str, str]:
    with write_session(db) as session:
        token = issue_token(session, session.get(Person, person_id), now)
    return {"Authorization": f"Bearer {token}"}


def quick_trail(session, instance_id: int, *, provisional: bool = False,
                locale: str | None = None, generated_at: datetime) -> bytes:
    """A one-page PDF carrying a trail's facts, made in a millisecond: stands in for the
    renderer (about 0.3 s a trail) where a test needs hundreds of signed trails. It is signed
    and stored like any other; what it looks like is the renderer's tests' concern."""
    count, head = audit.head(session, instance_id)
    document = pydyf.PDF()
    document.add_page(pydyf.Dictionary({"Type": "/Page", "Parent": document.pages.reference,
                                        "MediaBox": pydyf.Array([0, 0, 595, 842])}))
    for key, value in {facts.INSTANCE: str(instance_id), facts.CHAIN_HEAD: head,
                       facts.EVENT_COUNT: str(count),
                       facts.KIND: facts.PROVISIONAL if provisional else facts.FINAL,
                       facts.GENERATED_AT: f"{generated_at:%Y-%m-%dT%H:%M:%SZ}"}.items():
        document.info[key] = pydyf.String(value)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()
