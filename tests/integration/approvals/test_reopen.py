"""An administrator reopens a completed contract; completed again, it gets a second signed
trail with its own number, and the first one stays valid for the chain as it stood then."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from approvals import service
from approvals.core.errors import CommentRequired, Forbidden, TransitionNotAllowed
from approvals.keys import load_keys
from approvals.store.db import read_session
from approvals.store.models import Instance, OutboxItem, Trail
from approvals.trail import issue, verify_trail
from tests.integration.approvals.trail.pdftools import plain_text
from tests.integration.flows import audit_events, audit_kinds, open_tasks, rows, start_contract
from tests.integration.trails import complete_contract, make_app, signed_in


def _issue(db, instance_id: int, var: Path, now):
    return issue.issue(db, instance_id, keys_dir=var / "keys", trails_dir=var / "trails",
                       now=now, location="test")


def _complete_again(db, org, instance_id: int, now) -> None:
    for person in org.approvers:
        service.decide(db, open_tasks(db, instance_id)[person].id, person, "approve", "", now)
    task = open_tasks(db, instance_id)[org.initiator]
    assert service.decide(db, task.id, org.initiator, "done", "Sent again.",
                          now).status == "completed"


def _verify(db, var: Path, trail: Trail):
    pdf = (var / "trails" / trail.path).read_bytes()
    with read_session(db) as session:
        return pdf, verify_trail(pdf, cert=load_keys(var / "keys"), session=session)


def test_a_reopened_and_completed_contract_gets_a_second_trail(db, org, now, signing_var):
    iid = complete_contract(db, org, now).instance_id
    first = _issue(db, iid, signing_var, now + timedelta(minutes=1))
    later = now + timedelta(days=2)

    result = service.reopen(db, iid, org.admin, "The counterparty's bank details were wrong",
                            later)
    assert (result.status, result.stage) == ("running", "approval")
    with read_session(db) as session:
        instance = session.get(Instance, iid)
        assert (instance.status, instance.ended_at) == ("running", None)
    [reopened] = [e for e in audit_events(db, iid) if e.kind == "reopened"]
    assert reopened.actor_id == org.admin and reopened.channel == "web"
    assert reopened.data["reason"] == "The counterparty's bank details were wrong"
    assert reopened.data["previous"] == "completed"
    [told] = [row.payload for row in rows(db, OutboxItem, OutboxItem.id.in_(result.outbox_ids))
              if row.payload["template"] == "instance_reopened"]
    assert (told["person"], told["params"]["message"]) == (
        org.initiator, "The counterparty's bank details were wrong")

    audit_page = signed_in(make_app(db), org.admin).get("/audit").text
    # running again: the first trail by its number, and a provisional one of the run
    assert f'href="/instances/{iid}/trail.pdf?trail={first.trail_id}"' in audit_page
    assert f'class="trail-link provisional" href="/instances/{iid}/trail.pdf"' in audit_page

    _complete_again(db, org, iid, later + timedelta(hours=1))
    ivan = signed_in(make_app(db), org.initiator)
    # completed again: the first trail is not passed off as this completion's
    assert ivan.get(f"/instances/{iid}/trail.pdf").status_code == 409
    second = _issue(db, iid, signing_var, later + timedelta(hours=2))
    assert second.created and second.trail_id != first.trail_id
    trails = sorted(rows(db, Trail, Trail.instance_id == iid), key=lambda t: t.sequence)
    assert [t.sequence for t in trails] == [1, 2]
    assert [t.id for t in trails] == [first.trail_id, second.trail_id]
    assert trails[0].completion_seq < trails[1].completion_seq
    assert trails[0].sha256 != trails[1].sha256
    assert trails[1].event_count > trails[0].event_count
    assert audit_kinds(db, iid).count("trail_issued") == 2
    # a third delivery of the owed trail finds the second one and stops
    again = _issue(db, iid, signing_var, later + timedelta(hours=3))
    assert (again.trail_id, again.created) == (second.trail_id, False)

    pdf1, report1 = _verify(db, signing_var, trails[0])
    assert report1.ok, str(report1)
    assert f"matches up to event {trails[0].event_count}" in str(report1)
    assert "reopened" in str(report1)
    pdf2, report2 = _verify(db, signing_var, trails[1])
    assert report2.ok, str(report2)
    assert (f"matches up to event {trails[1].event_count}; recorded after this trail was "
            "made: trail_issued\n") in str(report2)
    text = plain_text(pdf2)  # in Ivan's language, Russian: he started the contract
    assert "The counterparty's bank details were wrong" in text
    assert "Процесс открыт повторно с этапа" in text
    assert f"Прежний лист № {first.trail_id} от" in text
    assert f"Выпущен подписанный лист согласования № {first.trail_id}" in text
    assert "The counterparty's bank details were wrong" not in plain_text(pdf1)
    page = ivan.get(f"/instances/{iid}").text
    assert f"Лист № {second.trail_id}, SHA-256 {trails[1].sha256}" in page  # Ivan reads ru
    assert f"Лист № {first.trail_id} от " in page
    assert f'href="/instances/{iid}/trail.pdf?trail={first.trail_id}"' in page
    assert ivan.get(f"/instances/{iid}/trail.pdf").data == pdf2
    assert ivan.get(f"/instances/{iid}/trail.pdf?trail={first.trail_id}").data == pdf1
    assert ivan.get(f"/instances/{iid}/trail.pdf?trail=999").status_code == 404
    # each completion told the initiator once, with its trail
    issued = [row.payload for row in rows(db, OutboxItem, OutboxItem.kind == "notify")
              if "trail" in row.payload["params"]]
    assert sorted((p["template"], p["params"]["trail"]) for p in issued
                  if p["person"] == org.initiator) == [
        ("instance_completed", first.trail_id), ("instance_completed", second.trail_id)]


def test_reopening_waits_for_the_trail_and_refusals_change_nothing(db, org, now, signing_var):
    iid = complete_contract(db, org, now).instance_id
    kinds = audit_kinds(db, iid)
    with pytest.raises(TransitionNotAllowed) as pending:
        service.reopen(db, iid, org.admin, "Redo", now)
    assert pending.value.params["why"] == "trail_pending"
    _issue(db, iid, signing_var, now)
    kinds = audit_kinds(db, iid)
    with pytest.raises(Forbidden):
        service.reopen(db, iid, org.initiator, "Redo", now)
    with pytest.raises(CommentRequired):
        service.reopen(db, iid, org.admin, " ", now)
    with pytest.raises(TransitionNotAllowed) as wrong:
        service.reopen(db, iid, org.admin, "Redo", now, stage="completed")
    assert "approval" in wrong.value.params["allowed"]
    assert audit_kinds(db, iid) == kinds
    with read_session(db) as session:
        assert session.get(Instance, iid).status == "completed"


def test_a_withdrawn_process_is_reopened_without_a_trail(db, org, now):
    iid = start_contract(db, org, now).instance_id
    service.withdraw(db, iid, org.initiator, "Wrong file", now)
    result = service.reopen(db, iid, org.admin, "Withdrawn by mistake",
                            now + timedelta(hours=1))
    assert result.status == "running"
    assert audit_kinds(db, iid)[-1] == "task_opened"
    assert not rows(db, OutboxItem, OutboxItem.kind == "trail")
