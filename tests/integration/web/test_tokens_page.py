"""``/tokens``: a person makes an API token (shown once), sees their own, and revokes them;
administrators see and revoke anyone's; the JSON API refuses a revoked token."""

from __future__ import annotations

import hashlib
import re

from flask import Flask
from sqlmodel import select

from approvals.store.db import read_session
from approvals.store.models import ApiToken
from tests.integration.web.site import Browser, ids

SECRET = re.compile(r"so_[A-Za-z0-9_-]{40,}")


def _make(browser: Browser, label: str = "", days: str = "90"):
    return browser.submit("/tokens", "/tokens", {"label": label, "days": days})


def _made(browser: Browser, label: str = "", days: str = "90") -> str:
    response = _make(browser, label, days)
    assert response.status_code == 200, response.text
    [secret] = SECRET.findall(response.text)
    return secret


def _rows(app: Flask) -> list[ApiToken]:
    with read_session(app.extensions["signoff.db"]) as session:
        return list(session.exec(select(ApiToken).order_by(ApiToken.id)))


def _api(app: Flask, secret: str):
    return app.test_client().get("/api/tasks?assignee=me",
                                 headers={"Authorization": f"Bearer {secret}"})


def _revoke(browser: Browser, token_id: int):
    return browser.submit("/tokens", f"/tokens/{token_id}/revoke", {})


def test_a_new_token_is_shown_once_stored_as_its_hash_and_works(app: Flask, browsers) -> None:
    anna = browsers("anna")

    response = _make(anna, "  report   script ", "30")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    [secret] = SECRET.findall(response.text)
    [row] = _rows(app)
    assert row.person_id == ids(app)["anna"] and row.label == "report script"
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert (row.expires_at - row.created_at).days == 30
    assert _api(app, secret).status_code == 200
    again = anna.get("/tokens")
    assert "report script" in again.text and secret not in again.text
    assert not SECRET.search(again.text)


def test_a_bad_number_of_days_or_a_long_label_is_refused_and_nothing_is_made(
        app: Flask, browsers) -> None:
    anna = browsers("anna")

    for label, days in (("", "0"), ("", "367"), ("", "ninety"), ("x" * 101, "90")):
        response = _make(anna, label, days)
        assert response.status_code == 400, (label, days)
        assert "field-error" in response.text
    assert _rows(app) == []


def test_a_person_revokes_their_own_token_and_the_api_refuses_it(app: Flask,
                                                                 browsers) -> None:
    anna = browsers("anna")
    old, new = _made(anna, "old"), _made(anna, "new")
    old_id = _rows(app)[0].id

    response = _revoke(anna, old_id)

    assert response.status_code == 303 and response.location.endswith("/tokens")
    shown = anna.get("/tokens").text
    assert f"Token No. {old_id} is revoked" in shown
    assert re.search(rf'data-token="{old_id}" data-state="revoked"', shown)
    refused = _api(app, old)
    assert refused.status_code == 401 and "revoked" in refused.get_json()["message"]
    assert _api(app, new).status_code == 200


def test_nobody_revokes_another_persons_token_unless_an_administrator(
        app: Flask, browsers) -> None:
    anna, oscar, ada = browsers("anna"), browsers("oscar"), browsers("ada")
    secret = _made(anna, "anna's export")
    token_id = _rows(app)[0].id

    assert _revoke(oscar, token_id).status_code == 403
    assert "anna&#39;s export" not in oscar.get("/tokens").text
    assert _api(app, secret).status_code == 200
    assert _revoke(oscar, 999).status_code == 404

    listed = ada.get("/tokens").text
    assert "anna&#39;s export" in listed and "anna@example.com" in listed
    assert _revoke(ada, token_id).status_code == 303
    assert _api(app, secret).status_code == 401


def test_token_forms_need_the_csrf_token_and_a_login(app: Flask, browser: Browser,
                                                     browsers) -> None:
    anna = browsers("anna")
    _made(anna)
    token_id = _rows(app)[0].id

    assert anna.client.post("/tokens", data={"days": "90"}).status_code == 400
    assert anna.client.post(f"/tokens/{token_id}/revoke").status_code == 400
    assert browser.get("/tokens").status_code == 302
    assert len(_rows(app)) == 1 and _rows(app)[0].revoked_at is None


def test_the_tokens_page_speaks_the_persons_language(app: Flask, browsers) -> None:
    olga, anna = browsers("olga"), browsers("anna")

    russian, english = olga.get("/tokens").text, anna.get("/tokens").text

    assert "Ваши токены" in russian and "Срок действия, дней" in russian
    assert "Your tokens" in english and "Works for, days" in english
    assert 'href="/tokens"' in russian and "API-токены" in russian
