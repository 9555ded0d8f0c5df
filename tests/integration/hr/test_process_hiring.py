"""The hiring through the JSON API: an address already in the directory refused; the manager's
approval creating the newcomer (starting, inactive, hired from the start date); onboarding in
three parallel branches; the first day refused before the newcomer is active, accepted once the
daily job has activated them on their start date; and the newcomer's acknowledgement of the
company's documents completing it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from flask import Flask

from approvals.store.db import write_session
from approvals.store.directory import issue_token
from approvals.store.models import Person
from hr import jobs
from tests.integration.flows import rows
from tests.integration.hr import people_site
from tests.integration.hr.api_flows import decide, refused, start, view
from tests.integration.hr.people_site import (
    WHO,
    days,
    db,
)
from tests.integration.web.api.conftest import Api

app, api = people_site.app, people_site.api  # the fixtures

PROCESS = "hiring"
NEWCOMER = "oleg@example.com"


def _hiring(**changes) -> dict:
    return {"name": "Олег Новиков", "email": NEWCOMER, "position": "Менеджер по продажам",
            "department": "Sales", "manager": WHO["manager"], "start_date": days(10),
            **changes}


def test_a_hiring_creates_the_person_who_starts_on_their_day_and_acknowledges(
        app: Flask, api: Api) -> None:
    engine = db(app)
    problem = refused(api, "hr", PROCESS, _hiring(email=WHO["successor"]))["email"]
    assert problem["code"] == "hr_proc.people.email_taken"
    started = start(api, "hr", PROCESS, _hiring())
    instance_id = started["id"]
    assert rows(engine, Person, Person.email == NEWCOMER) == []

    decide(api, "manager", instance_id, "approve")
    [person] = rows(engine, Person, Person.email == NEWCOMER)
    assert (person.name, person.employment, person.active, person.hire_date.isoformat(),
            person.position, person.manager_id, person.locale) == (
        "Олег Новиков", "starting", False, days(10), "Менеджер по продажам",
        app.config["IDS"]["manager"], "ru")
    assert {t["stage"] for t in view(api, instance_id)["tasks"] if t["state"] == "open"} == {
        "onboarding.it", "onboarding.hr", "onboarding.manager"}
    decide(api, "it", instance_id, "done")
    decide(api, "hr", instance_id, "done")
    decide(api, "manager", instance_id, "done")
    assert view(api, instance_id)["stage"] == "first_day"

    early = decide(api, "manager", instance_id, "started", status=409)
    assert early["error"] == "hr_proc.people.not_started"
    assert view(api, instance_id)["stage"] == "first_day"  # nothing half-done

    first_day = date.fromisoformat(days(10))
    assert jobs.daily(engine, datetime.combine(first_day, time(0, 5), tzinfo=UTC)).started \
        == [person.id]
    [person] = rows(engine, Person, Person.email == NEWCOMER)
    assert (person.employment, person.active) == ("active", True)

    decide(api, "manager", instance_id, "started")
    shown = view(api, instance_id)
    [task] = [t for t in shown["tasks"] if t["state"] == "open"]
    assert (shown["stage"], task["assignee"]["email"]) == ("acknowledge", NEWCOMER)
    with write_session(engine) as session:
        api.tokens["newcomer"] = issue_token(session, session.get(Person, person.id),
                                             datetime.now(UTC))
    decide(api, "newcomer", instance_id, "acknowledge")
    assert view(api, instance_id)["status"] == "completed"


def test_a_rejected_hiring_creates_nobody(app: Flask, api: Api) -> None:
    instance_id = start(api, "hr", PROCESS, _hiring())["id"]
    decide(api, "manager", instance_id, "reject", comment="Вакансия закрыта")
    assert view(api, instance_id)["outcome"] == "rejected"
    assert rows(db(app), Person, Person.email == NEWCOMER) == []
