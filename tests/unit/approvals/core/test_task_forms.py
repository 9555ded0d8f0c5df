"""Forms on tasks: a stage, or one of its answers, asks its assignee for fields whose values
join the instance's data, checked like the start form's."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from approvals.core import engine
from approvals.core.errors import DefinitionError, FormInvalid, NotAnAssignee
from approvals.core.states import OPEN
from approvals.definitions import load_text
from tests.unit.fakes import FakeDirectory

NOW = datetime(2026, 12, 7, 9, 0)
INVOICE = """\
id: invoice
name: Invoice
fields:
  - {name: amount, type: money, required: true, label: Amount}
stages:
  - key: pay
    name: {en: Payment, ru: Оплата}
    assignees: [{role: accounting}]
    rule: any
    form:
      - {name: paid_on, type: date, required: true, label: {en: Payment date, ru: Дата оплаты}}
      - {name: order_no, type: text, required: true, label: {en: Order No., ru: Номер п/п}}
      - {name: paid_amount, type: money, label: {en: Amount paid, ru: Оплаченная сумма}}
      - {name: controller, type: person, label: Controller}
    outcomes:
      paid: {}
      later:
        label: {en: Pay later, ru: Оплатить позже}
        to: same
        form: [{name: pay_after, type: date, required: true, label: Pay after}]
      send_back:
  - key: check
    name: Check
    assignees: [{field: controller}]
    when: "paid_amount != 0"
"""


@pytest.fixture
def people() -> FakeDirectory:
    d = FakeDirectory()
    d.add("ivan@example.com")
    d.add("maria@example.com", roles=("accounting",))
    d.add("olga@example.com")
    return d


def start(people):
    process = load_text(INVOICE, "invoice.yaml")
    state = engine.start(process, people, 1, {"amount": "100.00"}, NOW).state
    [task] = [t for t in state.tasks if t.state == OPEN]
    return process, state, task


def test_the_task_form_is_not_on_the_start_form(people) -> None:
    process = load_text(INVOICE, "invoice.yaml")
    assert [f.name for f in process.start_fields] == ["amount"]
    assert [f.name for f in process.asked("pay")] == ["paid_on", "order_no", "paid_amount",
                                                      "controller", "pay_after"]
    assert [f.name for f in process.asked("pay", "paid")] == ["paid_on", "order_no",
                                                              "paid_amount", "controller"]
    assert [f.name for f in process.asked("pay", "later")] == ["pay_after"]  # a repeat: its own
    assert process.asked("pay", "send_back") == ()


def test_the_answers_join_the_instance_and_the_decision_records_them(people) -> None:
    process, state, task = start(people)
    out = engine.decide(process, people, state, task.seq, 2, "paid", "", NOW,
                        values={"paid_on": "27.11.2026", "order_no": " 123 ",
                                "paid_amount": "0"})
    assert out.state.fields == {"amount": "100.00", "paid_on": "2026-11-27", "order_no": "123",
                                "paid_amount": "0.00"}
    decided = next(e for e in out.events if e.kind == "decided")
    assert (decided.actor, decided.data["values"]) == (2, {
        "paid_on": "2026-11-27", "order_no": "123", "paid_amount": "0.00"})


def test_a_missing_or_bad_answer_is_refused_field_by_field(people) -> None:
    process, state, task = start(people)
    with pytest.raises(FormInvalid) as refused:
        engine.decide(process, people, state, task.seq, 2, "paid", "", NOW,
                      values={"paid_on": "yesterday", "paid_amount": "lots"})
    assert refused.value.errors == {"paid_on": ("not_a_date", {}),
                                    "order_no": ("required", {}),
                                    "paid_amount": ("not_a_number", {})}
    with pytest.raises(FormInvalid) as refused:
        engine.decide(process, people, state, task.seq, 2, "later", "", NOW,
                      values={"paid_on": "2026-11-27"})
    assert refused.value.errors == {"paid_on": ("unknown_field", {}),
                                    "pay_after": ("required", {})}
    with pytest.raises(FormInvalid) as refused:
        engine.decide(process, people, state, task.seq, 2, "paid", "", NOW,
                      values={"paid_on": "2026-11-27", "order_no": "1", "pay_after": "x"})
    assert refused.value.errors == {"pay_after": ("unknown_field", {})}


def test_sending_back_asks_for_nothing(people) -> None:
    process, state, task = start(people)
    out = engine.decide(process, people, state, task.seq, 2, "send_back", "Wrong invoice", NOW)
    assert out.state.stage == "revision" and "paid_on" not in out.state.fields


def test_a_stranger_is_refused_before_the_form_is_looked_at(people) -> None:
    process, state, task = start(people)
    with pytest.raises(NotAnAssignee):
        engine.decide(process, people, state, task.seq, 3, "paid", "", NOW,
                      values={"paid_on": "nonsense"})


def test_later_stages_use_the_answers_in_conditions_and_assignees(people) -> None:
    process, state, task = start(people)
    answers = {"paid_on": "2026-11-27", "order_no": "7", "controller": "olga@example.com"}
    out = engine.decide(process, people, state, task.seq, 2, "paid", "", NOW,
                        values=dict(answers, paid_amount="0"))
    assert out.state.stage == "completed"  # paid_amount == 0: the check is skipped
    out = engine.decide(process, people, state, task.seq, 2, "paid", "", NOW,
                        values=dict(answers, paid_amount="90"))
    assert out.state.stage == "check"
    assert [t.assignee for t in out.state.current_tasks() if t.state == OPEN] == [3]


@pytest.mark.parametrize(("old", "new", "problem"), [
    ("      - {name: order_no, type: text,", "      - {name: amount, type: text,",
     "field 'amount' is declared twice"),
    ("      - {name: paid_amount, type: money,", "      - {name: scan, type: file,",
     "a task form cannot ask for a file"),
])
def test_a_task_form_that_cannot_work_is_refused(old, new, problem) -> None:
    with pytest.raises(DefinitionError) as refused:
        load_text(INVOICE.replace(old, new), "invoice.yaml")
    assert problem in str(refused.value)


def test_a_loop_keeps_the_answers_of_the_earlier_round(people) -> None:
    process, state, task = start(people)
    out = engine.decide(process, people, state, task.seq, 2, "later", "", NOW,
                        values={"pay_after": "2026-12-01"})
    assert out.state.stage == "pay" and out.state.fields["pay_after"] == "2026-12-01"
    [again] = [t for t in out.state.current_tasks() if t.state == OPEN]
    assert again.opened_at == NOW + timedelta(0)
