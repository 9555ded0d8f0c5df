"""The 1C "Client-Bank" exchange format (``1CClientBankExchange``, version 1.03): the text file
1C:Accounting and every Russian bank client trade payment orders and statements in.

A file is lines of ``Key=Value`` in windows-1251, CRLF at each end: a header (``ВерсияФормата``,
``Кодировка=Windows``, ``Отправитель``, ``Получатель``, ``ДатаСоздания``, ``ВремяСоздания``,
``ДатаНачала``, ``ДатаКонца``, ``РасчСчет``, ``Документ``), then sections — in a statement
``СекцияРасчСчет`` … ``КонецРасчСчет`` (the account's balances), and one ``СекцияДокумент=<kind>``
… ``КонецДокумента`` per document — and ``КонецФайла``. Amounts are written ``120000.00``, dates
``dd.mm.yyyy`` (v8.1c.ru, "Стандарт обмена с системами клиент-банка", formats 1.02/1.03).

:func:`write` makes a file of payment orders for the bank client to import; :func:`read` reads
one the bank client exported (a statement, or payment orders) and refuses a broken one with
:class:`FormatError`, which names the line. Pure: bytes in, bytes out, no database, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

MARKER = "1CClientBankExchange"
VERSION = "1.03"
ENCODING = "cp1251"
EOL = "\r\n"
ORDER = "Платежное поручение"
#: A payment order's purpose (field 24) holds at most this many characters.
MAX_PURPOSE = 210
#: The largest payment order number a bank client takes (field 3: six digits).
MAX_NUMBER = 999_999

_DATE = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$")
_AMOUNT = re.compile(r"^\d{1,15}(?:[.,]\d{1,2})?$")
#: Keys whose value is a date wherever they appear; an empty value means "none".
_DATES = ("Дата", "ДатаСписано", "ДатаПоступило", "ДатаНачала", "ДатаКонца", "ДатаСоздания")
#: What every document of a file must say.
REQUIRED = ("Номер", "Дата", "Сумма")
#: Typography a payment order may not carry (banks take a narrow character set), and what a
#: bank client writes instead.
_PLAIN = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "—": "-", "–": "-",
                        "\u00a0": " ", "\t": " ", "\r": " ", "\n": " ", "…": "..."})


# ---------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class Party:
    """A payer or a payee as a payment order names them."""

    name: str
    inn: str
    kpp: str
    account: str
    bank: str
    bic: str
    corr_account: str


@dataclass(frozen=True)
class PaymentOrder:
    number: int
    date: date
    amount: Decimal
    payer: Party
    payee: Party
    purpose: str
    kind: str = "01"  # ВидОплаты: 01, a payment order
    priority: int = 5  # Очередность: 5, every ordinary payment to a supplier


def plain(text: str) -> str:
    """``text`` as a payment order may carry it: straight quotes and hyphens, one line, single
    spaces (a bank client refuses «», dashes and line breaks in its fields)."""
    return re.sub(r" {2,}", " ", (text or "").translate(_PLAIN)).strip()


def encodable(text: str) -> bool:
    """Whether ``text`` can be written in windows-1251."""
    try:
        text.encode(ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def amount_text(amount: Decimal) -> str:
    """``120000.00``: a point, two decimals, no grouping."""
    return f"{amount.quantize(Decimal('0.01')):f}"


def date_text(day: date) -> str:
    return f"{day:%d.%m.%Y}"


def write(orders: Sequence[PaymentOrder], *, created: datetime, sender: str = "Signoff",
          receiver: str = "") -> bytes:
    """A file of ``orders`` (all from one payer account) for the bank client to import:
    windows-1251, CRLF. The interval it declares spans the orders' dates."""
    if not orders:
        raise ValueError("a bank file holds at least one payment order")
    account = orders[0].payer.account
    if any(order.payer.account != account for order in orders):
        raise ValueError("one bank file is for one payer account")
    lines = [MARKER, f"ВерсияФормата={VERSION}", "Кодировка=Windows",
             f"Отправитель={sender}", f"Получатель={receiver}",
             f"ДатаСоздания={date_text(created)}", f"ВремяСоздания={created:%H:%M:%S}",
             f"ДатаНачала={date_text(min(o.date for o in orders))}",
             f"ДатаКонца={date_text(max(o.date for o in orders))}",
             f"РасчСчет={account}", f"Документ={ORDER}"]
    for order in orders:
        lines += [f"СекцияДокумент={ORDER}", *_order_lines(order), "КонецДокумента"]
    lines.append("КонецФайла")
    return (EOL.join(lines) + EOL).encode(ENCODING)


