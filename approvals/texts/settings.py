"""What Signoff says about a reader's own settings — their language and time zone, the
language switch, the zone times are shown in, and numbers written the reader's way — each
section (``PAGE``, ``MAIL``, ``COMMON``, ``TRAIL``) joins the catalogue's section of that name
(:mod:`approvals.texts`); a key may be worded in one place only."""

from __future__ import annotations

PAGE: dict[str, dict[str, str]] = {}
MAIL: dict[str, dict[str, str]] = {}
COMMON: dict[str, dict[str, str]] = {}
TRAIL: dict[str, dict[str, str]] = {}

# the settings page and the language switch
PAGE.update({
    "nav.settings": {"en": "Settings", "ru": "Настройки"},
    "settings.title": {"en": "Your settings", "ru": "Ваши настройки"},
    "settings.intro": {
        "en": "The language and the time zone of your pages and mail. Signed trails and the "
              "JSON API keep times in UTC.",
        "ru": "Язык и часовой пояс ваших страниц и писем. Подписанные журналы и JSON API "
              "хранят время в UTC."},
    "settings.language": {"en": "Language", "ru": "Язык"},
    "settings.time_zone": {"en": "Time zone", "ru": "Часовой пояс"},
    "settings.zone_default": {"en": "As the organisation: {zone}",
                              "ru": "Как в организации: {zone}"},
    "settings.zone_common": {"en": "Common zones", "ru": "Частые пояса"},
    "settings.zone_all": {"en": "All zones", "ru": "Все пояса"},
    "settings.zone_now": {"en": "Times are now shown as {zone}: it is {time}.",
                          "ru": "Сейчас время показывается по {zone}: сейчас {time}."},
    "settings.save": {"en": "Save", "ru": "Сохранить"},
    "settings.saved": {"en": "Your settings are saved.", "ru": "Настройки сохранены."},
    "lang.switch": {"en": "Switch the language", "ru": "Сменить язык"},
    "field_error.unknown_time_zone": {
        "en": "“{value}” is not a time zone this server knows. Choose one from the list.",
        "ru": "«{value}» — не известный серверу часовой пояс. Выберите пояс из списка."},
    "field_error.unknown_locale": {"en": "Choose English or Russian.",
                                   "ru": "Выберите русский или английский."},
    "field_error.number_format": {
        "en": "Write the number as 100,000.50: a point before the decimals, commas only "
              "between groups of three digits (or no commas at all).",
        "ru": "Запишите число так: 100 000,50 — запятая перед дробной частью, пробелы между "
              "группами из трёх цифр (или без пробелов)."},
})

# the check-up of the organisation's time zone (approvals/config/doctor.py)
PAGE.update({
    "doctor.check.time_zone": {"en": "Time zone", "ru": "Часовой пояс"},
    "doctor.time_zone.unknown": {
        "en": "SIGNOFF_TIME_ZONE is {zone}, which the tz database does not know: times are "
              "shown in UTC to everyone without a zone of their own. Set an IANA name, e.g. "
              "Europe/Moscow.",
        "ru": "SIGNOFF_TIME_ZONE равен {zone}, а такого пояса нет в базе часовых поясов: "
              "время показывается в UTC всем, у кого нет своего пояса. Укажите имя IANA, "
              "например Europe/Moscow."},
    "doctor.time_zone.people_unknown": {
        "en": "{n} active people have a time zone the tz database does not know ({emails}): "
              "they see times in the organisation's zone. Correct it on the people page or "
              "in the HR import.",
        "ru": "У {n} активных сотрудников указан неизвестный часовой пояс ({emails}): они "
              "видят время в поясе организации. Исправьте его на странице сотрудников или в "
              "выгрузке кадров."},
    "doctor.time_zone.set": {"en": "Times are shown in {zone} unless a person chose their own.",
                             "ru": "Время показывается в поясе {zone}, если человек не выбрал "
                                   "свой."},
    "doctor.time_zone.unset": {
        "en": "SIGNOFF_TIME_ZONE is not set: people without a zone of their own see times in "
              "UTC.",
        "ru": "SIGNOFF_TIME_ZONE не задан: те, у кого нет своего пояса, видят время в UTC."},
})

# the zone a mail's times are in
COMMON.update({
    "zone.times_are": {"en": "Times are {zone}.", "ru": "Время указано по поясу {zone}."},
})
