"""What Signoff says about leave: balances, the ledger's lines, the statement page, and the
refusals of HR's leave checks (``field_error.<code>``, :mod:`hr.leave_checks`) — each section
(``PAGE``, ``MAIL``, ``COMMON``, ``TRAIL``) joins the catalogue's section of that name
(:mod:`approvals.texts`); a key may be worded in one place only."""

from __future__ import annotations

PAGE: dict[str, dict[str, str]] = {}
MAIL: dict[str, dict[str, str]] = {}
COMMON: dict[str, dict[str, str]] = {}
TRAIL: dict[str, dict[str, str]] = {}

# the kinds of absence that are not leave types (those are named in hr/data/leave-types.yaml)
COMMON.update({
    "hr_leave.kind.sick": {"en": "sick leave", "ru": "больничный"},
    "hr_leave.kind.trip": {"en": "business trip", "ru": "командировка"},
    "hr_leave.kind.time_off": {"en": "time off", "ru": "отгул"},
    "hr_leave.kind.remote": {"en": "remote work", "ru": "удалённая работа"},
})

# what HR's leave checks refuse (hr.leave_checks), next to the dates
COMMON.update({
    "field_error.leave_balance_short_holidays": {
        "en": "You have {balance} days of {type}; this leave needs {needed} ({calendar_days} "
              "calendar days, {holidays} public holidays not counted: {dates}).",
        "ru": "У вас {balance} дн. («{type}»); этот отпуск требует {needed} ({calendar_days} "
              "календарных дней, {holidays} праздничных не считаются: {dates})."},
    "field_error.leave_balance_short": {
        "en": "You have {balance} days of {type}; this leave needs {needed}.",
        "ru": "У вас {balance} дн. («{type}»); этот отпуск требует {needed}."},
    "field_error.leave_balance_short_working": {
        "en": "You have {balance} days of {type}; this leave needs {needed} working days "
              "({calendar_days} calendar days).",
        "ru": "У вас {balance} дн. («{type}»); этот отпуск требует {needed} рабочих дней "
              "({calendar_days} календарных)."},
    "field_error.leave_balance_short_hours": {
        "en": "You have {balance} hours of {type}; this time off needs {needed}.",
        "ru": "У вас {balance} ч («{type}»); этот отгул требует {needed} ч."},
    "field_error.leave_balance_below_limit": {
        "en": "You have {balance} ({type}) and may go at most {limit} below zero; this leave "
              "needs {needed}.",
        "ru": "У вас {balance} («{type}»), уйти в минус можно не более чем на {limit}; этот "
              "отпуск требует {needed}."},
    "field_error.absence_overlaps": {
        "en": "You are already away from {start} to {end} ({kind}); choose other dates or "
              "cancel that absence first.",
        "ru": "Вы уже отсутствуете с {start} по {end} ({kind}); выберите другие даты или "
              "сначала отмените то отсутствие."},
    "field_error.leave_too_long": {
        "en": "{type} is at most {max} days per request; this one is {days}.",
        "ru": "«{type}» — не более {max} дн. за одно заявление; здесь {days}."},
    "field_error.year_out_of_range": {"en": "Give a year from {min} to {max}.",
                                      "ru": "Укажите год с {min} по {max}."},
    "field_error.leave_type_unknown": {
        "en": "“{value}” is not a leave type (known: {allowed}).",
        "ru": "«{value}» — не вид отпуска (известны: {allowed})."},
    "field_error.leave_amount_precision": {
        "en": "{value}: at most two decimal places (such as 1.5 or 2.33).",
        "ru": "{value}: не более двух знаков после запятой (например, 1,5 или 2,33)."},
    "field_error.leave_amount_sign": {
        "en": "{value} does not suit this line: a use is negative, an accrual, a "
              "cancellation or overtime is positive, an adjustment is not zero.",
        "ru": "{value} не подходит: списание — отрицательное, начисление, отмена и "
              "переработка — положительные, корректировка — не ноль."},
})

