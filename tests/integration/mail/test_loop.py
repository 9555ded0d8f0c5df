"""The whole email loop with real sockets: a task mail reaches the catcher, the assignee
answers it by SMTP, the inbound server stores the reply, a real worker decides the task and
mails the next approver."""

from __future__ import annotations

import smtplib

import pytest

from approvals import dispatch
from approvals.store.models import AuditEvent, InboundMessage, ReplyToken, Task
from tests.integration import mailflow
from tests.integration.flows import rows, start_contract
from workers.actors import handle_inbound


def _task_mail(catcher, address):
    mails = mailflow.mails_to(catcher.messages(), address)
    assert mails, f"no mail for {address} in the catcher"
    return mails[-1]


def test_a_reply_by_email_decides_and_the_next_approver_is_mailed(db, org, now, worker,
                                                                    mail_catcher):
    anna = org.approvers[0]
    started = start_contract(db, org, now, approvers=[anna])
    dispatch.kick(started.outbox_ids)
    worker.join()
    mail = _task_mail(mail_catcher, org.email(anna))
    assert str(mail["Reply-To"]).startswith("reply+")
    assert mail["Auto-Submitted"] == "auto-generated"

    with mailflow.inbound_server(db, handle_inbound.send) as inbound:
        mailflow.send(inbound, mailflow.reply(mail, org.email(anna), "Approved, looks fine"))
        worker.join()

    task = rows(db, Task, Task.instance_id == started.instance_id, Task.assignee_id == anna)[0]
    assert (task.state, task.verdict, task.channel) == ("decided", "approve", "email")
    assert task.comment == "looks fine"
    decided = rows(db, AuditEvent, AuditEvent.task_id == task.id, AuditEvent.kind == "decided")
    evidence = decided[0].data["evidence"]
    assert evidence["from"] == org.email(anna) and evidence["message_id"].endswith(
        "@example.com>")
    stored = rows(db, InboundMessage)
    assert [(m.outcome, m.task_id, m.channel) for m in stored] == [("decided", task.id, "smtp")]
    token = rows(db, ReplyToken, ReplyToken.task_id == task.id)[0]
    assert token.used_by_inbound_id == stored[0].id
    # the next stage's task went to the initiator's side by mail as well
    next_tasks = rows(db, Task, Task.instance_id == started.instance_id, Task.state == "open")
    assert next_tasks, "the process did not move on"
    for follow in next_tasks:
        assert _task_mail(mail_catcher, org.email(follow.assignee_id))


def test_the_inbound_server_refuses_strangers_and_oversize_mail_and_stores_the_rest(
        db, org, now, mail_catcher):
    stored = []
    small = mailflow.settings(inbound_max_bytes=2000)
    with mailflow.inbound_server(db, stored.append, small) as inbound:
        with smtplib.SMTP(inbound.inbound_host, inbound.inbound_port) as smtp:
            with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
                smtp.sendmail("x@example.com", ["hr@" + inbound.domain],
                              b"Subject: hi\r\n\r\nhello\r\n")
            assert refused.value.recipients["hr@" + inbound.domain][0] == 550
            with pytest.raises(smtplib.SMTPSenderRefused) as too_big:
                smtp.sendmail("x@example.com", [inbound.from_address],
                              b"Subject: big\r\n\r\n" + b"x" * 5000 + b"\r\n")
            assert too_big.value.smtp_code == 552
            raw = (b"Subject: =?utf-8?b?0J/RgNC40LLQtdGC?=\r\nMessage-ID: <a.1@example.com>\r\n"
                   b"\r\nhello\r\n")
            smtp.sendmail("x@example.com", [inbound.from_address], raw)
    kept = rows(db, InboundMessage)
    assert [(m.id, m.raw, m.message_id, m.channel, m.state) for m in kept] == [
        (stored[0], raw, "<a.1@example.com>", "smtp", "received")]
    assert kept[0].envelope_to == small.from_address


def test_the_inbound_server_answers_451_when_the_database_is_away(tmp_path, mail_catcher):
    from approvals.store.db import make_engine

    missing = make_engine(f"sqlite:///{tmp_path / 'gone' / 'signoff.db'}")
    (tmp_path / "gone" / "signoff.db").unlink(missing_ok=True)  # no tables at all
    with mailflow.inbound_server(missing, lambda _id: None) as inbound:
        with smtplib.SMTP(inbound.inbound_host, inbound.inbound_port) as smtp:
            with pytest.raises(smtplib.SMTPDataError) as deferred:
                smtp.sendmail("x@example.com", [inbound.from_address],
                              b"Subject: hi\r\n\r\nhello\r\n")
    assert deferred.value.smtp_code == 451
    missing.dispose()
