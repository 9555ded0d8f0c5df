"""What Signoff says on the reports (``/reports``, its CSV): where processes get stuck — each
section (``PAGE``, ``MAIL``, ``COMMON``, ``TRAIL``) joins the section of that name
(:mod:`approvals.texts`); a key may be worded in one place only."""

from __future__ import annotations

PAGE: dict[str, dict[str, str]] = {}
MAIL: dict[str, dict[str, str]] = {}
COMMON: dict[str, dict[str, str]] = {}
TRAIL: dict[str, dict[str, str]] = {}

PAGE.update({
    "nav.reports": {"en": "Reports", "ru": "Отчёты"},
    "reports.title": {"en": "Reports", "ru": "Отчёты"},
    "reports.lead": {"en": "Where processes get stuck: how many started and ended, how long "
                           "each stage takes, which tasks are late and who takes longest.",
                     "ru": "Где застревают процессы: сколько запущено и завершено, сколько "
                           "длится каждый этап, какие задачи просрочены и кто отвечает "
                           "дольше всех."},
    "reports.scope.everyone": {"en": "You see the instances of everyone.",
                               "ru": "Вы видите процессы всех сотрудников."},
    "reports.scope.departments": {"en": "You see the instances started in: {departments}.",
                                  "ru": "Вы видите процессы, запущенные в подразделениях: "
                                        "{departments}."},
    "reports.filters": {"en": "Report filters", "ru": "Параметры отчёта"},
    "reports.process": {"en": "Process", "ru": "Процесс"},
    "reports.from": {"en": "From", "ru": "С"},
    "reports.to": {"en": "To", "ru": "По"},
    "reports.all_processes": {"en": "All processes", "ru": "Все процессы"},
    "reports.apply": {"en": "Show", "ru": "Показать"},
    "reports.csv_link": {"en": "Download as CSV", "ru": "Скачать CSV"},
    "reports.period": {"en": "{process}, {first} – {last} (days as in {zone}).",
                       "ru": "{process}, {first} – {last} (дни по времени {zone})."},
    "reports.invalid": {"en": "The report's parameters could not be read, so the last twelve "
                              "weeks are shown. {problems}",
                        "ru": "Не удалось прочитать параметры отчёта, поэтому показаны "
                              "последние двенадцать недель. {problems}"},
    "reports.summary": {"en": "In the period", "ru": "За период"},
    "reports.started": {"en": "Started", "ru": "Запущено"},
    "reports.completed": {"en": "Completed", "ru": "Завершено"},
    "reports.rejected": {"en": "Rejected", "ru": "Отклонено"},
    "reports.withdrawn": {"en": "Withdrawn", "ru": "Отозвано"},
    "reports.duration_median": {"en": "Median time to finish", "ru": "Медиана длительности"},
    "reports.overdue_share": {"en": "Overdue tasks", "ru": "Просроченные задачи"},
    "reports.trend_title": {"en": "Instances by week", "ru": "Процессы по неделям"},
    "reports.partial_week": {"en": "(part of the week)", "ru": "(неполная неделя)"},
    "reports.partial_note": {
        "en": "* A week only partly in the period (this week so far, or a period that starts "
              "or ends mid-week): its figures are not a whole week's.",
        "ru": "* Неделя, попавшая в период не целиком (текущая неделя или период, который "
              "начинается или заканчивается посреди недели): её числа — не за всю неделю."},
    "reports.trend_desc": {"en": "Started (solid line, circles), completed (dashed line, "
                                 "squares) and rejected (dotted line, triangles) each ISO week.",
                           "ru": "Запущено (сплошная линия, круги), завершено (штриховая, "
                                 "квадраты) и отклонено (пунктир, треугольники) по неделям "
                                 "ISO."},
    "reports.stages_title": {"en": "Time spent at each stage",
                             "ru": "Время на каждом этапе"},
    "reports.stages_desc": {"en": "For each stage: the median (solid bar) and the 90th "
                                  "percentile (hatched bar) of the time an instance spent at it.",
                            "ru": "Для каждого этапа: медиана (сплошная полоса) и 90-й "
                                  "процентиль (штриховка) времени, проведённого процессом на "
                                  "этапе."},
    "reports.legend.median": {"en": "Median", "ru": "Медиана"},
    "reports.legend.p90": {"en": "90th percentile", "ru": "90-й процентиль"},
    "reports.median_value": {"en": "median {value}", "ru": "медиана {value}"},
    "reports.p90_value": {"en": "p90 {value}", "ru": "p90 {value}"},
    "reports.overdue_title": {"en": "Overdue share", "ru": "Доля просроченных"},
    "reports.overdue_value": {"en": "{share} overdue: {overdue} of {total} tasks with a "
                                    "deadline",
                              "ru": "{share} просрочено: {overdue} из {total} задач со сроком"},
    "reports.overdue_intro": {"en": "Tasks opened in the period that had a deadline: decided "
                                    "after it, or still open past it.",
                              "ru": "Задачи со сроком, открытые за период: решённые после "
                                    "срока или открытые после него до сих пор."},
    "reports.no_deadlines": {"en": "No task opened in the period had a deadline.",
                             "ru": "Ни у одной задачи, открытой за период, не было срока."},
    "reports.no_stages": {"en": "No stage was finished in the period.",
                          "ru": "За период не завершён ни один этап."},
    "reports.slowest_title": {"en": "Slowest assignees", "ru": "Самые медленные исполнители"},
    "reports.slowest_intro": {"en": "The median time from a task's opening to the decision, "
                                    "for those who decided at least {min} tasks in the period.",
                              "ru": "Медиана времени от открытия задачи до решения — для "
                                    "тех, кто решил за период не менее {min} задач."},
    "reports.no_slowest": {"en": "Nobody decided {min} or more tasks in the period.",
                           "ru": "За период никто не решил {min} или больше задач."},
    "reports.percentile_note": {"en": "Percentiles are nearest-rank: always a time that "
                                      "occurred; the median of an even number of values is "
                                      "the lower middle one.",
                                "ru": "Процентили — по ближайшему рангу: всегда одно из "
                                      "реальных значений; медиана чётного числа значений — "
                                      "меньшее из двух средних."},
    "reports.table": {"en": "The figures", "ru": "Данные"},
    "reports.col.week": {"en": "Week", "ru": "Неделя"},
    "reports.col.week_starts": {"en": "From", "ru": "С"},
    "reports.col.process": {"en": "Process", "ru": "Процесс"},
    "reports.col.stage": {"en": "Stage", "ru": "Этап"},
    "reports.col.instances": {"en": "Instances", "ru": "Процессов"},
    "reports.col.median": {"en": "Median", "ru": "Медиана"},
    "reports.col.p90": {"en": "90th percentile", "ru": "90-й процентиль"},
    "reports.col.assignee": {"en": "Assignee", "ru": "Исполнитель"},
    "reports.col.tasks": {"en": "Tasks decided", "ru": "Решено задач"},
    "reports.col.median_decide": {"en": "Median time to decide",
                                  "ru": "Медиана времени до решения"},
    "reports.col.finish_median": {"en": "Median time to finish",
                                  "ru": "Медиана длительности"},
    "field_error.report_day_out_of_range": {"en": "Choose a day from {earliest} to {latest}.",
                                            "ru": "Выберите день с {earliest} по {latest}."},
    "field_error.report_period_too_long": {"en": "A report covers at most {days} days (about "
                                                 "three years).",
                                           "ru": "Отчёт охватывает не более {days} дней "
                                                 "(около трёх лет)."},
    # the CSV's column headings
    "reports.csv.process": {"en": "Process", "ru": "Процесс"},
    "reports.csv.from": {"en": "From", "ru": "С"},
    "reports.csv.to": {"en": "To", "ru": "По"},
    "reports.csv.started": {"en": "Started", "ru": "Запущено"},
    "reports.csv.completed": {"en": "Completed", "ru": "Завершено"},
    "reports.csv.rejected": {"en": "Rejected", "ru": "Отклонено"},
    "reports.csv.withdrawn": {"en": "Withdrawn", "ru": "Отозвано"},
    "reports.csv.median_hours": {"en": "Median, hours", "ru": "Медиана, часов"},
    "reports.csv.p90_hours": {"en": "90th percentile, hours", "ru": "90-й процентиль, часов"},
    "reports.csv.with_deadline": {"en": "Tasks with a deadline", "ru": "Задач со сроком"},
    "reports.csv.overdue": {"en": "Overdue", "ru": "Просрочено"},
    "reports.csv.overdue_percent": {"en": "Overdue, %", "ru": "Просрочено, %"},
    "reports.csv.stage": {"en": "Stage", "ru": "Этап"},
    "reports.csv.instances": {"en": "Instances", "ru": "Процессов"},
    "reports.csv.assignee": {"en": "Assignee", "ru": "Исполнитель"},
    "reports.csv.email": {"en": "Email", "ru": "Эл. почта"},
    "reports.csv.tasks": {"en": "Tasks decided", "ru": "Решено задач"},
    "reports.csv.week": {"en": "Week", "ru": "Неделя"},
    "reports.csv.week_starts": {"en": "Week starts", "ru": "Начало недели"},
})
