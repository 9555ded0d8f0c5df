"""Validators and effects named in a process file, run by the service on real databases:
a validator's problems refuse a start or a resubmit like a field's, an effect writes in the
command's transaction, and an effect that refuses undoes the whole command."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from approvals import service
from approvals.core.errors import FormInvalid, TransitionNotAllowed
from approvals.store.db import read_session, write_session
from approvals.store.models import AuditEvent, Instance, Task
from tests.extension_plugins import LOG
from tests.integration.flows import audit_kinds, load_process, open_tasks, rows

PROCESS = """\
id: checked
name: {en: Checked request, ru: Проверяемая заявка}
fields:
  - {name: title, type: text, required: true, label: Title}
  - {name: supplier_inn, type: text, label: INN}
  - {name: period, type: date_range, label: Dates}
  - {name: note, type: text, label: Note}
validate:
  - tests.no_drafts
  - {accounting.inn: {field: supplier_inn}}
  - hr.period_ahead
stages:
  - key: check
    name: Check
    assignees: [manager]
    on_enter:
      - {effect: tests.log, with: {note: entered check}}
on_complete:
  - {effect: tests.log, with: {note: completed}}
"""


@pytest.fixture
def checked(db, org, now, tmp_path) -> str:
    """The process above, stored as a version, and the effect's own table."""
    LOG.create(db)
    assert load_process(db, tmp_path, PROCESS, now) == "checked"
    return "checked"


def _log(db) -> list[tuple]:
    with read_session(db) as session:
        return [tuple(row) for row in session.execute(
            select(LOG.c.instance_id, LOG.c.status, LOG.c.note).order_by(LOG.c.id))]


def _instances(db) -> int:
    with read_session(db) as session:
        return session.execute(select(func.count()).select_from(Instance)).scalar_one()


def test_every_validators_problem_refuses_the_start_together_and_nothing_is_written(
        db, org, now, checked):
    fields = {"title": "Draft offer", "supplier_inn": "7707083894",
              "period": {"start": (now - timedelta(days=3)).date().isoformat(),
                         "end": now.date().isoformat()}}

    with pytest.raises(FormInvalid) as refused:
        service.start(db, checked, org.initiator, fields, now)

    assert refused.value.errors == {
        "title": ("still_a_draft", {"word": "draft"}),
        "supplier_inn": ("inn_checksum", {"value": "7707083894"}),
        "period": ("period_in_the_past", {"start": fields["period"]["start"],
                                          "today": now.date().isoformat()})}
    assert _instances(db) == 0 and _log(db) == []


def test_a_field_that_fails_its_own_check_is_reported_before_any_validator_runs(
        db, org, now, checked):
    with pytest.raises(FormInvalid) as refused:
        service.start(db, checked, org.initiator, {"title": ""}, now)
    assert refused.value.errors == {"title": ("required", {})}


def test_effects_write_in_the_transaction_that_enters_the_stage_and_completes(
        db, org, now, checked):
    started = service.start(db, checked, org.initiator,
                            {"title": "Offer", "supplier_inn": "7707083893"}, now)
    assert _log(db) == [(started.instance_id, "check", "entered check")]

    [task] = open_tasks(db, started.instance_id).values()
    service.decide(db, task.id, org.manager, "approve", "", now + timedelta(minutes=1))

    assert _log(db) == [(started.instance_id, "check", "entered check"),
                        (started.instance_id, "completed", "completed")]
    kinds = audit_kinds(db, started.instance_id)
    assert kinds.count("effect_ran") == 2
    assert kinds[-2:] == ["effect_ran", "completed"]


def test_an_effect_that_refuses_undoes_the_whole_decision(db, org, now, checked):
    started = service.start(db, checked, org.initiator, {"title": "Offer", "note": "ok"}, now)
    [task] = open_tasks(db, started.instance_id).values()
    events_before = len(rows(db, AuditEvent, AuditEvent.instance_id == started.instance_id))

    # the note now asks the effect to refuse: completing must write nothing at all
    with write_session(db) as session:
        instance = session.get(Instance, started.instance_id)
        instance.fields = {**instance.fields, "note": "refuse"}
    with pytest.raises(TransitionNotAllowed, match="the effect refused"):
        service.decide(db, task.id, org.manager, "approve", "", now + timedelta(minutes=1))

    [still] = rows(db, Task, Task.id == task.id)
    assert still.state == "open" and still.verdict is None
    [instance] = rows(db, Instance, Instance.id == started.instance_id)
    assert instance.status == "running"
    assert len(rows(db, AuditEvent, AuditEvent.instance_id == started.instance_id)) \
        == events_before
    assert _log(db) == [(started.instance_id, "check", "entered check")]


def test_a_resubmit_is_checked_with_the_stored_values_and_the_revised_ones(
        db, org, now, checked):
    started = service.start(db, checked, org.initiator, {"title": "Offer"}, now)
    [task] = open_tasks(db, started.instance_id).values()
    service.decide(db, task.id, org.manager, "send_back", "add the INN",
                   now + timedelta(minutes=1))

    with pytest.raises(FormInvalid) as refused:
        service.resubmit(db, started.instance_id, org.initiator,
                         {"supplier_inn": "500100732258"}, "", now + timedelta(minutes=2))
    assert refused.value.errors == {"supplier_inn": ("inn_checksum",
                                                     {"value": "500100732258"})}
    assert open_tasks(db, started.instance_id)[org.initiator].kind == "revision"

    with pytest.raises(FormInvalid) as refused:  # the stored title is checked too
        service.resubmit(db, started.instance_id, org.initiator,
                         {"title": "Draft again", "supplier_inn": "500100732259"}, "",
                         now + timedelta(minutes=2))
    assert list(refused.value.errors) == ["title"]

    done = service.resubmit(db, started.instance_id, org.initiator,
                            {"supplier_inn": "500100732259"}, "", now + timedelta(minutes=3))
    assert done.stage == "check"
    assert [note for _, _, note in _log(db)] == ["entered check", "entered check"]
