"""Exports: every signed trail of a period in one ZIP, with a CSV index, built by a worker.

An auditor asks for a period (both days included, UTC) and optionally one process;
:func:`approvals.records.exports.create` stores the request (an
:class:`~approvals.store.models.Export` row) and the worker's ``build_export`` actor runs
:func:`build`: it counts the trails, copies each stored PDF (checked
against its SHA-256) into the ZIP, records its progress as it goes, and writes ``index.csv``
last. The ZIP is written to a temporary file and renamed into place, so a half-built export is
never offered; building one again gives the same bytes. A trail is in the period when the
completion it seals is; a completed instance whose trail is not made yet is listed in the index
with no file, so nothing goes missing silently.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import os
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from approvals.config import organisation_locale
from approvals.core.errors import SignoffError
from approvals.records import exports
from approvals.store import filestore, queries, registry
from approvals.store.db import read_session, write_session
from approvals.store.models import Export, Instance, Person, ProcessVersion, Trail

log = logging.getLogger("signoff.trail")
FOLDER = "exports"  # under the trails folder
INDEX = "index.csv"
COLUMNS = ("trail_number", "instance", "process", "title", "initiator", "started", "ended",
           "outcome", "sha256", "file_name")
PROGRESS_EVERY = 0.5  # seconds between two progress writes


# ---------------------------------------------------------------------------- building


@dataclass(frozen=True)
class Row:
    """One line of the index: a stored trail, or a completion whose trail is not made yet."""

    trail_id: int | None
    instance_id: int
    process: str
    title: str
    initiator: str
    started: str
    ended: str
    outcome: str
    sha256: str
    path: str
    created_at: datetime | None

    @property
    def file_name(self) -> str:
        if self.trail_id is None:
            return ""
        return f"trail-{self.trail_id:06d}-instance-{self.instance_id}.pdf"


def build(db, export_id: int, trails_dir: Path, clock: Callable[[], datetime]) -> bool:
    """Build the export's ZIP; returns False when it was already built.

    A refusal that building again would not fix (a stored trail damaged on disk, a period
    no export may name) marks the export failed once with its reason, not retried; any other
    error marks it failed too and is raised, so the worker tries again."""
    with write_session(db) as session:
        export = exports.get(session, export_id)
        if export.state == "done":
            return False
        export.state, export.error, export.done, export.total = "running", None, 0, 0
        export.updated_at = clock()
        session.add(export)
        filters = dict(export.filters)
    try:
        rows = selection(db, filters)
        _set(db, export_id, clock(), total=sum(1 for r in rows if r.trail_id is not None))
        stored = _write_zip(db, export_id, rows, Path(trails_dir), clock)
    except Exception as error:
        refused = isinstance(error, SignoffError)  # said in words; anything else by its type
        _set(db, export_id, clock(), state="failed", finished_at=clock(),
             error=(str(error) if refused else f"{type(error).__name__}: {error}")[:2000])
        log.error("export %s failed: %s", export_id, error)
        if refused:
            return False
        raise
    moment = clock()
    _set(db, export_id, moment, state="done", finished_at=moment, sha256=stored.sha256,
         size=stored.size, path=stored.path)
    log.info("export %s built: %d trails, %s", export_id,
             sum(1 for r in rows if r.trail_id), stored.sha256)
    return True


def selection(db, filters: dict[str, Any]) -> list[Row]:
    """The trails whose completion falls in the period, oldest first, and the completed
    instances of the period that have no trail yet."""
    first, last = exports.stored_period(filters)
    start = datetime.combine(first, clock_time(), UTC)
    end = datetime.combine(last, clock_time(), UTC) + timedelta(days=1)
    locale = organisation_locale()
    with read_session(db) as session:
        query = (select(Trail, Instance).join(Instance, Trail.instance_id == Instance.id)
                 .where(Trail.completed_at >= start, Trail.completed_at < end))
        missing = (select(Instance).where(Instance.status == "completed",
                                          Instance.ended_at >= start, Instance.ended_at < end,
                                          ~Instance.id.in_(select(Trail.instance_id))))
        if filters.get("process"):
            query = query.where(Instance.process_id == filters["process"])
            missing = missing.where(Instance.process_id == filters["process"])
        pairs = session.exec(query.order_by(Trail.completed_at, Trail.id)).all()
        pairs = [*pairs, *((None, i) for i in session.exec(missing.order_by(Instance.ended_at,
                                                                             Instance.id)))]
        names, people = _ProcessNames(session, locale), _PersonNames(session)
        return [Row(trail.id if trail else None, instance.id, names(instance),
                    instance.title_in(locale), people(instance.initiator_id),
                    queries.iso(instance.started_at) or "",
                    queries.iso(trail.completed_at if trail else instance.ended_at) or "",
                    instance.status if trail else "completed (trail not made yet)",
                    trail.sha256 if trail else "", trail.path if trail else "",
                    trail.created_at if trail else None)
                for trail, instance in pairs]


class _ProcessNames:
    def __init__(self, session: Session, locale: str) -> None:
        self.session, self.locale, self.cache = session, locale, {}

    def __call__(self, instance: Instance) -> str:
        key = instance.process_version_id
        if key not in self.cache:
            row = self.session.get(ProcessVersion, key)
            self.cache[key] = registry.definition(row).name.get(self.locale)
        return self.cache[key]


class _PersonNames:
    def __init__(self, session: Session) -> None:
        self.session, self.cache = session, {}

    def __call__(self, person_id: int) -> str:
        if person_id not in self.cache:
            person = self.session.get(Person, person_id)
            self.cache[person_id] = f"{person.name} <{person.email}>" if person else ""
        return self.cache[person_id]


def _write_zip(db, export_id: int, rows: list[Row], trails_dir: Path,
               clock: Callable[[], datetime]) -> filestore.Stored:
    folder = trails_dir / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".zip", dir=folder)
    relative = f"{FOLDER}/export-{export_id}.zip"
    try:
        with os.fdopen(fd, "w+b") as handle:
            with zipfile.ZipFile(handle, "w") as archive:
                done, last = 0, time.monotonic()
                for row in rows:
                    if row.trail_id is None:
                        continue
                    data = filestore.read(trails_dir, row.path, row.sha256)
                    info = zipfile.ZipInfo(row.file_name, _zip_time(row.created_at))
                    info.compress_type = zipfile.ZIP_STORED  # a PDF is compressed already
                    info.external_attr = 0o644 << 16
                    archive.writestr(info, data)
                    done += 1
                    if time.monotonic() - last >= PROGRESS_EVERY:
                        _set(db, export_id, clock(), done=done)
                        last = time.monotonic()
                index = zipfile.ZipInfo(INDEX, _zip_time(max(
                    (r.created_at for r in rows if r.created_at), default=None)))
                index.compress_type = zipfile.ZIP_DEFLATED
                index.external_attr = 0o644 << 16
                archive.writestr(index, index_csv(rows))
            _set(db, export_id, clock(), done=done)
            handle.flush()
            os.fsync(handle.fileno())
            handle.seek(0)
            digest, size = hashlib.sha256(), 0
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
                size += len(chunk)
        os.chmod(temporary, 0o640)
        os.replace(temporary, trails_dir / relative)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    filestore.fsync_folder(folder)
    return filestore.Stored(digest.hexdigest(), size, relative)


def index_csv(rows: list[Row]) -> bytes:
    """The index: one line per trail (UTF-8 with a BOM, so spreadsheets read Cyrillic)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row.trail_id or "", row.instance_id, row.process, row.title,
                         row.initiator, row.started, row.ended, row.outcome, row.sha256,
                         row.file_name])
    return out.getvalue().encode("utf-8-sig")


def _zip_time(moment: datetime | None) -> tuple[int, int, int, int, int, int]:
    """A ZIP entry's time (UTC); fixed per trail, so building again gives the same bytes."""
    if moment is None:
        return (1980, 1, 1, 0, 0, 0)
    moment = moment.astimezone(UTC)
    return (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute,
            moment.second - moment.second % 2)


def _set(db, export_id: int, now: datetime, **values: Any) -> None:
    with write_session(db) as session:
        export = session.get(Export, export_id)
        for key, value in values.items():
            setattr(export, key, value)
        export.updated_at = now
        session.add(export)
