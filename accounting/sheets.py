"""The queue and the payments of a period as a spreadsheet: CSV and XLSX, in the reader's
language.

A table is its headings and its rows of typed values (text, :class:`~decimal.Decimal`,
:class:`~datetime.date`); CSV writes them the way the reader's Excel opens them — in Russian
``;`` between the columns and a decimal comma, in English ``,`` and a point; UTF-8 with a BOM,
so Excel reads the Cyrillic — and XLSX keeps numbers numbers and dates dates, with the totals
per currency under the table.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from accounting.queue import PAID, Row, totals
from approvals.texts import normalize, t
from approvals.texts.formats import csv_table

MONEY = "#,##0.00"


@dataclass(frozen=True)
class Table:
    title: str
    headings: list[str]
    rows: list[list[Any]]
    amount_column: int  # where the totals go
    totals: list[dict[str, Any]] = field(default_factory=list)


def _state(row: Row, locale: str) -> str:
    return t(f"payments.state.{row.state}", locale)


def _order(row: Row) -> str:
    return str(row.bank_order.number) if row.bank_order else ""


def queue_table(found: Sequence[Row], locale: str) -> Table:
    """The queue as shown: due date, state, supplier, INN, invoice, amount, VAT, purpose, the
    payment order a bank file carried, and — for paid invoices — the payment."""
    heads = ["due", "state", "supplier", "inn", "number", "invoice_date", "amount", "currency",
             "vat", "purpose", "bank_order", "instance"]
    paid = any(row.state == PAID for row in found)
    if paid:
        heads += ["paid_on", "order_no", "amount_paid", "paid_by"]
    rows = []
    for row in found:
        cells: list[Any] = [row.due, _state(row, locale), row.supplier, row.supplier_inn,
                            row.number, row.invoice_date, row.amount, row.currency,
                            _vat(row.vat_rate, locale), row.purpose, _order(row),
                            row.instance_id]
        if paid:
            cells += [row.paid_on, row.order_no, row.amount_paid, row.paid_by]
        rows.append(cells)
    return Table(t("payments.sheet.queue", locale), [t(f"payments.col.{h}", locale)
                                                     for h in heads], rows, 6, totals(found))


def paid_table(found: Sequence[Row], locale: str, start: date, end: date) -> Table:
    """The payments of a period: when, which order, to whom, for which invoice, how much."""
    heads = ["paid_on", "order_no", "supplier", "inn", "number", "invoice_date", "amount_paid",
             "currency", "amount", "paid_by", "instance"]
    rows = [[row.paid_on, row.order_no, row.supplier, row.supplier_inn, row.number,
             row.invoice_date, row.amount_paid, row.currency, row.amount, row.paid_by,
             row.instance_id] for row in found]
    title = t("payments.sheet.paid", locale, start=_day(start, locale), end=_day(end, locale))
    return Table(title, [t(f"payments.col.{h}", locale) for h in heads], rows, 6,
                 totals(found))


def _vat(rate: str, locale: str) -> str:
    return t("payments.vat.none", locale) if rate in ("", "none") else f"{rate} %"


def _day(value: date, locale: str) -> str:
    return f"{value:%d.%m.%Y}" if normalize(locale) == "ru" else value.isoformat()


def to_csv(table: Table, locale: str) -> bytes:
    return csv_table(table.headings, table.rows, locale)


def to_xlsx(table: Table, locale: str) -> bytes:
    """One sheet: the headings (bold, frozen, with filters), the rows, and under them one row
    per currency with its count and sum."""
    book = Workbook()
    sheet = book.active
    sheet.title = table.title[:31]
    sheet.append(table.headings)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    date_format = "DD.MM.YYYY" if normalize(locale) == "ru" else "YYYY-MM-DD"
    for row in table.rows:
        sheet.append([_plain(value) for value in row])
    money = _money_headings(locale)
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if table.headings[cell.column - 1] in money:
                cell.number_format = MONEY
            elif cell.is_date:
                cell.number_format = date_format
            elif cell.data_type == "f":  # text a person typed, never a formula to run
                cell.data_type = "s"
    if table.rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.headings))}" \
                                f"{len(table.rows) + 1}"
    sheet.freeze_panes = "A2"
    if table.totals:
        sheet.append([])
    for total in table.totals:
        label = t("payments.total_line", locale, currency=total["currency"], n=total["count"])
        cells: list[Any] = [label] + [None] * (len(table.headings) - 1)
        cells[table.amount_column] = float(total["amount"])
        sheet.append(cells)
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        sheet.cell(sheet.max_row, table.amount_column + 1).number_format = MONEY
    for index, heading in enumerate(table.headings, start=1):
        longest = max([len(heading), *(len(str(_plain(r[index - 1]) or ""))
                                        for r in table.rows)])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, longest + 2))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _money_headings(locale: str) -> set[str]:
    return {t(f"payments.col.{h}", locale) for h in ("amount", "amount_paid")}


def _plain(value: Any) -> Any:
    """A value as a cell holds it: an amount as a number (to the kopeck)."""
    if isinstance(value, Decimal):
        return float(value)
    return value
