"""Login throttling (counted in the session's real Redis, a key space per site), session
versions (logout and a password change end every copy of a cookie), HEAD on login and on
POST-only routes, security headers on every kind of response and the Secure cookie."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import select

from approvals.store.db import read_session, write_session
from approvals.store.directory import set_password
from approvals.store.models import Instance, LoginLockout, Person
from tests.integration.web.conftest import FAST_HASHER
from tests.integration.web.site import PASSWORD, WHO, Browser, build_app, count

WRONG = "not the password"


def lockouts(app: Flask) -> list[LoginLockout]:
    with read_session(app.extensions["signoff.db"]) as session:
        return list(session.exec(select(LoginLockout).order_by(LoginLockout.id)).all())


def from_address(app: Flask, address: str) -> Browser:
    """A browser whose requests come from ``address``."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return Browser(client)


# ---------------------------------------------------------------------------- throttling


def test_wrong_passwords_lock_the_account_and_then_the_right_one_is_refused_too(
        app: Flask, browser: Browser, caplog: pytest.LogCaptureFixture) -> None:
    for _ in range(5):  # the first tier: 5 failures a minute
        assert browser.login("ivan", password=WRONG).status_code == 401
    assert lockouts(app) == []
    with caplog.at_level("WARNING", logger="web.logins"):
        locked = browser.login("ivan", password=WRONG)
    assert locked.status_code == 429
    assert "Too many failed attempts to log in. Try again in 1 min, after" in locked.text
    assert 0 < int(locked.headers["Retry-After"]) <= 60
    assert 'name="csrf_token"' in locked.text and 'value="ivan@example.com"' in locked.text
    right = browser.login("ivan")
    assert right.status_code == 429  # the right password waits for the window too
    assert browser.get("/").status_code == 302  # not logged in
    [lockout] = lockouts(app)
    assert (lockout.scope, lockout.email, lockout.address) == ("account", WHO["ivan"],
                                                               "127.0.0.1")
    assert 0 < (lockout.until - lockout.at).total_seconds() <= 61
    assert any("login locked out (account) for ivan@example.com" in r.getMessage()
               for r in caplog.records)
    # the account as typed another way is the same account; another account is unaffected
    assert browser.login(" IVAN@Example.com ").status_code == 429
    assert Browser(app.test_client()).login("anna").status_code == 303
    assert len(lockouts(app)) == 1  # one lockout, recorded once


def test_a_lockout_in_russian_for_a_russian_browser(app: Flask, browser: Browser) -> None:
    app.config["LOGIN_LIMITS_ACCOUNT"] = "1 per minute"
    browser.login("olga", password=WRONG)
    page = browser.submit("/login?lang=ru", "/login?lang=ru",
                          {"email": WHO["olga"], "password": PASSWORD})
    assert page.status_code == 429
    assert "Слишком много неудачных попыток входа. Повторите через 1 мин., после" in page.text


def test_the_right_password_works_again_when_the_window_has_passed(
        app: Flask, browser: Browser) -> None:
    app.config["LOGIN_LIMITS_ACCOUNT"] = "2 per 2 seconds"
    for _ in range(2):
        assert browser.login("ivan", password=WRONG).status_code == 401
    assert browser.login("ivan").status_code == 429
    time.sleep(2.2)
    assert browser.login("ivan").status_code == 303


def test_successful_logins_are_not_counted(app: Flask) -> None:
    app.config["LOGIN_LIMITS_ACCOUNT"] = "2 per minute"
    app.config["LOGIN_LIMITS_ADDRESS"] = "2 per minute"
    for _ in range(4):
        assert Browser(app.test_client()).login("ivan").status_code == 303
    assert lockouts(app) == []


def test_only_the_login_is_limited_unless_a_default_limit_is_configured(
        app: Flask, tmp_path: Path) -> None:
    """The limiter's check before every request is off (it had nothing to count but the
    login's own limits, which the login view checks); a configured default limit keeps it."""
    app.config["LOGIN_LIMITS_ADDRESS"] = "2 per minute"
    browser = Browser(app.test_client())
    for _ in range(5):
        assert browser.get("/login").status_code == 200
    assert browser.login("ivan", password=WRONG).status_code == 401
    assert browser.login("ivan", password=WRONG).status_code == 401
    assert browser.login("ivan").status_code == 429
    limited = build_app(tmp_path / "limited", {"RATELIMIT_STORAGE_URI": "memory://",
                                               "RATELIMIT_DEFAULT": "2 per minute"})
    try:
        client = limited.test_client()
        assert [client.get("/login").status_code for _ in range(3)] == [200, 200, 429]
    finally:
        limited.extensions["signoff.db"].dispose()


def test_one_address_trying_many_accounts_is_locked_and_another_address_is_not(
        app: Flask) -> None:
    app.config["LOGIN_LIMITS_ADDRESS"] = "3 per minute"
    guesser = from_address(app, "203.0.113.7")
    for name in ("ivan", "anna", "nobody@example.com"):
        assert guesser.login(name, password=WRONG).status_code == 401
    assert guesser.login("boris").status_code == 429  # a fourth account, right password
    [lockout] = lockouts(app)
    assert (lockout.scope, lockout.address, lockout.email) == ("address", "203.0.113.7",
                                                               WHO["boris"])
    assert from_address(app, "198.51.100.2").login("boris").status_code == 303


