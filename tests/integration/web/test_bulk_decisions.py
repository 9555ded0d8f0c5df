"""Bulk decisions from the inbox (:mod:`web.bulk`): a manager selects many requests of one kind
and approves them at once; each is its own audited decision, and a task that cannot be decided
(decided meanwhile, withdrawn, someone else's, asking for a form) is listed with the reason and
stops nothing. The form is posted as a browser without JavaScript posts it."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import func
from sqlmodel import select

from approvals import service
from approvals.core.bulk import MAX_BATCH
from approvals.store import audit
from approvals.store.db import read_session, write_session
from approvals.store.directory import import_people
from approvals.store.models import AuditEvent, Instance, OutboxItem, Person, Task
from approvals.texts import formats
from approvals.trail import content
from tests.integration.flows import (
    contract_fields,
    load_process,
    request_leave,
    rows,
    team_people,
)
from tests.integration.web.site import NOW, WHO, Browser, audit_head, csrf_token, ids, open_task
from workers.actors import handoff

#: A stage whose answer asks for a task form: never answered in bulk.
FORM_PROCESS = """\
id: equipment-check
name: {en: Equipment check, ru: Проверка оборудования}
fields:
  - {name: title, type: text, required: true, label: {en: Title, ru: Название}}
stages:
  - key: check
    name: {en: Check, ru: Проверка}
    assignees: [{person: anna@example.com}]
    verdicts: [approve, send_back]
    form:
      - {name: serial, type: text, required: true, label: {en: Serial No., ru: Серийный №}}
"""
#: A stage whose approval needs a comment of its own.
COMMENT_PROCESS = """\
id: waiver
name: {en: Fee waiver, ru: Освобождение от сбора}
fields:
  - {name: title, type: text, required: true, label: {en: Title, ru: Название}}
stages:
  - key: waive
    name: {en: Waiver, ru: Решение}
    assignees: [{person: anna@example.com}]
    outcomes:
      approve: {comment: required}
      send_back:
"""
CHECKBOX = re.compile(r'<input type="checkbox" class="pick" form="bulk-form" name="task" '
                      r'value="(\d+)"([^>]*)>')
QUEUED = "dramatiq:outbox.msgs"


@dataclass(frozen=True)
class Team:
    """Vacation requests of employees whose manager is Anna: one per employee."""

    employees: list[int]
    instances: list[int]
    tasks: list[int]  # Anna's task in each, in the same order


@pytest.fixture
def team(app: Flask) -> Callable[[int], Team]:
    def make(size: int) -> Team:
        engine = app.extensions["signoff.db"]
        with write_session(engine) as s:
            import_people(s, team_people(WHO["anna"], size))
            by_email = dict(s.exec(select(Person.email, Person.id)).all())
        employees = [by_email[f"employee{n:02}@example.com"] for n in range(1, size + 1)]
        instances = [request_leave(engine, person, NOW).instance_id for person in employees]
        return Team(employees, instances, [open_task(app, i, "anna") for i in instances])

    return make


def bulk(browser: Browser, task_ids: list[int], verdict: str = "approve", comment: str = "",
         token: str | None = None):
    """Post the inbox's bulk form (with the CSRF token of the inbox, or ``token``)."""
    token = token or csrf_token(browser.get("/").text)
    return browser.client.post("/tasks/bulk", data={
        "task": [str(t) for t in task_ids], "verdict": verdict, "comment": comment,
        "csrf_token": token})


def decide(browser: Browser, task_id: int, verdict: str, comment: str = ""):
    return browser.submit(f"/tasks/{task_id}", f"/tasks/{task_id}/decide",
                          {"verdict": verdict, "comment": comment})


def failures(page: str) -> dict[int, str]:
    """The answer page's list of tasks not decided: task id → reason."""
    listed = page.split('class="cards compact bulk-failed"', 1)[-1] \
        if "bulk-failed" in page else ""
    return {int(task): html.unescape(reason) for task, reason in re.findall(
        r'data-task="(\d+)">.*?<p class="reason">(.*?)</p>', listed, re.DOTALL)}


