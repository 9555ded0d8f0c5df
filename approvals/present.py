"""An instance as a person reads it: names instead of ids, field values the local way, the
timeline as sentences. The instance page, the mails and the signed trail all present through
here, each for its audience (see :mod:`approvals.texts`), so a value or an event is never
worded twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from sqlmodel import Session

from approvals.core.model import FieldSpec, Process
from approvals.store.directory import People
from approvals.texts import answers, t, term, values


class Names:
    """People's display names by id and by email.

    ``disambiguate`` (a trail's choice): when two people named so far share a name, each is
    shown as ``Name <email>``.
    """

    def __init__(self, session: Session, disambiguate: bool = False) -> None:
        self.people = People(session)
        self.disambiguate = disambiguate
        self._ambiguous: set[str] = set()

    def load(self, ids: Iterable[Any] = (), emails: Iterable[Any] = ()) -> None:
        self.people.load(ids, emails)
        if self.disambiguate:
            counts: dict[str, int] = {}
            for person in self.people.known():
                counts[person.name] = counts.get(person.name, 0) + 1
            self._ambiguous = {name for name, n in counts.items() if n > 1}

    def of_id(self, person_id: Any) -> str:
        if not isinstance(person_id, int):
            return "" if person_id is None else str(person_id)
        person = self.people.get(person_id)
        if person is None:
            return f"#{person_id}"
        return f"{person.name} <{person.email}>" if person.name in self._ambiguous \
            else person.name

    def of_email(self, email: str) -> str:
        person = self.people.with_email(email)
        return f"{person.name} <{email}>" if person else email


def emails_in(process: Process, fields: Mapping[str, Any]) -> list[str]:
    """The addresses in an instance's person and people fields."""
    emails: list[str] = []
    for spec in process.fields:
        value = fields.get(spec.name)
        if spec.type == "person" and isinstance(value, str):
            emails.append(value)
        elif spec.type == "people" and isinstance(value, list):
            emails.extend(v for v in value if isinstance(v, str))
    return emails


def stage_name(process: Process, key: Any, locale: str) -> str:
    try:
        return process.status(key).name.get(locale)
    except (KeyError, TypeError):
        return str(key or "")


def field_label(process: Process, name: Any, locale: str) -> str:
    spec = process.field(name) if isinstance(name, str) else None
    return spec.label.get(locale) if spec else str(name or "")


# ---------------------------------------------------------------------------- field values


def field_rows(process: Process, fields: Mapping[str, Any], documents: list[dict],
               locale: str, names: Names) -> list[dict[str, Any]]:
    """The instance's data in definition order: name, label, type, display ``text``, the
    ``entries`` of a people field and, for a file, the newest ``document`` (its id is what a
    download link needs); then the values a process sets itself (``published: true``)."""
    newest: dict[str, dict] = {}
    for doc in documents:
        if doc["version"] >= newest.get(doc["field"], {}).get("version", 0):
            newest[doc["field"]] = doc
    rows = []
    for spec in process.fields:
        value = fields.get(spec.name)
        if value is None or value == "" or value == []:
            continue
        row = {"name": spec.name, "label": spec.label.get(locale), "type": spec.type,
               "value": value, "text": "", "entries": [], "document": None}
        if spec.type == "file":
            row["document"] = newest.get(spec.name)
            row["text"] = value.get("filename", "") if isinstance(value, dict) else str(value)
        elif spec.type == "people" and isinstance(value, list):
            row["entries"] = [names.of_email(v) for v in value]
        else:
            row["text"] = display(spec, value, locale, names, fields)
        rows.append(row)
    declared = {f.name for f in process.fields}
    for name, value in fields.items():
        if name not in declared:
            text = t("common.yes" if value else "common.no", locale) \
                if isinstance(value, bool) else str(value)
            rows.append({"name": name, "label": name, "type": "extra", "value": value,
                         "text": text, "entries": [], "document": None})
    return rows


def display(spec: FieldSpec, value: Any, locale: str, names: Names,
            fields: Mapping[str, Any] | None = None) -> str:
    """One value of a field as text (a people field's entries joined by "; "; an amount in
    the currency ``fields`` name)."""
    return values.display(spec, value, locale, names.of_email, fields)


# ---------------------------------------------------------------------------- the timeline


def people_in(events: Iterable[Mapping[str, Any]]) -> list[Any]:
    """The person ids a list of audit events names (actors and those in their data)."""
    ids: list[Any] = []
    for event in events:
        data = event.get("data") or {}
        if event.get("actor"):
            ids.append(event["actor"]["id"])
        ids.extend([data.get("assignee"), data.get("from"), data.get("to"),
                    data.get("on_behalf_of"), *(data.get("assignees") or [])])
    return ids


def event_text(kind: str, data: Mapping[str, Any], process: Process, locale: str,
               names: Names, audience: str = "page") -> str:
    """The sentence for one audit event, for ``audience`` (a trail words some events more
    fully, e.g. which stage a decision was made at)."""
    trail = audience == "trail"
    values: dict[str, Any] = {
        "stage": stage_name(process, data.get("stage"), locale) if data.get("stage") else "",
        "rule": term("rule", data.get("rule"), locale, audience=audience),
        "assignee": names.of_id(data.get("assignee")),
        "assignees": ("; " if trail else ", ").join(
            names.of_id(p) for p in data.get("assignees") or []),
        "verdict": verdict_label(process, data.get("verdict"), locale, past=True,
                                 stage=data.get("stage"), audience=audience),
        "reason": term("close_reason", data.get("reason"), locale, audience=audience),
        "condition": data.get("condition", ""),
        "field": field_label(process, data.get("field"), locale) if data.get("field") else "",
        "version": data.get("version", ""),
        "filename": data.get("filename", ""),
        "from_": names.of_id(data.get("from")),
        "to": names.of_id(data.get("to")),
        "values": ", ".join(f"{k} = {v}" for k, v in (data.get("values") or {}).items()),
        "trail": data.get("trail", ""),
        "sha256": data.get("sha256", ""),
        "effect": data.get("effect", ""),
        "wanted": ", ".join(str(w) for w in data.get("wanted") or []),
    }
    key = f"event.{kind}"
    if kind == "task_opened" and data.get("on_behalf_of") is not None:  # routed to a deputy
        key, values["absent"] = "event.task_opened_for", names.of_id(data["on_behalf_of"])
    return t(key, locale, audience=audience, **values) if kind in EVENT_KINDS else kind


#: The audit events a timeline words; any other kind shows as its name.
EVENT_KINDS = frozenset((
    "started", "stage_entered", "task_opened", "decided", "task_withdrawn", "stage_completed",
    "stage_skipped", "sent_back", "resubmitted", "document_version", "completed", "cancelled",
    "reassigned", "deadline_passed", "fields_set", "reopened", "trail_issued", "effect_ran",
    "stage_unassigned", "decision_disputed", "reminded", "stage_fallback", "commented"))


def actor_name(event: Mapping[str, Any], locale: str, names: Names) -> str:
    """Who acted, as a timeline names them: a deputy "for" the person away they acted for
    ("Boris Sokolov for Anna Petrova")."""
    if not event.get("actor"):
        return ""
    absent = (event.get("data") or {}).get("on_behalf_of")
    if absent is None or event["kind"] not in ("decided", "resubmitted"):
        return event["actor"]["name"]
    return t("timeline.actor_for", locale, actor=event["actor"]["name"],
             absent=names.of_id(absent))


def event_comment(kind: str, data: Mapping[str, Any]) -> str:
    """What a person wrote with an event: a decision's comment, the reason for a withdrawal
    or a reopening, the comments a send-back gathered."""
    if kind in ("cancelled", "reopened"):
        return data.get("reason") or ""
    if kind == "sent_back" and data.get("comments"):
        return " / ".join(str(c) for c in data["comments"] if c)
    return data.get("comment") or ""


def timeline(view: dict[str, Any], process: Process, locale: str,
             names: Names) -> list[dict[str, Any]]:
    """The audit events of an instance view as a page or a mail shows them, oldest first."""
    names.load(ids=people_in(view["timeline"]))
    return [{"seq": event["seq"], "at": event["at"], "kind": event["kind"],
             "actor": actor_name(event, locale, names),
             "channel": term("channel", event["channel"], locale),
             "channel_key": event["channel"],
             "verdict": event["data"].get("verdict"),
             "text": event_text(event["kind"], event["data"], process, locale, names),
             "comment": event_comment(event["kind"], event["data"])}
            for event in view["timeline"]]



# ---------------------------------------------------------------------------- answers


def _outcome(process: Process | None, verdict: str | None, stage: str | None = None):
    """The process's own words for ``verdict`` (its stage's first, then any stage's)."""
    if process is None or not verdict:
        return None
    statuses = list(process.statuses)
    if stage is not None:
        statuses.sort(key=lambda status: status.key != stage)
    return next((s.outcome(verdict) for s in statuses if s.outcome(verdict) is not None), None)


def verdict_label(process: Process | None, verdict: str | None, locale: str,
                  past: bool = False, *, stage: str | None = None,
                  audience: str = "page") -> str:
    """An answer as a button (``Approve``) or a record (``Approved``) says it; a process's
    own outcome by its label (``Перезвонить позже``)."""
    spec = _outcome(process, verdict, stage)
    if spec is not None and spec.label is not None:
        return spec.label.get(locale)
    return term("verdict_past" if past else "verdict", verdict, locale, audience=audience)


_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


def answer_words(process: Process | None, verdict: str, locale: str,
                 stage: str | None = None) -> tuple[str, ...]:
    """The words that choose ``verdict`` in an email reply, the one a mail suggests first:
    a process's own outcome's words (those in the reader's alphabet first) and labels, or
    the built-in verdict's words."""
    spec = _outcome(process, verdict, stage)
    if spec is None or (spec.label is None and not spec.words):
        return answers.answer_words(verdict, locale) if verdict in answers.ANSWERS else (verdict,)
    words = list(spec.words) + ([spec.label.get(locale), spec.label.get("en" if locale == "ru"
                                                                         else "ru")]
                                if spec.label else [])
    if spec.label is None and verdict in answers.ANSWERS:
        words += list(answers.answer_words(verdict, locale))
    mine = [w for w in words if bool(_CYRILLIC.search(w)) == (locale == "ru")]
    ordered = [*mine, *(w for w in words if w not in mine)]
    return tuple(dict.fromkeys(ordered))


def answer_text(process: Process | None, stage: str | None, state: str, verdict: str | None,
                close_reason: str | None, locale: str) -> str:
    """How one person's task in a stage of many reads (:mod:`approvals.records.campaigns`'
    states): the answer they gave ("Ознакомлен(а)"), "not yet", or why it closed unanswered
    ("not acknowledged by the deadline")."""
    if state == "pending":
        return t("campaign.state.pending", locale)
    if verdict:
        return verdict_label(process, verdict, locale, past=True, stage=stage)
    return term("close_reason", close_reason, locale) or term("task_state", "withdrawn", locale)


def stage_answer(process: Process, stage: str | None, locale: str) -> str:
    """The answer a stage waits for (its first that leads on), as a record says it: what its
    people have done when they answered ("Ознакомлен(а)", "Approved")."""
    try:
        status = process.status(stage) if stage else None
    except KeyError:
        status = None
    onward = next((v for v in status.verdicts if process.advances(status, v)), None) \
        if status is not None else None
    return verdict_label(process, onward or "approve", locale, past=True, stage=stage)


def suggested_word(process: Process | None, verdict: str, locale: str,
                   stage: str | None = None) -> str:
    """The one word a mail suggests for ``verdict`` (capitalised)."""
    word = answer_words(process, verdict, locale, stage)[0]
    return word[:1].upper() + word[1:]


def own_words(process: Process | None, stage: str | None) -> dict[str, tuple[str, ...]]:
    """The process's own answers of ``stage`` and every word that chooses them (both
    languages), for reading a reply."""
    if process is None or stage is None:
        return {}
    try:
        status = process.status(stage)
    except KeyError:
        return {}
    return {spec.key: tuple(dict.fromkeys([*spec.words, *((spec.label.en, spec.label.ru)
                                                          if spec.label else ())]))
            for spec in status.outcomes if spec.words or spec.label}
