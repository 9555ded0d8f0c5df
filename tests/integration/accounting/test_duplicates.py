"""The same invoice twice: refused on its number while the first is in process or once it is
paid, naming that instance; accepted when the person ticks "This is not a duplicate"; an
invoice rejected or withdrawn is no obstacle. The invoice row follows a resubmission."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accounting.models import Invoice, Payment
from approvals import service, texts
from approvals.core.errors import FormInvalid
from tests.integration.accounting.conftest import Finance, start_invoice
from tests.integration.flows import open_tasks, rows


def _refusal(db, finance: Finance, now, **changes) -> tuple[str, dict]:
    with pytest.raises(FormInvalid) as refused:
        start_invoice(db, finance, now, **changes)
    return refused.value.errors["number"]


def _approve(db, finance: Finance, instance_id: int, now) -> None:
    task = open_tasks(db, instance_id)[finance["manager"]]
    service.decide(db, task.id, finance["manager"], "approve", "", now)


def test_an_invoice_in_process_is_refused_then_taken_when_it_is_not_a_duplicate(
        db, finance: Finance, now) -> None:
    first = start_invoice(db, finance, now)

    code, params = _refusal(db, finance, now + timedelta(minutes=1), number=" № 45")
    assert (code, params) == ("duplicate_invoice_approval", {"instance": first.instance_id})
    message = texts.field_error(code, params, "ru")
    assert f"№{first.instance_id}" in message and "Это не дубликат" in message

    _approve(db, finance, first.instance_id, now + timedelta(minutes=2))
    code, _params = _refusal(db, finance, now + timedelta(minutes=3))
    assert code == "duplicate_invoice_payment"  # approved, waiting for the accountant

    second = start_invoice(db, finance, now + timedelta(minutes=4), not_duplicate=True)
    assert second.instance_id != first.instance_id
    # another number, another amount or another supplier is another invoice
    assert start_invoice(db, finance, now, number="46").status == "running"
    assert start_invoice(db, finance, now, amount="120000.01").status == "running"
    assert start_invoice(db, finance, now, supplier_inn="500100732259").status == "running"


def test_a_paid_invoice_is_refused_with_its_payment(db, finance: Finance, now) -> None:
    first = start_invoice(db, finance, now)
    _approve(db, finance, first.instance_id, now + timedelta(minutes=1))
    pay = open_tasks(db, first.instance_id)[finance["maria"]]
    service.decide(db, pay.id, finance["maria"], "paid", "", now + timedelta(minutes=2),
                   values={"paid_on": "2026-11-27", "order_no": "123"})

    code, params = _refusal(db, finance, now + timedelta(minutes=3))
    assert (code, params) == ("duplicate_invoice_paid", {
        "instance": first.instance_id, "paid_on": "2026-11-27", "order_no": "123"})
    assert "2026-11-27" in texts.field_error(code, params, "en")


def test_a_rejected_or_withdrawn_invoice_may_be_entered_again(db, finance: Finance,
                                                              now) -> None:
    rejected = start_invoice(db, finance, now)
    task = open_tasks(db, rejected.instance_id)[finance["manager"]]
    service.decide(db, task.id, finance["manager"], "reject", "Wrong supplier",
                   now + timedelta(minutes=1))
    again = start_invoice(db, finance, now + timedelta(minutes=2))
    service.withdraw(db, again.instance_id, finance["initiator"], "entered twice",
                     now + timedelta(minutes=3))

    third = start_invoice(db, finance, now + timedelta(minutes=4))
    assert third.status == "running"
    assert len(rows(db, Invoice)) == 3 and rows(db, Payment) == []


def test_a_resubmission_updates_the_invoice_row_and_is_checked_again(db, finance: Finance,
                                                                     now) -> None:
    other = start_invoice(db, finance, now, number="77")
    first = start_invoice(db, finance, now)
    task = open_tasks(db, first.instance_id)[finance["manager"]]
    service.decide(db, task.id, finance["manager"], "send_back", "The amount is 125 000",
                   now + timedelta(minutes=1))

    with pytest.raises(FormInvalid) as refused:  # now it would be the same as the other
        service.resubmit(db, first.instance_id, finance["initiator"], {"number": "77"}, "",
                         now + timedelta(minutes=2))
    assert refused.value.errors["number"] == ("duplicate_invoice_approval",
                                              {"instance": other.instance_id})
    service.resubmit(db, first.instance_id, finance["initiator"], {"amount": "125000"},
                     "Corrected", now + timedelta(minutes=3))

    [invoice] = rows(db, Invoice, Invoice.instance_id == first.instance_id)
    assert (invoice.amount, invoice.number, invoice.updated_at > invoice.registered_at) == (
        "125000.00", "45", True)
