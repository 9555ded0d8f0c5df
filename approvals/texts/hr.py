"""What Signoff says about HR: the company's own days in the working-day calendar (an HR CSV
refused line by line) — each section (``PAGE``, ``MAIL``, ``COMMON``, ``TRAIL``) joins the
catalogue's section of that name (:mod:`approvals.texts`); a key may be worded in one place
only."""

from __future__ import annotations

PAGE: dict[str, dict[str, str]] = {}
MAIL: dict[str, dict[str, str]] = {}
COMMON: dict[str, dict[str, str]] = {}
TRAIL: dict[str, dict[str, str]] = {}

# the company's own days: the kinds, and what a calendar CSV's bad line gets (hr.company_days)
COMMON.update({
    "company_day.day_off": {"en": "day off", "ru": "выходной"},
    "company_day.working_day": {"en": "working day", "ru": "рабочий день"},
    "company_day.shortened": {"en": "shortened day", "ru": "сокращённый день"},
    "company_days.nothing_stored": {
        "en": "The calendar file was not imported; nothing was changed.",
        "ru": "Файл календаря не загружен, ничего не изменено."},
    "company_days.error.empty": {
        "en": "The file is empty: it needs the header date,kind,reason and a line per day.",
        "ru": "Файл пуст: нужен заголовок date,kind,reason и по строке на каждый день."},
    "company_days.error.header": {
        "en": "Line {line}: the header must be date,kind,reason, not “{value}”.",
        "ru": "Строка {line}: заголовок должен быть date,kind,reason, а не «{value}»."},
    "company_days.error.columns": {
        "en": "Line {line}: expected date,kind,reason (2 or 3 columns), found {count}.",
        "ru": "Строка {line}: ожидаются date,kind,reason (2 или 3 столбца), найдено {count}."},
    "company_days.error.date": {
        "en": "Line {line}: “{value}” is not a date (write YYYY-MM-DD or DD.MM.YYYY).",
        "ru": "Строка {line}: «{value}» — не дата (пишите ГГГГ-ММ-ДД или ДД.ММ.ГГГГ)."},
    "company_days.error.kind": {
        "en": "Line {line}: “{value}” is not a kind of day (day_off, working_day or "
              "shortened; in Russian выходной, рабочий or сокращённый).",
        "ru": "Строка {line}: «{value}» — не вид дня (выходной, рабочий или сокращённый; "
              "по-английски day_off, working_day или shortened)."},
    "company_days.error.reason": {
        "en": "Line {line}: the reason is {length} characters long; at most {limit}.",
        "ru": "Строка {line}: причина длиной {length} символов; допустимо не более {limit}."},
    "company_days.error.twice": {
        "en": "Line {line}: {value} is already given on line {first}.",
        "ru": "Строка {line}: {value} уже указан в строке {first}."},
})
