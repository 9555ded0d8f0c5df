"""``/admin/webhooks`` as an administrator uses it, on both databases: adding an endpoint shows
its secret once, an address Signoff may not post to is refused with a clear message in either
language and nothing stored, and the buttons disable, rotate and delete. (Who may open these
pages at all: the authorisation matrix, tests/integration/web/test_authorization_matrix.py.)"""

from __future__ import annotations

import html

import pytest

from approvals import texts
from approvals.records import webhooks
from approvals.store.models import WebhookEndpoint
from tests.integration.flows import rows
from tests.integration.webhooks.flows import admin_browser, register

LIST = "/admin/webhooks"


def _form(url: str, *, allow_private: bool = False, events=("task.decided",)) -> dict:
    form = {"url": url, "description": "1C accounting", "events": list(events)}
    if allow_private:
        form["allow_private"] = "1"
    return form


def test_adding_an_endpoint_shows_its_secret_this_once(db, org, now):
    browser = admin_browser(db, org.admin)
    answer = browser.submit(LIST, LIST, _form("http://127.0.0.1:8080/1c/hook",
                                              allow_private=True,
                                              events=("task.decided", "payment.recorded")))

    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    [endpoint] = rows(db, WebhookEndpoint)
    assert endpoint.secret.startswith("whsec_") and endpoint.secret in answer.text
    assert (endpoint.url, endpoint.description, endpoint.events, endpoint.allow_private) == (
        "http://127.0.0.1:8080/1c/hook", "1C accounting", ["task.decided", "payment.recorded"],
        True)
    assert texts.t("webhooks.plain_http", "en") in html.unescape(answer.text)
    again = browser.get(f"{LIST}/{endpoint.id}")
    assert again.status_code == 200 and endpoint.secret not in again.text
    assert endpoint.secret not in browser.get(LIST).text


@pytest.mark.parametrize(("url", "allow_private", "code", "params"), [
    ("ftp://crm.example.com/hook", False, "webhook_url_scheme", {"scheme": "ftp"}),
    ("http://user:pass@crm.example.com/hook", False, "webhook_url_credentials", {}),
    ("http://127.0.0.1/hook", False, "webhook_address_loopback",
     {"host": "127.0.0.1", "address": "127.0.0.1"}),
    ("http://localhost:8080/hook", False, "webhook_address_loopback",
     {"host": "localhost", "address": "127.0.0.1"}),
    ("https://10.20.30.40/hook", False, "webhook_address_private",
     {"host": "10.20.30.40", "address": "10.20.30.40"}),
    ("http://169.254.169.254/latest/meta-data", True, "webhook_address_link_local",
     {"host": "169.254.169.254", "address": "169.254.169.254"}),
])
def test_an_address_signoff_may_not_post_to_is_refused_and_nothing_stored(
        db, org, now, url, allow_private, code, params):
    browser = admin_browser(db, org.admin)
    answer = browser.submit(LIST, LIST, _form(url, allow_private=allow_private))

    assert answer.status_code == 400
    english = texts.field_error(code, params, "en")
    if code == "webhook_address_loopback" and "localhost" in url:  # ::1 may come first
        english = english.split("(")[0]
    assert english in html.unescape(answer.text)
    russian = texts.field_error(code, params, "ru")
    assert russian != english and any("а" <= ch <= "я" for ch in russian.lower())
    assert rows(db, WebhookEndpoint) == []
    assert f'value="{html.escape(url)}"' in answer.text  # the form keeps what was typed


def test_no_events_and_a_long_description_are_refused_together(db, org, now):
    browser = admin_browser(db, org.admin)
    answer = browser.submit(LIST, LIST, {"url": "https://crm.example.com/hook",
                                         "description": "x" * 201, "events": ["no.such"]})
    assert answer.status_code == 400
    page = html.unescape(answer.text)
    assert texts.field_error("webhook_events", {}, "en") in page
    assert texts.field_error("webhook_description_long", {"max": 200}, "en") in page
    assert rows(db, WebhookEndpoint) == []


def test_disable_rotate_and_delete(db, org, now):
    made = register(db, org, "http://127.0.0.1:9/hook", now)
    browser = admin_browser(db, org.admin)
    page = f"{LIST}/{made.endpoint_id}"

    assert browser.submit(page, f"{page}/active", {"active": "0"}).status_code == 303
    [endpoint] = rows(db, WebhookEndpoint)
    assert (endpoint.active, endpoint.disabled_reason) == (False, "admin")
    assert webhooks.ping(db, made.endpoint_id, {}, now) is None  # nothing for a disabled one
    assert browser.submit(page, f"{page}/active", {"active": "1"}).status_code == 303
    assert rows(db, WebhookEndpoint)[0].active

    rotated = browser.submit(page, f"{page}/secret", {})
    [endpoint] = rows(db, WebhookEndpoint)
    assert rotated.status_code == 200 and rotated.headers["Cache-Control"] == "no-store"
    assert endpoint.secret in rotated.text and endpoint.secret != made.secret
    assert endpoint.previous_secret == made.secret

    kept = browser.submit(page, f"{page}/delete", {})  # not confirmed
    assert kept.status_code == 303 and len(rows(db, WebhookEndpoint)) == 1
    gone = browser.submit(page, f"{page}/delete", {"confirm": "yes"})
    assert gone.status_code == 303 and gone.headers["Location"].endswith(LIST)
    assert rows(db, WebhookEndpoint) == []
    assert browser.get(page).status_code == 404
