"""The iCalendar text of the absence feeds (hr/feeds.py), read back with ``icalendar`` as a
calendar application would."""

from __future__ import annotations

from datetime import UTC, date, datetime

import icalendar
import pytest

from hr.feeds import Event, calendar, escape, fold

STAMP = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def test_text_values_escape_backslash_semicolon_comma_and_new_lines():
    assert escape("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


def test_a_long_line_is_folded_at_75_octets_without_cutting_a_letter():
    line = "SUMMARY:" + "Анна Петрова — отсутствует, " * 6
    folded = fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 2
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join([parts[0], *(p[1:] for p in parts[1:])]) == line  # unfolds to the same
    assert fold("SUMMARY:short") == "SUMMARY:short"


def test_an_all_day_event_ends_the_day_after_its_last_day_and_parses():
    body = calendar("Отсутствия: отдел продаж", [
        Event("absence-7@signoff", date(2026, 12, 28), date(2027, 1, 9),
              "Анна Петрова — отсутствует", STAMP),
        Event("absence-8@signoff", date(2026, 12, 3), date(2026, 12, 3),
              "Boris; Smith, Jr. — away", STAMP, description="4 h")])
    assert body.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")  # every line ends CRLF
    parsed = icalendar.Calendar.from_ical(body)
    assert str(parsed["X-WR-CALNAME"]) == "Отсутствия: отдел продаж"
    first, second = parsed.walk("VEVENT")
    assert first.decoded("DTSTART") == date(2026, 12, 28)
    assert first.decoded("DTEND") == date(2027, 1, 10)  # exclusive
    assert str(first["SUMMARY"]) == "Анна Петрова — отсутствует"
    assert str(second["SUMMARY"]) == "Boris; Smith, Jr. — away"
    assert str(second["DESCRIPTION"]) == "4 h"
    assert first.decoded("DTSTAMP") == STAMP
    assert str(first["UID"]) == "absence-7@signoff"


@pytest.mark.parametrize("name", ["", "x" * 300, "Отдел, который; \\ на\nдвух строках"])
def test_any_text_survives_the_round_trip(name):
    parsed = icalendar.Calendar.from_ical(calendar(name, [
        Event("absence-1@signoff", date(2027, 1, 1), date(2027, 1, 1), name, STAMP)]))
    [event] = parsed.walk("VEVENT")
    assert str(event["SUMMARY"]) == name
    if "," not in name:  # icalendar leaves an X- property's escapes as they are
        assert str(parsed["X-WR-CALNAME"]) == name
