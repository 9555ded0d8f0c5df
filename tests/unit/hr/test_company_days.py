"""The company's own days from an HR CSV (hr/company_days.py): a good file in both date
formats and both languages; every bad line named with its number and what is wrong."""

from __future__ import annotations

from datetime import date

import pytest

from hr.calendar import DAY_OFF, SHORTENED, WORKING_DAY
from hr.company_days import CalendarFileInvalid, parse


def problems(text: str) -> list[tuple[int, str]]:
    with pytest.raises(CalendarFileInvalid) as refused:
        parse(text)
    return [(problem.line, problem.code) for problem in refused.value.problems]


def test_a_good_file_in_both_date_formats_and_both_languages() -> None:
    entries = parse("\ufeffdate,kind,reason\n"
                    "2026-06-10,day_off,Company's birthday\n"
                    "\n"
                    "11.06.2026,Сокращённый,\n"
                    "1.08.2026,рабочий,\"Отработка, за 10 июня\"\n"
                    "2026-12-30,выходной день\n"
                    "2026-12-29,WORKING_DAY,\n"
                    "2026-12-28,shortened,\n")
    assert [(e.day, e.kind, e.reason, e.line) for e in entries] == [
        (date(2026, 6, 10), DAY_OFF, "Company's birthday", 2),
        (date(2026, 6, 11), SHORTENED, "", 4),
        (date(2026, 8, 1), WORKING_DAY, "Отработка, за 10 июня", 5),
        (date(2026, 12, 30), DAY_OFF, "", 6),
        (date(2026, 12, 29), WORKING_DAY, "", 7),
        (date(2026, 12, 28), SHORTENED, "", 8),
    ]


def test_semicolons_as_a_russian_spreadsheet_writes_them() -> None:
    [entry] = parse("date;kind;reason\n10.06.2026;выходной;День компании\n")
    assert (entry.day, entry.kind, entry.reason) == (date(2026, 6, 10), DAY_OFF, "День компании")


def test_a_header_alone_is_no_days() -> None:
    assert parse("date,kind,reason\n") == []


@pytest.mark.parametrize(("text", "expected"), [
    ("", [(1, "empty")]),
    ("day,type\n2026-06-10,day_off\n", [(1, "header")]),
    ("date,kind,reason\n2026-06-10\n", [(2, "columns")]),
    ("date,kind,reason\n2026-06-10,day_off,a,b\n", [(2, "columns")]),
    ("date,kind,reason\n2026-06-10,day_off,\n2026-02-30,day_off,\n", [(3, "date")]),
    ("date,kind,reason\n32.01.2026,day_off,\n", [(2, "date")]),
    ("date,kind,reason\n10/06/2026,day_off,\n", [(2, "date")]),
    ("date,kind,reason\n9999-12-31,day_off,\n01.01.1990,рабочий,\n", [(2, "year"), (3, "year")]),
    ("date,kind,reason\n2026-06-10,holiday,\n", [(2, "kind")]),
    ("date,kind,reason\n2026-06-10,day_off," + "x" * 201 + "\n", [(2, "reason")]),
    ("date,kind,reason\n2026-06-10,day_off,\n\n10.06.2026,рабочий,\n", [(4, "twice")]),
    ("date,kind,reason\n2026-06-10,day_off,\nbad,worse,\n2026-06-11,day_off,\n1,2,3,4\n",
     [(3, "date"), (3, "kind"), (5, "columns")]),
])
def test_every_bad_line_is_named_with_its_number(text: str, expected) -> None:
    assert problems(text) == expected


def test_the_refusal_says_what_is_wrong_in_both_languages() -> None:
    with pytest.raises(CalendarFileInvalid) as refused:
        parse("date,kind,reason\n2026-06-10,day_off,\n2026-06-31,выходной,\n")
    assert str(refused.value) == (
        "The calendar file was not imported; nothing was changed.\n"
        "Line 3: “2026-06-31” is not a date (write YYYY-MM-DD or DD.MM.YYYY).")
    assert refused.value.text("ru").splitlines()[1] == (
        "Строка 3: «2026-06-31» — не дата (пишите ГГГГ-ММ-ДД или ДД.ММ.ГГГГ).")
    with pytest.raises(CalendarFileInvalid) as refused:
        parse("date,kind,reason\n2026-06-10,праздник,\n")
    assert "«праздник» — не вид дня" in refused.value.text("ru")
