"""A form that takes amounts in several currencies: a money field whose currency a choice field
names (``currency: {field: currency}``), a field's ``default``, and conditions with a threshold
per currency (``amount > 10000 USD``)."""

from __future__ import annotations

from datetime import date
from textwrap import dedent

import pytest

from approvals.core import forms
from approvals.core.conditions import ConditionError, holds, parse
from approvals.core.errors import DefinitionError, FormInvalid
from approvals.definitions import load_text
from approvals.texts import values
from tests.unit.fakes import FakeDirectory

TODAY = date(2026, 12, 7)
TEXT = dedent("""\
    id: payment
    name: Payment
    fields:
      - {name: amount, type: money, currency: {field: currency}, required: true, min: 0.01}
      - {name: currency, type: choice, default: RUB, choices: [RUB, USD, EUR]}
      - {name: fee, type: money, currency: RUB}
      - {name: vat, type: choice, default: 22, choices: [none, 0, 20, 22]}
      - {name: urgent, type: boolean, default: false}
    stages:
      - key: cfo
        name: CFO
        assignees: [initiator]
        when: "amount > 1000000 RUB or amount > 10000 USD"
    """)
PROCESS = load_text(TEXT, "payment.yaml")
FIELDS = {spec.name: spec for spec in PROCESS.fields}


def test_a_money_field_may_take_its_currency_from_a_choice_field() -> None:
    amount = PROCESS.field("amount")
    assert (amount.currency, amount.currency_field) == (None, "currency")
    assert PROCESS.field("fee").currency == "RUB"


@pytest.mark.parametrize("change, problem", [
    ("currency: {field: currency}", "currency: {field: vat2}"),
    ("currency: {field: currency}", "currency: {field: urgent}"),
    ("currency: {field: currency}", "currency: rubles"),
])
def test_a_currency_must_be_a_code_or_a_choice_field(change: str, problem: str) -> None:
    with pytest.raises(DefinitionError) as refused:
        load_text(TEXT.replace(change, problem, 1), "payment.yaml")
    assert "fields[0].currency" in str(refused.value)


def test_a_field_left_empty_takes_its_default() -> None:
    clean = forms.validate(PROCESS, {"amount": "150000,50"}, FakeDirectory())
    assert clean == {"amount": "150000.50", "currency": "RUB", "vat": "22", "urgent": False}
    given = forms.validate(PROCESS, {"amount": "10", "currency": "USD", "vat": "none"},
                           FakeDirectory())
    assert (given["currency"], given["vat"]) == ("USD", "none")


def test_an_unknown_currency_or_a_negative_amount_is_refused_by_its_field() -> None:
    with pytest.raises(FormInvalid) as refused:
        forms.validate(PROCESS, {"amount": "-5", "currency": "GBP"}, FakeDirectory())
    assert refused.value.errors == {"amount": ("too_small", {"min": "0.01"}),
                                    "currency": ("not_a_choice",
                                                 {"allowed": ["RUB", "USD", "EUR"]})}


@pytest.mark.parametrize("default, problem", [
    ("default: RUB", "default: GBP"), ("default: false", "default: maybe"),
])
def test_a_default_must_be_a_value_the_field_takes(default: str, problem: str) -> None:
    with pytest.raises(DefinitionError) as refused:
        load_text(TEXT.replace(default, problem), "payment.yaml")
    assert ".default:" in str(refused.value)


@pytest.mark.parametrize("fields, expected", [
    ({"amount": "1000000.00", "currency": "RUB"}, False),
    ({"amount": "1000000.01", "currency": "RUB"}, True),
    ({"amount": "10000.01", "currency": "USD"}, True),
    ({"amount": "20000.00", "currency": "EUR"}, False),  # no threshold for euros here
    ({"amount": "5000000.00", "currency": "USD"}, True),
    ({"amount": "9000.00", "currency": "USD"}, False),
    ({"amount": "2000000.00"}, False),  # no currency: no threshold holds
])
def test_a_threshold_in_a_currency_holds_only_for_amounts_in_it(fields, expected) -> None:
    condition = PROCESS.status("cfo").when
    assert holds(condition.expr, fields, TODAY) is expected


def test_a_currency_in_a_condition_is_checked_when_the_file_is_read() -> None:
    with pytest.raises(ConditionError, match="'GBP' is not a choice of 'currency'"):
        parse("amount > 100 GBP", FIELDS)
    with pytest.raises(ConditionError, match="'fee' is in RUB"):
        parse("fee > 100 USD", FIELDS)
    assert holds(parse("fee > 100 RUB", FIELDS), {"fee": "101"}, TODAY)
    assert holds(parse("amount > 100", FIELDS), {"amount": "101", "currency": "EUR"}, TODAY)


def test_an_amount_is_shown_in_the_currency_its_field_names() -> None:
    amount = PROCESS.field("amount")
    assert values.display(amount, "150000.50", "ru", fields={"currency": "USD"}) == \
        "150\u00a0000,50 USD"
    assert values.display(amount, "150000.50", "en", fields={"currency": "EUR"}) == \
        "150,000.50 EUR"
    assert values.display(amount, "150000.50", "en") == "150,000.50"
