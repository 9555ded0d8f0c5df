"""What Signoff says about people away: deputies, hand-over, reassignment and bulk decisions —
each section (``PAGE``, ``MAIL``, ``COMMON``, ``TRAIL``) joins the catalogue's section of that name
(:mod:`approvals.texts`); a key may be worded in one place only."""

from __future__ import annotations

PAGE: dict[str, dict[str, str]] = {}
MAIL: dict[str, dict[str, str]] = {}
COMMON: dict[str, dict[str, str]] = {}
TRAIL: dict[str, dict[str, str]] = {}

# deputies and reassignment
PAGE.update({
    "nav.away": {"en": "Away", "ru": "Отсутствие"},
    "away.title": {"en": "Days away and deputies", "ru": "Отсутствие и заместители"},
    "away.intro": {"en": "While you are away, every new task meant for you goes to your deputy, "
                         "who decides it on your behalf. Tasks you already hold stay yours "
                         "until you hand them over.",
                   "ru": "Пока вас нет, каждая новая задача для вас уходит заместителю, и он "
                         "принимает решение от вашего имени. Задачи, которые уже у вас, "
                         "остаются вашими, пока вы их не передадите."},
    "away.mine": {"en": "My days away", "ru": "Мои периоды отсутствия"},
    "away.none": {"en": "No days away are set.", "ru": "Периодов отсутствия нет."},
    "away.deputising": {"en": "You deputise for", "ru": "Вы замещаете"},
    "away.everyone": {"en": "Everyone away (administrators)",
                      "ru": "Все отсутствующие (для администраторов)"},
    "away.everyone_none": {"en": "Nobody is away now or later.",
                           "ru": "Ни у кого нет текущих или будущих периодов отсутствия."},
    "away.col_person": {"en": "Who is away", "ru": "Кто отсутствует"},
    "away.col_dates": {"en": "Dates", "ru": "Даты"},
    "away.col_deputy": {"en": "Deputy", "ru": "Заместитель"},
    "away.col_reason": {"en": "Reason", "ru": "Причина"},
    "away.col_state": {"en": "State", "ru": "Состояние"},
    "away.dates": {"en": "{start} – {end}", "ru": "{start} – {end}"},
    "away.state.current": {"en": "now", "ru": "сейчас"},
    "away.state.future": {"en": "planned", "ru": "запланировано"},
    "away.source.self": {"en": "set by the person", "ru": "указано сотрудником"},
    "away.source.admin": {"en": "set by an administrator", "ru": "указано администратором"},
    "away.source.hr": {"en": "recorded by HR", "ru": "оформлено отделом кадров"},
    "away.add": {"en": "Add days away", "ru": "Добавить период отсутствия"},
    "away.person": {"en": "Who is away", "ru": "Кто отсутствует"},
    "away.person_hint": {"en": "Empty: you. A name or an email address.",
                         "ru": "Пусто — вы. Имя или адрес электронной почты."},
    "away.deputy": {"en": "Deputy", "ru": "Заместитель"},
    "away.deputy_hint": {"en": "A name or an email address; empty: your manager.",
                         "ru": "Имя или адрес электронной почты; пусто — ваш руководитель."},
    "away.from": {"en": "First day", "ru": "Первый день"},
    "away.to": {"en": "Last day", "ru": "Последний день"},
    "away.reason": {"en": "Reason (optional)", "ru": "Причина (необязательно)"},
    "away.handover": {"en": "Also hand over my open tasks to the deputy now",
                      "ru": "Сразу передать заместителю мои открытые задачи"},
    "away.submit": {"en": "Save", "ru": "Сохранить"},
    "away.added": {"en": "Saved: from {start} to {end}, {name} deputises.",
                   "ru": "Сохранено: с {start} по {end} замещает {name}."},
    "away.cancel": {"en": "Cancel", "ru": "Отменить"},
    "away.cancelled": {"en": "Cancelled: from {start} to {end}.",
                       "ru": "Отменено: с {start} по {end}."},
    "away.handover_button": {"en": "Hand over open tasks", "ru": "Передать открытые задачи"},
    "away.handed_over": {"en": "Open tasks handed over: {n}.", "ru": "Передано задач: {n}."},
    "away.handover_refused": {"en": "Not handed over: {tasks}.", "ru": "Не переданы: {tasks}."},
    "away.task_no": {"en": "task No. {id}", "ru": "задача № {id}"},
    "away.invalid": {"en": "Nothing was saved: see the fields marked below.",
                     "ru": "Ничего не сохранено: см. отмеченные поля."},
    "task.on_behalf_of": {"en": "On behalf of", "ru": "От имени"},
    "task.deputising": {"en": "You deputise for {name}, who is away: you decide on their "
                              "behalf.",
                        "ru": "Вы замещаете отсутствующего сотрудника ({name}) и принимаете "
                              "решение от его имени."},
    "timeline.actor_for": {"en": "{actor} for {absent}", "ru": "{actor} (замещает: {absent})"},
    "reassign.title": {"en": "Hand this task to a colleague",
                       "ru": "Передать задачу коллеге"},
    "reassign.to": {"en": "To whom", "ru": "Кому"},
    "reassign.to_hint": {"en": "A name or an email address.",
                         "ru": "Имя или адрес электронной почты."},
    "reassign.comment": {"en": "Comment for them", "ru": "Комментарий для коллеги"},
    "reassign.submit": {"en": "Hand over", "ru": "Передать"},
    "reassign.done": {"en": "The task was handed to {name}.",
                      "ru": "Задача передана: {name}."},
    "reassign.initiator": {"en": "{name} made this request and may not decide it in this "
                                 "process: pick someone else.",
                           "ru": "{name} — автор этой заявки и не может принимать по ней "
                                 "решение в этом процессе: выберите другого сотрудника."},
    # the refusals of approvals.records.deputies and of the person pickers
    "field_error.away_in_the_past": {
        "en": "These days are over ({end}); give days from today ({today}) on.",
        "ru": "Эти дни уже прошли ({end}); укажите дни начиная с сегодняшнего ({today})."},
    "field_error.deputy_is_self": {"en": "Name someone other than the person away.",
                                   "ru": "Укажите не того, кто отсутствует, а другого "
                                         "сотрудника."},
    "field_error.deputy_away": {
        "en": "{name} is away themself on every day from {start} to {end}: name someone who "
              "is here.",
        "ru": "{name} сам(а) отсутствует все дни с {start} по {end}: укажите того, кто будет "
              "на месте."},
    "field_error.away_overlaps": {
        "en": "These days overlap days away already set (from {start} to {end}): cancel those "
              "first.",
        "ru": "Эти дни пересекаются с уже указанным отсутствием (с {start} по {end}): сначала "
              "отмените его."},
    "field_error.deputy_required": {"en": "Name a deputy: there is no manager to default to.",
                                    "ru": "Укажите заместителя: руководителя, который заменил "
                                          "бы по умолчанию, нет."},
    "field_error.person_ambiguous": {"en": "Several people match “{value}”: {names}. Type the "
                                           "email address.",
                                     "ru": "Под «{value}» подходят несколько сотрудников: "
                                           "{names}. Введите адрес электронной почты."},
})
MAIL.update({
    "task.deputy_line": {"en": "You deputise for {name}, who is away: this task was meant for "
                               "them, and your answer is recorded as yours, on their behalf.",
                         "ru": "Вы замещаете отсутствующего сотрудника ({name}): задача "
                               "предназначалась ему, а ваш ответ будет записан как ваш — от "
                               "его имени."},
    "task.handed_line": {"en": "{name} handed this task to you:",
                         "ru": "Задачу передал(а) вам {name}:"},
    "task.handed_line_plain": {"en": "{name} handed this task to you.",
                               "ru": "Задачу передал(а) вам {name}."},
})
COMMON.update({
    "event.task_opened_for": {"en": "Task opened for {assignee}, deputy of {absent}",
                              "ru": "Задача открыта для {assignee} (замещает: {absent})"},
    "handover.comment": {"en": "Away from {start} to {end}: handed over to the deputy.",
                         "ru": "Отсутствие с {start} по {end}: передано заместителю."},
})
TRAIL.update({
    "stages.on_behalf_of": {"en": "{name}, on behalf of {absent}",
                            "ru": "{name}, от имени: {absent}"},
})

