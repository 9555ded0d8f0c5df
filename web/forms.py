"""HTML forms: which input a field gets, the values a form starts from, and the raw dict
:func:`approvals.core.forms.validate` expects, built from ``request.form`` and
``request.files``. (What a page shows of an instance is :mod:`approvals.present`'s.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, select

from approvals.core.forms import MAX_TEXT, MONEY_PLACES, Upload
from approvals.core.model import FieldSpec, Process
from approvals.store.models import Person
from approvals.texts.formats import format_number

LONG_TEXT = 300  # a text field allowing more than this gets a textarea


def directory_choices(session: Session) -> list[dict[str, str]]:
    """Active people for the datalist of person fields."""
    rows = session.exec(select(Person).where(Person.active == True)  # noqa: E712 - SQL
                        .order_by(Person.name)).all()
    return [{"email": p.email, "name": p.name} for p in rows]


def raw_from_request(process: Process, form: Mapping[str, str], files: Mapping[str, Any],
                     partial: bool = False, specs: tuple[FieldSpec, ...] | None = None
                     ) -> dict[str, Any]:
    """The raw values of a submitted start (or, ``partial``, resubmit) form.

    Only the process's own fields are read. A file field left empty is absent on a resubmit
    (the current version stays) and ``None`` on a start (so a required one is reported).
    """
    raw: dict[str, Any] = {}
    for spec in process.start_fields if specs is None else specs:
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


def form_values(process: Process, fields: Mapping[str, Any], locale: str) -> dict[str, Any]:
    """Stored values as the inputs of a form show them (a resubmit form starts from these):
    an amount or a number written the reader's way, as the start form took it and as the
    page shows it (``480 000,00`` / ``480,000.00``, never the stored ``480000.00``), which the
    form reads back in the reader's language (:func:`approvals.core.forms.read_number`)."""
    values: dict[str, Any] = {}
    for spec in process.fields:  # a task form's fields too: a form starts from what is known
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
        elif spec.type == "money":
            values[spec.name] = format_number(value, locale, places=MONEY_PLACES)
        elif spec.type == "number":
            values[spec.name] = format_number(value, locale)
        elif spec.type != "file":
            values[spec.name] = str(value)
    return values


def defaults(process: Process, locale: str) -> dict[str, Any]:
    """What a new start form shows before anyone types: the fields' defaults."""
    return form_values(process, {spec.name: spec.default for spec in process.start_fields
                                 if spec.default is not None}, locale)


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
