"""What Signoff says on a person's four lists — My tasks, Done by me, Started by me, Watching —
and their search, filters and sort (:mod:`web.lists`); each section (``PAGE``, ``MAIL``,
``COMMON``, ``TRAIL``) joins the catalogue's section of that name (:mod:`approvals.texts`); a key
may be worded in one place only."""

from __future__ import annotations

PAGE: dict[str, dict[str, str]] = {}
MAIL: dict[str, dict[str, str]] = {}
COMMON: dict[str, dict[str, str]] = {}
TRAIL: dict[str, dict[str, str]] = {}

# the navigation between the lists
PAGE.update({
    "lists.nav": {"en": "My lists", "ru": "Мои списки"},
    "lists.open": {"en": "My tasks", "ru": "Мои задачи"},
    "lists.done": {"en": "Done by me", "ru": "Решённые мной"},
    "lists.started": {"en": "Started by me", "ru": "Запущенные мной"},
    "lists.watching": {"en": "Watching", "ru": "С моим участием"},
    "lists.count": {"en": "{n} in the list", "ru": "В списке: {n}"},
    "lists.open_count": {"en": "{n} open tasks", "ru": "Открытых задач: {n}"},
    "lists.intro.done": {"en": "The tasks you decided, also on someone's behalf, with the "
                                "answer you gave and where the process is now.",
                         "ru": "Задачи, по которым вы приняли решение (в том числе за "
                               "другого), ваше решение и где процесс сейчас."},
    "lists.intro.started": {"en": "The processes you started: their status and current stage.",
                            "ru": "Процессы, которые вы запустили: статус и текущий этап."},
    "lists.intro.watching": {
        "en": "The processes you take part in but did not start and hold no open task on: "
              "you decided a task on them, a deputy acted for you, or you received the signed "
              "trail.",
        "ru": "Процессы, в которых вы участвуете, но которые запустили не вы и в которых у "
              "вас нет открытых задач: вы принимали по ним решение, за вас действовал "
              "заместитель или вам пришёл подписанный протокол."},
})

# search, filters, sort
PAGE.update({
    "lists.filters": {"en": "Filters", "ru": "Фильтры"},
    "lists.page": {"en": "Page", "ru": "Страница"},
    "lists.limit": {"en": "Rows a page", "ru": "Строк на странице"},
    "lists.q": {"en": "Search", "ru": "Поиск"},
    "lists.q_hint": {"en": "Title, process, person or field text",
                     "ru": "Название, процесс, сотрудник или текст полей"},
    "lists.process": {"en": "Process", "ru": "Процесс"},
    "lists.any_process": {"en": "Any process", "ru": "Любой процесс"},
    "lists.status": {"en": "Status", "ru": "Статус"},
    "lists.any_status": {"en": "Any status", "ru": "Любой статус"},
    "lists.overdue.open": {"en": "Overdue only", "ru": "Только просроченные"},
    "lists.overdue.done": {"en": "Decided after the deadline only",
                           "ru": "Только решённые после срока"},
    "lists.from.open": {"en": "Received from", "ru": "Получена с"},
    "lists.to.open": {"en": "Received to", "ru": "Получена по"},
    "lists.from.done": {"en": "Decided from", "ru": "Решена с"},
    "lists.to.done": {"en": "Decided to", "ru": "Решена по"},
    "lists.from.started": {"en": "Started from", "ru": "Запущен с"},
    "lists.to.started": {"en": "Started to", "ru": "Запущен по"},
    "lists.from.watching": {"en": "Started from", "ru": "Запущен с"},
    "lists.to.watching": {"en": "Started to", "ru": "Запущен по"},
    "lists.sort": {"en": "Sort by", "ru": "Сортировка"},
    "lists.sort.natural.open": {"en": "Received, oldest first",
                                "ru": "По получению, сначала старые"},
    "lists.sort.natural.done": {"en": "Decided, newest first", "ru": "По решению, сначала новые"},
    "lists.sort.natural.started": {"en": "Started, newest first",
                                   "ru": "По запуску, сначала новые"},
    "lists.sort.natural.watching": {"en": "Started, newest first",
                                    "ru": "По запуску, сначала новые"},
    "lists.sort.deadline": {"en": "Deadline", "ru": "Срок"},
    "lists.sort.started": {"en": "Process start", "ru": "Запуск процесса"},
    "lists.sort.amount": {"en": "Amount", "ru": "Сумма"},
    "lists.order": {"en": "Order", "ru": "Порядок"},
    "lists.order.default": {"en": "Usual", "ru": "Обычный"},
    "lists.order.asc": {"en": "Ascending", "ru": "По возрастанию"},
    "lists.order.desc": {"en": "Descending", "ru": "По убыванию"},
    "lists.apply": {"en": "Apply", "ru": "Применить"},
    "lists.clear": {"en": "Clear filters", "ru": "Сбросить фильтры"},
    "lists.invalid": {"en": "Some parameters could not be read, so the whole list is shown. "
                            "{problems}",
                      "ru": "Некоторые параметры не удалось прочитать, поэтому показан весь "
                            "список. {problems}"},
    "lists.none_match": {"en": "Nothing matches these filters.",
                         "ru": "По этим условиям ничего не найдено."},
    "lists.back_to_first": {"en": "Nothing on this page: back to the first one",
                            "ru": "На этой странице ничего нет: вернуться к первой"},
})

# the rows
PAGE.update({
    "lists.empty.done": {"en": "You have not decided any task yet.",
                         "ru": "Вы ещё не приняли ни одного решения."},
    "lists.empty.started": {"en": "You have not started any process yet.",
                            "ru": "Вы ещё не запустили ни одного процесса."},
    "lists.empty.watching": {"en": "No other processes you take part in.",
                             "ru": "Других процессов с вашим участием нет."},
    "lists.col.title": {"en": "Title", "ru": "Название"},
    "lists.col.process": {"en": "Process", "ru": "Процесс"},
    "lists.col.answer": {"en": "My answer", "ru": "Моё решение"},
    "lists.col.decided": {"en": "Decided", "ru": "Когда"},
    "lists.col.status": {"en": "Status now", "ru": "Статус сейчас"},
    "lists.col.stage": {"en": "Current stage", "ru": "Текущий этап"},
    "lists.col.initiator": {"en": "Started by", "ru": "Инициатор"},
    "lists.col.started": {"en": "Started", "ru": "Запущен"},
    "lists.col.ended": {"en": "Ended", "ru": "Завершён"},
    "lists.on_behalf": {"en": "for {name}", "ru": "за {name}"},
    "lists.late": {"en": "after the deadline", "ru": "после срока"},
    "lists.overdue_badge": {"en": "Overdue", "ru": "Просрочено"},
})
