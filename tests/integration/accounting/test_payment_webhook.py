"""A payment recorded on an invoice is announced to the webhook endpoints subscribed to
``payment.recorded``, in the transaction that records it."""

from __future__ import annotations

import json
from datetime import timedelta

from accounting.models import Payment
from approvals import service
from approvals.records import webhooks
from approvals.store.models import OutboxItem
from tests.integration.accounting.conftest import Finance, start_invoice
from tests.integration.flows import open_tasks, rows


def test_a_payment_is_announced_to_the_subscribed_endpoints(db, finance: Finance, now):
    webhooks.register(db, url="http://127.0.0.1:9/payments", description="1C",
                      events=["payment.recorded"], allow_private=True,
                      person_id=finance["admin"], now=now)
    started = start_invoice(db, finance, now, currency="EUR", amount="900")
    manager = open_tasks(db, started.instance_id)[finance["manager"]]
    service.decide(db, manager.id, finance["manager"], "approve", "", now)
    pay = open_tasks(db, started.instance_id)[finance["olga"]]

    paid = service.decide(db, pay.id, finance["olga"], "paid", "", now + timedelta(minutes=1),
                          values={"paid_on": "2026-11-27", "order_no": "123"})

    [payment] = rows(db, Payment)
    [row] = rows(db, OutboxItem, OutboxItem.kind == "webhook")
    assert row.payload["type"] == "payment.recorded" and row.id in paid.outbox_ids
    data = json.loads(row.payload["body"])["data"]
    assert data["payment"] == {"id": payment.id, "task_id": pay.id, "paid_on": "2026-11-27",
                               "order_no": "123", "amount": "900.00", "currency": "EUR"}
    assert data["invoice"]["supplier_inn"] == "7707083893" and data["invoice"]["number"] == "45"
    assert data["instance"] == {"id": started.instance_id, "process": "invoice-payment"}
