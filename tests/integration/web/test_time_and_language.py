"""The reader's time zone and language on the pages (issue 17): times in the person's zone,
named; ``/settings`` to choose a language and a zone (an unknown zone refused); the header's
language switch, remembered in the profile or, before login, in the session; numbers typed
the reader's way; and the check-up of ``SIGNOFF_TIME_ZONE``."""

from __future__ import annotations

import html
import io
from datetime import timedelta

import pytest
from flask import Flask
from sqlmodel import select

from approvals.config import doctor
from approvals.store.db import read_session, write_session
from approvals.store.models import Instance, Person
from tests.integration.web.site import WHO, Browser, count, instance_row

CONTRACT = "/processes/contract-approval/start"


def person(app: Flask, who: str) -> Person:
    with read_session(app.extensions["signoff.db"]) as session:
        return session.exec(select(Person).where(Person.email == WHO[who])).one()


def set_zone(app: Flask, who: str, zone: str) -> None:
    with write_session(app.extensions["signoff.db"]) as session:
        session.exec(select(Person).where(Person.email == WHO[who])).one().time_zone = zone


def start_contract(browser: Browser, amount: str = "150000", title: str = "Supply 42"):
    return browser.submit(CONTRACT, CONTRACT, {
        "title": title, "counterparty": "Acme LLC", "amount": amount,
        "approvers": "anna@example.com",
        "contract": (io.BytesIO(b"%PDF-1.4 version one"), "contract-v1.pdf",
                     "application/pdf")}, content_type="multipart/form-data")


def started_at(app: Flask, instance_id: int):
    return instance_row(app, instance_id).started_at


def test_a_person_in_moscow_sees_times_three_hours_on_named_msk(app: Flask, browsers) -> None:
    set_zone(app, "olga", "Europe/Moscow")
    olga = browsers("olga")
    contract = int(start_contract(olga).headers["Location"].rsplit("/", 1)[1])
    moment = started_at(app, contract)

    page = olga.get(f"/instances/{contract}").text

    moscow = moment + timedelta(hours=3)
    assert f"{moscow:%d.%m.%Y %H:%M} MSK" in page  # Olga reads Russian: dd.mm.yyyy
    assert f"{moment:%Y-%m-%d %H:%M} UTC" not in page
    # Anna, without a zone and with none for the organisation, reads the same moment in UTC
    assert f"{moment:%Y-%m-%d %H:%M} UTC" in browsers("anna").get(f"/instances/{contract}").text


def test_the_organisation_zone_applies_to_people_without_their_own(
        app: Flask, browsers, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNOFF_TIME_ZONE", "Asia/Yekaterinburg")
    ivan = browsers("ivan")
    contract = int(start_contract(ivan).headers["Location"].rsplit("/", 1)[1])
    moment = started_at(app, contract)

    page = ivan.get(f"/instances/{contract}").text

    assert f"{moment + timedelta(hours=5):%Y-%m-%d %H:%M} UTC+05:00" in page
    monkeypatch.setenv("SIGNOFF_TIME_ZONE", "Mars/Olympus_Mons")  # unknown: UTC, no error
    page = ivan.get(f"/instances/{contract}")
    assert page.status_code == 200
    assert f"{moment:%Y-%m-%d %H:%M} UTC" in page.text


def test_the_doctor_reports_an_unknown_organisation_zone(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    with read_session(app.extensions["signoff.db"]) as session:
        assert doctor.time_zone(session).outcome == "unset"
        monkeypatch.setenv("SIGNOFF_TIME_ZONE", "Europe/Moskow")
        finding = doctor.time_zone(session)
        assert (finding.level, finding.outcome) == ("warning", "unknown")
        assert "Europe/Moskow" in finding.text("en")
        monkeypatch.setenv("SIGNOFF_TIME_ZONE", "Europe/Moscow")
        assert doctor.time_zone(session).level == "ok"
    set_zone(app, "anna", "Moscow")  # as a bad import would leave it
    with read_session(app.extensions["signoff.db"]) as session:
        finding = doctor.time_zone(session)
    assert (finding.outcome, finding.params["emails"]) == ("people_unknown", WHO["anna"])


def test_the_settings_page_saves_a_language_and_a_zone(app: Flask, browsers) -> None:
    ivan = browsers("ivan")
    page = ivan.get("/settings")
    assert page.status_code == 200
    assert '<option value="Europe/Moscow">Europe/Moscow</option>' in page.text
    assert 'href="/settings"' in ivan.get("/").text  # the header links it

    saved = ivan.submit("/settings", "/settings", {"locale": "ru",
                                                   "time_zone": "Asia/Vladivostok"})

    assert saved.status_code == 303
    assert (person(app, "ivan").locale, person(app, "ivan").time_zone) == \
        ("ru", "Asia/Vladivostok")
    again = ivan.get("/settings").text
    assert "Ваши настройки" in again and "Настройки сохранены." in again
    assert '<option value="Asia/Vladivostok" selected>' in again
    assert "Asia/Vladivostok (UTC+10:00)" in again


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "../../etc/passwd", "Europe/Moscow x"])
def test_the_settings_page_refuses_an_unknown_zone(app: Flask, browsers, zone: str) -> None:
    ivan = browsers("ivan")

    refused = ivan.submit("/settings", "/settings", {"locale": "en", "time_zone": zone})

    assert refused.status_code == 400
    assert "is not a time zone this server knows" in html.unescape(refused.text)
    assert person(app, "ivan").time_zone == ""


