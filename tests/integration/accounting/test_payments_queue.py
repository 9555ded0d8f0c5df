"""The accountants' queue (``/payments``): the invoices approved for payment by due date, the
overdue and this week's marked, totals per currency, the filters, the invoice file and the task
one click away; CSV and XLSX of the queue and of what was paid in a period; only accountants and
administrators see it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from accounting.queue import week_end
from approvals import service
from approvals.clock import utcnow
from tests.integration.accounting.conftest import PROCESS, invoice_fields
from tests.integration.accounting.payments_site import PaymentsSite, build, order_of_rows
from tests.unit.accounting.bankfiles import IVANOV, LUTIK, ROMASHKA


@pytest.fixture
def site(tmp_path, monkeypatch, redis_url: str, app_broker) -> Iterator[PaymentsSite]:
    yield from build(tmp_path, monkeypatch, redis_url)


@pytest.fixture
def queue(site: PaymentsSite) -> dict[str, int]:
    """Four invoices waiting for payment — overdue, due this week, in dollars in ten days, in
    a month — and one still with the manager."""
    today = utcnow().date()
    made = {
        "later": site.to_pay(today + timedelta(days=30), number="3", amount="1000,00",
                             purpose="Оплата по счету № 3", **LUTIK),
        "overdue": site.to_pay(today - timedelta(days=3), number="1", amount="120000,00",
                               purpose="Оплата по счету № 1 за бумагу", **ROMASHKA),
        "week": site.to_pay(week_end(today), number="2", amount="5000,50",
                            purpose="Оплата по счету № 2", **IVANOV),
        "dollars": site.to_pay(today + timedelta(days=10), number="4", amount="300",
                               currency="USD", purpose="Invoice 4", **ROMASHKA),
    }
    made["waiting"] = service.start(site.db, PROCESS, site.ids["initiator"], invoice_fields(
        number="5", due=today.isoformat(), **LUTIK), utcnow()).instance_id
    return made


def test_the_queue_lists_invoices_by_due_date_with_marks_and_totals(
        site: PaymentsSite, queue: dict[str, int]) -> None:
    maria = site.browser("maria")

    page = maria.get("/payments")

    assert page.status_code == 200
    assert order_of_rows(page.text) == [(queue["overdue"], "overdue"), (queue["week"], "week"),
                                        (queue["dollars"], "open"), (queue["later"], "open")]
    assert f'data-instance="{queue["waiting"]}"' not in page.text
    assert "просрочен" in page.text and "срок на этой неделе" in page.text
    # totals per currency, the reader's way: 120 000,00 + 5 000,50 + 1 000,00
    assert 'data-currency="RUB"><strong>126\u00a0000,50 RUB</strong>' in page.text
    assert 'data-currency="USD"><strong>300,00 USD</strong>' in page.text
    # the invoice file, and Maria's own payment task, one click away
    task = site.task_of("maria", queue["overdue"])
    assert f'href="/tasks/{task}"' in page.text
    link = page.text.split(f'data-instance="{queue["overdue"]}"')[1].split("invoice-file")[1]
    href = link.split('href="')[1].split('"')[0]
    download = maria.get(href)
    assert download.status_code == 200 and download.data.startswith(b"%PDF")


@pytest.mark.parametrize("query, expected", [
    ("supplier=%D1%80%D0%BE%D0%BC%D0%B0%D1%88", ["overdue", "dollars"]),  # "ромаш"
    ("inn=5009876546", ["later"]),
    ("status=overdue", ["overdue"]),
    ("status=week", ["week"]),
    ("from={plus7}&to={plus40}", ["dollars", "later"]),  # this week ends by +6
    ("to={minus1}", ["overdue"]),
])
def test_the_filters_narrow_the_queue(site: PaymentsSite, queue: dict[str, int], query: str,
                                      expected: list[str]) -> None:
    today = utcnow().date()
    query = query.format(plus7=today + timedelta(days=7), plus40=today + timedelta(days=40),
                         minus1=today - timedelta(days=1))
    page = site.browser("olga").get(f"/payments?{query}")
    assert page.status_code == 200
    assert [i for i, _state in order_of_rows(page.text)] == [queue[name] for name in expected]


def test_paid_invoices_are_their_own_status(site: PaymentsSite, queue: dict[str, int]) -> None:
    site.pay("olga", queue["later"], utcnow().date(), "77", amount="990")

    open_page = site.browser("maria").get("/payments").text
    paid_page = site.browser("maria").get("/payments?status=paid").text

    assert queue["later"] not in [i for i, _ in order_of_rows(open_page)]
    assert order_of_rows(paid_page) == [(queue["later"], "paid")]
    assert "п/п № 77" in paid_page and "990,00 RUB" in paid_page and "Olga Accountant" in \
        paid_page


def test_a_filter_that_cannot_be_read_is_said_at_the_field(site: PaymentsSite) -> None:
    page = site.browser("maria").get("/payments?from=someday&status=everything")
    assert page.status_code == 400
    assert 'id="p-from-error"' in page.text and "aria-invalid" in page.text


def test_only_accountants_and_administrators_see_the_queue(site: PaymentsSite,
                                                            queue: dict[str, int]) -> None:
    ivan = site.browser("initiator")
    assert ivan.get("/payments").status_code == 403
    assert ivan.get("/payments/queue.csv").status_code == 403
    assert "/payments" not in ivan.get("/").text
    assert 'href="/payments"' in site.browser("maria").get("/").text
    assert site.browser("admin").get("/payments").status_code == 200
    assert site.browser("manager").get("/payments").status_code == 403


def test_the_queue_as_csv_is_what_a_russian_excel_opens(site: PaymentsSite,
                                                        queue: dict[str, int]) -> None:
    response = site.browser("maria").get("/payments/queue.csv")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Срок оплаты", "Состояние", "Поставщик", "ИНН"]
    overdue = rows[1]
    assert overdue[2:5] == ["ООО «Ромашка»", "7733012345", "1"]
    assert overdue[6:8] == ["120000,00", "RUB"]
    assert overdue[0] == (utcnow().date() - timedelta(days=3)).strftime("%d.%m.%Y")
    assert [row[4] for row in rows[1:]] == ["1", "2", "4", "3"]


def test_the_queue_as_xlsx_keeps_numbers_dates_and_totals(site: PaymentsSite,
                                                          queue: dict[str, int]) -> None:
    response = site.browser("olga").get("/payments/queue.xlsx?status=overdue")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [cell.value for cell in sheet[1]][:8] == [
        "Due", "State", "Supplier", "INN", "Invoice", "Invoice date", "Amount", "Currency"]
    due, state, supplier, inn, number, _dated, amount, currency = \
        [cell.value for cell in sheet[2]][:8]
    assert isinstance(due, datetime) and due.date() == utcnow().date() - timedelta(days=3)
    assert (state, supplier, inn, number, amount, currency) == (
        "overdue", "ООО «Ромашка»", "7733012345", "1", 120000.0, "RUB")
    assert sheet.cell(2, 7).number_format == "#,##0.00"
    assert sheet.freeze_panes == "A2"
    assert (sheet.cell(4, 1).value, sheet.cell(4, 7).value) == ("Total, RUB (1)", 120000.0)


def test_what_was_paid_in_a_period_as_xlsx_and_csv(site: PaymentsSite,
                                                   queue: dict[str, int]) -> None:
    site.pay("maria", queue["overdue"], date(2026, 11, 30), "15")
    site.pay("olga", queue["week"], date(2026, 12, 2), "16", amount="5000")
    olga = site.browser("olga")

    book = olga.get("/payments/paid.xlsx?from=2026-12-01&to=2026-12-31")
    every = olga.get("/payments/paid.csv?from=2026-11-01&to=2026-12-31")

    assert book.status_code == 200
    sheet = load_workbook(io.BytesIO(book.data)).active
    assert [cell.value for cell in sheet[1]][:3] == ["Paid on", "Payment order No.", "Supplier"]
    assert [c.value for c in sheet[2]][:8] == [
        datetime(2026, 12, 2), "16", IVANOV["supplier"], IVANOV["supplier_inn"], "2",
        sheet.cell(2, 6).value, 5000.0, "RUB"]
    assert sheet.cell(3, 1).value is None and sheet.cell(4, 7).value == 5000.0  # one payment
    lines = list(csv.reader(io.StringIO(every.data.decode("utf-8-sig"))))
    assert [line[1] for line in lines[1:]] == ["15", "16"]  # by payment date
    assert lines[1][6] == "120000.00" and lines[1][9] == "Мария Бухгалтер"
