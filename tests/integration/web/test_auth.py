"""Logging in and out, CSRF, and the language of pages before login."""

from __future__ import annotations

from sqlmodel import select

from approvals.store.db import write_session
from approvals.store.models import Person
from tests.integration.web.site import PASSWORD, WHO, Browser


def test_logging_in_with_the_right_password_opens_the_inbox(browser: Browser) -> None:
    response = browser.login("ivan")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    inbox = browser.get("/")
    assert inbox.status_code == 200
    assert "My tasks" in inbox.text
    assert "Ivan Initiator" in inbox.text


def test_a_wrong_password_and_an_unknown_email_get_the_same_message_and_401(
        browser: Browser) -> None:
    wrong = browser.login("ivan", password="not the password")
    unknown = browser.submit("/login", "/login", {"email": "nobody@example.com",
                                                  "password": PASSWORD})
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "The email or the password is wrong." in response.text
        assert 'name="csrf_token"' in response.text  # the form is shown again
    assert 'value="ivan@example.com"' in wrong.text  # the email is kept
    assert browser.get("/").status_code == 302  # still logged out


def test_a_page_sends_a_stranger_to_the_login_and_back_with_next(browser: Browser) -> None:
    response = browser.get("/instances/1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/instances/1"
    login = browser.submit("/login?next=/processes", "/login",
                           {"email": WHO["ivan"], "password": PASSWORD, "next": "/processes"})
    assert login.status_code == 303
    assert login.headers["Location"] == "/processes"
    again = browser.get("/login?next=/processes")  # a logged-in person goes straight on
    assert again.status_code == 302
    assert again.headers["Location"] == "/processes"


def test_next_never_leads_to_another_site(app) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        browser = Browser(app.test_client())
        response = browser.submit("/login", "/login", {"email": WHO["ivan"],
                                                       "password": PASSWORD, "next": target})
        assert response.status_code == 303
        assert response.headers["Location"] == "/"


def test_a_post_without_the_csrf_token_is_refused_with_400(browser: Browser) -> None:
    refused = browser.client.post("/login", data={"email": WHO["ivan"], "password": PASSWORD})
    assert refused.status_code == 400
    assert "The form has expired" in refused.text
    browser.login("ivan")
    start = browser.client.post("/processes/contract-approval/start", data={"title": "x"})
    assert start.status_code == 400
    logout = browser.client.post("/logout")
    assert logout.status_code == 400
    assert browser.get("/").status_code == 200  # still logged in


def test_logging_out_takes_a_post_and_ends_the_session(browser: Browser) -> None:
    browser.login("ivan")
    assert browser.get("/logout").status_code == 405
    response = browser.logout()
    assert response.status_code == 303
    assert browser.get("/").status_code == 302
    assert "You have logged out." in browser.get(response.headers["Location"]).text


def test_an_inactive_person_is_logged_out_on_the_next_request(app, browser: Browser) -> None:
    browser.login("ivan")
    with write_session(app.extensions["signoff.db"]) as session:
        person = session.exec(select(Person).where(Person.email == WHO["ivan"])).one()
        person.active = False
        session.add(person)
    response = browser.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert browser.login("ivan").status_code == 401


def test_the_login_page_follows_accept_language_and_the_switch(browser: Browser) -> None:
    russian = browser.get("/login", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})
    assert "Вход" in russian.text and 'lang="ru"' in russian.text
    english = browser.get("/login?lang=en", headers={"Accept-Language": "ru"})
    assert "Log in" in english.text and 'lang="en"' in english.text
    assert 'name="locale" value="ru"' in english.text  # the switch (POST /language)
    failed = browser.submit("/login?lang=ru", "/login?lang=ru",
                            {"email": WHO["ivan"], "password": "wrong"})
    assert failed.status_code == 401
    assert "Неверный адрес электронной почты или пароль." in failed.text


def test_a_person_sees_pages_in_their_own_language(browsers) -> None:
    olga = browsers("olga")
    inbox = olga.get("/", headers={"Accept-Language": "en"})
    assert "Мои задачи" in inbox.text
    assert "Выйти" in inbox.text
    assert '<strong aria-current="true" lang="ru">' in inbox.text  # the switch says so


def test_a_form_holding_a_nul_character_is_a_bad_request(browser: Browser) -> None:
    response = browser.submit("/login", "/login", {"email": "ivan\x00@example.com",
                                                   "password": PASSWORD})
    assert response.status_code == 400
