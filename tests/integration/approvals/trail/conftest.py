"""Fixtures for the trail: a migrated SQLite database with the integration tests' people and
processes (their ``org`` fixture, imported), a contract approval taken through every kind of
step, and a fresh organisation key pair per test session.

The instance is built only through :mod:`approvals.service`, as the web pages, the API and an
email reply would build it; times are fixed, so durations and the text are the same each run.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from approvals import service
from approvals.keys import OrgKeys, init_keys, load_keys
from approvals.store import db as store
from tests.integration.conftest import Org, org  # noqa: F401 - the fixture, reused
from tests.integration.flows import PDF_V2, open_tasks, start_contract, upload

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EVIDENCE = {"message_id": "<reply-7f3a@mail.example.com>",
            "auth": "dkim=pass header.d=example.com; spf=pass; dmarc=pass"}


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Engine]:
    """A migrated SQLite database (the trail reads the same rows on PostgreSQL)."""
    url = f"sqlite:///{tmp_path / 'signoff.db'}"
    store.upgrade(url)
    engine = store.make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def now() -> datetime:
    return T0


def complete_contract(db: Engine, people: Org) -> int:
    """A contract approval that went through a send-back by email, a second version of the
    contract, decisions on the web, by API and by email, and the final "done": completed."""
    anna, boris = people.approvers[:2]
    started = start_contract(db, people, T0, approvers=[anna, boris])
    iid = started.instance_id
    tasks = open_tasks(db, iid)
    service.decide(db, tasks[anna].id, anna, "approve", "Looks fine", T0 + timedelta(hours=1))
    service.decide(db, tasks[boris].id, boris, "send_back", "Penalty clause is too harsh",
                   T0 + timedelta(hours=2), channel="email", evidence=EVIDENCE)
    service.resubmit(db, iid, people.initiator, {"contract": upload("contract-v2.pdf", PDF_V2)},
                     "Penalty clause rewritten", T0 + timedelta(hours=3))
    tasks = open_tasks(db, iid)
    service.decide(db, tasks[anna].id, anna, "approve", "", T0 + timedelta(hours=4),
                   channel="api")
    service.decide(db, tasks[boris].id, boris, "approve", "OK now", T0 + timedelta(hours=5),
                   channel="email", evidence=EVIDENCE)
    tasks = open_tasks(db, iid)
    result = service.decide(db, tasks[people.initiator].id, people.initiator, "done", "Sent",
                            T0 + timedelta(days=1))
    assert result.status == "completed"
    return iid


@pytest.fixture
def completed(db: Engine, org: Org) -> int:  # noqa: F811 - org is the imported fixture
    return complete_contract(db, org)


@pytest.fixture(scope="session")
def keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("keys") / "keys"
    init_keys(path, "ООО «Ромашка»")
    return path


@pytest.fixture(scope="session")
def keys(keys_dir: Path) -> OrgKeys:
    return load_keys(keys_dir)