def decided_events(app: Flask, instance_id: int) -> list[AuditEvent]:
    with read_session(app.extensions["signoff.db"]) as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.instance_id == instance_id,
                                                    AuditEvent.kind == "decided")).all())


def heads(app: Flask, instances: list[int]) -> list[tuple[int, str]]:
    return [audit_head(app, i) for i in instances]


# ---------------------------------------------------------------------------- the page


def test_the_inbox_gives_each_open_task_a_checkbox_and_a_bar_to_approve_the_selected(
        app: Flask, browsers, team) -> None:
    requests = team(3)
    anna = browsers("anna")
    page = anna.get("/")
    assert page.status_code == 200
    boxes = CHECKBOX.findall(page.text)
    assert [int(task) for task, _ in boxes] == requests.tasks
    for _task, attributes in boxes:
        assert 'data-kind="vacation/manager"' in attributes
        assert 'data-answers="approve"' in attributes
        assert "disabled" not in attributes
    # the form the checkboxes belong to: outside the list, posted without any script
    assert '<form method="post" action="/tasks/bulk" id="bulk-form"' in page.text
    assert '<button type="submit" name="verdict" value="approve" class="btn primary">' \
           'Approve selected</button>' in page.text
    assert 'name="comment"' in page.text
    assert '<script src="/static/bulk.js" defer></script>' in page.text
    script = anna.get("/static/bulk.js")
    assert script.status_code == 200 and b"bulk-form" in script.data
    script.close()
    assert "'unsafe-inline'" not in page.headers["Content-Security-Policy"]
    # a Russian reader reads the bar in Russian; someone with nothing to answer gets no bar
    with write_session(app.extensions["signoff.db"]) as s:
        import_people(s, team_people(WHO["boris"], 1).replace(",en,", ",ru,"))
    boris_request = rows(app.extensions["signoff.db"], Person,
                         Person.email == "employee01@example.com")[0]
    request_leave(app.extensions["signoff.db"], boris_request.id, NOW)
    assert "Согласовать выбранные" in browsers("boris").get("/").text
    assert 'id="bulk-form"' not in browsers("oscar").get("/").text


def test_a_manager_approves_thirty_requests_at_once_and_the_two_decided_meanwhile_are_listed(
        app: Flask, browsers, team, app_broker) -> None:
    engine = app.extensions["signoff.db"]
    requests = team(30)
    anna = browsers("anna")
    inbox = anna.get("/").text  # the inbox as Anna opened it: thirty requests
    assert sorted(int(task) for task, _ in CHECKBOX.findall(inbox)) == sorted(requests.tasks)
    # meanwhile Anna approves one on its own page, and an employee withdraws another
    mine, withdrawn = requests.tasks[3], requests.tasks[17]
    assert decide(anna, mine, "approve", "Have a good rest").status_code == 303
    service.withdraw(engine, requests.instances[17], requests.employees[17], "Plans changed",
                     NOW, channel="web")
    with read_session(engine) as s:
        last_outbox = s.exec(select(func.max(OutboxItem.id))).one()
    assert handoff.flush()  # what the decision and the withdrawal kicked is in Redis now
    queued_before = set(app_broker.client.hkeys(QUEUED))

    response = bulk(anna, requests.tasks, comment="Agreed at the Monday review",
                    token=csrf_token(inbox))

    assert response.status_code == 200
    assert "Decided: 28 of 30 — Approved. Each is recorded as its own decision." \
        in response.text
    decided_at = rows(engine, Task, Task.id == mine)[0].closed_at
    assert failures(response.text) == {
        mine: f"Already decided by Anna Approver at {formats.format_time(decided_at, 'en')}: "
              f"Approved.",
        withdrawn: "The process was withdrawn; no decision is needed."}
    assert "Not decided: 2" in response.text
    anna_id = ids(app)["anna"]
    with read_session(engine) as s:
        for task_id, instance_id in zip(requests.tasks, requests.instances, strict=True):
            task = s.get(Task, task_id)
            events = decided_events(app, instance_id)
            assert audit.verify(s, instance_id).ok
            if task_id == withdrawn:
                assert (task.state, events) == ("withdrawn", [])
                assert s.get(Instance, instance_id).status == "cancelled"
                continue
            [event] = events  # its own decision, once
            assert (task.state, task.verdict, task.decided_by_id) == ("decided", "approve",
                                                                      anna_id)
            assert (event.actor_id, event.data["verdict"], event.channel) == (
                anna_id, "approve", "web")
            assert s.get(Instance, instance_id).stage == "record"  # on to HR, as one by one
            if task_id == mine:
                assert "evidence" not in event.data and task.comment == "Have a good rest"
            else:
                assert event.data["evidence"] == {"bulk": 30}
                assert task.comment == event.data["comment"] == "Agreed at the Monday review"
        new_rows = sorted(s.exec(select(OutboxItem.id).where(OutboxItem.id > last_outbox)))
    assert len(new_rows) >= 28  # HR is told of each request
    # the batch's outbox rows go to the workers together, once, as a single decision's do
    assert handoff.flush()
    sent = [json.loads(app_broker.client.hget(QUEUED, key))["args"]
            for key in set(app_broker.client.hkeys(QUEUED)) - queued_before]
    assert sent == [[new_rows]]
    assert "Nothing is waiting for you." in anna.get("/").text
    with read_session(engine) as s:  # the trail shows an auditor the batch, in their words
        trail, _files = content.collect(s, requests.instances[0], "ru", True, NOW)
    [line] = [e for e in trail["timeline"] if e["evidence"]]
    assert line["evidence"] == [("Решение по нескольким задачам (задач в пакете)", "30")]


