"""What Signoff says about HR (schedule) — each section (``PAGE``, ``MAIL``, ``COMMON``,
``TRAIL``) joins the catalogue's section of that name (:mod:`approvals.texts`); a key may be
worded in one place only.

The absence schedule (``/hr/schedule``), the yearly vacation plan (``/hr/plan``) and the
absence calendars (``/hr/feeds`` and the events of the feeds themselves)."""

from __future__ import annotations

PAGE: dict[str, dict[str, str]] = {}
MAIL: dict[str, dict[str, str]] = {}
COMMON: dict[str, dict[str, str]] = {}
TRAIL: dict[str, dict[str, str]] = {}

# the kinds of absence, where the leave-types file does not name them (hr/schedule.py)
COMMON.update({
    "schedule.kind.annual": {"en": "annual leave", "ru": "ежегодный отпуск"},
    "schedule.kind.additional": {"en": "additional leave", "ru": "дополнительный отпуск"},
    "schedule.kind.unpaid": {"en": "unpaid leave", "ru": "отпуск без сохранения зарплаты"},
    "schedule.kind.study": {"en": "study leave", "ru": "учебный отпуск"},
    "schedule.kind.overtime": {"en": "time off for overtime",
                               "ru": "отгул за переработку"},
    "schedule.kind.sick": {"en": "sick leave", "ru": "больничный"},
    "schedule.kind.trip": {"en": "business trip", "ru": "командировка"},
    "schedule.kind.time_off": {"en": "time off", "ru": "отгул"},
    "schedule.kind.remote": {"en": "working remotely", "ru": "удалённая работа"},
})

# the events of a calendar feed and of the .ics a completion mail carries (hr/feeds.py)
COMMON.update({
    "schedule.feed.away": {"en": "{name} — away", "ru": "{name} — отсутствует"},
    "schedule.feed.kind": {"en": "{name} — {kind}", "ru": "{name} — {kind}"},
    "schedule.feed.hours": {"en": "{hours} h", "ru": "{hours} ч"},
    "schedule.feed.name_person": {"en": "Absences: {name}", "ru": "Отсутствия: {name}"},
    "schedule.feed.name_department": {"en": "Absences: {department}",
                                      "ru": "Отсутствия: {department}"},
})

# the month view (web/hr_schedule.py, hr_schedule.html)
PAGE.update({
    "nav.schedule": {"en": "Schedule", "ru": "График"},
    "schedule.title": {"en": "Absence schedule", "ru": "График отсутствий"},
    "schedule.heading": {"en": "{department}: {month}", "ru": "{department}: {month}"},
    "schedule.intro": {"en": "Who of the department is away on each day. Weekends and holidays "
                             "are shaded from the production calendar.",
                       "ru": "Кто из отдела отсутствует в какой день. Выходные и праздники "
                             "отмечены по производственному календарю."},
    "schedule.department": {"en": "Department", "ru": "Отдел"},
    "schedule.month": {"en": "Month", "ru": "Месяц"},
    "schedule.show": {"en": "Show", "ru": "Показать"},
    "schedule.previous": {"en": "← Previous month", "ru": "← Предыдущий месяц"},
    "schedule.next": {"en": "Next month →", "ru": "Следующий месяц →"},
    "schedule.col_person": {"en": "Employee", "ru": "Сотрудник"},
    "schedule.away": {"en": "away", "ru": "отсутствует"},
    "schedule.count": {"en": "{n} away", "ru": "отсутствуют: {n}"},
    "schedule.away_total": {"en": "Away", "ru": "Отсутствуют"},
    "schedule.deputy": {"en": "deputy: {name}", "ru": "замещает: {name}"},
    "schedule.dates": {"en": "{start} – {end}", "ru": "{start} – {end}"},
    "schedule.day_off": {"en": "day off", "ru": "выходной"},
    "schedule.nobody": {"en": "Nobody works in {department}.",
                        "ru": "В отделе «{department}» нет сотрудников."},
    "schedule.no_department": {"en": "You have no department: pick one.",
                               "ru": "У вас не указан отдел — выберите отдел."},
    "schedule.legend": {"en": "Legend: a marked cell is a day away; a shaded column is a day "
                              "off. Colleagues see only that someone is away; managers and HR "
                              "also see the kind and the deputy.",
                        "ru": "Обозначения: отмеченная клетка — день отсутствия; затенённый "
                              "столбец — выходной. Коллеги видят только факт отсутствия; "
                              "руководители и отдел кадров видят также вид и заместителя."},
    "schedule.links": {"en": "Vacation plan · Calendar feeds",
                       "ru": "График отпусков · Календарные ленты"},
    "schedule.plan_link": {"en": "Vacation plan", "ru": "График отпусков"},
    "schedule.feeds_link": {"en": "Calendar feeds", "ru": "Календарные ленты"},
    "field_error.schedule_unknown_department": {
        "en": "There is no department “{value}”.", "ru": "Отдела «{value}» нет."},
    "field_error.schedule_bad_month": {
        "en": "“{value}” is not a month: write it as 2026-12.",
        "ru": "«{value}» — не месяц: укажите его как 2026-12."},
})

