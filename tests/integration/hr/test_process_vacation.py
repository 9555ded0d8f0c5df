"""The vacation request end to end through the JSON API: a leave across the May 2026 holidays
checked, approved by the manager, recorded by HR while accounting pays it (due three days
before it starts), the absence recorded and the balance charged — 1 and 9 May not counted;
the director's own request going to the configured approver, the administrators told; not
enough days refused with the numbers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask
from sqlalchemy import select

from hr.models import Absence
from tests.integration.hr import leave_process_site
from tests.integration.hr.api_flows import decide, refused, start, view
from tests.integration.hr.leave_process_site import (
    balance,
    db,
    notices,
    person,
)
from tests.integration.web.api.conftest import Api

app, api = leave_process_site.app, leave_process_site.api  # the fixtures

MAY = {"start": "2026-05-01", "end": "2026-05-14"}  # 14 days; 1 and 9 May are holidays


def _absences(app: Flask, who: str) -> list:
    with db(app).connect() as conn:
        return list(conn.execute(select(Absence.__table__).where(
            Absence.__table__.c.person_id == person(app, who))))


def test_a_leave_across_the_may_holidays_is_approved_paid_recorded_and_charged(
        app: Flask, api: Api) -> None:
    before = balance(app, "employee", "annual", date(2026, 5, 1))
    started = start(api, "employee", "vacation", {"kind": "annual", "period": MAY,
                                                  "deputy": "olga@example.com"})
    instance_id = started["id"]
    assert started["stage"] == "manager"
    assert started["title"] == "Отпуск: Анна Петрова, 01.05.2026 – 14.05.2026"

    decide(api, "manager", instance_id, "approve")
    tasks = {t["stage"]: t for t in view(api, instance_id)["tasks"] if t["state"] == "open"}
    assert set(tasks) == {"record.hr", "record.pay"}  # in parallel
    # holiday pay no later than three calendar days before the leave (art. 136)
    assert datetime.fromisoformat(tasks["record.pay"]["deadline"]).replace(tzinfo=None) == \
        datetime(2026, 4, 28, 9, 0)
    decide(api, "accountant", instance_id, "paid")
    decide(api, "hr", instance_id, "done", fields={"order_no": "12-о"})

    done = view(api, instance_id, "employee")
    assert (done["status"], done["outcome"]) == ("completed", "completed")
    [absence] = _absences(app, "employee")
    assert (absence.kind, absence.starts_on, absence.ends_on, absence.instance_id) == (
        "annual", date(2026, 5, 1), date(2026, 5, 14), instance_id)
    assert balance(app, "employee", "annual", date(2026, 5, 1)) == before - Decimal(12)
    assert [params["message"]["ru"] for who, params in notices(app, instance_id)
            if who == person(app, "employee")] == [
        "Ваш отпуск 01.05.2026 – 14.05.2026 согласован и оформлен. Хорошего отдыха!"]


def test_unpaid_leave_needs_no_holiday_pay(app: Flask, api: Api) -> None:
    started = start(api, "employee", "vacation", {
        "kind": "unpaid", "period": {"start": "2026-06-01", "end": "2026-06-03"}})
    decide(api, "manager", started["id"], "approve")
    tasks = [t["stage"] for t in view(api, started["id"])["tasks"] if t["state"] == "open"]
    assert tasks == ["record.hr"]


def test_the_directors_own_leave_goes_to_the_configured_approver_and_the_admins_are_told(
        app: Flask, api: Api) -> None:
    started = start(api, "director", "vacation", {
        "kind": "annual", "period": {"start": "2026-07-06", "end": "2026-07-19"}})
    instance_id = started["id"]

    seen = view(api, instance_id)
    assert [t["assignee"]["email"] for t in seen["tasks"]] == ["lev@example.com"]
    assert "stage_fallback" in [event["kind"] for event in seen["timeline"]]
    assert [who for who, _ in notices(app, instance_id, "stage_fallback")] == [
        person(app, "admin")]
    decide(api, "approver", instance_id, "approve")
    assert view(api, instance_id)["stage"] == "record"


def test_not_enough_days_is_refused_with_the_numbers(app: Flask, api: Api) -> None:
    problems = refused(api, "newcomer", "vacation", {
        "kind": "annual", "period": {"start": "2026-06-01", "end": "2026-06-14"}})
    assert problems["period"]["code"].startswith("leave_balance_short")
    # March, April and May earned by 1 June (7 days); 12 June is a holiday, not counted
    message = problems["period"]["message"]
    assert "You have 7 days" in message and "needs 13 (14 calendar days" in message, message


def test_a_leave_in_the_past_or_overlapping_is_refused(app: Flask, api: Api) -> None:
    past = refused(api, "employee", "vacation", {
        "kind": "unpaid", "period": {"start": "2026-04-01", "end": "2026-04-03"}})
    assert past["period"]["code"] == "period_in_the_past"
    first = start(api, "employee", "vacation", {
        "kind": "unpaid", "period": {"start": "2026-06-01", "end": "2026-06-03"}})
    decide(api, "manager", first["id"], "approve")
    decide(api, "hr", first["id"], "done")
    overlap = refused(api, "employee", "vacation", {
        "kind": "annual", "period": {"start": "2026-06-03", "end": "2026-06-10"}})
    assert overlap["period"]["code"] == "absence_overlaps"
    assert "01.06.2026" in overlap["period"]["message"], overlap  # the other absence's dates
