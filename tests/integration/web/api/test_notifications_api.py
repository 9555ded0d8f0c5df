"""``/api/notifications``: the caller's own, a page at a time, and marking them read — one,
all, or all up to the newest seen (web/notices_api.py)."""

from __future__ import annotations

import pytest
from flask import Flask

from approvals.clock import utcnow
from approvals.store.models import OutboxItem
from tests.integration.flows import rows
from tests.integration.web.api.conftest import Api
from workers import outbox

ON_BOTH_DATABASES = pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
    indirect=True)


def _deliver(app: Flask) -> None:
    db = app.extensions["signoff.db"]
    outbox.deliver_batch(db, [r.id for r in rows(db, OutboxItem, OutboxItem.state == "pending",
                                                 OutboxItem.kind == "notify")], utcnow())


def _arrive(app: Flask, api: Api, count: int) -> None:
    for n in range(count):
        api.start(title=f"Supply contract {n}")
    _deliver(app)


@ON_BOTH_DATABASES
def test_the_list_pages_newest_first_with_total_unread_and_next(app, api: Api) -> None:
    _arrive(app, api, 3)

    first = api.get("anna", "/api/notifications?limit=2")
    assert first.status_code == 200, first.get_json()
    body = first.get_json()
    assert (body["total"], body["unread"]) == (3, 3)
    assert body["next"] == "/api/notifications?page=2&limit=2"
    ids = [n["id"] for n in body["notifications"]]
    assert ids == sorted(ids, reverse=True)
    note = body["notifications"][0]
    assert note["template"] == "task_assigned" and note["read_at"] is None
    assert note["url"] == f"/tasks/{note['task_id']}"
    assert "Supply contract 2" in note["text"]
    last = api.get("anna", body["next"]).get_json()
    assert len(last["notifications"]) == 1 and last["next"] is None
    assert api.get("outsider", "/api/notifications").get_json() == {
        "notifications": [], "total": 0, "unread": 0, "next": None}


@ON_BOTH_DATABASES
def test_marking_one_and_all_up_to_the_newest_seen(app, api: Api) -> None:
    _arrive(app, api, 2)
    seen = api.get("anna", "/api/notifications").get_json()["notifications"]
    _arrive(app, api, 1)  # arrives after Anna looked

    one = api.post("anna", f"/api/notifications/{seen[1]['id']}/read")
    assert one.get_json() == {"marked": 1, "unread": 2}
    assert api.post("anna", f"/api/notifications/{seen[1]['id']}/read").get_json() == {
        "marked": 0, "unread": 2}  # read already
    upto = api.post("anna", "/api/notifications/read", {"up_to": seen[0]["id"]})
    assert upto.get_json() == {"marked": 1, "unread": 1}
    [left] = api.get("anna", "/api/notifications?unread=1").get_json()["notifications"]
    assert left["id"] > seen[0]["id"]
    everything = api.post("anna", "/api/notifications/read")  # no body: all
    assert everything.get_json() == {"marked": 1, "unread": 0}
    assert api.get("boris", "/api/notifications").get_json()["unread"] == 3  # his own


def test_another_persons_notification_is_not_found_and_bad_input_is_refused(app, api: Api):
    _arrive(app, api, 1)
    [annas] = api.get("anna", "/api/notifications").get_json()["notifications"]

    for path in (f"/api/notifications/{annas['id']}/read", "/api/notifications/999999/read"):
        refused = api.post("boris", path)
        assert refused.status_code == 404 and refused.get_json()["error"] == "not_found"
    assert api.get("anna", "/api/notifications").get_json()["unread"] == 1
    for query in ("page=0", "limit=101", "limit=x", "unread=yes"):
        answer = api.get("anna", f"/api/notifications?{query}")
        assert answer.status_code == 400, query
        assert answer.get_json()["error"] == "bad_request"
    for body in ({"up_to": "12"}, {"up_to": 0}, {"up_to": True}, {"up_to": 10**30}):
        assert api.post("anna", "/api/notifications/read", body).status_code == 400, body
    assert api.get("anna", "/api/notifications").get_json()["unread"] == 1  # nothing changed
    assert api.get(None, "/api/notifications").status_code == 401