def _order_lines(order: PaymentOrder) -> list[str]:
    payer, payee = order.payer, order.payee
    pairs = [
        ("Номер", str(order.number)), ("Дата", date_text(order.date)),
        ("Сумма", amount_text(order.amount)),
        ("ПлательщикСчет", payer.account), ("Плательщик", plain(payer.name)),
        ("ПлательщикИНН", payer.inn), ("ПлательщикКПП", payer.kpp),
        ("Плательщик1", plain(payer.name)), ("ПлательщикРасчСчет", payer.account),
        ("ПлательщикБанк1", plain(payer.bank)), ("ПлательщикБИК", payer.bic),
        ("ПлательщикКорсчет", payer.corr_account),
        ("ПолучательСчет", payee.account), ("Получатель", plain(payee.name)),
        ("ПолучательИНН", payee.inn), ("ПолучательКПП", payee.kpp),
        ("Получатель1", plain(payee.name)), ("ПолучательРасчСчет", payee.account),
        ("ПолучательБанк1", plain(payee.bank)), ("ПолучательБИК", payee.bic),
        ("ПолучательКорсчет", payee.corr_account),
        ("ВидОплаты", order.kind), ("Очередность", str(order.priority)),
        ("НазначениеПлатежа", plain(order.purpose)),
    ]
    return [f"{key}={value}" for key, value in pairs]


# ---------------------------------------------------------------------------- reading


class FormatError(ValueError):
    """The file is not a readable 1CClientBankExchange file: ``line`` (1-based) is where, and
    ``code`` with ``params`` say what (worded in :mod:`approvals.texts.accounting` as
    ``payments.format.<code>``)."""

    def __init__(self, line: int, code: str, **params: object) -> None:
        detail = ", ".join(f"{k}={v}" for k, v in params.items())
        super().__init__(f"line {line}: {code}" + (f" ({detail})" if detail else ""))
        self.line, self.code, self.params = line, code, params


@dataclass(frozen=True)
class Document:
    """One ``СекцияДокумент`` of a file: where it begins, its kind, the values it holds (as
    written), and those every document has, read."""

    line: int
    kind: str
    number: str
    date: date
    amount: Decimal
    values: Mapping[str, str] = field(default_factory=dict)

    def get(self, key: str) -> str:
        return self.values.get(key, "").strip()

    @property
    def payer_account(self) -> str:
        return self.get("ПлательщикСчет") or self.get("ПлательщикРасчСчет")

    @property
    def payee_account(self) -> str:
        return self.get("ПолучательСчет") or self.get("ПолучательРасчСчет")

    @property
    def payee_name(self) -> str:
        return self.get("Получатель1") or self.get("Получатель")

    @property
    def purpose(self) -> str:
        """The purpose, with the continuation lines some bank clients split it into."""
        parts = [self.get("НазначениеПлатежа")]
        parts += [self.get(f"НазначениеПлатежа{i}") for i in range(1, 7)]
        first = parts[0]
        rest = [p for p in parts[1:] if p and p not in first]
        return " ".join([first, *rest]).strip()

    @property
    def debited_on(self) -> date | None:
        """``ДатаСписано``: the day the bank took the money from the payer's account."""
        return to_date(self.get("ДатаСписано")) if self.get("ДатаСписано") else None


@dataclass(frozen=True)
class Exchange:
    """A file read: its header, its account sections (a statement's) and its documents."""

    header: Mapping[str, str]
    accounts: tuple[Mapping[str, str], ...]
    documents: tuple[Document, ...]

    @property
    def own_accounts(self) -> frozenset[str]:
        """The accounts the file is about: the header's and each account section's."""
        found = {self.header.get("РасчСчет", "").strip()}
        found |= {section.get("РасчСчет", "").strip() for section in self.accounts}
        return frozenset(a for a in found if a)

    def debits(self) -> list[Document]:
        """The documents that took money from the file's own accounts."""
        own = self.own_accounts
        return [d for d in self.documents if d.payer_account in own]