# the yearly vacation plan (hr/plan.py, hr_plan.html)
PAGE.update({
    "plan.title": {"en": "Vacation plan", "ru": "График отпусков"},
    "plan.heading": {"en": "{department}: vacation plan for {year}",
                     "ru": "{department}: график отпусков на {year} год"},
    "plan.intro": {"en": "Propose the periods of your leave for the year; your manager approves "
                         "or rejects each part, and HR publishes the department's plan. After "
                         "it is published you can no longer change an approved part — ask "
                         "your manager.",
                   "ru": "Предложите периоды отпуска на год; руководитель согласует или "
                         "отклонит каждую часть, отдел кадров утверждает график отдела. После "
                         "утверждения согласованную часть изменить нельзя — обратитесь к "
                         "руководителю."},
    "plan.year": {"en": "Year", "ru": "Год"},
    "plan.published": {"en": "Published by {name} on {date}: approved parts are binding.",
                       "ru": "Утверждён: {name}, {date}. Согласованные части обязательны."},
    "plan.not_published": {"en": "Not published yet.", "ru": "Ещё не утверждён."},
    "plan.publish": {"en": "Publish the plan", "ru": "Утвердить график"},
    "plan.published_done": {"en": "The {year} plan of {department} is published.",
                            "ru": "График отдела «{department}» на {year} год утверждён."},
    "plan.col_person": {"en": "Employee", "ru": "Сотрудник"},
    "plan.col_parts": {"en": "Parts", "ru": "Части отпуска"},
    "plan.part": {"en": "{start} – {end} ({days} d.)", "ru": "{start} – {end} ({days} дн.)"},
    "plan.state.proposed": {"en": "proposed", "ru": "предложено"},
    "plan.state.approved": {"en": "approved", "ru": "согласовано"},
    "plan.state.rejected": {"en": "rejected", "ru": "отклонено"},
    "plan.approve": {"en": "Approve", "ru": "Согласовать"},
    "plan.reject": {"en": "Reject", "ru": "Отклонить"},
    "plan.withdraw": {"en": "Withdraw", "ru": "Отозвать"},
    "plan.none": {"en": "nothing proposed", "ru": "ничего не предложено"},
    "plan.propose": {"en": "Propose my leave", "ru": "Предложить мой отпуск"},
    "plan.propose_hint": {"en": "One or more parts, each within the year; leave the unused rows "
                                "empty.",
                          "ru": "Одна или несколько частей, каждая в пределах года; лишние "
                                "строки оставьте пустыми."},
    "plan.part_label": {"en": "Part {n}", "ru": "Часть {n}"},
    "plan.from": {"en": "from", "ru": "с"},
    "plan.to": {"en": "to", "ru": "по"},
    "plan.proposed_done": {"en": "Proposed: {n} part(s).", "ru": "Предложено частей: {n}."},
    "plan.decided_done": {"en": "The part {start} – {end} is {state}.",
                          "ru": "Часть {start} – {end}: {state}."},
    "plan.withdrawn_done": {"en": "The part is withdrawn.", "ru": "Часть отозвана."},
    "plan.warnings": {"en": "Warnings", "ru": "Предупреждения"},
    "plan.warn_crowded": {
        "en": "{start} – {end}: {away} of {headcount} people away, more than {limit} "
              "({share}% of the department).",
        "ru": "{start} – {end}: отсутствуют {away} из {headcount}, больше {limit} "
              "({share}% отдела)."},
    "plan.warn_long_part": {
        "en": "{name}: no part of 14 days or more — at least one part of the year's leave "
              "must be 14 calendar days or longer (Labour Code art. 125).",
        "ru": "{name}: нет части из 14 дней и более — хотя бы одна часть ежегодного отпуска "
              "должна быть не менее 14 календарных дней (ст. 125 ТК РФ)."},
    "field_error.plan_end_before_start": {
        "en": "The part ends ({end}) before it starts ({start}).",
        "ru": "Часть заканчивается ({end}) раньше, чем начинается ({start})."},
    "field_error.plan_outside_year": {
        "en": "The part {start} – {end} is not within {year}: the plan is for that year only.",
        "ru": "Часть {start} – {end} выходит за {year} год: график составляется на этот год."},
    "field_error.plan_overlap": {
        "en": "The part {start} – {end} overlaps your part {other_start} – {other_end}.",
        "ru": "Часть {start} – {end} пересекается с вашей частью {other_start} – {other_end}."},
    "field_error.plan_too_many_parts": {
        "en": "{count} parts at once; at most {limit}.",
        "ru": "Частей сразу: {count}; не больше {limit}."},
    "field_error.plan_bad_date": {"en": "“{value}” is not a date.",
                                  "ru": "«{value}» — не дата."},
    "error.plan_published": {
        "en": "The {year} plan is published: the approved part {start} – {end} is changed "
              "by your manager now.",
        "ru": "График на {year} год утверждён: согласованную часть {start} – {end} теперь "
              "меняет руководитель."},
    "error.plan_already_published": {
        "en": "The {year} vacation plan of {department} is already published.",
        "ru": "График отпусков отдела «{department}» на {year} год уже утверждён."},
})

