"""What Signoff says about the discussion on an instance (:mod:`approvals.core.discussion`):
the thread and its form on the instance page, the refusals, the notification and the mail
that tell the other participants, and how a comment reads in a timeline and in the signed
trail. Each section (``PAGE``, ``MAIL``, ``COMMON``, ``TRAIL``) joins the catalogue's section
of that name; a key may be worded in one place only.
"""

from __future__ import annotations

PAGE: dict[str, dict[str, str]] = {
    "discussion.title": {"en": "Discussion", "ru": "Обсуждение"},
    "discussion.none": {"en": "No comments yet.", "ru": "Комментариев пока нет."},
    "discussion.label": {"en": "Your comment", "ru": "Ваш комментарий"},
    "discussion.hint": {
        "en": "Ask a question or leave a remark without deciding. Every participant is told "
              "by a notification and an email. A comment becomes part of the process's record "
              "and of its signed trail: it cannot be edited or deleted. At most {max} "
              "characters.",
        "ru": "Задайте вопрос или оставьте замечание, не принимая решения. Все участники "
              "получат уведомление и письмо. Комментарий становится частью истории процесса и "
              "подписанного листа согласования: его нельзя изменить или удалить. Не более "
              "{max} символов."},
    "discussion.by_mail": {
        "en": "You can also comment by email: reply to a task mail and start the reply with "
              "“Comment:”.",
        "ru": "Прокомментировать можно и по почте: ответьте на письмо о задаче и начните "
              "ответ со слова «Комментарий:»."},
    "discussion.submit": {"en": "Add comment", "ru": "Добавить комментарий"},
    "discussion.closed": {
        "en": "The process has ended, and its record is closed: comments are no longer taken.",
        "ru": "Процесс завершён, его история закрыта: комментарии больше не принимаются."},
    "discussion.read_only": {
        "en": "Only the process's participants and administrators may comment.",
        "ru": "Комментировать могут только участники процесса и администраторы."},
    "discussion.by_email": {"en": "by email", "ru": "по почте"},
    "flash.commented": {"en": "Your comment was added; the participants are told.",
                        "ru": "Комментарий добавлен, участники получат уведомление."},
    "error.not_a_participant": {
        "en": "Only the process's participants and administrators may comment on it.",
        "ru": "Комментировать процесс могут только его участники и администраторы."},
    "error.discussion_closed": {
        "en": "This process has ended, and its record is closed: comments are taken only while "
              "a process runs. Its signed trail holds the discussion up to its end.",
        "ru": "Процесс завершён, и его история закрыта: комментарии принимаются, только пока "
              "процесс идёт. Подписанный лист согласования содержит обсуждение до завершения "
              "процесса."},
    "field_error.nul_character": {
        "en": "The text holds a NUL character, which cannot be stored; remove it.",
        "ru": "В тексте есть символ NUL, который нельзя сохранить; удалите его."},
    "notify.commented": {"en": "New comment on “{title}”: {comment}",
                         "ru": "Новый комментарий к «{title}»: {comment}"},
    "inbound_outcome.commented": {"en": "comment added", "ru": "комментарий добавлен"},
}
MAIL: dict[str, dict[str, str]] = {
    "subject.commented": {"en": "New comment: “{title}”",
                          "ru": "Новый комментарий: «{title}»"},
    "notice.lead.commented": {"en": "A new comment on “{title}”",
                              "ru": "Новый комментарий к «{title}»"},
    "notice.comment_by": {"en": "{name} wrote ({when}):", "ru": "{name} ({when}):"},
    "notice.comment_how": {
        "en": "To answer, write in the process's discussion, or reply to your task mail "
              "starting with “Comment:”.",
        "ru": "Чтобы ответить, напишите в обсуждении процесса или ответьте на письмо о задаче, "
              "начав ответ со слова «Комментарий:»."},
    "notice.open_discussion": {"en": "Open the discussion", "ru": "Открыть обсуждение"},
    "explain.comment_empty": {
        "en": "the comment is empty: write it after “Comment:”, on the same line or below",
        "ru": "комментарий пуст: напишите его после слова «Комментарий:», в той же строке или "
              "ниже"},
    "explain.comment_sender": {
        "en": "only the process's participants may comment on it, and the address you wrote "
              "from is not one of theirs",
        "ru": "комментировать процесс могут только его участники, а адрес, с которого вы "
              "написали, не принадлежит ни одному из них"},
}
COMMON: dict[str, dict[str, str]] = {
    "event.commented": {"en": "Comment in the discussion", "ru": "Комментарий в обсуждении"},
}
TRAIL: dict[str, dict[str, str]] = {}
