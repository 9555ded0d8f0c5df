"""The service layer on real databases (SQLite and PostgreSQL): whole processes, refusals,
an unreachable database, and process definitions that change under a running instance."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest

from approvals import service
from approvals.core.errors import AlreadyDecided, FormInvalid, StoreUnavailable
from approvals.definitions import load_file
from approvals.store import audit, registry
from approvals.store.db import make_engine, read_session, write_session
from approvals.store.models import (
    AuditEvent,
    Blob,
    Document,
    Instance,
    OutboxItem,
    ProcessVersion,
    Task,
    Timer,
)
from tests.integration.flows import (
    CONTRACT,
    PDF_V1,
    PDF_V2,
    audit_events,
    audit_kinds,
    contract_fields,
    open_tasks,
    rows,
    start_contract,
    upload,
)
from tests.support import free_port


def test_contract_is_sent_back_revised_with_a_new_file_approved_and_sent(db, org, now):
    anna, boris, clara = org.approvers
    started = start_contract(db, org, now)
    assert (started.status, started.stage) == ("running", "approval")
    assert set(open_tasks(db, started.instance_id)) == {anna, boris, clara}

    tasks = open_tasks(db, started.instance_id)
    sent_back = service.decide(db, tasks[boris].id, boris, "send_back",
                               "The penalty clause is one-sided.", now + timedelta(hours=1))
    assert sent_back.stage == "revision"
    revision = open_tasks(db, started.instance_id)
    assert list(revision) == [org.initiator]
    assert revision[org.initiator].kind == "revision"

    resubmitted = service.resubmit(db, started.instance_id, org.initiator,
                                   {"contract": upload("c.pdf", PDF_V2)},
                                   "Rewrote the penalty clause.", now + timedelta(hours=2))
    assert resubmitted.stage == "approval"
    documents = rows(db, Document, Document.instance_id == started.instance_id)
    assert [(d.field, d.version, d.filename, d.sha256) for d in documents] == [
        ("contract", 1, "c.pdf", hashlib.sha256(PDF_V1).hexdigest()),
        ("contract", 2, "c.pdf", hashlib.sha256(PDF_V2).hexdigest()),
    ]
    assert all(d.uploaded_by_id == org.initiator for d in documents)
    with read_session(db) as session:  # both versions' content is kept
        assert session.get(Blob, documents[0].sha256).data == PDF_V1
        assert session.get(Blob, documents[1].sha256).data == PDF_V2
        assert session.get(Instance, started.instance_id).fields["contract"]["version"] == 2

    for hour, person in enumerate([anna, boris, clara], start=3):
        task = open_tasks(db, started.instance_id)[person]
        result = service.decide(db, task.id, person, "approve", "", now + timedelta(hours=hour))
    assert result.stage == "send_to_client"
    send = open_tasks(db, started.instance_id)
    assert list(send) == [org.initiator]
    assert send[org.initiator].stage == "send_to_client"

    done = service.decide(db, send[org.initiator].id, org.initiator, "done", "Sent by courier.",
                          now + timedelta(hours=7))
    assert done.status == "completed"
    with read_session(db) as session:
        instance = session.get(Instance, started.instance_id)
        assert (instance.status, instance.ended_at) == ("completed", now + timedelta(hours=7))
        assert instance.version == 7  # start, send back, resubmit, three approvals, done
        report = audit.verify(session, started.instance_id)
    assert report.ok, str(report)
    assert open_tasks(db, started.instance_id) == {}
    assert audit_kinds(db, started.instance_id) == [
        "started", "document_version", "stage_entered", *["task_opened"] * 3,
        "decided", "task_withdrawn", "task_withdrawn", "sent_back", "task_opened",
        "resubmitted", "document_version", "stage_entered", *["task_opened"] * 3,
        "decided", "decided", "decided", "stage_completed", "stage_entered", "task_opened",
        "decided", "stage_completed", "completed",
    ]
    assert report.count == 26
    events = audit_events(db, started.instance_id)
    assert [e.data["version"] for e in events if e.kind == "document_version"] == [1, 2]
    assert events[6].data == {"verdict": "send_back", "comment": "The penalty clause is "
                              "one-sided.", "stage": "approval", "channel": "web"}
    assert events[6].actor_id == boris
    items = rows(db, OutboxItem, OutboxItem.instance_id == started.instance_id)
    # the completing command also owes the signed trail (made by a worker, see test_trails),
    # which carries the initiator's one completion notice: the process's message folded in
    [trail] = [o for o in items if o.kind != "notify"]
    assert trail.kind == "trail" and trail.payload["instance"] == started.instance_id
    [held] = trail.payload["held"]
    assert (held["person"], held["template"]) == (org.initiator, "instance_completed")
    assert held["params"]["message"]["en"] == \
        "The contract is approved and has been sent to the client."
    assert items[-1].id in done.outbox_ids
    notes = [(o.payload["person"], o.payload["template"]) for o in items if o.kind == "notify"]
    assert notes == [
        (anna, "task_assigned"), (boris, "task_assigned"), (clara, "task_assigned"),
        (anna, "task_withdrawn"), (clara, "task_withdrawn"), (org.initiator, "revision_requested"),
        (anna, "task_assigned"), (boris, "task_assigned"), (clara, "task_assigned"),
        (org.initiator, "task_assigned"),
    ]
    revision_note = rows(db, OutboxItem, OutboxItem.instance_id == started.instance_id)[5]
    assert revision_note.payload["params"]["comment"] == "The penalty clause is one-sided."


def test_deciding_a_decided_task_names_who_decided_and_when(db, org, now):
    anna = org.approvers[0]
    started = start_contract(db, org, now)
    task = open_tasks(db, started.instance_id)[anna]
    decided_at = now.replace(hour=9, minute=41) + timedelta(days=1)
    service.decide(db, task.id, anna, "approve", "", decided_at)

    with pytest.raises(AlreadyDecided) as refusal:
        service.decide(db, task.id, anna, "send_back", "changed my mind",
                       decided_at + timedelta(minutes=5))

    assert str(refusal.value) == (f"already decided by Anna Approver at "
                                  f"{decided_at:%Y-%m-%d} 09:41 UTC")
    assert refusal.value.params["verdict"] == "approve"
    assert audit_kinds(db, started.instance_id).count("decided") == 1


def test_invalid_form_writes_nothing(db, org, now):
    fields = contract_fields(["nobody@example.com"])
    fields.update(amount="a lot", contract={"filename": "c.pdf", "content_base64": "%%%"})
    del fields["counterparty"]

    with pytest.raises(FormInvalid) as refusal:
        service.start(db, CONTRACT, org.initiator, fields, now)

    assert {name: code for name, (code, _) in refusal.value.errors.items()} == {
        "approvers": "unknown_person", "amount": "not_a_number", "contract": "bad_base64",
        "counterparty": "required"}
    for model in (Instance, Task, AuditEvent, OutboxItem, Timer, Document, Blob):
        assert rows(db, model) == [], model.__name__


@pytest.mark.postgres
@pytest.mark.parametrize("db", ["postgres"], indirect=True)
def test_database_unavailable_is_reported_and_writes_nothing(db, org, now):
    nowhere = make_engine(f"postgresql+psycopg://signoff@127.0.0.1:{free_port()}/signoff")
    try:
        with pytest.raises(StoreUnavailable, match="the database is unavailable"):
            start_contract(nowhere, org, now)
        with pytest.raises(StoreUnavailable):
            service.decide(nowhere, 1, org.approvers[0], "approve", "", now)
        with pytest.raises(StoreUnavailable):
            with read_session(nowhere) as session:
                session.get(Instance, 1)
    finally:
        nowhere.dispose()
    assert rows(db, Instance) == []


def _edited_contract(tmp_path: Path, deadline_days: int) -> Path:
    shipped = next(p for p in registry.process_files() if p.stem == CONTRACT)
    text = shipped.read_text(encoding="utf-8")
    assert "    deadline_days: 3\n" in text
    edited = tmp_path / "processes" / shipped.name
    edited.parent.mkdir()
    edited.write_text(text.replace("    deadline_days: 3\n",
                                   f"    deadline_days: {deadline_days}\n"), encoding="utf-8")
    return edited


def test_an_instance_keeps_the_process_version_it_started_with(db, org, now, tmp_path):
    anna, boris = org.approvers[:2]
    old = start_contract(db, org, now, approvers=[anna, boris])

    edited = load_file(_edited_contract(tmp_path, deadline_days=10))
    with write_session(db) as session:
        added = registry.sync(session, [edited], now + timedelta(minutes=1))
        assert [(v.process_id, v.version) for v in added] == [(CONTRACT, 2)]
        assert registry.sync(session, [edited], now + timedelta(minutes=2)) == []
    new = start_contract(db, org, now + timedelta(minutes=3), approvers=[anna, boris])

    versions = {v.version: v.id for v in rows(db, ProcessVersion,
                                                ProcessVersion.process_id == CONTRACT)}
    with read_session(db) as session:
        assert session.get(Instance, old.instance_id).process_version_id == versions[1]
        assert session.get(Instance, new.instance_id).process_version_id == versions[2]

    # The old instance goes round again after the edit: its new tasks follow version 1.
    later = now + timedelta(hours=1)
    service.decide(db, open_tasks(db, old.instance_id)[anna].id, anna, "send_back", "typo",
                   later)
    service.resubmit(db, old.instance_id, org.initiator, {}, "fixed", later)
    reopened = open_tasks(db, old.instance_id)
    assert {t.deadline for t in reopened.values()} == {later + timedelta(days=3)}
    assert {t.deadline for t in open_tasks(db, new.instance_id).values()} == {
        now + timedelta(minutes=3) + timedelta(days=10)}
    assert [e.data["digest"] for e in audit_events(db, old.instance_id)[:1]] != \
        [e.data["digest"] for e in audit_events(db, new.instance_id)[:1]]
