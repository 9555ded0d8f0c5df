"""``/api/me/absences``: days away and a deputy through the JSON API — set, listed, cancelled,
with the open tasks handed over on request; each bad input refused with its field's code and
nothing stored. And ``/api/tasks/<id>/reassign`` with a comment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from approvals.clock import utcnow
from approvals.store.db import read_session
from approvals.store.models import AuditEvent, Deputy

TODAY = utcnow().date()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def away(api, who: str = "anna", **body):
    return api.post(who, "/api/me/absences", {"from": day(0), "to": day(4),
                                              "deputy": "clara@example.com", **body})


def stored(app) -> list[Deputy]:
    with read_session(app.extensions["signoff.db"]) as session:
        return list(session.exec(select(Deputy).order_by(Deputy.id)))


def test_days_away_are_set_listed_and_cancelled(api, app, person_ids):
    response = away(api, reason="Conference")
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert response.headers["Location"] == "/api/me/absences"
    absence = created["absence"]
    assert (absence["person"]["email"], absence["deputy"]["email"], absence["from"],
            absence["to"], absence["source"], absence["state"], absence["reason"]) == (
        "anna@example.com", "clara@example.com", day(0), day(4), "self", "current",
        "Conference")
    assert created["handover"] is None

    listed = api.get("anna", "/api/me/absences").get_json()
    assert [a["id"] for a in listed["absences"]] == [absence["id"]]
    assert [a["id"] for a in api.get("clara", "/api/me/absences").get_json()["deputising"]] \
        == [absence["id"]]

    assert api.client.delete(f"/api/me/absences/{absence['id']}",
                             headers=api.headers("boris")).status_code == 403
    cancelled = api.client.delete(f"/api/me/absences/{absence['id']}",
                                  headers=api.headers("anna"))
    assert cancelled.status_code == 200
    assert cancelled.get_json()["state"] == "cancelled"
    assert api.get("anna", "/api/me/absences").get_json()["absences"] == []


def test_a_task_started_while_away_goes_to_the_deputy_who_decides_it_on_behalf(api):
    assert away(api, deputy="oscar@example.com").status_code == 201
    started = api.start()
    task = api.open_task("outsider", started["id"])
    assert task["on_behalf_of"]["email"] == "anna@example.com"
    assert [t["on_behalf_of"] for t in started["tasks"] if t["assignee"]["email"] ==
            "boris@example.com"] == [None]
    answer = api.decide("outsider", task["id"], "approve").get_json()
    assert answer["decision"]["by"]["email"] == "oscar@example.com"
    view = api.get("admin", f"/api/instances/{started['id']}").get_json()
    decided = [e for e in view["timeline"] if e["kind"] == "decided"]
    assert [(e["actor"]["email"], e["data"]["on_behalf_of"]) for e in decided] == [
        ("oscar@example.com", task["on_behalf_of"]["id"])]


def test_the_open_tasks_are_handed_over_when_asked(api, person_ids):
    started = api.start()
    anna_task = api.open_task("anna", started["id"])
    response = away(api, deputy="oscar@example.com", handover=True)
    assert response.status_code == 201
    assert response.get_json()["handover"] == {"handed": [anna_task["id"]], "refused": {}}
    task = api.open_task("outsider", started["id"])
    assert task["on_behalf_of"]["id"] == person_ids["anna"]


def test_an_administrator_sets_days_away_for_anyone_and_others_get_403(api, app, person_ids):
    assert away(api, "boris", person="anna@example.com").status_code == 403
    response = away(api, "admin", person="anna@example.com")
    assert response.status_code == 201
    assert (response.get_json()["absence"]["source"], stored(app)[0].created_by_id) == (
        "admin", person_ids["admin"])


@pytest.mark.parametrize(("body", "field", "code"), [
    ({"from": day(-9), "to": day(-3)}, "to", "away_in_the_past"),
    ({"from": day(5), "to": day(1)}, "to", "range_reversed"),
    ({"from": "soon"}, "from", "not_a_date"),
    ({"to": None}, "to", "required"),
    ({"deputy": "anna@example.com"}, "deputy", "deputy_is_self"),
    ({"deputy": "nobody@example.com"}, "deputy", "unknown_person"),
    ({"deputy": None}, "deputy", "deputy_required"),  # no manager to default to
    ({"reason": "r" * 501}, "reason", "too_long"),
])
def test_bad_input_is_refused_with_the_fields_code_and_nothing_is_stored(
        api, app, body, field, code):
    response = away(api, **body)
    assert response.status_code == 400
    answer = response.get_json()
    assert answer["error"] == "form_invalid"
    assert answer["fields"][field]["code"] == code, answer
    assert answer["fields"][field]["message"]
    assert stored(app) == []


def test_a_deputy_away_all_along_and_an_overlap_are_refused(api, app):
    assert away(api, "clara", deputy="boris@example.com", to=day(9)).status_code == 201
    assert away(api).get_json()["fields"]["deputy"]["code"] == "deputy_away"
    assert away(api, deputy="boris@example.com").status_code == 201
    response = away(api, deputy="ivan@example.com", **{"from": day(2), "to": day(7)})
    assert response.get_json()["fields"]["from"]["code"] == "away_overlaps"
    assert len(stored(app)) == 2


def test_a_reassignment_through_the_api_carries_its_comment(api, app, person_ids):
    started = api.start()
    task = api.open_task("anna", started["id"])
    response = api.post("anna", f"/api/tasks/{task['id']}/reassign",
                        {"to": "oscar@example.com", "comment": "Warehouse contract"})
    assert response.status_code == 200, response.get_json()
    with read_session(app.extensions["signoff.db"]) as session:
        [event] = session.exec(select(AuditEvent).where(AuditEvent.kind == "reassigned"))
    assert (event.actor_id, event.data["to"], event.data["comment"]) == (
        person_ids["anna"], person_ids["outsider"], "Warehouse contract")
