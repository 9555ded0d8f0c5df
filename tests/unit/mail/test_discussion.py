"""Reading a reply as a comment (mail.discussion.comment_in): the first non-empty line of the
reply's own text starts with "Комментарий:" / "Comment:" (any case, a dash for the colon)."""

from __future__ import annotations

import pytest

from mail.discussion import comment_in


@pytest.mark.parametrize(("own_text", "comment"), [
    ("Комментарий: какой срок оплаты?", "какой срок оплаты?"),
    ("КОММЕНТАРИЙ:какой срок?\nи кто подписывает?", "какой срок?\nи кто подписывает?"),
    ("\n\n  comment - Who signs?", "Who signs?"),
    ("Comment — see clause 3", "see clause 3"),
    ("Comment:\nOn the second line.", "On the second line."),
    ("Comment:", ""),
])
def test_a_reply_that_starts_with_the_word_is_a_comment(own_text: str, comment: str) -> None:
    assert comment_in(own_text) == comment


@pytest.mark.parametrize("own_text", [
    "Согласовано. Комментарий: срок 30 дней",
    "Approved\nComment: fine",
    "Commentary: no",
    "Comments are welcome",
    "",
])
def test_a_reply_that_does_not_start_with_it_is_an_answer(own_text: str) -> None:
    assert comment_in(own_text) is None
