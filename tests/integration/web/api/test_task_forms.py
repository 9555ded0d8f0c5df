"""A task's form through the JSON API: answers go with the decision (``fields``), are checked
like the start form's, and join the instance's data; a process's own outcomes and endings show
in the instance (``outcome``)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from approvals.definitions import load_file
from approvals.store import registry
from approvals.store.db import write_session
from tests.integration.web.api.conftest import Api

PROCESS = """\
id: pay-invoice
name: {en: Invoice payment, ru: Оплата счёта}
fields:
  - {name: title, type: text, required: true, label: Invoice}
endings:
  rejected: {name: {en: Rejected, ru: Отклонён}}
stages:
  - key: pay
    name: {en: Payment, ru: Оплата}
    assignees: [{person: anna@example.com}]
    form:
      - {name: paid_on, type: date, required: true, label: {en: Payment date, ru: Дата оплаты}}
      - {name: order_no, type: text, required: true, label: {en: Order No., ru: Номер п/п}}
    outcomes:
      paid: {}
      reject:
        label: {en: Reject, ru: Отклонить}
        comment: required
        to: rejected
"""


@pytest.fixture
def invoice(app, tmp_path) -> str:
    path = tmp_path / "pay-invoice.yaml"
    path.write_text(PROCESS, encoding="utf-8")
    with write_session(app.extensions["signoff.db"]) as session:
        registry.sync(session, [load_file(path)], datetime(2026, 3, 1, tzinfo=UTC))
    return "pay-invoice"


def _start(api: Api, invoice: str) -> int:
    response = api.post("initiator", "/api/instances",
                        {"process": invoice, "fields": {"title": "Invoice 42"}})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_the_answers_go_with_the_decision_and_join_the_instance(api: Api, invoice: str):
    instance_id = _start(api, invoice)
    task = api.open_task("anna", instance_id)

    refused = api.post("anna", f"/api/tasks/{task['id']}/decision",
                       {"verdict": "paid", "fields": {"paid_on": "soon"}})
    assert refused.status_code == 400
    assert {name: problem["code"] for name, problem in refused.get_json()["fields"].items()} \
        == {"paid_on": "not_a_date", "order_no": "required"}

    done = api.post("anna", f"/api/tasks/{task['id']}/decision",
                    {"verdict": "paid", "fields": {"paid_on": "27.11.2026", "order_no": "123"}})
    assert done.status_code == 200, done.get_json()
    view = api.get("initiator", f"/api/instances/{instance_id}").get_json()
    assert (view["status"], view["outcome"], view["ending"]) == ("completed", "completed", False)
    assert view["fields"] == {"title": "Invoice 42", "paid_on": "2026-11-27", "order_no": "123"}
    decided = [e for e in view["timeline"] if e["kind"] == "decided"]
    assert decided[0]["data"]["values"] == {"paid_on": "2026-11-27", "order_no": "123"}


def test_an_ending_shows_as_the_instance_outcome(api: Api, invoice: str):
    instance_id = _start(api, invoice)
    task = api.open_task("anna", instance_id)
    assert api.post("anna", f"/api/tasks/{task['id']}/decision",
                    {"verdict": "reject"}).status_code == 400  # a reason is required
    done = api.post("anna", f"/api/tasks/{task['id']}/decision",
                    {"verdict": "reject", "comment": "Duplicate of 41"})
    assert done.status_code == 200, done.get_json()
    view = api.get("initiator", f"/api/instances/{instance_id}").get_json()
    assert (view["status"], view["outcome"], view["ending"], view["stage_name"]) == (
        "completed", "rejected", True, "Rejected")
