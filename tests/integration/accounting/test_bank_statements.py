"""A bank statement imported: its debit lines matched to the invoices approved for payment by the
payee's INN, the amount and the invoice number in the purpose; the matches confirmed on a page,
each paying its invoice through the service (the statement's date and number, an audited
decision naming the statement and the line); the lines that match nothing, or several
invoices, listed and never guessed; a confirmation twice paying nothing twice; a broken file
refused naming its line, with nothing stored."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine

from accounting import bank1c, statements
from accounting.models import BankStatement, Payment, StatementLine
from accounting.queue import week_end
from approvals import service
from approvals.clock import utcnow
from approvals.store.db import read_session
from approvals.store.models import AuditEvent, Instance, Task
from approvals.trail import content
from tests.integration.accounting.conftest import Finance, start_invoice
from tests.integration.accounting.payments_site import PaymentsSite, build
from tests.integration.flows import rows
from tests.unit.accounting.bankfiles import IVANOV, LUTIK, ROMASHKA, Line, statement

STRANGER_INN = "7811122235"


@pytest.fixture
def site(tmp_path, monkeypatch, redis_url: str, app_broker) -> Iterator[PaymentsSite]:
    yield from build(tmp_path, monkeypatch, redis_url)


@pytest.fixture
def invoices(site: PaymentsSite) -> dict[str, int]:
    """Five invoices waiting for payment; two of Ivanov's of one amount (No. 7 and 8)."""
    today = utcnow().date()
    return {
        "romashka": site.to_pay(today + timedelta(days=2), number="15", amount="120000,00",
                                purpose="Бумага", **ROMASHKA),
        "lutik": site.to_pay(week_end(today), number="42", amount="99,50",
                             purpose="Канцтовары", **LUTIK),
        "seven": site.to_pay(today + timedelta(days=5), number="7", amount="700,00",
                             purpose="Ремонт", **IVANOV),
        "eight": site.to_pay(today + timedelta(days=6), number="8", amount="700,00",
                             purpose="Ремонт", **IVANOV),
    }


def _three_lines(ambiguous: bool = False) -> bytes:
    lines = [
        Line("311", "03.12.2026", "120000.00", ROMASHKA["supplier_inn"],
             "Оплата по счету № 15 от 20.11.2026. Бумага. В т.ч. НДС 22 % - 21 639,34 руб.",
             payee='ООО "Ромашка"'),
        Line("312", "04.12.2026", "99.50", LUTIK["supplier_inn"], "Оплата по сч. 42 Канцтовары",
             payee='ООО "Лютик"'),
        Line("313", "04.12.2026", "15000.00", STRANGER_INN, "Аренда за декабрь",
             payee="ООО Арендодатель"),
        Line("9", "05.12.2026", "5000.00", "7701234560", "Возврат аванса", incoming=True),
    ]
    if ambiguous:
        lines.append(Line("314", "05.12.2026", "700.00", IVANOV["supplier_inn"],
                          "Оплата по счетам № 7 и 8", payee="ИП Иванов И.И."))
    return statement(lines)


