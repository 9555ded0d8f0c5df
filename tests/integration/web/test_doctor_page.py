"""``/admin/doctor``: administrators see the installation check-up that ``signoff doctor``
prints, in their language; nobody else does. Each check's cases are in
:mod:`tests.integration.doctor_cases`, the same table the command is tested with."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask

from approvals.config.doctor import CHECKS
from approvals.store.db import upgrade, write_session
from approvals.store.directory import find_person, import_people, set_password
from tests.integration.doctor_cases import CASES, HEADER, Case, clean_environment
from tests.integration.web.conftest import FAST_HASHER
from tests.integration.web.site import PASSWORD, Browser
from web import create_app

FINDING = re.compile(r'data-check="(\w+)" data-level="(\w+)" data-outcome="(\w+)"')


@pytest.fixture
def app(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """A site whose directory holds no demo address: an administrator and a clerk."""
    clean_environment(monkeypatch)
    monkeypatch.setenv("SIGNOFF_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setattr("approvals.store.directory._hasher", FAST_HASHER)
    url = f"sqlite:///{tmp_path / 'signoff.db'}"
    upgrade(url)
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    with write_session(app.extensions["signoff.db"]) as session:
        import_people(session, HEADER + "root@corp.example,Роман Админов,ru,,IT,admin,\n"
                                        "root-en@corp.example,Rita Root,en,,IT,admin,\n"
                                        "clerk@corp.example,Clerk,en,,Sales,,\n")
        for email in ("root@corp.example", "root-en@corp.example", "clerk@corp.example"):
            person = find_person(session, email)
            set_password(person, PASSWORD)
            session.add(person)
    yield app
    app.extensions["signoff.db"].dispose()


def _login(app: Flask, email: str) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(email).status_code == 303
    return browser


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_page_shows_each_finding(app: Flask, case: Case,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    admin = _login(app, "root-en@corp.example")
    case.setup(app.extensions["signoff.db"], monkeypatch)

    response = admin.get("/admin/doctor")

    assert response.status_code == 200
    found = {check: (level, outcome) for check, level, outcome in FINDING.findall(response.text)}
    assert set(found) == set(CHECKS)
    assert found[case.check] == (case.level, case.outcome)
    levels = [level for _, level, _ in FINDING.findall(response.text)]
    assert levels == sorted(levels, key=lambda level: level != "warning")  # warnings first
    assert "doctor." not in response.text  # every key has its words


def test_the_page_speaks_russian_to_a_russian_administrator(app: Flask) -> None:
    response = _login(app, "root@corp.example").get("/admin/doctor")

    assert "Проверка установки" in response.text
    assert "SIGNOFF_SECRET_KEY не задан" in response.text
    assert "Предупреждений: 1" in response.text


def test_only_administrators_see_the_page_and_its_link(app: Flask) -> None:
    clerk, admin = _login(app, "clerk@corp.example"), _login(app, "root-en@corp.example")

    assert clerk.get("/admin/doctor").status_code == 403
    assert 'href="/admin/doctor"' not in clerk.get("/").text
    assert 'href="/admin/doctor"' in admin.get("/").text
    assert Browser(app.test_client()).get("/admin/doctor").status_code == 302
