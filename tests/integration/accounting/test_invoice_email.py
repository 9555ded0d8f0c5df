"""The invoice answered by email replies through the real SMTP path: the manager and the CFO
reply "Согласовано", the accountant replies "Оплачено 27.11.2026 п/п 123" — one line — and the
initiator's mail says the day and the number; an "Оплачено" without a date is explained, naming
both fields the answer needs, and decides nothing."""

from __future__ import annotations

from email.message import Message

from accounting.models import Payment
from approvals import dispatch
from approvals.store.models import InboundMessage, Instance, Task
from tests.integration import mailflow
from tests.integration.accounting.conftest import Finance, start_invoice
from tests.integration.flows import open_tasks, rows
from workers.actors import handle_inbound


def _body(message: Message) -> str:
    return message.get_body(("plain",)).get_content()


def _task_mail(catcher, address: str) -> Message:
    mails = [m for m in mailflow.mails_to(catcher.messages(), address)
             if "Новая задача" in str(m["Subject"]) or "New task" in str(m["Subject"])]
    assert mails, f"no task mail to {address}"
    return mails[-1]


def _reply(db, worker, message: Message, sender: str, text: str) -> None:
    with mailflow.inbound_server(db, handle_inbound.send) as server:
        mailflow.send(server, mailflow.reply(message, sender, text))
        worker.join()


def test_approved_and_paid_by_email_replies(db, finance: Finance, now, worker, mail_catcher):
    started = start_invoice(db, finance, now, amount="1500000")  # above the RUB threshold
    dispatch.kick(started.outbox_ids)
    worker.join()

    manager_mail = _task_mail(mail_catcher, finance.email("manager"))
    assert "1 500 000,00 RUB" in _body(manager_mail).replace("\u00a0", " ")
    _reply(db, worker, manager_mail, finance.email("manager"), "Согласовано")
    [instance] = rows(db, Instance, Instance.id == started.instance_id)
    assert instance.stage == "cfo"

    _reply(db, worker, _task_mail(mail_catcher, finance.email("director")),
           finance.email("director"), "Согласовано, оплатить до конца недели")
    [instance] = rows(db, Instance, Instance.id == started.instance_id)
    assert instance.stage == "pay"

    maria = finance.email("maria")
    pay_mail = _task_mail(mail_catcher, maria)
    body = _body(pay_mail)
    assert "Дата оплаты: 27.11.2026" in body and "Номер п/п: 123" in body
    assert "Оплачено 27.11.2026 п/п 123" in body  # the one-line answer, shown
    task = open_tasks(db, started.instance_id)[finance["maria"]]

    _reply(db, worker, pay_mail, maria, "Оплачено 27.11.2026 п/п 123\n\nМария")

    stored = rows(db, InboundMessage, InboundMessage.task_id == task.id)
    assert [m.outcome for m in stored] == ["decided"], [m.reason for m in stored]
    [decided] = rows(db, Task, Task.id == task.id)
    assert (decided.verdict, decided.channel, decided.comment) == ("paid", "email", "Мария")
    [instance] = rows(db, Instance, Instance.id == started.instance_id)
    assert (instance.status, instance.fields["paid_on"], instance.fields["order_no"]) == (
        "completed", "2026-11-27", "123")
    [payment] = rows(db, Payment, Payment.instance_id == started.instance_id)
    assert (payment.paid_on.isoformat(), payment.order_no, payment.amount, payment.task_id) == (
        "2026-11-27", "123", "1500000.00", task.id)

    told = [_body(m) for m in mailflow.mails_to(mail_catcher.messages(),
                                                 finance.email("initiator"))]
    assert any("оплачен: 27.11.2026, платёжное поручение № 123" in text for text in told), told


def test_paid_without_a_date_is_explained_naming_both_fields(db, finance: Finance, now,
                                                              worker, mail_catcher):
    started = start_invoice(db, finance, now)
    dispatch.kick(started.outbox_ids)
    worker.join()
    _reply(db, worker, _task_mail(mail_catcher, finance.email("manager")),
           finance.email("manager"), "Согласовано")
    olga = finance.email("olga")  # an English-speaking accountant
    pay_mail = _task_mail(mail_catcher, olga)
    assert "Paid 2026-11-27 order 123" in _body(pay_mail)
    task = open_tasks(db, started.instance_id)[finance["olga"]]

    _reply(db, worker, pay_mail, olga, "Оплачено п/п 123")

    [stored] = rows(db, InboundMessage, InboundMessage.task_id == task.id)
    assert stored.outcome == "refused"
    assert open_tasks(db, started.instance_id)[finance["olga"]].id == task.id  # still open
    assert rows(db, Payment) == []
    explained = [m for m in mailflow.mails_to(mail_catcher.messages(), olga)
                 if m["Auto-Submitted"] == "auto-replied"]
    text = " ".join(_body(explained[-1]).split())
    assert "Payment date: This field is required." in text
    assert "This answer needs Payment date, Payment order No.; for example: “Paid 2026-11-27 " \
        "order 123”" in text

    _reply(db, worker, pay_mail, olga, "Paid 30.11.2026 order 77")
    [instance] = rows(db, Instance, Instance.id == started.instance_id)
    assert (instance.status, instance.fields["paid_on"], instance.fields["order_no"]) == (
        "completed", "2026-11-30", "77")


def test_an_amount_in_a_reply_is_read_the_way_its_sender_writes_numbers(
        db, finance: Finance, now, worker, mail_catcher):
    """Olga reads English: "100,000" in her reply is a hundred thousand, not a hundred (issue
    17); "100,5" is refused with how to write it, and the task stays open."""
    started = start_invoice(db, finance, now, amount="120000")
    dispatch.kick(started.outbox_ids)
    worker.join()
    _reply(db, worker, _task_mail(mail_catcher, finance.email("manager")),
           finance.email("manager"), "Согласовано")
    olga = finance.email("olga")
    pay_mail = _task_mail(mail_catcher, olga)
    task = open_tasks(db, started.instance_id)[finance["olga"]]

    _reply(db, worker, pay_mail, olga, "Paid 2026-11-30 order 77\nAmount paid: 100,5")
    assert open_tasks(db, started.instance_id)[finance["olga"]].id == task.id
    explained = [m for m in mailflow.mails_to(mail_catcher.messages(), olga)
                 if m["Auto-Submitted"] == "auto-replied"]
    assert "Write the number as 100,000.50" in " ".join(_body(explained[-1]).split())

    _reply(db, worker, pay_mail, olga, "Paid 2026-11-30 order 78\nAmount paid: 100,000")
    [payment] = rows(db, Payment, Payment.instance_id == started.instance_id)
    assert (payment.order_no, payment.amount) == ("78", "100000.00")
