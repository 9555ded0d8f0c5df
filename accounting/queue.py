"""The accountants' queue: the invoices approved for payment, and what was paid.

An invoice is *approved for payment* while its ``invoice-payment`` instance waits at the stage
``pay``; each accountant holds an open task there (the stage's rule is ``any``), and the queue
shows the invoice once. What an invoice says is read from the instance's own values (the start
form's fields), so the queue never disagrees with the instance. What was *paid* is read from
:class:`accounting.models.Payment` — the record the process writes when the payment task is
decided — or, for a payment decided before those rows existed, from the decision itself (the
task form's ``paid_on``, ``order_no`` and ``amount_paid`` joined the instance's values).

Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlmodel import Session, select

from accounting.models import BankOrder, Payment
from approvals.core.errors import FormInvalid
from approvals.store.models import Document, Instance, Person, Task
from approvals.store.queries import iso

PROCESS = "invoice-payment"
PAY = "pay"
#: The file field that holds the invoice.
INVOICE_FIELD = "invoice"
OPEN, OVERDUE, WEEK, PAID = "open", "overdue", "week", "paid"
STATUSES = (OPEN, OVERDUE, WEEK, PAID)


@dataclass(frozen=True)
class Filters:
    """What the accountant narrowed the queue to: a supplier (part of its name, letter case
    aside), an INN, a period the due date falls in (both days included), and a status —
    ``open`` (every unpaid invoice), ``overdue``, ``week`` (due from today to Sunday) or
    ``paid``."""

    supplier: str = ""
    inn: str = ""
    start: date | None = None
    end: date | None = None
    status: str = OPEN

    def query(self) -> dict[str, str]:
        """The filters as the page's query string writes them."""
        values = {"supplier": self.supplier, "inn": self.inn,
                  "from": self.start.isoformat() if self.start else "",
                  "to": self.end.isoformat() if self.end else "", "status": self.status}
        return {k: v for k, v in values.items() if v and not (k == "status" and v == OPEN)}


def parse_filters(args: Mapping[str, str]) -> Filters:
    """The filters of a query string (``supplier``, ``inn``, ``from``, ``to``, ``status``);
    :class:`FormInvalid` names each one that cannot be read."""
    problems: dict[str, tuple[str, dict]] = {}
    days: dict[str, date | None] = {}
    for name in ("from", "to"):
        text = (args.get(name) or "").strip()
        days[name] = None
        if text:
            try:
                days[name] = date.fromisoformat(text)
            except ValueError:
                problems[name] = ("not_a_date", {})
    if days["from"] and days["to"] and days["to"] < days["from"]:
        problems["to"] = ("range_reversed", {})
    status = (args.get("status") or OPEN).strip()
    if status not in STATUSES:
        problems["status"] = ("not_a_choice", {"allowed": list(STATUSES)})
    inn = (args.get("inn") or "").strip()
    if inn and (not inn.isdigit() or len(inn) not in (10, 12)):
        problems["inn"] = ("inn_length", {"value": inn})
    if problems:
        raise FormInvalid(problems)
    return Filters(supplier=(args.get("supplier") or "").strip()[:200], inn=inn,
                   start=days["from"], end=days["to"], status=status)


@dataclass
class Row:
    """One invoice in the queue (or one payment, when paid)."""

    instance_id: int
    title: str
    supplier: str
    supplier_inn: str
    number: str
    invoice_date: date | None
    amount: Decimal
    currency: str
    vat_rate: str
    due: date | None
    purpose: str
    state: str  # open, overdue, week or paid
    fields: Mapping[str, Any] = field(default_factory=dict, repr=False)
    task_ids: list[int] = field(default_factory=list)
    assignee_ids: list[int] = field(default_factory=list)
    document_id: int | None = None
    document_name: str = ""
    bank_order: BankOrder | None = None
    paid_on: date | None = None
    order_no: str = ""
    amount_paid: Decimal | None = None
    paid_by: str = ""

    def task_for(self, person_id: int) -> int | None:
        """The task of this invoice ``person_id`` holds, else the first one."""
        for task_id, assignee in zip(self.task_ids, self.assignee_ids, strict=True):
            if assignee == person_id:
                return task_id
        return self.task_ids[0] if self.task_ids else None

    def view(self) -> dict[str, Any]:
        """The row as the JSON API sends it."""
        order = self.bank_order
        return {
            "instance_id": self.instance_id, "title": self.title, "supplier": self.supplier,
            "supplier_inn": self.supplier_inn, "number": self.number,
            "invoice_date": _iso(self.invoice_date), "amount": _money(self.amount),
            "currency": self.currency, "vat_rate": self.vat_rate, "due": _iso(self.due),
            "purpose": self.purpose, "state": self.state, "tasks": list(self.task_ids),
            "document_id": self.document_id,
            "bank_order": {"number": order.number, "exported_at": _iso(order.exported_at)}
            if order else None,
            "paid": {"paid_on": _iso(self.paid_on), "order_no": self.order_no,
                     "amount": _money(self.amount_paid), "by": self.paid_by}
            if self.state == PAID else None,
        }


def week_end(today: date) -> date:
    """The Sunday of ``today``'s week."""
    return today + timedelta(days=6 - today.weekday())


def state_of(due: date | None, today: date) -> str:
    if due is None:
        return OPEN
    if due < today:
        return OVERDUE
    return WEEK if due <= week_end(today) else OPEN


