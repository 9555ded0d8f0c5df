"""Bank files for the tests, written here by hand the way a bank client writes them, and a small
reader of our own for the files Signoff writes (independent of :mod:`accounting.bank1c`, so a
mistake in one is not hidden by the same mistake in the other)."""

from __future__ import annotations

from dataclasses import dataclass, field

#: The company the tests pay from (a settlement account at Sberbank, its control key right).
COMPANY = {
    "SIGNOFF_COMPANY_NAME": "ООО «Сигнофф Демо»",
    "SIGNOFF_COMPANY_INN": "7701234560",
    "SIGNOFF_COMPANY_KPP": "770101001",
    "SIGNOFF_COMPANY_ACCOUNT": "40702810238000001234",
    "SIGNOFF_COMPANY_BANK": "ПАО Сбербанк",
    "SIGNOFF_COMPANY_BIK": "044525225",
    "SIGNOFF_COMPANY_CORR_ACCOUNT": "30101810400000000225",
}
ACCOUNT = COMPANY["SIGNOFF_COMPANY_ACCOUNT"]

#: Suppliers with real banks' BICs and correspondent accounts and accounts whose keys agree.
ROMASHKA = {"supplier": "ООО «Ромашка»", "supplier_inn": "7733012345",
            "supplier_kpp": "773301001", "supplier_account": "40702810101000000111",
            "supplier_bik": "044525593", "supplier_bank": "АО «Альфа-Банк»",
            "supplier_corr_account": "30101810200000000593"}
LUTIK = {"supplier": "ООО «Лютик»", "supplier_inn": "5009876546", "supplier_kpp": "500901001",
         "supplier_account": "40702810500000012345", "supplier_bik": "044525974",
         "supplier_bank": "АО «ТБанк»", "supplier_corr_account": "30101810145250000974"}
IVANOV = {"supplier": "ИП Иванов Иван Иванович", "supplier_inn": "771234567859",
          "supplier_account": "40702810638000005678", "supplier_bik": "044525225",
          "supplier_bank": "ПАО Сбербанк", "supplier_corr_account": "30101810400000000225"}


@dataclass
class Line:
    """A debit (or, with ``incoming``, a credit) line of a statement."""

    number: str
    date: str  # dd.mm.yyyy
    amount: str
    payee_inn: str
    purpose: str
    payee: str = "ООО Поставщик"
    incoming: bool = False
    extra: dict[str, str] = field(default_factory=dict)


def statement(lines: list[Line], account: str = ACCOUNT, start: str = "01.12.2026",
              end: str = "07.12.2026") -> bytes:
    """A statement as a bank client exports it for 1C: windows-1251, CRLF."""
    out = ["1CClientBankExchange", "ВерсияФормата=1.03", "Кодировка=Windows",
           "Отправитель=Банк-Клиент", "Получатель=1С:Предприятие", "ДатаСоздания=07.12.2026",
           "ВремяСоздания=10:28:35", f"ДатаНачала={start}", f"ДатаКонца={end}",
           f"РасчСчет={account}", "СекцияРасчСчет", f"ДатаНачала={start}", f"ДатаКонца={end}",
           f"РасчСчет={account}", "НачальныйОстаток=1000000.00", "ВсегоПоступило=0.00",
           "ВсегоСписано=0.00", "КонечныйОстаток=1000000.00", "КонецРасчСчет"]
    for line in lines:
        ours, theirs = (("Получатель", "Плательщик") if line.incoming
                        else ("Плательщик", "Получатель"))
        out += [
            "СекцияДокумент=Платежное поручение", f"Номер={line.number}", f"Дата={line.date}",
            f"Сумма={line.amount}", f"{ours}Счет={account}",
            f"ДатаСписано={'' if line.incoming else line.date}",
            f"{ours}=ООО \"Сигнофф Демо\"", f"{ours}ИНН=7701234560",
            f"{theirs}Счет=40702810101000000111",
            f"ДатаПоступило={line.date if line.incoming else ''}",
            f"{theirs}={line.payee}", f"{theirs}ИНН={line.payee_inn}",
            "ВидОплаты=01", "Очередность=5", f"НазначениеПлатежа={line.purpose}",
            *(f"{k}={v}" for k, v in line.extra.items()), "КонецДокумента"]
    out.append("КонецФайла")
    return ("\r\n".join(out) + "\r\n").encode("cp1251")


# ---------------------------------------------------------------------------- the test reader


@dataclass
class ReadBack:
    header: dict[str, str]
    documents: list[dict[str, str]]
    kinds: list[str]


def read_back(data: bytes) -> ReadBack:
    """Our own reading of a file Signoff wrote, strict about what a bank client needs: every
    line ends in CRLF, the text is windows-1251, the marker first, the end last, every
    document closed."""
    assert data.endswith(b"\r\n"), "the file does not end with CRLF"
    assert b"\n" not in data.replace(b"\r\n", b""), "a line ends without CR"
    text = data.decode("cp1251")  # raises on anything windows-1251 cannot be
    lines = text.split("\r\n")[:-1]
    assert lines[0] == "1CClientBankExchange" and lines[-1] == "КонецФайла", (lines[0],
                                                                            lines[-1])
    header: dict[str, str] = {}
    documents: list[dict[str, str]] = []
    kinds: list[str] = []
    current: dict[str, str] | None = None
    for line in lines[1:-1]:
        if line.startswith("СекцияДокумент="):
            assert current is None, "a document opens inside another"
            current = {}
            kinds.append(line.split("=", 1)[1])
        elif line == "КонецДокумента":
            assert current is not None
            documents.append(current)
            current = None
        else:
            key, value = line.split("=", 1)
            (header if current is None else current)[key] = value
    assert current is None, "a document is not closed"
    return ReadBack(header, documents, kinds)
