"""The year HR's calendar page shows (:mod:`hr.calendar_year`): month grids that start on
Monday, each day's kind as the calendar counts it with the company's days over it, the totals,
and the one-day form's checks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hr import calendar_year
from hr.calendar import ProductionCalendar


def _cells(view: calendar_year.YearView) -> dict[date, calendar_year.Day]:
    return {cell.day: cell for month in view.months for week in month.weeks
            for cell in week if cell is not None}


def test_the_grids_start_on_monday_and_hold_every_day_once() -> None:
    view = calendar_year.year_view(ProductionCalendar(), 2026)
    assert [len(week) for month in view.months for week in month.weeks] == \
        [7] * sum(len(month.weeks) for month in view.months)
    assert view.months[0].weeks[0][:3] == [None, None, None]  # 1 January 2026 is a Thursday
    assert view.months[0].weeks[0][3].day == date(2026, 1, 1)
    assert len(_cells(view)) == 365


def test_each_day_is_counted_as_the_published_2026_calendar_has_it() -> None:
    view = calendar_year.year_view(ProductionCalendar(), 2026)
    cells = _cells(view)
    assert (cells[date(2026, 1, 7)].kind, cells[date(2026, 1, 7)].holiday) == \
        ("holiday", "christmas")
    assert cells[date(2026, 1, 9)].kind == "day_off" and cells[date(2026, 1, 9)].moved
    assert cells[date(2026, 4, 30)].kind == "shortened"  # before 1 May (art. 95)
    assert cells[date(2026, 1, 10)].kind == "day_off"  # a Saturday
    assert cells[date(2026, 1, 12)].kind == "working"
    assert not view.provisional and "1466" in view.decree
    assert [m.working_days for m in view.months] == \
        [15, 19, 21, 22, 19, 21, 23, 21, 22, 22, 20, 22]
    assert (view.working_days, view.days_off) == (247, 118)
    assert view.hours[40] == 1972 and view.hours[36] == Decimal("1774.4")


def test_the_company_days_are_marked_and_counted() -> None:
    calendar = ProductionCalendar().with_overrides({
        date(2026, 6, 15): "day_off", date(2026, 6, 20): "working_day",
        date(2026, 6, 12): "day_off"})
    view = calendar_year.year_view(calendar, 2026, {date(2026, 6, 15): "Корпоратив"})
    cells = _cells(view)
    assert cells[date(2026, 6, 15)] == calendar_year.Day(
        date(2026, 6, 15), "day_off", "day_off", None, False, "Корпоратив")
    assert (cells[date(2026, 6, 20)].kind, cells[date(2026, 6, 20)].company) == \
        ("working", "working_day")
    assert cells[date(2026, 6, 12)].kind == "day_off"  # a holiday the company set again
    assert view.months[5].working_days == 21 - 1 + 1
    assert view.working_days == 247


def test_a_year_without_its_decree_is_provisional() -> None:
    view = calendar_year.year_view(ProductionCalendar(), 2027)
    assert view.provisional and view.decree is None


def test_the_year_asked_for() -> None:
    assert calendar_year.parse_year(None, 2026) == 2026
    assert calendar_year.parse_year(" 2027 ", 2026) == 2027
    assert [calendar_year.parse_year(value, 2026) for value in
            ("1990", "2101", "20x6", "99999", "-2026")] == [None] * 5


def test_the_one_day_form_is_checked_field_by_field() -> None:
    entry, problems = calendar_year.check_day(
        {"date": "15.06.2026", "kind": "day_off", "reason": "  Team   day "})
    assert problems == {} and (entry.day, entry.kind, entry.reason) == \
        (date(2026, 6, 15), "day_off", "Team day")
    entry, problems = calendar_year.check_day({"date": "2026-06-15", "kind": "сокращённый"})
    assert entry.kind == "shortened"
    entry, problems = calendar_year.check_day(
        {"date": "3000-01-01", "kind": "holiday", "reason": "x" * 201})
    assert entry is None and problems == {
        "date": ("hr_calendar.error.date_range",
                 {"value": "3000-01-01", "first": 1991, "last": 2100}),
        "kind": ("hr_calendar.error.kind", {"value": "holiday"}),
        "reason": ("hr_calendar.error.reason", {"length": 201, "limit": 200})}
    assert calendar_year.check_day({})[1] == {
        "date": ("hr_calendar.error.date_missing", {}),
        "kind": ("hr_calendar.error.kind", {"value": ""})}
