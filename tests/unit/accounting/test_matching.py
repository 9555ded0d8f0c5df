"""A statement's debit line is matched to an open invoice by the payee's INN, the amount and the
invoice number in the purpose — exactly one, or it is listed with why, never guessed. And the
purpose Signoff writes for a payment order names the invoice so that its line matches."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from accounting import matching, orders
from accounting.matching import Debit, Invoice, Match
from accounting.queue import Row

ROMASHKA, LUTIK = "7733012345", "5009876546"
INVOICES = [Invoice(1, ROMASHKA, Decimal("120000.00"), "15"),
            Invoice(2, ROMASHKA, Decimal("5000.00"), "16"),
            Invoice(3, LUTIK, Decimal("99.50"), "А-42"),
            Invoice(4, LUTIK, Decimal("700.00"), "7"),
            Invoice(5, LUTIK, Decimal("700.00"), "8"),
            Invoice(6, ROMASHKA, Decimal("300.00"), "9", currency="USD")]


def _one(inn: str, amount: str, purpose: str) -> Match:
    return matching.match_one(Debit(10, inn, Decimal(amount), purpose), INVOICES)


def test_a_line_matches_the_one_invoice_of_its_payee_amount_and_number() -> None:
    assert _one(ROMASHKA, "120000.00", "Оплата по счету № 15 от 01.12.2026") == \
        Match(10, "matched", instance_id=1)
    assert _one(LUTIK, "99.5", "Оплата по сч.а-42, в т.ч. НДС").instance_id == 3


def test_a_line_that_matches_nothing_says_which_test_failed() -> None:
    assert _one("", "1.00", "№ 15").reason == "no_inn"
    assert _one("7811122235", "120000.00", "№ 15").reason == "no_invoice_for_inn"
    differs = _one(ROMASHKA, "119999.99", "Оплата по счету № 15")
    assert (differs.outcome, differs.reason, differs.candidates) == (
        "unmatched", "amount_differs", (1, 2))
    wrong = _one(ROMASHKA, "120000.00", "Оплата по счету № 150")
    assert (wrong.reason, wrong.candidates) == ("number_not_in_purpose", (1,))
    # a dollar invoice is not paid from a rouble statement
    assert _one(ROMASHKA, "300.00", "№ 9").reason == "amount_differs"


def test_two_invoices_that_both_fit_are_listed_not_guessed() -> None:
    found = _one(LUTIK, "700.00", "Оплата по счетам № 7 и 8")
    assert (found.outcome, found.reason, found.instance_id, found.candidates) == (
        "ambiguous", "several_invoices", None, (4, 5))


def test_two_lines_paying_one_invoice_are_both_listed() -> None:
    found = matching.match([Debit(10, ROMASHKA, Decimal("120000"), "счет 15"),
                            Debit(30, ROMASHKA, Decimal("120000"), "счет 15 повторно"),
                            Debit(50, ROMASHKA, Decimal("5000"), "счет 16")], INVOICES)
    assert [(m.line, m.outcome, m.lines) for m in found] == [
        (10, "duplicate", (30,)), (30, "duplicate", (10,)), (50, "matched", ())]


def test_a_number_is_found_only_on_its_own() -> None:
    assert matching.mentions("Оплата по счету №15.", "15")
    assert matching.mentions("сч.15,16", "16")
    assert matching.mentions("invoice a-42", "А-42") is False  # Latin a is not Cyrillic А
    assert not matching.mentions("Оплата по счету № 1500", "15")
    assert not matching.mentions("счет 215", "15")
    assert not matching.mentions("anything", "")


def _row(**changes) -> Row:
    values = {"instance_id": 1, "title": "", "supplier": "ООО «Ромашка»",
              "supplier_inn": ROMASHKA, "number": "15", "invoice_date": date(2026, 12, 1),
              "amount": Decimal("120000.00"), "currency": "RUB", "vat_rate": "22",
              "due": date(2026, 12, 10), "purpose": "Бумага офисная", "state": "open"}
    values.update(changes)
    return Row(**values)


def test_the_purpose_names_the_invoice_and_its_vat() -> None:
    assert orders.purpose(_row()) == \
        "Оплата по счету № 15 от 01.12.2026. Бумага офисная. В т.ч. НДС 22 % - 21 639,34 руб."
    assert orders.purpose(_row(vat_rate="none", purpose="Оплата по сч. 15 за бумагу")) == \
        "Оплата по сч. 15 за бумагу. Без НДС"
    # a purpose that speaks of VAT itself gets no second clause
    assert orders.purpose(_row(purpose="Счет 15, в т.ч. НДС 20%")) == "Счет 15, в т.ч. НДС 20%."


def test_a_long_purpose_is_cut_at_a_word_and_still_names_the_invoice() -> None:
    text = orders.purpose(_row(number="А-1500", purpose="Поставка " + "бумаги " * 40 + "А-1500"))
    assert len(text) <= 210
    assert text.startswith("Оплата по счету № А-1500 от 01.12.2026. Поставка бумаги")
    assert text.endswith(". В т.ч. НДС 22 % - 21 639,34 руб.")
    assert matching.mentions(text, "А-1500")


def test_the_vat_inside_an_amount_is_counted_to_the_kopeck() -> None:
    assert orders.vat_clause(Decimal("120000.00"), "20") == "В т.ч. НДС 20 % - 20 000,00 руб."
    assert orders.vat_clause(Decimal("100.00"), "0") == "В т.ч. НДС 0 % - 0,00 руб."
    assert orders.vat_clause(Decimal("100.00"), "none") == "Без НДС"
