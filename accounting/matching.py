"""Which open invoice a bank statement's debit line paid — or why none can be said to.

A line pays an invoice when all three agree: the payee's INN is the supplier's, the amount is
the invoice's (to the kopeck), and the invoice's number appears in the purpose as a number of
its own (``№ 123``, ``сч.123``; not inside ``1234``). Exactly one such invoice is a match;
none, or several, is listed with the reason and never guessed. Two lines of one statement that
find the same invoice are both listed (a double payment is for a person to look at).

Pure: the caller reads the open invoices and the statement; nothing here touches the database.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

MATCHED, UNMATCHED, AMBIGUOUS, DUPLICATE = "matched", "unmatched", "ambiguous", "duplicate"
#: A bank statement in this format is in roubles: only rouble invoices can be paid by it.
CURRENCY = "RUB"


@dataclass(frozen=True)
class Invoice:
    """An open invoice as matching needs it."""

    instance_id: int
    supplier_inn: str
    amount: Decimal
    number: str
    currency: str = CURRENCY


@dataclass(frozen=True)
class Debit:
    """A statement's debit line as matching needs it."""

    line: int
    payee_inn: str
    amount: Decimal
    purpose: str


@dataclass(frozen=True)
class Match:
    """What became of one line: ``outcome`` (matched, unmatched, ambiguous, duplicate), the
    ``reason`` when it is not a match, the invoice it matched, the invoices it came close to
    or could not choose between (``candidates``), and the other lines that found the same
    invoice (``lines``)."""

    line: int
    outcome: str
    reason: str = ""
    instance_id: int | None = None
    candidates: tuple[int, ...] = ()
    lines: tuple[int, ...] = ()


def mentions(purpose: str, number: str) -> bool:
    """Whether ``number`` appears in ``purpose`` on its own (letter case aside): not as part
    of a longer number or word."""
    wanted = number.strip().upper()
    if not wanted:
        return False
    pattern = rf"(?<![0-9A-ZА-ЯЁ]){re.escape(wanted)}(?![0-9A-ZА-ЯЁ])"
    return re.search(pattern, purpose.upper()) is not None


def match_one(debit: Debit, invoices: Sequence[Invoice]) -> Match:
    """The match of one line against the open invoices, or why there is none: ``no_inn``
    (the line names no payee INN), ``no_invoice_for_inn``, ``amount_differs``,
    ``number_not_in_purpose``, ``several_invoices``."""
    inn = debit.payee_inn.strip()
    if not inn:
        return Match(debit.line, UNMATCHED, "no_inn")
    same_payee = [i for i in invoices if i.supplier_inn == inn and i.currency == CURRENCY]
    if not same_payee:
        return Match(debit.line, UNMATCHED, "no_invoice_for_inn")
    same_amount = [i for i in same_payee if i.amount == debit.amount]
    if not same_amount:
        return Match(debit.line, UNMATCHED, "amount_differs",
                     candidates=tuple(i.instance_id for i in same_payee))
    found = [i for i in same_amount if mentions(debit.purpose, i.number)]
    if not found:
        return Match(debit.line, UNMATCHED, "number_not_in_purpose",
                     candidates=tuple(i.instance_id for i in same_amount))
    if len(found) > 1:
        return Match(debit.line, AMBIGUOUS, "several_invoices",
                     candidates=tuple(i.instance_id for i in found))
    return Match(debit.line, MATCHED, instance_id=found[0].instance_id)


def match(debits: Sequence[Debit], invoices: Sequence[Invoice]) -> list[Match]:
    """Every line's match, in the lines' order; lines that match the same invoice are
    ``duplicate`` (``same_invoice_twice``, naming the other lines)."""
    found = [match_one(debit, invoices) for debit in debits]
    taken = Counter(m.instance_id for m in found if m.outcome == MATCHED)
    result = []
    for item in found:
        if item.outcome == MATCHED and taken[item.instance_id] > 1:
            others = tuple(m.line for m in found if m.instance_id == item.instance_id
                           and m.line != item.line and m.outcome == MATCHED)
            item = Match(item.line, DUPLICATE, "same_invoice_twice", item.instance_id,
                         lines=others)
        result.append(item)
    return result