def test_head_on_the_login_page_is_not_a_login_attempt(app: Flask, browser: Browser) -> None:
    app.config["LOGIN_LIMITS_ACCOUNT"] = "1 per minute"
    app.config["LOGIN_LIMITS_ADDRESS"] = "1 per minute"
    for _ in range(3):
        head = browser.client.head("/login", data={"email": WHO["ivan"], "password": WRONG})
        assert head.status_code == 200
        assert head.data == b""
    assert browser.login("ivan").status_code == 303


def test_head_on_post_only_routes_is_405_and_starts_nothing(app: Flask, browsers) -> None:
    ivan = browsers("ivan")
    for path in ("/logout", "/tasks/1/decide", "/instances/1/withdraw", "/api/tasks/decisions"):
        assert ivan.client.head(path).status_code == 405, path
    before = count(app, Instance)
    # /api/instances also lists (GET, so HEAD): without a token it is refused, never a start
    assert ivan.client.head("/api/instances").status_code == 401
    assert count(app, Instance) == before
    shown = ivan.client.head("/processes/contract-approval/start",
                             data={"title": "By HEAD", "approvers": WHO["anna"]})
    assert shown.status_code == 200  # the form's page, without its body
    assert count(app, Instance) == before


def test_the_administrators_see_the_lockouts(app: Flask, browser: Browser, browsers) -> None:
    app.config["LOGIN_LIMITS_ACCOUNT"] = "1 per minute"
    browser.login("boris", password=WRONG)
    assert browser.login("boris", password=WRONG).status_code == 429
    ada = browsers("ada")
    assert 'href="/admin/logins"' in ada.get("/").text
    page = ada.get("/admin/logins")
    assert page.status_code == 200
    assert page.text.count('class="lockout"') == 1
    assert WHO["boris"] in page.text and "127.0.0.1" in page.text
    assert "still locked" in page.text
    anna = browsers("anna")
    assert 'href="/admin/logins"' not in anna.get("/").text
    refused = anna.get("/admin/logins")
    assert refused.status_code == 403 and WHO["boris"] not in refused.text


# ---------------------------------------------------------------------------- sessions


def test_a_cookie_copied_before_logout_is_refused_after_it(app: Flask, browser: Browser) -> None:
    browser.login("ivan")
    copied = browser.client.get_cookie("session").value
    assert browser.logout().status_code == 303
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert Browser(app.test_client()).login("ivan").status_code == 303  # a new login works


def test_a_password_change_ends_the_sessions_made_before_it(app: Flask, browser: Browser,
                                                            browsers) -> None:
    browser.login("anna")
    other = browsers("ivan")
    with write_session(app.extensions["signoff.db"]) as session:
        anna = session.exec(select(Person).where(Person.email == WHO["anna"])).one()
        set_password(anna, "a brand new password")
        session.add(anna)
    response = browser.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert browser.get("/").status_code == 302  # still out
    assert browser.login("anna", password="a brand new password").status_code == 303
    assert browser.get("/").status_code == 200
    assert other.get("/").status_code == 200  # someone else's session is untouched


# ---------------------------------------------------------------------------- headers


def assert_security_headers(response, https: bool = False) -> None:
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "frame-ancestors 'none'", "form-action 'self'",
                      "base-uri 'none'", "object-src 'none'"):
        assert directive in csp, directive
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    if https:
        assert headers["Strict-Transport-Security"] == "max-age=31536000"
    else:
        assert "Strict-Transport-Security" not in headers


def test_every_kind_of_response_carries_the_security_headers(app: Flask, browsers) -> None:
    ivan = browsers("ivan")
    page, api = ivan.get("/"), app.test_client().get("/api/processes")
    missing, static = ivan.get("/no/such/page"), app.test_client().get("/static/signoff.css")
    assert (page.status_code, api.status_code, missing.status_code, static.status_code) == (
        200, 401, 404, 200)
    assert api.is_json
    for response in (page, api, missing, static):
        assert_security_headers(response)
    static.close()


def test_an_https_base_url_makes_the_cookie_secure_and_adds_hsts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, redis_url: str, app_broker) -> None:
    monkeypatch.setenv("SIGNOFF_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setattr("approvals.store.directory._hasher", FAST_HASHER)
    monkeypatch.setenv("SIGNOFF_BASE_URL", "https://signoff.example.com")
    app = build_app(tmp_path)
    try:
        assert app.config["SESSION_COOKIE_SECURE"] is True
        browser = Browser(app.test_client())
        response = browser.login("ivan")
        assert response.status_code == 303
        cookie = response.headers["Set-Cookie"]
        assert cookie.startswith("session=") and "; Secure" in cookie and "HttpOnly" in cookie
        assert_security_headers(response, https=True)
    finally:
        app.extensions["signoff.db"].dispose()


def test_an_http_base_url_keeps_the_cookie_plain_unless_forced(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app: Flask) -> None:
    assert app.config["SESSION_COOKIE_SECURE"] is False
    response = Browser(app.test_client()).login("ivan")
    assert "Secure" not in response.headers["Set-Cookie"]
    monkeypatch.setenv("SIGNOFF_SECURE_COOKIES", "1")
    (tmp_path / "forced").mkdir()
    forced = build_app(tmp_path / "forced")
    try:
        assert forced.config["SESSION_COOKIE_SECURE"] is True
    finally:
        forced.extensions["signoff.db"].dispose()