# the calendar feeds (hr/feeds.py, hr_feeds.html)
PAGE.update({
    "feeds.title": {"en": "Absence calendars", "ru": "Календари отсутствий"},
    "feeds.intro": {"en": "A secret address your calendar application subscribes to (Google "
                          "Calendar, Outlook, Apple Calendar). Anyone who has it sees the "
                          "absences, so keep it to yourself; revoke it when in doubt. Events "
                          "say “away” and never the leave type, unless you ask for it in a "
                          "calendar of your own absences.",
                    "ru": "Секретный адрес, на который подписывается ваш календарь (Google "
                          "Календарь, Outlook, Apple Календарь). Кто знает адрес, видит "
                          "отсутствия — не передавайте его; при сомнении отзовите. События "
                          "говорят «отсутствует» и не называют вид отпуска, если вы сами не "
                          "попросите об этом в календаре своих отсутствий."},
    "feeds.mine": {"en": "My calendars", "ru": "Мои календари"},
    "feeds.none": {"en": "You have no calendar feeds.", "ru": "Календарных лент нет."},
    "feeds.col_what": {"en": "Calendar", "ru": "Календарь"},
    "feeds.col_created": {"en": "Created", "ru": "Создан"},
    "feeds.col_state": {"en": "State", "ru": "Состояние"},
    "feeds.what.person": {"en": "My absences", "ru": "Мои отсутствия"},
    "feeds.what.department": {"en": "Department {department}",
                              "ru": "Отдел «{department}»"},
    "feeds.with_kinds": {"en": "with the kinds", "ru": "с видами отсутствий"},
    "feeds.state.live": {"en": "active", "ru": "действует"},
    "feeds.state.revoked": {"en": "revoked {date}", "ru": "отозван {date}"},
    "feeds.revoke": {"en": "Revoke", "ru": "Отозвать"},
    "feeds.revoked_done": {"en": "The calendar is revoked: its address no longer opens.",
                           "ru": "Календарь отозван: его адрес больше не открывается."},
    "feeds.new_person": {"en": "A calendar of my absences", "ru": "Календарь моих отсутствий"},
    "feeds.show_kinds": {"en": "Name the kind of absence in the events",
                         "ru": "Указывать в событиях вид отсутствия"},
    "feeds.new_department": {"en": "A calendar of a department", "ru": "Календарь отдела"},
    "feeds.department_hint": {"en": "For the department's head, its managers and HR.",
                              "ru": "Для руководителя отдела, руководителей его сотрудников "
                                    "и отдела кадров."},
    "feeds.create": {"en": "Create", "ru": "Создать"},
    "feeds.created": {"en": "Your calendar's address — shown this once; copy it into your "
                            "calendar application now:",
                      "ru": "Адрес вашего календаря — показывается один раз; скопируйте его "
                            "в календарное приложение сейчас:"},
    "field_error.schedule_feed_scope": {"en": "“{value}” is not a kind of calendar.",
                                        "ru": "«{value}» — не вид календаря."},
})

# the month's name and the days of the week on the schedule's grid
PAGE.update({
    **{f"schedule.month.{n}": {"en": en, "ru": ru} for n, (en, ru) in enumerate(
        [("January", "Январь"), ("February", "Февраль"), ("March", "Март"),
         ("April", "Апрель"), ("May", "Май"), ("June", "Июнь"), ("July", "Июль"),
         ("August", "Август"), ("September", "Сентябрь"), ("October", "Октябрь"),
         ("November", "Ноябрь"), ("December", "Декабрь")], start=1)},
    **{f"schedule.weekday.{n}": {"en": en, "ru": ru} for n, (en, ru) in enumerate(
        [("Mo", "Пн"), ("Tu", "Вт"), ("We", "Ср"), ("Th", "Чт"), ("Fr", "Пт"), ("Sa", "Сб"),
         ("Su", "Вс")])},
})
