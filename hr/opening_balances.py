"""Balances brought in when a company moves to Signoff: the leave each person has left in the
previous system (1C:ZUP, a spreadsheet) on a day, read from a CSV and written all or nothing as
:func:`hr.ledger.open_balance` lines.

The file: a header ``email,leave_type,balance,as_of,source`` (``;`` works too; ``source``
optional, "previous system" when empty), then a line per person and type — the balance with a
point or a decimal comma (``16.67``, ``16,67``, negative for leave taken in advance), the day as
``YYYY-MM-DD`` or ``DD.MM.YYYY``, not after today. Every bad line is named with its number and
what is wrong, and nothing is written; a person and type given twice is refused (which one
would count?).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select

from approvals.store.models import Person
from hr import leave_types, ledger
from hr.company_days import parse_date

HEADER = ("email", "leave_type", "balance", "as_of", "source")
DEFAULT_SOURCE = "previous system"
SOURCE_LIMIT = 100


class OpeningBalancesInvalid(ValueError):
    """The file has bad lines (``problems``: ``(line, what is wrong)``); nothing was written."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"line {line}: {what}" for line, what in problems))


@dataclass(frozen=True)
class Opening:
    line: int
    person_id: int
    email: str
    leave_type: str
    balance: Decimal
    as_of: date
    source: str


def parse(conn: Any, text: str, today: date) -> list[Opening]:
    """The file's lines, checked against the directory and the leave types; raises
    :class:`OpeningBalancesInvalid` naming every bad line."""
    lines = text.removeprefix("\ufeff").splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = ";" if ";" in first and "," not in first else ","
    rows = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    problems: list[tuple[int, str]] = []
    found: list[Opening] = []
    seen: dict[tuple[str, str], int] = {}
    header = None
    types = leave_types.leave_types()
    for row in rows:
        number, cells = rows.line_num, [cell.strip() for cell in row]
        if not any(cells):
            continue
        if header is None:
            header = tuple(cell.lower() for cell in cells)
            if header not in (HEADER, HEADER[:4]):
                problems.append((number, "the header must be " + ",".join(HEADER)))
                break
            continue
        if len(cells) not in (4, 5):
            problems.append((number, f"expected 4 or 5 columns, found {len(cells)}"))
            continue
        email, kind, raw_balance, raw_day, source = (*cells, "")[:5]
        wrong = []
        person_id = conn.execute(select(Person.__table__.c.id).where(
            func.lower(Person.__table__.c.email) == email.lower())).scalar()
        if person_id is None:
            wrong.append(f"nobody has the address {email!r}")
        known = types.get(kind)
        if known is None or not known.balance:
            wrong.append(f"{kind!r} is not a leave type with a balance (one of "
                         f"{', '.join(k for k, v in types.items() if v.balance)})")
        try:
            amount = Decimal(raw_balance.replace(" ", "").replace(",", "."))
            if amount != amount.quantize(ledger.CENT):
                wrong.append(f"the balance {raw_balance!r} has more than two decimals")
        except InvalidOperation:
            wrong.append(f"{raw_balance!r} is not a number of days such as 16.67")
            amount = Decimal(0)
        day = parse_date(raw_day)
        if day is None:
            wrong.append(f"{raw_day!r} is not a date (write YYYY-MM-DD or DD.MM.YYYY)")
        elif day > today:
            wrong.append(f"the day {day.isoformat()} is after today: a balance is brought in "
                         f"as it stood")
        if len(source) > SOURCE_LIMIT:
            wrong.append(f"the source is longer than {SOURCE_LIMIT} characters")
        twice = seen.get((email.lower(), kind))
        if twice is not None:
            wrong.append(f"{email} and {kind} were given on line {twice} already")
        seen.setdefault((email.lower(), kind), number)
        if wrong:
            problems.extend((number, what) for what in wrong)
        else:
            found.append(Opening(number, person_id, email, kind, amount, day,
                                 source or DEFAULT_SOURCE))
    if header is None:
        problems.append((1, "the file is empty: it needs the header " + ",".join(HEADER)))
    if problems:
        raise OpeningBalancesInvalid(problems)
    return found


def bring_in(conn: Any, text: str, author_id: int, now: datetime) -> list[tuple[Opening,
                                                                                 Decimal]]:
    """Check the whole file, then write each balance (in the caller's transaction: all or
    nothing); returns each line with the difference written (0 when the ledger agreed)."""
    written = []
    locale = conn.execute(select(Person.__table__.c.locale).where(
        Person.__table__.c.id == author_id)).scalar() or "en"
    for opening in parse(conn, text, now.date()):
        line = ledger.open_balance(conn, opening.person_id, opening.leave_type, opening.balance,
                                   opening.as_of, opening.source, author_id, now=now,
                                   locale=locale)
        written.append((opening, line.amount if line is not None else Decimal(0)))
    return written
