"""The leave-types file (hr/leave_types.py): the shipped file as the Labour Code reads, and a
bad file refused naming the type and the key."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from hr import leave_types
from hr.leave_types import LeaveTypesInvalid, parse

GOOD = """\
types:
  - {key: annual, name: {en: Annual, ru: Ежегодный}, unit: days, counts: calendar_days,
     accrual: {per_year: 28, monthly: true}, balance: true, holidays_extend: true, min_part: 14}
  - {key: additional, name: {en: Additional, ru: Дополнительный}, unit: days,
     counts: calendar_days, balance: true, allow_negative: true, max_negative: 3}
  - {key: unpaid, name: {en: Unpaid, ru: Без сохранения}, unit: days, counts: calendar_days,
     balance: false, max_days: 30}
  - {key: study, name: {en: Study, ru: Учебный}, unit: days, counts: working_days}
  - {key: overtime, name: {en: Overtime, ru: Отгул}, unit: hours, counts: hours, balance: true}
"""


def test_the_shipped_file_gives_28_calendar_days_extended_by_holidays() -> None:
    types = leave_types.leave_types()
    annual = types["annual"]
    assert (annual.per_year, annual.counts, annual.holidays_extend, annual.min_part) == (
        Decimal(28), "calendar_days", True, 14)
    assert annual.floor() == 0
    assert not types["unpaid"].balance and not types["study"].balance
    assert (types["overtime"].unit, types["overtime"].per_year) == ("hours", None)
    assert types["study"].max_days == 50


def test_a_good_file_and_the_negative_limit() -> None:
    types = parse(GOOD)
    assert types["additional"].floor() == Decimal(-3)
    assert types["unpaid"].max_days == 30
    assert types["study"].counts == "working_days"


@pytest.mark.parametrize(("change", "message"), [
    (("unit: days, counts: calendar_days,\n     accrual", "unit: weeks, counts: calendar_days,"
      "\n     accrual"), "(annual): `unit` must be one of days, hours, not 'weeks'"),
    (("per_year: 28", "per_year: lots"), "(annual): `accrual.per_year` must be a number"),
    (("max_days: 30", "max_days: -1"), "(unpaid): `max_days` must not be negative"),
    (("balance: false, max_days", "balance: no-ish, max_days"),
     "(unpaid): `balance` is true or false"),
    (("{key: study, name: {en: Study, ru: Учебный}", "{key: study, name: {en: Study}"),
     "(study): `name` needs both"),
    (("counts: hours, balance", "counts: calendar_days, balance"),
     "(overtime): a type counted in hours has the unit hours"),
    (("max_negative: 3}", "max_negative: 3, colour: red}"), "(additional): unknown key 'colour'"),
    (("key: overtime", "key: annual"), "the type 'annual' is described twice"),
])
def test_a_bad_file_is_refused_naming_the_type_and_key(change: tuple[str, str],
                                                       message: str) -> None:
    assert change[0] in GOOD
    with pytest.raises(LeaveTypesInvalid) as refused:
        parse(GOOD.replace(*change), "leave.yaml")
    assert message in str(refused.value)


def test_a_file_without_a_required_type_is_refused() -> None:
    without = "types:\n" + "".join(GOOD.split("types:\n")[1].split("  - ")[0:1]) + "".join(
        "  - " + part for part in GOOD.split("  - ")[1:5])
    with pytest.raises(LeaveTypesInvalid, match="the types overtime are required"):
        parse(without)


def test_the_file_named_by_the_environment(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "types.yaml"
    path.write_text(GOOD.replace("max_days: 30", "max_days: 10"), encoding="utf-8")
    monkeypatch.setenv(leave_types.ENV, str(path))
    assert leave_types.leave_types()["unpaid"].max_days == 10
    monkeypatch.setenv(leave_types.ENV, str(tmp_path / "missing.yaml"))
    with pytest.raises(LeaveTypesInvalid, match="cannot be read"):
        leave_types.leave_types()
