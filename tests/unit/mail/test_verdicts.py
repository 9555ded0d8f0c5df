"""Reading a verdict strictly: at the start of the first lines, whole words, negations first,
two verdicts are ambiguous, verdicts the task does not take are not understood."""

from __future__ import annotations

import pytest

from approvals.texts.answers import ANSWERS
from mail.verdicts import Reading, normalise, read_verdict

APPROVAL = ("approve", "send_back")


def verdict(text: str, accepted: tuple[str, ...] = APPROVAL) -> str | None:
    return read_verdict(text, accepted).verdict


def test_normalise():
    assert normalise("  Согласовано,\u00a0НО — Ёлки!\u2009e-mail don’t  ") == (
        "согласовано но елки e-mail don't")
    assert normalise("ＯＫ\u200b!") == "ok"
    assert normalise("Согла\u00adсовано") == "согласовано"
    assert normalise("«Да»/«Нет»") == "да нет"


@pytest.mark.parametrize("text, expected", [
    ("Согласовано!", "approve"),
    ("СОГЛАСОВАНО", "approve"),
    ("согласовано\u00a0!", "approve"),
    ("Согласовано\u202f!!!", "approve"),
    ("Approve", "approve"),
    ("aPPrOVeD", "approve"),
    ("approved by me", "approve"),
    ("I approve", "approve"),
    ("OK", "approve"),
    ("okay", "approve"),
    ("Ок.", "approve"),
    ("Да", "approve"),
    ("Не согласовано", "send_back"),
    ("НЕ СОГЛАСОВАНО: нет подписи", "send_back"),
    ("Not approved", "send_back"),
    ("disapproved", "send_back"),
    ("Не согласен", "send_back"),
    ("Нет, не согласовано", "send_back"),
    ("На доработку", "send_back"),
    ("Вернуть на доработку — нет подписи", "send_back"),
    ("Send back", "send_back"),
])
def test_clear_answers(text, expected):
    assert verdict(text) == expected


@pytest.mark.parametrize("text", [
    "Вопрос: какой срок?",
    "disapproving",
    "okayish",
    "Согласовано?",
    "Approved? I am not sure",
    "Согласовано не будет",
    "I do not approve",
    "Thanks for the document, I will read it tomorrow. Approved.",
    "Hello, I have a question about the contract\nApproved",
    "Please call me.\nSoglasovano",
    "",
    "\n \n",
])
def test_unclear_text_gives_no_verdict(text):
    reading = read_verdict(text, APPROVAL)
    assert reading.verdict is None
    assert not reading.ambiguous


@pytest.mark.parametrize("text", [
    "Hi,\nApproved",
    "Hi Anna, approved",
    "Добрый день!\n\nСогласовано",
    "Добрый день! Согласовано.",
    "Здравствуйте, Анна\nСогласовано",
    "Здравствуйте, Анна Петровна! Согласовано",
    "Коллеги, согласовано",
    "Спасибо, согласовано",
])
def test_a_greeting_may_precede_the_answer(text):
    assert verdict(text) == "approve"


def test_only_the_first_three_lines_are_examined():
    assert verdict("Hi,\n\nDear colleagues,\n\nGood morning,\nApproved") is None


@pytest.mark.parametrize("text, candidates", [
    ("Согласовано, но вернуть на доработку", ("approve", "send_back")),
    ("yes / no", ("approve", "send_back")),
    ("Approved\nNo, wait, send it back", ("approve", "send_back")),
    ("Нет, согласовано", ("approve", "send_back")),
    ("Согласовано, оплачено", ("approve", "paid")),
])
def test_two_verdicts_are_ambiguous(text, candidates):
    reading = read_verdict(text, APPROVAL)
    assert reading.verdict is None
    assert reading.ambiguous
    assert reading.candidates == candidates


def test_neutral_phrases_after_an_answer_are_not_a_second_verdict():
    reading = read_verdict("Согласовано.\nНет замечаний.", APPROVAL)
    assert reading.verdict == "approve"
    assert reading.comment == "Нет замечаний."
    assert verdict("Approved.\nNo comments.") == "approve"


def test_a_verdict_the_task_does_not_take_is_not_understood():
    reading = read_verdict("Оплачено", APPROVAL)
    assert reading == Reading(None, False, "", "Оплачено", ("paid",))


@pytest.mark.parametrize("accepted, text, expected", [
    (("paid",), "Оплачено", "paid"),
    (("paid",), "Payment made", "paid"),
    (("acknowledge",), "Ознакомлён", "acknowledge"),
    (("acknowledge",), "ОЗНАКОМЛЕНА", "acknowledge"),
    (("done",), "Готово!", "done"),
    (("resubmit",), "Исправлено, новая версия во вложении", "resubmit"),
    (("resubmit",), "Отправить повторно", "resubmit"),
])
def test_other_task_kinds(accepted, text, expected):
    assert verdict(text, accepted) == expected


def test_every_suggested_word_is_read_back_as_its_verdict():
    for key, locales in ANSWERS.items():
        for phrases in locales.values():
            word = phrases[0][:1].upper() + phrases[0][1:]
            assert verdict(word, (key,)) == key, word


@pytest.mark.parametrize("text, comment", [
    ("Согласовано!", ""),
    ("Согласовано, но проверьте сумму.", "но проверьте сумму."),
    ("Согласовано — с замечанием:\nпункт 3 поправить", "с замечанием:\nпункт 3 поправить"),
    ("Добрый день!\nНе согласовано. Нет подписи.\n\nАнна", "Нет подписи.\n\nАнна"),
    ("APPROVED: Looks Good", "Looks Good"),
])
def test_the_comment_is_the_rest_in_its_original_case(text, comment):
    reading = read_verdict(text, APPROVAL)
    assert reading.verdict is not None
    assert reading.comment == comment


def test_matched_is_the_phrase_as_written():
    assert read_verdict("НЕ СОГЛАСОВАНО!", APPROVAL).matched == "НЕ СОГЛАСОВАНО"


def test_unclear_text_is_kept_as_the_comment():
    assert read_verdict("  Вопрос: какой срок?\n", APPROVAL).comment == "Вопрос: какой срок?"
