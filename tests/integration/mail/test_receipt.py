"""A decision taken by an email reply is told to the assignee at once, with a way to say "this
was not me": a forged reply becomes something its victim sees, the record shows the report,
and the administrators are told."""

from __future__ import annotations

import re

from approvals import dispatch
from approvals.store.models import AuditEvent, Notification, Task
from tests.integration import mailflow
from tests.integration.flows import rows, start_contract
from tests.integration.trails import make_app, signed_in
from workers.actors import handle_inbound


def test_an_email_decision_is_acknowledged_and_can_be_reported_as_not_theirs(
        db, org, now, worker, mail_catcher):
    anna = org.approvers[0]
    started = start_contract(db, org, now, approvers=[anna])
    dispatch.kick(started.outbox_ids)
    worker.join()
    task_mail = mailflow.mails_to(mail_catcher.messages(), org.email(anna))[-1]

    with mailflow.inbound_server(db, handle_inbound.send) as inbound:  # as if Anna
        mailflow.send(inbound, mailflow.reply(task_mail, org.email(anna), "Approved"))
        worker.join()

    task = rows(db, Task, Task.instance_id == started.instance_id, Task.assignee_id == anna)[0]
    assert (task.state, task.channel) == ("decided", "email")
    receipts = [m for m in mailflow.mails_to(mail_catcher.messages(), org.email(anna))
                if "Your decision was recorded" in str(m["Subject"])]
    assert len(receipts) == 1
    text = receipts[0].get_body(("plain",)).get_content()
    assert "Decided in the name of Anna Approver" in text and "Approved" in text
    assert "If you did not send that reply" in text
    link = re.search(r"https?://\S+/tasks/(\d+)/not-me", text)
    assert link and int(link[1]) == task.id
    assert receipts[0]["Reply-To"] is None  # a receipt is not answered

    app = make_app(db)
    app.config["WTF_CSRF_ENABLED"] = False  # the form's token is the page tests' concern
    assert signed_in(app, org.approvers[1]).get(f"/tasks/{task.id}/not-me").status_code == 403
    assert signed_in(app, org.approvers[1]).post(f"/tasks/{task.id}/not-me").status_code == 403
    browser = signed_in(app, anna)
    page = browser.get(f"/tasks/{task.id}/not-me")
    assert page.status_code == 200 and "This was not me" in page.text
    assert rows(db, AuditEvent, AuditEvent.kind == "decision_disputed") == []  # GET: nothing

    reported = browser.post(f"/tasks/{task.id}/not-me")
    assert reported.status_code == 303
    disputed = rows(db, AuditEvent, AuditEvent.kind == "decision_disputed")
    assert [(e.actor_id, e.task_id, e.data["verdict"]) for e in disputed] == [
        (anna, task.id, "approve")]
    worker.join()
    told = rows(db, Notification, Notification.template == "decision_disputed")
    assert [n.person_id for n in told] == [org.admin]
    assert any("Reported as not theirs" in str(m["Subject"])
               for m in mailflow.mails_to(mail_catcher.messages(), org.email(org.admin)))
    again = browser.post(f"/tasks/{task.id}/not-me")
    assert again.status_code == 409
    assert len(rows(db, AuditEvent, AuditEvent.kind == "decision_disputed")) == 1


def test_a_decision_on_the_page_gets_no_receipt(db, org, now, worker, mail_catcher):
    from approvals import service

    anna = org.approvers[0]
    started = start_contract(db, org, now, approvers=[anna])
    task = rows(db, Task, Task.instance_id == started.instance_id, Task.assignee_id == anna)[0]
    service.decide(db, task.id, anna, "approve", "", now)
    worker.join()
    assert rows(db, Notification, Notification.template == "decision_received") == []
