"""Exports asked for and fetched: an auditor's request for every signed trail of a period
(both days included, UTC) and optionally one process, checked and stored as an
:class:`~approvals.store.models.Export` row; its progress; and the finished ZIP, read back
against its SHA-256. The trail package's worker builds it (:mod:`approvals.trail.export`).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from approvals.core.errors import ExportNotReady, ExportPeriodInvalid, FormInvalid, NotFound
from approvals.store import filestore, queries
from approvals.store.db import read_session, write_session
from approvals.store.models import Export, Person, ProcessVersion

#: The days a search or an export may name: wide enough for any company's records, and far
#: from the calendar's end (a period's last day is read up to the next midnight).
FIRST_DAY, LAST_DAY = date(1990, 1, 1), date(2100, 12, 31)


def day_in_range(value: date) -> bool:
    return FIRST_DAY <= value <= LAST_DAY


def clean_filters(session: Session, raw: Any) -> dict[str, Any]:
    """``{"from", "to"[, "process"]}`` checked: ISO dates, ``from`` not after ``to``, a known
    process. Refuses with :class:`FormInvalid` naming each bad field."""
    raw = raw if isinstance(raw, dict) else {}
    errors: dict[str, tuple[str, dict]] = {}
    days = {}
    for key in ("from", "to"):
        value = raw.get(key)
        if value in (None, ""):
            errors[key] = ("required", {})
            continue
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError:
            errors[key] = ("not_a_date", {})
            continue
        if day_in_range(day):
            days[key] = day
        else:
            errors[key] = ("date_out_of_range", {"min": FIRST_DAY.isoformat(),
                                                 "max": LAST_DAY.isoformat()})
    if len(days) == 2 and days["from"] > days["to"]:
        errors["to"] = ("range_reversed", {})
    process = raw.get("process")
    process = process.strip() if isinstance(process, str) else process
    if process not in (None, ""):
        known = session.exec(select(ProcessVersion.id).where(
            ProcessVersion.process_id == str(process))).first()
        if known is None:
            errors["process"] = ("unknown_process", {"value": str(process)})
    if errors:
        raise FormInvalid(errors)
    filters = {"from": days["from"].isoformat(), "to": days["to"].isoformat()}
    if process:
        filters["process"] = str(process)
    return filters


def stored_period(filters: dict[str, Any]) -> tuple[date, date]:
    """A stored export's first and last day, checked again before the worker builds it: a
    request stored before requests were checked may name days past the calendar's end
    (9999-12-31, whose next midnight does not exist). Refuses with
    :class:`ExportPeriodInvalid`, whose message the export page shows."""
    try:
        first, last = (date.fromisoformat(str(filters[key])) for key in ("from", "to"))
    except (KeyError, TypeError, ValueError):
        first = last = None
    if first is None or last is None or not (day_in_range(first) and day_in_range(last)) \
            or first > last:
        raise ExportPeriodInvalid(
            f"the period {filters.get('from')} – {filters.get('to')} is not one an export may "
            f"name (days from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}, the first "
            f"not after the last); ask for a new export",
            start=str(filters.get("from")), end=str(filters.get("to")),
            min=FIRST_DAY.isoformat(), max=LAST_DAY.isoformat())
    return first, last


def create(db, person_id: int, raw_filters: Any, now: datetime) -> Export:
    """Store an export request (pending); the caller hands its id to ``build_export``."""
    with read_session(db) as session:
        filters = clean_filters(session, raw_filters)
    with write_session(db) as session:
        export = Export(requested_by_id=person_id, filters=filters, state="pending",
                        created_at=now, updated_at=now)
        session.add(export)
        session.flush()
        return export


def get(session: Session, export_id: int) -> Export:
    export = session.get(Export, export_id)
    if export is None:
        raise NotFound(f"export {export_id} not found", export=export_id)
    return export


def view(session: Session, export: Export) -> dict[str, Any]:
    """The export as the page and the API show it (times in ISO 8601 UTC)."""
    percent = 100 if export.state == "done" else (
        int(export.done * 100 / export.total) if export.total else 0)
    return {
        "id": export.id,
        "state": export.state,
        "progress": {"done": export.done, "total": export.total, "percent": percent},
        "filters": dict(export.filters),
        "requested_by": queries.person_ref(session.get(Person, export.requested_by_id)),
        "created_at": queries.iso(export.created_at),
        "finished_at": queries.iso(export.finished_at),
        "sha256": export.sha256,
        "size": export.size,
        "file_name": file_name(export),
        "error": export.error,
    }


def recent(session: Session, limit: int = 10) -> list[Export]:
    return list(session.exec(select(Export).order_by(Export.id.desc()).limit(limit)).all())


def file_name(export: Export) -> str:
    filters = export.filters
    process = f"-{filters['process']}" if filters.get("process") else ""
    return f"signoff-trails-{filters.get('from')}-{filters.get('to')}{process}-{export.id}.zip"


def read_zip(session: Session, export: Export, trails_dir: Path) -> bytes:
    if export.state != "done" or not export.path or not export.sha256:
        raise ExportNotReady(f"export {export.id} is {export.state}, not ready to download",
                             export=export.id, state=export.state)
    return filestore.read(trails_dir, export.path, export.sha256)
