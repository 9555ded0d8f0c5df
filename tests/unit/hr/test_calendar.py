"""Russia's production calendar (hr/calendar.py) against the published one.

The figures below are typed in from the published production calendar, not computed by the
code under test:
- 2026 month totals (working days; hours of a 40-hour week): the table "Производственный
  календарь на 2026 г. для пятидневной рабочей недели", https://glavaudit.org/situations/k518956
- 2026 quarter and year totals (40- and 36-hour weeks) and the pre-holiday days:
  https://www.4dk.ru/s/calendar; the year's 247 working days also https://news.mail.ru/economics/69264300/
- 2026's moved days off: Government Decree of 24.09.2025 No. 1466, as reported by
  https://tass.ru/obschestvo/25149527 and https://profedu38.ru (item 2426)
2027 has no published decree or calendar to compare with (see the data file): its tests check
only what the Labour Code itself says.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from hr.calendar import DAY_OFF, SHORTENED, WORKING_DAY, ProductionCalendar, default

# month: (working days, hours of a 40-hour week)
PUBLISHED_2026 = {
    1: (15, 120), 2: (19, 152), 3: (21, 168), 4: (22, 175), 5: (19, 151), 6: (21, 167),
    7: (23, 184), 8: (21, 168), 9: (22, 176), 10: (22, 176), 11: (20, 159), 12: (22, 176),
}
QUARTERS_2026 = {1: (55, 440, "396"), 2: (62, 493, "443.4"), 3: (66, 528, "475.2"),
                 4: (64, 511, "459.8")}


@pytest.mark.parametrize("month", range(1, 13))
def test_2026_months_match_the_published_calendar(month):
    days, hours = PUBLISHED_2026[month]
    assert default().working_days(2026, month) == days
    assert default().working_hours(2026, month) == hours
    assert default().working_hours(2026, month, week_hours=40) == hours


def test_2026_quarters_and_year_match_the_published_calendar():
    calendar = default()
    for quarter, (days, hours40, hours36) in QUARTERS_2026.items():
        months = range(3 * quarter - 2, 3 * quarter + 1)
        assert sum(calendar.working_days(2026, m) for m in months) == days
        assert sum(calendar.working_hours(2026, m) for m in months) == hours40
        assert sum(calendar.working_hours(2026, m, 36) for m in months) == Decimal(hours36)
    assert calendar.working_days(2026) == 247
    assert calendar.working_hours(2026) == 1972
    assert calendar.working_hours(2026, week_hours=36) == Decimal("1774.4")
    assert not calendar.is_provisional(2026)


def test_2026_days_off_and_pre_holiday_days():
    calendar = default()
    rest = [date(2026, 1, d) for d in range(1, 12)] + [
        date(2026, 2, 23), date(2026, 3, 9), date(2026, 5, 1),
        date(2026, 5, 11), date(2026, 6, 12), date(2026, 11, 4), date(2026, 12, 31)]
    assert not any(calendar.is_working_day(day) for day in rest)
    assert calendar.is_working_day(date(2026, 1, 12))
    assert calendar.is_working_day(date(2026, 12, 30))
    shortened = [date(2026, 4, 30), date(2026, 5, 8), date(2026, 6, 11), date(2026, 11, 3)]
    assert [d for d in calendar.days(2026, 4) + calendar.days(2026, 5) + calendar.days(2026, 6)
            + calendar.days(2026, 11) if calendar.is_shortened(d)] == shortened
    assert not calendar.is_shortened(date(2026, 2, 20))  # 22 February is a Sunday
    assert calendar.holiday(date(2026, 5, 9)) == "victory_day"
    assert calendar.holiday(date(2026, 5, 11)) is None


def test_2027_is_provisional_and_follows_the_labour_code():
    calendar = default()
    assert calendar.is_provisional(2027)
    # art. 112 part 2: 1 May, 9 May and 12 June 2027 fall on weekends and move to Mondays
    for day in (date(2027, 5, 3), date(2027, 5, 10), date(2027, 6, 14)):
        assert not calendar.is_working_day(day)
    # ... but not the January ones: 2 and 3 January wait for the Government's decree
    assert calendar.is_working_day(date(2027, 1, 11))
    # art. 95: the working day before a holiday is an hour shorter, a weekend shortens nothing
    assert calendar.is_shortened(date(2027, 2, 22))
    assert calendar.is_shortened(date(2027, 12, 31))  # before 1 January 2028
    assert not calendar.is_shortened(date(2027, 5, 7))  # 8 May is a Saturday
    # a year not shipped at all is provisional too, by the same rules
    assert calendar.is_provisional(2031)
    assert not calendar.is_working_day(date(2031, 6, 12))


def test_the_companys_own_days_go_over_the_calendar():
    calendar = default().with_overrides({
        date(2026, 5, 12): DAY_OFF, date(2026, 5, 16): WORKING_DAY,
        date(2026, 5, 15): SHORTENED})
    assert not calendar.is_working_day(date(2026, 5, 12))
    assert calendar.is_working_day(date(2026, 5, 16))
    assert calendar.is_shortened(date(2026, 5, 15))
    assert calendar.working_days(2026, 5) == 19
    assert calendar.working_hours(2026, 5) == 150
    assert default().working_days(2026, 5) == 19  # the shipped one is left alone


def test_a_decree_year_from_data():
    calendar = ProductionCalendar({2030: {"decree": "a decree", "days_off": {
        date(2030, 1, 10): "from 5 January"}, "working_days": {date(2030, 1, 12): "x"}}})
    assert not calendar.is_working_day(date(2030, 1, 10))
    assert calendar.is_working_day(date(2030, 1, 12))
    assert not calendar.is_provisional(2030)
