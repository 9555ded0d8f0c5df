"""The language switch and the settings page, clicked in a real Chromium (issue 17): a visitor
switches the login page to Russian and it stays Russian; a person logged in switches any page
— it reloads in Russian at the same address, stays Russian on later pages, and their profile
says so; on ``/settings`` they pick a time zone and times are then shown in it. Fixtures of
:mod:`tests.e2e.test_browser_contract`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlmodel import select

from approvals.store.db import make_engine, read_session
from approvals.store.models import Person
from tests.e2e.test_browser_contract import PHONE, chromium, log_in, site  # noqa: F401
from tests.integration.web.site import WHO


def profile(tmp_path: Path, who: str) -> Person:
    engine = make_engine(f"sqlite:///{tmp_path / 'signoff.db'}")  # the site's database
    try:
        with read_session(engine) as session:
            return session.exec(select(Person).where(Person.email == WHO[who])).one()
    finally:
        engine.dispose()


@pytest.mark.browser
def test_a_visitor_switches_the_login_page_to_russian_and_it_stays(
        site: str, chromium: Browser) -> None:  # noqa: F811
    context = chromium.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{site}/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("button", name="Русский").click()

    expect(page).to_have_url(f"{site}/login")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", level=1)).to_have_text("Вход")
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("screen", [{}, PHONE], ids=["desktop", "phone"])
def test_a_person_switches_to_russian_on_any_page_and_it_is_remembered(
        site: str, chromium: Browser, tmp_path: Path, screen: dict) -> None:  # noqa: F811
    context, ivan = log_in(chromium, site, "ivan", **screen)
    ivan.goto(f"{site}/processes?q=contract")
    expect(ivan.locator("html")).to_have_attribute("lang", "en")

    ivan.get_by_role("button", name="Русский").click()

    expect(ivan).to_have_url(f"{site}/processes?q=contract")  # the same page
    expect(ivan.locator("html")).to_have_attribute("lang", "ru")
    expect(ivan.get_by_role("link", name=re.compile("^Входящие"))).to_be_visible()
    assert profile(tmp_path, "ivan").locale == "ru"
    ivan.goto(f"{site}/")  # a later page, and a new session, are Russian too
    expect(ivan.locator("html")).to_have_attribute("lang", "ru")
    context.close()
    context, again = log_in_ru(chromium, site)
    expect(again.locator("html")).to_have_attribute("lang", "ru")
    again.get_by_role("button", name="English").click()
    expect(again.locator("html")).to_have_attribute("lang", "en")
    assert profile(tmp_path, "ivan").locale == "en"
    context.close()


def log_in_ru(chromium: Browser, site: str):  # noqa: F811 - the fixtures' names
    """Ivan logs in again (a browser that prefers English): his profile's language wins."""
    context = chromium.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{site}/login")
    page.fill("#email", WHO["ivan"])
    page.fill("#password", "correct horse battery staple")
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(f"{site}/")
    return context, page


@pytest.mark.browser
def test_a_person_picks_a_time_zone_and_times_are_shown_in_it(
        site: str, chromium: Browser, tmp_path: Path) -> None:  # noqa: F811
    context, olga = log_in(chromium, site, "olga", locale="ru-RU")
    olga.get_by_role("link", name="Ольга Петрова").click()
    expect(olga).to_have_url(f"{site}/settings")

    olga.get_by_label("Часовой пояс").select_option("Europe/Moscow")
    olga.get_by_role("button", name="Сохранить").click()

    expect(olga.locator(".alert")).to_have_text("Настройки сохранены.")
    expect(olga.locator("#zone-now")).to_contain_text("Europe/Moscow (UTC+03:00)")
    expect(olga.locator("#zone-now")).to_contain_text(
        re.compile(r"\d\d\.\d\d\.\d{4} \d\d:\d\d MSK"))
    assert profile(tmp_path, "olga").time_zone == "Europe/Moscow"
    context.close()
