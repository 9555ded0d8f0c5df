"""Where process definitions come from, and which version an instance runs.

Files are read from the folders packages ship (named by the ``signoff.processes`` entry points
in pyproject.toml: ``approvals/processes``, ``hr/processes``) and from every folder in
``SIGNOFF_PROCESS_DIRS`` (separated by the OS path separator). ``sync`` stores
each file's exact source as a :class:`ProcessVersion` when its digest is new; an instance keeps
the version it started with, so editing a file never changes a running process.
"""

from __future__ import annotations

import os
from datetime import datetime
from importlib.metadata import entry_points
from pathlib import Path

from sqlalchemy import bindparam
from sqlalchemy.engine import Connection
from sqlmodel import Session, func, select

from approvals.core.errors import DefinitionError, NotFound
from approvals.core.model import Process
from approvals.definitions import load_file, load_text
from approvals.store.directory import DbDirectory
from approvals.store.models import ProcessVersion
from approvals.store.statements import Prepared

ENTRY_POINTS = "signoff.processes"


def shipped() -> list[Path]:
    """The process folders installed packages declare, in the order of their names."""
    points = sorted(entry_points(group=ENTRY_POINTS), key=lambda point: point.name)
    return [Path(point.load()) for point in points]


def process_dirs() -> list[Path]:
    extra = [Path(p) for p in os.environ.get("SIGNOFF_PROCESS_DIRS", "").split(os.pathsep) if p]
    return [*shipped(), *extra]


def process_files(dirs: list[Path] | None = None) -> list[Path]:
    files: list[Path] = []
    for folder in dirs if dirs is not None else process_dirs():
        if folder.is_dir():
            files.extend(sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]))
    return files


def load_all(dirs: list[Path] | None = None) -> tuple[list[Process], list[DefinitionError]]:
    """Parse every process file; a broken file is reported and left out, never half-loaded."""
    processes, errors = [], []
    ids: dict[str, str] = {}
    for path in process_files(dirs):
        try:
            process = load_file(path)
        except DefinitionError as error:
            errors.append(error)
            continue
        if process.id in ids:
            errors.append(DefinitionError(str(path), None, "id", f"process id {process.id!r} is "
                                          f"already defined in {ids[process.id]}"))
            continue
        ids[process.id] = str(path)
        processes.append(process)
    return processes, errors


def sync(session: Session, processes: list[Process], now: datetime) -> list[ProcessVersion]:
    """Store a new version of every process whose source changed. Returns the new versions."""
    added = []
    for process in processes:
        known = session.exec(select(ProcessVersion).where(
            ProcessVersion.process_id == process.id,
            ProcessVersion.digest == process.digest)).first()
        if known is not None:
            continue
        last = session.exec(select(func.max(ProcessVersion.version)).where(
            ProcessVersion.process_id == process.id)).one()
        source = Path(process.source_path).read_text(encoding="utf-8")
        row = ProcessVersion(process_id=process.id, version=(last or 0) + 1,
                             digest=process.digest, source=source, path=process.source_path,
                             loaded_at=now)
        session.add(row)
        added.append(row)
    session.flush()
    return added


def latest(session: Session, process_id: str) -> ProcessVersion:
    row = session.exec(select(ProcessVersion).where(ProcessVersion.process_id == process_id)
                       .order_by(ProcessVersion.version.desc()).limit(1)).first()
    if row is None:
        raise NotFound(f"no process {process_id!r}", process=process_id)
    return row


def latest_versions(session: Session) -> list[ProcessVersion]:
    newest = select(ProcessVersion.process_id, func.max(ProcessVersion.version).label("v")) \
        .group_by(ProcessVersion.process_id).subquery()
    return list(session.exec(select(ProcessVersion).join(
        newest, (ProcessVersion.process_id == newest.c.process_id)
        & (ProcessVersion.version == newest.c.v)).order_by(ProcessVersion.process_id)).all())


_compiled: dict[str, Process] = {}
_VERSIONS = ProcessVersion.__table__
_LATEST = Prepared(select(_VERSIONS.c.id, _VERSIONS.c.digest)  # every start asks
                   .where(_VERSIONS.c.process_id == bindparam("process_id"))
                   .order_by(_VERSIONS.c.version.desc()).limit(1))
_DIGEST = Prepared(select(_VERSIONS.c.digest).where(_VERSIONS.c.id == bindparam("id")))
_SOURCE = select(_VERSIONS.c.digest, _VERSIONS.c.source, _VERSIONS.c.path) \
    .where(_VERSIONS.c.id == bindparam("id"))


def definition(row: ProcessVersion) -> Process:
    """The immutable definition of one stored version (parsed once per digest)."""
    process = _compiled.get(row.digest)
    if process is None:
        process = _compiled[row.digest] = load_text(row.source, row.path)
    return process


def definition_of(session: Session | Connection, version_id: int) -> Process:
    """Like :func:`definition`, reading only the digest when the version is already parsed
    (a prebuilt statement: pages and mails ask it for every instance they show)."""
    digest = _DIGEST.execute(session, {"id": version_id}).scalar_one()
    return definition_by_digest(session, version_id, digest)


def latest_id(connection: Connection, process_id: str) -> tuple[int, str]:
    """The (id, digest) of the newest version of ``process_id``; see :func:`latest`."""
    row = _LATEST.execute(connection, {"process_id": process_id}).first()
    if row is None:
        raise NotFound(f"no process {process_id!r}", process=process_id)
    return row[0], row[1]


def definition_by_digest(connection: Session | Connection, version_id: int,
                         digest: str) -> Process:
    """Like :func:`definition_of` when the caller has read the digest already: no query at all
    once the version is parsed."""
    process = _compiled.get(digest)
    if process is None:
        process = definition(connection.execute(_SOURCE, {"id": version_id}).one())
    return process


def unheld_roles(connection, process: Process) -> list[tuple[str, int | None, str]]:
    """(where, line, role) for each role the process assigns work to that no active person
    holds: its tasks would go to the administrators."""
    directory = DbDirectory(connection)
    named: list[tuple[str, int | None, str]] = []
    for status in process.statuses:
        named += [(f"{status.key}.assignees", status.line, spec.value)
                  for spec in status.assignees if spec.kind == "role"]
        named += [(f"{status.key}.fallback", status.line, spec.value)
                  for spec in status.fallback if spec.kind == "role"]
    named += [("watchers", None, spec.value) for spec in process.watchers if spec.kind == "role"]
    if process.revision.assignee.kind == "role":
        named.append(("revision.assignee", None, process.revision.assignee.value))
    return [(where, line, role) for where, line, role in named
            if not any(directory.is_active(p) for p in directory.with_role(role))]
