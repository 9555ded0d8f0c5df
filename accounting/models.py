"""Accounting's own tables (their migration is ``0008_accounting``).

The instance's ``fields`` stay the record of what was asked and answered; these rows are what
finance searches — written by the effects of ``invoice-payment`` (:mod:`accounting.effects`)
inside the service's transaction, so they never disagree with the instance they describe.
Amounts are kept as the form cleans them: text with two decimals ("120000.00"), compared
exactly and summed as :class:`decimal.Decimal`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Invoice(SQLModel, table=True):
    """The invoice one ``invoice-payment`` instance is about, as its start form (or its latest
    resubmission) gave it; whether it is in approval, waiting for payment, paid, rejected or
    withdrawn is the instance's status and stage (and a :class:`Payment`).

    The accountants' queue filters, orders, counts and sums the invoices waiting for payment
    on these columns (:func:`accounting.queue.page`): the planners reach them from the few
    instances waiting at ``pay`` (by ``instance_id``), not in ``due`` order through every
    invoice of the year."""

    id: int | None = Field(default=None, primary_key=True)
    instance_id: int = Field(foreign_key="instance.id", unique=True)
    supplier: str = Field(max_length=300)
    #: the supplier's name as the queue's filter compares it (:func:`supplier_key`): SQLite's
    #: ``lower()`` folds ASCII letters only, and the names are Cyrillic
    supplier_key: str = Field(default="", max_length=900)
    supplier_inn: str = Field(index=True, max_length=12)
    number: str = Field(max_length=100)
    #: the number as the duplicate check compares it: no spaces, no "№", letter case aside
    number_key: str = Field(max_length=100)
    invoice_date: date
    amount: str = Field(max_length=40)
    currency: str = Field(max_length=3)
    due: date = Field(index=True)
    registered_at: datetime
    updated_at: datetime


def supplier_key(supplier: str) -> str:
    """A supplier's name letter case aside (``str.casefold``: "ООО «Ромашка»" and "ооо
    «ромашка»" are one key; a letter may fold into up to three, hence the column's 900)."""
    return supplier.casefold()


class Payment(SQLModel, table=True):
    """A payment the accountant recorded on an invoice's payment task: the day, the payment
    order's number, and the amount paid (the invoice's, unless they gave another)."""

    id: int | None = Field(default=None, primary_key=True)
    instance_id: int = Field(foreign_key="instance.id", index=True)
    task_id: int | None = Field(default=None, foreign_key="task.id")
    paid_on: date = Field(index=True)
    order_no: str = Field(max_length=100)
    amount: str = Field(max_length=40)
    currency: str = Field(max_length=3)
    recorded_at: datetime


# ---------------------------------------------------------------------------- bank files
# The accountants' queue (accounting/statements.py, accounting/orders.py; migration
# 0009_bank_statements): the payment orders written into bank files, and the bank statements
# imported with their lines.


class BankOrder(SQLModel, table=True):
    """The payment order a bank file carried for an invoice. Its number comes from a counter
    per calendar year, as 1C numbers its payment orders (the accountant may start a file at
    another number, to continue the bank client's); an invoice exported again is the same order
    with the same number."""

    __table_args__ = (UniqueConstraint("year", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    instance_id: int = Field(foreign_key="instance.id", unique=True)
    year: int
    number: int
    amount: str = Field(max_length=40)
    created_at: datetime
    exported_at: datetime  # the latest file it went into
    exported_by_id: int = Field(foreign_key="person.id")
    exports: int = 1  # how many files carried it


class BankStatement(SQLModel, table=True):
    """A bank statement (1CClientBankExchange) an accountant imported, kept as it came: the
    same file imported again (the same SHA-256) is this statement, not a second one."""

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(unique=True, max_length=64)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    filename: str = Field(max_length=255)
    size: int
    account: str = Field(default="", max_length=20)
    period_start: date | None = None
    period_end: date | None = None
    uploaded_by_id: int = Field(foreign_key="person.id")
    uploaded_at: datetime


class StatementLine(SQLModel, table=True):
    """One document of an imported statement (a ``СекцияДокумент``; ``line`` is where it
    begins in the file), what matching made of it at the import — ``outcome`` matched,
    unmatched, ambiguous, duplicate or incoming, with the ``reason`` and the ``candidates`` —
    and, once an accountant confirmed it, ``paid``: the payment task it decided."""

    __table_args__ = (UniqueConstraint("statement_id", "line"),)
    id: int | None = Field(default=None, primary_key=True)
    statement_id: int = Field(foreign_key="bankstatement.id", index=True)
    line: int
    kind: str = Field(max_length=100)
    number: str = Field(max_length=40)
    doc_date: date
    debited_on: date | None = None
    amount: str = Field(max_length=40)
    payee_inn: str = Field(default="", max_length=20)
    payee_name: str = Field(default="", max_length=500)
    purpose: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    values: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    outcome: str = Field(max_length=20)
    reason: str = Field(default="", max_length=40)
    instance_id: int | None = Field(default=None, foreign_key="instance.id", index=True)
    candidates: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    task_id: int | None = Field(default=None, foreign_key="task.id")
    paid_at: datetime | None = None
    paid_by_id: int | None = Field(default=None, foreign_key="person.id")
    error: str | None = Field(default=None, max_length=40)  # why confirming it failed last
