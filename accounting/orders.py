"""Payment orders for the bank: the invoices an accountant picked in the queue, written as a 1C
"Client-Bank" file (:mod:`accounting.bank1c`) the bank client imports, ready to sign.

The payer is the company (:class:`approvals.config.company.Company`, ``SIGNOFF_COMPANY_*``); the
payee is the supplier as the invoice names them; the purpose says which invoice is paid and the
VAT in it (``Оплата по счету № 15 от 01.12.2026. Бумага. В т.ч. НДС 22 % - 21 639,34 руб.``),
so the bank statement that comes back can be matched to the invoice by its number.

Numbering, as 1C numbers its payment orders: a counter per calendar year, whose next value the
export form shows; the accountant may start a file at another number (to continue the bank
client's own numbering). Each invoice keeps the number its first file gave it: exported again
(the bank refused the file, the accountant lost it), it is the same order with the same number,
and a number once given is never given to another invoice that year.

Nothing is written for a refused export: every invoice that cannot go is listed, with why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import exc, func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from accounting import bank1c, matching
from accounting.models import BankOrder
from accounting.queue import Row, open_rows
from accounting.validators import account_problem, corr_account_problem, inn_problem
from approvals.config.company import Company
from approvals.store.db import write_session
from approvals.texts.formats import format_number

#: What the payment orders say they are from.
SENDER = "Signoff"
_VAT_RATES = ("0", "5", "7", "10", "20", "22")


@dataclass(frozen=True)
class Problem:
    """Why one invoice (``instance_id``; 0 for the file as a whole) cannot go into the file:
    ``code`` (worded as ``payments.problem.<code>``) and what the wording needs."""

    instance_id: int
    code: str
    params: dict[str, Any] = field(default_factory=dict)


class ExportRefused(Exception):
    """Nothing was exported, for the ``problems`` listed."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.instance_id}: {p.code}" for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class BankFile:
    content: bytes
    filename: str
    numbers: dict[int, int]  # instance id -> payment order number


def next_number(session: Session, year: int) -> int:
    """The number the next new payment order of ``year`` gets."""
    last = session.exec(select(func.max(BankOrder.number)).where(BankOrder.year == year)).one()
    return (last or 0) + 1


def company_problems(company: Company) -> list[Problem]:
    """What keeps the company's details from making a payer: unset or malformed variables, an
    account that does not belong to the bank named."""
    if company.missing():
        return [Problem(0, "company_missing", {"names": ", ".join(company.missing())})]
    if company.malformed():
        return [Problem(0, "company_malformed", {"names": ", ".join(company.malformed())})]
    if inn_problem(company.inn):
        return [Problem(0, "company_malformed", {"names": "SIGNOFF_COMPANY_INN"})]
    if account_problem(company.account, company.bik):
        return [Problem(0, "company_account_key", {"account": company.account,
                                                   "bik": company.bik})]
    return []


def export(db: Engine, instance_ids: list[int], person_id: int, now: datetime,
           company: Company, first_number: int | None = None) -> BankFile:
    """The file of payment orders for ``instance_ids`` (invoices approved for payment), their
    numbers recorded in one transaction; :class:`ExportRefused` lists what stops it."""
    problems = company_problems(company)
    if problems:
        raise ExportRefused(problems)
    try:
        return _export(db, instance_ids, person_id, now, company, first_number)
    except exc.IntegrityError:
        # another accountant's file took these numbers at the same moment: count again (a
        # number the accountant gave is then refused as taken)
        return _export(db, instance_ids, person_id, now, company, first_number)


def _export(db: Engine, instance_ids: list[int], person_id: int, now: datetime,
            company: Company, first_number: int | None) -> BankFile:
    today = now.date()
    with write_session(db) as session:
        waiting = {row.instance_id: row for row in open_rows(session, today, instance_ids)}
        problems = [p for i in instance_ids for p in invoice_problems(waiting.get(i), i)]
        if problems:
            raise ExportRefused(problems)
        rows = [waiting[i] for i in instance_ids]
        numbers = _numbers(session, rows, today.year, first_number, now, person_id)
        payer = _payer(company)
        orders = [bank1c.PaymentOrder(numbers[row.instance_id], today, row.amount, payer,
                                      _payee(row), purpose(row)) for row in rows]
        content = bank1c.write(orders, created=now, sender=SENDER)
    first, last = min(numbers.values()), max(numbers.values())
    name = f"{first}" if first == last else f"{first}-{last}"
    return BankFile(content, f"payment-orders-{today:%Y%m%d}-{name}.txt", numbers)


