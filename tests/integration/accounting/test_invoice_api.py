"""The invoice through the JSON API: started with its file, approved by the manager, by the CFO
above the threshold of its currency, paid by an accountant with the payment task's form — and
the initiator told the day and the number; a rejection ends it with the reason; bad input gets
field errors naming what is wrong."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from accounting.models import Invoice, Payment
from approvals.store.models import Document, Task
from tests.integration.accounting.conftest import INVOICE_PDF, PROCESS, invoice_fields
from tests.integration.flows import rows, sent_notices
from tests.integration.web.api.conftest import Api


def _db(app: Flask):
    return app.extensions["signoff.db"]


def _start(api: Api, who: str = "initiator", **changes: Any) -> dict[str, Any]:
    response = api.post(who, "/api/instances",
                        {"process": PROCESS, "fields": invoice_fields(**changes)})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _refused(api: Api, **changes: Any) -> dict[str, dict[str, str]]:
    response = api.post("initiator", "/api/instances",
                        {"process": PROCESS, "fields": invoice_fields(**changes)})
    assert response.status_code == 400, response.get_json()
    return response.get_json()["fields"]


def _decide(api: Api, who: str, instance_id: int, verdict: str, comment: str = "",
            fields: dict | None = None) -> Any:
    task = api.open_task(who, instance_id)
    body: dict[str, Any] = {"verdict": verdict, "comment": comment}
    if fields is not None:
        body["fields"] = fields
    return api.post(who, f"/api/tasks/{task['id']}/decision", body)


def _notices(app: Flask, person: int, instance_id: int) -> list[dict]:
    """The process's notices to ``person``: on completion, told in the one completion notice
    held for the signed trail (``sent_notices``)."""
    return [sent["params"] for sent in sent_notices(_db(app), instance_id)
            if sent["person"] == person and "message" in sent["params"]]


def test_a_small_invoice_goes_from_the_manager_straight_to_accounting_and_is_paid(
        app: Flask, api: Api) -> None:
    started = _start(api)
    instance_id = started["id"]
    assert (started["stage"], started["title"]) == ("manager", "Счёт 45: ООО «Ромашка»")
    assert started["fields"]["currency"] == "RUB" and started["fields"]["vat_rate"] == "22"
    [document] = rows(_db(app), Document, Document.instance_id == instance_id)
    assert (document.field, document.filename, document.size) == (
        "invoice", "invoice-45.pdf", len(INVOICE_PDF))
    [invoice] = rows(_db(app), Invoice, Invoice.instance_id == instance_id)
    assert (invoice.supplier_inn, invoice.number, invoice.amount, invoice.currency) == (
        "7707083893", "45", "120000.00", "RUB")

    assert _decide(api, "manager", instance_id, "approve").status_code == 200
    view = api.get("initiator", f"/api/instances/{instance_id}").get_json()
    assert view["stage"] == "pay"  # 120 000 RUB: no CFO
    assert "stage_skipped" in [event["kind"] for event in view["timeline"]]
    # either accountant may pay (rule any): both hold a task
    assert {t["assignee"]["email"] for t in view["tasks"] if t["stage"] == "pay"} == {
        "maria@example.com", "olga@example.com"}

    refused = _decide(api, "maria", instance_id, "paid", fields={"order_no": "123"})
    assert refused.status_code == 400
    assert {name: problem["code"] for name, problem in refused.get_json()["fields"].items()} \
        == {"paid_on": "required"}
    paid = _decide(api, "maria", instance_id, "paid",
                   fields={"paid_on": "27.11.2026", "order_no": "123"})
    assert paid.status_code == 200, paid.get_json()

    view = api.get("initiator", f"/api/instances/{instance_id}").get_json()
    assert (view["status"], view["outcome"]) == ("completed", "completed")
    assert (view["fields"]["paid_on"], view["fields"]["order_no"]) == ("2026-11-27", "123")
    finance = app.config["FINANCE"]
    [payment] = rows(_db(app), Payment, Payment.instance_id == instance_id)
    [task] = rows(_db(app), Task, Task.instance_id == instance_id, Task.verdict == "paid")
    assert (payment.paid_on.isoformat(), payment.order_no, payment.amount, payment.currency,
            payment.task_id) == ("2026-11-27", "123", "120000.00", "RUB", task.id)
    [notice] = _notices(app, finance["initiator"], instance_id)
    assert notice["message"]["ru"] == ("Счёт 45 от ООО «Ромашка» оплачен: 27.11.2026, "
                                       "платёжное поручение № 123.")
    assert notice["message"]["en"] == ("Invoice 45 from ООО «Ромашка» is paid: 2026-11-27, "
                                       "payment order No. 123.")


def test_a_large_amount_in_roubles_needs_the_cfo(app: Flask, api: Api) -> None:
    instance_id = _start(api, amount="1500000")["id"]
    assert _decide(api, "manager", instance_id, "approve").status_code == 200
    assert api.get("initiator", f"/api/instances/{instance_id}").get_json()["stage"] == "cfo"
    assert _decide(api, "director", instance_id, "approve").status_code == 200
    assert api.get("initiator", f"/api/instances/{instance_id}").get_json()["stage"] == "pay"


@pytest.mark.parametrize("amount, currency, stage", [
    ("12000", "USD", "cfo"),  # above the USD threshold (10 000)
    ("9000", "USD", "pay"),
    ("12000", "RUB", "pay"),  # the same number in roubles is small
    ("90000", "CNY", "cfo"),
])
def test_the_threshold_is_read_in_the_invoices_currency(app: Flask, api: Api, amount: str,
                                                        currency: str, stage: str) -> None:
    started = _start(api, amount=amount, currency=currency)
    assert _decide(api, "manager", started["id"], "approve").status_code == 200
    view = api.get("initiator", f"/api/instances/{started['id']}").get_json()
    assert view["stage"] == stage
    assert (view["fields"]["amount"], view["fields"]["currency"]) == (f"{amount}.00", currency)


def test_an_amount_paid_that_differs_is_recorded_and_told(app: Flask, api: Api) -> None:
    instance_id = _start(api, amount="15000", currency="USD", number="INV-7")["id"]
    assert _decide(api, "manager", instance_id, "approve").status_code == 200
    assert _decide(api, "director", instance_id, "approve").status_code == 200
    paid = _decide(api, "olga", instance_id, "paid", fields={
        "paid_on": "2026-11-30", "order_no": "9", "amount_paid": "14500.50"})
    assert paid.status_code == 200, paid.get_json()
    [payment] = rows(_db(app), Payment, Payment.instance_id == instance_id)
    assert (payment.amount, payment.currency) == ("14500.50", "USD")
    [notice] = _notices(app, app.config["FINANCE"]["initiator"], instance_id)
    assert notice["message"]["ru"] == (  # (a template's text joins its spaces)
        "Счёт INV-7 от ООО «Ромашка» оплачен: 30.11.2026, платёжное поручение № 9, "
        "оплачено 14 500,50 USD (по счёту 15 000,00 USD).")
    assert "2026-11-30, payment order No. 9, amount paid 14,500.50 USD" in \
        notice["message"]["en"]


def test_a_rejection_ends_the_invoice_and_tells_the_initiator_why(app: Flask,
                                                                  api: Api) -> None:
    instance_id = _start(api)["id"]
    assert _decide(api, "manager", instance_id, "reject").status_code == 400  # needs a reason
    done = _decide(api, "manager", instance_id, "reject", "Not in this year's budget")
    assert done.status_code == 200, done.get_json()
    view = api.get("initiator", f"/api/instances/{instance_id}").get_json()
    assert (view["status"], view["outcome"], view["ending"]) == ("completed", "rejected", True)
    told = [sent for sent in sent_notices(_db(app), instance_id)
            if sent["template"] == "instance_ended"]
    assert [(p["person"], p["params"]["comment"]) for p in told] == [
        (app.config["FINANCE"]["initiator"], "Not in this year's budget")]
    assert rows(_db(app), Payment, Payment.instance_id == instance_id) == []


def test_the_director_without_a_manager_can_start_an_invoice(app: Flask, api: Api) -> None:
    """Nobody above the director: the manager's stage goes to the administrators (who may
    hand it on), and the director is told; a large amount then skips nobody — the CFO is the
    director, who does not decide their own request, so it goes to the administrators too."""
    started = _start(api, who="director", amount="2000000")
    view = api.get("director", f"/api/instances/{started['id']}").get_json()
    assert view["stage"] == "manager"
    assert [t["assignee"]["email"] for t in view["tasks"]] == ["ada@example.com"]
    assert _decide(api, "admin", started["id"], "approve").status_code == 200
    view = api.get("director", f"/api/instances/{started['id']}").get_json()
    assert view["stage"] == "cfo"
    assert [t["assignee"]["email"] for t in view["tasks"] if t["stage"] == "cfo"] == [
        "ada@example.com"]


@pytest.mark.parametrize("changes, field, code", [
    ({"supplier_inn": "7707083894"}, "supplier_inn", "inn_checksum"),
    ({"supplier_inn": "77070838"}, "supplier_inn", "inn_length"),
    ({"supplier_kpp": "77360100"}, "supplier_kpp", "kpp_format"),
    ({"supplier_account": "40702810938000000002"}, "supplier_account", "account_key"),
    ({"supplier_bik": "04452522"}, "supplier_bik", "bik_format"),
    ({"amount": "-100"}, "amount", "too_small"),
    ({"amount": "0"}, "amount", "too_small"),
    ({"currency": "GBP"}, "currency", "not_a_choice"),
    ({"vat_rate": "18"}, "vat_rate", "not_a_choice"),
    ({"purpose": "x" * 211}, "purpose", "too_long"),
    ({"invoice": None}, "invoice", "required"),
])
def test_bad_input_gets_the_fields_error_and_starts_nothing(app: Flask, api: Api, changes,
                                                            field, code) -> None:
    problems = _refused(api, **changes)
    assert problems[field]["code"] == code, problems
    assert rows(_db(app), Invoice) == []


def test_an_invalid_inn_is_told_by_its_checksum(api: Api) -> None:
    problem = _refused(api, supplier_inn="7707083894")["supplier_inn"]
    assert "checksum" in problem["message"] and "7707083894" in problem["message"]
