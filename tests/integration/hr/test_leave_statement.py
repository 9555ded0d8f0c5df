"""The leave statement (web/hr_leave.py): the page and its CSV for the person, their manager
and HR, refused to a colleague; HR's correction refused without a reason and recorded with
one; overtime hours entered; the JSON view of the API. The pages' clock is fixed on 15 April
2026 (Ivan, hired on 1 September 2025, has seven months written: 16.33 days)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import insert, update

from approvals import clock
from approvals.store.db import write_connection, write_session
from approvals.store.directory import issue_token
from approvals.store.models import Person, PersonRole
from hr.models import LeaveEntry
from tests.integration.flows import rows
from tests.integration.hr.leave_support import NOW
from tests.integration.web.conftest import FAST_HASHER
from tests.integration.web.site import Browser, build_app, csrf_token, ids

_P = Person.__table__


@pytest.fixture
def app(tmp_path, monkeypatch: pytest.MonkeyPatch, redis_url: str,
        app_broker) -> Iterator[Flask]:
    """The pages' site; Anna manages Ivan, Boris is HR."""
    monkeypatch.setenv("SIGNOFF_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setattr("approvals.store.directory._hasher", FAST_HASHER)
    monkeypatch.setattr("web.hr_leave.utcnow", lambda: NOW)
    app = build_app(tmp_path)
    people = ids(app)
    with write_connection(app.extensions["signoff.db"]) as conn:
        conn.execute(update(_P).where(_P.c.id == people["ivan"]).values(
            manager_id=people["anna"], hire_date=date(2025, 9, 1)))
        conn.execute(insert(PersonRole.__table__), {"person_id": people["boris"], "role": "hr"})
    app.config["IDS"] = people
    yield app
    app.extensions["signoff.db"].dispose()


def logged_in(app: Flask, who: str) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(who).status_code == 303
    return browser


def lines(app: Flask, kind: str) -> list[LeaveEntry]:
    return rows(app.extensions["signoff.db"], LeaveEntry, LeaveEntry.kind == kind)


def test_the_statement_for_the_person_their_manager_and_hr_not_a_colleague(app: Flask) -> None:
    ivan = app.config["IDS"]["ivan"]
    mine = logged_in(app, "ivan").get("/hr/leave")
    assert mine.status_code == 200
    assert 'data-type="annual" data-balance="16.33"' in mine.text
    assert "carried over from 2025" in mine.text and ">9.33<" in mine.text  # Sep-Dec 2025
    assert mine.text.count('class="line" data-kind="accrual"') == 3  # Jan-Mar 2026
    assert "Correct a balance" not in mine.text  # HR's form
    assert logged_in(app, "anna").get(f"/hr/leave/{ivan}").status_code == 200
    hr = logged_in(app, "boris").get(f"/hr/leave/{ivan}")
    assert hr.status_code == 200 and "Исправить остаток" in hr.text  # Boris reads Russian
    assert logged_in(app, "oscar").get(f"/hr/leave/{ivan}").status_code == 403
    assert logged_in(app, "oscar").get(f"/hr/leave/{ivan}.csv").status_code == 403
    assert logged_in(app, "ivan").get("/hr/leave/999999").status_code == 404


def test_hr_corrects_a_balance_only_with_a_reason_and_enters_overtime(app: Flask) -> None:
    ivan = app.config["IDS"]["ivan"]
    page = f"/hr/leave/{ivan}"
    boris = logged_in(app, "boris")
    refused = boris.submit(page, f"{page}/adjustments",
                           {"leave_type": "annual", "amount": "-2", "on": "", "reason": " "})
    assert refused.status_code == 400 and "Обязательное поле." in refused.text
    assert lines(app, "adjustment") == []
    # Boris reads Russian: "1.5" is not how he writes a day and a half - refused, not guessed
    ambiguous = boris.submit(page, f"{page}/adjustments", {
        "leave_type": "annual", "amount": "1.5", "on": "", "reason": "Ошибка"})
    assert ambiguous.status_code == 400 and "Запишите число так: 100 000,50" in ambiguous.text
    assert lines(app, "adjustment") == []
    done = boris.submit(page, f"{page}/adjustments", {
        "leave_type": "annual", "amount": "-2,5", "on": "2026-04-10",
        "reason": "Отпуск 2025 года по бумажному заявлению"})
    assert done.status_code == 303
    [line] = lines(app, "adjustment")
    assert (line.amount, line.author_id, line.on) == (-250, app.config["IDS"]["boris"],
                                                      date(2026, 4, 10))
    shown = boris.get(page).text
    assert 'data-type="annual" data-balance="13.83"' in shown
    assert ">-2,50<" in shown and ">10.04.2026<" in shown  # the reader's way (issue 17)
    assert "Отпуск 2025 года по бумажному заявлению" in shown and "Борис Согласующий" in shown
    overtime = boris.submit(page, f"{page}/overtime", {"hours": "6", "on": "2026-04-04",
                                                        "reason": "Inventory"})
    assert overtime.status_code == 303
    assert 'data-type="overtime" data-balance="6.00"' in boris.get(page).text
    # the person may read, not correct (the token from a page of theirs that has a form)
    ivan_browser = logged_in(app, "ivan")
    token = csrf_token(ivan_browser.get("/away").text)
    forbidden = ivan_browser.client.post(f"{page}/adjustments", data={
        "leave_type": "annual", "amount": "5", "reason": "me", "csrf_token": token})
    assert forbidden.status_code == 403
    assert len(lines(app, "adjustment")) == 1


def test_the_statement_as_csv(app: Flask) -> None:
    ivan = app.config["IDS"]["ivan"]
    answer = logged_in(app, "ivan").get(f"/hr/leave/{ivan}.csv?year=2026")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    text = answer.data.decode("utf-8-sig").splitlines()
    assert text[0] == "Leave type,Date,Line,Amount,Balance,Reason,Entered by,Request"
    annual = [line for line in text if line.startswith("Annual paid leave")]
    assert annual[0].split(",")[2:5] == ["carried over from 2025", "9.33", "9.33"]
    assert annual[1].split(",")[2:7] == ["accrual", "2.34", "11.67", "a month of service",
                                         "Signoff"]
    assert annual[-1].split(",")[2:5] == ["balance today", "", "16.33"]


def test_the_api_gives_the_balances_and_lines(app: Flask) -> None:
    people = app.config["IDS"]
    with write_session(app.extensions["signoff.db"]) as session:
        tokens = {who: issue_token(session, session.get(Person, people[who]), clock.utcnow())
                  for who in ("ivan", "oscar")}
    client = app.test_client()
    answer = client.get(f"/api/people/{people['ivan']}/leave?year=2026",
                        headers={"Authorization": f"Bearer {tokens['ivan']}"})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    annual = next(kind for kind in body["types"] if kind["key"] == "annual")
    assert (annual["balance"], annual["opening"], len(annual["lines"])) == (
        "16.33", "9.33", 3)
    assert annual["lines"][0] | {"id": 0} == {
        "id": 0, "on": "2026-01-31", "kind": "accrual", "kind_text": "accrual",
        "amount": "2.34", "balance": "11.67", "reason": "a month of service", "author": None,
        "author_id": None, "instance_id": None, "absence_id": None}
    other = client.get(f"/api/people/{people['ivan']}/leave",
                       headers={"Authorization": f"Bearer {tokens['oscar']}"})
    assert other.status_code == 403
    bad = client.get(f"/api/people/{people['ivan']}/leave?year=abc",
                     headers={"Authorization": f"Bearer {tokens['ivan']}"})
    assert bad.status_code == 400
