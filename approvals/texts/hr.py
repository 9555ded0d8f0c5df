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
    "company_days.error.year": {
        "en": "Line {line}: {value} is outside the calendar: the years {first} to {last}.",
        "ru": "Строка {line}: {value} вне календаря: допустимы годы с {first} по {last}."},
    "company_days.error.twice": {
        "en": "Line {line}: {value} is already given on line {first}.",
        "ru": "Строка {line}: {value} уже указан в строке {first}."},
})

# HR's calendar page (/hr/calendar, web/hr_calendar.py): the year's month grids, totals, the
# company's days with their remove buttons, the one-day form and the CSV upload
PAGE.update({
    "hr_calendar.title": {"en": "Production calendar {year}",
                          "ru": "Производственный календарь на {year} год"},
    "hr_calendar.nav": {"en": "Calendar", "ru": "Календарь"},
    "hr_calendar.intro": {
        "en": "The working days every deadline counts with: Russia's production calendar for a "
              "five-day week, with the company's own days over it.",
        "ru": "Рабочие дни, по которым считаются все сроки: производственный календарь России "
              "для пятидневной недели с собственными днями компании."},
    "hr_calendar.year_label": {"en": "Year", "ru": "Год"},
    "hr_calendar.show": {"en": "Show", "ru": "Показать"},
    "hr_calendar.previous": {"en": "← {year}", "ru": "← {year}"},
    "hr_calendar.next": {"en": "{year} →", "ru": "{year} →"},
    "hr_calendar.year_invalid": {
        "en": "“{value}” is not a year from {first} to {last}; showing {year}.",
        "ru": "«{value}» — не год от {first} до {last}; показан {year} год."},
    "hr_calendar.decree": {"en": "Days off moved by: {decree}",
                           "ru": "Перенос выходных: {decree}"},
    "hr_calendar.provisional": {
        "en": "Provisional: the Government has not yet published its decree moving days off "
              "in {year}, so only the Labour Code's rules apply. The figures will change when "
              "the decree is added.",
        "ru": "Предварительный: постановление Правительства о переносе выходных в {year} году "
              "ещё не опубликовано, действуют только правила Трудового кодекса. Цифры "
              "изменятся, когда постановление будет добавлено."},
    "hr_calendar.legend": {"en": "Legend", "ru": "Обозначения"},
    "hr_calendar.kind.working": {"en": "working day", "ru": "рабочий день"},
    "hr_calendar.kind.day_off": {"en": "day off", "ru": "выходной"},
    "hr_calendar.kind.holiday": {"en": "public holiday", "ru": "праздничный день"},
    "hr_calendar.kind.shortened": {"en": "shortened day (one hour shorter)",
                                   "ru": "сокращённый день (на час короче)"},
    "hr_calendar.kind.company": {"en": "the company's own day", "ru": "собственный день компании"},
    "hr_calendar.moved": {"en": "day off moved by the law or the decree",
                          "ru": "выходной перенесён по закону или постановлению"},
    "hr_calendar.company_mark": {"en": "company: {kind}", "ru": "компания: {kind}"},
    "hr_calendar.month_total": {"en": "{days} working days, {hours} h",
                                "ru": "рабочих дней: {days}, часов: {hours}"},
    "hr_calendar.totals": {"en": "Working days and hours", "ru": "Рабочие дни и часы"},
    "hr_calendar.col_month": {"en": "Month", "ru": "Месяц"},
    "hr_calendar.col_days": {"en": "Working days", "ru": "Рабочих дней"},
    "hr_calendar.col_hours": {"en": "Hours, {week}-hour week",
                              "ru": "Часов при {week}-часовой неделе"},
    "hr_calendar.year_row": {"en": "Year", "ru": "Год"},
    "hr_calendar.year_summary": {
        "en": "{year}: {days} working days, {off} days off and holidays, {hours} working hours "
              "in a 40-hour week.",
        "ru": "{year}: рабочих дней — {days}, выходных и праздничных — {off}, рабочих часов "
              "при 40-часовой неделе — {hours}."},
    "hr_calendar.company_days": {"en": "The company's own days in {year}",
                                 "ru": "Собственные дни компании в {year} году"},
    "hr_calendar.company_none": {"en": "None: the production calendar applies as it is.",
                                 "ru": "Нет: действует производственный календарь как есть."},
    "hr_calendar.col_date": {"en": "Date", "ru": "Дата"},
    "hr_calendar.col_kind": {"en": "Kind", "ru": "Вид"},
    "hr_calendar.col_reason": {"en": "Reason", "ru": "Причина"},
    "hr_calendar.col_set_by": {"en": "Set by", "ru": "Кто задал"},
    "hr_calendar.remove": {"en": "Remove", "ru": "Удалить"},
    "hr_calendar.remove_label": {"en": "Remove {day}", "ru": "Удалить {day}"},
    "hr_calendar.add": {"en": "Add a day", "ru": "Добавить день"},
    "hr_calendar.add_hint": {
        "en": "A date already set takes the new kind and reason.",
        "ru": "Если дата уже задана, у неё сменятся вид и причина."},
    "hr_calendar.date": {"en": "Date", "ru": "Дата"},
    "hr_calendar.kind": {"en": "Kind", "ru": "Вид дня"},
    "hr_calendar.reason": {"en": "Reason (optional)", "ru": "Причина (необязательно)"},
    "hr_calendar.reason_hint": {"en": "At most {limit} characters.",
                                "ru": "Не более {limit} символов."},
    "hr_calendar.add_submit": {"en": "Add the day", "ru": "Добавить день"},
    "hr_calendar.upload": {"en": "Import a CSV file", "ru": "Загрузить CSV-файл"},
    "hr_calendar.upload_hint": {
        "en": "A header date,kind,reason and a line per day: the date as YYYY-MM-DD or "
              "DD.MM.YYYY, the kind day_off, working_day or shortened (or выходной, рабочий, "
              "сокращённый). A bad line is named with its number and nothing is stored.",
        "ru": "Заголовок date,kind,reason и по строке на день: дата в виде ГГГГ-ММ-ДД или "
              "ДД.ММ.ГГГГ, вид — выходной, рабочий или сокращённый (или day_off, working_day, "
              "shortened). Ошибочная строка будет названа по номеру, и ничего не сохранится."},
    "hr_calendar.file": {"en": "CSV file", "ru": "CSV-файл"},
    "hr_calendar.upload_submit": {"en": "Import", "ru": "Загрузить"},
    "hr_calendar.read_only": {
        "en": "Only HR and administrators change the company's days.",
        "ru": "Дни компании меняют только отдел кадров и администраторы."},
    "hr_calendar.added": {"en": "{day} is now a {kind} for the company.",
                          "ru": "{day} теперь для компании: {kind}."},
    "hr_calendar.unchanged": {"en": "{day} was already a {kind} with that reason.",
                              "ru": "{day} уже был отмечен так: {kind}, с той же причиной."},
    "hr_calendar.imported": {
        "en": "Imported: {added} day(s) added, {updated} updated, {unchanged} unchanged.",
        "ru": "Загружено: добавлено дней — {added}, изменено — {updated}, без изменений — "
              "{unchanged}."},
    "hr_calendar.removed": {
        "en": "{day} removed: the production calendar's day applies again.",
        "ru": "{day} удалён: снова действует день производственного календаря."},
    "hr_calendar.not_set": {"en": "{day} is not one of the company's days.",
                            "ru": "{day} не входит в собственные дни компании."},
    "hr_calendar.error.date_missing": {"en": "Give the date (YYYY-MM-DD or DD.MM.YYYY).",
                                       "ru": "Укажите дату (ГГГГ-ММ-ДД или ДД.ММ.ГГГГ)."},
    "hr_calendar.error.date": {
        "en": "“{value}” is not a date (write YYYY-MM-DD or DD.MM.YYYY).",
        "ru": "«{value}» — не дата (пишите ГГГГ-ММ-ДД или ДД.ММ.ГГГГ)."},
    "hr_calendar.error.date_range": {
        "en": "{value} is outside the calendar: the years {first} to {last}.",
        "ru": "{value} вне календаря: допустимы годы с {first} по {last}."},
    "hr_calendar.error.kind": {
        "en": "“{value}” is not a kind of day: choose a day off, a working day or a shortened "
              "day.",
        "ru": "«{value}» — не вид дня: выберите выходной, рабочий или сокращённый день."},
    "hr_calendar.error.reason": {
        "en": "The reason is {length} characters long; at most {limit}.",
        "ru": "Причина длиной {length} символов; допустимо не более {limit}."},
    "hr_calendar.error.no_file": {"en": "Choose a CSV file to import.",
                                  "ru": "Выберите CSV-файл для загрузки."},
    "hr_calendar.error.too_large": {
        "en": "The file is larger than {limit} bytes, the most a calendar file may be; "
              "nothing was stored.",
        "ru": "Файл больше {limit} байт — предельного размера файла календаря; ничего не "
              "сохранено."},
    "hr_calendar.error.not_utf8": {
        "en": "{name} is not UTF-8 text (save the CSV as UTF-8); nothing was stored.",
        "ru": "{name} — не текст в UTF-8 (сохраните CSV в кодировке UTF-8); ничего не "
              "сохранено."},
    "hr_calendar.error.file_title": {"en": "The file was not imported",
                                     "ru": "Файл не загружен"},
    **{f"hr_calendar.month.{n}": {"en": en, "ru": ru} for n, (en, ru) in enumerate(
        [("January", "Январь"), ("February", "Февраль"), ("March", "Март"),
         ("April", "Апрель"), ("May", "Май"), ("June", "Июнь"), ("July", "Июль"),
         ("August", "Август"), ("September", "Сентябрь"), ("October", "Октябрь"),
         ("November", "Ноябрь"), ("December", "Декабрь")], start=1)},
    **{f"hr_calendar.weekday.{n}": {"en": en, "ru": ru} for n, (en, ru) in enumerate(
        [("Mo", "Пн"), ("Tu", "Вт"), ("We", "Ср"), ("Th", "Чт"), ("Fr", "Пт"), ("Sa", "Сб"),
         ("Su", "Вс")])},
    # the public holidays of the Labour Code's art. 112 (hr.calendar.HOLIDAYS)
    "hr_calendar.holiday.new_year_holidays": {"en": "New Year holidays",
                                              "ru": "Новогодние каникулы"},
    "hr_calendar.holiday.christmas": {"en": "Christmas", "ru": "Рождество Христово"},
    "hr_calendar.holiday.defender_of_the_fatherland_day": {
        "en": "Defender of the Fatherland Day", "ru": "День защитника Отечества"},
    "hr_calendar.holiday.womens_day": {"en": "International Women's Day",
                                       "ru": "Международный женский день"},
    "hr_calendar.holiday.spring_and_labour_day": {"en": "Spring and Labour Day",
                                                  "ru": "Праздник Весны и Труда"},
    "hr_calendar.holiday.victory_day": {"en": "Victory Day", "ru": "День Победы"},
    "hr_calendar.holiday.russia_day": {"en": "Russia Day", "ru": "День России"},
    "hr_calendar.holiday.unity_day": {"en": "National Unity Day",
                                      "ru": "День народного единства"},
})
