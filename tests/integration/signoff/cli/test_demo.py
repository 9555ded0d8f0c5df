"""``signoff demo load`` and the shipped demo organisation."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import func, select

from approvals.store.db import read_session
from approvals.store.directory import DbDirectory, check_password, find_person
from approvals.store.models import Person, PersonRole, ProcessVersion
from signoff import demo
from tests.integration.signoff.cli import Invoke


def _counts(engine: Engine) -> tuple[int, int, int]:
    with read_session(engine) as session:
        return tuple(session.exec(select(func.count()).select_from(table)).one()
                     for table in (Person, PersonRole, ProcessVersion))


def test_demo_load_is_idempotent(upgraded: Invoke, engine: Engine) -> None:
    first = upgraded("demo", "load")
    after_first = _counts(engine)
    second = upgraded("demo", "load")

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    people = len(demo.logins())
    assert f"demo people: created {people}, updated 0" in first.stdout
    assert f"demo people: created 0, updated {people}" in second.stdout
    assert "loaded contract-approval version 1" in first.stdout
    assert "loaded" not in second.stdout
    assert _counts(engine) == after_first
    assert after_first[0] == people


def test_demo_load_prints_every_login_and_each_signs_in_with_demo(upgraded: Invoke,
                                                                  engine: Engine) -> None:
    result = upgraded("demo", "load")

    assert 'Demo logins (password "demo"):' in result.stdout
    for login in demo.logins():
        assert login.email in result.stdout
        assert login.name in result.stdout
    with read_session(engine) as session:
        people = session.exec(select(Person)).all()
    assert people and all(check_password(p, "demo") for p in people)


def test_demo_organisation_has_the_roles_and_manager_chain_processes_need(
        upgraded: Invoke, engine: Engine) -> None:
    upgraded("demo", "load")

    with read_session(engine) as session:
        directory = DbDirectory(session)
        assert len(directory.with_role("lawyer")) == 2
        for role in ("accountant", "admin", "auditor"):
            assert len(directory.with_role(role)) == 1, role
        anna = find_person(session, "anna@example.com")
        manager = directory.manager_of(anna.id)
        assert manager is not None and directory.manager_of(manager) is not None
        assert find_person(session, "a.petrova@example.com").id == anna.id
        locales = {p.locale for p in session.exec(select(Person)).all()}
    assert locales == {"ru", "en"}