def _upload(site: PaymentsSite, who: str, data: bytes, name: str = "kl_to_1c.txt"):
    import io

    return site.browser(who).submit("/payments", "/payments/statements", {
        "statement": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def _lines(html: str) -> dict[int, str]:
    """The statement page's debit lines: file line -> outcome."""
    return {int(line): outcome for line, outcome in re.findall(
        r'<tr class="statement-line [^"]*" data-line="(\d+)" data-outcome="(\w+)"', html)}


def _decided(db: Engine, instance_id: int) -> list[AuditEvent]:
    return rows(db, AuditEvent, AuditEvent.instance_id == instance_id,
                AuditEvent.kind == "decided")


def test_two_of_three_lines_pay_their_invoices_and_the_third_stays_listed(
        site: PaymentsSite, invoices: dict[str, int]) -> None:
    data = _three_lines(ambiguous=True)
    uploaded = _upload(site, "maria", data)
    assert uploaded.status_code == 303, uploaded.text
    [stored] = rows(site.db, BankStatement)
    assert uploaded.headers["Location"].endswith(f"/payments/statements/{stored.id}")
    assert (stored.account, stored.period_start) == ("40702810238000001234", date(2026, 12, 1))
    maria = site.browser("maria")

    page = maria.get(f"/payments/statements/{stored.id}")

    at = {doc.number: doc.line for doc in bank1c.read(data).documents}
    assert _lines(page.text) == {at["311"]: "matched", at["312"]: "matched",
                                 at["313"]: "unmatched", at["314"]: "ambiguous"}
    assert "Нет счёта к оплате с таким ИНН получателя." in page.text
    assert "Подходят несколько счетов" in page.text
    ambiguous = page.text.split(f'data-line="{at["314"]}"')[1].split("</tr>")[0]
    assert f'/instances/{invoices["seven"]}"' in ambiguous
    assert f'/instances/{invoices["eight"]}"' in ambiguous
    assert "Поступлений (не сопоставляются): 1" in page.text
    ticked = re.findall(r'name="line" value="(\d+)" checked', page.text)
    assert len(ticked) == 2

    confirmed = maria.submit(f"/payments/statements/{stored.id}",
                             f"/payments/statements/{stored.id}/confirm", {"line": ticked})

    assert confirmed.status_code == 303
    after = maria.get(confirmed.headers["Location"])
    assert "Отмечено оплаченными счетов: 2." in after.text
    assert _lines(after.text) == {at["311"]: "paid", at["312"]: "paid",
                                  at["313"]: "unmatched", at["314"]: "ambiguous"}
    for name, number, debited, amount in (("romashka", "311", date(2026, 12, 3), "120000.00"),
                                          ("lutik", "312", date(2026, 12, 4), "99.50")):
        instance = site.instance(invoices[name])
        assert (instance.status, instance.stage) == ("completed", "completed"), name
        assert (instance.fields["paid_on"], instance.fields["order_no"]) == (
            debited.isoformat(), number)
        [payment] = rows(site.db, Payment, Payment.instance_id == invoices[name])
        assert (payment.paid_on, payment.order_no, payment.amount) == (debited, number, amount)
        [event] = [e for e in _decided(site.db, invoices[name]) if e.data["stage"] == "pay"]
        assert (event.actor_id, event.channel, event.data["verdict"]) == (
            site.ids["maria"], "bank", "paid")
        assert event.data["evidence"]["statement"] == stored.id
        assert event.data["evidence"]["line"] == at[number]
        assert event.data["evidence"]["file"] == "kl_to_1c.txt"
    with read_session(site.db) as s:  # the signed trail names the statement in words
        trail, _files = content.collect(s, invoices["romashka"], "ru", True, utcnow())
    [paid] = [e for e in trail["timeline"] if e["evidence"]]
    assert ("Строка файла", str(at["311"])) in paid["evidence"]
    assert ("Файл выписки", "kl_to_1c.txt") in paid["evidence"]
    for name in ("seven", "eight"):  # never guessed
        assert site.instance(invoices[name]).stage == "pay"
    # the queue no longer lists what was paid
    queue = maria.get("/payments").text
    assert f'data-instance="{invoices["romashka"]}"' not in queue
    assert f'data-instance="{invoices["seven"]}"' in queue

    # confirming again pays nothing twice
    events = len(rows(site.db, AuditEvent))
    again = maria.submit(f"/payments/statements/{stored.id}",
                         f"/payments/statements/{stored.id}/confirm", {"line": ticked})
    assert again.status_code == 303
    assert "оставлено без изменений: 2" in maria.get(again.headers["Location"]).text
    assert len(rows(site.db, AuditEvent)) == events
    assert len(rows(site.db, Payment)) == 2

    # the same file again is the same statement
    twice = _upload(site, "olga", data, name="copy.txt")
    assert twice.headers["Location"] == uploaded.headers["Location"]
    assert len(rows(site.db, BankStatement)) == 1


def test_a_line_of_an_invoice_paid_meanwhile_is_refused_on_its_own(
        site: PaymentsSite, invoices: dict[str, int]) -> None:
    uploaded = _upload(site, "olga", _three_lines())
    statement_id = int(uploaded.headers["Location"].rsplit("/", 1)[1])
    site.pay("maria", invoices["lutik"], date(2026, 12, 4), "312")  # by hand, meanwhile
    olga = site.browser("olga")
    page = olga.get(f"/payments/statements/{statement_id}").text
    assert len(re.findall(r'name="line" value="(\d+)" checked', page)) == 1
    assert "You hold no payment task of this invoice" in page  # Lutik's, paid meanwhile
    ticked = re.findall(r'name="line" value="(\d+)"', page)  # ticked anyway

    done = olga.submit(f"/payments/statements/{statement_id}",
                       f"/payments/statements/{statement_id}/confirm", {"line": ticked})

    shown = olga.get(done.headers["Location"]).text
    assert "Invoices marked paid: 1." in shown
    assert "not marked paid: you hold no open payment task" in shown
    assert site.instance(invoices["romashka"]).status == "completed"
    assert len(rows(site.db, Payment, Payment.instance_id == invoices["lutik"])) == 1


@pytest.mark.parametrize("damage, code", [
    # UTF-8 with Cyrillic, not windows-1251: refused at its first Cyrillic line
    (lambda data: data.decode("cp1251").encode("utf-8"), "utf8"),
    # a document's end cut out: refused where it begins
    (lambda data: data.replace("КонецДокумента\r\nСекцияДокумент".encode("cp1251"),
                               "СекцияДокумент".encode("cp1251"), 1), "section_not_closed"),
    (lambda data: data.replace(b"=99.50", b"=99,5O"), "bad_amount"),
])
def test_a_broken_file_is_refused_naming_its_line_and_nothing_is_stored(
        site: PaymentsSite, invoices: dict[str, int], damage, code: str) -> None:
    data = damage(_three_lines())
    with pytest.raises(bank1c.FormatError) as expected:
        bank1c.read(data)
    assert expected.value.code == code

    refused = _upload(site, "maria", data)

    assert refused.status_code == 400
    assert f"Выписка не загружена, ничего не изменено. Строка {expected.value.line}:" in \
        refused.text
    assert rows(site.db, BankStatement) == [] and rows(site.db, StatementLine) == []
    assert site.instance(invoices["romashka"]).stage == "pay"


def test_payment_orders_are_not_a_statement(site: PaymentsSite) -> None:
    orders = bank1c.write([bank1c.PaymentOrder(1, date(2026, 12, 7), Decimal(1), *[bank1c.Party(
        "A", "7701234560", "", "40702810238000001234", "B", "044525225", "")] * 2, "p")],
        created=utcnow())
    refused = _upload(site, "maria", orders)
    assert refused.status_code == 400 and "СекцияРасчСчет" in refused.text
    assert rows(site.db, BankStatement) == []


def test_only_accountants_and_administrators_import_and_confirm(
        site: PaymentsSite, invoices: dict[str, int]) -> None:
    uploaded = _upload(site, "maria", _three_lines())
    path = uploaded.headers["Location"].replace("http://localhost", "")
    ivan = site.browser("initiator")
    assert ivan.get(path).status_code == 403
    assert ivan.submit("/", f"{path}/confirm", {"line": ["1"]}).status_code == 403
    assert site.browser("admin").get(path).status_code == 200
    assert site.browser("maria").get("/payments/statements/999").status_code == 404


# ---------------------------------------------------------------------------- both databases


def test_matching_and_confirming_on_both_databases(db: Engine, finance: Finance, now) -> None:
    """The import and the confirmation themselves, on SQLite and PostgreSQL."""
    due = (now + timedelta(days=3)).date().isoformat()
    instance_id = start_invoice(db, finance, now, number="15", due=due, amount="120000",
                                purpose="Бумага", **ROMASHKA).instance_id
    [manager_task] = rows(db, Task, Task.instance_id == instance_id, Task.state == "open")
    service.decide(db, manager_task.id, finance["manager"], "approve", "", now)
    data = _three_lines()

    imported = statements.import_statement(db, "kl_to_1c.txt", data, finance["olga"], now)
    again = statements.import_statement(db, "kl_to_1c.txt", data, finance["olga"], now)

    assert (imported.created, again) == (True, statements.Imported(imported.statement_id,
                                                                   False))
    lines = {line.number: line for line in rows(db, StatementLine)}
    assert (lines["311"].outcome, lines["311"].instance_id) == ("matched", instance_id)
    assert (lines["312"].outcome, lines["312"].reason) == ("unmatched", "no_invoice_for_inn")
    assert lines["9"].outcome == "incoming"
    done = statements.confirm(db, imported.statement_id, [lines["311"].id, lines["313"].id],
                              finance["olga"], now)
    assert (done.paid, done.failed) == ([lines["311"].line], {lines["313"].line: "not_matched"})
    assert done.outbox_ids
    assert rows(db, Instance, Instance.id == instance_id)[0].status == "completed"
    assert statements.confirm(db, imported.statement_id, [lines["311"].id], finance["maria"],
                              now).already == [lines["311"].line]
    # the next statement repeats the line (its period overlaps): recorded already, not unknown
    later = statement([Line("311", "03.12.2026", "120000.00", ROMASHKA["supplier_inn"],
                            "Оплата по счету № 15")], end="10.12.2026")
    second = statements.import_statement(db, "kl_to_1c (2).txt", later, finance["olga"], now)
    [repeated] = rows(db, StatementLine, StatementLine.statement_id == second.statement_id)
    assert (repeated.outcome, repeated.reason, repeated.instance_id) == (
        "unmatched", "already_paid", instance_id)
