"""What Signoff says about the process catalogue (``/processes``): its areas, its search, the
examples an administrator sees, and the refusals to start — each section (``PAGE``, ``MAIL``,
``COMMON``, ``TRAIL``) joins the catalogue's section of that name (:mod:`approvals.texts`); a
key may be worded in one place only."""

from __future__ import annotations

PAGE: dict[str, dict[str, str]] = {}
MAIL: dict[str, dict[str, str]] = {}
COMMON: dict[str, dict[str, str]] = {}
TRAIL: dict[str, dict[str, str]] = {}

PAGE.update({
    "catalogue.area.documents": {"en": "Documents", "ru": "Документы"},
    "catalogue.area.finance": {"en": "Finance", "ru": "Финансы"},
    "catalogue.area.hr": {"en": "HR", "ru": "Кадры"},
    "catalogue.area.sales": {"en": "Sales", "ru": "Продажи"},
    "catalogue.area.other": {"en": "Other", "ru": "Прочее"},
    "catalogue.search": {"en": "Find a process", "ru": "Найти процесс"},
    "catalogue.search_hint": {"en": "A word of its name or description",
                              "ru": "Слово из названия или описания"},
    "catalogue.search_button": {"en": "Find", "ru": "Найти"},
    "catalogue.show_all": {"en": "Show all", "ru": "Показать все"},
    "catalogue.nothing_found": {"en": "No process matches “{query}”.",
                                "ru": "Нет процессов по запросу «{query}»."},
    "catalogue.example": {"en": "Example", "ru": "Пример"},
    "catalogue.example_hint": {"en": "An example of the process language: only administrators "
                                     "see it.",
                               "ru": "Пример записи процесса: его видят только "
                                     "администраторы."},
    "error.not_a_starter": {"en": "You cannot start this process: it is started only by the "
                                  "roles or departments named for it. Ask an administrator if "
                                  "you need it.",
                            "ru": "Вы не можете запустить этот процесс: его запускают только "
                                  "сотрудники определённых ролей или подразделений. Если он "
                                  "вам нужен, обратитесь к администратору."},
    "error.example_process": {"en": "This process is an example of how processes are written "
                                    "and cannot be started. Pick a process from the "
                                    "catalogue.",
                              "ru": "Этот процесс — пример записи процесса, его нельзя "
                                    "запустить. Выберите процесс из каталога."},
})
