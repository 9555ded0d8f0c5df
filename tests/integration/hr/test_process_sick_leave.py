"""Sick leave end to end through the JSON API: by a sick note — the instructions sent at once,
the manager confirming, the absence recorded (no balance touched), prolonged by the employee
with the new dates (the absence extended, the manager told), closed with the electronic sick
note's 12-digit number, processed by HR; working from home recorded on the manager's word."""

from __future__ import annotations

from datetime import date

from flask import Flask
from sqlalchemy import select

from hr.models import Absence, LeaveEntry
from tests.integration.hr import leave_process_site
from tests.integration.hr.api_flows import decide, start, view
from tests.integration.hr.leave_process_site import (
    db,
    notices,
    person,
)
from tests.integration.web.api.conftest import Api

app, api = leave_process_site.app, leave_process_site.api  # the fixtures

SINCE_MONDAY = {"start": "2026-04-13", "end": "2026-04-17"}  # reported on Wednesday 15th


def _absences(app: Flask) -> list:
    with db(app).connect() as conn:
        return list(conn.execute(select(Absence.__table__).order_by(Absence.__table__.c.id)))


def _uses(app: Flask) -> list:
    with db(app).connect() as conn:
        return list(conn.execute(select(LeaveEntry.__table__).where(
            LeaveEntry.__table__.c.kind == "use")))


def test_a_sick_note_prolonged_then_closed_with_its_number(app: Flask, api: Api) -> None:
    employee = person(app, "employee")
    started = start(api, "employee", "sick-leave", {"variant": "sick", "period": SINCE_MONDAY})
    instance_id = started["id"]
    assert started["title"] == "Больничный: Анна Петрова, 13.04.2026 – 17.04.2026 " \
                               "(Больничный лист)"
    [(who, told)] = notices(app, instance_id)
    assert who == employee and "ЭЛН" in told["message"]["ru"] and "ELN" in told["message"]["en"]

    decide(api, "manager", instance_id, "approve")
    assert view(api, instance_id)["stage"] == "sick_note"
    [absence] = _absences(app)
    assert (absence.kind, absence.starts_on, absence.ends_on, absence.person_id) == (
        "sick", date(2026, 4, 13), date(2026, 4, 17), employee)

    decide(api, "employee", instance_id, "prolonged",
           fields={"period": {"start": "2026-04-13", "end": "2026-04-22"}})
    assert view(api, instance_id)["stage"] == "prolonged"
    [absence] = _absences(app)
    assert absence.ends_on == date(2026, 4, 22)
    assert [(who, told["message"]["ru"]) for who, told in notices(app, instance_id)
            if who == person(app, "manager")] == [
        (person(app, "manager"), "Больничный сотрудника Анна Петрова продлён: "
                                 "13.04.2026 – 22.04.2026.")]

    task = api.open_task("employee", instance_id)
    wrong = api.post("employee", f"/api/tasks/{task['id']}/decision",
                     {"verdict": "closed", "fields": {"eln_number": "91020304"}})
    assert wrong.status_code == 400
    assert wrong.get_json()["fields"]["eln_number"]["code"] == "pattern"
    decide(api, "employee", instance_id, "closed", fields={"eln_number": "910203040506"})
    assert view(api, instance_id)["stage"] == "hr"
    decide(api, "hr", instance_id, "done")

    done = view(api, instance_id, "employee")
    assert done["status"] == "completed"
    assert done["fields"]["eln_number"] == "910203040506"
    assert [a.ends_on for a in _absences(app)] == [date(2026, 4, 22)]  # recorded once
    assert _uses(app) == []  # a sick note is paid by the Social Fund, no leave is used
    assert [told["message"]["en"] for who, told in notices(app, instance_id)
            if who == employee][-1] == ("Your sick note 2026-04-13 – 2026-04-22 "
                                        "(ELN 910203040506) is recorded. Get well!")


def test_working_from_home_is_recorded_once_the_manager_confirms(app: Flask, api: Api) -> None:
    started = start(api, "employee", "sick-leave", {"variant": "remote", "period": {
        "start": "2026-04-15", "end": "2026-04-16"}})
    [(_, told)] = notices(app, started["id"])
    assert "Working from home" in told["message"]["en"]
    decide(api, "manager", started["id"], "approve")

    assert view(api, started["id"])["status"] == "completed"  # nothing for HR to process
    [absence] = _absences(app)
    assert (absence.kind, absence.starts_on, absence.ends_on) == (
        "remote", date(2026, 4, 15), date(2026, 4, 16))
