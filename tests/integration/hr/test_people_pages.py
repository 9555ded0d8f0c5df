"""HR's pages of people: the list and its search, the form that saves a person or refuses bad
input field by field with nothing written (a time zone that is none, a manager circle, an
address someone else has, a privileged role given by HR), the departments' heads — and the
person search every picker asks, on the pages and in the API, Cyrillic included."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlmodel import select

from approvals.clock import utcnow
from approvals.store.db import read_session, write_session
from approvals.store.directory import DbDirectory, issue_token
from approvals.store.models import Person, PersonRole
from tests.integration.web.conftest import FAST_HASHER
from tests.integration.web.site import Browser, build_app


@pytest.fixture
def app(tmp_path, monkeypatch, redis_url: str, app_broker) -> Iterator[Flask]:
    """The page tests' site; Olga (Юридический отдел, reads Russian) holds the role ``hr``."""
    monkeypatch.setenv("SIGNOFF_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setattr("approvals.store.directory._hasher", FAST_HASHER)
    app = build_app(tmp_path)
    with write_session(app.extensions["signoff.db"]) as session:
        olga = session.exec(select(Person).where(Person.email == "olga@example.com")).one()
        session.add(PersonRole(person_id=olga.id, role="hr"))
        olga.position = "Специалист по кадрам"
        session.add(olga)
    yield app
    app.extensions["signoff.db"].dispose()


def logged_in(app: Flask, who: str) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(who).status_code == 303
    return browser


def person(app: Flask, email: str) -> Person | None:
    with read_session(app.extensions["signoff.db"]) as session:
        return session.exec(select(Person).where(Person.email == email)).first()


def form(**changes: str) -> dict[str, str]:
    return {"name": "Мария Иванова", "email": "maria@example.com", "locale": "ru",
            "position": "Бухгалтер", "department": "Finance", "department_new": "",
            "manager": "boris@example.com", "hire_date": "01.02.2026",
            "employment": "active", "time_zone": "Europe/Moscow", "roles": "accounting",
            **changes}


def test_hr_adds_a_person_and_finds_them_in_the_list(app: Flask):
    hr = logged_in(app, "olga")
    saved = hr.submit("/hr/people/new", "/hr/people/new", form())
    assert saved.status_code == 303
    maria = person(app, "maria@example.com")
    boris = person(app, "boris@example.com")
    assert (maria.name, maria.position, maria.department, maria.manager_id, str(maria.hire_date),
            maria.time_zone, maria.active) == ("Мария Иванова", "Бухгалтер", "Finance",
                                               boris.id, "2026-02-01", "Europe/Moscow", True)
    listed = hr.get("/hr/people?q=бухгалтер")
    assert "Мария Иванова" in listed.text and "Ivan Initiator" not in listed.text
    by_department = hr.get("/hr/people?department=finance")
    assert "Мария Иванова" in by_department.text and "Борис Согласующий" in by_department.text


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"time_zone": "Europe/Moskva"}, "time_zone", "«Europe/Moskva» — не часовой пояс"),
    ({"email": "boris@example.com"}, "email", "уже принадлежит другому сотруднику"),
    ({"hire_date": "31.02.2026"}, "hire_date", "Введите дату"),
    ({"employment": "fired"}, "employment", "starting, active, on_leave, dismissed"),
    ({"manager": "nobody@example.com"}, "manager", "«nobody@example.com» не найден"),
    ({"roles": "admin"}, "roles", "Роли admin назначает и снимает только администратор"),
])
def test_bad_input_is_refused_on_its_field_and_nothing_is_written(app: Flask, changes, field,
                                                                  message):
    hr = logged_in(app, "olga")
    refused = hr.submit("/hr/people/new", "/hr/people/new", form(**changes))
    assert refused.status_code == 400
    assert f'id="h-{field}-error"' in refused.text
    error = refused.text.split(f'id="h-{field}-error">')[1].split("</p>")[0]
    assert message in error.replace("&#39;", "'").replace("&#34;", '"')
    assert person(app, "maria@example.com") is None


def test_a_new_manager_who_reports_to_the_person_is_refused(app: Flask):
    hr = logged_in(app, "olga")
    hr.submit("/hr/people/new", "/hr/people/new", form())  # Maria reports to Boris
    boris = person(app, "boris@example.com")
    page = f"/hr/people/{boris.id}/edit"
    refused = hr.submit(page, page, form(name=boris.name, email=boris.email, roles="",
                                         manager="maria@example.com"))
    assert refused.status_code == 400
    assert "замкнулись бы в круг" in refused.text.split('id="h-manager-error">')[1]
    assert person(app, "boris@example.com").manager_id is None


def test_dismissing_a_person_takes_them_off_every_task_to_come(app: Flask):
    hr = logged_in(app, "olga")
    boris = person(app, "boris@example.com")
    page = f"/hr/people/{boris.id}/edit"
    saved = hr.submit(page, page, form(name=boris.name, email=boris.email, roles="",
                                       manager="", employment="dismissed"))
    assert saved.status_code == 303
    after = person(app, "boris@example.com")
    assert (after.employment, after.active) == ("dismissed", False)


def test_the_head_set_on_the_departments_page_is_the_one_processes_ask(app: Flask):
    hr = logged_in(app, "olga")
    saved = hr.submit("/hr/departments", "/hr/departments",
                      {"name": "Finance", "head": "Борис", "parent": ""})
    assert saved.status_code == 303
    with read_session(app.extensions["signoff.db"]) as session:
        assert DbDirectory(session).head_of("finance") == person(app, "boris@example.com").id
    assert "boris@example.com" in hr.get("/hr/departments").text


def test_only_hr_and_administrators_open_the_people_pages(app: Flask):
    assert logged_in(app, "ivan").get("/hr/people").status_code == 403
    assert logged_in(app, "ada").get("/hr/people").status_code == 200
    assert "/hr/people" not in logged_in(app, "ivan").get("/").text


def test_the_pickers_search_finds_cyrillic_names_and_departments(app: Flask):
    ivan = logged_in(app, "ivan")
    found = ivan.get("/people/search?q=ольга").get_json()["people"]
    assert [p["email"] for p in found] == ["olga@example.com"]
    assert found[0] == {"id": found[0]["id"], "name": "Ольга Петрова",
                        "email": "olga@example.com", "department": "Юридический отдел",
                        "position": "Специалист по кадрам"}
    by_department = ivan.get("/people/search?q=ЮРИДИЧ").get_json()["people"]
    assert [p["email"] for p in by_department] == ["olga@example.com"]
    assert Browser(app.test_client()).get("/people/search?q=ol").status_code == 302


def test_the_api_searches_people_as_the_pickers_do(app: Flask):
    with write_session(app.extensions["signoff.db"]) as session:
        ivan = session.exec(select(Person).where(Person.email == "ivan@example.com")).one()
        token = issue_token(session, ivan, utcnow())
    client = app.test_client()
    answer = client.get("/api/people?q=финанс&limit=5",
                        headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert [p["email"] for p in answer.get_json()["people"]] == []  # "Finance" is Latin
    answer = client.get("/api/people?q=борис", headers={"Authorization": f"Bearer {token}"})
    assert [p["email"] for p in answer.get_json()["people"]] == ["boris@example.com"]
    assert client.get("/api/people?q=борис").status_code == 401
