"""The 1C "Client-Bank" format: payment orders written as a bank client takes them, statements
read as bank clients write them, and a broken file refused at the line that is wrong."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from accounting import bank1c
from tests.unit.accounting.bankfiles import COMPANY, ROMASHKA, Line, read_back, statement

PAYER = bank1c.Party("ООО «Сигнофф Демо»", COMPANY["SIGNOFF_COMPANY_INN"], "770101001",
                     COMPANY["SIGNOFF_COMPANY_ACCOUNT"], "ПАО Сбербанк", "044525225",
                     "30101810400000000225")
PAYEE = bank1c.Party(ROMASHKA["supplier"], ROMASHKA["supplier_inn"], "773301001",
                     ROMASHKA["supplier_account"], ROMASHKA["supplier_bank"],
                     ROMASHKA["supplier_bik"], ROMASHKA["supplier_corr_account"])
REQUIRED = ("Номер", "Дата", "Сумма", "ПлательщикСчет", "Плательщик", "ПлательщикИНН",
            "ПлательщикКПП", "ПлательщикБанк1", "ПлательщикБИК", "ПлательщикКорсчет",
            "ПолучательСчет", "Получатель", "ПолучательИНН", "ПолучательКПП",
            "ПолучательБанк1", "ПолучательБИК", "ПолучательКорсчет", "ВидОплаты",
            "Очередность", "НазначениеПлатежа")


def _order(number: int, amount: str, purpose: str = "Оплата по счету № 15") -> bank1c.PaymentOrder:
    return bank1c.PaymentOrder(number, date(2026, 12, 7), Decimal(amount), PAYER, PAYEE, purpose)


def test_payment_orders_are_written_as_a_bank_client_reads_them() -> None:
    data = bank1c.write([_order(15, "120000"), _order(16, "99.5", "Счёт — «срочно»\nвторая")],
                        created=datetime(2026, 12, 7, 10, 28, 35))

    back = read_back(data)

    assert back.header == {
        "ВерсияФормата": "1.03", "Кодировка": "Windows", "Отправитель": "Signoff",
        "Получатель": "", "ДатаСоздания": "07.12.2026", "ВремяСоздания": "10:28:35",
        "ДатаНачала": "07.12.2026", "ДатаКонца": "07.12.2026",
        "РасчСчет": COMPANY["SIGNOFF_COMPANY_ACCOUNT"], "Документ": "Платежное поручение"}
    assert back.kinds == ["Платежное поручение"] * 2
    first, second = back.documents
    assert all(first.get(key) for key in REQUIRED), [k for k in REQUIRED if not first.get(k)]
    assert (first["Номер"], first["Сумма"], second["Сумма"]) == ("15", "120000.00", "99.50")
    assert (first["ПлательщикИНН"], first["ПолучательИНН"]) == ("7701234560", "7733012345")
    assert (first["ВидОплаты"], first["Очередность"]) == ("01", "5")
    # quotes, dashes and line breaks as a bank takes them
    assert first["Получатель"] == 'ООО "Ромашка"'
    assert second["НазначениеПлатежа"] == 'Счёт - "срочно" вторая'


def test_a_file_is_for_one_payer_account_and_at_least_one_order() -> None:
    other = bank1c.PaymentOrder(1, date(2026, 12, 7), Decimal(1), bank1c.Party(
        "X", "7701234560", "", "40702810638000005678", "B", "044525225", ""), PAYEE, "p")
    with pytest.raises(ValueError):
        bank1c.write([_order(1, "1"), other], created=datetime(2026, 12, 7))
    with pytest.raises(ValueError):
        bank1c.write([], created=datetime(2026, 12, 7))


def test_what_signoff_writes_it_reads_back() -> None:
    data = bank1c.write([_order(7, "1500.05")], created=datetime(2026, 12, 7, 9, 0))

    exchange = bank1c.read(data)

    [doc] = exchange.documents
    assert (doc.number, doc.date, doc.amount, doc.line) == ("7", date(2026, 12, 7),
                                                            Decimal("1500.05"), 12)
    assert doc.get("ПолучательИНН") == "7733012345"
    assert exchange.own_accounts == {COMPANY["SIGNOFF_COMPANY_ACCOUNT"]}


def test_a_statement_says_which_lines_left_the_account_and_when() -> None:
    data = statement([
        Line("101", "03.12.2026", "120000.00", "7733012345", "Оплата по счету № 15"),
        Line("7", "04.12.2026", "5000.00", "7701234560", "Возврат", incoming=True),
        Line("102", "05.12.2026", "99.50", "5009876546", "Оплата сч. 42 первая часть",
             extra={"НазначениеПлатежа1": "первая часть", "НазначениеПлатежа2": "и вторая"}),
    ])

    exchange = bank1c.read(data)

    assert len(exchange.accounts) == 1 and len(exchange.documents) == 3
    debits = exchange.debits()
    assert [d.number for d in debits] == ["101", "102"]
    assert debits[0].debited_on == date(2026, 12, 3)
    assert debits[1].purpose == "Оплата сч. 42 первая часть и вторая"
    assert exchange.documents[1].debited_on is None


@pytest.mark.parametrize("text, line, code", [
    # not windows-1251: UTF-8 with Cyrillic, refused at its first such line
    ("1CClientBankExchange\r\nВерсияФормата=1.03\r\n", 2, "utf8"),
], ids=["utf8"])
def test_a_file_in_utf8_is_refused_at_its_first_cyrillic_line(text, line, code) -> None:
    with pytest.raises(bank1c.FormatError) as refused:
        bank1c.read(text.encode("utf-8"))
    assert (refused.value.line, refused.value.code) == (line, code)


def _broken(replace: str, by: str) -> bytes:
    good = statement([Line("101", "03.12.2026", "120000.00", "7733012345", "Счёт 15"),
                      Line("102", "05.12.2026", "99.50", "5009876546", "Счёт 42")])
    text = good.decode("cp1251")
    assert replace in text
    return text.replace(replace, by, 1).encode("cp1251")


def _line_of(data: bytes, prefix: str, nth: int = 1) -> int:
    lines = data.decode("cp1251", errors="replace").split("\r\n")
    found = [i for i, text in enumerate(lines, 1) if text.startswith(prefix)]
    return found[nth - 1]


@pytest.mark.parametrize("replace, by, code, at", [
    # the first document loses its end: it is reported where it begins
    ("Счёт 15\r\nКонецДокумента\r\n", "Счёт 15\r\n", "section_not_closed",
     ("СекцияДокумент", 1)),
    ("Сумма=120000.00", "Сумма=120 000,0.0", "bad_amount", ("Сумма=", 1)),
    ("Сумма=99.50", "Сумма=99.505", "bad_amount", ("Сумма=", 2)),
    ("Сумма=120000.00\r\n", "", "missing_key", ("СекцияДокумент", 1)),
    ("Дата=05.12.2026", "Дата=2026-12-05", "bad_date", ("Дата=2026", 1)),
    ("ДатаСписано=03.12.2026", "ДатаСписано=31.02.2026", "bad_date", ("ДатаСписано", 1)),
    ("КонецФайла\r\n", "", "no_end", None),
    ("1CClientBankExchange", "1CClientBankExchangeX", "not_exchange", ("1C", 1)),
    ("Кодировка=Windows", "Кодировка=DOS", "declared_encoding", ("Кодировка", 1)),
    ("КонецРасчСчет\r\n", "КонецРасчСчет\r\nЛишнее=1\r\n", "outside_section", ("Лишнее", 1)),
    ("ВидОплаты=01", "ВидОплаты 01", "bad_line", ("ВидОплаты 01", 1)),
    ("КонецРасчСчет", "КонецДокумента", "unexpected_end", ("КонецДокумента", 1)),
])
def test_a_broken_file_is_refused_naming_the_line(replace, by, code, at) -> None:
    data = _broken(replace, by)
    with pytest.raises(bank1c.FormatError) as refused:
        bank1c.read(data)
    expected = _line_of(data, *at) if at else data.decode("cp1251").count("\r\n")
    assert (refused.value.code, refused.value.line) == (code, expected), str(refused.value)


def test_a_byte_windows_1251_does_not_have_is_refused_at_its_line() -> None:
    data = _broken("Счёт 42", "Счёт 42").replace("Счёт 42".encode("cp1251"), b"\x98")
    with pytest.raises(bank1c.FormatError) as refused:
        bank1c.read(data)
    assert (refused.value.code, refused.value.line) == ("encoding", _line_of(
        data, "НазначениеПлатежа", 2))


def test_text_is_made_plain_for_a_payment_order() -> None:
    assert bank1c.plain("ООО «Ромашка» — поставка\u00a0бумаги\r\n  срочно") == \
        'ООО "Ромашка" - поставка бумаги срочно'
    assert bank1c.encodable("Счёт № 5") and not bank1c.encodable("发票")
