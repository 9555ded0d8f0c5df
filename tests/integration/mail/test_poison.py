"""Mail that must not jam the worker nor make Signoff a mailer for strangers: a reply token
Signoff never issued is refused at RCPT (so its mail is never stored nor read); a reply far
longer than a comment decides with its comment cut and the whole mail kept; broken MIME ends in
a recorded outcome; explanations go only to people of the directory and repeat nothing of
their mail. Real parts throughout: the inbound SMTP server, a real worker, the catcher."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import pytest

from approvals import dispatch
from approvals.config.mail import MailSettings
from approvals.core import limits
from approvals.store.models import InboundMessage, MailReply, OutboxItem, Task
from mail import inbound, inbox, tokens
from mail.parse import parse
from tests.integration import mailflow
from tests.integration.flows import open_tasks, rows, start_contract
from workers.actors import handle_inbound

BASE = "http://signoff.test"


def _task_mail(catcher, address):
    mails = mailflow.mails_to(catcher.messages(), address)
    assert mails, f"no mail for {address} in the catcher"
    return mails[-1]


def _mailed(db, org, now, worker, catcher, approvers):
    """A contract waiting for ``approvers``, its task mails in the catcher."""
    started = start_contract(db, org, now, approvers=approvers)
    dispatch.kick(started.outbox_ids)
    worker.join()
    return started, {person: _task_mail(catcher, org.email(person)) for person in approvers}


def _explanations(db) -> list[dict]:
    return [item.payload["explanation"] for item in rows(db, OutboxItem)
            if "explanation" in item.payload]


# ---------------------------------------------------------------------------- the front door


def test_a_reply_token_signoff_never_issued_is_refused_at_rcpt_and_nothing_is_stored(
        db, org, now, worker, mail_catcher):
    anna = org.approvers[0]
    _, mails = _mailed(db, org, now, worker, mail_catcher, [anna])
    issued = str(mails[anna]["Reply-To"])
    domain = MailSettings.from_env().domain
    token = tokens.from_address(issued, domain)
    assert token is not None
    forged = f"reply+{'a' * tokens.TOKEN_LENGTH if token != 'a' * 26 else 'b' * 26}@{domain}"
    poison = (b"From: mallory@evil.example\r\nSubject: x\r\nContent-Type: text/html\r\n\r\n"
              + b"<a \r\n" * 100_000)
    stored: list[int] = []
    with mailflow.inbound_server(db, stored.append) as server:
        with smtplib.SMTP(server.inbound_host, server.inbound_port, timeout=30) as smtp:
            for address in (forged, f"reply+whatever@{domain}", forged.upper()):
                with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
                    smtp.sendmail("mallory@evil.example", [address], poison)
                code, answer = refused.value.recipients[address]
                assert (code, answer.split()[0]) == (550, b"5.1.1"), address
            assert stored == [] and rows(db, InboundMessage) == []
            # the issued token, in any letter case, and our own From address still get in
            smtp.sendmail(org.email(anna), [issued.upper()], b"Subject: hi\r\n\r\nApproved\r\n")
            smtp.sendmail(org.email(anna), [server.from_address], b"Subject: hi\r\n\r\nok\r\n")
    assert [m.envelope_to for m in rows(db, InboundMessage)] == [issued.upper(),
                                                                 server.from_address]


def test_a_store_that_is_away_at_rcpt_answers_451_not_550(tmp_path, mail_catcher):
    from approvals.store.db import make_engine

    missing = make_engine(f"sqlite:///{tmp_path / 'gone' / 'signoff.db'}")
    with mailflow.inbound_server(missing, lambda _id: None) as server:
        address = f"reply+{'a' * tokens.TOKEN_LENGTH}@{server.domain}"
        with smtplib.SMTP(server.inbound_host, server.inbound_port, timeout=30) as smtp:
            with pytest.raises(smtplib.SMTPRecipientsRefused) as deferred:
                smtp.sendmail("x@example.com", [address], b"Subject: hi\r\n\r\nhello\r\n")
    assert deferred.value.recipients[address][0] == 451
    missing.dispose()


# ---------------------------------------------------------------------------- bounded reading


def test_a_reply_longer_than_a_comment_decides_with_the_comment_cut_and_the_mail_kept(
        db, org, now, worker, mail_catcher):
    anna = org.approvers[0]
    started, mails = _mailed(db, org, now, worker, mail_catcher, [anna])
    remarks = "\n".join(f"Remark {i}: clause {i} needs a second look." for i in range(3000))
    assert len(remarks) > 2 * limits.COMMENT
    with mailflow.inbound_server(db, handle_inbound.send) as server:
        mailflow.send(server, mailflow.reply(mails[anna], org.email(anna),
                                             f"Approved\n{remarks}"))
        worker.join()

    task = rows(db, Task, Task.instance_id == started.instance_id, Task.assignee_id == anna)[0]
    assert (task.state, task.verdict, task.channel) == ("decided", "approve", "email")
    assert len(task.comment) <= limits.COMMENT
    assert task.comment.startswith("Remark 0: clause 0") and task.comment.endswith(" […]")
    row = rows(db, InboundMessage)[0]
    assert row.outcome == "decided"
    assert row.details["comment_cut"] == {"length": len(remarks), "limit": limits.COMMENT}
    assert "Remark 2999: clause 2999 needs a second look." in parse(row.raw).text  # all kept


def test_a_huge_html_reply_decides_and_the_reply_behind_it_is_read_too(
        db, org, now, worker, mail_catcher):
    anna, boris = org.approvers[0], org.approvers[1]
    started, mails = _mailed(db, org, now, worker, mail_catcher, [anna, boris])
    huge = EmailMessage()
    for header in ("From", "To", "Subject", "In-Reply-To", "References"):
        huge[header] = str(mailflow.reply(mails[anna], org.email(anna), "x")[header])
    paragraph = "<p>Clause <b>{}</b> &mdash; <a href='#'>see</a> the annex</p>\n"
    huge.set_content("<div>Approved</div>" + "".join(paragraph.format(i)
                                                     for i in range(150_000)),
                     subtype="html", cte="base64")
    assert len(huge.as_bytes()) > 9_000_000
    with mailflow.inbound_server(db, handle_inbound.send,
                                 mailflow.settings(inbound_max_bytes=20_000_000)) as server:
        mailflow.send(server, huge)
        mailflow.send(server, mailflow.reply(mails[boris], org.email(boris), "Approved"))
        worker.join(timeout=120)

    decided = {t.assignee_id: t for t in rows(db, Task, Task.instance_id
                                              == started.instance_id,
                                              Task.state == "decided")}
    assert {decided[anna].verdict, decided[boris].verdict} == {"approve"}
    assert decided[anna].comment.startswith("Clause 0 — see the annex")
    assert len(decided[anna].comment) <= limits.COMMENT
    first = rows(db, InboundMessage)[0]
    assert any("text/html" in note for note in first.details["cut"])
    assert first.details["comment_cut"]["limit"] == limits.COMMENT


# ---------------------------------------------------------------------------- broken MIME

BROKEN = {
    "truncated multipart": (b'Content-Type: multipart/alternative; boundary="b1"\r\n\r\n'
                            b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                            b"Approved\r\n--b1\r\nContent-Type: text/html\r\n\r\n<p>Appr"),
    "bad base64": (b"Content-Type: text/plain; charset=utf-8\r\n"
                   b"Content-Transfer-Encoding: base64\r\n\r\n"
                   b"QXBwcm92ZWQ*&^%$\r\n!!!!===\r\nQX"),
    "undecodable charset": (b"Content-Type: text/plain; charset=x-no-such-charset\r\n\r\n"
                            b"Approved \xff\xfe\xfd\x80\r\n"),
    "html in a charset that is not one": (b"Content-Type: text/html; charset=utf-7777\r\n"
                                          b"Content-Transfer-Encoding: quoted-printable\r\n"
                                          b"\r\n<div>Approved=\r\n=FF=FE</div><blockquote"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_mime_ends_in_a_recorded_outcome_once(name, db, org, now, worker, mail_catcher):
    anna = org.approvers[0]
    started, mails = _mailed(db, org, now, worker, mail_catcher, [anna])
    head = (f"From: {org.email(anna)}\r\nTo: {mails[anna]['Reply-To']}\r\n"
            f"Subject: Re: contract\r\nMessage-ID: <broken.{name.replace(' ', '-')}@example.com>"
            "\r\nMIME-Version: 1.0\r\n").encode()
    stored = inbox.store(db, head + BROKEN[name], channel="smtp", now=now,
                         envelope_to=[str(mails[anna]["Reply-To"])])
    settings = MailSettings.from_env()

    done = inbound.process(db, stored, now, settings=settings, base_url=BASE)

    row = rows(db, InboundMessage)[0]
    assert done is not None and row.state == "done" and row.outcome == done.outcome
    assert row.outcome in ("decided", "no_verdict"), row.reason
    assert inbound.process(db, stored, now, settings=settings, base_url=BASE) is None
    task = rows(db, Task, Task.instance_id == started.instance_id, Task.assignee_id == anna)[0]
    assert task.state == ("decided" if row.outcome == "decided" else "open")


# ---------------------------------------------------------------------------- explanations


def test_no_explanation_goes_to_a_sender_outside_the_directory(db, org, now, worker,
                                                                mail_catcher):
    anna = org.approvers[0]
    started, mails = _mailed(db, org, now, worker, mail_catcher, [anna])
    forged = mailflow.reply(mails[anna], "Prize Desk <mallory@evil.example>",
                            "You won! Call +1 555 0100")
    with mailflow.inbound_server(db, handle_inbound.send) as server:
        mailflow.send(server, forged)
        worker.join()

    row = rows(db, InboundMessage)[0]
    assert (row.state, row.outcome, row.sender) == ("done", "wrong_sender",
                                                    "mallory@evil.example")
    assert "explained" not in row.details
    assert _explanations(db) == [] and rows(db, MailReply) == []
    assert mailflow.mails_to(mail_catcher.messages(), "mallory@evil.example") == []
    assert open_tasks(db, started.instance_id)[anna].state == "open"


def test_an_explanation_to_a_person_of_the_directory_repeats_nothing_of_their_mail(
        db, org, now, worker, mail_catcher):
    anna, boris = org.approvers[0], org.approvers[1]
    _, mails = _mailed(db, org, now, worker, mail_catcher, [anna])
    answer = mailflow.reply(mails[anna], org.email(boris), "Approved. PRIZE-CODE-4711")
    del answer["Subject"]
    answer["Subject"] = "Claim your PRIZE at http://evil.example/claim"
    with mailflow.inbound_server(db, handle_inbound.send) as server:
        mailflow.send(server, answer)
        worker.join()

    row = rows(db, InboundMessage)[0]
    assert (row.outcome, row.details.get("explained")) == ("wrong_sender", "wrong_sender")
    assert [(e["to"], e["locale"]) for e in _explanations(db)] == [(org.email(boris), "ru")]
    assert "subject" not in _explanations(db)[0]
    explanation, = [m for m in mailflow.mails_to(mail_catcher.messages(), org.email(boris))
                    if m["Auto-Submitted"] == "auto-replied"]
    assert explanation["Subject"] == "Ваше письмо в Signoff не принято"
    assert explanation["In-Reply-To"] == answer["Message-ID"]
    whole = explanation.as_string()
    assert "PRIZE" not in whole and "evil.example" not in whole
