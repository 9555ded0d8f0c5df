"""The words a reply may answer with, and the line our mails ask people to answer above.

The first word of each list is the one the mail suggests (and pre-fills in its ``mailto:``
links); the others are what people write anyway. Matching is done on normalised text (NFKC,
case-folded, ``ё`` → ``е``, punctuation stripped; see ``mail.verdicts``), so the lists hold
lower-case words without punctuation. Negations are listed under ``send_back`` and are matched
before the approvals they contain ("не согласовано" before "согласовано").
"""

from __future__ import annotations

#: verdict -> locale -> accepted phrases (the first is the suggested one)
ANSWERS: dict[str, dict[str, tuple[str, ...]]] = {
    "approve": {
        "en": ("approve", "approved", "i approve", "agree", "agreed", "accept", "accepted",
               "yes", "ok", "okay", "lgtm"),
        "ru": ("согласовано", "согласую", "согласовать", "согласен", "согласна", "одобряю",
               "одобрено", "утверждаю", "утверждено", "да", "ок"),
    },
    "send_back": {
        "en": ("send back", "not approved", "disapprove", "disapproved", "reject", "rejected",
               "decline", "declined", "revise", "return", "no"),
        "ru": ("на доработку", "вернуть на доработку", "вернуть", "не согласовано",
               "не согласен", "не согласна", "не согласую", "не одобряю", "отклонено",
               "отклоняю", "нет"),
    },
    "done": {
        "en": ("done", "completed", "complete", "finished"),
        "ru": ("выполнено", "готово", "сделано", "выполнил", "выполнила"),
    },
    "paid": {
        "en": ("paid", "payment made"),
        "ru": ("оплачено", "оплатил", "оплатила", "оплата произведена"),
    },
    "acknowledge": {
        "en": ("acknowledged", "acknowledge", "read and understood", "ack"),
        "ru": ("ознакомлен", "ознакомлена", "ознакомился", "ознакомилась"),
    },
    "resubmit": {
        "en": ("resubmit", "resubmitted", "fixed", "corrected", "updated"),
        "ru": ("отправить повторно", "исправлено", "исправил", "исправила", "доработано",
               "повторно"),
    },
}

#: The line every task mail carries; a reply is cut at it (in any quoting).
REPLY_MARKER = {
    "en": "Reply above this line",
    "ru": "Ответьте выше этой строки",
}


def answer_words(verdict: str, locale: str) -> tuple[str, ...]:
    """The phrases accepted for ``verdict``, the suggested one first, in ``locale``."""
    words = ANSWERS[verdict]
    return words.get(locale) or words["en"]


def suggested(verdict: str, locale: str) -> str:
    """The one word a mail suggests for ``verdict`` (capitalised: "Согласовано")."""
    word = answer_words(verdict, locale)[0]
    return word[:1].upper() + word[1:]