def _numbers(session: Session, rows: list[Row], year: int, first_number: int | None,
             now: datetime, person_id: int) -> dict[int, int]:
    """Each invoice's order number: the one it has, or the next ones (from ``first_number``
    when given); the orders recorded as exported now."""
    kept = {o.instance_id: o for o in session.exec(select(BankOrder).where(
        BankOrder.instance_id.in_([r.instance_id for r in rows])))}
    new = [row for row in rows if row.instance_id not in kept]
    start = first_number if first_number is not None else next_number(session, year)
    wanted = list(range(start, start + len(new)))
    if new and wanted[-1] > bank1c.MAX_NUMBER:
        raise ExportRefused([Problem(0, "number_too_large", {"max": bank1c.MAX_NUMBER})])
    taken = session.exec(select(BankOrder).where(BankOrder.year == year,
                                                 BankOrder.number.in_(wanted))).all()
    if taken:
        raise ExportRefused([Problem(o.instance_id, "number_taken", {"number": o.number})
                             for o in taken])
    numbers = {}
    for row in rows:
        order = kept.get(row.instance_id)
        if order is None:
            order = BankOrder(instance_id=row.instance_id, year=year, number=wanted.pop(0),
                              amount=f"{row.amount:.2f}", created_at=now, exported_at=now,
                              exported_by_id=person_id, exports=0)
        order.amount, order.exported_at, order.exported_by_id = f"{row.amount:.2f}", now, \
            person_id
        order.exports += 1
        session.add(order)
        numbers[row.instance_id] = order.number
    session.flush()
    return numbers


def invoice_problems(row: Row | None, instance_id: int) -> list[Problem]:
    """Why the invoice cannot be paid by a rouble payment order from this file (none: it
    can)."""
    if row is None:
        return [Problem(instance_id, "not_open")]
    values = row.fields
    found = []
    if row.currency != matching.CURRENCY:
        found.append(Problem(instance_id, "currency", {"currency": row.currency}))
    if inn_problem(row.supplier_inn):
        found.append(Problem(instance_id, "inn", {"value": row.supplier_inn}))
    account = str(values.get("supplier_account") or "")
    bik = str(values.get("supplier_bik") or "")
    corr = str(values.get("supplier_corr_account") or "")
    if not bik.isdigit() or len(bik) != 9 or account_problem(account, bik):
        found.append(Problem(instance_id, "account_key", {"account": account, "bik": bik}))
    elif corr and corr_account_problem(corr, bik):
        found.append(Problem(instance_id, "corr_account_key", {"account": corr, "bik": bik}))
    if row.amount <= 0:
        found.append(Problem(instance_id, "amount"))
    text = " ".join([row.supplier, str(values.get("supplier_bank") or ""), purpose(row)])
    if not bank1c.encodable(bank1c.plain(text)):
        found.append(Problem(instance_id, "text"))
    return found


# ---------------------------------------------------------------------------- the order


def vat_clause(amount: Decimal, rate: str) -> str:
    """What a purpose says of VAT: ``В т.ч. НДС 22 % - 21 639,34 руб.`` (the tax inside the
    amount, to the kopeck), or ``Без НДС``."""
    if rate not in _VAT_RATES:
        return "Без НДС"
    percent = Decimal(rate)
    tax = (amount * percent / (100 + percent)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"В т.ч. НДС {rate} % - {bank1c.plain(format_number(tax, 'ru', places=2))} руб."


def purpose(row: Row) -> str:
    """The payment order's purpose: which invoice (unless the requester's purpose names it
    and fits whole), the requester's purpose, and the VAT — the requester's words cut, at a
    word, to the 210 characters a payment order holds."""
    given = bank1c.plain(row.purpose).rstrip(" .")
    tail = "" if "НДС" in given.upper() else vat_clause(row.amount, row.vat_rate)
    if matching.mentions(given, row.number) and len(given) + len(tail) + 2 <= bank1c.MAX_PURPOSE:
        return f"{given}. {tail}".strip()
    head = f"Оплата по счету № {bank1c.plain(row.number)}" + (
        f" от {bank1c.date_text(row.invoice_date)}" if row.invoice_date else "") + "."
    room = bank1c.MAX_PURPOSE - len(head) - len(tail) - 3
    if len(given) > room:
        given = given[:max(0, room)].rsplit(" ", 1)[0].rstrip(" .,;:")
    middle = f"{given}." if given else ""
    return " ".join(part for part in (head, middle, tail) if part)[:bank1c.MAX_PURPOSE]


def _payer(company: Company) -> bank1c.Party:
    return bank1c.Party(company.name, company.inn, company.kpp, company.account, company.bank,
                        company.bik, company.corr_account)


def _payee(row: Row) -> bank1c.Party:
    values = row.fields
    return bank1c.Party(row.supplier, row.supplier_inn, str(values.get("supplier_kpp") or ""),
                        str(values.get("supplier_account") or ""),
                        str(values.get("supplier_bank") or ""),
                        str(values.get("supplier_bik") or ""),
                        str(values.get("supplier_corr_account") or ""))
