"""The discussion by email, with real sockets: a reply to a task mail that starts with
"Комментарий:" or "Comment:" reaches the inbound SMTP server, a real worker records it as a
comment (not as an answer, the task stays open and its reply address good), and the other
participants are mailed about it in their language; a comment by someone who takes no part,
or on a process that has ended, is refused with a mail that says why."""

from __future__ import annotations

from approvals import dispatch, service
from approvals.store import audit
from approvals.store.db import read_session
from approvals.store.models import AuditEvent, InboundMessage, ReplyToken, Task
from tests.integration import mailflow
from tests.integration.flows import rows, start_contract
from workers.actors import handle_inbound


def _last_mail(catcher, address: str):
    mails = mailflow.mails_to(catcher.messages(), address)
    assert mails, f"no mail for {address} in the catcher"
    return mails[-1]


def _text(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_a_reply_starting_with_comment_adds_a_comment_and_the_others_are_mailed(
        db, org, now, worker, mail_catcher):
    anna, boris = org.approvers[0], org.approvers[1]  # Anna reads English, Boris Russian
    started = start_contract(db, org, now, approvers=[anna, boris])
    dispatch.kick(started.outbox_ids)
    worker.join()
    to_anna, to_boris = (_last_mail(mail_catcher, org.email(p)) for p in (anna, boris))

    with mailflow.inbound_server(db, handle_inbound.send) as inbound:
        mailflow.send(inbound, mailflow.reply(
            to_boris, org.email(boris), "Комментарий: какой срок оплаты?\nПункт 3 неясен."))
        worker.join()
        mailflow.send(inbound, mailflow.reply(
            to_anna, org.email(anna), "\n  comment - Who signs for Acme?\n\n--\nAnna"))
        worker.join()

    comments = rows(db, AuditEvent, AuditEvent.instance_id == started.instance_id,
                    AuditEvent.kind == "commented")
    assert [(c.actor_id, c.channel, c.data["comment"]) for c in comments] == [
        (boris, "email", "какой срок оплаты?\nПункт 3 неясен."),
        (anna, "email", "Who signs for Acme?")]
    assert comments[0].data["evidence"]["from"] == org.email(boris)
    with read_session(db) as session:
        assert audit.verify(session, started.instance_id).ok
    # nothing was decided, and the reply addresses are still good for the answers
    tasks = rows(db, Task, Task.instance_id == started.instance_id)
    assert {t.state for t in tasks if t.assignee_id in (anna, boris)} == {"open"}
    assert all(t.used_at is None for t in rows(db, ReplyToken))
    assert [m.outcome for m in rows(db, InboundMessage)] == ["commented", "commented"]
    # Ivan (Russian) and Anna (English) heard of Boris's comment, each in their language
    ivan_mails = [m for m in mailflow.mails_to(mail_catcher.messages(), org.email(org.initiator))
                  if "Новый комментарий" in str(m["Subject"])]
    assert len(ivan_mails) == 2, [str(m["Subject"]) for m in ivan_mails]
    assert "какой срок оплаты?" in _text(ivan_mails[0])
    assert "Boris Approver" in _text(ivan_mails[0]) and "#discussion" in _text(ivan_mails[0])
    anna_mails = [m for m in mailflow.mails_to(mail_catcher.messages(), org.email(anna))
                  if "New comment" in str(m["Subject"])]
    assert len(anna_mails) == 1 and "Пункт 3 неясен." in _text(anna_mails[0])
    assert not [m for m in mailflow.mails_to(mail_catcher.messages(), org.email(boris))
                if "Новый комментарий" in str(m["Subject"]) and "срок оплаты" in _text(m)]


def test_a_comment_from_someone_who_takes_no_part_or_on_an_ended_process_is_refused(
        db, org, now, worker, mail_catcher):
    anna = org.approvers[0]
    started = start_contract(db, org, now, approvers=[anna])
    dispatch.kick(started.outbox_ids)
    worker.join()
    to_anna = _last_mail(mail_catcher, org.email(anna))
    with mailflow.inbound_server(db, handle_inbound.send) as inbound:
        # Anna forwarded the task mail to Clara, who takes no part in the process
        clara = org.approvers[2]
        mailflow.send(inbound, mailflow.reply(to_anna, org.email(clara), "Comment: a question"))
        worker.join()
        service.withdraw(db, started.instance_id, org.initiator, "No longer needed", now)
        mailflow.send(inbound, mailflow.reply(to_anna, org.email(anna), "Comment: too late?"))
        worker.join()
    assert not rows(db, AuditEvent, AuditEvent.kind == "commented")
    stored = rows(db, InboundMessage)
    assert [m.outcome for m in stored] == ["wrong_sender", "refused"]
    to_clara = _last_mail(mail_catcher, org.email(clara))
    assert "only the process's participants may comment" in _text(to_clara)
    answer = _last_mail(mail_catcher, org.email(anna))
    assert "comments are taken only while a process runs" in _text(answer)
