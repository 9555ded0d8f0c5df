"""What Signoff says about acknowledgement campaigns: the live page and the summary: each section
(``PAGE``, ``MAIL``, ``COMMON``, ``TRAIL``) joins the catalogue's section of that name
(:mod:`approvals.texts`); a key may be worded in one place only.

The page follows any stage that went to many people; ``{answer}`` is the answer that stage
waits for, in the process's own words ("Ознакомлен(а)", "Acknowledged", "Approved").
"""

from __future__ import annotations

PAGE: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------------ the checks' refusals
    "field_error.one_of_required": {"en": "Fill in this field or {others}.",
                                    "ru": "Заполните это поле или {others}."},
    "field_error.date_too_early": {"en": "Choose {earliest} or a later day.",
                                   "ru": "Выберите {earliest} или более поздний день."},
    "field_error.unknown_department": {
        "en": "The people list has no department “{value}”; its departments: {known}.",
        "ru": "В списке сотрудников нет подразделения «{value}»; есть: {known}."},
    # ------------------------------------------------------------------ notifications
    "notify.task_due_soon": {"en": "Reminder: your task on “{title}” (stage “{stage}”) is due "
                                   "soon",
                             "ru": "Напоминание: скоро срок вашей задачи по «{title}» "
                                   "(этап «{stage}»)"},
    "notify.stage_closed": {"en": "“{title}”: the stage “{stage}” closed at its deadline",
                            "ru": "«{title}»: этап «{stage}» закрыт по сроку"},
    # ------------------------------------------------------------------ the live page
    "campaign.link": {"en": "{answer}: {done} of {total} — who and when",
                      "ru": "{answer}: {done} из {total} — кто и когда"},
    "campaign.page_title": {"en": "Who answered: {title}", "ru": "Кто ответил: {title}"},
    "campaign.stage": {"en": "Stage “{stage}”", "ru": "Этап «{stage}»"},
    "campaign.deadline": {"en": "deadline {when}", "ru": "срок {when}"},
    "campaign.progress": {"en": "{done} of {total}: {answer} ({percent}%)",
                          "ru": "{done} из {total}: {answer} ({percent}%)"},
    "campaign.pending_count": {"en": "Not answered yet: {count}",
                               "ru": "Ещё не ответили: {count}"},
    "campaign.closed_count": {"en": "Closed without an answer: {count}",
                              "ru": "Закрыто без ответа: {count}"},
    "campaign.by_department": {"en": "By department", "ru": "По подразделениям"},
    "campaign.department": {"en": "Department", "ru": "Подразделение"},
    "campaign.of": {"en": "Of", "ru": "Всего"},
    "campaign.share": {"en": "Share answered", "ru": "Доля ответивших"},
    "campaign.no_department": {"en": "No department", "ru": "Без подразделения"},
    "campaign.not_yet": {"en": "Not answered yet ({count})", "ru": "Ещё не ответили ({count})"},
    "campaign.not_answered": {"en": "Not answered ({count})", "ru": "Не ответили ({count})"},
    "campaign.answered": {"en": "{answer} ({count})", "ru": "{answer} ({count})"},
    "campaign.others": {"en": "Other answers ({count})", "ru": "Другие ответы ({count})"},
    "campaign.name": {"en": "Name", "ru": "Сотрудник"},
    "campaign.email": {"en": "Email", "ru": "Почта"},
    "campaign.when": {"en": "When", "ru": "Когда"},
    "campaign.channel": {"en": "Channel", "ru": "Канал"},
    "campaign.state": {"en": "State", "ru": "Состояние"},
    "campaign.at": {"en": "{answer} at", "ru": "{answer}: когда"},
    "campaign.nobody": {"en": "Nobody.", "ru": "Никого."},
    "campaign.none": {"en": "No task of this process has been opened yet.",
                      "ru": "Задачи этого процесса ещё не открыты."},
    "campaign.csv": {"en": "Download the list (CSV)", "ru": "Скачать список (CSV)"},
    "campaign.back": {"en": "Back to the process", "ru": "К процессу"},
    "campaign.shown_at": {"en": "As of {when}.", "ru": "На {when}."},
    "campaign.live": {"en": "The page refreshes itself every 10 seconds while answers may come.",
                      "ru": "Пока могут прийти ответы, страница обновляется каждые 10 секунд."},
    "campaign.state.pending": {"en": "Not yet", "ru": "Ещё нет"},
}

MAIL: dict[str, dict[str, str]] = {
    "subject.task_due_soon": {"en": "Reminder: “{title}” is due soon",
                              "ru": "Напоминание: скоро срок по «{title}»"},
    "lead.task_due_soon": {"en": "A reminder: your task on “{title}” (stage “{stage}”) is due "
                                 "soon, and it is still waiting for you.",
                           "ru": "Напоминание: скоро истекает срок вашей задачи по «{title}» "
                                 "(этап «{stage}»), а она всё ещё ждёт вас."},
    "subject.stage_closed": {"en": "Closed at its deadline: “{title}”",
                             "ru": "Закрыто по сроку: «{title}»"},
    "notice.lead.stage_closed": {"en": "The stage “{stage}” of “{title}” closed at its "
                                       "deadline. Who answered:",
                                 "ru": "Этап «{stage}» процесса «{title}» закрыт по сроку. "
                                       "Кто ответил:"},
    "campaign.mail.department": {"en": "{department}: {done} of {total}",
                                 "ru": "{department}: {done} из {total}"},
    "campaign.mail.person": {"en": "{name} ({department})", "ru": "{name} ({department})"},
    "campaign.mail.more": {"en": "…and {count} more: the page and the CSV list everyone.",
                           "ru": "…и ещё {count}: полный список — на странице и в CSV."},
    "campaign.mail.page": {"en": "Who answered, by department",
                           "ru": "Кто ответил, по подразделениям"},
}

COMMON: dict[str, dict[str, str]] = {
    "close_reason.not_acknowledged": {"en": "not acknowledged by the deadline",
                                      "ru": "не ознакомлен(а) к сроку"},
    "event.reminded": {"en": "Reminded of the deadline at the stage “{stage}”: {assignees}",
                       "ru": "Напоминание о сроке на этапе «{stage}»: {assignees}"},
}

TRAIL: dict[str, dict[str, str]] = {}
