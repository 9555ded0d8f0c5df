"""Invoices approved for payment, exported as payment orders for the bank client: a 1C
"Client-Bank" file read back here by a reader of the test's own — every key a bank client
needs, windows-1251, CRLF, the sums and the INNs right — numbered from a counter per year
that the accountant may restart, an invoice exported again keeping its number; what cannot go
(dollars, no company details) refused with why, and nothing numbered."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest

from accounting.models import BankOrder
from accounting.queue import week_end
from approvals.clock import utcnow
from tests.integration.accounting.payments_site import PaymentsSite, build
from tests.integration.flows import rows
from tests.unit.accounting.bankfiles import COMPANY, IVANOV, LUTIK, ROMASHKA, read_back

#: What a payment order must say for a bank client to take it.
REQUIRED = ("Номер", "Дата", "Сумма", "ПлательщикСчет", "Плательщик", "ПлательщикИНН",
            "ПлательщикКПП", "ПлательщикБанк1", "ПлательщикБИК", "ПлательщикКорсчет",
            "ПолучательСчет", "Получатель", "ПолучательИНН", "ПолучательБанк1",
            "ПолучательБИК", "ПолучательКорсчет", "ВидОплаты", "Очередность",
            "НазначениеПлатежа")
HEADER = ("ВерсияФормата", "Кодировка", "Отправитель", "Получатель", "ДатаСоздания",
          "ВремяСоздания", "ДатаНачала", "ДатаКонца", "РасчСчет", "Документ")


@pytest.fixture
def site(tmp_path, monkeypatch, redis_url: str, app_broker) -> Iterator[PaymentsSite]:
    yield from build(tmp_path, monkeypatch, redis_url)


@pytest.fixture
def invoices(site: PaymentsSite) -> dict[str, int]:
    today = utcnow().date()
    return {
        "romashka": site.to_pay(today + timedelta(days=2), number="15", amount="120000,00",
                                purpose="Бумага офисная", vat_rate="22", **ROMASHKA),
        "ivanov": site.to_pay(week_end(today), number="И-7", amount="5000,50",
                              purpose="Оплата по счету № И-7 за ремонт", vat_rate="none",
                              **IVANOV),
        "lutik": site.to_pay(today + timedelta(days=20), number="42", amount="99,50",
                             purpose="Канцтовары", vat_rate="20", **LUTIK),
        "dollars": site.to_pay(today + timedelta(days=9), number="4", amount="300",
                               currency="USD", purpose="Invoice 4", **LUTIK),
    }


def _export(site: PaymentsSite, who: str, chosen: list[int], first: str | None = None):
    browser = site.browser(who)
    page = browser.get("/payments").text
    proposed = re.search(r'name="proposed" value="(\d+)"', page).group(1)
    return browser.submit("/payments", "/payments/bank-file", {
        "invoice": [str(i) for i in chosen], "first_number": first or proposed,
        "proposed": proposed})


def test_the_chosen_invoices_become_a_file_the_bank_client_imports(
        site: PaymentsSite, invoices: dict[str, int]) -> None:
    response = _export(site, "maria", [invoices["romashka"], invoices["ivanov"]])

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=windows-1251"
    assert re.match(r'attachment; filename=payment-orders-\d{8}-1-2\.txt$',
                    response.headers["Content-Disposition"])
    back = read_back(response.data)  # windows-1251, CRLF, closed sections, or it fails
    assert [key for key in HEADER if key not in back.header] == []
    assert back.header["Кодировка"] == "Windows" and back.header["ВерсияФормата"] == "1.03"
    assert back.header["РасчСчет"] == COMPANY["SIGNOFF_COMPANY_ACCOUNT"]
    assert back.kinds == ["Платежное поручение", "Платежное поручение"]
    first, second = back.documents
    for document in back.documents:
        assert [key for key in REQUIRED if not document.get(key)] == [], document
        assert document["ПлательщикИНН"] == COMPANY["SIGNOFF_COMPANY_INN"]
        assert document["ПлательщикСчет"] == COMPANY["SIGNOFF_COMPANY_ACCOUNT"]
        assert document["Дата"] == utcnow().date().strftime("%d.%m.%Y")
    assert (first["Номер"], first["Сумма"], first["ПолучательИНН"]) == (
        "1", "120000.00", ROMASHKA["supplier_inn"])
    assert (first["ПолучательСчет"], first["ПолучательБИК"]) == (
        ROMASHKA["supplier_account"], ROMASHKA["supplier_bik"])
    assert first["Получатель"] == 'ООО "Ромашка"'
    assert first["НазначениеПлатежа"].startswith("Оплата по счету № 15 от 20.11.2026. Бумага")
    assert first["НазначениеПлатежа"].endswith("В т.ч. НДС 22 % - 21 639,34 руб.")
    assert (second["Номер"], second["Сумма"], second["ПолучательИНН"]) == (
        "2", "5000.50", IVANOV["supplier_inn"])
    assert second["НазначениеПлатежа"] == "Оплата по счету № И-7 за ремонт. Без НДС"
    assert "ПолучательКПП" in second  # an entrepreneur has none: the key is there, empty
    # the queue shows which order each invoice went out as
    page = site.browser("olga").get("/payments").text
    assert "№ 1" in page.split(f'data-instance="{invoices["romashka"]}"')[1].split("</tr>")[0]


def test_an_invoice_exported_again_keeps_its_number_and_the_counter_may_restart(
        site: PaymentsSite, invoices: dict[str, int]) -> None:
    _export(site, "maria", [invoices["romashka"]])

    again = _export(site, "olga", [invoices["lutik"], invoices["romashka"]], first="245")

    documents = read_back(again.data).documents
    assert [(d["Номер"], d["ПолучательИНН"]) for d in documents] == [
        ("245", LUTIK["supplier_inn"]), ("1", ROMASHKA["supplier_inn"])]
    orders = {o.instance_id: o for o in rows(site.db, BankOrder)}
    assert (orders[invoices["romashka"]].number, orders[invoices["romashka"]].exports) == (1, 2)
    assert orders[invoices["lutik"]].number == 245
    page = site.browser("maria").get("/payments").text
    assert 'name="proposed" value="246"' in page
    # a number given once is never given to another invoice that year
    taken = _export(site, "maria", [invoices["ivanov"]], first="245")
    assert taken.status_code == 409 and "245" in taken.text
    assert invoices["ivanov"] not in orders


def test_what_cannot_be_paid_by_a_rouble_order_refuses_the_file(
        site: PaymentsSite, invoices: dict[str, int]) -> None:
    response = _export(site, "maria", [invoices["romashka"], invoices["dollars"]])

    assert response.status_code == 409
    assert "Ничего не выгружено" in response.text and "USD" in response.text
    assert rows(site.db, BankOrder) == []


def test_without_the_company_details_nothing_is_exported(
        site: PaymentsSite, invoices: dict[str, int], monkeypatch) -> None:
    monkeypatch.delenv("SIGNOFF_COMPANY_INN")
    monkeypatch.setenv("SIGNOFF_COMPANY_ACCOUNT", "40702810238000001235")  # its key broken

    page = site.browser("maria").get("/payments")
    response = _export(site, "maria", [invoices["romashka"]])

    assert "SIGNOFF_COMPANY_INN" in page.text  # said before anyone tries
    assert response.status_code == 409
    assert "SIGNOFF_COMPANY_INN" in response.text
    monkeypatch.setenv("SIGNOFF_COMPANY_INN", COMPANY["SIGNOFF_COMPANY_INN"])
    refused = _export(site, "maria", [invoices["romashka"]])
    assert refused.status_code == 409 and "SIGNOFF_COMPANY_ACCOUNT" in refused.text
    assert rows(site.db, BankOrder) == []


def test_a_file_needs_a_choice_and_a_sensible_first_number(
        site: PaymentsSite, invoices: dict[str, int]) -> None:
    assert _export(site, "maria", []).status_code == 400
    assert _export(site, "maria", [invoices["lutik"]], first="0").status_code == 400
    assert _export(site, "maria", [invoices["lutik"]], first="1000000").status_code == 400
    assert rows(site.db, BankOrder) == []
    refused = site.browser("initiator").submit("/", "/payments/bank-file", {
        "invoice": [str(invoices["lutik"])], "first_number": "1", "proposed": "1"})
    assert refused.status_code == 403
