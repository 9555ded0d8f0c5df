"""A parallel stage on real databases: its branches' tasks stored side by side, joined when
both are done, shown on the instance view by branch."""

from __future__ import annotations

from datetime import timedelta

import pytest

from approvals import service
from approvals.store import queries
from approvals.store.db import read_session
from approvals.store.models import Instance
from approvals.trail.content import collect
from tests.integration.flows import load_process, open_tasks, rows

PROCESS = """\
id: handover
name: {en: Handover, ru: Передача дел}
fields:
  - {name: title, type: text, required: true, label: Title}
stages:
  - key: handover
    name: {en: Handover, ru: Передача дел}
    branches:
      - {key: it, name: {en: IT, ru: ИТ}, assignees: [{person: anna@example.com}],
         verdicts: [done]}
      - {key: hr, name: {en: HR, ru: Кадры}, assignees: [{person: boris@example.com}],
         verdicts: [done, send_back]}
"""


@pytest.fixture
def handover(db, org, now, tmp_path) -> str:
    assert load_process(db, tmp_path, PROCESS, now) == "handover"
    return "handover"


def test_both_branches_run_at_once_and_join(db, org, now, handover):
    anna, boris = org.approvers[0], org.approvers[1]
    started = service.start(db, handover, org.initiator, {"title": "Ivan leaves"}, now)
    tasks = open_tasks(db, started.instance_id)
    assert {person: task.stage for person, task in tasks.items()} == {
        anna: "handover.it", boris: "handover.hr"}
    with read_session(db) as session:
        view = queries.instance_view(session, session.get(Instance, started.instance_id), "ru")
        assert {t["stage_name"] for t in view["tasks"]} == {"ИТ", "Кадры"}
        assert view["stage_name"] == "Передача дел"

    service.decide(db, tasks[anna].id, anna, "done", "", now + timedelta(minutes=1))
    assert list(open_tasks(db, started.instance_id)) == [boris]
    done = service.decide(db, tasks[boris].id, boris, "done", "", now + timedelta(minutes=2))
    assert done.status == "completed"
    [instance] = rows(db, Instance, Instance.id == started.instance_id)
    assert instance.status == "completed"
    with read_session(db) as session:  # the trail lists both branches under the stage
        content, _files = collect(session, started.instance_id, "en", False,
                                  now + timedelta(minutes=3))
    [stage] = [row for row in content["stages"] if row["name"] == "Handover"]
    assert [line.split(":")[0] for line in stage["people"]] == [
        "IT — Anna Approver", "HR — Boris Approver"]
