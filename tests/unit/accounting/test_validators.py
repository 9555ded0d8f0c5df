"""The checks of a supplier's details the invoice form runs: the INN's checksum (FNS), the KPP's
shape, and a bank account's control key against its bank's BIC (the Bank of Russia's
algorithm), each as the person sees it next to the field."""

from __future__ import annotations

from datetime import datetime

import pytest

from accounting import PROCESSES
from accounting.validators import (
    account_problem,
    corr_account_problem,
    inn_problem,
    kpp_problem,
    number_key,
)
from approvals import extensions, texts
from approvals.definitions import load_file

NOW = datetime(2026, 12, 7, 9, 0)
SBERBANK_BIK = "044525225"  # its correspondent account 30101810400000000225


@pytest.mark.parametrize("value", [
    "7707083893",  # an organisation: 10 digits, one check digit
    "500100732259",  # an individual: 12 digits, two check digits
    " 7702070139 ",  # spaces around are no part of it
])
def test_a_valid_inn_of_either_length_passes(value: str) -> None:
    assert inn_problem(value) is None


@pytest.mark.parametrize("value, problem", [
    ("7707083894", "inn_checksum"),  # the 10th digit is wrong
    ("500100732258", "inn_checksum"),  # the 12th digit is wrong
    ("500100732269", "inn_checksum"),  # the 11th digit is wrong
    ("770708389", "inn_length"), ("77070838931", "inn_length"), ("5001007322590", "inn_length"),
    ("", "inn_length"),
    ("77O7083893", "inn_length"),  # a letter O for a zero
    ("770708389A", "inn_length"),
    ("７７０７０８３８９３", "inn_length"),  # full-width digits: digits to Python, not to the FNS
    ("٧٧٠٧٠٨٣٨٩٣", "inn_length"),  # Arabic-Indic digits likewise
    ("7707-08389", "inn_length"),
])
def test_an_inn_needs_ten_or_twelve_ascii_digits_and_its_checksum(value: str,
                                                                   problem: str) -> None:
    assert inn_problem(value) == problem


def test_the_message_of_a_wrong_inn_names_the_checksum_in_both_languages() -> None:
    en = texts.field_error("inn_checksum", {"value": "7707083894"}, "en")
    ru = texts.field_error("inn_checksum", {"value": "7707083894"}, "ru")
    assert "checksum" in en and "7707083894" in en
    assert "контрольной суммы" in ru and "7707083894" in ru


@pytest.mark.parametrize("value, problem", [
    ("773601001", None), ("7736AB001", None), ("773643002", None),
    ("7736ab001", "kpp_format"),  # Latin capitals only
    ("7736АБ001", "kpp_format"),  # Cyrillic letters are not Latin
    ("77360100", "kpp_format"), ("7736010011", "kpp_format"), ("77A601001", "kpp_format"),
    ("7736010O1", "kpp_format"),
])
def test_a_kpp_has_four_digits_two_digits_or_capitals_and_three_digits(value, problem) -> None:
    assert kpp_problem(value) == problem


@pytest.mark.parametrize("account, bik, problem", [
    # the Bank of Russia's own example (order 08.09.1997 No. 515): a client's account at the
    # bank whose BIC is 049805746 has the key 7
    ("40602810700000000025", "049805746", None),
    ("40602810600000000025", "049805746", "account_key"),
    ("40702810938000000001", SBERBANK_BIK, None),
    ("40702810938000000001", "044525593", "account_key"),  # the same digits at another bank
    ("40702810938000000010", SBERBANK_BIK, "account_key"),  # two digits swapped
    ("4070281093800000000", SBERBANK_BIK, "account_format"),
    ("407028109380000000011", SBERBANK_BIK, "account_format"),
    ("4070 2810 9380 0000 0001", SBERBANK_BIK, "account_format"),
])
def test_a_settlement_account_carries_the_control_key_of_its_bank(account, bik, problem) -> None:
    assert account_problem(account, bik) == problem


@pytest.mark.parametrize("account, bik, problem", [
    ("30101810400000000225", SBERBANK_BIK, None),
    ("30101810200000000827", "044030827", None),
    # the Bank of Russia's example: the correspondent account at the RKC 049805000 — "0" and
    # digits 5–6 of the BIC stand before it — has the key 8
    ("30101810800000000746", "049805000", None),
    ("30101810700000000746", "049805000", "corr_account_key"),
    ("30101810400000000225", "044030827", "corr_account_key"),
])
def test_a_correspondent_account_is_keyed_with_the_bics_settlement_centre(account, bik,
                                                                          problem) -> None:
    assert corr_account_problem(account, bik) == problem


def _check(name: str, fields: dict, params: dict) -> dict:
    process = load_file(PROCESSES / "invoice-payment.yaml")
    return dict(extensions.validators()[name](extensions.Check(
        process, fields, 1, NOW, None, params)))


def test_the_validators_read_the_fields_the_process_names() -> None:
    assert _check("accounting.inn", {"supplier_inn": "7707083894"},
                  {"field": "supplier_inn"}) == {
        "supplier_inn": ("inn_checksum", {"value": "7707083894"})}
    assert _check("accounting.kpp", {"supplier_kpp": "7736"}, {"field": "supplier_kpp"}) == {
        "supplier_kpp": ("kpp_format", {"value": "7736"})}
    assert _check("accounting.kpp", {"supplier_kpp": ""}, {"field": "supplier_kpp"}) == {}
    details = {"account": "supplier_account", "bik": "supplier_bik",
               "corr_account": "supplier_corr_account"}
    assert _check("accounting.bank_account", {
        "supplier_account": "40702810938000000001", "supplier_bik": SBERBANK_BIK,
        "supplier_corr_account": "30101810400000000225"}, details) == {}
    assert _check("accounting.bank_account", {
        "supplier_account": "40702810938000000002", "supplier_bik": SBERBANK_BIK,
        "supplier_corr_account": "30101810500000000225"}, details) == {
        "supplier_account": ("account_key", {"value": "40702810938000000002",
                                             "bik": SBERBANK_BIK}),
        "supplier_corr_account": ("corr_account_key", {"value": "30101810500000000225",
                                                       "bik": SBERBANK_BIK})}
    assert _check("accounting.bank_account", {
        "supplier_account": "40702810938000000001", "supplier_bik": "04452522"}, details) == {
        "supplier_bik": ("bik_format", {"value": "04452522"})}


@pytest.mark.parametrize("code", ["inn_length", "inn_checksum", "kpp_format", "bik_format",
                                  "account_format", "account_key", "corr_account_key",
                                  "duplicate_invoice_approval", "duplicate_invoice_payment",
                                  "duplicate_invoice_revision", "duplicate_invoice_paid"])
def test_every_refusal_is_worded_in_both_languages(code: str) -> None:
    params = {"value": "1", "bik": "044525225", "instance": 12, "paid_on": "2026-11-27",
              "order_no": "123"}
    en, ru = (texts.field_error(code, params, locale) for locale in ("en", "ru"))
    assert en != ru and "{" not in en + ru
    assert en != texts.field_error("unknown", {}, "en")


def test_an_invoice_number_is_compared_without_spaces_sign_or_letter_case() -> None:
    assert number_key("№ А-17 ") == number_key("а-17") == number_key("#А-17") == "а-17"
    assert number_key("17") != number_key("171")
