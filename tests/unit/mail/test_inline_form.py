"""A task form answered on the answer's own line — "Оплачено 27.11.2026 п/п 123": the value
after a field's marker words is that field's, each date fills the next date field, and what is
left is the comment. Nothing else is guessed."""

from __future__ import annotations

import pytest

from accounting import PROCESSES
from approvals.definitions import load_file
from mail import wording
from mail.verdicts import read_inline, read_verdict

INVOICE = load_file(PROCESSES / "invoice-payment.yaml")
ASKED = INVOICE.asked("pay", "paid")


@pytest.mark.parametrize("line, values, rest", [
    ("27.11.2026 п/п 123", {"paid_on": "2026-11-27", "order_no": "123"}, ""),
    ("27.11.26 пп 123 сумма 1000,50",
     {"paid_on": "2026-11-27", "order_no": "123", "amount_paid": "1000,50"}, ""),
    ("п/п №123 от 27.11.2026", {"paid_on": "2026-11-27", "order_no": "123"}, "от"),
    ("п/п № 123, 2026-11-27, спасибо", {"paid_on": "2026-11-27", "order_no": "123"},
     "спасибо"),
    ("27.11.2026 order 77-А amount 1 000,50",
     {"paid_on": "2026-11-27", "order_no": "77-А", "amount_paid": "1 000,50"}, ""),
    ("27.11.2026 No. 55", {"paid_on": "2026-11-27", "order_no": "55"}, ""),
    ("П/П 123 27/11/2026", {"paid_on": "2026-11-27", "order_no": "123"}, ""),
    ("п/п 123", {"order_no": "123"}, ""),  # no date: the form's check will ask for it
    ("27.11.2026", {"paid_on": "2026-11-27"}, ""),
    ("", {}, ""),
    ("всё по счёту", {}, "всё по счёту"),
    ("31.02.2026 п/п 1", {"paid_on": "2026-02-31", "order_no": "1"}, ""),  # refused by the form
    ("27.11.2026 п/п сумма 500", {"paid_on": "2026-11-27", "amount_paid": "500"}, ""),
])
def test_values_on_the_answer_line(line: str, values: dict, rest: str) -> None:
    assert read_inline(line, ASKED) == (values, rest)


def test_a_line_without_a_task_form_keeps_its_text() -> None:
    assert read_inline("27.11.2026 п/п 123", ()) == ({}, "27.11.2026 п/п 123")


def test_the_reading_keeps_the_answer_line_apart_from_the_lines_below() -> None:
    reading = read_verdict("Оплачено 27.11.2026 п/п 123\nСпасибо!\n", ("paid",))
    assert (reading.verdict, reading.rest, reading.below.strip()) == (
        "paid", "27.11.2026 п/п 123", "Спасибо!")
    assert reading.comment == "27.11.2026 п/п 123\nСпасибо!"


@pytest.mark.parametrize("locale, word, example", [
    ("ru", "Оплачено", "Оплачено 27.11.2026 п/п 123"),
    ("en", "Paid", "Paid 2026-11-27 order 123"),
])
def test_the_mail_shows_the_one_line_answer_in_the_readers_words(locale, word,
                                                                 example) -> None:
    assert wording.inline_example(word, ASKED, locale) == example


def test_a_form_whose_fields_have_no_words_has_no_one_line_answer() -> None:
    contract = [spec for spec in ASKED if spec.name != "order_no"]
    no_words = [*contract, INVOICE.field("supplier")]  # required, no words
    assert wording.inline_example("Paid", tuple(no_words), "en") is None