def rows(session: Session, filters: Filters, today: date) -> list[Row]:
    """The queue as filtered, by due date (the earliest first; an invoice without one last)."""
    found = paid_rows(session) if filters.status == PAID else open_rows(session, today)
    chosen = [row for row in found if _wanted(row, filters)]
    return sorted(chosen, key=lambda r: (r.due is None, r.due or date.max, r.instance_id))


def open_rows(session: Session, today: date) -> list[Row]:
    """Every invoice approved for payment, once each, with the open tasks it has."""
    found = session.exec(select(Instance, Task).join(Task, Task.instance_id == Instance.id)
                         .where(Instance.process_id == PROCESS, Instance.status == "running",
                                Instance.stage == PAY, Task.stage == PAY,
                                Task.state == "open")
                         .order_by(Instance.id, Task.id)).all()
    by_instance: dict[int, Row] = {}
    for instance, task in found:
        row = by_instance.get(instance.id)
        if row is None:
            row = by_instance[instance.id] = _row(instance, today)
        row.task_ids.append(task.id)
        row.assignee_ids.append(task.assignee_id)
    _attach(session, list(by_instance.values()))
    return list(by_instance.values())


def paid_rows(session: Session, start: date | None = None, end: date | None = None
              ) -> list[Row]:
    """Every payment recorded on an invoice, paid between ``start`` and ``end`` (both
    included, when given), by payment date."""
    query = select(Payment, Instance).join(Instance, Instance.id == Payment.instance_id) \
        .where(Instance.process_id == PROCESS)
    if start:
        query = query.where(Payment.paid_on >= start)
    if end:
        query = query.where(Payment.paid_on <= end)
    payments = session.exec(query).all()
    task_ids = [payment.task_id for payment, _instance in payments if payment.task_id]
    deciders = dict(session.exec(select(Task.id, Task.decided_by_id).where(
        Task.id.in_(task_ids))).all()) if task_ids else {}
    result: list[Row] = []
    for payment, instance in payments:
        row = _row(instance)
        row.paid_on, row.order_no = payment.paid_on, payment.order_no
        row.amount_paid = _decimal(payment.amount)
        if payment.task_id in deciders:
            row.task_ids.append(payment.task_id)
            row.assignee_ids.append(deciders[payment.task_id])
        result.append(row)
    _attach(session, result)
    _name_payers(session, result)
    return sorted(result, key=lambda r: (r.paid_on or date.min, r.instance_id))


def totals(found: Iterable[Row]) -> list[dict[str, Any]]:
    """The sum and the count of ``found`` per currency (roubles first): what is paid when a
    row is paid, what is owed otherwise."""
    sums: dict[str, list] = {}
    for row in found:
        amount = row.amount_paid if row.state == PAID and row.amount_paid is not None \
            else row.amount
        entry = sums.setdefault(row.currency, [Decimal("0.00"), 0])
        entry[0] += amount
        entry[1] += 1
    order = sorted(sums, key=lambda c: (c != "RUB", c))
    return [{"currency": c, "amount": sums[c][0], "count": sums[c][1]} for c in order]


# ---------------------------------------------------------------------------- rows


def _row(instance: Instance, today: date | None = None) -> Row:
    values = instance.fields or {}
    due = _day(values.get("due"))
    return Row(
        instance_id=instance.id, title=instance.title,
        supplier=str(values.get("supplier") or ""),
        supplier_inn=str(values.get("supplier_inn") or ""),
        number=str(values.get("number") or ""),
        invoice_date=_day(values.get("invoice_date")),
        amount=_decimal(values.get("amount")), currency=str(values.get("currency") or "RUB"),
        vat_rate=str(values.get("vat_rate") or ""), due=due,
        purpose=str(values.get("purpose") or ""),
        state=state_of(due, today) if today else PAID, fields=values)


def _attach(session: Session, found: list[Row]) -> None:
    """Each row's latest invoice file and its payment order in a bank file."""
    ids = {row.instance_id for row in found}
    if not ids:
        return
    latest: dict[int, Document] = {}
    for doc in session.exec(select(Document).where(Document.instance_id.in_(ids),
                                                   Document.field == INVOICE_FIELD)):
        if doc.instance_id not in latest or doc.version > latest[doc.instance_id].version:
            latest[doc.instance_id] = doc
    orders = {o.instance_id: o for o in session.exec(
        select(BankOrder).where(BankOrder.instance_id.in_(ids)))}
    for row in found:
        doc = latest.get(row.instance_id)
        if doc is not None:
            row.document_id, row.document_name = doc.id, doc.filename
        row.bank_order = orders.get(row.instance_id)


def _name_payers(session: Session, found: list[Row]) -> None:
    people = {p for row in found for p in row.assignee_ids}
    if not people:
        return
    names = dict(session.exec(select(Person.id, Person.name).where(Person.id.in_(people))).all())
    for row in found:
        row.paid_by = ", ".join(names.get(p, "") for p in row.assignee_ids)


def _wanted(row: Row, filters: Filters) -> bool:
    if filters.supplier and filters.supplier.casefold() not in row.supplier.casefold():
        return False
    if filters.inn and row.supplier_inn != filters.inn:
        return False
    if filters.start and (row.due is None or row.due < filters.start):
        return False
    if filters.end and (row.due is None or row.due > filters.end):
        return False
    return filters.status in (OPEN, PAID) or row.state == filters.status


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return Decimal("0.00")


def _money(value: Decimal | None) -> str | None:
    return f"{value:.2f}" if value is not None else None


def _iso(value: date | datetime | None) -> str | None:
    if isinstance(value, datetime):
        return iso(value)
    return value.isoformat() if value else None
