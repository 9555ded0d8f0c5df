"""Monthly accrual of annual leave (hr/ledger.py): 28 days a year (Labour Code art. 115) in
twelve lines that sum to exactly 28.00, counted from the hire date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hr.ledger import add_months, from_hundredths, monthly_amount, number, schedule, to_hundredths


def test_twelve_months_sum_to_exactly_28() -> None:
    months = [monthly_amount(Decimal(28), m) for m in range(1, 13)]
    assert months[:3] == [Decimal("2.33"), Decimal("2.34"), Decimal("2.33")]
    assert sum(months) == Decimal("28.00")
    assert sum(monthly_amount(Decimal(3), m) for m in range(1, 13)) == Decimal("3.00")


def test_months_count_from_the_hire_date() -> None:
    lines = schedule(date(2025, 3, 10), date(2026, 3, 9), Decimal(28))
    assert [(day, key) for day, key, _amount in lines[:2]] == [
        (date(2025, 4, 9), "accrual:2025-04"), (date(2025, 5, 9), "accrual:2025-05")]
    assert len(lines) == 12 and sum(amount for *_rest, amount in lines) == Decimal(28)
    # the thirteenth month starts the second working year's rounding again
    assert schedule(date(2025, 3, 10), date(2026, 4, 9), Decimal(28))[-1][2] == Decimal("2.33")
    assert schedule(date(2025, 3, 10), date(2025, 4, 8), Decimal(28)) == []


def test_a_month_end_hire_date_keeps_one_line_a_month() -> None:
    lines = schedule(date(2026, 1, 31), date(2026, 12, 31), Decimal(28))
    keys = [key for _day, key, _amount in lines]
    assert keys[:3] == ["accrual:2026-02", "accrual:2026-03", "accrual:2026-04"]
    assert len(keys) == len(set(keys)) == 11
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)


def test_hundredths_and_how_numbers_are_said() -> None:
    assert to_hundredths(Decimal("2.33")) == 233 and from_hundredths(-1400) == Decimal("-14.00")
    assert [number(Decimal(v)) for v in ("14.00", "12.33", "-2.50")] == ["14", "12.33", "-2.5"]
