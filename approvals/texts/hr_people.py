"""What Signoff says about HR (people) — each section (``PAGE``, ``MAIL``, ``COMMON``,
``TRAIL``) joins the catalogue's section of that name (:mod:`approvals.texts`); a key may be
worded in one place only."""

from __future__ import annotations

PAGE: dict[str, dict[str, str]] = {}
MAIL: dict[str, dict[str, str]] = {}
COMMON: dict[str, dict[str, str]] = {}
TRAIL: dict[str, dict[str, str]] = {}

# HR's pages of people and departments, and the person picker
PAGE.update({
    "nav.hr_people": {"en": "People", "ru": "Сотрудники"},
    "hr_people.title": {"en": "People", "ru": "Сотрудники"},
    "hr_people.search": {"en": "Search", "ru": "Поиск"},
    "hr_people.search_hint": {"en": "Name, email, department or position",
                              "ru": "Имя, почта, подразделение или должность"},
    "hr_people.all_departments": {"en": "All departments", "ru": "Все подразделения"},
    "hr_people.all_statuses": {"en": "Any status", "ru": "Любой статус"},
    "hr_people.filter": {"en": "Show", "ru": "Показать"},
    "hr_people.new": {"en": "New person", "ru": "Новый сотрудник"},
    "hr_people.edit": {"en": "Edit", "ru": "Изменить"},
    "hr_people.edit_title": {"en": "Edit {name}", "ru": "Изменение: {name}"},
    "hr_people.none": {"en": "Nobody matches.", "ru": "Никого не найдено."},
    "hr_people.found": {"en": "People found: {n}", "ru": "Найдено сотрудников: {n}"},
    "hr_people.col_name": {"en": "Name", "ru": "Имя"},
    "hr_people.col_position": {"en": "Position", "ru": "Должность"},
    "hr_people.col_department": {"en": "Department", "ru": "Подразделение"},
    "hr_people.col_manager": {"en": "Manager", "ru": "Руководитель"},
    "hr_people.col_hire_date": {"en": "Hire date", "ru": "Дата приёма"},
    "hr_people.col_status": {"en": "Status", "ru": "Статус"},
    "hr_people.col_time_zone": {"en": "Time zone", "ru": "Часовой пояс"},
    "hr_people.name": {"en": "Full name", "ru": "ФИО"},
    "hr_people.email": {"en": "Email", "ru": "Электронная почта"},
    "hr_people.locale": {"en": "Language", "ru": "Язык"},
    "hr_people.position": {"en": "Position", "ru": "Должность"},
    "hr_people.department": {"en": "Department", "ru": "Подразделение"},
    "hr_people.department_none": {"en": "(none)", "ru": "(нет)"},
    "hr_people.department_new": {"en": "…or a new department", "ru": "…или новое подразделение"},
    "hr_people.manager": {"en": "Manager", "ru": "Руководитель"},
    "hr_people.manager_hint": {"en": "A name or an email address; empty: nobody.",
                               "ru": "Имя или адрес электронной почты; пусто — нет."},
    "hr_people.hire_date": {"en": "Hire date", "ru": "Дата приёма"},
    "hr_people.employment": {"en": "Employment status", "ru": "Статус"},
    "hr_people.employment_hint": {
        "en": "Starting and dismissed people take no tasks. Dismissal is normally the "
              "dismissal process's to record.",
        "ru": "Новые (ещё не вышедшие) и уволенные сотрудники задач не получают. Обычно "
              "увольнение оформляет процесс «Увольнение»."},
    "hr_people.time_zone": {"en": "Time zone", "ru": "Часовой пояс"},
    "hr_people.time_zone_default": {"en": "(the organisation's)", "ru": "(как в организации)"},
    "hr_people.roles": {"en": "Roles", "ru": "Роли"},
    "hr_people.roles_hint": {"en": "Separated by “;”, e.g. head; lawyer. Only administrators "
                                   "give admin and auditor.",
                             "ru": "Через «;», например head; lawyer. Роли admin и auditor "
                                   "назначает только администратор."},
    "hr_people.save": {"en": "Save", "ru": "Сохранить"},
    "hr_people.created": {"en": "{name} is added.", "ru": "Сотрудник {name} добавлен."},
    "hr_people.saved": {"en": "{name}: saved.", "ru": "{name}: сохранено."},
    "hr_people.refused": {"en": "Nothing was saved: correct the fields marked below.",
                          "ru": "Ничего не сохранено: исправьте отмеченные поля."},
    "hr_people.back": {"en": "Back to the list", "ru": "К списку"},
    "employment.starting": {"en": "starting", "ru": "ещё не вышел"},
    "employment.active": {"en": "at work", "ru": "работает"},
    "employment.on_leave": {"en": "on leave", "ru": "в отпуске"},
    "employment.dismissed": {"en": "dismissed", "ru": "уволен"},
    "hr_departments.title": {"en": "Departments", "ru": "Подразделения"},
    "hr_departments.col_name": {"en": "Department", "ru": "Подразделение"},
    "hr_departments.col_head": {"en": "Head", "ru": "Руководитель"},
    "hr_departments.col_parent": {"en": "Part of", "ru": "Входит в"},
    "hr_departments.col_members": {"en": "People", "ru": "Сотрудников"},
    "hr_departments.head_hint": {"en": "Empty: whoever in it holds the role head.",
                                 "ru": "Пусто — сотрудник подразделения с ролью head."},
    "hr_departments.save": {"en": "Save", "ru": "Сохранить"},
    "hr_departments.saved": {"en": "{name}: saved.", "ru": "{name}: сохранено."},
    "hr_departments.refused": {"en": "{name}: not saved. {problem}",
                               "ru": "{name}: не сохранено. {problem}"},
    "hr_departments.circle": {"en": "The departments above it would come back to it.",
                              "ru": "Вышестоящие подразделения замкнулись бы в круг."},
    "hr_departments.self_parent": {"en": "A department cannot be part of itself.",
                                   "ru": "Подразделение не может входить само в себя."},
    "people_picker.none": {"en": "Nobody found", "ru": "Никого не найдено"},
    "people_picker.hint": {"en": "Type a name, department or position; arrows and Enter "
                                 "choose.",
                           "ru": "Начните вводить имя, подразделение или должность; выбор — "
                                 "стрелками и Enter."},
    "field_error.hr_people_email_taken": {
        "en": "“{value}” is already someone else's address.",
        "ru": "Адрес «{value}» уже принадлежит другому сотруднику."},
    "field_error.hr_people_bad_time_zone": {
        "en": "“{value}” is not a time zone; choose one such as Europe/Moscow.",
        "ru": "«{value}» — не часовой пояс; выберите, например, Europe/Moscow."},
    "field_error.hr_people_privileged_role": {
        "en": "Only an administrator gives or takes away the roles {roles}.",
        "ru": "Роли {roles} назначает и снимает только администратор."},
    "field_error.hr_people_own_manager": {"en": "A person cannot be their own manager.",
                                          "ru": "Сотрудник не может быть своим руководителем."},
    "field_error.hr_people_manager_circle": {
        "en": "{name} reports (directly or not) to this person: the managers would form a "
              "circle.",
        "ru": "{name} сам(а) подчиняется этому сотруднику (прямо или через других): "
              "руководители замкнулись бы в круг."},
    "field_error.hr_people_bad_role": {
        "en": "A role is lowercase letters, digits, - or _: {value}.",
        "ru": "Роль — строчные латинские буквы, цифры, - или _: {value}."},
})