# the statement page and its CSV (web/hr_leave.py)
PAGE.update({
    "hr_leave.title": {"en": "Leave of {name}, {year}", "ru": "Отпуска: {name}, {year}"},
    "hr_leave.intro": {
        "en": "Every balance is the sum of the lines below: what was earned month by month, "
              "what was taken, given back or corrected, and by whom.",
        "ru": "Каждый остаток — сумма строк ниже: что начислено помесячно, что использовано, "
              "возвращено или исправлено, и кем."},
    "hr_leave.hired": {"en": "Hired on {day}: annual leave accrues from that day.",
                       "ru": "Принят(а) на работу {day}: ежегодный отпуск начисляется с этого "
                             "дня."},
    "hr_leave.no_hire_date": {
        "en": "No hire date is set: annual leave accrues from 1 January of the first year "
              "with a line.",
        "ru": "Дата приёма не указана: ежегодный отпуск начисляется с 1 января первого года, "
              "в котором есть строка."},
    "hr_leave.years": {"en": "Other years", "ru": "Другие годы"},
    "hr_leave.csv": {"en": "Download CSV", "ru": "Скачать CSV"},
    "hr_leave.fourteen_days": {
        "en": "Warning: in {year} no part of the annual leave can be 14 calendar days or "
              "longer any more (Labour Code art. 125 requires one such part).",
        "ru": "Внимание: в {year} году ни одна часть ежегодного отпуска уже не может быть "
              "не менее 14 календарных дней (ст. 125 ТК РФ требует такую часть)."},
    "hr_leave.balances": {"en": "Balances today", "ru": "Остатки на сегодня"},
    "hr_leave.balance_line": {"en": "{type}: {amount} {unit}", "ru": "{type}: {amount} {unit}"},
    "hr_leave.unit.days": {"en": "days", "ru": "дн."},
    "hr_leave.unit.hours": {"en": "hours", "ru": "ч"},
    "hr_leave.adjust": {"en": "Correct a balance", "ru": "Исправить остаток"},
    "hr_leave.amount": {"en": "Days (+ or −)", "ru": "Дни (+ или −)"},
    "hr_leave.amount_hint": {"en": "Such as 3 or -1.5; at most two decimals.",
                             "ru": "Например, 3 или -1,5; не более двух знаков после запятой."},
    "hr_leave.on": {"en": "Date", "ru": "Дата"},
    "hr_leave.on_hint": {"en": "Today when left empty.", "ru": "Если не указана — сегодня."},
    "hr_leave.reason": {"en": "Reason", "ru": "Основание"},
    "hr_leave.adjust_submit": {"en": "Add the correction", "ru": "Добавить исправление"},
    "hr_leave.overtime": {"en": "Overtime worked", "ru": "Сверхурочная работа"},
    "hr_leave.overtime_hint": {
        "en": "Hours worked over that the person takes as time off instead of higher pay "
              "(Labour Code art. 152).",
        "ru": "Часы переработки, которые работник возьмёт отгулом вместо повышенной оплаты "
              "(ст. 152 ТК РФ)."},
    "hr_leave.hours": {"en": "Hours", "ru": "Часы"},
    "hr_leave.worked_on": {"en": "Worked on", "ru": "Дата работы"},
    "hr_leave.overtime_submit": {"en": "Add the hours", "ru": "Добавить часы"},
    "hr_leave.added.adjustment": {"en": "The correction of {amount} is recorded.",
                                  "ru": "Исправление на {amount} записано."},
    "hr_leave.added.overtime": {"en": "{amount} hours of overtime are recorded.",
                                "ru": "Записано часов переработки: {amount}."},
})

# the ledger's lines and columns, on the page and in the CSV
COMMON.update({
    "hr_leave.line.accrual": {"en": "accrual", "ru": "начисление"},
    "hr_leave.line.use": {"en": "leave taken", "ru": "использование"},
    "hr_leave.line.cancellation": {"en": "cancellation", "ru": "отмена"},
    "hr_leave.line.adjustment": {"en": "adjustment", "ru": "корректировка"},
    "hr_leave.line.carry_over": {"en": "balance brought in", "ru": "перенесённый остаток"},
    # the reason of a balance brought in (hr.ledger.open_balance), in its author's language
    "hr_leave.opening_reason": {"en": "{source}: {stated} on {day} (counted here {counted})",
                                "ru": "{source}: {stated} на {day} (здесь насчитано {counted})"},
    "hr_leave.line.overtime": {"en": "overtime worked", "ru": "сверхурочная работа"},
    "hr_leave.line.opening": {"en": "carried over from {year}", "ru": "перенесено из {year}"},
    "hr_leave.line.today": {"en": "balance today", "ru": "остаток на сегодня"},
    "hr_leave.reason.accrual": {"en": "a month of service", "ru": "месяц работы"},
    "hr_leave.reason.holidays": {
        "en": "public holidays not counted (art. 120): {dates}",
        "ru": "праздничные дни не считаются (ст. 120 ТК РФ): {dates}"},
    "hr_leave.reason.cancelled": {"en": "absence {start} – {end} cancelled",
                                  "ru": "отсутствие {start} – {end} отменено"},
    "hr_leave.reason.period_now": {"en": "dates changed to {start} – {end}",
                                   "ru": "даты изменены на {start} – {end}"},
    "hr_leave.system": {"en": "Signoff", "ru": "Signoff"},
    "hr_leave.col.type": {"en": "Leave type", "ru": "Вид отпуска"},
    "hr_leave.col.date": {"en": "Date", "ru": "Дата"},
    "hr_leave.col.line": {"en": "Line", "ru": "Операция"},
    "hr_leave.col.amount": {"en": "Amount", "ru": "Количество"},
    "hr_leave.col.balance": {"en": "Balance", "ru": "Остаток"},
    "hr_leave.col.reason": {"en": "Reason", "ru": "Основание"},
    "hr_leave.col.author": {"en": "Entered by", "ru": "Кем внесено"},
    "hr_leave.col.request": {"en": "Request", "ru": "Заявка"},
    "hr_leave.deputy_not_set": {
        "en": "No deputy was set for this absence ({why}).",
        "ru": "Заместитель на время отсутствия не назначен ({why})."},
})
