"""The signed trail of a completed instance, made by a real worker on the ``trails`` queue."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest

from approvals import dispatch, service
from approvals.core.errors import KeyProblem
from approvals.keys import CERT_FILE, KEY_FILE, load_keys
from approvals.store import audit, queries, registry
from approvals.store.db import read_session, write_session
from approvals.store.models import (
    Instance,
    Notification,
    OutboxItem,
    Person,
    PersonRole,
    Trail,
)
from approvals.trail import issue, verify_trail
from tests.integration.flows import audit_events, open_tasks, rows
from tests.integration.mailflow import mails_to
from tests.integration.trails import add_person, complete_contract, make_app, signed_in
from workers import outbox, scheduler
from workers.actors import render_trail


def _pdfs(var: Path) -> list[Path]:
    return sorted((var / "trails").rglob("*.pdf"))


def _kick_everything(db, instance_id: int) -> None:
    with read_session(db) as session:
        dispatch.kick(service.outbox_ids(session, instance_id))


def _issue(db, instance_id: int, var: Path, now):
    return issue.issue(db, instance_id, keys_dir=var / "keys", trails_dir=var / "trails",
                       now=now, location="test")


def test_completing_a_contract_stores_exactly_one_signed_trail(db, org, now, worker,
                                                              signing_var):
    done = complete_contract(db, org, now)
    instance_id = done.instance_id
    _kick_everything(db, instance_id)
    worker.join(timeout=60)

    [trail] = rows(db, Trail, Trail.instance_id == instance_id)
    assert (trail.sequence, trail.signed) == (1, True)
    sha = trail.sha256
    assert trail.path == f"{sha[:2]}/{sha[2:4]}/{sha}.pdf"
    assert _pdfs(signing_var) == [signing_var / "trails" / trail.path]
    pdf = (signing_var / "trails" / trail.path).read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == sha and len(pdf) == trail.size

    events = audit_events(db, instance_id)
    issued = events[-1]
    assert issued.kind == "trail_issued"
    assert issued.data["sha256"] == sha and issued.data["trail"] == trail.id
    # the trail seals the chain as it stood before the event that records the trail
    assert trail.event_count == issued.seq - 1
    assert trail.chain_head == events[trail.event_count - 1].hash == issued.prev_hash
    assert [e.kind for e in events].count("completed") == 1
    with read_session(db) as session:
        assert audit.verify(session, instance_id).ok
        report = verify_trail(pdf, cert=load_keys(signing_var / "keys"), session=session)
    assert report.ok, str(report)

    [note] = rows(db, Notification, Notification.template == "instance_completed")
    assert (note.person_id, note.instance_id, note.params["trail"]) == (
        org.initiator, instance_id, trail.id)  # the completion notice waited for the trail
    [row] = rows(db, OutboxItem, OutboxItem.kind == "trail")
    assert (row.instance_id, row.state, row.last_error) == (instance_id, "done", None)
    inbox = signed_in(make_app(db), org.initiator).get("/").text  # Ivan reads Russian
    assert f'href="/instances/{instance_id}/trail.pdf"' in inbox
    assert "Подписанный лист согласования готов" in inbox
    assert "Договор согласован и отправлен клиенту" in inbox  # the process's message too


def test_the_trail_message_delivered_twice_still_makes_one_trail(db, org, now, worker,
                                                                 signing_var):
    done = complete_contract(db, org, now)
    instance_id = done.instance_id

    render_trail.send(instance_id)
    render_trail.send(instance_id)
    dispatch.kick(done.outbox_ids)  # the trail row, handed on to the trails queue once more
    worker.join(timeout=60)

    [trail] = rows(db, Trail, Trail.instance_id == instance_id)
    assert [e.kind for e in audit_events(db, instance_id)].count("trail_issued") == 1
    assert len(rows(db, Notification, Notification.template == "instance_completed")) == 1
    assert _pdfs(signing_var) == [signing_var / "trails" / trail.path]
    again = _issue(db, instance_id, signing_var, now)
    assert (again.trail_id, again.created, again.outbox_ids) == (trail.id, False, [])
    assert len(rows(db, Trail)) == 1


def test_two_workers_racing_for_the_same_trail_store_one(db, org, now, broker, signing_var):
    instance_id = complete_contract(db, org, now).instance_id

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: _issue(db, instance_id, signing_var, now), range(2)))

    [trail] = rows(db, Trail)
    assert sorted(r.created for r in results) == [False, True]
    # the other found the rows held (None: it rendered nothing) or, if it came after, the trail
    assert {r.trail_id for r in results} <= {trail.id, None}
    assert trail.id in {r.trail_id for r in results}
    assert _pdfs(signing_var) == [signing_var / "trails" / trail.path]  # the spare is removed
    assert [e.kind for e in audit_events(db, instance_id)].count("trail_issued") == 1


@pytest.mark.parametrize("damage, named", [
    ("missing key", KEY_FILE), ("corrupt certificate", CERT_FILE)])
def test_a_key_problem_fails_naming_the_file_and_the_outbox_row_keeps_the_error(
        db, org, now, broker, signing_var, damage, named):
    if damage == "missing key":
        (signing_var / "keys" / KEY_FILE).unlink()
    else:
        (signing_var / "keys" / CERT_FILE).write_text("-----BEGIN CERTIFICATE-----\nnot one\n")
    instance_id = complete_contract(db, org, now).instance_id

    with pytest.raises(KeyProblem) as problem:
        render_trail.fn(instance_id)

    assert named in str(problem.value)
    [row] = rows(db, OutboxItem, OutboxItem.kind == "trail")
    assert (row.state, row.attempts) == ("pending", 1)
    assert row.last_error.startswith("KeyProblem: ") and named in row.last_error
    assert rows(db, Trail) == [] and _pdfs(signing_var) == []  # never an unsigned PDF
    assert "trail_issued" not in [e.kind for e in audit_events(db, instance_id)]


def test_a_render_failure_is_recorded_on_the_outbox_row_until_it_fails(db, org, now, broker,
                                                                       signing_var,
                                                                       monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("the renderer fell over")

    monkeypatch.setattr(issue, "render_trail", broken)
    instance_id = complete_contract(db, org, now).instance_id

    for _ in range(outbox.MAX_ATTEMPTS):
        with pytest.raises(RuntimeError):
            render_trail.fn(instance_id)

    [row] = rows(db, OutboxItem, OutboxItem.kind == "trail")
    assert (row.state, row.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    assert row.last_error == "RuntimeError: the renderer fell over"
    assert rows(db, Trail) == []


def test_a_render_stopped_by_the_time_limit_is_counted(db, org, now, broker, signing_var,
                                                      monkeypatch):
    """Dramatiq's time limit stops a render with ``TimeLimitExceeded``, a ``BaseException``
    the issue once let through uncounted, so a trail too slow to render was tried for ever."""
    from dramatiq.middleware.time_limit import TimeLimitExceeded

    def too_slow(*_args, **_kwargs):
        raise TimeLimitExceeded()

    monkeypatch.setattr(issue, "render_trail", too_slow)
    instance_id = complete_contract(db, org, now).instance_id
    with pytest.raises(TimeLimitExceeded):
        render_trail.fn(instance_id)
    [row] = rows(db, OutboxItem, OutboxItem.kind == "trail")
    assert (row.state, row.attempts) == ("pending", 1)
    assert row.last_error.startswith("TimeLimitExceeded")


def test_the_sweep_sends_a_lost_trail_row_to_the_trails_queue(db, org, now, worker,
                                                              signing_var):
    instance_id = complete_contract(db, org, now).instance_id  # committed, never kicked
    lost = rows(db, OutboxItem, OutboxItem.instance_id == instance_id)
    assert "trail" in [row.kind for row in lost]

    report = scheduler.sweep(db, now + timedelta(minutes=1))
    worker.join(timeout=60)

    assert report.outbox == len(lost)
    assert len(rows(db, Trail, Trail.instance_id == instance_id)) == 1
    assert {r.state for r in rows(db, OutboxItem)} == {"done"}


def test_a_reopened_and_completed_again_instance_gets_a_second_trail_from_the_worker(
        db, org, now, worker, signing_var):
    instance_id = complete_contract(db, org, now).instance_id
    _kick_everything(db, instance_id)
    worker.join(timeout=60)
    [first] = rows(db, Trail, Trail.instance_id == instance_id)

    later = now + timedelta(hours=1)
    service.reopen(db, instance_id, org.admin, "Wrong counterparty", later)
    for person in org.approvers:
        service.decide(db, open_tasks(db, instance_id)[person].id, person, "approve", "", later)
    task = open_tasks(db, instance_id)[org.initiator]
    service.decide(db, task.id, org.initiator, "done", "Sent again.", later)
    _kick_everything(db, instance_id)
    worker.join(timeout=60)

    trails = sorted(rows(db, Trail, Trail.instance_id == instance_id), key=lambda t: t.sequence)
    assert [(t.id, t.sequence) for t in trails] == [(first.id, 1), (trails[1].id, 2)]
    assert trails[1].completion_seq > trails[0].completion_seq
    assert len(_pdfs(signing_var)) == 2
    kinds = [e.kind for e in audit_events(db, instance_id)]
    assert kinds.count("completed") == kinds.count("trail_issued") == 2
    assert kinds[-1] == "trail_issued"
    assert [r.state for r in rows(db, OutboxItem, OutboxItem.kind == "trail")] == [
        "done", "done"]


# ---------------------------------------------------------------------------- watchers


def _give_role(db, person_id: int, role: str) -> None:
    with write_session(db) as session:
        session.add(PersonRole(person_id=person_id, role=role))


def _deactivate(db, person_id: int) -> None:
    with write_session(db) as session:
        person = session.get(Person, person_id)
        person.active = False
        session.add(person)


def _trail_pdfs_mailed(catcher, address: str) -> list[bytes]:
    """The PDFs attached to the signed-trail mails ``address`` received."""
    found = []
    for mail in mails_to(catcher.messages(), address):
        if "trail-" in "".join(str(a.get_filename()) for a in mail.iter_attachments()):
            found.extend(a.get_content() for a in mail.iter_attachments()
                         if a.get_content_type() == "application/pdf")
    return found


def test_the_signed_trail_is_mailed_to_the_initiator_and_the_contracts_watchers(
        db, org, now, worker, signing_var, mail_catcher):
    # the shipped contract approval is watched by the lawyers: one active, one gone, and the
    # initiator, who is a lawyer too and must not get the trail twice
    lena = add_person(db, "lena@example.com", "Lena Lawyer", role="lawyer")
    gone = add_person(db, "leo@example.com", "Leo Lawyer", role="lawyer")
    _deactivate(db, gone)
    _give_role(db, org.initiator, "lawyer")
    instance_id = complete_contract(db, org, now).instance_id
    _kick_everything(db, instance_id)
    worker.join(timeout=60)

    [trail] = rows(db, Trail, Trail.instance_id == instance_id)
    # the initiator's one completion notice carries the trail; the watcher gets the trail's
    notes = [n for n in rows(db, Notification) if "trail" in n.params]
    assert sorted((n.person_id, n.template) for n in notes) == sorted(
        [(org.initiator, "instance_completed"), (lena, "trail_issued")])
    assert {(n.instance_id, n.params["trail"]) for n in notes} == {(instance_id, trail.id)}

    pdf = (signing_var / "trails" / trail.path).read_bytes()
    assert _trail_pdfs_mailed(mail_catcher, "lena@example.com") == [pdf]
    assert _trail_pdfs_mailed(mail_catcher, org.email(org.initiator)) == [pdf]
    assert mails_to(mail_catcher.messages(), "leo@example.com") == []
    # a watcher the trail was sent to may read it; a lawyer it was not sent to may not
    with read_session(db) as session:
        instance = session.get(Instance, instance_id)
        assert queries.is_participant(session, instance, session.get(Person, lena))
        assert not queries.is_participant(session, instance, session.get(Person, gone))


def _watched_process(folder: Path) -> None:
    folder.mkdir()
    (folder / "watched.yaml").write_text("""\
