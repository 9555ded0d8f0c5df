"""The business trip through the JSON API: the per diem computed (days × the rate, never
typed), the manager's approval recording the absence, the advance paid with the accounting
task's form, the "back" task answered by the system on the trip's last day, and the expense
report due three working days later, with its reminder; a rejection ends it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from flask import Flask

from approvals import service
from approvals.store.models import Task, Timer
from hr.models import Absence
from tests.integration.flows import rows
from tests.integration.hr import people_site
from tests.integration.hr.api_flows import decide, refused, start, view
from tests.integration.hr.people_site import (
    days,
    db,
)
from tests.integration.web.api.conftest import Api

app, api = people_site.app, people_site.api  # the fixtures

PROCESS = "business-trip"


def _trip(**changes) -> dict:
    return {"destination": "Казань", "period": {"start": days(20), "end": days(26)},
            "purpose": "Выставка «Иннопром»", **changes}


def test_the_per_diem_is_computed_and_the_expense_report_falls_due_after_the_return(
        app: Flask, api: Api) -> None:
    started = start(api, "employee", PROCESS, _trip())
    instance_id = started["id"]
    assert (started["fields"]["days"], started["fields"]["per_diem"]) == ("7", "4900.00")
    assert started["stage"] == "manager"

    decide(api, "manager", instance_id, "approve")
    [absence] = rows(db(app), Absence, Absence.instance_id == instance_id)
    assert (absence.kind, absence.starts_on.isoformat(), absence.ends_on.isoformat()) == (
        "trip", days(20), days(26))
    decide(api, "accountant", instance_id, "paid",
           fields={"paid_on": days(18), "advance": "15000"})
    assert view(api, instance_id)["stage"] == "trip"

    # the day after the trip's last day (no longer away, so the task is the employee's, not
    # their deputy's): the system answers "back" for them; the report opens
    end = date.fromisoformat(days(26))
    back_on = date.fromisoformat(days(27))
    [trip] = rows(db(app), Task, Task.instance_id == instance_id, Task.stage == "trip")
    [back] = rows(db(app), Timer, Timer.task_id == trip.id)
    assert back.due_at.replace(tzinfo=None) == datetime.combine(back_on, time(9))
    service.fire_timer(db(app), back.id, datetime.combine(back_on, time(9, 1), tzinfo=UTC))
    shown = view(api, instance_id)
    assert shown["stage"] == "report"
    [report] = rows(db(app), Task, Task.instance_id == instance_id, Task.stage == "report")
    timers = {t.kind: t for t in rows(db(app), Timer, Timer.task_id == report.id)}
    due = timers["deadline"].due_at.replace(tzinfo=None)
    assert due.date() > end and due.weekday() < 5  # three working days after the return
    assert timers["remind_before"].due_at.replace(tzinfo=None).date() < due.date()

    reminded = service.fire_timer(db(app), timers["remind_before"].id,
                                  timers["remind_before"].due_at.replace(tzinfo=UTC))
    assert reminded is not None
    assert "reminded" in [event["kind"] for event in view(api, instance_id)["timeline"]]

    decide(api, "employee", instance_id, "done", fields={"spent": "14200"})
    decide(api, "accountant", instance_id, "done")
    shown = view(api, instance_id)
    assert (shown["status"], shown["fields"]["spent"]) == ("completed", "14200.00")


def test_the_rate_follows_the_destination_or_the_form(app: Flask, api: Api) -> None:
    abroad = start(api, "employee", PROCESS, _trip(scope="abroad"))
    assert abroad["fields"]["per_diem"] == "17500.00"  # 7 days × 2 500
    own = start(api, "successor", PROCESS, _trip(rate="1000"))
    assert own["fields"]["per_diem"] == "7000.00"


def test_the_per_diem_cannot_be_typed_and_a_rejection_ends_the_trip(
        app: Flask, api: Api) -> None:
    assert refused(api, "employee", PROCESS, _trip(per_diem="100000"))["per_diem"]["code"] \
        == "unknown_field"
    instance_id = start(api, "employee", PROCESS, _trip())["id"]
    decide(api, "manager", instance_id, "reject", comment="Не в этом квартале")
    shown = view(api, instance_id)
    assert (shown["status"], shown["outcome"]) == ("completed", "rejected")
    assert rows(db(app), Absence, Absence.instance_id == instance_id) == []
