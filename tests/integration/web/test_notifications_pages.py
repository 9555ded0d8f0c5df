"""The notifications on the pages: the unread count on every page's menu, the list, opening
one and marking read (web/notices.py)."""

from __future__ import annotations

import io
import re

from flask import Flask

from approvals.clock import utcnow
from approvals.store.models import Notification, OutboxItem
from tests.integration.flows import rows
from tests.integration.web.site import csrf_token, ids
from workers import outbox

CONTRACT = "/processes/contract-approval/start"


def _start(ivan, title: str) -> None:
    response = ivan.submit(CONTRACT, CONTRACT, {
        "title": title, "counterparty": "Acme LLC", "amount": "150000",
        "approvers": "anna@example.com, boris@example.com",
        "contract": (io.BytesIO(b"%PDF-1.4 version one"), "contract-v1.pdf",
                     "application/pdf")}, content_type="multipart/form-data")
    assert response.status_code == 303


def _deliver(app: Flask) -> None:
    """What the worker does with the notify rows: each person's notification."""
    db = app.extensions["signoff.db"]
    pending = [r.id for r in rows(db, OutboxItem, OutboxItem.state == "pending",
                                  OutboxItem.kind == "notify")]
    outbox.deliver_batch(db, pending, utcnow())


def _notes(app: Flask, person: int) -> list[Notification]:
    return rows(app.extensions["signoff.db"], Notification, Notification.person_id == person)


def _badge(html: str) -> str | None:
    found = re.search(r'class="unread-count" aria-hidden="true">(\d+)</span>'
                      r'<span class="visually-hidden">\(([^)]*)\)', html)
    return f"{found.group(1)} / {found.group(2)}" if found else None


def test_the_menu_counts_the_unread_in_the_readers_language(app, browsers) -> None:
    ivan = browsers("ivan")
    for n in range(2):
        _start(ivan, f"Supply contract {n}")
    _deliver(app)

    assert _badge(browsers("anna").get("/away").text) == "2 / 2 unread"  # every page
    assert _badge(browsers("boris").get("/").text) == "2 / 2 непрочитанных"
    assert _badge(ivan.get("/").text) is None  # nothing unread: no badge


def test_opening_and_marking_read_bring_the_count_down(app, browsers) -> None:
    ivan, anna = browsers("ivan"), browsers("anna")
    for n in range(3):
        _start(ivan, f"Supply contract {n}")
    _deliver(app)
    first, second, third = sorted(_notes(app, ids(app)["anna"]), key=lambda n: n.id)

    page = anna.get("/notifications").text
    assert page.count("notice is-unread") == 3 and page.count(">Unread</span>") == 3
    assert page.index(f'id="notice-{third.id}"') < page.index(f'id="notice-{first.id}"')

    token = csrf_token(page)
    opened = anna.client.post(f"/notifications/{third.id}/open", data={"csrf_token": token})
    assert opened.status_code == 303
    assert opened.headers["Location"].endswith(f"/tasks/{third.task_id}")
    marked = anna.client.post(f"/notifications/{second.id}/read",
                              data={"csrf_token": token, "next": "/notifications?page=1"})
    assert (marked.status_code, marked.headers["Location"]) == (303, "/notifications?page=1")
    page = anna.get("/notifications").text
    assert _badge(page) == "1 / 1 unread" and page.count("notice is-unread") == 1
    assert "Supply contract 0" in anna.get("/").text  # the inbox's latest unread

    # Ivan may not read or mark Anna's (as if it did not exist); a forged next stays here
    ivan_token = csrf_token(ivan.get("/notifications").text)
    assert ivan.client.post(f"/notifications/{first.id}/read",
                            data={"csrf_token": ivan_token}).status_code == 404
    assert ivan.client.post(f"/notifications/{first.id}/open",
                            data={"csrf_token": ivan_token}).status_code == 404
    everything = anna.client.post("/notifications/read", data={
        "csrf_token": token, "up_to": str(third.id), "next": "https://evil.example/"})
    assert (everything.status_code, everything.headers["Location"]) == (303, "/")
    assert all(n.read_at is not None for n in _notes(app, ids(app)["anna"]))
    assert _badge(anna.get("/notifications").text) is None
    assert "No unread notifications." in anna.get("/").text


def test_mark_all_as_read_leaves_one_that_arrived_after_the_page_was_shown(app, browsers):
    ivan, anna = browsers("ivan"), browsers("anna")
    _start(ivan, "Supply contract 0")
    _deliver(app)
    page = anna.get("/notifications").text
    up_to = re.search(r'name="up_to" value="(\d+)"', page).group(1)
    _start(ivan, "Supply contract 1")  # arrives while Anna reads
    _deliver(app)

    anna.client.post("/notifications/read", data={"csrf_token": csrf_token(page),
                                                  "up_to": up_to})
    [left] = [n for n in _notes(app, ids(app)["anna"]) if n.read_at is None]
    assert left.id > int(up_to) and _badge(anna.get("/").text) == "1 / 1 unread"


def test_the_list_pages_filters_and_refuses_a_bad_page_number(app, browsers, monkeypatch):
    monkeypatch.setattr("approvals.store.notices.PAGE_SIZE", 2)
    ivan, boris = browsers("ivan"), browsers("boris")
    for n in range(3):
        _start(ivan, f"Supply contract {n}")
    _deliver(app)

    first = boris.get("/notifications").text  # Boris reads Russian
    assert "Страница 1 из 2" in first and 'rel="next" href="/notifications?page=2"' in first
    assert "Отметить все прочитанными" in first and "Не прочитано" in first
    assert boris.get("/notifications?page=2").text.count('class="notice ') == 1
    assert "Непрочитанные (3)" in boris.get("/notifications?unread=1").text
    refused = boris.get("/notifications?page=abc")
    assert refused.status_code == 400 and "Номер страницы" in refused.text
    assert "Уведомлений нет." in browsers("olga").get("/notifications").text
