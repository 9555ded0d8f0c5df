"""The discussion on an instance (approvals.core.discussion, approvals.service.comment): a comment
is an audit event on the instance's chain, every other participant is told once, and who may
comment, when, and what text is taken are refused with a reason."""

from __future__ import annotations

import pytest

from approvals import service
from approvals.core.errors import DiscussionClosed, FormInvalid, NotAParticipant
from approvals.keys import load_keys
from approvals.store import audit, queries
from approvals.store.db import read_session, write_session
from approvals.store.models import Instance, Person, PersonRole, Trail
from approvals.trail import issue, verify_trail
from tests.integration.approvals.trail.pdftools import plain_text
from tests.integration.flows import (
    audit_events,
    open_tasks,
    rows,
    sent_notices,
    start_contract,
)


def _comments(db, instance_id: int) -> list[dict]:
    with read_session(db) as session:
        instance = session.get(Instance, instance_id)
        return queries.instance_view(session, instance, "en")["comments"]


def _auditor(db) -> int:
    with write_session(db) as session:
        person = Person(email="olga@example.com", name="Olga Auditor", locale="en")
        session.add(person)
        session.flush()
        session.add(PersonRole(person_id=person.id, role="auditor"))
        return person.id


def _notices_of(db, instance_id: int, template: str) -> list[dict]:
    return [n for n in sent_notices(db, instance_id) if n["template"] == template]


def test_a_comment_is_an_audit_event_on_the_chain_and_every_other_participant_is_told_once(
        db, org, now):
    started = start_contract(db, org, now)
    anna = org.approvers[0]
    service.decide(db, open_tasks(db, started.instance_id)[anna].id, anna, "approve", "", now)

    result = service.comment(db, started.instance_id, org.approvers[1],
                             "  Is clause 3 final?\r\nThe penalty looks high.  ", now)

    last = audit_events(db, started.instance_id)[-1]
    assert (last.kind, last.actor_id, last.channel) == ("commented", org.approvers[1], "web")
    assert last.data["comment"] == "Is clause 3 final?\nThe penalty looks high."
    with read_session(db) as session:
        assert audit.verify(session, started.instance_id).ok
    told = _notices_of(db, started.instance_id, "commented")
    # the initiator and the other approvers (Anna decided already), not the author, each once
    assert sorted(n["person"] for n in told) == sorted(
        [org.initiator, org.approvers[0], org.approvers[2]])
    assert all(n["params"]["author"] == org.approvers[1] for n in told)
    assert all(n["params"]["text"] == last.data["comment"] for n in told)
    assert len(result.outbox_ids) == 3
    [shown] = _comments(db, started.instance_id)
    assert shown["author"]["id"] == org.approvers[1]
    assert shown["text"] == "Is clause 3 final?\nThe penalty looks high."
    assert shown["seq"] == last.seq


def test_an_administrator_may_comment_and_the_participants_are_told(db, org, now):
    started = start_contract(db, org, now)
    service.comment(db, started.instance_id, org.admin, "Please hurry, the quarter ends.", now)
    told = {n["person"] for n in _notices_of(db, started.instance_id, "commented")}
    assert told == {org.initiator, *org.approvers}


def test_a_stranger_and_an_auditor_may_not_comment_and_nothing_is_written(db, org, now):
    started = start_contract(db, org, now, approvers=[org.approvers[0]])
    before = audit_events(db, started.instance_id)
    for outsider in (org.approvers[2], org.manager, _auditor(db)):
        with pytest.raises(NotAParticipant):
            service.comment(db, started.instance_id, outsider, "Hello", now)
    assert audit_events(db, started.instance_id) == before


@pytest.mark.parametrize(("text", "code"), [("", "required"), ("   \n  ", "required"),
                                            ("x" * 4001, "too_long"),
                                            ("a\x00b", "nul_character")])
def test_a_comment_without_text_too_long_or_with_nul_is_refused(db, org, now, text, code):
    started = start_contract(db, org, now)
    before = audit_events(db, started.instance_id)
    with pytest.raises(FormInvalid) as refused:
        service.comment(db, started.instance_id, org.initiator, text, now)
    assert refused.value.errors["text"][0] == code
    assert audit_events(db, started.instance_id) == before


def test_a_comment_of_4000_characters_is_taken(db, org, now):
    started = start_contract(db, org, now)
    service.comment(db, started.instance_id, org.initiator, "я" * 4000, now)
    assert _comments(db, started.instance_id)[0]["text"] == "я" * 4000


def test_a_comment_is_taken_while_in_revision_and_refused_once_the_process_ended(db, org, now):
    started = start_contract(db, org, now, approvers=[org.approvers[0]])
    anna = org.approvers[0]
    service.decide(db, open_tasks(db, started.instance_id)[anna].id, anna, "send_back",
                   "Fix clause 3", now)
    service.comment(db, started.instance_id, org.initiator, "Which version of clause 3?", now)
    service.withdraw(db, started.instance_id, org.initiator, "Not needed", now)
    before = audit_events(db, started.instance_id)
    with pytest.raises(DiscussionClosed):
        service.comment(db, started.instance_id, anna, "Too late?", now)
    assert audit_events(db, started.instance_id) == before
    assert [c["text"] for c in _comments(db, started.instance_id)] == [
        "Which version of clause 3?"]
    assert rows(db, Instance, Instance.id == started.instance_id)[0].status == "cancelled"


def test_the_signed_trail_holds_the_discussion_in_its_timeline(db, org, now, signing_var):
    started = start_contract(db, org, now)
    service.comment(db, started.instance_id, org.approvers[1],
                    "Какой срок оплаты по пункту 3?", now)
    service.comment(db, started.instance_id, org.initiator, "30 days, as agreed.", now)
    for person in org.approvers:
        task = open_tasks(db, started.instance_id)[person]
        service.decide(db, task.id, person, "approve", "", now)
    task = open_tasks(db, started.instance_id)[org.initiator]
    assert service.decide(db, task.id, org.initiator, "done", "Sent.", now).status == \
        "completed"

    issue.issue(db, started.instance_id, keys_dir=signing_var / "keys",
                trails_dir=signing_var / "trails", now=now, location="test")
    [trail] = rows(db, Trail, Trail.instance_id == started.instance_id)
    pdf = (signing_var / "trails" / trail.path).read_bytes()
    with read_session(db) as session:
        assert verify_trail(pdf, cert=load_keys(signing_var / "keys"), session=session).ok
    text = plain_text(pdf)
    # each comment a row of the timeline: who, what kind of event, the text (in the trail's
    # language: Ivan's, who started it and reads Russian)
    assert ("Boris Approver Комментарий в обсуждении Комментарий: «Какой срок оплаты по "
            "пункту 3?» веб") in text
    assert "«30 days, as agreed.»" in text
    with pytest.raises(DiscussionClosed):
        service.comment(db, started.instance_id, org.initiator, "One more thing", now)
