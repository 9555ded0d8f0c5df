"""What Signoff says about an instance's documents (:mod:`web.documents`): each file field's
latest version previewed, every version listed, a version's preview page and the side-by-side
comparison of two versions' text. ``PAGE`` joins the catalogue's section of that name.
"""

from __future__ import annotations

PAGE: dict[str, dict[str, str]] = {
    "documents.versions": {"en": "Versions", "ru": "Версии"},
    "documents.version": {"en": "Version {n}", "ru": "Версия {n}"},
    "documents.latest": {"en": "latest", "ru": "последняя"},
    "documents.uploaded_by": {"en": "Uploaded by", "ru": "Загрузил(а)"},
    "documents.uploaded_at": {"en": "Uploaded", "ru": "Загружено"},
    "documents.size": {"en": "Size", "ru": "Размер"},
    "documents.download": {"en": "Download", "ru": "Скачать"},
    "documents.download_file": {"en": "Download {filename}", "ru": "Скачать {filename}"},
    "documents.preview": {"en": "Preview", "ru": "Просмотр"},
    "documents.preview_of": {"en": "Preview of version {n}: {filename}",
                             "ru": "Просмотр версии {n}: {filename}"},
    "documents.compare": {"en": "Compare with version {n}", "ru": "Сравнить с версией {n}"},
    "documents.page_alt": {"en": "Page {k} of {n} of {filename}",
                           "ru": "Страница {k} из {n}, {filename}"},
    "documents.image_alt": {"en": "{filename}, version {n}", "ru": "{filename}, версия {n}"},
    "documents.more_pages.one": {
        "en": "{n} more page is not shown — download the file to read it all.",
        "ru": "Ещё {n} страница не показана — скачайте файл, чтобы прочитать всё."},
    "documents.more_pages.few": {
        "en": "{n} more pages are not shown — download the file to read them all.",
        "ru": "Ещё {n} страницы не показаны — скачайте файл, чтобы прочитать всё."},
    "documents.more_pages.many": {
        "en": "{n} more pages are not shown — download the file to read them all.",
        "ru": "Ещё {n} страниц не показано — скачайте файл, чтобы прочитать всё."},
    "documents.no_preview": {
        "en": "No preview of this file: download it to read it.",
        "ru": "Этот файл нельзя просмотреть на странице: скачайте его."},
    "documents.preview_failed": {
        "en": "This PDF cannot be shown here (it may be damaged or protected): download it "
              "to read it.",
        "ru": "Этот PDF нельзя показать на странице (возможно, он повреждён или защищён): "
              "скачайте его."},
    "documents.back": {"en": "Back to the process", "ru": "Вернуться к процессу"},
    # the comparison of two versions
    "compare.title": {"en": "Compare versions: {label}", "ru": "Сравнение версий: {label}"},
    "compare.pick": {"en": "Versions to compare", "ru": "Какие версии сравнить"},
    "compare.a": {"en": "Earlier version", "ru": "Ранняя версия"},
    "compare.b": {"en": "Later version", "ru": "Поздняя версия"},
    "compare.show": {"en": "Compare", "ru": "Сравнить"},
    "compare.only_one": {
        "en": "This file has only one version: there is nothing to compare yet.",
        "ru": "У этого файла пока одна версия: сравнивать не с чем."},
    "compare.unreadable": {
        "en": "The text of this file cannot be extracted, so the versions cannot be compared "
              "here: download them.",
        "ru": "Текст этого файла не удаётся извлечь, поэтому версии нельзя сравнить на "
              "странице: скачайте их."},
    "compare.unreadable_one": {"en": "Version {n}: the text of this file cannot be extracted.",
                               "ru": "Версия {n}: текст этого файла не удаётся извлечь."},
    "compare.truncated": {
        "en": "The text is long: only its beginning is compared.",
        "ru": "Текст длинный: сравнивается только его начало."},
    "compare.same": {"en": "The text of the two versions is the same.",
                     "ru": "Текст двух версий совпадает."},
    "compare.summary": {
        "en": "Changed lines: {changed}, added: {added}, removed: {removed}.",
        "ru": "Изменено строк: {changed}, добавлено: {added}, удалено: {removed}."},
    "compare.caption": {
        "en": "Version {a} (left) and version {b} (right), line by line. − marks a removed "
              "line or words, + an added one, ~ a changed line.",
        "ru": "Версия {a} (слева) и версия {b} (справа), построчно. − — удалённая строка или "
              "слова, + — добавленная, ~ — изменённая строка."},
    "compare.line_a": {"en": "Line in version {n}", "ru": "Строка версии {n}"},
    "compare.text_a": {"en": "Version {n}", "ru": "Версия {n}"},
    "compare.removed": {"en": "removed", "ru": "удалено"},
    "compare.added": {"en": "added", "ru": "добавлено"},
    "compare.changed": {"en": "changed", "ru": "изменено"},
    "compare.skipped.one": {"en": "{n} unchanged line", "ru": "{n} строка без изменений"},
    "compare.skipped.few": {"en": "{n} unchanged lines", "ru": "{n} строки без изменений"},
    "compare.skipped.many": {"en": "{n} unchanged lines", "ru": "{n} строк без изменений"},
}

MAIL: dict[str, dict[str, str]] = {}
COMMON: dict[str, dict[str, str]] = {}
TRAIL: dict[str, dict[str, str]] = {}
