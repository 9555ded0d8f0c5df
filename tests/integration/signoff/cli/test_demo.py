"""``signoff demo load`` and the shipped demo organisation."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import func, select

from approvals.config import demo as demo_data
from approvals.store.db import read_session
from approvals.store.directory import DbDirectory, check_password, find_person, roles_of
from approvals.store.models import Person, PersonRole, ProcessVersion
from signoff import demo
from tests.integration.signoff.cli import Invoke


def _counts(engine: Engine) -> tuple[int, int, int]:
    with read_session(engine) as session:
        return tuple(session.exec(select(func.count()).select_from(table)).one()
                     for table in (Person, PersonRole, ProcessVersion))


def test_demo_load_into_an_empty_database_creates_every_demo_person(upgraded: Invoke,
                                                                    engine: Engine) -> None:
    result = upgraded("demo", "load")

    assert result.exit_code == 0, result.output
    assert f"demo people: created {len(demo.logins())}" in result.stdout
    assert "loaded contract-approval version 1" in result.stdout
    with read_session(engine) as session:
        emails = {p.email for p in session.exec(select(Person)) if p.active}
    assert emails == demo_data.addresses()


def test_demo_load_again_changes_nothing_and_exits_0(upgraded: Invoke, engine: Engine) -> None:
    upgraded("demo", "load")
    after_first = _counts(engine)

    second = upgraded("demo", "load")

    assert second.exit_code == 0, second.output
    assert f"demo people: not loaded, the directory already has {len(demo.logins())} people" \
        in second.stdout
    assert "Demo logins" not in second.stdout
    assert "loaded" not in second.stdout.replace("not loaded", "")
    assert _counts(engine) == after_first


def test_demo_load_into_a_real_directory_adds_nobody_and_exits_0(
        upgraded: Invoke, engine: Engine, people_csv) -> None:
    upgraded("people", "import", str(people_csv("ceo@corp.example,Real Boss,en,,Board,admin,")))

    result = upgraded("demo", "load")

    assert result.exit_code == 0, result.output
    assert "demo people: not loaded, the directory already has 1 person" in result.stdout
    assert "--force" in result.stdout
    with read_session(engine) as session:
        assert [p.email for p in session.exec(select(Person))] == ["ceo@corp.example"]
        assert session.exec(select(ProcessVersion)).first() is not None  # processes still load


def test_demo_load_never_reactivates_a_person_nor_resets_a_password(
        upgraded: Invoke, engine: Engine) -> None:
    upgraded("demo", "load")
    assert upgraded("people", "deactivate", "admin@example.com",
                    "auditor@example.com").exit_code == 0
    assert upgraded("people", "password", "anna@example.com", "--password",
                    "a much better one").exit_code == 0

    plain = upgraded("demo", "load")
    forced = upgraded("demo", "load", "--force")

    assert plain.exit_code == forced.exit_code == 0
    assert "none added, every demo address is in the directory already" in forced.stdout
    with read_session(engine) as session:
        admin = find_person(session, "admin@example.com")
        auditor = find_person(session, "auditor@example.com")
        anna = find_person(session, "anna@example.com")
        assert not admin.active and not auditor.active
        assert check_password(anna, "a much better one") and not check_password(anna, "demo")


def test_demo_load_force_adds_only_the_missing_demo_people(upgraded: Invoke, engine: Engine,
                                                          people_csv) -> None:
    upgraded("people", "import", str(people_csv(
        "ceo@corp.example,Real Boss,en,,Board,admin,",
        "admin@example.com,Our Own Admin,en,ceo@corp.example,IT,,a.petrova@example.com")))
    upgraded("people", "password", "admin@example.com", "--password", "own secret")

    result = upgraded("demo", "load", "--force")

    assert result.exit_code == 0, result.output
    assert f"demo people: created {len(demo.logins()) - 1}" in result.stdout
    assert "admin@example.com" not in result.stdout
    with read_session(engine) as session:
        ours = find_person(session, "admin@example.com")
        assert ours.name == "Our Own Admin" and check_password(ours, "own secret")
        assert roles_of(session, ours.id) == set()
        assert find_person(session, "a.petrova@example.com").id == ours.id  # the alias stays
        anna = find_person(session, "anna@example.com")
        assert anna.name == "Анна Петрова" and check_password(anna, "demo")
        emails = {p.email for p in session.exec(select(Person))}
    assert emails == demo_data.addresses() | {"ceo@corp.example"}


def test_people_deactivate_ends_sessions_and_logins_and_refuses_unknown_addresses(
        upgraded: Invoke, engine: Engine) -> None:
    upgraded("demo", "load")
    with read_session(engine) as session:
        version = find_person(session, "john@example.com").session_version

    refused = upgraded("people", "deactivate", "john@example.com", "nobody@example.com")
    done = upgraded("people", "deactivate", "John@Example.com")

    assert refused.exit_code == 1 and "nobody was deactivated" in refused.stderr
    assert done.exit_code == 0 and done.stdout == "deactivated john@example.com\n"
    with read_session(engine) as session:
        john = find_person(session, "john@example.com")
        assert not john.active and john.session_version == version + 1
        assert not check_password(john, "demo")


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
        for role in ("accounting", "cfo", "admin", "auditor"):
            assert len(directory.with_role(role)) == 1, role
        anna = find_person(session, "anna@example.com")
        manager = directory.manager_of(anna.id)
        assert manager is not None and directory.manager_of(manager) is not None
        assert find_person(session, "a.petrova@example.com").id == anna.id
        locales = {p.locale for p in session.exec(select(Person)).all()}
    assert locales == {"ru", "en"}
