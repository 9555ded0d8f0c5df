"""Accounting's effects, named in its process files (``on_enter: [{effect: …}]``).

They run inside the service's transaction (:mod:`approvals.extensions`): the rows they write
are committed with the step that caused them, or not at all.

- ``accounting.record_invoice`` — on entering the first stage (at the start, and again after a
  resubmission restarts there): the :class:`~accounting.models.Invoice` row of the instance,
  made or brought up to date with the form's values;
- ``accounting.record_payment`` — on completion (``on_complete``): the
  :class:`~accounting.models.Payment` the payment task's answer describes, and the
  ``payment.recorded`` webhook event.

Both read the fields the ``invoice-payment`` process names; another process may name them
too, with the same fields, or say which of its fields to read (``with: {amount: total}``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import insert, select, update

from accounting.models import Invoice, Payment, supplier_key
from accounting.validators import number_key
from approvals import extensions
from approvals.core.errors import TransitionNotAllowed
from approvals.core.states import DECIDED
from approvals.records.webhooks import emit
from approvals.store.models import Task

_INVOICE, _PAYMENT = Invoice.__table__, Payment.__table__
#: the fields read, and the parameter (``with: {…}``) that names another
FIELDS = {"supplier": "supplier", "supplier_inn": "supplier_inn", "number": "number",
          "invoice_date": "invoice_date", "amount": "amount", "currency": "currency",
          "due": "due", "paid_on": "paid_on", "order_no": "order_no",
          "amount_paid": "amount_paid"}


def _get(entered: extensions.Entered, name: str) -> Any:
    value = entered.fields.get(str(entered.params.get(name, FIELDS[name])))
    return None if value == "" else value


def _day(entered: extensions.Entered, name: str) -> date:
    value = _get(entered, name)
    try:
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        raise TransitionNotAllowed(f"the field {name!r} holds no date ({value!r})",
                                   why="no_date") from None


def _amount(value: Any) -> str:
    """An amount as the form cleans money: text with two decimals."""
    try:
        return str(Decimal(str(value)).quantize(Decimal("0.01")))
    except (InvalidOperation, ValueError):
        raise TransitionNotAllowed(f"{value!r} is not an amount", why="no_amount") from None


@extensions.effect("accounting.record_invoice")
def record_invoice(entered: extensions.Entered) -> None:
    """The instance's invoice row, made at the start and kept current after a resubmission."""
    number = str(_get(entered, "number") or "")
    supplier = str(_get(entered, "supplier") or "")[:300]
    values = {"supplier": supplier, "supplier_key": supplier_key(supplier),
              "supplier_inn": str(_get(entered, "supplier_inn") or "")[:12],
              "number": number[:100], "number_key": number_key(number),
              "invoice_date": _day(entered, "invoice_date"),
              "amount": _amount(_get(entered, "amount")),
              "currency": str(_get(entered, "currency") or "RUB")[:3],
              "due": _day(entered, "due"), "updated_at": entered.now}
    changed = entered.conn.execute(update(_INVOICE).where(
        _INVOICE.c.instance_id == entered.instance_id).values(**values))
    if changed.rowcount == 0:
        entered.conn.execute(insert(_INVOICE).values(
            instance_id=entered.instance_id, registered_at=entered.now, **values))


@extensions.effect("accounting.record_payment")
def record_payment(entered: extensions.Entered) -> None:
    """The payment the payment task's answer gave: its date, the payment order's number, and
    the amount paid (the invoice's amount unless another was given), in the invoice's
    currency; then the ``payment.recorded`` webhook event, in the same transaction."""
    task_id = entered.conn.execute(
        select(Task.id).where(Task.instance_id == entered.instance_id, Task.state == DECIDED,
                              Task.verdict == "paid")
        .order_by(Task.closed_at.desc(), Task.id.desc())).scalars().first()
    paid = _get(entered, "amount_paid")
    payment = {"instance_id": entered.instance_id, "task_id": task_id,
               "paid_on": _day(entered, "paid_on"),
               "order_no": str(_get(entered, "order_no") or "")[:100],
               "amount": _amount(paid if paid is not None else _get(entered, "amount")),
               "currency": str(_get(entered, "currency") or "RUB")[:3],
               "recorded_at": entered.now}
    payment_id = entered.conn.execute(insert(_PAYMENT).values(**payment)
                                      ).inserted_primary_key[0]
    emit(entered.conn, "payment.recorded", {
        "payment": {"id": payment_id, "task_id": task_id,
                    "paid_on": payment["paid_on"].isoformat(), "order_no": payment["order_no"],
                    "amount": payment["amount"], "currency": payment["currency"]},
        "invoice": {"number": str(_get(entered, "number") or ""),
                    "supplier": str(_get(entered, "supplier") or ""),
                    "supplier_inn": str(_get(entered, "supplier_inn") or ""),
                    "amount": _amount(_get(entered, "amount")),
                    "currency": payment["currency"]},
        "instance": {"id": entered.instance_id, "process": entered.process.id}},
        entered.now, instance_id=entered.instance_id)
