"""How a mail words a whole line from parameters: its subject (:func:`subject`), why a reply
was not accepted (:func:`explanation`), and how a task's form is answered in a reply
(:func:`form_line`, :func:`inline_example`). The texts are the catalogue's mail section
(:mod:`approvals.texts`).
"""

from __future__ import annotations

import re
from datetime import tzinfo
from functools import partial
from typing import Any

from approvals import texts
from approvals.core.model import FieldSpec
from approvals.texts.answers import ANSWERS, REPLY_MARKER, suggested
from approvals.texts.formats import format_size, format_time

#: Why a reply was not accepted: the reasons an explanation mail is worded for.
REASONS = ("already_decided", "ambiguous", "no_verdict", "wrong_sender", "expired",
           "unknown_token", "too_large", "refused")
MAX_TITLE = 120  # characters of the title a subject carries
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)
#: A mail's texts: its own section of the catalogue, then the page's, then the common words.
t = partial(texts.t, audience="mail")


def quoted(word: str, locale: str) -> str:
    return t("word.quoted", locale, word=word)


def one_line(text: Any, limit: int | None = None) -> str:
    """``text`` on one line (a header must not break), at most ``limit`` characters."""
    line = " ".join(str(text).split())
    if limit and len(line) > limit:
        line = line[:limit - 1].rstrip() + "…"
    return line


def subject(template: str, instance_id: int, title: str, locale: str) -> str:
    """``[Signoff #12] New task: “Supply contract”``: the tag threads and filters, the rest
    says what happened."""
    key = f"subject.{template}" if texts.own(f"subject.{template}", "mail") \
        else "subject.other"
    return (t("subject.tag", locale, instance=instance_id) + " "
            + t(key, locale, title=one_line(title, MAX_TITLE)))


def example(spec: FieldSpec, locale: str) -> str:
    """What a value of ``spec`` looks like in a reply."""
    if spec.type == "date":
        return "27.11.2026" if locale == "ru" else "2026-11-27"
    if spec.type in ("number", "money"):
        return "1500,00" if locale == "ru" else "1500.00"
    if spec.type == "choice" and spec.choices:
        return spec.choices[0].value
    if spec.type in ("person", "people"):
        return "name@example.com"
    if spec.type == "boolean":
        return "да" if locale == "ru" else "yes"
    return "123" if spec.words else "…"


def form_line(spec: FieldSpec, locale: str) -> str:
    """A form's answer as a reply line: ``Дата оплаты: 27.11.2026``."""
    return f"{spec.label.get(locale)}: {example(spec, locale)}"


def inline_example(word: str, asked: tuple[FieldSpec, ...], locale: str) -> str | None:
    """The answer ``word`` with the form's required answers on its line ("Оплачено 27.11.2026
    п/п 123"), when each can be written so — a date, or a field with marker ``words`` (the
    one in the reader's alphabet first); None when one cannot."""
    needed = [spec for spec in asked if spec.required]
    if not needed or not all(spec.type == "date" or spec.words for spec in needed):
        return None
    parts = [word]
    for spec in needed:
        if spec.words:
            alphabet = _CYRILLIC if locale == "ru" else _LATIN
            parts.append(next((w for w in spec.words if alphabet.search(w)), spec.words[0]))
        parts.append(example(spec, locale))
    return " ".join(parts)


def explanation(reason: str, params: dict[str, Any], locale: str,
                zone: tzinfo | None = None) -> tuple[str, str]:
    """What happened to a reply that was not accepted, and what to do now (may be empty);
    a time in the reader's ``zone`` (UTC when none)."""
    key = f"explain.{reason}" if reason in REASONS else "explain.unknown"
    message = texts.in_locale(params.get("message"), locale)
    limit, verdict = params.get("limit"), params.get("verdict")
    happened = t(key, locale, by=params.get("by") or "",
                 at=format_time(params.get("at"), locale, zone) if params.get("at") else "",
                 verdict=texts.verdict(verdict, locale, past=True),
                 limit=format_size(limit, locale) if isinstance(limit, int) else limit,
                 message=str(message))
    if reason == "already_decided" and not (params.get("by")
                                            and texts.has(f"verdict_past.{verdict}")):
        # nobody decided it: the task was withdrawn (``verdict`` holds the close reason)
        happened = t("explain.already_closed", locale, reason=texts.term(
            "close_reason", verdict, locale) or texts.term("task_state", "withdrawn",
                                                           locale).lower())
    if reason in ("ambiguous", "no_verdict"):
        given = (params.get("words") or {}).get(texts.normalize(locale))
        words = ", ".join(quoted(w, locale) for w in given) if given else ", ".join(
            quoted(suggested(v, locale), locale)
            for v in params.get("verdicts") or [] if v in ANSWERS)
        marker = REPLY_MARKER.get(texts.normalize(locale)) or REPLY_MARKER["en"]
        return happened, t("explain.words.todo", locale, marker=marker, words=words) \
            if words else ""
    return happened, t(f"{key}.todo", locale) if texts.own(f"{key}.todo", "mail") else ""
