"""One notice per event per person, and what a person has read (approvals/store/notices.py).

Completing a contract used to tell its initiator three times in the same second — the
process's own message, "completed" and "the signed trail is ready" — on the page and by mail.
Now it is one notice (and one mail, with the PDF), whatever happens to the trail."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from approvals import dispatch, service
from approvals.store import notices
from approvals.store.db import read_session, write_session
from approvals.store.models import Notification, OutboxItem
from approvals.trail.issue import record_failure
from tests.integration.flows import rows, start_contract
from tests.integration.mailflow import mails_to
from tests.integration.trails import add_person, complete_contract
from workers import outbox

TASK_NOTICES = {"task_assigned", "task_withdrawn", "decision_received"}


def _kick_everything(db, instance_id: int) -> None:
    with read_session(db) as session:
        dispatch.kick(service.outbox_ids(session, instance_id))


def _told(db, instance_id: int) -> dict[int, list[str]]:
    """Each person's notifications of the instance beyond their tasks, by template."""
    told: dict[int, list[str]] = {}
    for note in rows(db, Notification, Notification.instance_id == instance_id):
        if note.template not in TASK_NOTICES:
            told.setdefault(note.person_id, []).append(note.template)
    return told


def test_completing_a_contract_tells_each_person_once_on_the_page_and_by_mail(
        db, org, now, worker, signing_var, mail_catcher):
    lena = add_person(db, "lena@example.com", "Lena Lawyer", role="lawyer")  # a watcher
    done = complete_contract(db, org, now)
    for _ in range(2):  # the command's rows, then the notices the trail's transaction wrote
        _kick_everything(db, done.instance_id)
        worker.join(timeout=60)

    assert _told(db, done.instance_id) == {org.initiator: ["instance_completed"],
                                           lena: ["trail_issued"]}
    [note] = rows(db, Notification, Notification.template == "instance_completed")
    assert note.params["message"]["ru"] == "Договор согласован и отправлен клиенту."
    assert "trail" in note.params
    mails = mails_to(mail_catcher.messages(), org.email(org.initiator))
    subjects = [m["Subject"] for m in mails]
    assert len([s for s in subjects if "Supply contract" in s]) == len(subjects)
    completion = [m for m in mails if "Процесс завершён" in m["Subject"]]
    assert len(completion) == 1 and len(mails) == 2  # the task to send it, and the completion
    assert [a.get_content_type() for a in completion[0].iter_attachments()] == [
        "application/pdf"]
    assert len(mails_to(mail_catcher.messages(), "lena@example.com")) == 1
    for approver in org.approvers:  # they decided; the completion is not theirs to hear of
        assert approver not in _told(db, done.instance_id)


def test_a_trail_that_fails_for_good_still_tells_the_initiator_once(db, org, now):
    done = complete_contract(db, org, now)
    assert not [r for r in rows(db, OutboxItem, OutboxItem.instance_id == done.instance_id)
                if r.kind == "notify" and r.payload["person"] == org.initiator
                and r.payload["template"] == "instance_completed"]  # held for the trail

    record_failure(db, done.instance_id, RuntimeError("no key"), now, max_attempts=2)
    assert [r for r in rows(db, OutboxItem, OutboxItem.kind == "notify")
            if r.payload["template"] == "instance_completed"] == []  # it may still come
    for _ in range(3):  # failed for good, then nothing pending to fail again
        record_failure(db, done.instance_id, RuntimeError("no key"), now, max_attempts=2)

    [told] = [r for r in rows(db, OutboxItem, OutboxItem.kind == "notify")
              if r.payload["template"] == "instance_completed"]
    assert told.payload["person"] == org.initiator and "trail" not in told.payload["params"]
    assert told.payload["params"]["message"]["en"] == \
        "The contract is approved and has been sent to the client."


def test_a_trail_closed_without_a_trail_sends_the_held_notice_once(db, org, now):
    done = complete_contract(db, org, now)
    for _ in range(2):
        with write_session(db) as session:
            service.close_trail_rows(session, done.instance_id, now, note="no trail")
    held = [r for r in rows(db, OutboxItem, OutboxItem.kind == "notify")
            if r.payload["template"] == "instance_completed"]
    assert [r.payload["person"] for r in held] == [org.initiator]


def _deliver_all(db, now) -> None:
    pending = [r.id for r in rows(db, OutboxItem, OutboxItem.state == "pending",
                                  OutboxItem.kind == "notify")]
    outbox.deliver_batch(db, pending, now)


def test_unread_count_mark_one_and_mark_all(db, org, now):
    anna, boris = org.approvers[0], org.approvers[1]
    for n in range(3):
        start_contract(db, org, now + timedelta(minutes=n))
    _deliver_all(db, now)
    with read_session(db) as session:
        assert notices.unread_count(session, anna) == 3
        page = notices.notice_page(session, anna, limit=2)
    assert (page.total, page.unread, page.pages, page.next) == (3, 3, 2, 2)
    assert [n.id for n in page.notes] == sorted((n.id for n in page.notes), reverse=True)
    newest = page.notes[0].id

    with write_session(db) as session:
        assert notices.mark_read(session, anna, newest, now) is True
        assert notices.mark_read(session, anna, newest, now) is False  # read already
        assert notices.mark_read(session, boris, page.notes[1].id, now) is False  # not his
    with read_session(db) as session:
        assert notices.unread_count(session, anna) == 2
        assert notices.unread_count(session, boris) == 3
        unread = notices.notice_page(session, anna, unread_only=True)
    assert newest not in [n.id for n in unread.notes] and unread.total == 2

    with write_session(db) as session:
        assert notices.mark_all_read(session, anna, now) == 2
    with read_session(db) as session:
        assert notices.unread_count(session, anna) == 0
        assert notices.unread_count(session, boris) == 3  # one's marking is one's own


def test_mark_all_up_to_what_was_seen_leaves_one_that_arrived_meanwhile_unread(db, org, now):
    anna = org.approvers[0]
    start_contract(db, org, now)
    start_contract(db, org, now)
    _deliver_all(db, now)
    with read_session(db) as session:
        seen = notices.newest_id(session, anna)  # the page as Anna saw it
    start_contract(db, org, now + timedelta(minutes=1))  # arrives while she reads
    _deliver_all(db, now)

    with write_session(db) as session:
        assert notices.mark_all_read(session, anna, now, up_to=seen) == 2
    with read_session(db) as session:
        [left] = notices.notice_page(session, anna, unread_only=True).notes
    assert left.id > seen and left.read_at is None


def test_the_unread_count_reads_the_partial_index(db, org, now):
    with read_session(db) as session:
        if db.dialect.name == "sqlite":
            plan = " ".join(str(row[-1]) for row in session.connection().execute(text(
                "EXPLAIN QUERY PLAN SELECT count(*) FROM notification "
                "WHERE person_id = 1 AND read_at IS NULL")))
            assert "ix_notification_unread" in plan, plan
        else:  # PostgreSQL plans by its statistics (a tiny table is scanned): the index is there
            [definition] = session.connection().execute(text(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_notification_unread'"
            )).scalars()
            assert "(person_id)" in definition and "WHERE (read_at IS NULL)" in definition
