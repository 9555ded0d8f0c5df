"""Time off end to end through the JSON API: against overtime, with both managers above the
team lead approving in turn — the overtime hours charged, accounting and the manager told;
a refusal by the second ending it with the head of the department and the author told; more
hours than were worked over refused with the numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Flask
from sqlalchemy import select

from hr.models import Absence
from tests.integration.hr import leave_process_site
from tests.integration.hr.api_flows import decide, refused, start, view
from tests.integration.hr.leave_process_site import (
    balance,
    credit_overtime,
    db,
    notices,
    person,
)
from tests.integration.web.api.conftest import Api

app, api = leave_process_site.app, leave_process_site.api  # the fixtures

MONDAY = {"start": "2026-04-20", "end": "2026-04-20"}


def _waiting_for(api: Api, instance_id: int) -> list[tuple[str, str]]:
    return [(t["assignee"]["email"], t["state"]) for t in view(api, instance_id)["tasks"]]


def test_time_off_against_overtime_is_approved_by_every_manager_in_turn(
        app: Flask, api: Api) -> None:
    credit_overtime(app, "manager", "16")
    started = start(api, "manager", "time-off", {"basis": "overtime", "period": MONDAY,
                                                 "reason": "Family matters"})
    instance_id = started["id"]
    assert started["title"] == "Отгул: Пётр Руководитель, 20.04.2026 – 20.04.2026"
    assert _waiting_for(api, instance_id) == [("olga@example.com", "open"),
                                              ("dina@example.com", "waiting")]

    decide(api, "head", instance_id, "approve")
    assert _waiting_for(api, instance_id)[1] == ("dina@example.com", "open")
    decide(api, "director", instance_id, "approve")

    assert view(api, instance_id)["status"] == "completed"
    with db(app).connect() as conn:
        [absence] = conn.execute(select(Absence.__table__)).all()
    assert (absence.kind, absence.starts_on, absence.person_id) == (
        "time_off", date(2026, 4, 20), person(app, "manager"))
    assert balance(app, "manager", "overtime", date(2026, 4, 20)) == Decimal(8)
    told = {who: params["message"]["en"] for who, params in notices(app, instance_id)}
    assert told[person(app, "accountant")] == (
        "Time off for Пётр Руководитель: 2026-04-20 – 2026-04-20, Overtime already worked.")
    assert told[person(app, "head")] == "Пётр Руководитель takes time off: 2026-04-20 – 2026-04-20."


def test_a_refusal_ends_it_and_tells_the_department_head_and_the_author(
        app: Flask, api: Api) -> None:
    started = start(api, "manager", "time-off", {"basis": "unpaid", "period": MONDAY,
                                                 "hours": "4", "reason": "Dentist"})
    instance_id = started["id"]
    decide(api, "head", instance_id, "approve")
    decide(api, "director", instance_id, "refuse", comment="Quarter closing that day")

    ended = view(api, instance_id)
    assert (ended["status"], ended["outcome"]) == ("completed", "refused")
    assert [who for who, _ in notices(app, instance_id)] == [person(app, "head")]
    [(author, params)] = notices(app, instance_id, "instance_ended")
    assert (author, params["comment"]) == (person(app, "manager"), "Quarter closing that day")
    with db(app).connect() as conn:
        assert conn.execute(select(Absence.__table__)).all() == []


def test_more_hours_than_were_worked_over_are_refused(app: Flask, api: Api) -> None:
    credit_overtime(app, "manager", "6")
    problems = refused(api, "manager", "time-off", {"basis": "overtime", "period": MONDAY,
                                                    "reason": "Family matters"})
    assert problems["period"]["code"] == "leave_balance_short_hours"
    assert "6" in problems["period"]["message"] and "8" in problems["period"]["message"]
    start(api, "manager", "time-off", {"basis": "overtime", "period": MONDAY, "hours": "6",
                                       "reason": "Family matters"})