id: watched
name: {en: Watched, ru: Под наблюдением}
fields:
  - {name: title, type: text, required: true}
  - {name: board, type: people}
watchers:
  - {field: board}
  - manager
  - {role: lawyer}
  - initiator
  - {person: Clara@Example.com}
stages:
  - {key: check, name: Check, assignees: [initiator], verdicts: [done]}
""", encoding="utf-8")


def test_every_form_of_watcher_is_resolved_once_each_after_the_initiator(
        db, org, now, broker, signing_var, tmp_path):
    _watched_process(tmp_path / "processes")
    processes, errors = registry.load_all([tmp_path / "processes"])
    assert errors == []
    with write_session(db) as session:
        registry.sync(session, processes, now)
    lena = add_person(db, "lena@example.com", "Lena Lawyer", role="lawyer")
    gone = add_person(db, "leo@example.com", "Leo Lawyer", role="lawyer")
    _deactivate(db, gone)
    anna, boris, clara = org.approvers
    board = [org.email(org.manager), "lena@example.com", org.email(anna), org.email(boris)]
    started = service.start(db, "watched", org.initiator, {"title": "Watched deal",
                                                           "board": board}, now)
    task = open_tasks(db, started.instance_id)[org.initiator]
    assert service.decide(db, task.id, org.initiator, "done", "", now).status == "completed"
    _deactivate(db, boris)  # picked in the form, but gone by the time the trail is issued

    record = _issue(db, started.instance_id, signing_var, now)

    notices = rows(db, OutboxItem, OutboxItem.id.in_(record.outbox_ids))
    # the initiator's completion notice waited for the trail; the watchers get the trail's
    assert [(row.kind, row.payload["template"]) for row in notices] == [
        ("notify", "instance_completed")] + [("notify", "trail_issued")] * 4
    # the initiator first, then board (manager, Lena, Anna), nobody twice, nobody inactive
    assert [row.payload["person"] for row in notices] == [
        org.initiator, org.manager, lena, anna, clara]
    assert {row.payload["params"]["trail"] for row in notices} == {record.trail_id}
