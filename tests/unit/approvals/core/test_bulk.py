"""Which answers a bulk decision may give (:mod:`approvals.core.bulk`): from the inbox, the
positive answers that need nothing of their own; through the API, any answer but one that asks
for a task form."""

from __future__ import annotations

from textwrap import dedent

from approvals.core.bulk import ANSWER, COMMENT, FORM, REVISION, answers_in_bulk, refusal_in_bulk
from approvals.definitions import load_text

PROCESS = load_text(dedent("""\
    id: bulk-kinds
    name: {en: Kinds, ru: Виды}
    fields:
      - {name: title, type: text, label: {en: Title, ru: Название}}
    endings:
      refused: {name: {en: Refused, ru: Отказ}}
    stages:
      - key: plain
        name: {en: Plain, ru: Простой}
        assignees: [{person: anna@example.com}]
      - key: read
        name: {en: Read, ru: Ознакомление}
        assignees: [{person: anna@example.com}]
        verdicts: [acknowledge]
      - key: formed
        name: {en: With a form, ru: С формой}
        assignees: [{person: anna@example.com}]
        form:
          - {name: serial, type: text, required: true, label: {en: Serial, ru: Номер}}
      - key: explained
        name: {en: Explained, ru: С объяснением}
        assignees: [{person: anna@example.com}]
        outcomes:
          approve: {comment: required}
          refuse:
            label: {en: Refuse, ru: Отказать}
            to: refused
    """), "<test>")


def test_the_inbox_offers_the_positive_answers_that_need_nothing_of_their_own() -> None:
    assert answers_in_bulk(PROCESS, "plain", ["approve", "send_back"]) == ("approve",)
    assert answers_in_bulk(PROCESS, "read", ["acknowledge"]) == ("acknowledge",)
    assert answers_in_bulk(PROCESS, "formed", ["approve", "send_back"]) == ()
    assert answers_in_bulk(PROCESS, "explained", ["approve", "refuse"]) == ()
    assert answers_in_bulk(PROCESS, "plain", ["approve"], task_kind="revision") == ()


def test_why_an_answer_is_given_on_its_own() -> None:
    assert refusal_in_bulk(PROCESS, "plain", "approve") is None
    assert refusal_in_bulk(PROCESS, "plain", "send_back") == ANSWER
    assert refusal_in_bulk(PROCESS, "explained", "refuse") == ANSWER
    assert refusal_in_bulk(PROCESS, "formed", "approve") == FORM
    assert refusal_in_bulk(PROCESS, "explained", "approve") == COMMENT
    assert refusal_in_bulk(PROCESS, "plain", "resubmit", task_kind="revision") == REVISION


def test_with_a_comment_of_its_own_each_decision_may_send_back_but_not_skip_a_form() -> None:
    assert refusal_in_bulk(PROCESS, "plain", "send_back", own_comment=True) is None
    assert refusal_in_bulk(PROCESS, "explained", "approve", own_comment=True) is None
    assert refusal_in_bulk(PROCESS, "explained", "refuse", own_comment=True) is None
    assert refusal_in_bulk(PROCESS, "formed", "approve", own_comment=True) == FORM