def read(data: bytes) -> Exchange:
    """Read a 1CClientBankExchange file; :class:`FormatError` names the first line it cannot
    take (wrong encoding, a missing marker, a section left open, a required value missing or
    malformed)."""
    lines = _decode(data)
    if not lines or lines[0].strip() != MARKER:
        raise FormatError(1, "not_exchange")
    header: dict[str, str] = {}
    accounts: list[dict[str, str]] = []
    documents: list[Document] = []
    section: tuple[str, int, str, dict[str, str], dict[str, int]] | None = None
    ended = False
    for number, raw in enumerate(lines[1:], start=2):
        text = raw.strip()
        if not text:
            continue
        key, sep, value = text.partition("=")
        key = key.strip()
        if key in ("СекцияДокумент", "СекцияРасчСчет"):
            if section is not None:
                raise FormatError(section[1], "section_not_closed", next=number,
                                  end=_END[section[0]])
            section = (key, number, value.strip(), {}, {})
        elif key in ("КонецДокумента", "КонецРасчСчет") and not sep:
            if section is None or _END[section[0]] != key:
                raise FormatError(number, "unexpected_end", key=key)
            kind, start, title, values, at = section
            if kind == "СекцияДокумент":
                documents.append(_document(start, title, values, at))
            else:
                accounts.append(values)
            section = None
        elif key == "КонецФайла" and not sep:
            if section is not None:
                raise FormatError(section[1], "section_not_closed", next=number,
                                  end=_END[section[0]])
            ended = True
            break
        elif not sep or not key:
            raise FormatError(number, "bad_line")
        else:
            value = value.strip()
            if key in _DATES and value:
                _checked_date(value, number, key)
            if section is None:
                if documents or accounts:
                    raise FormatError(number, "outside_section", key=key)
                header[key] = value
            else:
                section[3][key] = value
                section[4][key] = number
    if section is not None:
        raise FormatError(section[1], "section_not_closed", next=len(lines),
                          end=_END[section[0]])
    if not ended:
        raise FormatError(len(lines), "no_end")
    _check_header(header, lines)
    return Exchange(header, tuple(accounts), tuple(documents))


_END = {"СекцияДокумент": "КонецДокумента", "СекцияРасчСчет": "КонецРасчСчет"}


def _decode(data: bytes) -> list[str]:
    """The file's lines, read as windows-1251. A file that is valid UTF-8 with letters outside
    ASCII is refused (read as windows-1251 it would turn into nonsense silently), naming its
    first such line."""
    raw_lines = data.split(b"\n")
    try:
        data.decode("utf-8")
        utf8 = any(byte >= 0x80 for byte in data)
    except UnicodeDecodeError:
        utf8 = False
    if utf8:
        first = next(i for i, line in enumerate(raw_lines, 1) if any(b >= 0x80 for b in line))
        raise FormatError(first, "utf8")
    lines = []
    for number, raw in enumerate(raw_lines, start=1):
        try:
            lines.append(raw.rstrip(b"\r").decode(ENCODING))
        except UnicodeDecodeError:
            raise FormatError(number, "encoding") from None
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _check_header(header: dict[str, str], lines: list[str]) -> None:
    at = {line.partition("=")[0].strip(): i for i, line in enumerate(lines, 1) if "=" in line}
    end = next((i for i, line in enumerate(lines, 1)
                if line.strip().partition("=")[0] in ("СекцияДокумент", "СекцияРасчСчет",
                                                      "КонецФайла")), len(lines))
    for key in ("ВерсияФормата", "Кодировка"):
        if not header.get(key):
            raise FormatError(end, "missing_header", key=key)
    if not header["ВерсияФормата"].startswith("1."):
        raise FormatError(at.get("ВерсияФормата", 1), "version", value=header["ВерсияФормата"])
    if header["Кодировка"].lower() != "windows":
        raise FormatError(at.get("Кодировка", 1), "declared_encoding",
                          value=header["Кодировка"])


def _document(start: int, kind: str, values: dict[str, str], at: dict[str, int]) -> Document:
    for key in REQUIRED:
        if not values.get(key):
            raise FormatError(start, "missing_key", key=key)
    amount_line = at["Сумма"]
    text = values["Сумма"].replace(" ", "")
    if not _AMOUNT.match(text):
        raise FormatError(amount_line, "bad_amount", value=values["Сумма"])
    try:
        amount = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise FormatError(amount_line, "bad_amount", value=values["Сумма"]) from None
    return Document(start, kind or ORDER, values["Номер"],
                    _checked_date(values["Дата"], at["Дата"], "Дата"), amount, dict(values))


def _checked_date(value: str, line: int, key: str) -> date:
    day = to_date(value)
    if day is None:
        raise FormatError(line, "bad_date", key=key, value=value)
    return day


def to_date(value: str) -> date | None:
    """A ``dd.mm.yyyy`` date; None for anything else."""
    match = _DATE.match(value.strip())
    if not match:
        return None
    try:
        return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None
