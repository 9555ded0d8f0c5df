"""What Signoff says about HR (processes) — each section (``PAGE``, ``MAIL``, ``COMMON``,
``TRAIL``) joins the catalogue's section of that name (:mod:`approvals.texts`); a key may be
worded in one place only."""

from __future__ import annotations

PAGE: dict[str, dict[str, str]] = {}
MAIL: dict[str, dict[str, str]] = {}
COMMON: dict[str, dict[str, str]] = {}
TRAIL: dict[str, dict[str, str]] = {}

# The people processes (business trip, dismissal, hiring): hr/trips.py, hr/staffing.py and the
# daily job (hr/jobs.py).
PAGE.update({
    "field_error.hr_proc.people.last_day_past": {
        "en": "The last working day ({last_day}) cannot be in the past; today is {today}.",
        "ru": "Последний рабочий день ({last_day}) не может быть в прошлом; сегодня {today}."},
    "field_error.hr_proc.people.notice_too_short": {
        "en": "Notice of dismissal is given at least two weeks ahead (Labour Code art. 80): "
              "{last_day} is {days} days away; the earliest last day is {earliest}. For an "
              "earlier day, tick “Agreed with the manager” — the manager's approval confirms "
              "it.",
        "ru": "О расторжении трудового договора предупреждают не позднее чем за две недели "
              "(ст. 80 ТК РФ): до {last_day} — {days} дн.; самый ранний последний день — "
              "{earliest}. Чтобы уволиться раньше, отметьте «Согласовано с руководителем» — "
              "руководитель подтвердит это, согласовав заявление."},
    "field_error.hr_proc.people.email_taken": {
        "en": "The address {value} is already {name}'s in the directory: a newcomer needs an "
              "address of their own.",
        "ru": "Адрес {value} уже принадлежит сотруднику {name}: новому сотруднику нужен свой "
              "адрес."},
    "error.hr_proc.people.not_started": {
        "en": "{email} starts work on {start}: they become active that day, and their first "
              "day can be confirmed then.",
        "ru": "{email} выходит на работу {start}: в этот день учётная запись станет "
              "активной, тогда и подтвердите выход."},
})
COMMON.update({
    "hr_proc.people.dismissed_comment": {
        "en": "Handed over on the leaver's last working day ({last_day})",
        "ru": "Передано в последний рабочий день увольняющегося ({last_day})"},
})

# The leave processes (vacation, sick leave, time off). The stage fallback they brought to the
# language (``fallback:``) is the engine's: its event and notice are worded here with them.
COMMON.update({
    "event.stage_fallback": {
        "en": "Stage “{stage}” had nobody to assign ({wanted}): given to its fallback, "
              "{assignees}",
        "ru": "На этапе «{stage}» не нашлось исполнителя ({wanted}): передан резервному "
              "исполнителю — {assignees}"},
})
PAGE.update({
    "notify.stage_fallback": {
        "en": "“{title}”: nobody could take the stage “{stage}” ({wanted}); it went to the "
              "fallback the process names. Check the person's manager or department head.",
        "ru": "«{title}»: для этапа «{stage}» не нашлось исполнителя ({wanted}); он передан "
              "резервному исполнителю, указанному в процессе. Проверьте руководителя или "
              "начальника подразделения сотрудника."},
})
