"""Business trips (``hr/processes/business-trip.yaml``): the per diem, computed, never typed.

Per diem (суточные) is paid for every day of the trip, weekends, holidays and the days on the
road included (Regulation on business trips, Government decree No. 749 of 13.10.2008, p. 11).
The company sets its rate; the rates the file defaults to are the limits below which the per
diem is free of personal income tax (Tax Code art. 217 p. 3): 700 roubles a day inside Russia,
2,500 abroad. A rate on the form overrides them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from approvals import extensions

#: the untaxed per diem a day (Tax Code art. 217 p. 3), by where the trip goes
RATES = {"domestic": Decimal("700.00"), "abroad": Decimal("2500.00")}


def trip_days(period: Any) -> int | None:
    """Days of the trip, both ends included; None for a range that is not one."""
    if not isinstance(period, dict):
        return None
    try:
        start, end = date.fromisoformat(str(period["start"])), date.fromisoformat(
            str(period["end"]))
    except (KeyError, ValueError):
        return None
    return (end - start).days + 1 if end >= start else None


@extensions.calculator("hr.per_diem")
def per_diem(check: extensions.Check) -> dict[str, Any]:
    """``days`` (the trip's days) and ``per_diem`` (days × the rate): the rate on the form
    (``rate``), else the untaxed limit for where the trip goes (``scope``: domestic or
    abroad). The business-trip process's field names."""
    names = {"period": "period", "rate": "rate", "scope": "scope", "days": "days",
             "per_diem": "per_diem"}
    days = trip_days(check.fields.get(names["period"]))
    if days is None:
        return {}
    raw = check.fields.get(names["rate"])
    rate = Decimal(str(raw)) if raw not in (None, "") else RATES.get(
        str(check.fields.get(names["scope"]) or "domestic"), RATES["domestic"])
    return {names["days"]: str(days), names["per_diem"]: f"{rate * days:.2f}"}
