"""Counting working days with a calendar (the core's protocol; HR supplies the real one)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from approvals.core import engine
from approvals.core.calendar import EveryDay, Weekdays, add_working_days
from approvals.definitions import load_text
from tests.unit.fakes import FakeDirectory

FRIDAY_EVENING = datetime(2026, 12, 4, 18, 30)


class Holidays(Weekdays):
    """Monday to Friday, with the New Year days off (1–8 January 2027) and Saturday 9 January
    worked instead, as a production calendar transfers days."""

    def is_working_day(self, day: date) -> bool:
        if day == date(2027, 1, 9):
            return True
        if date(2027, 1, 1) <= day <= date(2027, 1, 8):
            return False
        return super().is_working_day(day)


def test_calendar_days_count_every_day() -> None:
    assert add_working_days(EveryDay(), FRIDAY_EVENING, 3) == datetime(2026, 12, 7, 18, 30)


def test_working_days_skip_the_weekend_and_keep_the_time_of_day() -> None:
    assert add_working_days(Weekdays(), FRIDAY_EVENING, 1) == datetime(2026, 12, 7, 18, 30)
    assert add_working_days(Weekdays(), FRIDAY_EVENING, 3) == datetime(2026, 12, 9, 18, 30)
    assert add_working_days(Weekdays(), FRIDAY_EVENING, 5) == datetime(2026, 12, 11, 18, 30)


def test_holidays_are_skipped_and_a_transferred_saturday_counts() -> None:
    new_years_eve = datetime(2026, 12, 31, 9, 0)
    assert add_working_days(Holidays(), new_years_eve, 1) == datetime(2027, 1, 9, 9, 0)
    assert add_working_days(Holidays(), new_years_eve, 2) == datetime(2027, 1, 11, 9, 0)


def test_zero_days_is_now_or_the_next_working_day() -> None:
    assert add_working_days(Weekdays(), FRIDAY_EVENING, 0) == FRIDAY_EVENING
    saturday = datetime(2026, 12, 5, 10, 0)
    assert add_working_days(Weekdays(), saturday, 0) == datetime(2026, 12, 7, 10, 0)


def test_a_calendar_without_working_days_is_refused_and_days_may_count_back() -> None:
    class Never:
        def is_working_day(self, day: date) -> bool:
            return False

    with pytest.raises(ValueError, match="no working day"):
        add_working_days(Never(), FRIDAY_EVENING, 1)
    assert add_working_days(Weekdays(), FRIDAY_EVENING, -1) == datetime(2026, 12, 3, 18, 30)
    assert add_working_days(Weekdays(), datetime(2026, 12, 7, 9), -1) == datetime(2026, 12, 4, 9)


def test_the_engine_counts_a_stage_deadline_with_the_calendar_it_is_given() -> None:
    people = FakeDirectory()
    ivan = people.add("ivan@example.com")
    def process(deadline: str):
        return load_text("id: p\nname: P\nstages:\n  - {key: s, name: S, assignees: "
                         f"[initiator], {deadline}}}\n", "p.yaml")

    by_calendar_days = engine.start(process("deadline_days: 3"), people, ivan, {},
                                    FRIDAY_EVENING)
    by_working_days = engine.start(process("deadline: {working_days: 3}"), people, ivan, {},
                                   FRIDAY_EVENING, calendar=Weekdays())

    assert by_calendar_days.state.tasks[0].deadline == datetime(2026, 12, 7, 18, 30)
    assert by_working_days.state.tasks[0].deadline == datetime(2026, 12, 9, 18, 30)
    assert [e.due for e in by_working_days.effects if isinstance(e, engine.SetTimer)] == [
        datetime(2026, 12, 9, 18, 30)]