def test_the_language_switch_saves_a_persons_language_and_returns_to_the_page(
        app: Flask, browsers) -> None:
    ivan = browsers("ivan")
    assert '<html lang="en">' in ivan.get("/processes").text

    switched = ivan.submit("/processes", "/language", {"locale": "ru",
                                                       "next": "/processes?q=contract"})

    assert switched.status_code == 303
    assert switched.headers["Location"] == "/processes?q=contract"
    assert person(app, "ivan").locale == "ru"
    assert '<html lang="ru">' in ivan.get("/processes").text
    # never somewhere else: an address off the site goes to the inbox
    away = ivan.submit("/", "/language", {"locale": "en", "next": "https://evil.example/"})
    assert away.headers["Location"] == "/"


def test_a_visitors_language_is_kept_in_the_session(app: Flask) -> None:
    visitor = Browser(app.test_client())
    login = visitor.get("/login", headers={"Accept-Language": "en"}).text
    assert 'name="locale" value="ru"' in login  # the switch is on the login page too

    switched = visitor.submit("/login", "/language", {"locale": "ru", "next": "/login"})

    assert switched.status_code == 303 and switched.headers["Location"] == "/login"
    page = visitor.get("/login", headers={"Accept-Language": "en"}).text
    assert '<html lang="ru">' in page and "Вход" in page
    assert '<html lang="en">' in visitor.get("/login?lang=en").text  # a link's choice first


@pytest.mark.parametrize(("who", "typed", "stored"), [
    ("ivan", "100,000", "100000.00"),  # English: a hundred thousand (it was read as 100)
    ("ivan", "100,000.50", "100000.50"),
    ("olga", "100 000,50", "100000.50"),
    ("olga", "100000", "100000.00"),
])
def test_an_amount_is_read_the_way_its_reader_writes_it(app: Flask, browsers, who: str,
                                                        typed: str, stored: str) -> None:
    response = start_contract(browsers(who), typed)

    assert response.status_code == 303
    contract = int(response.headers["Location"].rsplit("/", 1)[1])
    assert instance_row(app, contract).fields["amount"] == stored


@pytest.mark.parametrize(("who", "typed", "message"), [
    ("ivan", "100,5", "Write the number as 100,000.50"),
    ("olga", "100.000", "Запишите число так: 100 000,50"),
])
def test_an_amount_ambiguous_for_its_reader_is_refused_saying_how_to_write_it(
        app: Flask, browsers, who: str, typed: str, message: str) -> None:
    response = start_contract(browsers(who), typed)

    assert response.status_code == 400
    assert message in html.unescape(response.text)
    assert f'value="{typed}"' in response.text
    assert count(app, Instance) == 0