def test_tasks_of_two_kinds_are_refused_together_and_nothing_is_decided(
        app: Flask, browsers, team) -> None:
    engine = app.extensions["signoff.db"]
    requests = team(2)
    contract = service.start(engine, "contract-approval", ids(app)["ivan"],
                             contract_fields([WHO["anna"], WHO["boris"]]), NOW).instance_id
    selected = [requests.tasks[0], open_task(app, contract, "anna")]
    anna = browsers("anna")
    before = heads(app, [*requests.instances, contract])

    response = bulk(anna, selected)

    assert response.status_code == 400
    assert ("Select tasks of one kind only (the same process and stage). You selected: "
            "Vacation request — Manager's approval; Contract approval — Approval. Nothing was "
            "decided.") in html.unescape(response.text)
    checked = {int(task) for task, attributes in CHECKBOX.findall(response.text)
               if "checked" in attributes}
    assert checked == set(selected)  # the selection is kept, to be corrected
    assert heads(app, [*requests.instances, contract]) == before
    # one kind at a time is fine
    assert bulk(anna, requests.tasks).status_code == 200
    assert all(decided_events(app, i) for i in requests.instances)


def test_a_task_whose_answer_asks_for_a_form_or_its_own_comment_is_answered_on_its_own(
        app: Flask, browsers, team, tmp_path) -> None:
    engine = app.extensions["signoff.db"]
    team(1)  # something Anna may answer from the inbox: the checkboxes show
    load_process(engine, tmp_path, FORM_PROCESS, NOW)
    load_process(engine, tmp_path, COMMENT_PROCESS, NOW)
    ivan = ids(app)["ivan"]
    checks = [service.start(engine, "equipment-check", ivan, {"title": f"Laptop {n}"},
                            NOW).instance_id for n in (1, 2)]
    waiver = service.start(engine, "waiver", ivan, {"title": "Conference fee"},
                           NOW).instance_id
    check_tasks = [open_task(app, i, "anna") for i in checks]
    waiver_task = open_task(app, waiver, "anna")
    anna = browsers("anna")
    inbox = anna.get("/").text
    boxes = dict(CHECKBOX.findall(inbox))
    for task in (*check_tasks, waiver_task):
        assert "disabled" in boxes[str(task)]  # not offered at all
    assert "Answered on its own page" in inbox
    before = heads(app, [*checks, waiver])

    response = bulk(anna, check_tasks)  # as a stale page, or a hand-made form, would send

    assert response.status_code == 200
    assert "Nothing was decided (2 selected)." in response.text
    reason = "This answer asks for a form to fill in: answer this task on its own page."
    assert failures(response.text) == dict.fromkeys(check_tasks, reason)
    for task in check_tasks:
        assert f'<a class="btn secondary" href="/tasks/{task}">Answer it on its own page</a>' \
            in response.text
    response = bulk(anna, [waiver_task])
    assert failures(response.text) == {waiver_task: "This answer needs a comment of its own: "
                                                    "answer this task on its own page."}
    assert heads(app, [*checks, waiver]) == before


