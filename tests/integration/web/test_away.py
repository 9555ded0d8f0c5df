"""``/away``: a person sets days away and a deputy (picked by name or address), sees them,
cancels them and hands their open tasks over; an administrator does it for anyone; every bad
input is refused in the reader's language and stores nothing. And a task's page hands the task
to a colleague with a comment."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from flask import Flask
from sqlmodel import select

from approvals.clock import utcnow
from approvals.records import deputies
from approvals.store.db import read_session
from approvals.store.models import AuditEvent, Deputy, Task
from tests.integration.web.site import Browser, ids, open_task

TODAY = utcnow().date()
CONTRACT = "/processes/contract-approval/start"


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def set_away(browser: Browser, **form: str):
    data = {"deputy": "", "from": day(0), "to": day(4), "reason": "", **form}
    return browser.submit("/away", "/away", data)


def stored(app: Flask) -> list[Deputy]:
    with read_session(app.extensions["signoff.db"]) as session:
        return list(session.exec(select(Deputy).order_by(Deputy.id)))


def start_contract(browser: Browser, approvers: str) -> int:
    response = browser.submit(CONTRACT, CONTRACT, {
        "title": "Supply contract 42", "counterparty": "Acme LLC", "amount": "150000",
        "approvers": approvers,
        "contract": (io.BytesIO(b"%PDF-1.4 version one"), "contract-v1.pdf",
                     "application/pdf")}, content_type="multipart/form-data")
    assert response.status_code == 303, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_a_person_away_names_a_deputy_by_name_and_new_tasks_go_to_them(app, browsers):
    anna = browsers("anna")
    response = set_away(anna, deputy="борис", reason="Conference")  # Борис Согласующий
    assert response.status_code == 303 and response.headers["Location"] == "/away"
    page = anna.get("/away").text
    assert "Борис Согласующий" in page and "Conference" in page and "set by the person" in page
    [row] = stored(app)
    people = ids(app)
    assert (row.person_id, row.deputy_id, row.source, row.created_by_id) == (
        people["anna"], people["boris"], "self", people["anna"])
    assert "Вы замещаете" in browsers("boris").get("/away").text  # Boris's side of it

    instance = start_contract(browsers("ivan"), "anna@example.com")
    task = open_task(app, instance, "boris")
    page = browsers("boris").get(f"/tasks/{task}").text
    assert "Вы замещаете отсутствующего сотрудника (Anna Approver)" in page


@pytest.mark.parametrize(("form", "message"), [
    ({"from": day(-10), "to": day(-2)}, "These days are over"),
    ({"from": day(3), "to": day(1)}, "The last day is before the first."),
    ({"from": "", "to": day(1)}, "This field is required."),
    ({"from": "next week"}, "Enter a date, such as 2026-12-31."),
    ({"deputy": "anna@example.com"}, "Name someone other than the person away."),
    ({"deputy": "nobody@example.com"}, "Nobody with the address “nobody@example.com”"),
    ({"deputy": "an"}, "Several people match “an”"),
    ({"deputy": ""}, "Name a deputy: there is no manager to default to."),
    ({"deputy": "ivan@example.com", "reason": "x" * 501}, "At most 500 characters."),
])
def test_each_bad_input_is_refused_with_a_clear_message_and_nothing_is_stored(
        app, browsers, form, message):
    response = set_away(browsers("anna"), **{"deputy": "ivan@example.com", **form})
    assert response.status_code == 400
    assert message in response.text and "Nothing was saved" in response.text
    assert stored(app) == []


def test_a_deputy_away_all_along_and_an_overlap_are_refused_in_russian_too(app, browsers):
    boris, olga = browsers("boris"), browsers("olga")
    assert set_away(boris, deputy="ivan@example.com", **{"from": day(0),
                                                         "to": day(9)}).status_code == 303
    response = set_away(olga, deputy="boris@example.com")
    assert response.status_code == 400
    assert "Борис Согласующий сам(а) отсутствует все дни" in response.text
    assert set_away(olga, deputy="anna@example.com").status_code == 303
    response = set_away(olga, deputy="ivan@example.com", **{"from": day(4), "to": day(6)})
    assert response.status_code == 400
    assert "пересекаются с уже указанным отсутствием" in response.text
    assert len(stored(app)) == 2


def test_cancelling_ends_it_and_only_its_person_or_an_administrator_may(app, browsers):
    anna = browsers("anna")
    set_away(anna, deputy="ivan@example.com")
    [row] = stored(app)
    assert browsers("oscar").submit("/away", f"/away/{row.id}/cancel", {}).status_code == 403
    assert stored(app)[0].cancelled_at is None
    response = anna.submit("/away", f"/away/{row.id}/cancel", {})
    assert response.status_code == 303
    assert stored(app)[0].cancelled_at is not None
    assert "No days away are set." in anna.get("/away").text


def test_setting_days_away_can_hand_over_the_open_tasks_at_once(app, browsers):
    instance = start_contract(browsers("ivan"), "anna@example.com, boris@example.com")
    old = open_task(app, instance, "anna")
    response = set_away(browsers("anna"), deputy="oscar@example.com", handover="1",
                        **{"from": day(1), "to": day(3)})
    assert response.status_code == 303
    new = open_task(app, instance, "oscar")
    with read_session(app.extensions["signoff.db"]) as session:
        assert session.get(Task, old).state == "withdrawn"
        assert session.get(Task, new).on_behalf_of_id == ids(app)["anna"]
        [event] = session.exec(select(AuditEvent).where(AuditEvent.kind == "reassigned"))
    assert event.data["comment"].startswith(f"Away from {day(1)} to {day(3)}")


def test_the_hand_over_button_moves_tasks_opened_before_the_days_away(app, browsers):
    anna = browsers("anna")
    set_away(anna, deputy="oscar@example.com")
    instance = start_contract(browsers("ivan"), "boris@example.com")
    boris = browsers("boris")
    assert set_away(boris, deputy="anna@example.com", **{"from": day(5),
                                                         "to": day(6)}).status_code == 303
    mine = [row for row in stored(app) if row.person_id == ids(app)["boris"]]
    assert anna.submit("/away", f"/away/{mine[0].id}/handover", {}).status_code == 403
    response = boris.submit("/away", f"/away/{mine[0].id}/handover", {})
    assert response.status_code == 303
    # Anna is away today: the task Boris handed her goes on to her deputy, for Boris
    task = open_task(app, instance, "oscar")
    with read_session(app.extensions["signoff.db"]) as session:
        assert session.get(Task, task).on_behalf_of_id == ids(app)["boris"]


def test_an_administrator_sets_days_away_for_anyone_and_others_may_not(app, browsers):
    assert set_away(browsers("oscar"), person="anna@example.com",
                    deputy="ivan@example.com").status_code == 403
    ada = browsers("ada")
    response = set_away(ada, person="Anna Approver", deputy="ivan@example.com")
    assert response.status_code == 303
    [row] = stored(app)
    assert (row.person_id, row.source, row.created_by_id) == (
        ids(app)["anna"], "admin", ids(app)["ada"])
    page = ada.get("/away").text
    assert "Everyone away" in page and "Anna Approver" in page
    assert "Everyone away" not in browsers("anna").get("/away").text
    assert ada.submit("/away", f"/away/{row.id}/cancel", {}).status_code == 303


# ---------------------------------------------------------------------------- reassigning


def reassign(browser: Browser, task: int, **form: str):
    return browser.submit(f"/tasks/{task}", f"/tasks/{task}/reassign", form)


def test_an_assignee_hands_a_task_to_a_colleague_picked_by_name_with_a_comment(app, browsers):
    instance = start_contract(browsers("ivan"), "anna@example.com")
    task = open_task(app, instance, "anna")
    anna = browsers("anna")
    assert f'action="/tasks/{task}/reassign"' in anna.get(f"/tasks/{task}").text
    response = reassign(anna, task, to="oscar", comment="Oscar signs for the warehouse")
    assert response.status_code == 303 and response.headers["Location"] == \
        f"/instances/{instance}"
    new = open_task(app, instance, "oscar")
    page = browsers("oscar").get(f"/tasks/{new}").text
    assert "Oscar signs for the warehouse" in page  # in the timeline
    with read_session(app.extensions["signoff.db"]) as session:
        [event] = session.exec(select(AuditEvent).where(AuditEvent.kind == "reassigned"))
    assert (event.actor_id, event.data["comment"]) == (ids(app)["anna"],
                                                       "Oscar signs for the warehouse")


def test_handing_a_task_to_nobody_or_to_its_initiator_is_refused_and_a_stranger_gets_403(
        app, browsers):
    instance = start_contract(browsers("ivan"), "anna@example.com")
    task = open_task(app, instance, "anna")
    anna = browsers("anna")
    response = reassign(anna, task, to="Zed", comment="")
    assert response.status_code == 400 and "Nobody with the address “Zed”" in response.text
    response = reassign(anna, task, to="ivan@example.com")
    assert response.status_code == 400 and "made this request" in response.text
    assert reassign(browsers("ada"), task, to="boris").status_code == 303  # administrators may
    task = open_task(app, instance, "boris")
    oscar = browsers("oscar")
    shown = oscar.get("/away")  # any page of his: a token for the form
    assert shown.status_code == 200
    assert oscar.submit("/away", f"/tasks/{task}/reassign",
                        {"to": "oscar"}).status_code == 403
    with read_session(app.extensions["signoff.db"]) as session:
        assert deputies.absences(session, TODAY) == []


def test_a_task_the_deputy_may_not_take_stays_and_the_page_says_why(app, browsers):
    instance = start_contract(browsers("oscar"), "anna@example.com")  # Oscar's own request
    anna = browsers("anna")
    set_away(anna, deputy="oscar@example.com", **{"from": day(1), "to": day(2)})
    [row] = stored(app)
    response = anna.submit("/away", f"/away/{row.id}/handover", {}, follow_redirects=True)
    assert "Open tasks handed over: 0." in response.text
    assert "Not handed over: task No. " in response.text
    assert "Oscar Outsider made this request and may not decide it" in response.text
    assert open_task(app, instance, "anna")  # still hers
