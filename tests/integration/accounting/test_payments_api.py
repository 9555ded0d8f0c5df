"""``GET /api/payments``: the accountants' queue as JSON, with the page's filters; accountants
and administrators only."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlmodel import select

from approvals import service
from approvals.clock import utcnow
from approvals.store.db import read_session
from approvals.store.models import Task
from tests.integration.accounting.conftest import PROCESS, invoice_fields
from tests.integration.web.api.conftest import Api
from tests.unit.accounting.bankfiles import LUTIK, ROMASHKA


def _to_pay(app: Flask, due, **changes) -> int:
    db, finance, now = app.extensions["signoff.db"], app.config["FINANCE"], utcnow()
    instance_id = service.start(db, PROCESS, finance["initiator"], invoice_fields(
        due=due.isoformat(), **changes), now).instance_id
    with read_session(db) as session:
        task = session.exec(select(Task).where(Task.instance_id == instance_id,
                                               Task.state == "open")).one()
    service.decide(db, task.id, finance["manager"], "approve", "", now)
    return instance_id


def test_the_queue_as_json_with_its_filters_and_totals(app: Flask, api: Api) -> None:
    today = utcnow().date()
    later = _to_pay(app, today + timedelta(days=9), number="2", amount="99.5",
                    purpose="Оплата по счету № 2", **LUTIK)
    overdue = _to_pay(app, today - timedelta(days=1), number="1", amount="120000",
                      purpose="Оплата по счету № 1", **ROMASHKA)

    response = api.get("maria", "/api/payments")

    assert response.status_code == 200
    body = response.get_json()
    assert [(i["instance_id"], i["state"]) for i in body["invoices"]] == [
        (overdue, "overdue"), (later, "open")]
    first = body["invoices"][0]
    assert (first["supplier_inn"], first["number"], first["amount"], first["currency"],
            first["due"]) == (ROMASHKA["supplier_inn"], "1", "120000.00", "RUB",
                              (today - timedelta(days=1)).isoformat())
    assert len(first["tasks"]) == 2 and first["document_id"] and first["paid"] is None
    assert body["totals"] == [{"currency": "RUB", "amount": "120099.50", "count": 2}]
    assert body["today"] == today.isoformat()

    narrowed = api.get("admin", f"/api/payments?inn={LUTIK['supplier_inn']}").get_json()
    assert [i["instance_id"] for i in narrowed["invoices"]] == [later]
    refused = api.get("olga", "/api/payments?status=soon&to=tomorrow")
    assert refused.status_code == 400
    assert set(refused.get_json()["fields"]) == {"status", "to"}


def test_only_accountants_and_administrators_read_the_queue(app: Flask, api: Api) -> None:
    for who in ("initiator", "manager", "director"):
        response = api.get(who, "/api/payments")
        assert (response.status_code, response.get_json()["error"]) == (403, "forbidden"), who
    assert api.get(None, "/api/payments").status_code == 401