def test_someone_elses_task_in_the_batch_fails_as_not_theirs_and_tells_nothing_of_it(
        app: Flask, browsers, team) -> None:
    """Boris (who reads Russian) sends his own contract task with Anna's vacation task and
    ids that are no task at all: his is decided, the others fail, and the page says nothing
    of Anna's task — not its title, not its kind (it is no "second kind")."""
    engine = app.extensions["signoff.db"]
    requests = team(1)
    with write_session(engine) as s:
        s.get(Instance, requests.instances[0]).title = "Secret merger"
    contract = service.start(engine, "contract-approval", ids(app)["ivan"],
                             contract_fields([WHO["boris"]]), NOW).instance_id
    own, annas = open_task(app, contract, "boris"), requests.tasks[0]
    before = audit_head(app, requests.instances[0])

    response = bulk(browsers("boris"), [own, annas, 2**31, 999_999])

    assert response.status_code == 200
    assert "Принято решений: 1 из 4 — «Согласовано»." in response.text
    assert failures(response.text) == {
        annas: "Эта задача назначена другому сотруднику.",
        2**31: "Не найдено: возможно, ссылка неверна или устарела.",
        999_999: "Не найдено: возможно, ссылка неверна или устарела."}
    assert f"Задача № {annas}" in response.text
    for secret in ("Secret merger", "Vacation request", "Заявление на отпуск", "Employee 01",
                   f'href="/tasks/{annas}"'):
        assert secret not in response.text
    assert audit_head(app, requests.instances[0]) == before
    assert [e.data["evidence"] for e in decided_events(app, contract)] == [{"bulk": 4}]


def test_what_the_form_lacks_is_refused_with_the_inbox_and_nothing_is_decided(
        app: Flask, browsers, team) -> None:
    requests = team(2)
    anna = browsers("anna")
    before = heads(app, requests.instances)
    cases = [
        ([], "approve", "Select at least one task. Nothing was decided."),
        (requests.tasks, "", "Choose an answer for the selected tasks. Nothing was decided."),
        # a send-back needs each task's own comment: never from the bar
        (requests.tasks, "send_back",
         "Choose an answer for the selected tasks. Nothing was decided."),
        (list(range(1, MAX_BATCH + 2)), "approve",
         f"You selected {MAX_BATCH + 1} tasks; at most {MAX_BATCH} are answered at once. "
         f"Nothing was decided."),
    ]
    for task_ids, verdict, message in cases:
        response = bulk(anna, task_ids, verdict)
        assert response.status_code == 400, (task_ids, verdict)
        assert message in response.text
        assert "<h1>My tasks</h1>" in response.text
    response = bulk(anna, requests.tasks, comment="x" * 20_001)
    assert response.status_code == 400
    assert "The text is too long: 20001 characters" in response.text
    assert anna.client.post("/tasks/bulk", data={
        "task": ["12abc"], "verdict": "approve",
        "csrf_token": csrf_token(anna.get("/").text)}).status_code == 400
    assert anna.client.post("/tasks/bulk", data={"task": [str(requests.tasks[0])],
                                                 "verdict": "approve"}).status_code == 400
    assert heads(app, requests.instances) == before
