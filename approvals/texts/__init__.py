"""Everything Signoff says to a person, in English and Russian, and the one way to look it up.

One catalogue in sections: :data:`COMMON` holds the words of the domain every reader sees the
same way; :data:`PAGE`, :data:`MAIL` and :data:`TRAIL` hold what a page, an email and a signed
trail say in their own words. :func:`t` looks a key up for an audience (``page`` by default):

- a page reads its own section, then the common words;
- a mail reads its own section, then the page's (it says what the page says unless it words a
  key itself), then the common words;
- a trail reads its own section, then the common words (it words verdicts and events for an
  auditor, e.g. "approved" where a page says "Approve").

A missing key shows as the key itself, never as an error. The helpers below know which
parameters a family of keys takes (field errors, verdicts, states, notifications, events);
:mod:`approvals.texts.formats` writes times, numbers and sizes the reader's way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from approvals.core.model import DEFAULT_LOCALE, LOCALES
from approvals.texts import (
    accounting,
    campaigns,
    catalogue,
    deputies,
    discussion,
    documents,
    hr,
    hr_leave,
    hr_people,
    hr_processes,
    hr_schedule,
    lists,
    notices,
    reports,
    settings,
    webhooks,
)
from approvals.texts import common as _common
from approvals.texts import mail as _mail
from approvals.texts import page as _page
from approvals.texts import trail as _trail

Texts = Mapping[str, Mapping[str, str]]
#: The modules that word one area each, beside the general ones (page, mail, common, trail).
_AREAS = (accounting, campaigns, catalogue, deputies, discussion, documents, hr, hr_leave,
          hr_people, hr_processes, hr_schedule, lists, notices, reports, settings,
          webhooks)


def _joined(base: dict[str, dict[str, str]], section: str) -> dict[str, dict[str, str]]:
    joined = dict(base)
    for area in _AREAS:
        for key, texts in getattr(area, section).items():
            if key in joined:
                raise ValueError(f"the text {key!r} is worded twice ({area.__name__})")
            joined[key] = texts
    return joined


COMMON = _joined(_common.COMMON, "COMMON")
MAIL = _joined(_mail.MAIL, "MAIL")
PAGE = _joined(_page.PAGE, "PAGE")
TRAIL = _joined(_trail.TRAIL, "TRAIL")
#: Where each audience looks, in order.
SECTIONS: dict[str, tuple[Texts, ...]] = {
    "page": (PAGE, COMMON),
    "mail": (MAIL, PAGE, COMMON),
    "trail": (TRAIL, COMMON),
}


def normalize(locale: str | None) -> str:
    """``ru`` or ``en`` from whatever a profile, a header or a setting holds."""
    locale = (locale or "").strip().lower()[:2]
    return locale if locale in LOCALES else DEFAULT_LOCALE


def _texts(key: str, audience: str) -> Mapping[str, str] | None:
    for section in SECTIONS[audience]:
        texts = section.get(key)
        if texts is not None:
            return texts
    return None


def has(key: str, audience: str = "page") -> bool:
    return _texts(key, audience) is not None


def own(key: str, audience: str) -> bool:
    """True when ``audience`` words ``key`` in its own section (not the shared one)."""
    return key in SECTIONS[audience][0]


def t(key: str, locale: str | None, *, audience: str = "page", **params: Any) -> str:
    """The text of ``key`` in ``locale`` for ``audience``, ``params`` filled in; the key when
    unknown."""
    texts = _texts(key, audience)
    if texts is None:
        return key
    text = texts.get(normalize(locale)) or texts[DEFAULT_LOCALE]
    if not params:
        return text
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


def term(family: str, value: str | None, locale: str | None, *,
         audience: str = "page") -> str:
    """The word for ``value`` of ``family`` (``instance_state``, ``task_state``, ``task_kind``,
    ``stage_state``, ``rule``, ``close_reason``, ``channel``, ``verdict``…); the raw value
    when the catalogue does not know it, nothing for nothing."""
    if not value:
        return ""
    key = f"{family}.{value}"
    return t(key, locale, audience=audience) if has(key, audience) else value


def verdict(name: str | None, locale: str | None, past: bool = False) -> str:
    """A verdict as a button says it ("Approve") or, ``past``, as a record does ("Approved")."""
    return term("verdict_past" if past else "verdict", name, locale)


def field_error(code: str, params: Mapping[str, Any] | None, locale: str | None) -> str:
    """What to say next to a field that :mod:`approvals.core.forms` refused with ``code``; a
    parameter given in both languages (``{"en": …, "ru": …}``, e.g. the labels of other
    fields) is said in the reader's."""
    values = {name: in_locale(value, locale) if isinstance(value, Mapping) else value
              for name, value in (params or {}).items()}
    if "allowed" in values and isinstance(values["allowed"], list | tuple):
        values["allowed"] = ", ".join(str(v) for v in values["allowed"])
    key = f"field_error.{code}"
    if code == "not_an_email" and "value" not in values:
        key += ".plain"
    if not has(key):
        key = "field_error.unknown"
    return t(key, locale, **values)


def error_message(code: str | None, locale: str | None,
                  params: Mapping[str, Any] | None = None) -> str | None:
    """The text of a domain error code (its ``params`` filled in), or None when the code is
    not known."""
    if code and has(f"error.{code}"):
        return t(f"error.{code}", locale, **dict(params or {}))
    return None


def in_locale(message: Any, locale: str | None) -> str:
    """A process's own text: a ``{"en": …, "ru": …}`` mapping read in ``locale``, or a plain
    string as it is."""
    if isinstance(message, Mapping):
        return message.get(normalize(locale)) or message.get(DEFAULT_LOCALE) or ""
    return str(message or "")


def notification_text(template: str, params: Mapping[str, Any], locale: str | None,
                      stage_name: str = "") -> str:
    """One line for a notification; ``stage_name`` is the stage's name in ``locale``."""
    values = {"title": params.get("title") or "", "stage": stage_name or params.get("stage")
              or "", "reason": term("close_reason", params.get("reason"), locale),
              "message": in_locale(params.get("message"), locale),
              "wanted": ", ".join(str(w) for w in params.get("wanted") or []),
              "comment": str(params.get("comment") or "")}
    key = f"notify.{template}"
    # the completion notice may carry the process's message and the signed trail
    # (approvals/store/notices.py): its own wording says so
    variant = "_".join(part for part, given in (("trail", params.get("trail")),
                                                ("message", values["message"])) if given)
    if variant and has(f"{key}.{variant}"):
        key = f"{key}.{variant}"
    return t(key, locale, **values).strip() if has(key) else values["title"] or template


def plural_form(n: int, locale: str | None) -> str:
    """The plural form of the count ``n`` in ``locale`` (CLDR): ``one``, ``few`` or ``many``
    in Russian (1, 21 — 2–4, 22 — 5–20, 0); ``one`` or ``many`` in English."""
    n = abs(int(n))
    if normalize(locale) != "ru":
        return "one" if n == 1 else "many"
    if n % 10 == 1 and n % 100 != 11:
        return "one"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "few"
    return "many"


def count_text(key: str, n: int, locale: str | None, *, audience: str = "page",
               **params: Any) -> str:
    """The text of ``key`` for the count ``n`` in its plural form (``key.one``, ``key.few``,
    ``key.many``), ``{n}`` filled in."""
    return t(f"{key}.{plural_form(n, locale)}", locale, audience=audience, n=n, **params)
