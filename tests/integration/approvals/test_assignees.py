"""Assignees from data on real databases: a department read from the directory, the manager
of the person in a field, whoever decided an earlier stage, and a stage nobody can take given
to the administrators with the initiator told."""

from __future__ import annotations

from datetime import timedelta

import pytest

from approvals import service
from approvals.definitions import load_file
from approvals.store import directory, registry
from approvals.store.db import write_session
from approvals.store.models import OutboxItem
from tests.integration.flows import audit_events, load_process, open_tasks, rows

PROCESS = """\
id: routed
name: {en: Routed request, ru: Заявка с маршрутом}
fields:
  - {name: title, type: text, required: true, label: Title}
  - {name: employee, type: person, label: Employee}
stages:
  - key: legal
    name: Legal
    assignees: [{department: legal}]
    rule: any
  - key: their_manager
    name: Their manager
    assignees: [{manager_of: {field: employee}}]
  - key: again
    name: Again
    assignees: [{decided: legal}]
  - key: security_officer
    name: Security officer
    assignees: [{role: security_officer}]
"""


@pytest.fixture
def routed(db, org, now, tmp_path) -> str:
    assert load_process(db, tmp_path, PROCESS, now) == "routed"
    return "routed"


def test_each_stage_finds_its_people_in_the_directory_and_the_data(db, org, now, routed):
    anna, boris, clara = org.approvers
    started = service.start(db, routed, org.initiator,
                            {"title": "Access", "employee": org.email(clara)}, now)
    assert set(open_tasks(db, started.instance_id)) == {anna}  # Legal is Anna's department

    step = now
    for expected in ([org.manager], [anna]):
        [(person, task)] = open_tasks(db, started.instance_id).items()
        step += timedelta(minutes=1)
        service.decide(db, task.id, person, "approve", "", step)
        assert list(open_tasks(db, started.instance_id)) == expected

    [(person, task)] = open_tasks(db, started.instance_id).items()
    service.decide(db, task.id, person, "approve", "", step + timedelta(minutes=1))

    # nobody holds security_officer: the administrator gets the task, the initiator is told
    assert list(open_tasks(db, started.instance_id)) == [org.admin]
    [unassigned] = [e.data for e in audit_events(db, started.instance_id)
                    if e.kind == "stage_unassigned"]
    assert unassigned == {"stage": "security_officer", "wanted": ["role security_officer"],
                          "assignees": [org.admin]}
    told = [row.payload for row in rows(db, OutboxItem, OutboxItem.kind == "notify")
            if row.payload["template"] == "stage_unassigned"]
    assert [(p["person"], p["params"]["wanted"]) for p in told] == [
        (org.initiator, ["role security_officer"])]


HEADS = """\
email,name,locale,manager_email,department,roles,aliases
maria@example.com,Maria Manager,en,,Sales,head,
anna@example.com,Anna Approver,en,maria@example.com,Legal,head,
"""
BY_HEADS = """\
id: by-heads
name: By heads
fields:
  - {name: title, type: text, required: true, label: Title}
  - {name: employee, type: person, label: Employee}
stages:
  - {key: own, name: Own head, assignees: [department_head]}
  - {key: theirs, name: Their head, assignees: [{department_head: {field: employee}}]}
"""


def test_department_heads_are_read_from_the_directory(db, org, now, tmp_path):
    path = tmp_path / "by-heads.yaml"
    path.write_text(BY_HEADS, encoding="utf-8")
    with write_session(db) as session:
        directory.import_people(session, HEADS)
        registry.sync(session, [load_file(path)], now)
    anna = org.approvers[0]
    started = service.start(db, "by-heads", org.initiator,
                            {"title": "Access", "employee": org.email(org.approvers[1])}, now)
    assert list(open_tasks(db, started.instance_id)) == [org.manager]  # head of Sales
    [task] = open_tasks(db, started.instance_id).values()
    service.decide(db, task.id, org.manager, "approve", "", now + timedelta(minutes=1))
    # Boris is in Finance, which has no head: the administrators take it
    assert list(open_tasks(db, started.instance_id)) == [org.admin]
    started = service.start(db, "by-heads", org.initiator,
                            {"title": "Access", "employee": org.email(anna)}, now)
    [task] = open_tasks(db, started.instance_id).values()
    service.decide(db, task.id, org.manager, "approve", "", now + timedelta(minutes=2))
    assert list(open_tasks(db, started.instance_id)) == [anna]  # head of Legal
