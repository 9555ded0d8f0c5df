"""The accountants' queue: the invoices approved for payment, and what was paid.

An invoice is *approved for payment* while its ``invoice-payment`` instance waits at the stage
``pay``; each accountant holds an open task there (the stage's rule is ``any``), and the queue
shows the invoice once. What an invoice says is read from the instance's own values (the start
form's fields), so the queue never disagrees with the instance; a page of it (:func:`page`) is
filtered, ordered, counted and summed on the instance's :class:`~accounting.models.Invoice`
row, which the process writes from those values. What was *paid* is read from
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

from sqlalchemy import BigInteger, Date, Integer, Numeric, String, cast, func, literal, union_all
from sqlmodel import Session, select

from accounting.models import BankOrder, Invoice, Payment, supplier_key
from approvals.core.errors import FormInvalid
from approvals.store.lists import Listing, Pages, read_period
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
    days = read_period(args, problems)
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


@dataclass
class QueuePage(Pages):
    """One page of the queue as filtered, how many invoices it holds in all and their totals
    per currency (over the whole filtered queue, not the page); the page's arithmetic is the
    lists' (:class:`approvals.store.lists.Pages`)."""

    rows: list[Row]
    total: int
    totals: list[dict[str, Any]]
    listing: Listing

    @property
    def shown(self) -> int:
        return len(self.rows)

    @property
    def page(self) -> int:
        return self.listing.page

    @property
    def per_page(self) -> int:
        return self.listing.limit


#: Invoices on a page of the queue.
PER_PAGE = 100


def page(session: Session, filters: Filters, today: date, number: int = 1,
         per_page: int | None = None) -> QueuePage:
    """Page ``number`` of :func:`rows`, with the count and the totals of all of them.

    A year leaves thousands of invoices waiting; building each row (its values, files and
    orders) is what costs, and so does reading the instance's JSON values in SQL. So the unpaid
    queue is filtered, counted, summed and ordered on the :class:`~accounting.models.Invoice`
    row's own columns — written from the same values when the invoice starts and again when a
    resubmission brings it back to its first stage (``accounting.record_invoice``), so they are
    the instance's values — and only the page's rows are built, from the instances. Paid
    invoices are read as :func:`rows` does and the page cut from them."""
    number, per_page = max(number, 1), per_page or PER_PAGE
    listing = Listing(page=number, limit=per_page)
    if filters.status == PAID:
        found = rows(session, filters, today)
        return QueuePage(found[listing.offset:listing.offset + per_page], len(found),
                         totals(found), listing)
    totals_of, ids = _count_and_page(session, [*_waiting(), *_within(filters, today)],
                                     listing.offset, per_page)
    order = sorted(totals_of, key=lambda s: (s[0] != "RUB", s[0]))
    summed = [{"currency": c, "amount": (Decimal(k or 0) / 100).quantize(Decimal("0.01")),
               "count": n} for c, k, n in order]
    total = sum(entry["count"] for entry in summed)  # the count comes with the sums
    # the three columns a row is built from, not whole instances: building ORM objects cost
    # more than the page's statements (`make bench-scale`, PostgreSQL)
    loaded = {i.id: i for i in session.execute(select(Instance.id, Instance.title,
                                                      Instance.fields)
                                               .where(Instance.id.in_(ids)))} if ids else {}
    chosen = [loaded[i] for i in ids]
    return QueuePage(_open_rows_of(session, chosen, today), total, summed, listing)