# bulk decisions
PAGE.update({
    "bulk.pick": {"en": "Select “{title}”", "ru": "Выбрать «{title}»"},
    "bulk.alone": {"en": "Answered on its own page: it asks for a form or a comment of its own.",
                   "ru": "Ответ — только на странице задачи: нужна форма или свой "
                         "комментарий."},
    "bulk.hint": {"en": "Select tasks of one kind (the same process and stage) to answer them "
                        "together; each is recorded as its own decision. Sending back is done "
                        "on each task's page, with its own comment.",
                  "ru": "Отметьте задачи одного вида (один процесс и этап), чтобы ответить на "
                        "них сразу; каждое решение записывается отдельно. Вернуть на доработку "
                        "можно только на странице задачи, со своим комментарием."},
    "bulk.selected": {"en": "Selected: {n}", "ru": "Выбрано: {n}"},
    "bulk.comment": {"en": "Comment for all selected (optional)",
                     "ru": "Комментарий ко всем выбранным (необязательно)"},
    "bulk.answer.approve": {"en": "Approve selected", "ru": "Согласовать выбранные"},
    "bulk.answer.acknowledge": {"en": "Acknowledge selected", "ru": "Ознакомлен(а) с выбранными"},
    "bulk.answer.done": {"en": "Mark selected as done",
                         "ru": "Отметить выбранные как выполненные"},
    "bulk.refused.none": {"en": "Select at least one task. Nothing was decided.",
                          "ru": "Отметьте хотя бы одну задачу. Ничего не решено."},
    "bulk.refused.too_many": {"en": "You selected {n} tasks; at most {limit} are answered at "
                                    "once. Nothing was decided.",
                              "ru": "Выбрано задач: {n}; за один раз можно ответить не более "
                                    "чем на {limit}. Ничего не решено."},
    "bulk.refused.answer": {"en": "Choose an answer for the selected tasks. Nothing was "
                                  "decided.",
                            "ru": "Выберите ответ для отмеченных задач. Ничего не решено."},
    "bulk.refused.mixed": {"en": "Select tasks of one kind only (the same process and stage). "
                                 "You selected: {kinds}. Nothing was decided.",
                           "ru": "Отметьте задачи только одного вида (один процесс и этап). "
                                 "Выбраны: {kinds}. Ничего не решено."},
    "bulk.result_title": {"en": "Bulk decision", "ru": "Решение по нескольким задачам"},
    "bulk.decided": {"en": "Decided: {n} of {total} — {answer}. Each is recorded as its own "
                           "decision.",
                     "ru": "Принято решений: {n} из {total} — «{answer}». Каждое записано "
                           "отдельно."},
    "bulk.none_decided": {"en": "Nothing was decided ({total} selected).",
                          "ru": "Ничего не решено (выбрано: {total})."},
    "bulk.failed": {"en": "Not decided: {n}", "ru": "Не решено: {n}"},
    "bulk.task_no": {"en": "Task No. {id}", "ru": "Задача № {id}"},
    "bulk.answer_alone": {"en": "Answer it on its own page", "ru": "Ответить на странице задачи"},
    "bulk.withdrawn": {"en": "The process was withdrawn; no decision is needed.",
                       "ru": "Процесс отозван; решение не требуется."},
    "bulk.why.form": {"en": "This answer asks for a form to fill in: answer this task on its "
                            "own page.",
                      "ru": "Для этого ответа нужно заполнить форму: ответьте на странице "
                            "задачи."},
    "bulk.why.comment": {"en": "This answer needs a comment of its own: answer this task on "
                               "its own page.",
                         "ru": "Для этого ответа нужен отдельный комментарий: ответьте на "
                               "странице задачи."},
    "bulk.why.answer": {"en": "This answer is not given to several tasks at once: answer this "
                              "task on its own page.",
                        "ru": "Этот ответ нельзя дать сразу нескольким задачам: ответьте на "
                              "странице задачи."},
    "bulk.why.revision": {"en": "A revision is resubmitted on its own page.",
                          "ru": "Доработка отправляется со страницы задачи."},
    "error.not_in_bulk": {"en": "This task cannot be answered together with others: answer it "
                                "on its own page.",
                          "ru": "На эту задачу нельзя ответить вместе с другими: ответьте на "
                                "её странице."},
})
TRAIL.update({
    "evidence.bulk": {"en": "Bulk decision (tasks in the batch)",
                      "ru": "Решение по нескольким задачам (задач в пакете)"},
})
