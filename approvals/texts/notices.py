"""What Signoff says about a person's notifications: the menu's unread count, the list and
marking read (web/notices.py), and the one notice that tells an initiator their instance
completed and its signed trail is ready (approvals/store/notices.py). Each section (``PAGE``,
``MAIL``, ``COMMON``, ``TRAIL``) joins the catalogue's section of that name; a key may be
worded in one place only.

Counts take the plural form of the number (:func:`approvals.texts.count_text`): ``.one``,
``.few``, ``.many`` — 1, 21 непрочитанное; 2–4 непрочитанных… in Russian the genitive plural
serves both few and many here, as an office worker writes it.
"""

from __future__ import annotations

PAGE: dict[str, dict[str, str]] = {
    "nav.notifications": {"en": "Notifications", "ru": "Уведомления"},
    "notices.unread.one": {"en": "{n} unread", "ru": "{n} непрочитанное"},
    "notices.unread.few": {"en": "{n} unread", "ru": "{n} непрочитанных"},
    "notices.unread.many": {"en": "{n} unread", "ru": "{n} непрочитанных"},
    "notices.title": {"en": "Notifications", "ru": "Уведомления"},
    "notices.all": {"en": "All", "ru": "Все"},
    "notices.only_unread": {"en": "Unread", "ru": "Непрочитанные"},
    "notices.show": {"en": "Show", "ru": "Показать"},
    "notices.unread_mark": {"en": "Unread", "ru": "Не прочитано"},
    "notices.open": {"en": "Open", "ru": "Открыть"},
    "notices.mark_read": {"en": "Mark as read", "ru": "Отметить прочитанным"},
    "notices.mark_all_read": {"en": "Mark all as read", "ru": "Отметить все прочитанными"},
    "notices.none": {"en": "No notifications.", "ru": "Уведомлений нет."},
    "notices.none_unread": {"en": "No unread notifications.",
                            "ru": "Непрочитанных уведомлений нет."},
    "notices.trail": {"en": "Download the signed trail",
                      "ru": "Скачать подписанный лист согласования"},
    "notices.latest": {"en": "Latest notifications", "ru": "Новые уведомления"},
    "notices.see_all": {"en": "All notifications", "ru": "Все уведомления"},
    "notices.bad_page": {"en": "The page number must be a whole number of 1 or more.",
                         "ru": "Номер страницы — целое число от 1."},
    "notices.bad_up_to": {"en": "The notification number must be a whole number.",
                          "ru": "Номер уведомления — целое число."},
    "notices.page": {"en": "Page {page} of {pages}", "ru": "Страница {page} из {pages}"},
    # the completion notice that carries the process's message and the signed trail
    "notify.instance_completed.message": {"en": "“{title}” is completed: {message}",
                                          "ru": "«{title}»: процесс завершён. {message}"},
    "notify.instance_completed.trail": {
        "en": "“{title}” is completed; its signed trail is ready",
        "ru": "«{title}»: процесс завершён, подписанный лист согласования готов"},
    "notify.instance_completed.trail_message": {
        "en": "“{title}” is completed: {message} Its signed trail is ready.",
        "ru": "«{title}»: процесс завершён. {message} Подписанный лист согласования готов."},
    "notify.instance_ended.trail": {
        "en": "“{title}” has ended: {stage}. {comment} Its signed trail is ready.",
        "ru": "«{title}» завершён: {stage}. {comment} Подписанный лист согласования готов."},
    "notify.instance_ended.message": {
        "en": "“{title}” has ended: {stage}. {comment} {message}",
        "ru": "«{title}» завершён: {stage}. {comment} {message}"},
    "notify.instance_ended.trail_message": {
        "en": "“{title}” has ended: {stage}. {comment} {message} Its signed trail is ready.",
        "ru": "«{title}» завершён: {stage}. {comment} {message} Подписанный лист "
              "согласования готов."},
}
MAIL: dict[str, dict[str, str]] = {}
COMMON: dict[str, dict[str, str]] = {}
TRAIL: dict[str, dict[str, str]] = {}
