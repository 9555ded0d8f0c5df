"""The dismissal through the JSON API: the notice of two weeks (art. 80) refused with its
numbers unless agreed with the manager; the manager's approval opening the handover in four
branches; and the last day (``now`` passed to the daily job): the leaver's open tasks handed
to the successor with an audited event each, the leaver dismissed and inactive, the days away
they set and their absence feed ended — once, however often the job runs."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from flask import Flask
from sqlalchemy import insert

from approvals.records import deputies
from approvals.store.db import write_connection
from approvals.store.models import AuditEvent, Deputy, Person, Task
from hr import jobs
from hr.models import CalendarFeed
from tests.integration.flows import rows
from tests.integration.hr import people_site
from tests.integration.hr.api_flows import decide, refused, start, view
from tests.integration.hr.people_site import (
    WHO,
    days,
    db,
    today,
)
from tests.integration.web.api.conftest import Api

app, api = people_site.app, people_site.api  # the fixtures

PROCESS = "dismissal"


def _dismissal(**changes) -> dict:
    return {"last_day": days(20), "successor": WHO["successor"], **changes}


def test_less_than_two_weeks_notice_is_refused_with_its_numbers_unless_agreed(
        app: Flask, api: Api) -> None:
    problem = refused(api, "employee", PROCESS, _dismissal(last_day=days(5)))["last_day"]
    assert problem["code"] == "hr_proc.people.notice_too_short"
    assert "5 days away" in problem["message"] and days(14) in problem["message"]
    assert refused(api, "employee", PROCESS, _dismissal(last_day=days(-1)))["last_day"][
        "code"] == "hr_proc.people.last_day_past"
    agreed = start(api, "employee", PROCESS, _dismissal(last_day=days(5), agreed_earlier=True))
    assert (agreed["stage"], agreed["fields"]["leaver"]) == ("manager", WHO["employee"])


def test_on_the_last_day_the_leavers_tasks_move_and_they_are_dismissed(
        app: Flask, api: Api) -> None:
    ids = app.config["IDS"]
    engine = db(app)
    # Ivan has work in hand: he is the manager a hiring waits for
    hiring = start(api, "hr", "hiring", {
        "name": "Олег Новиков", "email": "oleg@example.com", "position": "Менеджер",
        "department": "Sales", "manager": WHO["employee"], "start_date": days(40)})
    [held] = rows(engine, Task, Task.instance_id == hiring["id"], Task.state == "open")
    assert held.assignee_id == ids["employee"]
    # HR files the dismissal for him; he has days away ahead and an absence feed
    started = start(api, "hr", PROCESS, _dismissal(employee=WHO["employee"]))
    assert started["title"] == f"Dismissal: Иван Сотрудник, last day {days(20)}"  # Hanna's
    away = deputies.set_away(engine, ids["employee"], date.fromisoformat(days(30)),
                             date.fromisoformat(days(35)), ids["successor"],
                             now=datetime.now(UTC))
    with write_connection(engine) as conn:
        conn.execute(insert(CalendarFeed.__table__).values(
            owner_id=ids["employee"], scope="person", person_id=ids["employee"],
            token_hash="f" * 64, created_at=datetime.now(UTC)))

    decide(api, "manager", started["id"], "approve")
    shown = view(api, started["id"])
    assert {t["stage"] for t in shown["tasks"] if t["state"] == "open"} == {
        "handover.successor", "handover.it", "handover.pay", "handover.hr"}

    last_day = date.fromisoformat(days(20))
    morning = jobs.daily(engine, datetime.combine(last_day, time(10), tzinfo=UTC))
    assert morning.dismissed == []  # he works his last day

    evening = jobs.daily(engine, datetime.combine(last_day, time(15, 30), tzinfo=UTC))
    assert evening.dismissed == [ids["employee"]]
    assert evening.moved == {held.id: ids["successor"]}
    [moved] = rows(engine, Task, Task.instance_id == hiring["id"], Task.state == "open")
    assert (moved.assignee_id, moved.on_behalf_of_id) == (ids["successor"], ids["employee"])
    [event] = rows(engine, AuditEvent, AuditEvent.instance_id == hiring["id"],
                   AuditEvent.kind == "reassigned")
    assert event.data["comment"].startswith("Передано в последний рабочий день")
    [person] = rows(engine, Person, Person.id == ids["employee"])
    assert (person.employment, person.active) == ("dismissed", False)
    [ended] = rows(engine, Deputy, Deputy.id == away.id)
    assert ended.cancelled_at is not None
    [feed] = rows(engine, CalendarFeed, CalendarFeed.owner_id == ids["employee"])
    assert feed.revoked_at is not None
    # his token no longer opens the API
    assert api.get("employee", "/api/tasks?assignee=me").status_code == 401

    again = jobs.daily(engine, datetime.combine(last_day, time(16), tzinfo=UTC))
    assert (again.dismissed, again.moved) == ([], {})


def test_a_rejected_dismissal_never_dismisses(app: Flask, api: Api) -> None:
    started = start(api, "employee", PROCESS, _dismissal())
    decide(api, "manager", started["id"], "reject", comment="Обсудим")
    assert view(api, started["id"])["outcome"] == "rejected"
    done = jobs.daily(db(app), datetime.combine(date.fromisoformat(days(21)), time(16),
                                                tzinfo=UTC))
    assert done.dismissed == [] and today() < date.fromisoformat(days(21))
