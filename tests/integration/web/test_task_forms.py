"""A task's form on its page: the fields the stage asks for, the stage's own answers as
buttons, refusals shown at the fields, answers joining the instance."""

from __future__ import annotations

from approvals.store.db import read_session
from approvals.store.models import Instance
from tests.integration.web.site import open_task

START = "/processes/task-form/start"


def test_the_assignee_fills_in_the_task_form_and_answers(app, browsers) -> None:
    started = browsers("ivan").submit(START, START, {"title": "Invoice 42"})
    assert started.status_code == 303
    instance_id = int(started.headers["Location"].rsplit("/", 1)[1])
    anna = browsers("anna")
    task_id = open_task(app, instance_id, "anna")

    page = anna.get(f"/tasks/{task_id}").text
    assert "Payment date" in page and "Order No." in page
    assert '<button type="submit" name="verdict" value="reject"' in page and ">Reject<" in page

    refused = anna.submit(f"/tasks/{task_id}", f"/tasks/{task_id}/decide",
                          {"verdict": "paid", "comment": "", "paid_on": "someday",
                           "order_no": ""})
    assert refused.status_code == 422
    assert "Enter a date, such as 2026-12-31." in refused.text
    assert "This field is required." in refused.text

    done = anna.submit(f"/tasks/{task_id}", f"/tasks/{task_id}/decide",
                       {"verdict": "paid", "comment": "", "paid_on": "2026-11-27",
                        "order_no": "123"})
    assert done.status_code == 303
    with read_session(app.extensions["signoff.db"]) as session:
        instance = session.get(Instance, instance_id)
        assert instance.fields == {"title": "Invoice 42", "paid_on": "2026-11-27",
                                   "order_no": "123"}
    shown = anna.get(f"/instances/{instance_id}").text
    assert "Payment date" in shown and "2026-11-27" in shown


def test_an_ending_needs_no_payment_details_and_shows_on_the_instance(app, browsers) -> None:
    started = browsers("ivan").submit(START, START, {"title": "Invoice 43"})
    instance_id = int(started.headers["Location"].rsplit("/", 1)[1])
    anna = browsers("anna")
    task_id = open_task(app, instance_id, "anna")
    done = anna.submit(f"/tasks/{task_id}", f"/tasks/{task_id}/decide",
                       {"verdict": "reject", "comment": "Duplicate", "paid_on": "",
                        "order_no": ""})
    assert done.status_code == 303
    page = browsers("ivan").get(f"/instances/{instance_id}").text
    assert "Rejected" in page
