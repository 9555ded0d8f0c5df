"""An instance's title in each reader's language, from the process's template or name, and a
notice worded over the fields, sent only when its condition holds."""

from __future__ import annotations

from datetime import timedelta

import pytest

from approvals import service
from approvals.store import lists, queries
from approvals.store.db import read_session
from approvals.store.models import Instance
from tests.integration.flows import load_process, open_tasks, rows, sent_notices

PROCESS = """\
id: leave
name: {en: Leave request, ru: Заявление на отпуск}
title:
  en: "Leave: {{ initiator.name }}, {{ fields.period }} ({{ fields.days }} days)"
  ru: "Отпуск: {{ initiator.name }}, {{ fields.period }} ({{ fields.days }} дн.)"
fields:
  - {name: period, type: date_range, required: true, label: Dates}
  - {name: days, type: number, label: Days}
  - {name: cover, type: person, label: Cover}
  - name: variant
    type: choice
    label: Kind
    choices: [{value: paid, label: {en: Paid, ru: Оплачиваемый}}, unpaid]
stages:
  - {key: hr, name: HR, assignees: [{person: anna@example.com}]}
on_complete:
  - notify: initiator
    message:
      en: "{{ fields.variant }} leave from {{ fields.period }}; {{ fields.cover }} covers."
      ru: "{{ fields.variant }} отпуск {{ fields.period }}; замещает {{ fields.cover }}."
  - notify: initiator
    when: "variant == unpaid"
    message: {en: Unpaid leave is not paid., ru: Отпуск без сохранения оплаты.}
"""


@pytest.fixture
def leave(db, org, now, tmp_path) -> str:
    assert load_process(db, tmp_path, PROCESS, now) == "leave"
    return "leave"


def test_the_title_is_written_in_each_language_and_read_in_the_readers(db, org, now, leave):
    fields = {"period": {"start": "2027-01-11", "end": "2027-01-24"}, "days": "14",
              "cover": org.email(org.approvers[1]), "variant": "paid"}
    started = service.start(db, leave, org.initiator, fields, now)  # Ivan reads Russian

    [instance] = rows(db, Instance, Instance.id == started.instance_id)
    assert instance.titles == {
        "en": "Leave: Ivan Initiator, 2027-01-11 – 2027-01-24 (14 days)",
        "ru": "Отпуск: Ivan Initiator, 11.01.2027 – 24.01.2027 (14 дн.)"}
    assert instance.title == instance.titles["ru"]  # the initiator's language, for search
    with read_session(db) as session:
        assert queries.instance_view(session, instance, "en")["title"] == instance.titles["en"]
        [task] = lists.open_tasks(session, org.approvers[0], "en")
        assert task["title"] == instance.titles["en"]


def test_without_a_title_an_instance_is_named_in_its_initiators_language(db, org, now,
                                                                         tmp_path):
    untitled = PROCESS.replace("id: leave", "id: untitled").split("title:")[0] + \
        "fields:" + PROCESS.split("fields:")[1]
    load_process(db, tmp_path, untitled, now)
    started = service.start(db, "untitled", org.initiator, {
        "period": {"start": "2027-02-01", "end": "2027-02-05"}}, now)
    [instance] = rows(db, Instance, Instance.id == started.instance_id)
    assert instance.titles == {"en": "Leave request", "ru": "Заявление на отпуск"}
    assert instance.title == "Заявление на отпуск"


def test_a_notice_is_worded_over_the_fields_and_sent_only_when_its_condition_holds(
        db, org, now, leave):
    anna = org.approvers[0]
    fields = {"period": {"start": "2027-01-11", "end": "2027-01-24"}, "days": "14",
              "cover": org.email(org.approvers[1]), "variant": "paid"}
    paid = service.start(db, leave, org.initiator, fields, now)
    task = open_tasks(db, paid.instance_id)[anna]
    service.decide(db, task.id, anna, "approve", "", now + timedelta(minutes=1))

    # told on completion: in the one completion notice, held for the signed trail
    notices = [sent["params"]["message"] for sent in sent_notices(db, paid.instance_id)
               if "message" in sent["params"]]
    assert notices == [{
        "en": "Paid leave from 2027-01-11 – 2027-01-24; Boris Approver covers.",
        "ru": "Оплачиваемый отпуск 11.01.2027 – 24.01.2027; замещает Boris Approver."}]

    unpaid = service.start(db, leave, org.initiator, dict(fields, variant="unpaid"), now)
    task = open_tasks(db, unpaid.instance_id)[anna]
    service.decide(db, task.id, anna, "approve", "", now + timedelta(minutes=2))
    notices = [sent["params"]["message"]["en"] for sent in sent_notices(db, unpaid.instance_id)
               if "message" in sent["params"]]
    # the process's two notices, folded into the one completion notice
    assert notices == ["unpaid leave from 2027-01-11 – 2027-01-24; Boris Approver covers. "
                       "Unpaid leave is not paid."]
