"""The queue as a spreadsheet: what a person typed stays text."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from accounting.sheets import Table, to_xlsx


def test_a_supplier_named_like_a_formula_stays_text_in_the_xlsx() -> None:
    table = Table("Queue", ["Supplier", "Amount"], [["=HYPERLINK(\"http://x\",\"pay\")",
                                                     Decimal("10.00")]], 1)

    sheet = load_workbook(io.BytesIO(to_xlsx(table, "en"))).active

    assert sheet.cell(2, 1).value == "=HYPERLINK(\"http://x\",\"pay\")"
    assert sheet.cell(2, 1).data_type == "s" and sheet.cell(2, 2).value == 10.0
