"""Turning stored values into what a page shows, and an HTML form back into raw values.

Pages read views from :mod:`approvals.store.queries`; this module adds what only a reader needs
(people's names instead of ids, a money amount grouped the local way, a timeline sentence) and
does the reverse for forms: the raw dict :func:`approvals.core.forms.validate` expects, built from
``request.form`` and ``request.files``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlmodel import Session, select

from approvals.core.forms import MAX_TEXT, Upload
from approvals.core.model import FieldSpec, Process
from approvals.store.models import Person
from web import i18n

LONG_TEXT = 300  # a text field allowing more than this gets a textarea


# ---------------------------------------------------------------------------- people


class Names:
    """People's display names by id and by email, looked up in one query each."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_id: dict[int, Person] = {}
        self.by_email: dict[str, Person] = {}

    def load_ids(self, ids: Iterable[int | None]) -> None:
        wanted = {i for i in ids if isinstance(i, int) and i not in self.by_id}
        if wanted:
            for person in self.session.exec(select(Person).where(Person.id.in_(wanted))):
                self.by_id[person.id] = person
                self.by_email[person.email] = person

    def load_emails(self, emails: Iterable[str]) -> None:
        wanted = {e for e in emails if isinstance(e, str) and e not in self.by_email}
        if wanted:
            for person in self.session.exec(select(Person).where(Person.email.in_(wanted))):
                self.by_id[person.id] = person
                self.by_email[person.email] = person

    def of_id(self, person_id: Any) -> str:
        person = self.by_id.get(person_id) if isinstance(person_id, int) else None
        return person.name if person else (f"#{person_id}" if person_id is not None else "")

    def of_email(self, email: str) -> str:
        person = self.by_email.get(email)
        return f"{person.name} <{email}>" if person else email


def directory_choices(session: Session) -> list[dict[str, str]]:
    """Active people for the datalist of person fields."""
    rows = session.exec(select(Person).where(Person.active == True)  # noqa: E712 - SQL
                        .order_by(Person.name)).all()
    return [{"email": p.email, "name": p.name} for p in rows]


# ---------------------------------------------------------------------------- reading values


def emails_in(process: Process, fields: Mapping[str, Any]) -> list[str]:
    emails: list[str] = []
    for spec in process.fields:
        value = fields.get(spec.name)
        if spec.type == "person" and isinstance(value, str):
            emails.append(value)
        elif spec.type == "people" and isinstance(value, list):
            emails.extend(v for v in value if isinstance(v, str))
    return emails


def field_rows(process: Process, fields: Mapping[str, Any], documents: list[dict],
               locale: str, names: Names) -> list[dict[str, Any]]:
    """The instance's data in definition order: label, display text and, for a file, the
    newest document (its id is what the download link needs)."""
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
               "text": "", "entries": [], "document": None}
        if spec.type == "file":
            row["document"] = newest.get(spec.name)
            row["text"] = value.get("filename", "") if isinstance(value, dict) else str(value)
        elif spec.type == "people" and isinstance(value, list):
            row["entries"] = [names.of_email(v) for v in value]
        else:
            row["text"] = display(spec, value, locale, names)
        rows.append(row)
    declared = {f.name for f in process.fields}
    for name, value in fields.items():  # values a process sets itself (published: true)
        if name not in declared:
            text = i18n.t("common.yes" if value else "common.no", locale) \
                if isinstance(value, bool) else str(value)
            rows.append({"name": name, "label": name, "type": "extra", "text": text,
                         "entries": [], "document": None})
    return rows


def display(spec: FieldSpec, value: Any, locale: str, names: Names) -> str:
    kind = spec.type
    if kind == "money":
        amount = i18n.format_number(value, locale, places=2)
        return f"{amount} {spec.currency}" if spec.currency else amount
    if kind == "number":
        return i18n.format_number(value, locale)
    if kind == "date_range" and isinstance(value, dict):
        return f"{value.get('start', '')} – {value.get('end', '')}"
    if kind == "person" and isinstance(value, str):
        return names.of_email(value)
    if kind == "choice":
        choice = next((c for c in spec.choices if c.value == str(value)), None)
        return choice.label.get(locale) if choice else str(value)
    if kind == "boolean":
        return i18n.t("common.yes" if value else "common.no", locale)
    return str(value)


