"""Bulk decisions through the JSON API (``POST /api/tasks/decisions``, :mod:`web.bulk`): many
decisions in one call, each its own transaction and audit event; a refused one is reported in
its item, with the code and message the single decision would give, and stops nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlmodel import select

from approvals import service
from approvals.store import audit
from approvals.store.db import read_session, write_session
from approvals.store.directory import import_people
from approvals.store.models import AuditEvent, Instance, Person, Task
from tests.integration.flows import load_process, request_leave, team_people
from tests.integration.web.api.conftest import NOW, WHO, Api

ON_BOTH_DATABASES = pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
    indirect=True)
PATH = "/api/tasks/decisions"
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


@dataclass(frozen=True)
class Team:
    """Vacation requests of employees whose manager is Anna: one per employee."""

    employees: list[int]
    instances: list[int]
    tasks: list[int]  # Anna's task in each, in the same order


def _open_task(engine, instance_id: int, person_id: int) -> int:
    with read_session(engine) as s:
        return s.exec(select(Task.id).where(Task.instance_id == instance_id,
                                            Task.assignee_id == person_id,
                                            Task.state == "open")).one()


@pytest.fixture
def team(app: Flask, person_ids: dict[str, int]) -> Callable[[int], Team]:
    def make(size: int) -> Team:
        engine = app.extensions["signoff.db"]
        with write_session(engine) as s:
            import_people(s, team_people(WHO["anna"], size))
            by_email = dict(s.exec(select(Person.email, Person.id)).all())
        employees = [by_email[f"employee{n:02}@example.com"] for n in range(1, size + 1)]
        instances = [request_leave(engine, person, NOW).instance_id for person in employees]
        return Team(employees, instances,
                    [_open_task(engine, i, person_ids["anna"]) for i in instances])

    return make


def approve_all(task_ids: list[int], comment: str = "") -> dict[str, Any]:
    return {"decisions": [{"task": t, "verdict": "approve", "comment": comment}
                          for t in task_ids]}


def heads(app: Flask, instances: list[int]) -> list[Any]:
    with read_session(app.extensions["signoff.db"]) as s:
        return [s.exec(select(AuditEvent.hash).where(AuditEvent.instance_id == i)
                       .order_by(AuditEvent.seq.desc())).first() for i in instances]


@ON_BOTH_DATABASES
def test_a_manager_decides_thirty_requests_in_one_call_and_the_two_decided_before_fail(
        app: Flask, api: Api, team, person_ids: dict[str, int]) -> None:
    engine = app.extensions["signoff.db"]
    requests = team(30)
    mine, withdrawn = requests.tasks[0], requests.tasks[29]
    assert api.decide("anna", mine, "approve", "Have a good rest").status_code == 200
    service.withdraw(engine, requests.instances[29], requests.employees[29], "Plans changed",
                     NOW, channel="api")

    response = api.post("anna", PATH, approve_all(requests.tasks, "Agreed"))

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["decided"], body["failed"]) == (28, 2)
    results = body["results"]
    assert [item["task"] for item in results] == requests.tasks  # in the order asked
    first, last = results[0], results[29]
    assert first["ok"] is False and first["error"]["code"] == "already_decided"
    assert first["error"]["message"].startswith("already decided by Anna Approver at ")
    assert last == {"task": withdrawn, "ok": False, "error": {
        "code": "instance_closed", "message": "this process is cancelled"}}
    for item, instance_id in zip(results[1:29], requests.instances[1:29], strict=True):
        assert item == {"task": item["task"], "ok": True, "instance": instance_id,
                        "status": "running"}
    with read_session(engine) as s:
        for task_id, instance_id in zip(requests.tasks[1:29], requests.instances[1:29],
                                        strict=True):
            task = s.get(Task, task_id)
            assert (task.state, task.verdict, task.channel, task.comment) == (
                "decided", "approve", "api", "Agreed")
            [event] = s.exec(select(AuditEvent).where(AuditEvent.instance_id == instance_id,
                                                      AuditEvent.kind == "decided")).all()
            assert (event.actor_id, event.channel, event.data["evidence"]) == (
                person_ids["anna"], "api", {"bulk": 30})
            assert audit.verify(s, instance_id).ok
            assert s.get(Instance, instance_id).stage == "record"
    assert api.get("anna", "/api/tasks?assignee=me").get_json() == {
        "tasks": [], "total": 0, "next": None}


def test_each_decision_carries_its_own_answer_and_comment_and_kinds_may_mix(
        app: Flask, api: Api, team) -> None:
    """Unlike the inbox's one answer for all, an API call names each decision's verdict and
    comment: a send-back with its own comment goes, one without is refused alone, and tasks
    of different processes may share a call."""
    requests = team(3)
    contract = api.start(approvers=[WHO["anna"]])
    contract_task = api.open_task("anna", contract["id"])["id"]

    response = api.post("anna", PATH, {"decisions": [
        {"task": requests.tasks[0], "verdict": "send_back", "comment": "Wrong dates"},
        {"task": requests.tasks[1], "verdict": "send_back"},
        {"task": requests.tasks[2], "verdict": "approve"},
        {"task": contract_task, "verdict": "approve", "comment": "Fine"}]})

    assert response.status_code == 200
    body = response.get_json()
    assert [item["ok"] for item in body["results"]] == [True, False, True, True]
    assert body["results"][1]["error"]["code"] == "comment_required"
    with read_session(app.extensions["signoff.db"]) as s:
        assert s.get(Instance, requests.instances[0]).stage == "revision"
        assert s.get(Task, requests.tasks[1]).state == "open"
        assert s.get(Task, contract_task).comment == "Fine"


def test_an_answer_that_asks_for_a_task_form_is_decided_on_its_own(
        app: Flask, api: Api, person_ids: dict[str, int], tmp_path: Path) -> None:
    engine = app.extensions["signoff.db"]
    load_process(engine, tmp_path, FORM_PROCESS, NOW)
    started = service.start(engine, "equipment-check", person_ids["initiator"],
                            {"title": "Laptop"}, NOW)
    task = _open_task(engine, started.instance_id, person_ids["anna"])
    before = heads(app, [started.instance_id])

    response = api.post("anna", PATH, approve_all([task]))

    assert response.status_code == 200
    [item] = response.get_json()["results"]
    assert item["ok"] is False and item["error"]["code"] == "not_in_bulk"
    assert f"POST /api/tasks/{task}/decision" in item["error"]["message"]
    assert heads(app, [started.instance_id]) == before
    single = api.post("anna", f"/api/tasks/{task}/decision",
                      {"verdict": "approve", "fields": {"serial": "SN-1"}})
    assert single.status_code == 200  # on its own, with the form's answers


def test_someone_elses_task_fails_as_not_theirs_and_the_item_tells_nothing_more(
        app: Flask, api: Api, team) -> None:
    requests = team(1)
    before = heads(app, requests.instances)
    single = api.decide("outsider", requests.tasks[0], "approve").get_json()

    response = api.post("outsider", PATH, {"decisions": [
        {"task": requests.tasks[0], "verdict": "approve"},
        {"task": 999_999, "verdict": "approve"},
        {"task": 2**40, "verdict": "approve"}]})

    assert response.status_code == 200
    body = response.get_json()
    assert body["decided"] == 0
    assert body["results"][0] == {"task": requests.tasks[0], "ok": False, "error": {
        "code": single["error"], "message": single["message"]}}
    assert single["error"] == "not_an_assignee"
    assert [item["error"]["code"] for item in body["results"][1:]] == ["not_found"] * 2
    assert heads(app, requests.instances) == before


def test_a_batch_over_the_limit_or_not_well_formed_is_refused_whole(
        app: Flask, api: Api, team) -> None:
    requests = team(2)
    before = heads(app, requests.instances)
    too_many = approve_all([*requests.tasks, *range(10_000, 10_199)])  # 201
    response = api.post("anna", PATH, too_many)
    assert response.status_code == 400
    assert response.get_json() == {"error": "bad_request", "message": (
        "'decisions' holds 201 items; at most 200 are taken in one call: send the rest in "
        "another")}
    task = requests.tasks[0]
    for body, says in [
            ({}, "'decisions' must be a list"),
            ({"decisions": []}, "'decisions' is empty"),
            ({"decisions": [task]}, "decisions[0] must be an object"),
            ({"decisions": [{"task": str(task), "verdict": "approve"}]}, "decisions[0].task"),
            ({"decisions": [{"task": True, "verdict": "approve"}]}, "decisions[0].task"),
            ({"decisions": [{"task": task, "verdict": " "}]}, "decisions[0].verdict"),
            ({"decisions": [{"task": task, "verdict": "approve", "comment": 5}]},
             "decisions[0].comment"),
            ({"decisions": [{"task": task, "verdict": "approve"},
                            {"task": task, "verdict": "send_back", "comment": "No"}]},
             f"decisions[1]: task {task} is named twice")]:
        response = api.post("anna", PATH, body)
        assert response.status_code == 400, body
        assert response.get_json()["message"].startswith(says), body
    assert api.post(None, PATH, approve_all(requests.tasks)).status_code == 401
    assert heads(app, requests.instances) == before
    assert api.post("anna", PATH, approve_all(requests.tasks)).get_json()["decided"] == 2
