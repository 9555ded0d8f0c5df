"""Accounting's checks on a request's values, named in its process files (``validate:``).

Each reads the field(s) its parameters name (``{accounting.inn: {field: supplier_inn}}``) and
says nothing about a field left empty (``required:`` is the field's own check). What they find
is worded in :mod:`approvals.texts.accounting` (``field_error.<code>``).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import select

from accounting.models import Invoice, Payment
from approvals import extensions
from approvals.core.states import COMPLETED, RUNNING
from approvals.store.models import Instance

# The check digits of a Russian taxpayer number (ИНН): a legal entity's has 10 digits and one
# check digit, an individual's 12 digits and two. Each is the weighted sum of the digits before
# it, modulo 11, modulo 10 (Federal Tax Service order of 29.06.2012 No. ММВ-7-6/435@).
_WEIGHTS_10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_WEIGHTS_11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_WEIGHTS_12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
# КПП: the tax office (4 digits), the reason for registration (2 digits or capital Latin
# letters), a serial number (3 digits) — FNS order of 29.06.2012 No. ММВ-7-6/435@ again.
_KPP = re.compile(r"^[0-9]{4}[0-9A-Z]{2}[0-9]{3}$")
_BIK = re.compile(r"^[0-9]{9}$")
_ACCOUNT = re.compile(r"^[0-9]{20}$")
# The control key of a bank account (the Bank of Russia's "Порядок расчета контрольного ключа
# в номере лицевого счета", 08.09.1997 No. 515): the 3 digits naming the bank — digits 7–9 of
# its BIC, or for an account held at a cash-settlement centre of the Bank of Russia (and for a
# bank's correspondent account, which is held there) "0" and digits 5–6 of the BIC — followed
# by the 20 digits of the account, weighted 7, 1, 3 repeating: the sum ends in 0.
_KEY_WEIGHTS = ((7, 1, 3) * 8)[:23]


def _check_digit(digits: list[int], weights: tuple[int, ...]) -> int:
    return sum(d * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def inn_problem(value: str) -> str | None:
    """Why ``value`` is not a valid INN (``inn_length``, ``inn_checksum``), or None."""
    text = value.strip()
    if not text.isdigit() or len(text) not in (10, 12) or not text.isascii():
        return "inn_length"
    digits = [int(c) for c in text]
    if len(digits) == 10:
        valid = _check_digit(digits, _WEIGHTS_10) == digits[9]
    else:
        valid = (_check_digit(digits, _WEIGHTS_11) == digits[10]
                 and _check_digit(digits, _WEIGHTS_12) == digits[11])
    return None if valid else "inn_checksum"


def kpp_problem(value: str) -> str | None:
    """Why ``value`` is not a KPP (``kpp_format``), or None."""
    return None if _KPP.match(value.strip()) else "kpp_format"


def _keyed(bank: str, account: str) -> bool:
    return sum(int(c) * w for c, w in zip(bank + account, _KEY_WEIGHTS, strict=True)) % 10 == 0


def account_problem(account: str, bik: str) -> str | None:
    """Why the settlement account ``account`` cannot be one at the bank ``bik``
    (``account_format``, ``account_key``), or None. ``bik`` is a valid BIC."""
    account = account.strip()
    if not _ACCOUNT.match(account):
        return "account_format"
    at_the_central_bank = bik[6:9] == "000"  # a cash-settlement centre (РКЦ) itself
    bank = "0" + bik[4:6] if at_the_central_bank else bik[6:9]
    return None if _keyed(bank, account) else "account_key"


def corr_account_problem(account: str, bik: str) -> str | None:
    """Why ``account`` cannot be the correspondent account of the bank ``bik``
    (``account_format``, ``corr_account_key``), or None."""
    account = account.strip()
    if not _ACCOUNT.match(account):
        return "account_format"
    return None if _keyed("0" + bik[4:6], account) else "corr_account_key"


def _value(check: extensions.Check, key: str, default: str) -> tuple[str, str]:
    """(the field's name the parameter ``key`` gives, its value as text, stripped)."""
    name = str(check.params.get(key, default))
    value = check.fields.get(name)
    return name, "" if value is None else str(value).strip()


@extensions.validator("accounting.inn")
def inn(check: extensions.Check) -> extensions.Problems:
    """The field ``field`` (default ``inn``), when filled in, holds a valid INN: 10 digits for
    an organisation, 12 for an individual, with correct check digits."""
    name, value = _value(check, "field", "inn")
    problem = inn_problem(value) if value else None
    return {name: (problem, {"value": value})} if problem else {}


@extensions.validator("accounting.kpp")
def kpp(check: extensions.Check) -> extensions.Problems:
    """The field ``field`` (default ``kpp``), when filled in, is a KPP: 4 digits, 2 digits or
    capital Latin letters, 3 digits."""
    name, value = _value(check, "field", "kpp")
    problem = kpp_problem(value) if value else None
    return {name: (problem, {"value": value})} if problem else {}


@extensions.validator("accounting.bank_account")
def bank_account(check: extensions.Check) -> extensions.Problems:
    """The payee's bank details agree: the BIC (``bik``, default field ``bik``) has 9 digits,
    and the settlement account (``account``, default ``account``) and the correspondent
    account (``corr_account``, default ``corr_account``; optional) each have 20 digits and the
    control key the Bank of Russia's algorithm gives for that BIC."""
    bik_name, bik = _value(check, "bik", "bik")
    if not bik:
        return {}
    if not _BIK.match(bik):
        return {bik_name: ("bik_format", {"value": bik})}
    problems: dict[str, tuple[str, dict[str, Any]]] = {}
    for key, judge in (("account", account_problem), ("corr_account", corr_account_problem)):
        name, value = _value(check, key, key)
        problem = judge(value, bik) if value else None
        if problem:
            problems[name] = (problem, {"value": value, "bik": bik})
    return problems


def number_key(number: str) -> str:
    """An invoice number as the duplicate check compares it: "№ А-17 " and "а-17" are one."""
    return re.sub(r"\s+", "", number).casefold().lstrip("№#").removeprefix("no.")[:100]


@extensions.validator("accounting.duplicate_invoice")
def duplicate_invoice(check: extensions.Check) -> extensions.Problems:
    """The invoice is not one already paid or being processed: no other instance that
    registered an invoice (:func:`accounting.effects.record_invoice`) — running, or completed
    with a payment — has the same supplier INN (``inn``, default field ``supplier_inn``),
    number (``number``, default ``number``) and amount (``amount``, default ``amount``).
    Refused on the number, naming that instance, unless the boolean field ``override``
    (default ``not_duplicate``) says the person checked: it really is another invoice."""
    if check.fields.get(str(check.params.get("override", "not_duplicate"))) is True:
        return {}
    _inn, inn_value = _value(check, "inn", "supplier_inn")
    number_name, number = _value(check, "number", "number")
    _amount, amount = _value(check, "amount", "amount")
    if not (inn_value and number and amount):
        return {}
    rows = check.conn.execute(
        select(Invoice.instance_id, Invoice.number_key, Instance.status, Instance.stage)
        .join(Instance, Instance.id == Invoice.instance_id)
        .where(Invoice.supplier_inn == inn_value, Invoice.amount == amount,
               Instance.status.in_((RUNNING, COMPLETED)))
        .order_by(Invoice.instance_id)).all()
    key = number_key(number)
    for instance_id, other_key, status, stage in rows:
        if instance_id == check.instance_id or other_key != key:
            continue
        if status == RUNNING:
            state = {"pay": "payment", "revision": "revision"}.get(stage, "approval")
            return {number_name: (f"duplicate_invoice_{state}", {"instance": instance_id})}
        paid = check.conn.execute(
            select(Payment.paid_on, Payment.order_no).where(Payment.instance_id == instance_id)
            .order_by(Payment.id.desc())).first()
        if paid is not None:  # completed and paid; one that ended rejected is no duplicate
            return {number_name: ("duplicate_invoice_paid", {
                "instance": instance_id, "order_no": paid.order_no,
                "paid_on": paid.paid_on.isoformat() if isinstance(paid.paid_on, date)
                else str(paid.paid_on)})}
    return {}