def timeline(view: dict[str, Any], process: Process, locale: str,
             names: Names) -> list[dict[str, Any]]:
    """The audit events of an instance view as sentences, oldest first."""
    ids: list[Any] = []
    for event in view["timeline"]:
        data = event["data"]
        ids.extend([data.get("assignee"), data.get("from"), data.get("to"),
                    *(data.get("assignees") or [])])
    names.load_ids(ids)

    def stage_name(key: str) -> str:
        try:
            return process.status(key).name.get(locale)
        except KeyError:
            return key

    def field_label(name: str) -> str:
        spec = process.field(name)
        return spec.label.get(locale) if spec else name

    rows = []
    for event in view["timeline"]:
        data = event["data"]
        comment = data.get("comment") or ""
        if event["kind"] in ("cancelled", "reopened"):
            comment = data.get("reason") or ""
        rows.append({"seq": event["seq"], "at": event["at"], "kind": event["kind"],
                     "actor": event["actor"]["name"] if event["actor"] else "",
                     "channel": i18n.state("channel", event["channel"], locale),
                     "channel_key": event["channel"],
                     "verdict": data.get("verdict"),
                     "text": i18n.event_text(event["kind"], data, locale, names.of_id,
                                             stage_name, field_label),
                     "comment": comment})
    return rows


# ---------------------------------------------------------------------------- HTML forms


def raw_from_request(process: Process, form: Mapping[str, str], files: Mapping[str, Any],
                     partial: bool = False) -> dict[str, Any]:
    """The raw values of a submitted start (or, ``partial``, resubmit) form.

    Only the process's own fields are read. A file field left empty is absent on a resubmit
    (the current version stays) and ``None`` on a start (so a required one is reported).
    """
    raw: dict[str, Any] = {}
    for spec in process.fields:
        name = spec.name
        if spec.type == "file":
            upload = files.get(name)
            if upload is not None and upload.filename:
                raw[name] = Upload(upload.filename, upload.read(),
                                   upload.mimetype or "application/octet-stream")
            elif not partial:
                raw[name] = None
        elif spec.type == "date_range":
            start = (form.get(f"{name}.start") or "").strip()
            end = (form.get(f"{name}.end") or "").strip()
            raw[name] = {"start": start, "end": end} if start or end else None
        elif spec.type == "boolean":
            raw[name] = name in form
        elif name in form or not partial:
            raw[name] = form.get(name)
    return raw


def form_values(process: Process, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Stored values as the inputs of a form show them (a resubmit form starts from these)."""
    values: dict[str, Any] = {}
    for spec in process.fields:
        value = fields.get(spec.name)
        if value is None:
            continue
        if spec.type == "people" and isinstance(value, list):
            values[spec.name] = "\n".join(value)
        elif spec.type == "date_range" and isinstance(value, dict):
            values[f"{spec.name}.start"] = value.get("start", "")
            values[f"{spec.name}.end"] = value.get("end", "")
        elif spec.type == "boolean":
            values[spec.name] = bool(value)
        elif spec.type != "file":
            values[spec.name] = str(value)
    return values


def submitted_values(form: Mapping[str, str]) -> dict[str, Any]:
    """What the person typed, to show again when a form is refused."""
    return {key: value for key, value in form.items() if key != "csrf_token"}


def widget(spec: FieldSpec) -> str:
    """Which input a field gets: input, textarea, number, date, date_range, person, people,
    choice, boolean or file."""
    if spec.type == "text":
        return "textarea" if (spec.max_length or MAX_TEXT) > LONG_TEXT else "input"
    if spec.type in ("number", "money"):
        return "number"
    return spec.type