def _count_and_page(session: Session, wanted: list[Any], skip: int, take: int
                    ) -> tuple[list[tuple[str, int, int]], list[int]]:
    """The sum in kopecks and the count per currency of the invoices ``wanted``, and the ids
    of ``take`` of them after ``skip`` in due order — in one statement: the invoices waiting
    are found once (a common table expression both parts read; SQLite and PostgreSQL
    materialise one that is read twice), not once for the totals and again for the page."""
    currency = func.coalesce(func.nullif(Invoice.currency, ""), "RUB")
    # whole kopecks, so that SQLite's sum is exact too (the amount is text: "120000.00")
    kopecks = cast(func.round(cast(Invoice.amount, Numeric(20, 2)) * 100), BigInteger)
    waiting = select(Instance.id.label("id"), Invoice.due.label("due"),
                     currency.label("currency"), kopecks.label("kopecks")) \
        .join(Invoice, Invoice.instance_id == Instance.id).where(*wanted).cte("waiting")
    sums = select(waiting.c.currency, func.sum(waiting.c.kopecks).label("kopecks"),
                  func.count().label("count"), literal(None, Integer).label("id"),
                  literal(None, Date).label("due")).group_by(waiting.c.currency)
    shown = select(waiting.c.id, waiting.c.due).order_by(waiting.c.due, waiting.c.id) \
        .offset(skip).limit(take).subquery()
    page_rows = select(literal(None, String).label("currency"),
                       literal(None, BigInteger).label("kopecks"),
                       literal(None, Integer).label("count"), shown.c.id, shown.c.due)
    totals_of: list[tuple[str, int, int]] = []
    ids: list[tuple[Any, int]] = []
    for found in session.execute(union_all(sums, page_rows)):
        if found.id is None:
            totals_of.append((found.currency, found.kopecks, found.count))
        else:
            ids.append((found.due, found.id))
    return totals_of, [i for _due, i in sorted(ids)]  # a union keeps no order


def _waiting() -> list[Any]:
    """The conditions of an invoice approved for payment: its instance waits at the stage
    ``pay`` with a payment task open. SQLite answers the last from the index
    ``ix_task_instance_stage_state`` alone (``SELECT task.id``, not ``*``); PostgreSQL reads
    the few open payment tasks once from the partial index ``ix_task_open_payment`` (its
    condition, :data:`~approvals.store.models.OPEN_PAYMENT`, is these values) instead of
    probing the tasks of each waiting instance."""
    return [Instance.process_id == PROCESS, Instance.status == "running",
            Instance.stage == PAY, select(Task.id).where(
                Task.instance_id == Instance.id, Task.stage == PAY, Task.state == "open")
            .exists()]


def _within(filters: Filters, today: date) -> list[Any]:
    """The conditions of ``filters`` (but the status ``paid``) on the invoice's columns, as
    :func:`_wanted` reads them on a row. The supplier's name is compared casefolded on both
    sides (``supplier_key``): SQLite's ``lower()`` and ``LIKE`` fold ASCII letters only."""
    conditions: list[Any] = []
    if filters.supplier:
        conditions.append(Invoice.supplier_key.contains(supplier_key(filters.supplier),
                                                        autoescape=True))
    if filters.inn:
        conditions.append(Invoice.supplier_inn == filters.inn)
    if filters.start:
        conditions.append(Invoice.due >= filters.start)
    if filters.end:
        conditions.append(Invoice.due <= filters.end)
    if filters.status == OVERDUE:
        conditions.append(Invoice.due < today)
    elif filters.status == WEEK:
        conditions.append(Invoice.due.between(today, week_end(today)))
    return conditions


def open_rows(session: Session, today: date, among: Iterable[int] | None = None) -> list[Row]:
    """Every invoice approved for payment (of the instances ``among``, when given: a bank
    file's choice, so as not to build the whole queue), once each, with its open tasks."""
    query = select(Instance).where(*_waiting())
    if among is not None:
        query = query.where(Instance.id.in_(list(among)))
    waiting = session.exec(query.order_by(Instance.id)).all()
    return _open_rows_of(session, list(waiting), today)


def _open_rows_of(session: Session, instances: list[Any], today: date) -> list[Row]:
    """The rows of ``instances`` (a page of the unpaid queue, in its order: instances, or rows
    of their ``id``, ``title`` and ``fields``) with their open payment tasks, files and
    orders."""
    by_instance = {instance.id: _row(instance, today) for instance in instances}
    if not by_instance:
        return []
    # all the instances' tasks (a few each), the open payment ones picked here: a condition
    # on the state in SQL lets a planner without statistics scan every open task instead
    for task_id, instance_id, assignee_id, stage, state in session.execute(
            select(Task.id, Task.instance_id, Task.assignee_id, Task.stage, Task.state)
            .where(Task.instance_id.in_(by_instance)).order_by(Task.instance_id, Task.id)):
        if stage == PAY and state == "open":
            by_instance[instance_id].task_ids.append(task_id)
            by_instance[instance_id].assignee_ids.append(assignee_id)
    found = list(by_instance.values())
    _attach(session, found)
    return found


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


def _row(instance: Any, today: date | None = None) -> Row:
    """The row of ``instance`` (an :class:`Instance`, or a row of its ``id``, ``title`` and
    ``fields``)."""
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
